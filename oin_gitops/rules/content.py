"""Rules about values inside the YAML files that the schema cannot express."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from oin_gitops.rules.base import Finding, submission_rule
from oin_gitops.schema_check import field_name, is_placeholder
from oin_gitops.submission import Submission
from oin_gitops.yamlio import Pointer


def walk(data: Any) -> Iterator[tuple[Pointer, Any]]:
    """Every (pointer, value) of a parsed document, depth first, without recursion."""
    stack: list[tuple[Pointer, Any]] = [((), data)]
    while stack:
        pointer, value = stack.pop()
        yield pointer, value
        if isinstance(value, dict):
            children = [((*pointer, k), v) for k, v in value.items()]
        elif isinstance(value, list):
            children = [((*pointer, i), v) for i, v in enumerate(value)]
        else:
            continue
        stack.extend(reversed(children))


@submission_rule(
    id="placeholder",
    summary="No value still holds a 'TODO' placeholder from 'oin-gitops new'.",
    help="Replace the placeholder with the real value; the comment above the key says what it is.",
)
def placeholder(submission: Submission) -> Iterator[Finding]:
    """``oin-gitops new`` fills every field you must complete with a value starting ``TODO``.

    Passes: ``name: Acme Notes``. Fails: ``name: "TODO: the app's name in the catalog"``.
    """
    for document in submission.documents.values():
        for pointer, value in walk(document.data):
            if is_placeholder(value):
                line, column = document.position(pointer)
                yield Finding(
                    document.path,
                    f"'{field_name(pointer)}' still holds the placeholder {str(value)[:60]!r}",
                    line,
                    column,
                )
