"""Snapshots of the names index: one tree's folders as lines found by key, kept on disk.

A snapshot file is ``<git dir>/oin-gitops/names-<derivation>/<tree id>``: a header line (format,
derivation, tree, checksum of the rest), a line of what is not found by key (the folders, and
those without a name), then one line per name and per slug - its normalised form, its
look-alike key and ``[slug, text]``, separated by tabs - found with ``bytes.find`` without
parsing the others. See ``oin_gitops.names``.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from oin_gitops import __version__, schema_check, submission, yamlio
from oin_gitops.rules import characters
from oin_gitops.rules.characters import lookalike_version
from oin_gitops.submission import Row

FORMAT = "oin-gitops names 2"
# Snapshots kept per derivation: the merge bases and HEADs of the last few runs.
KEEP = 6


@dataclass
class Snapshot:
    """One tree's folders, as rows: slug → (app name, its keys) for the folders with a usable
    name, slug → (slug, its keys) for every folder."""

    names: dict[str, Row] = field(default_factory=dict)
    slugs: dict[str, Row] = field(default_factory=dict)

    def encode(self) -> bytes:
        """A line of what is not found by key (the folders, sorted, and those without a name),
        then the name lines and the slug lines: ``normalised\\tlook-alike\\t[slug, text]``,
        each block starting with a newline so that every line does."""
        names, slugs = _block(self.names), _block(self.slugs)
        meta = {
            "folders": sorted(self.slugs),
            "nameless": sorted(self.slugs.keys() - self.names.keys()),
            "names": len(names),
        }
        return json.dumps(meta).encode() + b"\n" + names + slugs


def _block(rows: dict[str, Row]) -> bytes:
    lines = (
        f"{same}\t{alike}\t{json.dumps([slug, text])}" for slug, (text, same, alike) in rows.items()
    )
    return ("\n" + "\n".join(lines) + "\n").encode()


@dataclass
class Stored:
    """A snapshot as read from its file: its folders, and its lines, found by key."""

    folders: list[str]
    nameless: list[str]
    names: bytes
    slugs: bytes

    @classmethod
    def decode(cls, body: bytes) -> Stored:
        head, _, blocks = body.partition(b"\n")
        meta = json.loads(head)
        split = meta["names"]
        return cls(meta["folders"], meta["nameless"], blocks[:split], blocks[split:])

    def find(self, block: bytes, position: int, key: str) -> Iterator[tuple[str, str]]:
        """(slug, text) of each line whose key at ``position`` (1: normalised form, 2: the
        look-alike key) is ``key``. A key is letters and digits only: no tab, no newline."""
        needle = (b"\n" if position == 1 else b"\t") + key.encode() + b"\t"
        start = block.find(needle)
        while start >= 0:
            begin, end = block.rfind(b"\n", 0, start + 1) + 1, block.index(b"\n", start + 1)
            slug, text = json.loads(block[begin:end].split(b"\t", 2)[2])
            yield slug, text
            start = block.find(needle, end)

    def snapshot(self) -> Snapshot:
        """Every row, for building the snapshot of another tree from this one."""
        return Snapshot(_rows_of(self.names), _rows_of(self.slugs))


def _rows_of(block: bytes) -> dict[str, Row]:
    rows: dict[str, Row] = {}
    for line in block.decode().split("\n"):
        if line:
            same, alike, pair = line.split("\t", 2)
            slug, text = json.loads(pair)
            rows[slug] = (text, same, alike)
    return rows


class Store:
    """Snapshots of one derivation in ``<git dir>/oin-gitops/names-<derivation>/``: one file
    per tree, a header line (format, derivation, tree, checksum of the rest) then the
    snapshot (``Snapshot.encode``)."""

    def __init__(self, git_dir: Path, derivation: str) -> None:
        self.derivation = derivation
        self.root = git_dir / "oin-gitops"
        self.folder = self.root / f"names-{derivation[:16]}"

    def load(self, tree: str) -> Stored | None:
        """The snapshot of ``tree``, or None when there is none or it cannot be trusted."""
        try:
            data = (self.folder / tree).read_bytes()
        except OSError:
            return None
        head, _, body = data.partition(b"\n")
        try:
            if json.loads(head) != self._header(tree, body):
                return None
            stored = Stored.decode(body)
        except (ValueError, TypeError, KeyError):
            return None
        _touch(self.folder / tree)
        return stored

    def newest(self, but: str) -> tuple[str, Stored] | None:
        """The most recently used snapshot of another tree that can be trusted."""
        try:
            files = sorted(self.folder.iterdir(), key=_used, reverse=True)
        except OSError:
            return None
        for file in files:
            if file.name == but or file.name.startswith("."):
                continue  # a snapshot being written is named .<tree>.<pid>
            stored = self.load(file.name)
            if stored is not None:
                return file.name, stored
        return None

    def save(self, tree: str, body: bytes) -> None:
        """Write a snapshot (``Snapshot.encode``) atomically: a reader sees the old file or
        the new one; keep the ``KEEP`` most recently used, and drop the snapshots of other
        derivations. A repository that cannot be written to is simply not cached."""
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            temporary = self.folder / f".{tree}.{os.getpid()}"
            temporary.write_bytes(json.dumps(self._header(tree, body)).encode() + b"\n" + body)
            os.replace(temporary, self.folder / tree)
            self._prune()
        except OSError:
            return

    def _header(self, tree: str, body: bytes) -> dict[str, str]:
        return {
            "format": FORMAT,
            "derivation": self.derivation,
            "tree": tree,
            "sha256": hashlib.sha256(body).hexdigest(),
        }

    def _prune(self) -> None:
        kept = [file for file in self.folder.iterdir() if not file.name.startswith(".")]
        for file in sorted(kept, key=_used, reverse=True)[KEEP:]:
            file.unlink(missing_ok=True)
        for other in self.root.glob("names-*"):
            if other != self.folder:
                for file in other.iterdir():
                    file.unlink(missing_ok=True)
                other.rmdir()


def derivation() -> str:
    """What a snapshot's lines depend on besides its tree: this format, the package version,
    the source of the code that reads names and computes their keys, and the Unicode and
    confusables data. Any change, even an uncommitted edit of that code, names new snapshots."""
    digest = hashlib.sha256(f"{FORMAT}\n{__version__}\n{lookalike_version()}\n".encode())
    yamlio_files = sorted(Path(yamlio.__file__).parent.glob("*.py"))
    here = Path(__file__)
    modules = [here, here.with_name("names.py"), submission.__file__, schema_check.__file__]
    for path in [*modules, characters.__file__]:
        digest.update(Path(path).read_bytes())
    for path in yamlio_files:
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _used(file: Path) -> int:
    return file.stat().st_mtime_ns


def _touch(file: Path) -> None:
    """Mark a snapshot as just used, so pruning keeps it."""
    with contextlib.suppress(OSError):
        os.utime(file)
