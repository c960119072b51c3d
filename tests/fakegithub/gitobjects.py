"""Git objects for the fake GitHub: blobs, trees and commits hashed exactly as git hashes them.

A commit's tree is given as a flat snapshot ``{path: content}``; ``content`` is ``bytes`` (a
regular file, mode 100644), :class:`Executable` (100755), :class:`Symlink` (120000, the blob is
the link target) or :class:`Submodule` (160000, a gitlink to a commit of another repository).
"""

from __future__ import annotations

import difflib
import hashlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime

EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"


@dataclass(frozen=True)
class Symlink:
    """A symbolic link (mode 120000) pointing at ``target``."""

    target: str


@dataclass(frozen=True)
class Submodule:
    """A submodule (gitlink, mode 160000) at commit ``sha`` of the repository at ``url``."""

    sha: str
    url: str = "https://github.com/example/submodule.git"


@dataclass(frozen=True)
class Executable:
    """A regular file with the executable bit (mode 100755)."""

    data: bytes


FileContent = bytes | str | Symlink | Submodule | Executable


@dataclass(frozen=True)
class Entry:
    """One entry of a tree object, as the git trees API reports it."""

    mode: str  # "100644", "100755", "120000", "160000" or "040000"
    type: str  # "blob", "tree" or "commit"
    sha: str


@dataclass(frozen=True)
class Commit:
    sha: str
    tree: str
    parents: tuple[str, ...]
    message: str
    author: str
    date: datetime


@dataclass
class ObjectStore:
    """Content-addressed storage shared by every repository of the fake (one fork network)."""

    blobs: dict[str, bytes] = field(default_factory=dict)
    trees: dict[str, dict[str, Entry]] = field(default_factory=dict)
    commits: dict[str, Commit] = field(default_factory=dict)
    submodule_urls: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.trees.setdefault(EMPTY_TREE, {})

    # -- writing -----------------------------------------------------------------------------

    def put_blob(self, data: bytes) -> str:
        sha = _hash(b"blob", data)
        self.blobs[sha] = data
        return sha

    def put_tree(self, entries: Mapping[str, Entry]) -> str:
        body = b"".join(
            f"{entry.mode.lstrip('0')} {name}".encode() + b"\0" + bytes.fromhex(entry.sha)
            for name, entry in sorted(entries.items(), key=lambda item: _git_sort_key(*item))
        )
        sha = _hash(b"tree", body)
        self.trees[sha] = dict(entries)
        return sha

    def put_snapshot(self, files: Mapping[str, FileContent]) -> str:
        """Store a full snapshot ``{path: content}`` and return its root tree's sha."""
        root: dict[str, object] = {}
        for path, content in files.items():
            parts = _split_path(path)
            node = root
            for part in parts[:-1]:
                child = node.setdefault(part, {})
                if not isinstance(child, dict):
                    raise ValueError(f"{path!r}: {part!r} is both a file and a directory")
                node = child
            if parts[-1] in node:
                raise ValueError(f"{path!r}: is both a file and a directory")
            node[parts[-1]] = content
        return self._put_node(root)

    def _put_node(self, node: Mapping[str, object]) -> str:
        entries: dict[str, Entry] = {}
        for name, value in node.items():
            if isinstance(value, dict):
                entries[name] = Entry("040000", "tree", self._put_node(value))
            elif isinstance(value, Symlink):
                entries[name] = Entry("120000", "blob", self.put_blob(value.target.encode()))
            elif isinstance(value, Submodule):
                if len(value.sha) != 40:
                    raise ValueError(f"submodule {name!r}: sha must be 40 hex digits")
                self.submodule_urls[value.sha] = value.url
                entries[name] = Entry("160000", "commit", value.sha.lower())
            elif isinstance(value, Executable):
                entries[name] = Entry("100755", "blob", self.put_blob(value.data))
            elif isinstance(value, str):
                entries[name] = Entry("100644", "blob", self.put_blob(value.encode()))
            elif isinstance(value, bytes | bytearray):
                entries[name] = Entry("100644", "blob", self.put_blob(bytes(value)))
            else:
                raise TypeError(f"{name!r}: unsupported content {type(value).__name__}")
        return self.put_tree(entries)

    def put_commit(
        self, tree: str, parents: tuple[str, ...], message: str, author: str, date: datetime
    ) -> str:
        for parent in parents:
            if parent not in self.commits:
                raise KeyError(f"unknown parent commit {parent}")
        stamp = f"{author} <{author}@users.noreply.github.com> {int(date.timestamp())} +0000"
        text = f"tree {tree}\n"
        text += "".join(f"parent {parent}\n" for parent in parents)
        text += f"author {stamp}\ncommitter {stamp}\n\n{message}\n"
        sha = _hash(b"commit", text.encode())
        self.commits[sha] = Commit(sha, tree, parents, message, author, date)
        return sha

    # -- reading -----------------------------------------------------------------------------

    def walk(self, tree: str, prefix: str = "") -> Iterator[tuple[str, Entry]]:
        """Every entry below ``tree``, depth first in git's order, directories before contents."""
        entries = self.trees[tree]
        for name, entry in sorted(entries.items(), key=lambda item: _git_sort_key(*item)):
            path = f"{prefix}{name}"
            yield path, entry
            if entry.type == "tree":
                yield from self.walk(entry.sha, f"{path}/")

    def flatten(self, tree: str) -> dict[str, Entry]:
        """``{path: entry}`` for every non-tree entry below ``tree``."""
        return {path: entry for path, entry in self.walk(tree) if entry.type != "tree"}

    def snapshot(self, tree: str) -> dict[str, FileContent]:
        """``{path: content}`` below ``tree``: the inverse of ``put_snapshot``."""
        files: dict[str, FileContent] = {}
        for path, entry in self.flatten(tree).items():
            if entry.mode == "160000":
                files[path] = Submodule(
                    entry.sha, self.submodule_urls.get(entry.sha, Submodule.url)
                )
            elif entry.mode == "120000":
                files[path] = Symlink(self.blobs[entry.sha].decode())
            elif entry.mode == "100755":
                files[path] = Executable(self.blobs[entry.sha])
            else:
                files[path] = self.blobs[entry.sha]
        return files

    def lookup(self, tree: str, path: str) -> Entry | None:
        """The entry at ``path`` below ``tree`` (``""`` is the tree itself), or None."""
        entry = Entry("040000", "tree", tree)
        for part in [p for p in path.split("/") if p]:
            if entry.type != "tree":
                return None
            found = self.trees[entry.sha].get(part)
            if found is None:
                return None
            entry = found
        return entry

    def content(self, entry: Entry) -> bytes:
        """The bytes GitHub diffs for an entry (a gitlink diffs as 'Subproject commit ...')."""
        if entry.type == "commit":
            return f"Subproject commit {entry.sha}\n".encode()
        return self.blobs[entry.sha]

    def ancestors(self, sha: str) -> list[str]:
        """``sha`` and its ancestors, nearest first (breadth first)."""
        seen: dict[str, None] = {}
        queue = [sha]
        while queue:
            current = queue.pop(0)
            if current in seen or current not in self.commits:
                continue
            seen[current] = None
            queue.extend(self.commits[current].parents)
        return list(seen)

    def merge_base(self, one: str, other: str) -> str | None:
        """The nearest common ancestor of two commits (None when the histories are unrelated)."""
        theirs = set(self.ancestors(other))
        return next((sha for sha in self.ancestors(one) if sha in theirs), None)


@dataclass(frozen=True)
class Change:
    """One entry of ``GET /pulls/{n}/files``."""

    filename: str
    status: str  # added, removed, modified, renamed, changed
    sha: str
    additions: int
    deletions: int
    patch: str | None
    previous_filename: str | None = None


def diff_trees(store: ObjectStore, old_tree: str, new_tree: str) -> list[Change]:
    """The files changed from ``old_tree`` to ``new_tree``, as GitHub's PR files API lists them.

    Renames are detected for identical content only (a removed and an added path with the same
    blob). A mode-only change (e.g. 100644 -> 100755) is reported as ``changed``.
    """
    old, new = store.flatten(old_tree), store.flatten(new_tree)
    removed = {path: entry for path, entry in old.items() if path not in new}
    added = {path: entry for path, entry in new.items() if path not in old}
    renames: dict[str, str] = {}
    by_sha: dict[tuple[str, str], list[str]] = {}
    for path, entry in sorted(removed.items()):
        by_sha.setdefault((entry.mode, entry.sha), []).append(path)
    for path, entry in sorted(added.items()):
        candidates = by_sha.get((entry.mode, entry.sha))
        if candidates:
            renames[path] = candidates.pop(0)
    renamed_from = set(renames.values())

    changes: list[Change] = []
    for path in sorted(set(old) | set(new)):
        before, after = old.get(path), new.get(path)
        if before is not None and after is not None:
            if before == after:
                continue
            if before.sha == after.sha:
                changes.append(Change(path, "changed", after.sha, 0, 0, None))
                continue
            changes.append(_text_change(store, path, "modified", before, after))
        elif after is not None:
            if path in renames:
                changes.append(
                    Change(path, "renamed", after.sha, 0, 0, None, previous_filename=renames[path])
                )
            else:
                changes.append(_text_change(store, path, "added", None, after))
        elif before is not None and path not in renamed_from:
            changes.append(_text_change(store, path, "removed", before, None))
    return changes


def _text_change(
    store: ObjectStore, path: str, status: str, before: Entry | None, after: Entry | None
) -> Change:
    old = store.content(before) if before else b""
    new = store.content(after) if after else b""
    sha = (after or before).sha  # type: ignore[union-attr]
    try:
        old_lines = old.decode("utf-8").splitlines()
        new_lines = new.decode("utf-8").splitlines()
    except UnicodeDecodeError:
        return Change(path, status, sha, 0, 0, None)  # binary: GitHub gives no patch
    if b"\0" in old or b"\0" in new:
        return Change(path, status, sha, 0, 0, None)
    lines = list(difflib.unified_diff(old_lines, new_lines, n=3, lineterm=""))[2:]
    additions = sum(1 for line in lines if line.startswith("+"))
    deletions = sum(1 for line in lines if line.startswith("-"))
    return Change(path, status, sha, additions, deletions, "\n".join(lines) if lines else None)


def _hash(kind: bytes, body: bytes) -> str:
    return hashlib.sha1(kind + b" " + str(len(body)).encode() + b"\0" + body).hexdigest()


def _git_sort_key(name: str, entry: Entry) -> bytes:
    # git sorts tree entries bytewise, comparing a subtree's name as if it ended with "/"
    return (name + "/" if entry.type == "tree" else name).encode()


def _split_path(path: str) -> list[str]:
    parts = path.split("/")
    if not path or any(part in ("", ".", "..", ".git") for part in parts):
        raise ValueError(f"invalid path {path!r}")
    return parts
