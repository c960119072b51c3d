"""Output hygiene: hostile submission text cannot forge workflow commands or reach a terminal raw.

The rule, for every format: no line starts with ``::`` (after whitespace) or holds ``##[``, and
no output holds a raw control (C0 but the reporter's own line breaks, DEL, C1), bidi control,
line or paragraph separator or lone surrogate. The github format starts lines with ``::`` on
purpose; there every such line must be one of the reporter's own commands, and what the runner
decodes from it must hold no such character but the line break before the help.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from oin_gitops.cli import cli
from oin_gitops.diagnostics import Diagnostic, Report, Severity
from oin_gitops.reporters import REPORTERS, Context, markdown, safe
from tests.conftest import SEALED, SUBMISSION_YAML, ScratchRepo

# What GitHub's runner, a terminal or a browser would act on, or a reader could not see.
RAW = re.compile(
    "[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
    "\u2028\u2029\ud800-\udfff]"
)
OWN_COMMANDS = {"group", "endgroup", "error", "warning", "notice"}

ESC_VALUE = "\\x1b[2J\\x1b]52;c;aGVsbG8=\\x07"  # screen clear, then an OSC 52 clipboard write
FOLDER = "evil\n::error::folder\x1b[2J"
# Appended to a valid submission.yaml, from line 23 on: YAML escapes for every hostile key.
HOSTILE_KEYS = (
    '"x\\n::error file=README.md::forged": 1\n'
    '"##[error]forged": 1\n'
    '"rtl\\u202eevil": 1\n'
    '"  ::warning::c1\\x9b31m del\\x7f sep\\u2028 lone\\ud800": 1\n'
)


def hostile_yaml() -> str:
    valid = SUBMISSION_YAML.format(name="Acme Notes", sealed=SEALED)
    assert "use_cases: [Automation]" in valid
    return valid.replace("use_cases: [Automation]", f'use_cases: ["{ESC_VALUE}"]') + HOSTILE_KEYS


@pytest.fixture
def hostile(repo: ScratchRepo) -> ScratchRepo:
    repo.add_submission("acme-notes", submission_yaml=hostile_yaml())
    try:
        repo.add_submission(FOLDER, name="Evil App")
    except OSError:  # pragma: no cover - a file system that refuses the name
        pytest.skip("this file system refuses a line break in a folder name")
    return repo


def lint(repo: ScratchRepo, output_format: str, **env: str | None) -> str:
    """``oin-gitops lint --format FORMAT`` as a terminal would get it (no ANSI stripping)."""
    quiet = {"GITHUB_ACTIONS": None, "GITHUB_STEP_SUMMARY": None, "GITHUB_OUTPUT": None}
    result = CliRunner().invoke(
        cli,
        ["lint", "--format", output_format, str(repo.root)],
        env={**quiet, **env},
        color=True,
        catch_exceptions=False,
    )
    assert result.exit_code == 1, result.output
    return result.output


def runner_command(line: str) -> tuple[str, dict[str, str], str] | None:
    """How GitHub's runner (ActionCommand.TryParseV2) reads a log line, or None."""
    line = line.lstrip()
    end = line.find("::", 2)
    if not line.startswith("::") or end < 0:
        return None
    name, _, props = line[2:end].partition(" ")
    decode = [("%0D", "\r"), ("%0A", "\n"), ("%3A", ":"), ("%2C", ","), ("%25", "%")]
    properties = {}
    for pair in filter(None, props.split(",")):
        key, value = pair.split("=", 1)
        for token, char in decode:
            value = value.replace(token, char)
        properties[key] = value
    data = line[end + 2 :]
    for token, char in decode[:2] + decode[-1:]:
        data = data.replace(token, char)
    return name, properties, data


def assert_safe(output: str, output_format: str) -> None:
    assert not RAW.search(output), RAW.search(output)
    for line in output.split("\n"):
        assert "##[" not in line, line
        command = runner_command(line) if output_format == "github" else None
        if command is None:
            assert not line.lstrip().startswith("::"), line
            continue
        name, properties, data = command
        assert name in OWN_COMMANDS, line
        assert not any(RAW.search(value) for value in properties.values()), line
        # The one line break in a decoded annotation is the reporter's, before the help.
        assert data.count("\n") <= 1 and not RAW.search(data.replace("\n", "")), line


# -- the whole CLI, every format --------------------------------------------------------------


@pytest.mark.parametrize("output_format", sorted(REPORTERS))
def test_hostile_submission_cannot_forge_commands_or_escape_codes(
    hostile: ScratchRepo, output_format: str
) -> None:
    assert_safe(lint(hostile, output_format), output_format)


KEY = "submissions/acme-notes/submission.yaml:{}:1: error: the file has the unknown key"
EXPECTED = {
    "text": [
        KEY.format(25) + " 'x\\n::error file=README.md::forged' [schema]",
        KEY.format(26) + " '##\\x5berror]forged' [schema]",
        KEY.format(27) + " 'rtl\\u202eevil' [schema]",
        "submissions/acme-notes/submission.yaml:7:15: error: 'app.use_cases[0]' is "
        f"'{ESC_VALUE}', which is not one of: Automation, Centralized Logging, Directory and "
        "HR Sync, Bot or Fraud Detection, Identity Governance and Administration (IGA), Identity "
        "Verification, Lifecycle Management, Multifactor Authentication (MFA), Risk Signal "
        "Sharing, Zero Trust [schema, CAT-08]",
        "submissions/evil\\n::error::folder\\x1b[2J: error: the folder name "
        "'evil\\n::error::folder\\x1b[2J' is not a valid slug (pattern "
        "^[a-z0-9][a-z0-9-]{1,62}$) [slug-format]",
    ],
    "json": [
        '      "message": "the file has the unknown key \'x\\n::error file=README.md::forged\'",',
        '      "message": "the file has the unknown key \'##\\u005berror]forged\'",',
        '      "message": "the file has the unknown key \'rtl\\u202eevil\'",',
        '      "path": "submissions/evil\\n::error::folder\\u001b[2J",',
    ],
    "github": [
        "::error file=submissions/acme-notes/submission.yaml,line=25,col=1,endLine=25,"
        "endColumn=33,title=schema::the file has the unknown key "
        "'x\\n::error file=README.md::forged'%0AAllowed keys here: app, attestations, owners, "
        "schema_version, support, tenant_settings, test_account.",
        "::group::submissions/evil\\n::error::folder\\x1b[2J",
    ],
    "markdown": [
        "| ❌ error | submission\\.yaml:28 | schema | the file has the unknown key '  ::warning::"
        "c1\\\\x9b31m del\\\\x7f sep\\\\u2028 lone\\\\ud800'<br>**How to fix:** Allowed keys here: "
        "app, attestations, owners, schema\\_version, support, tenant\\_settings, test\\_account\\. |",
    ],
    "sarif": [
        '            "text": "the file has the unknown key \'rtl\\\\u202eevil\'\\nHow to fix: '
        "Allowed keys here: app, attestations, owners, schema_version, support, tenant_settings, "
        'test_account."',
        '            "text": "the file has the unknown key \'##\\u005berror]forged\'\\nHow to fix: '
        "Allowed keys here: app, attestations, owners, schema_version, support, tenant_settings, "
        'test_account."',
    ],
}


@pytest.mark.parametrize("output_format", sorted(EXPECTED))
def test_hostile_text_shown_escaped(hostile: ScratchRepo, output_format: str) -> None:
    lines = lint(hostile, output_format).split("\n")
    for expected in EXPECTED[output_format]:
        assert expected in lines


def test_json_still_parses_and_keeps_the_exact_text(hostile: ScratchRepo) -> None:
    document = json.loads(lint(hostile, "json"))
    messages = {d["message"] for d in document["diagnostics"]}
    assert "the file has the unknown key 'x\n::error file=README.md::forged'" in messages
    assert "the file has the unknown key '##[error]forged'" in messages
    assert "the file has the unknown key 'rtl\u202eevil'" in messages
    assert f"submissions/{FOLDER}" in {d["path"] for d in document["diagnostics"]}
    assert FOLDER in document["submissions"]


def test_sarif_still_parses_and_keeps_the_text_visibly_escaped(hostile: ScratchRepo) -> None:
    results = json.loads(lint(hostile, "sarif"))["runs"][0]["results"]
    texts = {r["message"]["text"].split("\nHow to fix:")[0] for r in results}
    assert "the file has the unknown key 'x\\n::error file=README.md::forged'" in texts
    assert "the file has the unknown key '##[error]forged'" in texts
    assert (
        "the file has the unknown key '  ::warning::c1\\x9b31m del\\x7f sep\\u2028 lone\\ud800'"
        in texts
    )
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in results}
    assert "submissions/evil%0A%3A%3Aerror%3A%3Afolder%1B%5B2J" in uris


def test_job_summary_in_actions_is_safe_too(hostile: ScratchRepo, tmp_path: Path) -> None:
    summary, outputs = tmp_path / "summary.md", tmp_path / "outputs.txt"
    env = {
        "GITHUB_ACTIONS": "true",
        "GITHUB_STEP_SUMMARY": str(summary),
        "GITHUB_OUTPUT": str(outputs),
    }
    assert_safe(lint(hostile, "github", **env), "github")
    assert_safe(summary.read_text(encoding="utf-8"), "markdown")
    assert "'rtl\\\\u202eevil'" in summary.read_text(encoding="utf-8")


# -- every reporter, hostile text in every field a diagnostic shows ---------------------------

EVIL = "a\r\n::error::x\t##[group]y\x1b]52;c;aGVsbG8=\x07\x85\x9b\x7f\u202e\u2066\u2028\ud800"


def _hostile_report() -> Report:
    """More errors than GitHub annotates, so the github format writes log lines too."""
    found = [
        Diagnostic(
            path=f"submissions/{EVIL}/{n}.yaml",
            rule="schema",
            severity=Severity.ERROR,
            message=f"{n}: {EVIL}",
            help=f"  ::warning::{EVIL}",
            line=n,
        )
        for n in range(1, 13)
    ]
    found.append(
        Diagnostic(path=f"::{EVIL}", rule="config", severity=Severity.NOTICE, message=EVIL)
    )
    return Report.build(found, submissions=[EVIL], removed=[EVIL])


@pytest.mark.parametrize("output_format", sorted(REPORTERS))
@pytest.mark.parametrize(
    "context",
    [Context(), Context(repository_url="https://github.com/o/r", ref="0" * 40)],
    ids=["plain", "links"],
)
def test_every_reporter_escapes_every_field(output_format: str, context: Context) -> None:
    output = REPORTERS[output_format](_hostile_report(), context)
    assert_safe(output, output_format)
    if output_format in {"json", "sarif"}:
        json.loads(output)


def test_limited_markdown_is_safe() -> None:
    assert_safe(markdown.render_limited(_hostile_report(), Context(), 3000), "markdown")


# -- the helpers -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("plain text, ü and 👩‍💻", "plain text, ü and 👩‍💻"),
        ("a\nb\r\tc", "a\\nb\\r\\tc"),
        ("\x00\x1b[2J\x7f", "\\x00\\x1b[2J\\x7f"),
        ("\x85\x9b", "\\x85\\x9b"),
        (
            "\u061c\u200e\u200f\u202a\u202e\u2066\u2069",
            "\\u061c\\u200e\\u200f\\u202a\\u202e\\u2066\\u2069",
        ),
        ("\u2028\u2029\ud800", "\\u2028\\u2029\\ud800"),
    ],
)
def test_visible(raw: str, shown: str) -> None:
    assert safe.visible(raw) == shown


@pytest.mark.parametrize(
    ("line", "inert"),
    [
        ("a:1: error: x", "a:1: error: x"),
        ("::error::x", "\\x3a:error::x"),
        ("  \u00a0::warning::x", "  \u00a0\\x3a:warning::x"),
        (":single", ":single"),
        ("see ##[error]x and ##[group]", "see ##\\x5berror]x and ##\\x5bgroup]"),
    ],
)
def test_inert(line: str, inert: str) -> None:
    assert safe.inert(line) == inert


def test_json_text_is_lossless() -> None:
    document = {"k\u202e": [EVIL, "##[x]", "\\u005b"]}
    text = safe.json_text(document)
    assert json.loads(text) == document
    assert "##\\u005bx]" in text and not RAW.search(text.replace("\n", ""))


def test_cli_errors_that_quote_input_are_escaped(
    repo: ScratchRepo, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A git revision (or any text an error quotes) holding ESC or a command reaches stderr
    escaped; the error still names it."""
    from oin_gitops.cli import main

    monkeypatch.chdir(repo.root)
    with pytest.raises(SystemExit) as exit_info:
        main(["lint", "--changed-since", "x\x1b]52;c;aGk=\x07\n::error::forged"])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert "\x1b" not in err and "\x07" not in err
    assert not any(line.lstrip().startswith("::") for line in err.splitlines())
    assert "x\\x1b]52;c;aGk=\\x07\\n::error::forged" in err
