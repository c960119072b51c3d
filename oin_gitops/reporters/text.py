"""Plain-text report for terminals and logs: one finding per block, then a summary line.

Submission text is shown through ``safe.visible`` and every line through ``safe.inert``, so a
report printed to a terminal or a CI log cannot move the cursor, reorder text or run a command.
"""

from __future__ import annotations

from oin_gitops.diagnostics import Diagnostic, Report
from oin_gitops.reporters import safe
from oin_gitops.reporters.context import Context


def location(diagnostic: Diagnostic) -> str:
    """``path:line:column`` as far as known, the path made ``visible``."""
    parts = [safe.visible(diagnostic.path)]
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


def cited(diagnostic: Diagnostic) -> str:
    """The rule id, and the OIN guideline the finding enforces: ``schema, SAML-01``."""
    return ", ".join(p for p in (diagnostic.rule, diagnostic.guideline) if p)


def diagnostic_lines(diagnostic: Diagnostic) -> list[str]:
    """The finding's lines, submission text made ``visible``; each line still needs the
    output's own guard against commands (``safe.inert`` here, ``github.plain`` in logs)."""
    lines = [
        f"{location(diagnostic)}: {diagnostic.severity.value}: "
        f"{safe.visible(diagnostic.message)} [{cited(diagnostic)}]"
    ]
    if diagnostic.help:
        lines.append(f"    help: {safe.visible(diagnostic.help)}")
    return lines


def render_diagnostic(diagnostic: Diagnostic) -> str:
    return "\n".join(safe.inert(line) for line in diagnostic_lines(diagnostic))


def render(report: Report, context: Context | None = None) -> str:
    blocks = [render_diagnostic(d) for d in report.diagnostics]
    return "\n".join([*blocks, summary(report)]) + "\n"
