"""Checks every YAML event must pass, shared by both parsers of ``yamlio``.

One pass over the parser's events refuses what no submission needs and what makes YAML
dangerous or ambiguous: tags, anchors and aliases, several documents, duplicate keys, keys that
are not text, nesting deeper than ``MAX_DEPTH``, and numbers or dates Python cannot hold. The
events may come from ruamel.yaml or from libyaml (PyYAML): the checks read only what both share.
"""

from __future__ import annotations

import datetime
import math
import re
from typing import Any

MAX_BYTES = 65_536
MAX_DEPTH = 32
_INT_LIMIT = 2**63

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


def _mark(event: Any) -> tuple[int, int]:
    return event.start_mark.line + 1, event.start_mark.column + 1


class _Frame:
    """One open mapping or sequence while scanning events."""

    __slots__ = ("expect_key", "keys", "mapping")

    def __init__(self, mapping: bool) -> None:
        self.mapping = mapping
        self.expect_key = True
        self.keys: dict[str, int] = {}


class EventChecker:
    """Feed it every event of one stream, in order; it raises ``YamlProblem`` at the first fault."""

    __slots__ = ("documents", "stack")

    def __init__(self) -> None:
        self.stack: list[_Frame] = []
        self.documents = 0

    def feed(self, event: Any) -> None:
        kind = type(event).__name__
        if kind == "DocumentStartEvent":
            self.documents += 1
            if self.documents > 1:
                raise _problem(
                    "yaml-multiple-documents",
                    "the file holds more than one YAML document",
                    "Remove the '---' line and everything after it; one file is one document.",
                    *_mark(event),
                )
        elif kind == "AliasEvent":
            raise _problem(
                "yaml-anchor",
                f"the alias '*{event.anchor}' is not allowed",
                "Write the value out in full; anchors and aliases are refused in submissions.",
                *_mark(event),
            )
        elif kind in _NODES:
            _check_node(event, kind, self.stack)
            if kind != "ScalarEvent":
                self.stack.append(_Frame(kind == "MappingStartEvent"))
                if len(self.stack) > MAX_DEPTH:
                    raise _problem(
                        "yaml-too-deep",
                        f"the YAML is nested more than {MAX_DEPTH} levels deep",
                        "Flatten the structure; no submission field is nested this deeply.",
                        *_mark(event),
                    )
        elif kind in ("MappingEndEvent", "SequenceEndEvent"):
            self.stack.pop()


_NODES = frozenset({"ScalarEvent", "MappingStartEvent", "SequenceStartEvent"})


def _check_node(event: Any, kind: str, stack: list[_Frame]) -> None:
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
    if kind == "ScalarEvent":
        plain = not event.style and bool(event.implicit and event.implicit[0])
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


# Every null, boolean, number and date starts with one of these (or is empty).
_TYPED_START = frozenset("~nNtTfF+-.0123456789")
_NUMERIC_START = frozenset("+-.0123456789")


def _check_key(event: Any, plain: bool, frame: _Frame) -> None:
    value = event.value
    if (
        plain
        and (not value or value[0] in _TYPED_START)
        and (
            _NULL.fullmatch(value)
            or _BOOL.fullmatch(value)
            or _INT.fullmatch(value)
            or _FLOAT.fullmatch(value)
            or _DATE.match(value)
        )
    ):
        raise _problem(
            "yaml-key-type",
            f"the key '{value}' is read as a number, date, boolean or null, not text",
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


def _check_plain_value(event: Any) -> None:
    value = event.value
    if not value or value[0] not in _NUMERIC_START:
        return  # neither a number nor a date
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
            # The value is not repeated: the loader cannot tell a secret field from another.
            "this unquoted number is too large to use",
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
                "this unquoted value looks like a date but is not a valid one",
                "Quote the value if it is text, or correct the date.",
                *_mark(event),
            ) from None
