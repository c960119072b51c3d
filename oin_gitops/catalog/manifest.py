"""The build manifest: what each app's files were made from, so that the next build reuses them.

``build-manifest.json`` is written with the catalog: a digest of the build's settings (this
package's code, templates and schemas, the catalog's title and base URL) and, per app, its
input key (``input_key``) and the sha256 of each of its files. A build into a folder holding a
manifest with the same settings copies the files of every app whose key is unchanged, after
checking their hashes, instead of making them again; so its output is byte-identical to a full
build's. Anything unexpected in the previous folder means that app is simply made again.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import oin_gitops
from oin_gitops import schemas
from oin_gitops.catalog.public import History
from oin_gitops.sources import DiskSource, Kind
from oin_gitops.submission import Submission

NAME = "build-manifest.json"
VERSION = 1
_SHA256 = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True)
class Entry:
    """What the manifest records of one app: its input key and the sha256 of each of its
    files, by path."""

    key: str
    files: dict[str, str]


@dataclass(frozen=True)
class Made:
    """One app's part of the catalog, as it travels back from the process that made it: its
    summary (for index.json and the pages listing every app), its manifest entry, and whether
    its files were copied from the previous build."""

    summary: dict[str, Any]
    entry: Entry
    reused: bool = False


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def code_folders() -> tuple[Path, Path]:
    """The folders of this package's code and templates, and of its schemas."""
    return Path(oin_gitops.__file__).parent, schemas.schema_dir()


def settings_digest(title: str, base_url: str, folders: Sequence[Path] | None = None) -> str:
    """sha256 of what every app's files are made with besides its folder and its history:
    every file of ``folders`` (default: ``code_folders()``), the title and the base URL."""
    digest = hashlib.sha256(json.dumps([VERSION, oin_gitops.__version__, title, base_url]).encode())
    for index, folder in enumerate(code_folders() if folders is None else folders):
        for path in sorted(folder.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                name = path.relative_to(folder).as_posix()
                digest.update(f"{index}/{name}\0{sha256(path.read_bytes())}\n".encode())
    return digest.hexdigest()


def input_key(
    settings: str, submission: Submission, history: History, contents: Mapping[str, bytes]
) -> str:
    """sha256 of everything an app's files are made from: the build's settings, the slug, its
    history, and every entry of its folder with the bytes of each file read (``contents``)."""
    dates = [history.first_published, history.last_updated, history.versions]
    digest = hashlib.sha256(json.dumps([settings, submission.slug, dates]).encode())
    for name, kind in sorted(submission.entries.items()):
        data = sha256(contents[name]) if name in contents else "-"
        # No file name holds a NUL: the fields cannot run into each other.
        digest.update(f"{name}\0{kind.value}\0{data}\n".encode("utf-8", "surrogateescape"))
    return digest.hexdigest()


def write(out: Path, settings: str, entries: Mapping[str, Entry]) -> None:
    apps = {slug: {"key": e.key, "files": e.files} for slug, e in sorted(entries.items())}
    manifest = {"manifest_version": VERSION, "settings": settings, "apps": apps}
    text = json.dumps(manifest, ensure_ascii=False, sort_keys=True) + "\n"
    (out / NAME).write_bytes(text.encode("utf-8"))


@dataclass(frozen=True)
class Previous:
    """A previous build's folder and the entries of its manifest."""

    folder: Path
    entries: dict[str, Entry]

    def files(self, slug: str, key: str) -> tuple[dict[str, Any], Entry, dict[str, bytes]] | None:
        """The app's record, entry and files in the previous build, when its input key is
        unchanged and every file still has its recorded hash; else None."""
        entry = self.entries.get(slug)
        if entry is None or entry.key != key or sorted(entry.files) != _names(slug, entry.files):
            return None
        found = self._read(entry.files)
        try:
            record = json.loads(found[f"apps/{slug}.json"])["app"] if found else None
        except (ValueError, LookupError, TypeError):
            return None
        return (record, entry, found) if isinstance(record, dict) else None

    def _read(self, files: Mapping[str, str]) -> dict[str, bytes]:
        """The bytes of each of ``files`` when all are regular files with their recorded
        hashes; else nothing."""
        source = DiskSource(self.folder)
        found: dict[str, bytes] = {}
        for name, digest in files.items():
            if source.kind(name) is not Kind.FILE:
                return {}
            try:
                found[name] = source.read(name)
            except OSError:
                return {}
            if sha256(found[name]) != digest:
                return {}
        return found


def _names(slug: str, files: Mapping[str, str]) -> list[str]:
    """The paths an app's files must have, sorted (the logo's as recorded, when well-formed)."""
    logos = [
        n for n in files if re.fullmatch(rf"logos/{re.escape(slug)}-[0-9a-f]{{12}}\.[a-z]+", n)
    ]
    return sorted([f"apps/{slug}.html", f"apps/{slug}.json", *logos[:1]])


def read(folder: Path, settings: str) -> Previous | None:
    """The previous build in ``folder``, when it holds a manifest made with ``settings``."""
    try:
        manifest = json.loads((folder / NAME).read_bytes())
    except (OSError, ValueError):
        return None
    if not isinstance(manifest, dict) or manifest.get("manifest_version") != VERSION:
        return None
    if manifest.get("settings") != settings or not isinstance(manifest.get("apps"), dict):
        return None
    entries = {}
    for slug, value in manifest["apps"].items():
        entry = _entry(value)
        if entry is not None:
            entries[slug] = entry
    return Previous(folder, entries)


def _entry(value: Any) -> Entry | None:
    if not isinstance(value, dict) or not isinstance(value.get("files"), dict):
        return None
    key, files = value.get("key"), value["files"]
    if not isinstance(key, str) or not _SHA256.fullmatch(key):
        return None
    if not all(isinstance(d, str) and _SHA256.fullmatch(d) for d in files.values()):
        return None
    return Entry(key, {str(name): digest for name, digest in files.items()})
