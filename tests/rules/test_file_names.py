"""What a misnamed, missing or empty file is told to do: the help of each diagnostic, pinned.

The whole-folder cases pin messages; these tables pin the help that goes with them, because a
file meant to be an allowed one (``saml.yml``, ``Logo.png``) is to be renamed, not removed.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from oin_gitops.cli import cli
from oin_gitops.rules import BY_ID
from oin_gitops.rules.structure import EXPORT_PNG, SVG_HELP
from tests.conftest import SAML_YAML, ScratchRepo, png_bytes

Help = tuple[str, str, str]  # path relative to the folder, rule, help

CASE_ONLY = (
    "Rename '{0}' to '{1}' (file names are case-sensitive); on macOS or Windows use "
    "'git mv {0} {1}' so that git sees the change."
)
YML = "Rename '{0}' to '{1}' (the format uses the .yaml extension)."
REMOVE = BY_ID["unexpected-file"].help

# case id, files to write (None: delete the base file), expected (path, rule, help) of each
# diagnostic of the listed rules.
ROWS: list[tuple[str, dict[str, bytes | None], list[Help]]] = [
    (
        "saml-yml",
        {"saml.yaml": None, "saml.yml": SAML_YAML.encode()},
        [("saml.yml", "unexpected-file", YML.format("saml.yml", "saml.yaml"))],
    ),
    (
        "upper-case-yml",
        {"saml.yaml": None, "SAML.YML": SAML_YAML.encode()},
        [("SAML.YML", "unexpected-file", YML.format("SAML.YML", "saml.yaml"))],
    ),
    (
        "json-extension",
        {"oidc.json": b"{}"},
        [("oidc.json", "unexpected-file", "Rename 'oidc.json' to 'oidc.yaml'.")],
    ),
    (
        "both-names",
        {"Saml.yaml": SAML_YAML.encode()},
        [
            (
                "Saml.yaml",
                "unexpected-file",
                "Delete 'Saml.yaml' once what it holds is in 'saml.yaml', which exists already.",
            )
        ],
    ),
    (
        "logo-upper-case",
        {"logo.png": None, "Logo.png": png_bytes()},
        [
            ("Logo.png", "unexpected-file", CASE_ONLY.format("Logo.png", "logo.png")),
            ("submission.yaml", "logo-file", CASE_ONLY.format("Logo.png", "logo.png")),
        ],
    ),
    (
        "logo-upper-case-extension",
        {"logo.png": None, "logo.PNG": png_bytes()},
        [
            ("logo.PNG", "unexpected-file", CASE_ONLY.format("logo.PNG", "logo.png")),
            ("submission.yaml", "logo-file", CASE_ONLY.format("logo.PNG", "logo.png")),
        ],
    ),
    (
        "svg-logo",
        {"logo.png": None, "logo.svg": b'<svg xmlns="http://www.w3.org/2000/svg"/>'},
        [
            ("logo.svg", "unexpected-file", SVG_HELP),
            ("submission.yaml", "logo-file", SVG_HELP),
        ],
    ),
    (
        "webp-logo",
        {"logo.png": None, "logo.webp": b"RIFF\0\0\0\0WEBPVP8L"},
        [
            ("logo.webp", "unexpected-file", EXPORT_PNG + "."),
            ("submission.yaml", "logo-file", EXPORT_PNG + "."),
        ],
    ),
    ("svg-beside-the-png", {"logo.svg": b"<svg/>"}, [("logo.svg", "unexpected-file", SVG_HELP)]),
    ("stray-file", {"notes.txt": b"x"}, [("notes.txt", "unexpected-file", REMOVE)]),
    (
        "evidence-is-not-renamed",
        {"evidence/Saml.yaml": b"x"},
        [("evidence/Saml.yaml", "unexpected-file", REMOVE)],
    ),
    (
        "submission-yml",
        {"submission.yaml": None, "submission.yml": b"schema_version: 1\n"},
        [
            ("", "submission-file", YML.format("submission.yml", "submission.yaml")),
            ("submission.yml", "unexpected-file", YML.format("submission.yml", "submission.yaml")),
        ],
    ),
    (
        "submission-missing",
        {"submission.yaml": None},
        [
            (
                "",
                "submission-file",
                "Create submissions/acme-notes/submission.yaml: run 'oin-gitops new acme-notes "
                "--protocol saml --repo /tmp/oin-scaffold' and copy "
                "/tmp/oin-scaffold/submissions/acme-notes/submission.yaml into the folder, then "
                "replace its TODO values (or copy the submission.yaml of an example under "
                "submissions/ and edit it).",
            )
        ],
    ),
    (
        "submission-empty",
        {"submission.yaml": b"# nothing yet\n"},
        [
            (
                "submission.yaml",
                "file-empty",
                "Fill in submission.yaml: run 'oin-gitops new acme-notes --protocol saml --repo "
                "/tmp/oin-scaffold' and copy /tmp/oin-scaffold/submissions/acme-notes/"
                "submission.yaml over this file, then replace its TODO values (or copy the "
                "submission.yaml of an example under submissions/ and edit it).",
            )
        ],
    ),
    (
        "protocol-file-empty",
        {"saml.yaml": b""},
        [
            (
                "saml.yaml",
                "file-empty",
                "Fill in the file, or delete it if the protocol does not apply.",
            )
        ],
    ),
]
RULES = {"unexpected-file", "submission-file", "logo-file", "file-empty"}


def lint_helps(repo: ScratchRepo, files: dict[str, bytes | None]) -> list[Help]:
    folder = repo.add_submission("acme-notes")
    for name, data in files.items():
        if data is None:
            (folder / name).unlink()
        else:
            repo.write(f"submissions/acme-notes/{name}", data)
    return [
        (d.path.removeprefix("submissions/acme-notes").lstrip("/"), d.rule, d.help)
        for d in repo.lint().diagnostics
        if d.rule in RULES
    ]


@pytest.mark.parametrize(
    ("files", "expected"), [row[1:] for row in ROWS], ids=[row[0] for row in ROWS]
)
def test_help(repo: ScratchRepo, files: dict[str, bytes | None], expected: list[Help]) -> None:
    assert lint_helps(repo, files) == expected


def test_the_scaffold_the_help_names_writes_the_file_it_names(tmp_path: Path) -> None:
    """The commands in the help work: ``new`` into a scratch repository writes submission.yaml."""
    scratch = tmp_path / "oin-scaffold"
    result = CliRunner().invoke(
        cli, ["new", "acme-notes", "--protocol", "saml", "--repo", str(scratch)]
    )
    assert result.exit_code == 0, result.output
    assert (scratch / "submissions" / "acme-notes" / "submission.yaml").is_file()


def test_the_rule_helps_in_the_docs_name_the_fix() -> None:
    assert "oin-gitops new SLUG --protocol saml" in BY_ID["submission-file"].help
    assert "For an empty submission.yaml" in BY_ID["file-empty"].help
    assert "still version" in BY_ID["logo-animated"].help
