"""Machine-readable report; the shape is documented in docs/json-output.md and kept stable.

Strings hold the findings' text exactly; ``safe.json_text`` writes them so that the document
is safe to print (control and bidi characters and ``##[`` as JSON escapes).
"""

from __future__ import annotations

from oin_gitops import __version__
from oin_gitops.diagnostics import Report
from oin_gitops.reporters import safe
from oin_gitops.reporters.context import Context

FORMAT_VERSION = 1


def render(report: Report, context: Context | None = None) -> str:
    counts = report.counts()
    document = {
        "format_version": FORMAT_VERSION,
        "tool": {"name": "oin-gitops", "version": __version__},
        "submissions": list(report.submissions),
        "summary": {"submissions": len(report.submissions), **counts},
        "diagnostics": [d.to_dict() for d in report.diagnostics],
    }
    return safe.json_text(document) + "\n"
