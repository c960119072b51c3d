"""GitHub-flavoured Markdown report: the job summary and the body of the sticky PR comment.

Messages, help, paths and slugs come from submissions, so every one of them goes through
``escape_markdown``: a submission must not be able to add Markdown, HTML, links or @mentions,
and its control and bidi characters are shown as escapes (``safe.visible``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from oin_gitops.diagnostics import Diagnostic, Report, Severity
from oin_gitops.reporters import safe, text
from oin_gitops.reporters.context import Context

SUBMISSIONS = "submissions"
# GitHub refuses a job summary over 1 MiB.
STEP_SUMMARY_LIMIT = 1024 * 1024

ICONS = {Severity.ERROR: "❌", Severity.WARNING: "⚠️", Severity.NOTICE: "ℹ️"}
TABLE_HEAD = "| | Location | Rule | Finding |\n|---|---|---|---|"

# A zero-width space, written as a character reference so the Markdown source stays ASCII:
# GitHub finds mentions, autolinks and issue references in the rendered text, after
# entities are decoded, so only an invisible character between the parts stops them.
_ZWSP = "&#8203;"
_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", "@": "&#64;" + _ZWSP}
_BACKSLASHED = frozenset("\\`*_{}[]()#+-.!|~$")
_LINE_BREAKS = re.compile(r"[\r\n]+")
_SLUG = re.compile(r"[a-z0-9][a-z0-9-]{1,62}")
_URL_SAFE = "!#$%&'*+,/:;=?@[]~"


def _link_starts_here(value: str, index: int) -> bool:
    """Whether GitHub would start a link or reference right after ``value[index]``:
    the ``:`` of ``://``, the last ``w`` of ``www.``, the ``#`` of ``#123``."""
    char = value[index]
    if char == ":":
        return value.startswith("//", index + 1)
    if char in "wW":
        return index >= 2 and value[index - 2 : index + 2].lower() == "www."
    return char == "#" and value[index + 1 : index + 2].isdigit()


def escape_markdown(text: str) -> str:
    """``text`` as inert Markdown: shown as written, on one line, safe inside a table cell;
    line breaks become spaces, other control and bidi characters ``safe.visible`` escapes."""
    flat = safe.visible(_LINE_BREAKS.sub(" ", text))
    out: list[str] = []
    for index, char in enumerate(flat):
        if char in _ENTITIES:
            out.append(_ENTITIES[char])
        elif char in _BACKSLASHED:
            out.append("\\" + char)
        else:
            out.append(char)
        if _link_starts_here(flat, index):
            out.append(_ZWSP)
    return "".join(out)


def _href(url: str) -> str:
    """A link destination with nothing that could end it early (spaces, parentheses, <>)."""
    return safe.url_quote(url, _URL_SAFE)


def _link(label: str, url: str | None) -> str:
    return f"[{label}]({_href(url)})" if url else label


def slug_of(path: str) -> str | None:
    """The submission a path belongs to (``submissions/<slug>/...``), None for other files."""
    parts = path.split("/")
    return parts[1] if len(parts) > 1 and parts[0] == SUBMISSIONS and parts[1] else None


def _shown_path(path: str, slug: str | None) -> str:
    prefix = f"{SUBMISSIONS}/{slug}/"
    return path[len(prefix) :] if slug and path.startswith(prefix) else path


def row(diagnostic: Diagnostic, context: Context) -> str:
    slug = slug_of(diagnostic.path)
    line = diagnostic.line
    where = _shown_path(diagnostic.path, slug) + (f":{line}" if line else "")
    url = context.file_url(safe.url_quote(diagnostic.path), line)
    location = _link(escape_markdown(where), url)
    rule_url = context.rule_url(diagnostic.rule)
    absolute = rule_url.startswith(("https://", "http://"))
    rule = _link(escape_markdown(diagnostic.rule), rule_url if absolute else None)
    if diagnostic.guideline:
        guideline_url = context.rule_url(diagnostic.guideline)
        guideline = escape_markdown(diagnostic.guideline)
        rule += f" ({_link(guideline, guideline_url if absolute else None)})"
    finding = escape_markdown(diagnostic.message)
    if diagnostic.help:
        finding += "<br>**How to fix:** " + escape_markdown(diagnostic.help)
    severity = f"{ICONS[diagnostic.severity]} {diagnostic.severity.value}"
    return f"| {severity} | {location} | {rule} | {finding} |"


@dataclass(frozen=True)
class Section:
    """The findings of one submission (``slug``), or of files outside any (slug None)."""

    slug: str | None
    rows: tuple[str, ...]

    @property
    def title(self) -> str:
        return "Other files" if self.slug is None else escape_markdown(self.slug)

    def render(self, keep: int) -> str | None:
        """The section with its first ``keep`` rows; None when rows were all left out."""
        if not self.rows:
            return f"### {self.title}\n\nNo findings."
        if keep <= 0:
            return None
        return "\n".join([f"### {self.title}\n", TABLE_HEAD, *self.rows[:keep]])


def sections(report: Report, context: Context) -> list[Section]:
    """One section per linted submission or submission with findings, sorted; others last."""
    rows: dict[str | None, list[str]] = {slug: [] for slug in report.submissions}
    for diagnostic in report.diagnostics:
        rows.setdefault(slug_of(diagnostic.path), []).append(row(diagnostic, context))
    slugs = sorted(slug for slug in rows if slug is not None)
    ordered: list[str | None] = [*slugs, *([None] if None in rows else [])]
    return [Section(slug, tuple(rows[slug])) for slug in ordered]


def verdict(report: Report) -> str:
    if report.errors:
        return "## ❌ oin-gitops: failed"
    if report.warnings:
        return "## ⚠️ oin-gitops: passed with warnings"
    return "## ✅ oin-gitops: passed"


def _lint_command(report: Report, severity: Severity) -> str:
    """``oin-gitops lint submissions/<slug>`` for the submissions with findings of ``severity``."""
    slugs: set[str] = set()
    for diagnostic in report.diagnostics:
        slug = slug_of(diagnostic.path)
        if diagnostic.severity is severity and slug and _SLUG.fullmatch(slug):
            slugs.add(slug)
    return "`" + " ".join(["oin-gitops lint", *(f"{SUBMISSIONS}/{s}" for s in sorted(slugs))]) + "`"


def _review_steps() -> list[str]:
    return [
        "1. If the pull request is a draft, mark it **Ready for review**: that submits it.",
        "2. An OIN reviewer does the initial review, then QA tests the integration; the "
        "`oin/` label on the pull request shows which step it is at, and reviewers ask "
        "for changes in the pull request.",
        "3. Once QA approves, the pull request is merged and the integration is published "
        "to the catalog.",
    ]


def next_steps(report: Report) -> str | None:
    lines = ["### What to do next", ""]
    if report.errors:
        lines += [
            "1. Fix the errors above; each finding says how.",
            f"2. Check the submission locally until it reports no errors: "
            f"{_lint_command(report, Severity.ERROR)}",
            "3. Push the fix to this pull request's branch; this check runs again.",
        ]
    elif report.submissions:
        if report.warnings:
            lines += [
                "Nothing blocks the review. Warnings are worth fixing, as reviewers may ask "
                f"about them; check locally with {_lint_command(report, Severity.WARNING)}.",
                "",
            ]
        lines += _review_steps()
    elif report.removed:
        lines.append("Nothing to fix: QA reviews the removal, as described above.")
    else:
        return None
    return "\n".join(lines)


def removed_section(report: Report) -> str | None:
    if not report.removed:
        return None
    names = ", ".join(escape_markdown(slug) for slug in report.removed)
    return (
        f"### Removed submissions\n\nThis change removes: {names}. A removal is reviewed "
        "like any other change: an owner of the integration opens it, QA approves it, and "
        "merging takes the integration out of the catalog."
    )


def omitted_note(left_out: int, total: int) -> str:
    return (
        f"**{left_out:,} of {total:,} findings are not shown here** (GitHub limits the size of "
        "this text). Run `oin-gitops lint` locally, or read the log of this check, to see "
        "them all."
    )


def document(report: Report, parts: list[Section], keep: int | None = None) -> str:
    """The whole report; with ``keep``, only the first ``keep`` table rows, and a note."""
    total = sum(len(section.rows) for section in parts)
    kept = total if keep is None else min(keep, total)
    blocks = [verdict(report), text.summary(report)]
    if not report.submissions and not report.diagnostics and not report.removed:
        blocks.append("This change touches no submission.")
    budget = kept
    for section in parts:
        rendered = section.render(budget)
        budget -= len(section.rows)
        if rendered:
            blocks.append(rendered)
    if kept < total:
        blocks.append(omitted_note(total - kept, total))
    removed = removed_section(report)
    if removed:
        blocks.append(removed)
    steps = next_steps(report)
    if steps:
        blocks.append(steps)
    return "\n\n".join(blocks) + "\n"


def render(report: Report, context: Context | None = None) -> str:
    context = context or Context()
    return document(report, sections(report, context))


def _size(markdown: str) -> int:
    return len(markdown.encode("utf-8"))


def _truncate(markdown: str, max_bytes: int) -> str:
    """Last resort for a tiny budget: cut at a character boundary."""
    return markdown.encode("utf-8")[:max_bytes].decode("utf-8", errors="ignore")


def render_limited(report: Report, context: Context, max_bytes: int = STEP_SUMMARY_LIMIT) -> str:
    """``render``, at most ``max_bytes`` of UTF-8: table rows are dropped from the end, and a
    note says how many findings were left out and where to see them all."""
    parts = sections(report, context)
    full = document(report, parts)
    if _size(full) <= max_bytes:
        return full
    total = sum(len(section.rows) for section in parts)
    if total == 0:
        return _truncate(full, max_bytes)
    # With the note present, every extra row makes the text longer: search for the most rows.
    low, high = 0, total - 1
    if _size(document(report, parts, low)) > max_bytes:
        brief = "\n\n".join([verdict(report), text.summary(report), omitted_note(total, total)])
        return _truncate(brief + "\n", max_bytes)
    while low < high:
        middle = (low + high + 1) // 2
        if _size(document(report, parts, middle)) <= max_bytes:
            low = middle
        else:
            high = middle - 1
    return document(report, parts, low)
