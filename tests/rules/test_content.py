"""Rule placeholder: the words it finds, one table of submission.yaml edits → findings, and no
output format ever repeating a private field's value."""

from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner

from oin_gitops.cli import cli
from oin_gitops.schema_check import placeholder_in
from tests.conftest import PINNED_SUBMISSION_YAML, SEALED, ScratchRepo, edited_findings

GENERAL = "submissions/acme-notes/submission.yaml"
# The secret of the output test: "hunter2" alone is in secret-sealed's documentation, which the
# SARIF output carries.
SECRET = "hunter2-q7Zx"
DESCRIPTION = "Acme Notes gives teams shared notebooks; the Okta integration adds single sign-on."
PASSWORD = f'password: "{SEALED}"'

PLACEHOLDER_WORDS = [
    ("scaffold", "TODO", "TODO"),
    ("lower-case", "todo", "todo"),
    ("inside-text", "Free for 30 days. TODO: add pricing note", "TODO"),
    ("parenthesised", "Pricing (TBD)", "TBD"),
    ("fixme", "fixme: real URL", "fixme"),
    ("three-x", "Call +1 415 555 XXX", "XXX"),
    ("more-x", "+1 415 555 XXXX", "XXXX"),
    ("lorem-ipsum", "Lorem Ipsum dolor sit amet", "Lorem Ipsum"),
    ("lorem-ipsum-across-lines", "lorem\n  ipsum", "lorem ipsum"),
    ("in-a-url-path", "https://acme.example/tbd/saml", "tbd"),
    ("underscore-separates", "TODO_name", "TODO"),
    ("todoist", "Sync notes to Todoist", None),
    ("tbd-inside-a-word", "tbdx", None),
    ("xxl", "Sizes XXL and XXXL", None),
    ("lorem-alone", "Lorem is a name", None),
    ("letter-before", "Ütodo", None),
    ("sealed-never-read", "sealed:v2:619208c973708b46:ab+TODO/xxx=", None),
    ("not-text", 3, None),
]


@pytest.mark.parametrize(
    ("value", "word"),
    [case[1:] for case in PLACEHOLDER_WORDS],
    ids=[case[0] for case in PLACEHOLDER_WORDS],
)
def test_placeholder_words(value: object, word: str | None) -> None:
    assert placeholder_in(value) == word


def holds(field: str, word: str) -> str:
    return f"'{field}' still holds the placeholder '{word}'"


def private(field: str) -> str:
    return f"'{field}' still holds a placeholder; the value of a private field is not shown"


# (id, old text of PINNED_SUBMISSION_YAML, new text, findings in submission.yaml)
PLACEHOLDER = [
    ("filled", "Acme Notes", "Acme Notes", []),
    ("name-todo", "name: Acme Notes", "name: todo", [(4, 9, holds("app.name", "todo"))]),
    ("todo-inside-description", DESCRIPTION, '"Free for 30 days. TODO: add pricing note"', [(6, 16, holds("app.description", "TODO"))]),
    ("lorem-ipsum-description", DESCRIPTION, "Lorem ipsum dolor sit amet.", [(6, 16, holds("app.description", "Lorem ipsum"))]),
    ("tbd-in-url-path", "https://acme.example/notes", "https://acme.example/TBD/notes", [(5, 12, holds("app.website", "TBD"))]),
    ("list-item", "[Automation]", "[Automation, TBD]", [(7, 27, holds("app.use_cases[1]", "TBD"))]),
    ("todoist-and-xxl", DESCRIPTION, "Acme Notes syncs with Todoist, in sizes S to XXL; Okta adds single sign-on.", []),
    ("private-field-named-only", "escalation: oin-escalations@acme.example", "escalation: TODO", [(14, 15, private("support.escalation"))]),
    ("secret-named-only", PASSWORD, "password: TODO hunter2", [(18, 13, private("test_account.password"))]),
    ("private-mapping-item", "github: [acme-alice]", "github: [acme-alice, FIXME]", [(21, 24, private("owners.github[1]"))]),
]  # fmt: skip


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [case[1:] for case in PLACEHOLDER],
    ids=[case[0] for case in PLACEHOLDER],
)
def test_placeholder(repo: ScratchRepo, old: str, new: str, expected: list) -> None:
    found = edited_findings(repo, "placeholder", old, new)
    assert found == [(GENERAL, *e) for e in expected]


def lint(repo: ScratchRepo, monkeypatch: pytest.MonkeyPatch, *args: str) -> tuple[int, str]:
    monkeypatch.chdir(repo.root)
    for name in ("GITHUB_ACTIONS", "GITHUB_STEP_SUMMARY", "GITHUB_OUTPUT"):
        monkeypatch.delenv(name, raising=False)
    result = CliRunner().invoke(cli, ["lint", *args])
    return result.exit_code, result.output


@pytest.mark.parametrize("output_format", ["text", "json", "github", "markdown", "sarif"])
def test_no_output_format_repeats_a_secret_placeholder(
    repo: ScratchRepo, monkeypatch: pytest.MonkeyPatch, output_format: str
) -> None:
    text = PINNED_SUBMISSION_YAML.replace(PASSWORD, f"password: TODO {SECRET}").replace(
        "username: isvtest@okta.com", f"username: TBD {SECRET}@okta.com"
    )
    repo.add_submission("acme-notes", submission_yaml=text)
    code, out = lint(repo, monkeypatch, "--format", output_format)
    assert code == 1
    assert "test_account.password' still holds a placeholder" in out.replace("\\", "")
    assert SECRET not in out
    assert "hunter2" not in (
        json.dumps(json.loads(out)["runs"][0]["results"]) if output_format == "sarif" else out
    )


def test_new_scaffold_lints_with_a_placeholder_at_every_todo(
    repo: ScratchRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(repo.root)
    created = CliRunner().invoke(cli, ["new", "acme-notes", "-p", "saml", "-p", "scim"])
    assert created.exit_code == 0
    folder = repo.root / "submissions" / "acme-notes"
    todos = {
        (f"submissions/acme-notes/{path.name}", number)
        for path in folder.glob("*.yaml")
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if re.search(r":\s*\[?TODO\]?$", line)
    }
    code, out = lint(repo, monkeypatch, "--format", "json")
    found = [d for d in json.loads(out)["diagnostics"] if d["rule"] == "placeholder"]
    assert code == 1
    assert {(d["path"], d["line"]) for d in found} == todos
    assert all(re.match(r"'[\w.\[\]]+' still holds ", d["message"]) for d in found)


def test_status_counts_a_placeholder_anywhere_as_unfilled(
    repo: ScratchRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = PINNED_SUBMISSION_YAML.replace("name: Acme Notes", "name: todo").replace(
        DESCRIPTION, '"Free for 30 days. TODO: add pricing note"'
    )
    repo.add_submission("acme-notes", submission_yaml=text)
    monkeypatch.chdir(repo.root)
    out = CliRunner().invoke(cli, ["status"]).output
    assert out.splitlines() == [
        "acme-notes: 89% complete (17 of 19 required fields)",
        "  missing: submission.yaml: app.name",
        "  missing: submission.yaml: app.description",
    ]
