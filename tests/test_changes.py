"""``lint --changed-since``: what git says changed, and the change rules, in real git repositories."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from oin_gitops import engine
from oin_gitops.changes import (
    Changed,
    ChangeSet,
    changed_since,
    first_added,
    merge_base,
    parse_name_status,
    published_in,
)
from oin_gitops.cli import cli
from oin_gitops.config import load_config
from oin_gitops.rules import BY_ID
from oin_gitops.sources import DiskSource, GitSource, SourceError
from tests.conftest import SAML_YAML, SEALED, SUBMISSION_YAML, ScratchRepo, brief, git, seal_for


@pytest.fixture
def history(repo: ScratchRepo) -> ScratchRepo:
    """A repository with three submissions committed on main, and a branch to change them on."""
    for slug, name in (
        ("acme-notes", "Acme Notes"),
        ("beta-app", "Beta App"),
        ("gamma-app", "Gamma App"),
    ):
        repo.add_submission(slug, name=name)
    git(repo.root, "init", "-q", "-b", "main")
    git(repo.root, "add", "-A")
    git(repo.root, "commit", "-qm", "base")
    git(repo.root, "switch", "-qc", "change")
    return repo


def lint_change(repo: ScratchRepo, author: str | None = None):
    source = DiskSource(repo.root)
    change = changed_since(repo.root, "main", author)
    base = GitSource(repo.root, merge_base(repo.root, "main"))
    return engine.lint(source, load_config(source, frozenset(BY_ID)), change=change, base=base)


def test_parse_name_status_with_renames() -> None:
    output = "M\0a.txt\0R087\0old/b.yaml\0new/b.yaml\0D\0c\0A\0d e,f\0"
    assert parse_name_status(output) == [
        Changed("M", "a.txt"),
        Changed("R", "new/b.yaml", "old/b.yaml"),
        Changed("D", "c"),
        Changed("A", "d e,f"),
    ]


def test_only_the_changed_folder_is_linted(history: ScratchRepo) -> None:
    (history.root / "submissions/beta-app/saml.yaml").write_text("acs_url: x\n")
    git(history.root, "commit", "-qam", "break beta")
    report = lint_change(history)
    assert report.submissions == ("beta-app",)
    assert report.errors > 0
    assert all(d.path.startswith("submissions/beta-app/") for d in report.diagnostics)


def test_uncommitted_and_untracked_work_counts(history: ScratchRepo) -> None:
    history.add_submission("delta-app", name="Delta App")
    (history.root / "submissions/acme-notes/saml.yaml").write_text(
        (history.root / "submissions/acme-notes/saml.yaml").read_text() + "# edited\n"
    )
    change = changed_since(history.root, "main")
    assert change.slugs() == ["acme-notes", "delta-app"]


def test_a_renamed_folder_counts_both_slugs(history: ScratchRepo) -> None:
    git(history.root, "mv", "submissions/beta-app", "submissions/beta-two")
    git(history.root, "commit", "-qm", "rename")
    change = changed_since(history.root, "main")
    assert change.slugs() == ["beta-app", "beta-two"]
    report = lint_change(history, author="oin-admin")
    assert report.submissions == ("beta-two",)
    assert report.removed == ("beta-app",)


def test_a_deleted_folder_is_reported_as_a_removal(history: ScratchRepo) -> None:
    git(history.root, "rm", "-rq", "submissions/gamma-app")
    git(history.root, "commit", "-qm", "remove gamma")
    report = lint_change(history, author="gamma-owner")
    assert report.submissions == ()
    assert report.removed == ("gamma-app",)
    assert brief(report) == [
        (
            "submissions/gamma-app",
            "submission-removed",
            None,
            None,
            "the submission folder 'gamma-app' is removed by this change",
        ),
    ]
    assert not report.failed()


def test_two_folders_in_one_change_are_refused(history: ScratchRepo) -> None:
    for slug in ("acme-notes", "beta-app"):
        path = history.root / "submissions" / slug / "saml.yaml"
        path.write_text(path.read_text() + "# edited\n")
    git(history.root, "commit", "-qam", "two")
    message = "this change touches 2 submission folders (acme-notes, beta-app); a pull request may change exactly one"
    assert brief(lint_change(history, author="isv-dev")) == [
        ("submissions/acme-notes", "pr-one-submission", None, None, message),
        ("submissions/beta-app", "pr-one-submission", None, None, message),
    ]
    assert brief(lint_change(history, author="OIN-Admin")) == []  # maintainers, any case


def test_changes_outside_submissions_need_a_maintainer(history: ScratchRepo) -> None:
    history.write("schemas-note.md", "x")
    path = history.root / "submissions/acme-notes/saml.yaml"
    path.write_text(path.read_text() + "# edited\n")
    git(history.root, "add", "-A")
    git(history.root, "commit", "-qm", "outside")
    assert brief(lint_change(history, author="isv-dev")) == [
        (
            "schemas-note.md",
            "pr-outside-submissions",
            None,
            None,
            "'schemas-note.md' is outside submissions/ and 'isv-dev' is not a maintainer (maintainers: oin-admin)",
        ),
    ]
    assert brief(lint_change(history, author="oin-admin")) == []
    assert brief(lint_change(history, author=None)) == []  # unknown author: not checked locally


def test_an_unknown_ref_is_a_clear_error(history: ScratchRepo) -> None:
    with pytest.raises(
        SourceError, match="'nope' is not a commit of this repository; fetch it first"
    ):
        changed_since(history.root, "nope")
    with pytest.raises(SourceError, match="is not a git revision"):
        changed_since(history.root, "--output=/tmp/x")


def test_changeset_helpers() -> None:
    change = ChangeSet(
        (Changed("M", "README.md"), Changed("R", "submissions/b/x.yaml", "submissions/a/x.yaml"))
    )
    assert change.slugs() == ["a", "b"]
    assert change.outside() == ["README.md"]


# A committed file name that is not UTF-8 (a Latin-1 "é"): git prints its bytes, Python keeps
# them as lone surrogates (as os.listdir does), and every output shows them as an escape.
LATIN_1_NAME = "submissions/acme-notes/caf\udce9.yaml"


@pytest.fixture
def latin_1_file(history: ScratchRepo) -> ScratchRepo:
    # pathlib encodes the surrogate back into the byte 0xE9, as os.fsencode does.
    (history.root / LATIN_1_NAME).write_bytes(b"x: 1\n")
    assert os.fsencode(LATIN_1_NAME).endswith(b"caf\xe9.yaml")
    git(history.root, "add", "-A")
    git(history.root, "commit", "-qm", "a file name that is not UTF-8")
    return history


def test_a_file_name_that_is_not_utf8_is_a_changed_path(latin_1_file: ScratchRepo) -> None:
    change = changed_since(latin_1_file.root, "main")
    assert change.paths() == [LATIN_1_NAME]
    assert change.slugs() == ["acme-notes"]
    assert brief(lint_change(latin_1_file)) == [
        (
            LATIN_1_NAME,
            "unexpected-file",
            None,
            None,
            "'caf\udce9.yaml' is not part of the submission format",
        ),
    ]


def lint_cli(repo: ScratchRepo, monkeypatch: pytest.MonkeyPatch, *args: str) -> tuple[int, str]:
    monkeypatch.chdir(repo.root)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    result = CliRunner().invoke(cli, ["lint", "--changed-since", "main", *args])
    return result.exit_code, result.output


def test_lint_names_a_file_that_is_not_utf8_instead_of_crashing(
    latin_1_file: ScratchRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    code, out = lint_cli(latin_1_file, monkeypatch)
    assert (code, out.splitlines()[0]) == (
        1,
        "submissions/acme-notes/caf\\udce9.yaml: error: 'caf\\udce9.yaml' is not part of the "
        "submission format [unexpected-file]",
    )


def test_json_keeps_the_file_name_that_is_not_utf8(
    latin_1_file: ScratchRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    code, out = lint_cli(latin_1_file, monkeypatch, "--format", "json")
    assert code == 1
    (diagnostic,) = json.loads(out)["diagnostics"]
    assert (diagnostic["path"], diagnostic["rule"]) == (LATIN_1_NAME, "unexpected-file")


@pytest.mark.parametrize("output_format", ["github", "markdown", "sarif"])
def test_every_format_reports_a_file_name_that_is_not_utf8(
    latin_1_file: ScratchRepo, monkeypatch: pytest.MonkeyPatch, output_format: str
) -> None:
    code, out = lint_cli(latin_1_file, monkeypatch, "--format", output_format)
    assert code == 1, out
    assert "caf" in out  # each format shows the name its own way: escaped, or percent-encoded


def test_the_output_file_holds_a_file_name_that_is_not_utf8(
    latin_1_file: ScratchRepo, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    report = tmp_path / "report.txt"
    code, _ = lint_cli(latin_1_file, monkeypatch, "--output", str(report))
    assert code == 1
    assert "caf\\udce9.yaml" in report.read_text(encoding="utf-8")


# Rules comparing an update with the published version (the merge base of --changed-since).
GENERAL = "submissions/acme-notes/submission.yaml"
SAML_FILE = "submissions/acme-notes/saml.yaml"
SCIM_FILE = "submissions/acme-notes/scim.yaml"


def edit(repo: ScratchRepo, relative: str, old: str, new: str, *, commit: bool = True) -> None:
    path = repo.root / relative
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))
    if commit:
        git(repo.root, "commit", "-qam", f"edit {relative}")


def of_rules(report, *rules: str) -> list[tuple[str, str, int | None, int | None, str]]:
    return [found for found in brief(report) if found[1] in rules]


UPDATE_RULES = (
    "scim-basic-auth-kept",
    "scim-import-migrated",
    "tenant-settings-count-kept",
    "tenant-setting-guarded",
    "tenant-setting-renamed",
    "test-account-renewed",
)


def test_a_renamed_tenant_setting_is_an_error_and_its_uses_unguarded(
    history: ScratchRepo,
) -> None:
    edit(history, GENERAL, "name: subdomain", "name: tenant", commit=False)
    edit(history, SAML_FILE, "${org.subdomain}", "${org.tenant}")
    report = lint_change(history)
    assert brief(report) == [
        (
            SAML_FILE,
            "tenant-setting-guarded",
            2,
            10,
            "'acs_url' uses org.tenant, a tenant setting new in this update, without testing "
            "it for an empty value; instances installed from the published version have no "
            "'tenant'",
        ),
        (
            GENERAL,
            "tenant-setting-renamed",
            22,
            11,
            "the tenant setting 'tenant' is new while the published 'subdomain' is gone: "
            "renaming a tenant setting deletes it, and its value, for every installed instance",
        ),
    ]
    assert [d.severity.value for d in report.diagnostics] == ["warning", "error"]
    assert {d.guideline for d in report.diagnostics} == {"VAR-08"}
    # Without a base (plain lint, or a change without one) the update rules do not run.
    source = DiskSource(history.root)
    config = load_config(source, frozenset(BY_ID))
    assert of_rules(engine.lint(source, config), *UPDATE_RULES) == []
    change = changed_since(history.root, "main")
    assert of_rules(engine.lint(source, config, change=change), *UPDATE_RULES) == []


ADDED_REGION = "  - label: Subdomain\n    name: subdomain\n  - label: Region\n    name: region\n"


@pytest.mark.parametrize(
    ("acs_url", "expected"),
    [
        ("https://${org.subdomain}.${empty org.region ? 'us' : org.region}.acme.example/acs", []),
        (
            "https://${org.subdomain}.${org.region}.acme.example/acs",
            [
                (
                    SAML_FILE,
                    "tenant-setting-guarded",
                    2,
                    10,
                    "'acs_url' uses org.region, a tenant setting new in this update, without "
                    "testing it for an empty value; instances installed from the published "
                    "version have no 'region'",
                )
            ],
        ),
    ],
)
def test_a_new_tenant_setting_used_in_a_url_is_guarded(
    history: ScratchRepo, acs_url: str, expected: list[object]
) -> None:
    edit(
        history,
        GENERAL,
        "  - label: Subdomain\n    name: subdomain\n",
        ADDED_REGION,
        commit=False,
    )
    edit(history, SAML_FILE, "https://${org.subdomain}.acme.example/saml/acs", f'"{acs_url}"')
    assert brief(lint_change(history)) == expected


def test_a_new_folder_is_not_an_update(history: ScratchRepo) -> None:
    history.add_submission(
        "delta-app",
        name="Delta App",
        **{"saml.yaml": SAML_YAML.replace("${org.subdomain}", "${org.tenant}")},
        **{
            "submission.yaml": SUBMISSION_YAML.format(name="Delta App", sealed=SEALED).replace(
                "name: subdomain", "name: tenant"
            )
        },
    )
    assert of_rules(lint_change(history), *UPDATE_RULES) == []


EIGHT_MORE = "".join(f"  - label: Setting {n}\n    name: setting{n}\n" for n in range(1, 9))


def test_a_legacy_app_with_more_than_8_tenant_settings_adds_none(history: ScratchRepo) -> None:
    edit(history, GENERAL, "    name: subdomain\n", "    name: subdomain\n" + EIGHT_MORE)
    git(history.root, "switch", "-q", "main")
    git(history.root, "merge", "-q", "--ff-only", "change")
    git(history.root, "switch", "-q", "change")
    edit(
        history,
        GENERAL,
        "    name: setting8\n",
        "    name: setting8\n  - label: Region\n    name: region\n",
    )
    assert of_rules(lint_change(history), "tenant-settings-count-kept") == [
        (
            GENERAL,
            "tenant-settings-count-kept",
            40,
            11,
            "the tenant setting 'region' is new, but the published version already has 9 "
            "tenant settings (more than 8); an update may not add one",
        )
    ]


def test_keeping_the_legacy_settings_passes(history: ScratchRepo) -> None:
    edit(history, GENERAL, "    name: subdomain\n", "    name: subdomain\n" + EIGHT_MORE)
    git(history.root, "switch", "-q", "main")
    git(history.root, "merge", "-q", "--ff-only", "change")
    git(history.root, "switch", "-q", "change")
    edit(history, GENERAL, "label: Setting 8", "label: Eighth setting")
    assert of_rules(lint_change(history), *UPDATE_RULES) == []


SCIM_BASIC = """\
auth:
  mode: basic
base_url: https://api.acme.example/scim/v2
objects: [users]
user_operations: [read]
"""


@pytest.mark.parametrize(
    ("mode", "expected"),
    [
        ("basic", []),
        (
            "bearer",
            [
                (
                    SCIM_FILE,
                    "scim-basic-auth-kept",
                    2,
                    9,
                    "'auth.mode' is 'bearer', but the published version uses 'basic': an update "
                    "cannot change the published SCIM authentication from Basic; submit a new "
                    "SCIM integration instead",
                )
            ],
        ),
    ],
)
def test_a_published_basic_auth_is_kept(
    history: ScratchRepo, mode: str, expected: list[object]
) -> None:
    history.write(SCIM_FILE, SCIM_BASIC)
    git(history.root, "add", "-A")
    git(history.root, "commit", "-qm", "legacy scim")
    git(history.root, "switch", "-q", "main")
    git(history.root, "merge", "-q", "--ff-only", "change")
    git(history.root, "switch", "-q", "change")
    edit(history, SCIM_FILE, "mode: basic", f"mode: {mode}\n  api_token: TODO")
    assert of_rules(lint_change(history), *UPDATE_RULES) == expected


# SCIM-12: updating a migrated SCIM integration turns on Import Users and Import Groups.
SCIM_USERS = """\
auth:
  mode: bearer
base_url: https://api.acme.example/scim/v2
objects: [users]
user_operations: [create, read, update]
"""
MIGRATED = "  logo: logo.png\n  existing_oin_app: Acme Notes (SAML)\n"
IMPORT = (
    SCIM_FILE,
    "scim-import-migrated",
    4,
    10,
    "'objects' does not list 'groups', but the published version names "
    "'app.existing_oin_app': updating a migrated SCIM integration turns on Import Users and "
    "Import Groups, so your SCIM server must support reading groups and importing both must be "
    "tested",
)


def publish(repo: ScratchRepo) -> None:
    """Commit the work of the change branch and make it main: the published version."""
    git(repo.root, "add", "-A")
    git(repo.root, "commit", "-qm", "published")
    git(repo.root, "switch", "-q", "main")
    git(repo.root, "merge", "-q", "--ff-only", "change")
    git(repo.root, "switch", "-q", "change")


@pytest.mark.parametrize(
    ("migrated", "objects", "expected"),
    [
        (True, "[users]", [IMPORT]),
        (True, "[users, groups]\ngroup_operations: [read]", []),
        (False, "[users]", []),
    ],
    ids=["migrated-users-only", "migrated-with-groups", "not-migrated"],
)
def test_an_update_of_a_migrated_scim_integration_declares_group_import(
    history: ScratchRepo, migrated: bool, objects: str, expected: list[object]
) -> None:
    history.write(SCIM_FILE, SCIM_USERS.replace("[users]", objects))
    if migrated:
        edit(history, GENERAL, "  logo: logo.png\n", MIGRATED, commit=False)
    publish(history)
    edit(history, SCIM_FILE, "update]", "update, deactivate]")
    report = lint_change(history)
    assert of_rules(report, *UPDATE_RULES) == expected
    assert {(d.severity.value, d.guideline) for d in report.diagnostics if d.rule == IMPORT[1]} <= {
        ("warning", "SCIM-12")
    }


def test_scim_added_to_a_migrated_integration_is_not_an_import_update(
    history: ScratchRepo,
) -> None:
    edit(history, GENERAL, "  logo: logo.png\n", MIGRATED, commit=False)
    publish(history)
    history.write(SCIM_FILE, SCIM_USERS)
    assert of_rules(lint_change(history), *UPDATE_RULES) == []


# TEST-04: an update more than 30 days after publication renews the test account.
NOW = datetime(2026, 3, 1, 12, tzinfo=UTC)
OLD = "2026-01-10T09:00:00+00:00"  # 50 days before NOW
RECENT = "2026-02-20T09:00:00+00:00"  # 9 days before NOW
RENEWED = (
    GENERAL,
    "test-account-renewed",
    13,
    1,
    "the test account was published on 2026-01-10, more than 30 days ago, and this update does "
    "not change it; Okta deletes test credentials 30 days after publication, so create a new "
    "test account and update 'test_account'",
)


def published_on(repo: ScratchRepo, date: str) -> ScratchRepo:
    """``history``, its base commit (which adds every folder) made on ``date``."""
    for slug, name in (("acme-notes", "Acme Notes"), ("beta-app", "Beta App")):
        repo.add_submission(slug, name=name)
    git(repo.root, "init", "-q", "-b", "main")
    git(repo.root, "add", "-A")
    git(repo.root, "commit", "-qm", "base", date=date)
    git(repo.root, "commit", "-q", "--allow-empty", "-m", "later, undated")
    git(repo.root, "switch", "-qc", "change")
    return repo


def lint_dated(repo: ScratchRepo):
    source = DiskSource(repo.root)
    change = changed_since(repo.root, "main")
    commit = merge_base(repo.root, "main")
    return engine.lint(
        source,
        load_config(source, frozenset(BY_ID)),
        change=change,
        base=GitSource(repo.root, commit),
        published_at=published_in(repo.root, commit),
        now=NOW,
    )


def test_first_added_is_the_oldest_commit_adding_submission_yaml(
    repo: ScratchRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    published_on(repo, OLD)
    edit(repo, GENERAL, "name: Acme Notes", "name: Acme Notes Pro")
    head = git(repo.root, "rev-parse", "HEAD").strip()
    assert first_added(repo.root, head, "acme-notes") == datetime.fromisoformat(OLD)
    assert first_added(repo.root, head, "delta-app") is None


def test_an_old_test_account_kept_by_an_update_is_a_warning(
    repo: ScratchRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    published_on(repo, OLD)
    edit(repo, GENERAL, "name: Acme Notes", "name: Acme Notes Pro")
    report = lint_dated(repo)
    assert of_rules(report, "test-account-renewed") == [RENEWED]
    [found] = [d for d in report.diagnostics if d.rule == "test-account-renewed"]
    assert (found.severity.value, found.guideline) == ("warning", "TEST-04")
    # Without a publication date (plain engine call, or the review bot) the rule does not run.
    assert of_rules(lint_change(repo), "test-account-renewed") == []


def test_the_cli_asks_git_when_the_folder_was_published(
    repo: ScratchRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    published_on(repo, OLD)
    edit(repo, GENERAL, "name: Acme Notes", "name: Acme Notes Pro")
    _, out = lint_cli(repo, monkeypatch, "--format", "json")
    assert "test-account-renewed" in out


def test_a_resealed_password_renews_the_test_account(
    repo: ScratchRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    published_on(repo, OLD)
    edit(repo, GENERAL, SEALED, seal_for("test-password-2 (made up, long enough to fit any slug)"))
    assert of_rules(lint_dated(repo), *UPDATE_RULES) == []


def test_a_recent_publication_keeps_its_test_account(
    repo: ScratchRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    published_on(repo, RECENT)
    edit(repo, GENERAL, "name: Acme Notes", "name: Acme Notes Pro")
    assert of_rules(lint_dated(repo), *UPDATE_RULES) == []


def test_a_new_folder_needs_no_renewed_test_account(
    repo: ScratchRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    published_on(repo, OLD)
    repo.add_submission("delta-app", name="Delta App")
    assert of_rules(lint_dated(repo), *UPDATE_RULES) == []
