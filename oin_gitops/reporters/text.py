"""Plain-text report for terminals and logs: one finding per block, then a summary line."""

from __future__ import annotations

from oin_gitops.diagnostics import Diagnostic, Report
from oin_gitops.reporters.context import Context


def location(diagnostic: Diagnostic) -> str:
    parts = [diagnostic.path]
    if diagnostic.line is not None:
        parts.append(str(diagnostic.line))
        if diagnostic.column is not None:
            parts.append(str(diagnostic.column))
    return ":".join(parts)


def _plural(count: int, word: str) -> str:
    return f"{count:,} {word}{'' if count == 1 else 's'}"


def summary(report: Report) -> str:
    counts = report.counts()
    return (
        f"Linted {_plural(len(report.submissions), 'submission')}: "
        f"{_plural(counts['errors'], 'error')}, {_plural(counts['warnings'], 'warning')}, "
        f"{_plural(counts['notices'], 'notice')}."
    )


def render_diagnostic(diagnostic: Diagnostic) -> str:
    lines = [
        f"{location(diagnostic)}: {diagnostic.severity.value}: {diagnostic.message} [{diagnostic.rule}]"
    ]
    if diagnostic.help:
        lines.append(f"    help: {diagnostic.help}")
    return "\n".join(lines)


def render(report: Report, context: Context | None = None) -> str:
    blocks = [render_diagnostic(d) for d in report.diagnostics]
    return "\n".join([*blocks, summary(report)]) + "\n"
