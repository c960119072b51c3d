"""One field of a parsed file, as the rules read it: its text, and a finding at its position."""

from __future__ import annotations

from oin_gitops.rules.base import Finding
from oin_gitops.schema_check import is_placeholder
from oin_gitops.yamlio import Document, Pointer


def text_at(document: Document, pointer: Pointer) -> str | None:
    """The string at ``pointer``; None when absent, not text, or a placeholder."""
    try:
        value = document.get(pointer)
    except (KeyError, IndexError, TypeError):
        return None
    return value if isinstance(value, str) and not is_placeholder(value) else None


def finding_at(document: Document, pointer: Pointer, message: str) -> Finding:
    """A finding at the value at ``pointer`` in ``document``."""
    line, column = document.position(pointer)
    return Finding(document.path, message, line, column)
