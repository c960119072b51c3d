"""Running inside GitHub Actions: links from the environment, the job summary, step outputs.

Only the CLI reads ``GITHUB_*`` variables; reporters receive what they need as a ``Context``.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from pathlib import Path

from oin_gitops.diagnostics import Report
from oin_gitops.reporters import Context

# GitHub refuses a step summary over 1 MiB; stay clearly below it.
SUMMARY_LIMIT = 1024 * 1024 - 16 * 1024


def in_actions(env: Mapping[str, str]) -> bool:
    return env.get("GITHUB_ACTIONS") == "true"


def context_from(env: Mapping[str, str]) -> Context:
    """Links to files at the commit being checked (the PR head when the action passes it)."""
    server = env.get("GITHUB_SERVER_URL", "https://github.com").rstrip("/")
    repository = env.get("GITHUB_REPOSITORY")
    ref = env.get("OIN_GITOPS_SHA") or env.get("GITHUB_SHA")
    return Context(repository_url=f"{server}/{repository}" if repository else None, ref=ref or None)


def append_summary(path: Path, render_limited: object, report: Report, context: Context) -> None:
    """Append the markdown report to the job summary, keeping the file under GitHub's limit."""
    used = path.stat().st_size if path.exists() else 0
    budget = max(SUMMARY_LIMIT - used, 0)
    text = render_limited(report, context, budget) if budget else ""  # type: ignore[operator]
    with path.open("a", encoding="utf-8") as handle:
        handle.write(text)


def write_outputs(path: Path, outputs: Mapping[str, str]) -> None:
    """Write step outputs with random heredoc delimiters, so no value can end one early."""
    with path.open("a", encoding="utf-8") as handle:
        for name, value in outputs.items():
            delimiter = f"ghadelimiter_{uuid.uuid4()}"
            while delimiter in value:
                delimiter = f"ghadelimiter_{uuid.uuid4()}"
            handle.write(f"{name}<<{delimiter}\n{value}\n{delimiter}\n")


def outputs_of(report: Report) -> dict[str, str]:
    return {
        "errors": str(report.errors),
        "warnings": str(report.warnings),
        "submissions": json.dumps(list(report.submissions)),
    }
