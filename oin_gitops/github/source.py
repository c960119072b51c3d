"""A submission source backed by a git tree read through the API: files are fetched lazily,
only when a rule reads them, and never when they are symlinks, submodules or too large."""

from __future__ import annotations

import base64
from collections.abc import Callable

from github.GitTreeElement import GitTreeElement

from oin_gitops.sources import IndexedSource, Kind

_KINDS = {"100644": Kind.FILE, "100755": Kind.FILE, "120000": Kind.SYMLINK}
# Nothing in a submission is read past this; rules check sizes before reading.
MAX_BLOB_BYTES = 10_000_000


class TreeSource(IndexedSource):
    """The files of a git tree (``path`` → tree element), read on demand through ``fetch``."""

    def __init__(self, elements: list[GitTreeElement], fetch: Callable[[str], str]) -> None:
        blobs = [e for e in elements if e.type in ("blob", "commit")]
        super().__init__({e.path: _KINDS.get(e.mode, Kind.OTHER) for e in blobs})
        self._elements = {e.path: e for e in blobs}
        self._fetch = fetch
        self._read: dict[str, bytes] = {}

    def size(self, path: str) -> int:
        return int(self._elements[path].size or 0)

    def read(self, path: str) -> bytes:
        element = self._elements[path]
        if self.kind(path) is not Kind.FILE or self.size(path) > MAX_BLOB_BYTES:
            raise OSError(f"{path} is not a regular file of readable size")
        if element.sha not in self._read:  # rules and facts read submission.yaml repeatedly
            self._read[element.sha] = base64.b64decode(self._fetch(element.sha))
        return self._read[element.sha]

    def has_folder(self, folder: str) -> bool:
        return self.kind(folder) is Kind.DIR
