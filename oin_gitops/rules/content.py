"""Rules about values inside the YAML files that the schema cannot express."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from typing import Any

from oin_gitops import schemas
from oin_gitops.rules.base import Finding, submission_rule
from oin_gitops.schema_check import field_name, placeholder_in
from oin_gitops.schemas import FILE_SCHEMAS
from oin_gitops.submission import Submission
from oin_gitops.yamlio import Pointer


def walk(data: Any) -> list[tuple[Pointer, Any]]:
    """Every (pointer, value) of a parsed document, depth first, without recursion.

    The last few documents' walks are remembered (by identity, holding the document): the rules
    that read every value walk each document of a submission in turn. Documents are not changed
    after parsing.
    """
    remembered = _WALKS.get(id(data))
    if remembered is not None and remembered[0] is data:
        return remembered[1]
    found: list[tuple[Pointer, Any]] = []
    stack: list[tuple[Pointer, Any]] = [((), data)]
    while stack:
        pointer, value = stack.pop()
        found.append((pointer, value))
        if isinstance(value, dict):
            children = [((*pointer, k), v) for k, v in value.items()]
        elif isinstance(value, list):
            children = [((*pointer, i), v) for i, v in enumerate(value)]
        else:
            continue
        stack.extend(reversed(children))
    if len(_WALKS) >= _WALKS_KEPT:
        del _WALKS[next(iter(_WALKS))]
    _WALKS[id(data)] = (data, found)
    return found


# A submission has at most six YAML documents; the oldest walk is forgotten first.
_WALKS_KEPT = 8
_WALKS: dict[int, tuple[Any, list[tuple[Pointer, Any]]]] = {}


PRIVATE_MARKS = ("x-oin-private", "x-oin-secret")


@functools.lru_cache(maxsize=4096)
def marked_at(schema_name: str, pointer: Pointer, marks: tuple[str, ...]) -> bool:
    """Whether the schema gives the field at ``pointer``, or a mapping or list around it, one
    of ``marks`` (such as ``x-oin-secret``)."""
    return any(
        len(marked) <= len(pointer)
        and all(
            part == "*" or part == step
            for part, step in zip(marked, pointer[: len(marked)], strict=True)
        )
        for mark in marks
        for marked in schemas.marked(schema_name, mark)
    )


@submission_rule(
    id="placeholder",
    summary=(
        "No value still holds a 'TODO' placeholder from 'oin-gitops new', or another "
        "(TBD, FIXME, XXX, Lorem ipsum)."
    ),
    help="Replace the placeholder with the real value; the comment above the key says what it is.",
)
def placeholder(submission: Submission) -> Iterator[Finding]:
    """``oin-gitops new`` fills every field you must complete with ``TODO``. A value that holds
    TODO, TBD, FIXME, XXX (or more x) or Lorem ipsum anywhere, in any case and as a whole word,
    is not filled in yet: ``Free for 30 days. TODO: add pricing``, ``name: todo``, ``(TBD)``
    and ``https://acme.example/tbd/saml`` are all reported, while ``Todoist`` and ``XXL`` are
    not. Sealed values are never read. The message quotes the placeholder word, except in a
    field the schemas mark private or secret (the test account, a SCIM token), which it names
    only. ``oin-gitops status`` counts such values as unfilled.

    Passes: ``name: Acme Notes``. Fails: ``name: "TODO: the app's name in the catalog"``,
    ``description: Acme Notes keeps notes. Lorem ipsum dolor sit amet.``
    """
    for name, document in submission.documents.items():
        for pointer, value in walk(document.data):
            word = placeholder_in(value)
            if word is None:
                continue
            line, column = document.position(pointer)
            field = field_name(pointer)
            message = (
                f"'{field}' still holds a placeholder; the value of a private field is not shown"
                if marked_at(FILE_SCHEMAS[name], pointer, PRIVATE_MARKS)
                else f"'{field}' still holds the placeholder '{word}'"
            )
            yield Finding(document.path, message, line, column)
