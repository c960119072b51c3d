"""The fast parser: libyaml's events (through PyYAML's C parser), checked by the same
``EventChecker`` as the careful parser and built into plain containers that carry positions.

It only ever returns a document: on any problem ``parse`` falls back to the careful parser,
which produces the diagnostic, so both paths refuse the same input with the same words.
Scalars resolve as ruamel.yaml resolves them under YAML 1.2 (``yes`` stays text).
"""

from __future__ import annotations

from typing import Any

import yaml
from ruamel.yaml.constructor import RoundTripConstructor
from ruamel.yaml.nodes import ScalarNode
from ruamel.yaml.resolver import VersionedResolver

from oin_gitops.yamlio.checks import EventChecker

AVAILABLE = bool(getattr(yaml, "__with_libyaml__", False))
_RESOLVER = VersionedResolver(version=(1, 2))
_INFINITY = {".inf": float("inf"), "+.inf": float("inf"), "-.inf": float("-inf")}


class Fallback(Exception):
    """The fast path declines; the careful parser decides (and explains)."""


class LineCol:
    """Positions (0-based) in the shape of ruamel's ``lc``: the container's own, and per key,
    value or item."""

    __slots__ = ("_items", "_keys", "_values", "col", "line")

    def __init__(self, line: int, col: int) -> None:
        self.line, self.col = line, col
        self._keys: dict[Any, tuple[int, int]] = {}
        self._values: dict[Any, tuple[int, int]] = {}
        self._items: list[tuple[int, int]] = []

    @classmethod
    def of_key(cls, lc: Any, key: Any) -> LineCol:
        """A mapping's own position and those of one key and its value, copied from ``lc``
        (either parser's); the other keys are left out."""
        kept = cls(lc.line, lc.col)
        kept._keys[key] = tuple(lc.key(key))
        kept._values[key] = tuple(lc.value(key))
        return kept

    def key(self, key: Any) -> tuple[int, int]:
        return self._keys[key]

    def value(self, key: Any) -> tuple[int, int]:
        return self._values[key]

    def item(self, index: int) -> tuple[int, int]:
        return self._items[index]


class Mapping(dict[str, Any]):
    """A YAML mapping with positions (``lc``), like ruamel's CommentedMap."""

    __slots__ = ("lc",)
    lc: LineCol


class Sequence(list[Any]):
    """A YAML sequence with positions (``lc``), like ruamel's CommentedSeq."""

    __slots__ = ("lc",)
    lc: LineCol


# ruamel's implicit resolvers for YAML 1.2, by the first character they can match; a plain
# scalar starting with any other character is text (``resolve`` looks only there too).
_IMPLICIT_STARTS = frozenset(_RESOLVER.versioned_resolver)


def _scalar(value: str, cache: dict[str, Any]) -> Any:
    """A plain scalar resolved as ruamel.yaml resolves it (YAML 1.2 core, with timestamps)."""
    if value and value[0] not in _IMPLICIT_STARTS and None not in _IMPLICIT_STARTS:
        return value
    if value in cache:
        return cache[value]
    tag = str(_RESOLVER.resolve(ScalarNode, value, (True, False)))
    kind = tag.rsplit(":", 1)[-1]
    if kind == "str":
        result: Any = value
    elif kind == "null":
        result = None
    elif kind == "bool":
        result = value.lower() == "true"
    elif kind == "int":
        result = _int(value)
    elif kind == "float":
        result = _float(value)
    elif kind == "timestamp":
        result = RoundTripConstructor().construct_yaml_timestamp(ScalarNode(tag, value))
    else:
        raise Fallback(tag)
    cache[value] = result
    return result


def _int(value: str) -> int:
    digits = value.replace("_", "")
    sign = -1 if digits.startswith("-") else 1
    digits = digits.lstrip("+-")
    for prefix, base in (("0b", 2), ("0o", 8), ("0x", 16)):
        if digits.lower().startswith(prefix):
            return sign * int(digits[2:], base)
    return sign * int(digits)


def _float(value: str) -> float:
    lowered = value.lower()
    if lowered in _INFINITY:
        return _INFINITY[lowered]
    if lowered == ".nan":
        return float("nan")
    return float(value.replace("_", ""))


class _Builder:
    """Turns checked events into containers; a key waits in ``pending`` for its value."""

    __slots__ = ("cache", "pending", "root", "stack")

    def __init__(self) -> None:
        self.root: Any = None
        self.stack: list[Mapping | Sequence] = []
        self.pending: list[Any] = []
        self.cache: dict[str, Any] = {}

    def attach(self, value: Any, mark: Any) -> None:
        where = (mark.line, mark.column)
        if not self.stack:
            self.root = value
            return
        parent = self.stack[-1]
        if isinstance(parent, Sequence):
            parent.append(value)
            parent.lc._items.append(where)
        elif self.pending[-1] is _NO_KEY:
            raise Fallback("non-scalar key")
        else:
            key = self.pending[-1]
            parent[key] = value
            parent.lc._values[key] = where
            self.pending[-1] = _NO_KEY

    def scalar(self, event: Any) -> None:
        parent = self.stack[-1] if self.stack else None
        if isinstance(parent, Mapping) and self.pending[-1] is _NO_KEY:
            self.pending[-1] = event.value
            parent.lc._keys[event.value] = (event.start_mark.line, event.start_mark.column)
            return
        plain = not event.style and bool(event.implicit and event.implicit[0])
        self.attach(_scalar(event.value, self.cache) if plain else event.value, event.start_mark)

    def start(self, container: Mapping | Sequence, event: Any) -> None:
        container.lc = LineCol(event.start_mark.line, event.start_mark.column)
        self.attach(container, event.start_mark)
        self.stack.append(container)
        self.pending.append(_NO_KEY)

    def end(self) -> None:
        self.stack.pop()
        self.pending.pop()


_NO_KEY = object()


def load(text: str) -> Any:
    """The document's data, or ``Fallback`` when anything is off (the careful parser then
    explains); never another exception."""
    checker, builder = EventChecker(), _Builder()
    try:
        for event in yaml.parse(text, Loader=yaml.CSafeLoader):
            checker.feed(event)
            kind = type(event).__name__
            if kind == "ScalarEvent":
                builder.scalar(event)
            elif kind == "MappingStartEvent":
                builder.start(Mapping(), event)
            elif kind == "SequenceStartEvent":
                builder.start(Sequence(), event)
            elif kind in ("MappingEndEvent", "SequenceEndEvent"):
                builder.end()
    except Fallback:
        raise
    except Exception as exc:
        raise Fallback(type(exc).__name__) from None
    return builder.root
