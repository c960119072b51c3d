"""Reporters turn a ``Report`` into text; each is a pure ``render(report, context) -> str``."""

from __future__ import annotations

from collections.abc import Callable

from oin_gitops.diagnostics import Report
from oin_gitops.reporters import github, json_format, markdown, sarif, text
from oin_gitops.reporters.context import Context

Renderer = Callable[[Report, Context], str]

REPORTERS: dict[str, Renderer] = {
    "text": text.render,
    "json": json_format.render,
    "github": github.render,
    "markdown": markdown.render,
    "sarif": sarif.render,
}

__all__ = ["REPORTERS", "Context", "Renderer", "github", "markdown", "sarif"]
