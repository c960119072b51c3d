"""GitHub Actions log output: workflow-command annotations, one log group per file, a summary.

Submission text (messages, help, paths) is first made ``safe.visible``: a line break, ESC or
bidi control in it is shown as ``\\n``, ``\\x1b``, ``\\u202e``, never passed on. Escaping then
follows @actions/core (``command.ts``) exactly, so GitHub's runner decodes every value back to
that text, and no text can end a command or start a new one; a ``%0A`` in a message is the
reporter's own line break between message and help. ``##[`` becomes ``##%5B`` everywhere.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from oin_gitops.diagnostics import Diagnostic, Report, Severity
from oin_gitops.reporters import safe, text
from oin_gitops.reporters.context import Context

# GitHub shows at most this many annotations of each level per step; the rest are dropped.
ANNOTATIONS_PER_LEVEL = 10
TOOL = "oin-gitops"


def escape_data(value: str) -> str:
    """The message of a workflow command (``escapeData`` in @actions/core)."""
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(value: str) -> str:
    """A ``key=value`` property of a workflow command (``escapeProperty`` in @actions/core)."""
    return escape_data(value).replace(":", "%3A").replace(",", "%2C")


def plain(line: str) -> str:
    """A log line that GitHub's runner cannot read as a command.

    Besides line breaks, the runner also treats a line starting with ``::`` (after leading
    spaces) and a ``##[name]`` anywhere in a line as commands; both are percent-encoded too.
    """
    escaped = escape_data(line).replace(safe.LEGACY_COMMAND, "##%5B")
    stripped = escaped.lstrip()
    if stripped.startswith("::"):
        escaped = escaped[: len(escaped) - len(stripped)] + "%3A" + stripped[1:]
    return escaped


def command(name: str, properties: Iterable[tuple[str, object]], message: str) -> str:
    """``::name key=value,...::message``, leaving out properties that are None.

    The runner would also read a legacy ``##[`` inside the line, so that becomes ``##%5B``.
    """
    pairs = [
        f"{key}={escape_property(str(value))}" for key, value in properties if value is not None
    ]
    line = f"::{name}{' ' + ','.join(pairs) if pairs else ''}::{escape_data(message)}"
    return line.replace(safe.LEGACY_COMMAND, "##%5B")


def annotation(diagnostic: Diagnostic) -> str:
    level = diagnostic.severity.value
    message = safe.visible(diagnostic.message)
    if diagnostic.help:
        message += "\n" + safe.visible(diagnostic.help)
    properties = [
        ("file", safe.visible(diagnostic.path)),
        ("line", diagnostic.line),
        ("col", diagnostic.column),
        ("endLine", diagnostic.end_line),
        ("endColumn", diagnostic.end_column),
        ("title", text.cited(diagnostic)),
    ]
    return command(level, properties, message)


def log_lines(diagnostic: Diagnostic) -> list[str]:
    """The text reporter's lines for a finding that gets no annotation."""
    return [plain(line) for line in text.diagnostic_lines(diagnostic)]


def limits(report: Report) -> dict[Severity, int]:
    """Annotations allowed per level; one notice slot is kept for the overflow notice."""
    counts = Counter(d.severity for d in report.diagnostics)
    limit = dict.fromkeys(Severity, ANNOTATIONS_PER_LEVEL)
    if any(count > ANNOTATIONS_PER_LEVEL for count in counts.values()):
        limit[Severity.NOTICE] -= 1
    return limit


def annotated(report: Report) -> set[int]:
    """Indexes (in report order) of the diagnostics that become annotations."""
    remaining = limits(report)
    chosen: set[int] = set()
    for index, diagnostic in enumerate(report.diagnostics):
        if remaining[diagnostic.severity] > 0:
            remaining[diagnostic.severity] -= 1
            chosen.add(index)
    return chosen


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def overflow_notice(report: Report, chosen: set[int]) -> str | None:
    missed = Counter(
        d.severity for index, d in enumerate(report.diagnostics) if index not in chosen
    )
    if not missed:
        return None
    parts = [_plural(missed[s], s.value) for s in Severity if missed[s]]
    message = (
        f"{_plural(missed.total(), 'more finding')} not annotated: {', '.join(parts)}. "
        f"GitHub shows at most {ANNOTATIONS_PER_LEVEL} annotations per level; "
        "the job summary and the log list every finding."
    )
    return command("notice", [("title", TOOL)], message)


def groups(report: Report) -> dict[str, list[int]]:
    """Diagnostic indexes per file, files in report order."""
    by_path: dict[str, list[int]] = {}
    for index, diagnostic in enumerate(report.diagnostics):
        by_path.setdefault(diagnostic.path, []).append(index)
    return by_path


def render(report: Report, context: Context | None = None) -> str:
    chosen = annotated(report)
    lines: list[str] = []
    for path, indexes in groups(report).items():
        lines.append(command("group", [], safe.visible(path)))
        for index in indexes:
            diagnostic = report.diagnostics[index]
            if index in chosen:
                lines.append(annotation(diagnostic))
            else:
                lines.extend(log_lines(diagnostic))
        lines.append(command("endgroup", [], ""))
    notice = overflow_notice(report, chosen)
    if notice:
        lines.append(notice)
    lines.append(text.summary(report))
    return "\n".join(lines) + "\n"
