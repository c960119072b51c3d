"""The one YAML loader: ruamel.yaml round-trip nodes with positions, refusing risky YAML.

``parse(data, path)`` returns a ``Document`` or a ``Diagnostic``. Before anything is built, one
pass over the parser's events refuses what no submission needs and what makes YAML dangerous
or ambiguous: tags, anchors and aliases, several documents, duplicate keys, nesting deeper
than ``MAX_DEPTH`` (so building never recurses far), and numbers or dates Python cannot hold.
"""

from __future__ import annotations

import datetime
import io
import math
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import (
    AliasEvent,
    CollectionEndEvent,
    CollectionStartEvent,
    DocumentStartEvent,
    Event,
    MappingStartEvent,
    NodeEvent,
    ScalarEvent,
)
from ruamel.yaml.reader import ReaderError

from oin_gitops.diagnostics import Diagnostic, Severity

MAX_BYTES = 65_536
MAX_DEPTH = 32
_INT_LIMIT = 2**63

Pointer = Sequence[str | int]

_INT = re.compile(r"[-+]?(?:[0-9][0-9_]*|0o[0-7_]+|0x[0-9a-fA-F_]+)")
_FLOAT = re.compile(r"[-+]?(?:\.[0-9_]+|[0-9][0-9_]*(?:\.[0-9_]*)?)(?:[eE][-+]?[0-9]+)?")
_DATE = re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})(?:[Tt ]|$)")
_NULL = re.compile(r"~|null|Null|NULL|")
_BOOL = re.compile(r"true|True|TRUE|false|False|FALSE")


class YamlProblem(Exception):
    """Raised inside this module; turned into a ``Diagnostic`` by ``parse``."""

    def __init__(self, rule: str, message: str, help: str, line: int, column: int) -> None:
        super().__init__(message)
        self.rule, self.message, self.help = rule, message, help
        self.line, self.column = line, column


@dataclass(frozen=True)
class Document:
    """A parsed YAML file: its top-level mapping, with positions on every node."""

    path: str
    data: CommentedMap
    first_line: str = ""

    def get(self, pointer: Pointer) -> Any:
        node: Any = self.data
        for part in pointer:
            node = node[part]
        return node

    def position(self, pointer: Pointer, *, key: bool = False) -> tuple[int, int]:
        """1-based (line, column) of the value at ``pointer``, or of its key with ``key=True``.

        A pointer into something that does not exist points at its nearest existing parent.
        """
        node: Any = self.data
        where = (node.lc.line, node.lc.col)
        for index, part in enumerate(pointer):
            last = index == len(pointer) - 1
            if isinstance(node, CommentedMap) and part in node:
                # An empty value has no position of its own: ruamel gives the next token's.
                empty = node[part] is None
                where = node.lc.key(part) if ((last and key) or empty) else node.lc.value(part)
            elif isinstance(node, CommentedSeq) and isinstance(part, int) and part < len(node):
                where = node.lc.item(part)
            else:
                break
            node = node[part]
        return where[0] + 1, where[1] + 1


def _problem(rule: str, message: str, help: str, line: int, column: int) -> YamlProblem:
    return YamlProblem(rule, message, help, line, column)


def decode(data: bytes) -> str:
    """UTF-8 text of ``data`` (a BOM is dropped); NUL bytes and other encodings are refused."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise _problem(
            "file-encoding",
            "the file is UTF-16 text; YAML files must be UTF-8",
            "Save the file as UTF-8 text.",
            1,
            1,
        )
    nul = data.find(b"\0")
    if nul >= 0:
        line, column = _byte_position(data, nul)
        raise _problem(
            "file-encoding",
            "the file contains a NUL byte, so it is binary data, not YAML text",
            "Save the file as UTF-8 text.",
            line,
            column,
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line, column = _byte_position(data, exc.start)
        raise _problem(
            "file-encoding",
            f"the file is not valid UTF-8 (byte 0x{data[exc.start]:02x} cannot be decoded)",
            "Save the file as UTF-8 text; other encodings such as Latin-1 or UTF-16 are refused.",
            line,
            column,
        ) from None


def _byte_position(data: bytes, offset: int) -> tuple[int, int]:
    line_start = data.rfind(b"\n", 0, offset) + 1
    column = len(data[line_start:offset].decode("utf-8", "replace")) + 1
    return data.count(b"\n", 0, offset) + 1, column


def _text_position(text: str, offset: int) -> tuple[int, int]:
    line_start = text.rfind("\n", 0, offset) + 1
    return text.count("\n", 0, offset) + 1, offset - line_start + 1


def _mark(event: Event) -> tuple[int, int]:
    return event.start_mark.line + 1, event.start_mark.column + 1


class _Frame:
    """One open mapping or sequence while scanning events."""

    __slots__ = ("expect_key", "keys", "mapping")

    def __init__(self, mapping: bool) -> None:
        self.mapping = mapping
        self.expect_key = True
        self.keys: dict[str, int] = {}


def _check_events(events: Iterator[Event]) -> None:
    stack: list[_Frame] = []
    documents = 0
    for event in events:
        if isinstance(event, DocumentStartEvent):
            documents += 1
            if documents > 1:
                raise _problem(
                    "yaml-multiple-documents",
                    "the file holds more than one YAML document",
                    "Remove the '---' line and everything after it; one file is one document.",
                    *_mark(event),
                )
        if isinstance(event, AliasEvent):
            raise _problem(
                "yaml-anchor",
                f"the alias '*{event.anchor}' is not allowed",
                "Write the value out in full; anchors and aliases are refused in submissions.",
                *_mark(event),
            )
        if isinstance(event, NodeEvent):
            _check_node(event, stack)
        if isinstance(event, CollectionStartEvent):
            stack.append(_Frame(isinstance(event, MappingStartEvent)))
            if len(stack) > MAX_DEPTH:
                raise _problem(
                    "yaml-too-deep",
                    f"the YAML is nested more than {MAX_DEPTH} levels deep",
                    "Flatten the structure; no submission field is nested this deeply.",
                    *_mark(event),
                )
        elif isinstance(event, CollectionEndEvent):
            stack.pop()


def _check_node(event: NodeEvent, stack: list[_Frame]) -> None:
    if event.anchor is not None:
        raise _problem(
            "yaml-anchor",
            f"the anchor '&{event.anchor}' is not allowed",
            "Remove the anchor and write values out in full; anchors and aliases are refused.",
            *_mark(event),
        )
    tag = getattr(event, "tag", None)
    if tag is not None:
        shown = str(tag).replace("tag:yaml.org,2002:", "!!", 1)
        raise _problem(
            "yaml-tag",
            f"the tag '{shown}' is not allowed",
            "Remove the tag; quote the value if it must be text.",
            *_mark(event),
        )
    frame = stack[-1] if stack else None
    is_key = frame is not None and frame.mapping and frame.expect_key
    if frame is not None and frame.mapping:
        frame.expect_key = not frame.expect_key
    if isinstance(event, ScalarEvent):
        plain = event.style is None and bool(event.implicit and event.implicit[0])
        if is_key and frame is not None:
            _check_key(event, plain, frame)
        elif plain:
            _check_plain_value(event)
    elif is_key:
        raise _problem(
            "yaml-key-type",
            "a mapping key must be text, not a list or mapping",
            "Use a plain word as the key.",
            *_mark(event),
        )


def _check_key(event: ScalarEvent, plain: bool, frame: _Frame) -> None:
    value = event.value
    if plain and (
        _NULL.fullmatch(value)
        or _BOOL.fullmatch(value)
        or _INT.fullmatch(value)
        or _FLOAT.fullmatch(value)
    ):
        raise _problem(
            "yaml-key-type",
            f"the key '{value}' is read as a number, boolean or null, not text",
            f'Quote the key ("{value}") or use a word.',
            *_mark(event),
        )
    line = event.start_mark.line + 1
    if value in frame.keys:
        raise _problem(
            "yaml-duplicate-key",
            f"the key '{value}' appears twice in the same mapping (first on line {frame.keys[value]})",
            "Keep one of the two entries; YAML would silently drop the other.",
            *_mark(event),
        )
    frame.keys[value] = line


def _check_plain_value(event: ScalarEvent) -> None:
    value = event.value
    digits = value.replace("_", "")
    too_large = False
    if _INT.fullmatch(value):
        try:
            too_large = (
                abs(int(digits, 0) if digits[:2].lower() in ("0x", "0o") else int(digits))
                >= _INT_LIMIT
            )
        except ValueError:
            too_large = True
    elif _FLOAT.fullmatch(value) and any(c.isdigit() for c in value):
        too_large = math.isinf(float(digits))
    if too_large:
        raise _problem(
            "yaml-number-range",
            f"the number {value[:40]}{'...' if len(value) > 40 else ''} is too large to use",
            "Quote the value if it is text, or use a smaller number.",
            *_mark(event),
        )
    date = _DATE.match(value)
    if date:
        try:
            datetime.date(*(int(part) for part in date.groups()))
        except ValueError:
            raise _problem(
                "yaml-syntax",
                f"'{value}' looks like a date but is not a valid one",
                "Quote the value if it is text, or correct the date.",
                *_mark(event),
            ) from None


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


def _load(text: str) -> Any:
    try:
        _check_events(_new_yaml().parse(io.StringIO(text)))
        return _new_yaml().load(io.StringIO(text))
    except YAMLError as exc:
        raise _syntax_problem(exc, text) from None


def parse(data: bytes, path: str) -> Document | Diagnostic:
    """Parse ``data`` read from ``path``; bad input becomes a ``Diagnostic``, never an exception."""
    try:
        if len(data) > MAX_BYTES:
            raise _problem(
                "file-too-large",
                f"the file is {len(data):,} bytes; YAML files may be at most {MAX_BYTES:,} bytes",
                "Shorten the file; no submission needs this much YAML.",
                1,
                1,
            )
        text = decode(data)
        loaded = _load(text)
        if loaded is None:
            raise _problem(
                "file-empty",
                "the file is empty",
                "Fill in the file, or delete it if the protocol does not apply.",
                1,
                1,
            )
        if not isinstance(loaded, CommentedMap):
            raise _problem(
                "yaml-not-mapping",
                f"the top level of the file is a {_kind_name(loaded)}, not a mapping of keys",
                "Start the file with 'key: value' lines.",
                1,
                1,
            )
        return Document(path, loaded, text.split("\n", 1)[0])
    except YamlProblem as problem:
        return Diagnostic(
            path=path,
            rule=problem.rule,
            severity=Severity.ERROR,
            message=problem.message,
            help=problem.help,
            line=problem.line,
            column=problem.column,
        )


def _kind_name(value: object) -> str:
    if isinstance(value, list):
        return "list"
    if isinstance(value, str):
        return "text value"
    return type(value).__name__ if not isinstance(value, (int, float)) else "number"


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
