"""Machine-readable report; the shape is documented in docs/json-output.md and kept stable."""

from __future__ import annotations

import json

from oin_gitops import __version__
from oin_gitops.diagnostics import Report
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
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
