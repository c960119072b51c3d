"""Reporters: exact goldens for github, markdown and sarif, escaping tables, limits, the schema."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import jsonschema
import pytest
from referencing import Registry
from referencing.exceptions import NoSuchResource

from oin_gitops import __version__
from oin_gitops.diagnostics import Diagnostic, Report, Severity
from oin_gitops.reporters import REPORTERS, Context, github, markdown, safe, sarif
from oin_gitops.rules import RULES, Rule

GOLDEN = Path(__file__).parent / "golden" / "reporters"
SARIF_SCHEMA = Path(__file__).parent / "fixtures" / "sarif" / "sarif-schema-2.1.0.json"

LINKS = Context(
    repository_url="https://github.com/okta/oin-submissions",
    ref="0123456789abcdef0123456789abcdef01234567",
)
PLAIN = Context()

E, W, N = Severity.ERROR, Severity.WARNING, Severity.NOTICE
ACME = "submissions/acme-notes"


def diag(path: str, rule: str, severity: Severity, message: str, **extra: Any) -> Diagnostic:
    return Diagnostic(path=path, rule=rule, severity=severity, message=message, **extra)


# Hostile text from a submission: a file name with a comma and a colon, a message with '%',
# CR and LF, attempts to start workflow commands, Markdown, HTML, links and mentions.
HOSTILE = Report.build(
    [
        diag(
            f"{ACME}/notes, draft:v2.txt",
            "unexpected-file",
            E,
            "'notes, draft:v2.txt' is not part of the submission format",
            help="Remove the file.",
        ),
        diag(
            f"{ACME}/saml.yaml",
            "schema",
            E,
            "'acs_url' is 100% wrong\r\nsecond line",
            help="Use an https:// URL such as https://acme.example/saml/acs.",
            line=2,
            column=10,
            end_line=2,
            end_column=17,
            guideline="SAML-01",
        ),
        diag(
            f"{ACME}/submission.yaml",
            "placeholder",
            E,
            "'app.name' still holds 'TODO\n::error::pwned'",
            help="Replace the placeholder.\n::add-mask::secret",
            line=5,
            column=9,
        ),
        diag(
            f"{ACME}/submission.yaml",
            "escalation-generic",
            W,
            "escalation '@octocat' <script>alert(1)</script> [x](javascript:alert(1)) | a | b |",
            help="Ask @org/team; see https://evil.example or <img src=x onerror=alert(1)>.",
            line=12,
            guideline="SUP-02",
        ),
        diag(
            "submissions/beta-app/logo.png",
            "logo-square",
            N,
            "the logo is 244x156 **wide** <!-- hidden -->",
            help="Use a square logo.",
        ),
        diag(
            ".oin-gitops.yaml",
            "config",
            E,
            "'rules' names an unknown rule 'nope'",
            help="Use a rule id from docs/rules.md.",
            line=3,
            column=3,
        ),
    ],
    submissions=["acme-notes", "beta-app", "clean-app"],
    removed=["old-app"],
)


def _overflow() -> Report:
    """12 errors, 3 warnings and 11 notices: more than GitHub annotates per level."""
    found = [
        diag(f"{ACME}/saml.yaml", "schema", E, f"error number {n}", help="Fix it.", line=n)
        for n in range(1, 12)
    ]
    found.append(
        diag(
            f"{ACME}/saml.yaml",
            "schema",
            E,
            "last error\n::error::pwned ##[add-mask]secret",
            help="  ::warning::indented",
            line=99,
            column=1,
        )
    )
    found += [
        diag(f"{ACME}/submission.yaml", "variable-unused", W, f"warning {n}", line=n)
        for n in range(1, 4)
    ]
    found += [
        diag(
            "submissions/beta-app/submission.yaml",
            "test-account-username",
            N,
            f"notice {n}",
            line=n,
        )
        for n in range(1, 12)
    ]
    return Report.build(found, submissions=["acme-notes", "beta-app"])


OVERFLOW = _overflow()
WARNINGS_ONLY = Report.build(
    [diag(f"{ACME}/logo.png", "logo-png-preferred", W, "the logo is a JPEG", help="Use a PNG.")],
    submissions=["acme-notes"],
)
CLEAN = Report.build([], submissions=["acme-notes"])


def _golden(name: str, text: str) -> None:
    assert text == (GOLDEN / name).read_bytes().decode("utf-8")


# -- github ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("report", "name"), [(HOSTILE, "github-hostile.txt"), (OVERFLOW, "github-overflow.txt")]
)
def test_github_golden(report: Report, name: str) -> None:
    _golden(name, github.render(report, LINKS))


@pytest.mark.parametrize(
    ("raw", "data", "prop"),
    [
        ("plain", "plain", "plain"),
        ("100%", "100%25", "100%25"),
        ("a\r\nb", "a%0D%0Ab", "a%0D%0Ab"),
        ("%0A", "%250A", "%250A"),
        ("x\n::error::pwned", "x%0A::error::pwned", "x%0A%3A%3Aerror%3A%3Apwned"),
        ("notes, draft:v2.txt", "notes, draft:v2.txt", "notes%2C draft%3Av2.txt"),
    ],
)
def test_github_escaping_matches_actions_core(raw: str, data: str, prop: str) -> None:
    assert github.escape_data(raw) == data
    assert github.escape_property(raw) == prop


@pytest.mark.parametrize(
    ("raw", "escaped"),
    [
        ("a:1: error: x", "a:1: error: x"),
        ("x\n::error::pwned", "x%0A::error::pwned"),
        ("::add-mask::secret", "%3A:add-mask::secret"),
        ("   ::warning::x", "   %3A:warning::x"),
        ("see ##[error]pwned", "see ##%5Berror]pwned"),
    ],
)
def test_github_plain_lines_cannot_become_commands(raw: str, escaped: str) -> None:
    assert github.plain(raw) == escaped


def _runner_command(line: str) -> tuple[str, dict[str, str], str] | None:
    """How GitHub's runner (ActionCommand.TryParseV2) reads a log line, or None."""
    line = line.lstrip()
    if not line.startswith("::") or line.find("::", 2) < 0:
        return None
    end = line.find("::", 2)
    name, _, props = line[2:end].partition(" ")
    unescape = [("%0D", "\r"), ("%0A", "\n"), ("%3A", ":"), ("%2C", ","), ("%25", "%")]
    properties = {}
    for pair in filter(None, props.split(",")):
        key, value = pair.split("=", 1)
        for token, char in unescape:
            value = value.replace(token, char)
        properties[key] = value
    data = line[end + 2 :]
    for token, char in unescape[:2] + unescape[-1:]:
        data = data.replace(token, char)
    return name, properties, data


@pytest.mark.parametrize("report", [HOSTILE, OVERFLOW], ids=["hostile", "overflow"])
def test_github_commands_decode_to_the_findings(report: Report) -> None:
    lines = github.render(report, LINKS).splitlines()
    assert not any("##[" in line for line in lines)
    commands = [c for c in map(_runner_command, lines) if c]
    assert {c[0] for c in commands} <= {"group", "endgroup", "error", "warning", "notice"}
    annotations = [c for c in commands if c[0] in {"error", "warning", "notice"}]
    # Submission text arrives as safe.visible shows it; the only line break is the reporter's.
    visible = safe.visible
    findings = {
        (
            d.path,
            ", ".join(p for p in (d.rule, d.guideline) if p),
            visible(d.message) + (f"\n{visible(d.help)}" if d.help else ""),
        )
        for d in report.diagnostics
    }
    for _name, properties, data in annotations:
        if properties.get("title") == "oin-gitops":
            continue
        assert (properties["file"], properties["title"], data) in findings
    groups = [c[2] for c in commands if c[0] == "group"]
    assert groups == list(dict.fromkeys(d.path for d in report.diagnostics))
    assert sum(1 for c in commands if c[0] == "endgroup") == len(groups)


def test_github_overflow_keeps_ten_per_level_and_one_notice_slot() -> None:
    commands = [c for c in map(_runner_command, github.render(OVERFLOW).splitlines()) if c]
    levels = [c[0] for c in commands if c[0] in {"error", "warning", "notice"}]
    assert (levels.count("error"), levels.count("warning"), levels.count("notice")) == (10, 3, 10)
    name, properties, data = commands[-1]
    assert (name, properties) == ("notice", {"title": "oin-gitops"})
    assert data.startswith("4 more findings not annotated: 2 errors, 2 notices.")


def test_github_ten_notices_alone_all_annotated() -> None:
    report = Report.build(
        [diag(f"{ACME}/a.yaml", "placeholder", N, f"n{n}", line=n) for n in range(1, 11)]
    )
    out = github.render(report)
    assert out.count("::notice ") == 10
    assert "title=oin-gitops" not in out


# -- markdown ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("report", "context", "name"),
    [
        (HOSTILE, LINKS, "markdown-links.md"),
        (HOSTILE, PLAIN, "markdown-plain.md"),
        (WARNINGS_ONLY, LINKS, "markdown-warnings.md"),
        (CLEAN, LINKS, "markdown-clean.md"),
    ],
)
def test_markdown_golden(report: Report, context: Context, name: str) -> None:
    _golden(name, markdown.render(report, context))


@pytest.mark.parametrize(
    ("raw", "escaped"),
    [
        ("<script>alert(1)</script>", "&lt;script&gt;alert\\(1\\)&lt;/script&gt;"),
        ("<img src=x onerror=alert(1)>", "&lt;img src=x onerror=alert\\(1\\)&gt;"),
        ("[x](javascript:alert(1))", "\\[x\\]\\(javascript:alert\\(1\\)\\)"),
        ("@octocat", "&#64;&#8203;octocat"),
        ("@org/team", "&#64;&#8203;org/team"),
        ("| a | b |", "\\| a \\| b \\|"),
        ("**bold**", "\\*\\*bold\\*\\*"),
        ("```", "\\`\\`\\`"),
        ("<!-- -->", "&lt;\\!\\-\\- \\-\\-&gt;"),
        ("line\n# heading", "line \\# heading"),
        ("a\r\n\r\nb\rc", "a b c"),
        ("https://evil.example", "https:&#8203;//evil\\.example"),
        ("www.evil.example", "www&#8203;\\.evil\\.example"),
        ("mail isv@acme.example", "mail isv&#64;&#8203;acme\\.example"),
        ("fixes #12", "fixes \\#&#8203;12"),
        ("$x$ ~~y~~ _z_ \\", "\\$x\\$ \\~\\~y\\~\\~ \\_z\\_ \\\\"),
        ("AT&T &amp;", "AT&amp;T &amp;amp;"),
        ("acme-notes", "acme\\-notes"),
    ],
)
def test_escape_markdown(raw: str, escaped: str) -> None:
    assert markdown.escape_markdown(raw) == escaped


@pytest.mark.parametrize(
    "raw",
    [
        "<script>x</script>",
        "@octocat and @org/team",
        "[x](javascript:alert(1)) https://evil.example www.evil.example",
        "a\nb\r\nc",
        "| a | b |",
    ],
)
def test_escaped_markdown_has_no_live_syntax(raw: str) -> None:
    escaped = markdown.escape_markdown(raw)
    assert not re.search(r"[<>@\r\n]|://|www\.", escaped)
    assert not re.search(r"(?<!\\)[|\[\]()]", escaped)


def test_markdown_links_are_percent_encoded() -> None:
    text = markdown.render(HOSTILE, LINKS)
    assert (
        "(https://github.com/okta/oin-submissions/blob/0123456789abcdef0123456789abcdef01234567/"
        "submissions/acme-notes/notes%2C%20draft%3Av2.txt)"
    ) in text


def test_markdown_rule_links_need_an_absolute_url() -> None:
    assert "](docs/rules.md" not in markdown.render(HOSTILE, PLAIN)
    docs = Context(docs_url="https://oin.example/rules")
    assert "[schema](https://oin.example/rules#schema)" in markdown.render(HOSTILE, docs)


@pytest.mark.parametrize(
    ("report", "first"),
    [
        (HOSTILE, "## ❌ oin-gitops: failed"),
        (WARNINGS_ONLY, "## ⚠️ oin-gitops: passed with warnings"),
        (CLEAN, "## ✅ oin-gitops: passed"),
    ],
)
def test_markdown_verdict(report: Report, first: str) -> None:
    assert markdown.render(report).splitlines()[0] == first


def test_markdown_removal_only() -> None:
    text = markdown.render(Report.build([], removed=["old-app"]))
    assert "### Removed submissions\n\nThis change removes: old\\-app." in text
    assert "Nothing to fix: QA reviews the removal" in text
    assert "Ready for review" not in text


def test_markdown_no_submission_touched() -> None:
    text = markdown.render(Report.build([]))
    assert "This change touches no submission." in text
    assert "What to do next" not in text


def test_markdown_lint_command_names_the_failing_submissions() -> None:
    report = Report.build(
        [
            diag("submissions/b-app/submission.yaml", "placeholder", E, "x"),
            diag("submissions/a-app/submission.yaml", "placeholder", E, "x"),
            diag("submissions/c-app/submission.yaml", "placeholder", W, "x"),
            diag("submissions/Bad`slug/submission.yaml", "slug-format", E, "x"),
        ]
    )
    assert "`oin-gitops lint submissions/a-app submissions/b-app`" in markdown.render(report)


def test_render_limited_returns_everything_when_it_fits() -> None:
    full = markdown.render(OVERFLOW, LINKS)
    assert markdown.render_limited(OVERFLOW, LINKS, len(full.encode())) == full


def test_render_limited_golden() -> None:
    _golden("markdown-limited.md", markdown.render_limited(OVERFLOW, LINKS, 3000))


def _rows(text: str) -> list[str]:
    """The table rows of a Markdown report, without the header rows."""
    return [
        line for line in text.splitlines() if line.startswith("| ") and not line.startswith("| |")
    ]


@pytest.mark.parametrize("limit", [1500, 2500, 4000, 6000, 8900])
def test_render_limited_drops_rows_from_the_end(limit: int) -> None:
    text = markdown.render_limited(OVERFLOW, LINKS, limit)
    assert len(text.encode("utf-8")) <= limit
    rows = _rows(text)
    assert rows == _rows(markdown.render(OVERFLOW, LINKS))[: len(rows)]
    assert f"**{26 - len(rows):,} of 26 findings are not shown here**" in text
    assert "Run `oin-gitops lint` locally, or read the log of this check" in text
    parts = markdown.sections(OVERFLOW, LINKS)
    assert len(markdown.document(OVERFLOW, parts, len(rows) + 1).encode()) > limit


def test_render_limited_tiny_budget_still_fits() -> None:
    for limit in (0, 10, 100):
        assert len(markdown.render_limited(HOSTILE, LINKS, limit).encode()) <= limit


def test_render_limited_counts_utf8_bytes() -> None:
    wide = Report.build(
        [diag(f"{ACME}/a.yaml", "placeholder", E, "é" * 300, line=n) for n in range(1, 30)]
    )
    text = markdown.render_limited(wide, PLAIN, 5000)
    assert (
        len(text) < 5000 < len(markdown.render(wide, PLAIN).encode()) and len(text.encode()) <= 5000
    )


# -- sarif -------------------------------------------------------------------------------------


def _refuse(uri: str) -> Any:
    raise NoSuchResource(ref=uri)


def _uri(value: object) -> bool:
    """RFC 3986 absolute URI, roughly: a scheme, then no characters a URI may not hold."""
    return not isinstance(value, str) or bool(
        re.fullmatch(r"[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]*", value)
    )


def _uri_reference(value: object) -> bool:
    return not isinstance(value, str) or bool(re.fullmatch(r"[^\s<>\"{}|\\^`]*", value))


def _validator() -> jsonschema.Draft4Validator:
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    formats = jsonschema.FormatChecker()
    formats.checks("uri")(_uri)
    formats.checks("uri-reference")(_uri_reference)
    return jsonschema.Draft4Validator(
        schema, registry=Registry(retrieve=_refuse), format_checker=formats
    )


EVERY_SHAPE = Report.build(
    [
        diag(
            f"{ACME}/saml.yaml", "schema", E, "span", line=2, column=10, end_line=2, end_column=17
        ),
        diag(f"{ACME}/saml.yaml", "variable-unused", W, "line and column", line=4, column=3),
        diag(f"{ACME}/saml.yaml", "logo-square", N, "line only", line=6),
        diag(f"{ACME}/logo.png", "logo-dimensions", E, "whole file"),
        diag(ACME, "protocol-file", E, "whole folder"),
        diag(f"{ACME}/a b:c,d ü#?.txt", "unexpected-file", E, "odd name", help="Remove it."),
        diag(f"{ACME}/x.yaml", "no-such-rule", W, "a rule outside the registry"),
    ],
    submissions=["acme-notes"],
)


def _rule(id: str, severity: Severity, guideline: str | None) -> Rule:
    return Rule(
        id=id,
        summary=f"The {id} summary.",
        severity=severity,
        guideline=guideline,
        help=f"How to fix {id}.",
        doc=f"What {id} checks.\n\nPasses: this. Fails: that.",
        scope="submission",
    )


# A fixed registry, so the golden does not change with every rule; 'config' is left out to
# show a result whose rule the registry does not know.
GOLDEN_RULES = (
    _rule("schema", E, None),
    _rule("unexpected-file", E, None),
    _rule("placeholder", E, None),
    _rule("escalation-generic", W, "SUP-02"),
    Rule(
        id="logo-square",
        summary="A square logo is preferred.",
        severity=N,
        guideline="LOGO-07",
        help="Use a square logo.",
        doc="Square logos look best.",
        scope="submission",
    ),
)


@pytest.mark.parametrize(("context", "name"), [(LINKS, "links.sarif"), (PLAIN, "plain.sarif")])
def test_sarif_golden(context: Context, name: str) -> None:
    text = sarif.render(HOSTILE, context, rules=GOLDEN_RULES)
    _golden(name, text.replace(f'"version": "{__version__}"', '"version": "VERSION"'))


@pytest.mark.parametrize(
    ("report", "context"),
    [
        (HOSTILE, LINKS),
        (HOSTILE, PLAIN),
        (EVERY_SHAPE, LINKS),
        (EVERY_SHAPE, PLAIN),
        (CLEAN, PLAIN),
    ],
)
def test_sarif_matches_the_official_schema(report: Report, context: Context) -> None:
    errors = sorted(_validator().iter_errors(json.loads(sarif.render(report, context))), key=str)
    assert not errors, [e.message for e in errors]


def test_sarif_schema_has_no_remote_refs() -> None:
    assert not re.search(r'"\$ref"\s*:\s*"(?!#)', SARIF_SCHEMA.read_text(encoding="utf-8"))


def test_sarif_results() -> None:
    run = json.loads(sarif.render(EVERY_SHAPE, LINKS))["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == [r.id for r in RULES]
    locations = {
        result["message"]["text"].split("\n")[0]: result["locations"][0]["physicalLocation"]
        for result in run["results"]
    }
    assert locations["span"]["region"] == {
        "startLine": 2,
        "startColumn": 10,
        "endLine": 2,
        "endColumn": 17,
    }
    assert locations["line only"]["region"] == {"startLine": 6}
    assert "region" not in locations["whole file"] and "region" not in locations["whole folder"]
    odd = locations["odd name"]["artifactLocation"]
    assert odd == {
        "uri": "submissions/acme-notes/a%20b%3Ac%2Cd%20%C3%BC%23%3F.txt",
        "uriBaseId": "%SRCROOT%",
    }
    assert unquote(odd["uri"]) == f"{ACME}/a b:c,d ü#?.txt" and not urlsplit(odd["uri"]).scheme
    for result in run["results"]:
        if "ruleIndex" in result:
            assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
    assert [r["level"] for r in run["results"]][:3] == ["error", "error", "error"]
    assert {r["level"] for r in run["results"]} == {"error", "warning", "note"}


def test_sarif_is_deterministic() -> None:
    assert sarif.render(HOSTILE, LINKS) == sarif.render(HOSTILE, LINKS)


# -- registry ----------------------------------------------------------------------------------


def test_every_reporter_is_registered_and_pure() -> None:
    assert {"github", "markdown", "sarif"} <= set(REPORTERS)
    for render in REPORTERS.values():
        assert render(HOSTILE, LINKS) == render(HOSTILE, LINKS)


# -- guidelines --------------------------------------------------------------------------------


def _schema_finding() -> Report:
    """A real schema diagnostic: saml.yaml without 'jit', which guideline SAML-05 requires."""
    from oin_gitops import schema_check, yamlio

    text = b"acs_url: https://acme.example/acs\naudience: https://acme.example\n"
    document = yamlio.parse(text, f"{ACME}/saml.yaml")
    assert isinstance(document, yamlio.Document)
    found = [d for d in schema_check.validate(document, "saml") if "'jit'" in d.message]
    assert [d.guideline for d in found] == ["SAML-05"]
    return Report.build(found, submissions=["acme-notes"])


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("text", "[schema, SAML-05]"),
        ("json", '"guideline": "SAML-05"'),
        ("markdown", "| [schema](https://github.com/okta/oin-submissions/blob/"),
        ("sarif", '"tags": [\n              "SAML-05"'),
        ("github", "title=schema%2C SAML-05::"),
    ],
)
def test_every_format_shows_a_schema_findings_guideline(name: str, shown: str) -> None:
    rendered = REPORTERS[name](_schema_finding(), LINKS)
    assert shown in rendered
    assert "SAML-05" in rendered.replace("SAML\\-05", "SAML-05")


def test_markdown_links_the_guideline_to_its_traceability_row() -> None:
    rendered = markdown.render(_schema_finding(), LINKS)
    assert "/docs/rules.md#schema) ([SAML\\-05](https://github.com/" in rendered
    assert "/docs/rules.md#SAML-05)" in rendered


def test_sarif_result_links_the_guideline() -> None:
    run = json.loads(sarif.render(_schema_finding(), LINKS))["runs"][0]
    properties = run["results"][0]["properties"]
    assert properties["tags"] == ["SAML-05"]
    assert properties["helpUri"].endswith("/docs/rules.md#SAML-05")
