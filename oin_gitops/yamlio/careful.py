"""The careful parser: ruamel.yaml's round-trip loader, positions on every node.

It is the reference: ``yamlio.fast`` must accept and refuse exactly what this accepts and
refuses, and every diagnostic comes from here.
"""

from __future__ import annotations

import io
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import (
    CollectionEndEvent,
    CollectionStartEvent,
    MappingStartEvent,
    NodeEvent,
    ScalarEvent,
)
from ruamel.yaml.reader import ReaderError

from oin_gitops.yamlio.checks import EventChecker, YamlProblem, _problem, _text_position
from oin_gitops.yamlio.document import Pointer


def _syntax_problem(exc: YAMLError, text: str) -> YamlProblem:
    if isinstance(exc, ReaderError):
        line, column = _text_position(text, exc.position)
        return _problem(
            "file-encoding",
            f"the file contains the control character U+{exc.character:04X}, which YAML does not allow"
            if isinstance(exc.character, int)
            else "the file contains a character that YAML does not allow",
            "Remove the control character.",
            line,
            column,
        )
    mark = exc.problem_mark if isinstance(exc, MarkedYAMLError) else None
    line, column = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
    problem = (getattr(exc, "problem", None) or str(exc)).strip()
    context, context_mark = getattr(exc, "context", None), getattr(exc, "context_mark", None)
    if context and context_mark is not None:
        problem += (
            f" {context} that starts on line {context_mark.line + 1}, "
            f"column {context_mark.column + 1}"
        )
    if "'\\t'" in problem:
        return _problem(
            "yaml-syntax",
            "a tab character is used for indentation, which YAML forbids",
            "Indent with spaces only.",
            line,
            column,
        )
    return _problem(
        "yaml-syntax",
        f"the YAML cannot be parsed: {problem}",
        "Fix the YAML syntax at this position (check indentation, quotes and brackets).",
        line,
        column,
    )


def _new_yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.allow_duplicate_keys = False
    return yaml


def load(text: str) -> Any:
    """The document's data (ruamel containers with ``lc`` positions), or ``YamlProblem``."""
    try:
        checker = EventChecker()
        for event in _new_yaml().parse(io.StringIO(text)):
            checker.feed(event)
        return _new_yaml().load(io.StringIO(text))
    except YAMLError as exc:
        raise _syntax_problem(exc, text) from None


def scalar_span(text: str, pointer: Pointer) -> tuple[int, int] | None:
    """Character offsets (start, end) of the scalar value at ``pointer`` in ``text``, or None.

    Lets a caller replace one value and leave every other byte of the file as it was. ``text``
    must be a document that ``parse`` accepts.
    """
    path: list[str | int] = []
    frames: list[list[Any]] = []  # [is_mapping, expect_key, next_index]
    target = list(pointer)
    for event in _new_yaml().parse(io.StringIO(text)):
        if isinstance(event, NodeEvent) and frames:
            frame = frames[-1]
            if frame[0] and frame[1]:
                frame[1] = False
                path.append(event.value if isinstance(event, ScalarEvent) else "?")
                continue
            if not frame[0]:
                path.append(frame[2])
                frame[2] += 1
        if isinstance(event, ScalarEvent) and path == target:
            start, end = event.start_mark.index, event.end_mark.index
            return start, start + len(text[start:end].rstrip("\n"))
        if isinstance(event, CollectionStartEvent):
            frames.append([isinstance(event, MappingStartEvent), True, 0])
            continue
        if isinstance(event, CollectionEndEvent):
            frames.pop()
        _close_value(frames, path)
    return None


def _close_value(frames: list[list[Any]], path: list[str | int]) -> None:
    """After a value ends: drop its last path part; a mapping expects a key again."""
    if frames and path:
        path.pop()
        if frames[-1][0]:
            frames[-1][1] = True
