"""The engine over scratch repositories: structural rules, repository rules, sources, config."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from oin_gitops import engine
from oin_gitops.config import Config, ConfigError, load_config
from oin_gitops.rules import BY_ID
from oin_gitops.sources import DiskSource, GitSource, Kind, MemorySource
from tests.conftest import SAML_YAML, ScratchRepo, brief, png_bytes

F = "submissions/acme-notes"


def test_a_valid_submission_lints_clean(repo: ScratchRepo) -> None:
    repo.add_submission("acme-notes")
    report = repo.lint()
    assert brief(report) == []
    assert report.submissions == ("acme-notes",)


def test_slug_format(repo: ScratchRepo) -> None:
    repo.add_submission("Acme_Notes")
    assert brief(repo.lint()) == [
        (
            "submissions/Acme_Notes",
            "slug-format",
            None,
            None,
            "the folder name 'Acme_Notes' is not a valid slug (pattern ^[a-z0-9][a-z0-9-]{1,62}$)",
        ),
    ]


def test_missing_submission_yaml(repo: ScratchRepo) -> None:
    repo.add_submission("acme-notes", submission_yaml=None)
    assert brief(repo.lint()) == [
        (F, "submission-file", None, None, "the folder has no submission.yaml"),
    ]


def test_swa_is_refused_with_the_reason(repo: ScratchRepo) -> None:
    repo.add_submission("acme-notes", swa_yaml="login_url: https://acme.example\n")
    assert brief(repo.lint()) == [
        (
            f"{F}/swa.yaml",
            "swa-not-accepted",
            None,
            None,
            "SWA integrations are no longer accepted for publication in the OIN",
        ),
    ]


def test_unexpected_files(repo: ScratchRepo) -> None:
    repo.add_submission(
        "acme-notes",
        **{
            "notes.txt": "hi",
            "saml.yml": "x: 1\n",
            "evidence__run.exe": b"MZ",
            "evidence__results.json": "{}",
            "extra__a.yaml": "a: 1\n",
        },
    )
    assert brief(repo.lint()) == [
        (
            f"{F}/evidence/run.exe",
            "unexpected-file",
            None,
            None,
            "evidence files must end in one of .pem, .crt, .cer, .der, .xml, .flopack, .folder, .json",
        ),
        (
            f"{F}/extra",
            "unexpected-file",
            None,
            None,
            "the folder 'extra' is not part of the submission format",
        ),
        (
            f"{F}/notes.txt",
            "unexpected-file",
            None,
            None,
            "'notes.txt' is not part of the submission format",
        ),
        (
            f"{F}/saml.yml",
            "unexpected-file",
            None,
            None,
            "'saml.yml' is not an allowed file name; did you mean 'saml.yaml'?",
        ),
    ]


def test_no_protocol_file(repo: ScratchRepo) -> None:
    repo.add_submission("acme-notes", saml_yaml=None)
    assert brief(repo.lint()) == [
        (
            f"{F}/submission.yaml",
            "protocol-file",
            None,
            None,
            "the submission declares no protocol or tool",
        ),
    ]


def test_logo_rules(repo: ScratchRepo) -> None:
    repo.add_submission(
        "acme-notes", **{"logo.png": None, "logo.gif": b"GIF89a", "logo.jpg": b"\xff\xd8\xff"}
    )
    assert brief(repo.lint()) == [
        (
            F,
            "logo-file",
            None,
            None,
            "the folder has 2 logos (logo.gif, logo.jpg); keep exactly one",
        ),
        (
            f"{F}/submission.yaml",
            "logo-file",
            8,
            9,
            "'app.logo' names logo.png, which is not in the folder; the folder has logo.gif",
        ),
    ]


def test_no_logo_at_all(repo: ScratchRepo) -> None:
    repo.add_submission("acme-notes", **{"logo.png": None})
    assert brief(repo.lint()) == [
        (
            f"{F}/submission.yaml",
            "logo-file",
            8,
            9,
            "'app.logo' names logo.png, which is not in the folder",
        ),
    ]


def test_no_logo_and_no_logo_key(repo: ScratchRepo) -> None:
    from tests.conftest import SEALED, SUBMISSION_YAML

    text = SUBMISSION_YAML.format(name="Acme Notes", sealed=SEALED).replace(
        "  logo: logo.png\n", ""
    )
    repo.add_submission("acme-notes", submission_yaml=text, **{"logo.png": None})
    assert brief(repo.lint()) == [
        (F, "logo-file", None, None, "the folder has no logo"),
        (f"{F}/submission.yaml", "schema", 3, 1, "'app' is missing the required key 'logo'"),
    ]


WORKFLOWS = """\
# yaml-language-server: $schema=../../schemas/workflows.schema.json
connector: Acme Notes
version: 1.0.0
test_suite: {suite}
user_doc_url: https://acme.example/docs/workflows
api_doc_url: https://acme.example/docs/api
"""


@pytest.mark.parametrize(
    ("suite", "message"),
    [
        (
            "evidence/missing.flopack",
            "'test_suite' names evidence/missing.flopack, which does not exist in the folder",
        ),
        (
            "evidence/dir.flopack",
            "'test_suite' names evidence/dir.flopack, which is a directory, not a regular file",
        ),
    ],
)
def test_file_references_must_exist_inside_the_folder(
    repo: ScratchRepo, suite: str, message: str
) -> None:
    repo.add_submission(
        "acme-notes",
        workflows_yaml=WORKFLOWS.format(suite=suite),
        **{"evidence__dir.flopack__x.json": "{}"},
    )
    found = [d for d in brief(repo.lint()) if d[1] == "file-reference"]
    assert found == [(f"{F}/workflows.yaml", "file-reference", 4, 13, message)]


def test_schema_comment_is_a_warning(repo: ScratchRepo) -> None:
    repo.add_submission("acme-notes", saml_yaml=SAML_YAML.replace("saml.schema", "oidc.schema"))
    report = repo.lint()
    assert brief(report) == [
        (
            f"{F}/saml.yaml",
            "schema-comment",
            1,
            1,
            "the first line should be '# yaml-language-server: $schema=../../schemas/saml.schema.json'",
        ),
    ]
    assert report.errors == 0 and report.warnings == 1
    assert not report.failed() and report.failed(strict=True)


def test_placeholders_are_reported_and_their_schema_errors_held_back(repo: ScratchRepo) -> None:
    repo.add_submission(
        "acme-notes",
        saml_yaml=SAML_YAML.replace("sign_in_flows: [idp]", "sign_in_flows: [TODO]").replace(
            "jit: false", "jit: TODO"
        ),
    )
    assert brief(repo.lint()) == [
        (
            f"{F}/saml.yaml",
            "placeholder",
            5,
            17,
            "'sign_in_flows[0]' still holds the placeholder 'TODO'",
        ),
        (f"{F}/saml.yaml", "placeholder", 6, 6, "'jit' still holds the placeholder 'TODO'"),
    ]


def test_duplicate_slug_and_name(repo: ScratchRepo) -> None:
    repo.add_submission("acme-notes", name="Acme Notes")
    repo.add_submission("acmenotes", name="ACME  notes!")
    assert brief(repo.lint()) == [
        (
            "submissions/acme-notes",
            "duplicate-slug",
            None,
            None,
            "the slug 'acme-notes' collides with submissions/acmenotes",
        ),
        (
            "submissions/acme-notes/submission.yaml",
            "duplicate-name",
            4,
            9,
            "the app name 'Acme Notes' is already used by submissions/acmenotes",
        ),
        (
            "submissions/acmenotes",
            "duplicate-slug",
            None,
            None,
            "the slug 'acmenotes' collides with submissions/acme-notes",
        ),
        (
            "submissions/acmenotes/submission.yaml",
            "duplicate-name",
            4,
            9,
            "the app name 'ACME  notes!' is already used by submissions/acme-notes",
        ),
    ]


def test_uniqueness_is_checked_against_folders_not_being_linted(repo: ScratchRepo) -> None:
    repo.add_submission("acme-notes", name="Acme Notes")
    repo.add_submission("other", name="ａｃｍｅ Notes")  # fullwidth letters: equal after NFKC
    report = repo.lint(["acme-notes"])
    assert report.submissions == ("acme-notes",)
    assert brief(report) == [
        (
            "submissions/acme-notes/submission.yaml",
            "duplicate-name",
            4,
            9,
            "the app name 'Acme Notes' is already used by submissions/other",
        ),
    ]


def test_symlinks_are_reported_and_never_followed(repo: ScratchRepo, tmp_path: Path) -> None:
    secret = tmp_path / "secret.yaml"
    secret.write_text("password: hunter2\n")
    folder = repo.add_submission("acme-notes", **{"logo.png": None})
    (folder / "logo.png").symlink_to(secret)
    (folder / "oidc.yaml").symlink_to(secret)
    os.symlink(folder, repo.root / "submissions" / "linked")
    found = brief(repo.lint())
    assert found == [
        (
            f"{F}/logo.png",
            "file-not-regular",
            None,
            None,
            f"'{F}/logo.png' is a symbolic link; a submission may hold only regular files and folders",
        ),
        (
            f"{F}/oidc.yaml",
            "file-not-regular",
            None,
            None,
            f"'{F}/oidc.yaml' is a symbolic link; a submission may hold only regular files and folders",
        ),
        (
            "submissions/linked",
            "file-not-regular",
            None,
            None,
            "'submissions/linked' is a symbolic link; a submission may hold only regular files and folders",
        ),
    ]
    assert "hunter2" not in str(found)


def test_a_fifo_is_never_opened(repo: ScratchRepo) -> None:
    folder = repo.add_submission("acme-notes", saml_yaml=None)
    os.mkfifo(folder / "saml.yaml")  # opening it for reading would block the run forever
    assert brief(repo.lint()) == [
        (
            f"{F}/saml.yaml",
            "file-not-regular",
            None,
            None,
            f"'{F}/saml.yaml' is a special file; a submission may hold only regular files and folders",
        ),
    ]


def test_oversized_yaml_is_not_read(repo: ScratchRepo) -> None:
    repo.add_submission("acme-notes", saml_yaml="x" * 70_000)
    assert brief(repo.lint()) == [
        (
            f"{F}/saml.yaml",
            "file-too-large",
            None,
            None,
            "the file is 70,000 bytes; files of this kind may be at most 65,536 bytes",
        ),
    ]


def test_a_file_directly_in_submissions_is_reported(repo: ScratchRepo) -> None:
    repo.write("submissions/notes.md", "hello")
    assert brief(repo.lint()) == [
        (
            "submissions/notes.md",
            "unexpected-file",
            None,
            None,
            "'submissions/notes.md' is a file; submissions/ holds only submission folders",
        ),
    ]


def _broken_repo(repo: ScratchRepo) -> None:
    repo.add_submission("acme-notes", saml_yaml="acs_url: http://acme.example\nacs_url: x\n")
    repo.add_submission("beta-app", name="Beta", **{"logo.png": None, "logo.gif": png_bytes()})


def test_memory_and_git_sources_give_the_same_report_as_disk(repo: ScratchRepo) -> None:
    _broken_repo(repo)
    config = load_config(DiskSource(repo.root), frozenset(BY_ID))
    on_disk = engine.lint(DiskSource(repo.root), config)
    assert on_disk.errors > 0
    files = {
        p.relative_to(repo.root).as_posix(): p.read_bytes()
        for p in repo.root.rglob("*")
        if p.is_file()
    }
    assert engine.lint(MemorySource(files), config) == on_disk
    subprocess.run(["git", "init", "-q", str(repo.root)], check=True)
    subprocess.run(["git", "-C", str(repo.root), "add", "-A"], check=True)
    subprocess.run(
        [
            "git",
            "-C",
            str(repo.root),
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@t",
            "commit",
            "-qm",
            "x",
        ],
        check=True,
    )
    assert engine.lint(GitSource(repo.root, "HEAD"), config) == on_disk


def test_memory_source_marks_symlinks_without_contents() -> None:
    source = MemorySource({"submissions/a-b/submission.yaml": Kind.SYMLINK})
    report = engine.lint(source, Config())
    assert ("submissions/a-b/submission.yaml", "file-not-regular") in [
        (d.path, d.rule) for d in report.diagnostics
    ]


def test_config_turns_rules_off_and_changes_severity(repo: ScratchRepo) -> None:
    repo.add_submission(
        "acme-notes",
        saml_yaml=SAML_YAML.replace("saml.schema", "oidc.schema"),
        **{"notes.txt": "x"},
    )
    repo.write(
        ".oin-gitops.yaml",
        (repo.root / ".oin-gitops.yaml").read_text()
        + "rules:\n  schema-comment: error\n  unexpected-file: off\n",
    )
    report = repo.lint()
    assert [(d.rule, d.severity.value) for d in report.diagnostics] == [("schema-comment", "error")]


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        (
            "rules:\n  no-such-rule: off\n",
            (".oin-gitops.yaml", "config", 9, 3, "'rules' names the unknown rule 'no-such-rule'"),
        ),
        (
            "rules:\n  placeholder: loud\n",
            (
                ".oin-gitops.yaml",
                "config",
                9,
                16,
                "'rules.placeholder' is 'loud', which is not one of: off, error, warning, notice",
            ),
        ),
        (
            "colour: blue\n",
            (".oin-gitops.yaml", "config", 8, 1, "the file has the unknown key 'colour'"),
        ),
        (
            "rules:\n  secret-in-plain-text: off\n",
            (
                ".oin-gitops.yaml",
                "config",
                9,
                3,
                "'rules' may not change 'secret-in-plain-text': secrets in a public repository "
                "are always errors",
            ),
        ),
        (
            "rules:\n  secret-sealed: warning\n",
            (
                ".oin-gitops.yaml",
                "config",
                9,
                3,
                "'rules' may not change 'secret-sealed': secrets in a public repository are "
                "always errors",
            ),
        ),
    ],
)
def test_config_errors_name_file_line_and_key(
    repo: ScratchRepo, extra: str, expected: tuple
) -> None:
    repo.write(".oin-gitops.yaml", (repo.root / ".oin-gitops.yaml").read_text() + extra)
    with pytest.raises(ConfigError) as caught:
        repo.lint()
    assert [(d.path, d.rule, d.line, d.column, d.message) for d in caught.value.diagnostics] == [
        expected
    ]


def test_missing_config_gives_defaults(tmp_path: Path) -> None:
    (tmp_path / "submissions").mkdir()
    assert load_config(DiskSource(tmp_path), frozenset(BY_ID)) == Config()
