"""Where files come from: a folder on disk, a git revision, or files held in memory.

Every path is repository-relative and POSIX (``submissions/acme/submission.yaml``). A source
reports what kind of thing a path is before anything reads it, so symlinks, FIFOs and devices
are never opened.
"""

from __future__ import annotations

import enum
import os
import stat
import subprocess
import weakref
from collections.abc import Iterable, Mapping
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from oin_gitops.names import NameIndex


class Kind(enum.Enum):
    FILE = "file"
    DIR = "directory"
    SYMLINK = "symbolic link"
    OTHER = "special file"
    MISSING = "missing"


class SourceError(Exception):
    """A source could not be read at all (a bad git revision, an unreadable folder)."""


class Source(Protocol):
    def kind(self, path: str) -> Kind: ...

    def listdir(self, path: str) -> list[str]: ...

    def entries(self, path: str) -> dict[str, Kind]:
        """The names in a folder and what each is, in name order (empty when it is not a
        folder): ``listdir`` and ``kind`` in one call."""
        ...

    def size(self, path: str) -> int: ...

    def read(self, path: str) -> bytes: ...


def join(*parts: str) -> str:
    """The parts as one relative POSIX path, normalised as ``PurePosixPath`` normalises."""
    kept = [part for part in parts if part]
    joined = "/".join(kept)
    if joined.startswith("/") or "//" in joined or "/./" in f"/{joined}/" or "/" in joined[-1:]:
        return str(PurePosixPath(*kept))  # an absolute part, "." or doubled slashes: normalise
    return joined  # already normal: the common case, without building a path object


def start_git(repo: Path, *args: str) -> subprocess.Popen[bytes]:
    """A git command running in ``repo``; ``finish_git`` waits for its output."""
    try:
        return subprocess.Popen(
            ["git", "-C", str(repo), *args],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
    except OSError as exc:
        raise SourceError("git is not installed or cannot be run") from exc


def finish_git(process: subprocess.Popen[bytes], what: str) -> bytes:
    """The output of a git command, or ``SourceError`` naming it (``what``) and git's reason."""
    output, errors = process.communicate()
    if process.returncode != 0:
        raise SourceError(f"git {what} failed: {errors.decode(errors='replace').strip()}")
    return output


def run_git(repo: Path, *args: str) -> bytes:
    return finish_git(start_git(repo, *args), args[0])


class DiskSource:
    """Files in a folder on disk, read without following symlinks.

    ``names``, when given, is what git already knows of the folders' app names (see
    ``oin_gitops.names``): the repository rules read the folders it does not vouch for only.
    """

    def __init__(self, root: Path, names: NameIndex | None = None) -> None:
        self.root = root
        self.names = names

    def __getstate__(self) -> dict[str, Any]:
        # Pool workers lint folders; the repository rules, which ask the index, run here.
        return {"root": self.root, "names": None}

    def _path(self, path: str) -> str:
        # Plain strings: a path object per file system call costs more than the call.
        return os.path.join(self.root, path) if path else os.fspath(self.root)

    def kind(self, path: str) -> Kind:
        try:
            mode = os.lstat(self._path(path)).st_mode
        except (FileNotFoundError, NotADirectoryError):
            return Kind.MISSING
        if stat.S_ISLNK(mode):
            return Kind.SYMLINK
        if stat.S_ISDIR(mode):
            return Kind.DIR
        return Kind.FILE if stat.S_ISREG(mode) else Kind.OTHER

    def listdir(self, path: str) -> list[str]:
        try:
            return sorted(os.listdir(self._path(path)))
        except OSError as exc:
            raise SourceError(f"cannot list {path or '.'}: {exc.strerror}") from exc

    def entries(self, path: str) -> dict[str, Kind]:
        """One ``scandir``: the kinds come with the listing (no ``lstat`` per entry where the
        file system reports them), which matters for a ``submissions/`` of 10,000 folders."""
        try:
            with os.scandir(self._path(path)) as listing:
                folders, others = [], {}
                for entry in listing:
                    if entry.is_dir(follow_symlinks=False):
                        folders.append(entry.name)
                    else:
                        others[entry.name] = _kind_of(entry)
        except OSError as exc:
            raise SourceError(f"cannot list {path or '.'}: {exc.strerror}") from exc
        kinds = dict.fromkeys(folders, Kind.DIR) | others
        return {name: kinds[name] for name in sorted(kinds)}

    def size(self, path: str) -> int:
        return os.lstat(self._path(path)).st_size

    def read(self, path: str) -> bytes:
        # O_NOFOLLOW and O_NONBLOCK: a file swapped for a symlink or FIFO after kind() was
        # asked is refused or returns at once instead of blocking the run.
        flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
        fd = os.open(self._path(path), flags)
        try:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode):
                raise OSError(f"{path} is not a regular file")
            # Plain reads until the end (the file may have grown since): a file object per
            # read costs as much as the read.
            chunks = [os.read(fd, info.st_size + 1)]
            while chunks[-1]:
                chunks.append(os.read(fd, max(info.st_size, 1 << 16)))
            return b"".join(chunks)
        finally:
            os.close(fd)


def _kind_of(entry: os.DirEntry[str]) -> Kind:
    """What ``DiskSource.kind`` says of a listed entry, from the listing's file type."""
    if entry.is_symlink():
        return Kind.SYMLINK
    if entry.is_dir(follow_symlinks=False):
        return Kind.DIR
    return Kind.FILE if entry.is_file(follow_symlinks=False) else Kind.OTHER


class IndexedSource:
    """A source whose whole file list is known up front: files map to their kinds."""

    def __init__(self, kinds: Mapping[str, Kind]) -> None:
        self._index(kinds)

    def _index(self, kinds: Mapping[str, Kind]) -> None:
        self._kinds = dict(kinds)
        self._children: dict[str, set[str]] = {"": set()}
        for path in self._kinds:
            parts = PurePosixPath(path).parts
            for depth in range(len(parts)):
                parent = join(*parts[:depth])
                self._children.setdefault(parent, set()).add(parts[depth])

    def kind(self, path: str) -> Kind:
        if path in self._kinds:
            return self._kinds[path]
        return Kind.DIR if path in self._children else Kind.MISSING

    def listdir(self, path: str) -> list[str]:
        return sorted(self._children.get(path, ()))

    def entries(self, path: str) -> dict[str, Kind]:
        return {name: self.kind(join(path, name)) for name in self.listdir(path)}

    def files(self) -> dict[str, Kind]:
        """Every file the source holds (path → kind); folders are implied by the paths."""
        return dict(self._kinds)


class OverlaySource(IndexedSource):
    """``base`` with a change applied file by file: each ``changed`` path is taken from
    ``head`` where it exists there and is gone where it does not; every other path is the
    base's. This is the tree a merge of the change into ``base`` gives (the review bot lints
    it, as ``lint --changed-since`` lints the work tree of the merge)."""

    def __init__(self, base: IndexedSource, head: IndexedSource, changed: Iterable[str]) -> None:
        changed = set(changed)
        kinds = {path: kind for path, kind in base.files().items() if path not in changed}
        head_files = head.files()
        self._from_head = {path for path in changed if path in head_files}
        kinds.update({path: head_files[path] for path in self._from_head})
        super().__init__(kinds)
        self._base, self._head = base, head

    def _side(self, path: str) -> Source:
        return self._head if path in self._from_head else self._base  # type: ignore[return-value]

    def size(self, path: str) -> int:
        return self._side(path).size(path)

    def read(self, path: str) -> bytes:
        return self._side(path).read(path)


class MemorySource(IndexedSource):
    """Files held in memory, e.g. fetched from the GitHub API. A ``Kind`` value stands in for
    a symlink or special file that has no contents to read."""

    def __init__(self, files: Mapping[str, bytes | Kind]) -> None:
        super().__init__({p: v if isinstance(v, Kind) else Kind.FILE for p, v in files.items()})
        self._data = {p: v for p, v in files.items() if isinstance(v, bytes)}

    def size(self, path: str) -> int:
        return len(self._data[path])

    def read(self, path: str) -> bytes:
        return self._data[path]


_GIT_KINDS = {"100644": Kind.FILE, "100755": Kind.FILE, "120000": Kind.SYMLINK, "040000": Kind.DIR}


class GitSource(IndexedSource):
    """The tree of one git revision, read with ``git`` without touching the work tree.

    Folders are listed as they are first asked for (one ``git ls-tree`` each), so reading a
    few folders of a tree of 10,000 costs what those folders cost; ``files()`` lists the whole
    tree at once (one ``git ls-tree -r``) and every answer comes from that listing after it.
    """

    def __init__(self, repo: Path, revision: str) -> None:
        super().__init__({})
        self.repo = repo
        self.revision = revision
        # folder → name → (kind, blob sha, size), for the folders listed so far
        self._folders: dict[str, dict[str, tuple[Kind, str, int]]] = {}
        self._single: dict[str, tuple[Kind, str, int] | None] = {}  # paths asked alone
        self._blobs: dict[str, tuple[str, int]] | None = None  # every file, once listed
        self._cat: _CatFile | None = None

    def _git(self, *args: str) -> bytes:
        return run_git(self.repo, *args)

    def kind(self, path: str) -> Kind:
        if self._blobs is not None:
            return super().kind(path)
        entry = self._entry(path) if path else (Kind.DIR, "", 0)
        return Kind.MISSING if entry is None else entry[0]

    def listdir(self, path: str) -> list[str]:
        return super().listdir(path) if self._blobs is not None else sorted(self._folder(path))

    def entries(self, path: str) -> dict[str, Kind]:
        if self._blobs is not None:
            return super().entries(path)
        return {name: entry[0] for name, entry in sorted(self._folder(path).items())}

    def files(self) -> dict[str, Kind]:
        if self._blobs is None:
            self._list_all()
        return super().files()

    def size(self, path: str) -> int:
        return self._blob(path)[1]

    def read(self, path: str) -> bytes:
        if self._cat is None:
            self._cat = _CatFile(self.repo)
        return self._cat.read(self._blob(path)[0])

    def _blob(self, path: str) -> tuple[str, int]:
        if self._blobs is not None:
            return self._blobs[path]
        entry = self._entry(path)
        if entry is None:
            raise KeyError(path)
        return entry[1], entry[2]

    def _entry(self, path: str) -> tuple[Kind, str, int] | None:
        """One path's entry: from its folder's listing when there is one, else asked alone (a
        folder of 10,000 is not listed to learn whether one of them is there)."""
        folder, _, name = path.rpartition("/")
        if folder in self._folders:
            return self._folders[folder].get(name)
        if path not in self._single:
            output = self._git(
                "--literal-pathspecs",
                "ls-tree",
                "-l",
                "-z",
                "--full-tree",
                self.revision,
                "--",
                path,
            )
            self._single[path] = dict(_ls_tree(output)).get(path)
        return self._single[path]

    def _folder(self, folder: str) -> dict[str, tuple[Kind, str, int]]:
        """The entries of ``folder`` (none when it is not a folder of the tree), listed once."""
        if folder not in self._folders:
            listed = {}
            if self.kind(folder) is Kind.DIR:
                output = self._git("ls-tree", "-l", "-z", f"{self.revision}:{folder}")
                listed = dict(_ls_tree(output))
            self._folders[folder] = listed
        return self._folders[folder]

    def _list_all(self) -> None:
        listing = self._git("ls-tree", "-r", "-l", "-z", "--full-tree", self.revision)
        kinds: dict[str, Kind] = {}
        self._blobs = {}
        for path, (kind, sha, size) in _ls_tree(listing):
            kinds[path] = kind
            self._blobs[path] = (sha, size)
        self._index(kinds)


def _ls_tree(output: bytes) -> Iterable[tuple[str, tuple[Kind, str, int]]]:
    """(path, (kind, sha, size)) of each record of ``git ls-tree -l -z``, the path decoded as
    the file system decodes names. A submodule (mode 160000) is a special file."""
    for record in output.split(b"\0"):
        if not record:
            continue
        meta, _, name = record.partition(b"\t")
        mode, _type, sha, size = meta.decode().split()
        kind = _GIT_KINDS.get(mode, Kind.OTHER)
        yield os.fsdecode(name), (kind, sha, int(size) if size != "-" else 0)


class _CatFile:
    """One ``git cat-file --batch`` process answering every read of a source: a process per
    blob costs milliseconds, and the review bot reads one ``submission.yaml`` per folder."""

    def __init__(self, repo: Path) -> None:
        try:
            self._process = subprocess.Popen(
                ["git", "-C", str(repo), "cat-file", "--batch"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
            )
        except FileNotFoundError as exc:
            raise SourceError("git is not installed") from exc
        weakref.finalize(self, _stop, self._process)

    def read(self, sha: str) -> bytes:
        stdin, stdout = self._process.stdin, self._process.stdout
        assert stdin is not None and stdout is not None
        stdin.write(sha.encode("ascii") + b"\n")
        stdin.flush()
        header = stdout.readline().split()
        if len(header) != 3 or header[1] != b"blob":
            raise OSError(f"git cannot read the blob {sha}")
        data = stdout.read(int(header[2]))
        stdout.read(1)  # the newline after each object
        return data


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.stdin is not None:
        process.stdin.close()
    process.wait()
