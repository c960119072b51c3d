"""The names index gives the repository rules exactly what reading every folder gives: for
``lint --changed-since`` and ``lint PATH``, cold and warm, with look-alike names, renamed,
removed, untracked, uncommitted and ignored folders, and with snapshots that are corrupt, of
another version or of an older tree; and the pieces it stands on (the lazy ``GitSource``,
``DiskSource.entries``, the batch keys, the commit-only change of a CI checkout)."""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from oin_gitops import engine, names
from oin_gitops.changes import changed_since, merge_base
from oin_gitops.cli import COMMANDS, cli
from oin_gitops.config import load_config
from oin_gitops.diagnostics import Report
from oin_gitops.rules import BY_ID, characters
from oin_gitops.rules.characters import many_name_keys, name_keys
from oin_gitops.sources import DiskSource, GitSource, Kind
from tests.conftest import SUBMISSION_YAML, ScratchRepo, brief, git

CYRILLIC_O = "\u043e"
BASE = {
    "acme-notes": "Acme Notes",
    "beta-app": "Beta App",
    "gamma-app": "Gamma App",
    "delta-app": "Delta App",
    "zoe-app": "Zo\u00eb App",
    "omega": "Omega",
}
COMPARED = {"duplicate-name", "duplicate-slug"}


def general(name: str) -> str:
    return SUBMISSION_YAML.format(name=name, sealed="x")


def rename(repo: ScratchRepo, slug: str, name: str) -> None:
    repo.write(f"submissions/{slug}/submission.yaml", general(name))


def commit(repo: ScratchRepo, message: str = "work") -> None:
    git(repo.root, "add", "-A")
    git(repo.root, "commit", "-qm", message)


@pytest.fixture
def catalog(repo: ScratchRepo) -> ScratchRepo:
    """``BASE`` committed on main; the branch ``change`` checked out."""
    for slug, name in BASE.items():
        repo.add_submission(slug, name=name)
    git(repo.root, "init", "-q", "-b", "main")
    commit(repo, "base")
    git(repo.root, "switch", "-qc", "change")
    return repo


def snapshots(repo: ScratchRepo) -> list[Path]:
    return sorted((repo.root / ".git" / "oin-gitops").glob("names-*/*"))


def lint_change(repo: ScratchRepo, indexed: bool) -> Report:
    source = DiskSource(repo.root)
    config = load_config(source, frozenset(BY_ID))
    change = changed_since(repo.root, "main")
    base = merge_base(repo.root, "main")
    if indexed:
        source.names = names.NameIndex.at_merge_base(repo.root, base, change.slugs())
    return engine.lint(source, config, change=change, base=GitSource(repo.root, base))


def lint_folders(repo: ScratchRepo, slugs: list[str], indexed: bool) -> Report:
    source = DiskSource(repo.root, names.NameIndex.at_head(repo.root) if indexed else None)
    return engine.lint(source, load_config(source, frozenset(BY_ID)), slugs)


def same_both_ways(repo: ScratchRepo, slugs: list[str] | None = None) -> list[tuple[str, str]]:
    """Lint with the index and by reading every folder; the reports must be equal. Returns
    the repository rules' findings (path, message), and checks the index was used."""
    if slugs is None:
        indexed, scanned = lint_change(repo, True), lint_change(repo, False)
    else:
        indexed, scanned = lint_folders(repo, slugs, True), lint_folders(repo, slugs, False)
    assert indexed == scanned
    assert snapshots(repo), "the index was not used"
    return [(path, message) for path, rule, _, _, message in brief(indexed) if rule in COMPARED]


def taken_by(path: str, other: str) -> tuple[str, str]:
    return path, f"the app name '{BASE[other]}' is already used by submissions/{other}"


GENERAL = "submissions/{}/submission.yaml"


# --- lint --changed-since: the tree of the merge base, the change's folders read -----------


def test_a_look_alike_name_in_another_script_and_a_look_alike_slug(catalog: ScratchRepo) -> None:
    catalog.add_submission("acme-n0tes", name=f"Acme N{CYRILLIC_O}tes")
    found = same_both_ways(catalog)
    assert found == [
        ("submissions/acme-n0tes", "the slug 'acme-n0tes' looks like submissions/acme-notes"),
        (
            GENERAL.format("acme-n0tes"),
            f"the app name 'Acme N{CYRILLIC_O}tes' looks like 'Acme Notes' of submissions/"
            "acme-notes (it mixes scripts: U+043E CYRILLIC SMALL LETTER O)",
        ),
    ]


@pytest.mark.parametrize("committed", [True, False], ids=["committed", "uncommitted"])
def test_a_name_changed_by_the_change(catalog: ScratchRepo, committed: bool) -> None:
    rename(catalog, "beta-app", "Gamma App")
    if committed:
        commit(catalog)
    found = same_both_ways(catalog)
    assert found == [taken_by(GENERAL.format("beta-app"), "gamma-app")]


def test_the_old_name_of_a_renamed_app_is_free(catalog: ScratchRepo) -> None:
    rename(catalog, "gamma-app", "Gamma Suite")
    rename(catalog, "beta-app", "Gamma App")
    commit(catalog)
    assert same_both_ways(catalog) == []


def test_a_removed_folder_holds_no_name(catalog: ScratchRepo) -> None:
    git(catalog.root, "rm", "-rqf", "submissions/gamma-app")
    rename(catalog, "beta-app", "Gamma App")
    assert same_both_ways(catalog) == []


def test_a_name_taken_on_main_since_the_merge_base(catalog: ScratchRepo) -> None:
    """The change is compared with the merge base, as without the index."""
    git(catalog.root, "switch", "-q", "main")
    catalog.add_submission("epsilon", name="Epsilon")
    commit(catalog)
    git(catalog.root, "switch", "-q", "change")
    catalog.add_submission("epsilon-two", name="Epsilon")
    assert same_both_ways(catalog) == []


def test_an_ignored_submission_yaml_is_read_from_disk(catalog: ScratchRepo) -> None:
    catalog.write(".gitignore", "submissions/hidden/submission.yaml\n")
    catalog.add_submission("hidden", name="Beta App")
    git(catalog.root, "switch", "-q", "main")
    commit(catalog, "hidden folder")
    git(catalog.root, "switch", "-q", "change")
    git(catalog.root, "merge", "-q", "main")
    rename(catalog, "delta-app", "Delta Two")
    found = same_both_ways(catalog)
    assert found == []
    assert same_both_ways(catalog, ["beta-app"]) == [
        (
            GENERAL.format("beta-app"),
            "the app name 'Beta App' is already used by submissions/hidden",
        )
    ]


def test_a_placeholder_name_is_compared_as_without_the_index(catalog: ScratchRepo) -> None:
    rename(catalog, "omega", "TODO")
    commit(catalog)
    git(catalog.root, "switch", "-q", "main")
    git(catalog.root, "merge", "-q", "change")
    git(catalog.root, "switch", "-q", "change")
    rename(catalog, "delta-app", "TODO")
    same_both_ways(catalog)


# --- lint PATH: the tree of HEAD, folders that differ from it read ---------------------------


def test_uncommitted_and_untracked_folders_are_read_from_disk(catalog: ScratchRepo) -> None:
    rename(catalog, "delta-app", "Acme Notes")  # uncommitted: git's object says Delta App
    catalog.add_submission("new-omega", name="Omega")  # untracked
    assert same_both_ways(catalog, ["acme-notes", "omega"]) == [
        (
            GENERAL.format("acme-notes"),
            "the app name 'Acme Notes' is already used by submissions/delta-app",
        ),
        (GENERAL.format("omega"), "the app name 'Omega' is already used by submissions/new-omega"),
    ]


def test_the_old_name_of_an_uncommitted_rename_is_free(catalog: ScratchRepo) -> None:
    rename(catalog, "delta-app", "Delta Two")
    rename(catalog, "omega", "Delta App")
    assert same_both_ways(catalog, ["omega"]) == []


def test_a_staged_rename_and_a_deleted_folder(catalog: ScratchRepo) -> None:
    rename(catalog, "delta-app", "Omega")
    git(catalog.root, "add", "-A")
    git(catalog.root, "rm", "-rqf", "submissions/beta-app")
    assert same_both_ways(catalog, ["omega"]) == [
        (GENERAL.format("omega"), "the app name 'Omega' is already used by submissions/delta-app")
    ]


def test_a_warm_snapshot_still_reads_what_changed_since(catalog: ScratchRepo) -> None:
    assert same_both_ways(catalog, ["omega"]) == []
    (written,) = snapshots(catalog)
    rename(catalog, "gamma-app", "Omega")
    assert same_both_ways(catalog, ["omega"]) == [
        (GENERAL.format("omega"), "the app name 'Omega' is already used by submissions/gamma-app")
    ]
    assert snapshots(catalog) == [written]  # the same tree: the same snapshot, reused


def test_a_snapshot_built_beside_uncommitted_work_holds_the_trees_names(
    catalog: ScratchRepo,
) -> None:
    rename(catalog, "delta-app", "Omega")  # read from disk, never written into the snapshot
    assert same_both_ways(catalog, ["omega"]) == [
        (GENERAL.format("omega"), "the app name 'Omega' is already used by submissions/delta-app")
    ]
    git(catalog.root, "restore", "submissions/delta-app/submission.yaml")
    assert same_both_ways(catalog, ["omega"]) == []


def test_outside_git_every_folder_is_read(repo: ScratchRepo) -> None:
    repo.add_submission("acme-notes")
    repo.add_submission("acme-notes-2")
    assert names.NameIndex.at_head(repo.root) is not None
    assert lint_folders(repo, ["acme-notes"], True) == lint_folders(repo, ["acme-notes"], False)


# --- the snapshots: cold, warm, incremental, corrupt, another version ------------------------


def test_cold_then_warm_then_built_from_the_previous_tree(
    catalog: ScratchRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    listed: list[set[str] | None] = []
    tracked = names.NameIndex._tracked

    def spy(self: names.NameIndex, tree: str, only: set[str] | None) -> dict[str, bool]:
        listed.append(only)
        return tracked(self, tree, only)

    monkeypatch.setattr(names.NameIndex, "_tracked", spy)
    same_both_ways(catalog, ["omega"])
    assert listed == [None]  # cold: every folder
    same_both_ways(catalog, ["omega"])
    assert listed == [None]  # warm: nothing listed
    rename(catalog, "gamma-app", "Gamma Suite")
    git(catalog.root, "rm", "-rqf", "submissions/beta-app")
    catalog.add_submission("kappa", name="Omega")
    commit(catalog)
    assert same_both_ways(catalog, ["omega"]) == [
        (GENERAL.format("omega"), "the app name 'Omega' is already used by submissions/kappa")
    ]
    assert listed == [None, {"beta-app", "gamma-app", "kappa"}]  # only what changed
    assert len(snapshots(catalog)) == 2


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: data[: len(data) // 2],
        lambda data: data.replace(b"Omega", b"Omegb"),
        lambda data: b"not json\n" + data.partition(b"\n")[2],
        lambda data: data.replace(b'"format": "oin-gitops names', b'"format": "other names'),
        lambda data: b"",
    ],
    ids=["truncated", "edited-rows", "broken-header", "other-format", "empty"],
)
def test_a_corrupt_snapshot_is_ignored_and_rebuilt(catalog: ScratchRepo, damage: object) -> None:
    rename(catalog, "delta-app", "Omega")
    commit(catalog)
    expected = same_both_ways(catalog, ["omega"])
    (written,) = snapshots(catalog)
    good = written.read_bytes()
    written.write_bytes(damage(good))  # type: ignore[operator]
    assert same_both_ways(catalog, ["omega"]) == expected
    assert written.read_bytes() == good  # rebuilt


def test_snapshots_of_another_version_are_never_read_and_are_removed(
    catalog: ScratchRepo,
) -> None:
    same_both_ways(catalog, ["omega"])
    (written,) = snapshots(catalog)
    other = written.parent.with_name("names-0123456789abcdef")
    other.mkdir()
    # What another version wrote for this very tree: a name git's objects do not hold.
    (other / written.name).write_bytes(written.read_bytes().replace(b"Delta App", b"Omega"))
    written.unlink()
    assert same_both_ways(catalog, ["omega"]) == []
    assert not other.exists()


def test_the_derivation_names_the_code_and_the_data() -> None:
    assert len(names.derivation()) == 64
    assert characters.lookalike_version().startswith("unicode ")


def test_a_pool_worker_gets_the_source_without_its_index(catalog: ScratchRepo) -> None:
    source = DiskSource(catalog.root, names.NameIndex.at_head(catalog.root))
    copy = pickle.loads(pickle.dumps(source))
    assert (copy.root, copy.names) == (catalog.root, None)


def test_a_lost_git_answer_falls_back_to_reading_every_folder(catalog: ScratchRepo) -> None:
    index = names.NameIndex(catalog.root, "no-such-commit", lambda: set())
    assert index.known(list(BASE), set()) is None


# --- the pieces -----------------------------------------------------------------------------


def test_the_written_out_ascii_prototypes_are_the_datas() -> None:
    assert tuple(characters._ascii_prototypes()) == characters.ASCII_PROTOTYPES


NAMES = ["Acme Notes", "PayPaI", "ACME-N0TES", "Acrne", "50% off", "", "a\nb", "Zo\u00eb", "brightd\u0435sk", "\uff21cme", "x_y", "tab\there"]  # fmt: skip


@given(st.lists(st.text(max_size=12) | st.text(alphabet='aAmMrnIl10O%-_ .\n|`"', max_size=12)))
def test_batch_keys_are_name_keys(texts: list[str]) -> None:
    assert many_name_keys(texts + NAMES) == [name_keys(text) for text in texts + NAMES]


def test_many_lookups_index_the_names_by_key_and_find_the_same() -> None:
    from oin_gitops.rules.repository import SCANS, Taken

    pairs = [(f"app-{i}", f"App {i % 7}") for i in range(40)]
    scanned, indexed = Taken(pairs), Taken(pairs)
    for _ in range(SCANS + 1):
        indexed.clash("app-0", "nothing")
    for slug, name in pairs:
        assert indexed.clash(slug, name) == scanned.clash(slug, name)


def test_the_lazy_git_source_answers_as_the_full_listing(catalog: ScratchRepo) -> None:
    (catalog.root / "submissions" / "omega" / "evidence").mkdir()
    catalog.write("submissions/omega/evidence/a.pem", "x")
    os.symlink("logo.png", catalog.root / "submissions" / "omega" / "link.png")
    commit(catalog)
    full = GitSource(catalog.root, "HEAD")
    paths = full.files()
    folders = {"", "submissions", "submissions/omega", "submissions/omega/evidence", "nope"}
    lazy = GitSource(catalog.root, "HEAD")
    for path in sorted(paths):
        assert lazy.kind(path) == full.kind(path)
        if full.kind(path) is Kind.FILE:
            assert (lazy.size(path), lazy.read(path)) == (full.size(path), full.read(path))
    for folder in sorted(folders):
        fresh = GitSource(catalog.root, "HEAD")
        assert fresh.entries(folder) == full.entries(folder)
        assert fresh.listdir(folder) == full.listdir(folder)
        assert fresh.kind(folder) == full.kind(folder)
    assert lazy.kind("submissions/omega/link.png") is Kind.SYMLINK


def test_disk_entries_are_listdir_and_kind(repo: ScratchRepo) -> None:
    folder = repo.add_submission("acme-notes")
    os.symlink("logo.png", folder / "link.png")
    os.mkfifo(folder / "pipe")
    (folder / "evidence").mkdir()
    source = DiskSource(repo.root)
    for path in ("submissions", "submissions/acme-notes"):
        listed = {name: source.kind(f"{path}/{name}") for name in source.listdir(path)}
        assert source.entries(path) == listed
        assert list(source.entries(path)) == source.listdir(path)


def test_a_ci_checkout_compares_commits_only_and_finds_the_same(catalog: ScratchRepo) -> None:
    rename(catalog, "beta-app", "Gamma App")
    git(catalog.root, "mv", "submissions/omega", "submissions/omega-two")
    git(catalog.root, "rm", "-rqf", "submissions/zoe-app")
    commit(catalog)
    assert changed_since(catalog.root, "main", worktree=False) == changed_since(
        catalog.root, "main"
    )


def test_the_cli_takes_a_github_actions_workspace_as_a_clean_checkout(
    catalog: ScratchRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    from oin_gitops.cli.lint import checked_out

    rename(catalog, "beta-app", "Gamma App")
    commit(catalog)
    monkeypatch.chdir(catalog.root)
    args = ["lint", "--changed-since", "main", "--format", "json"]
    local = CliRunner().invoke(cli, args)
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    monkeypatch.setenv("GITHUB_WORKSPACE", str(catalog.root.parent))
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    monkeypatch.delenv("GITHUB_OUTPUT", raising=False)
    assert checked_out(catalog.root)
    in_ci = CliRunner().invoke(cli, args)
    assert (in_ci.exit_code, in_ci.output) == (local.exit_code, local.output)
    assert "duplicate-name" in local.output
    monkeypatch.setenv("GITHUB_WORKSPACE", str(catalog.root / "elsewhere"))
    assert not checked_out(catalog.root)


def test_lint_imports_only_its_own_command() -> None:
    code = (
        "import sys\n"
        "from oin_gitops.cli import cli\n"
        "assert cli.commands['lint'].name == 'lint'\n"
        "loaded = {m for m in sys.modules if m.startswith('oin_gitops.cli.')}\n"
        "assert loaded == {'oin_gitops.cli.common', 'oin_gitops.cli.lint', 'oin_gitops.cli.actions'}, loaded\n"
        "assert not any(m.startswith(('github', 'jinja2', 'nacl', 'detect_secrets')) for m in sys.modules)\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_every_command_is_found_by_its_name() -> None:
    assert list(cli.commands) == sorted(COMMANDS)
    for name in COMMANDS:
        assert cli.commands[name].name == name
        assert cli.commands.get(name) is cli.commands[name]
    assert "nope" not in cli.commands and cli.commands.get("nope") is None
