"""A parsed YAML file, with the 1-based line and column of every key and value."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

Pointer = Sequence[str | int]


@dataclass(frozen=True)
class Document:
    """A parsed YAML file: its top-level mapping, with positions on every node."""

    path: str
    data: Any  # a mapping whose containers carry ``lc`` positions (ruamel or yamlio.fast)
    first_line: str = ""
    # The decoded text, for rules that read what the data does not hold (comments, how a value
    # is written). It stays in the process that parsed it: pickling leaves it out (a worker
    # sends documents back without it), and a document without it reads as "".
    text: str = field(default="", repr=False, compare=False)

    def __getstate__(self) -> dict[str, Any]:
        return {key: value for key, value in self.__dict__.items() if key != "text"}

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
            if isinstance(node, dict) and part in node:
                # An empty value has no position of its own: ruamel gives the next token's.
                empty = node[part] is None
                lc = _lc(node)
                where = lc.key(part) if ((last and key) or empty) else lc.value(part)
            elif isinstance(node, list) and isinstance(part, int) and part < len(node):
                where = _lc(node).item(part)
            else:
                break
            node = node[part]
        return where[0] + 1, where[1] + 1


def _lc(node: object) -> Any:
    """The positions of a container: ruamel's ``lc`` or yamlio.fast's look-alike."""
    return getattr(node, "lc")  # noqa: B009 - containers of two libraries, one protocol
