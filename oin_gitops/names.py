"""The app names and slugs the repository rules compare, at the cost of what changed.

``duplicate-name`` and ``duplicate-slug`` compare the folders being linted with every other
folder of ``submissions/``. Reading 10,000 other ``submission.yaml`` files for one changed
folder would make a pull request's check grow with the catalog, so the other folders' names
come from a *snapshot* of a git tree, and only the folders that may differ from that tree on
disk are read:

- ``lint --changed-since REF`` takes the tree of the merge base: a folder that differs from it
  is in the change, and the change's folders are linted (read) anyway;
- ``lint PATH...`` takes the tree of HEAD, and reads the folders whose ``submission.yaml``
  differs from HEAD in the work tree (``git diff-index``, which looks at those files only) or
  that git does not track.

A snapshot holds, for each folder of one tree of ``submissions/``, its app name and the forms
in which its name and its slug collide (``name_keys``), as lines found by key without parsing
the rest, kept in ``.git/oin-gitops/names-<derivation>/<tree id>`` (``name_snapshots``). A
tree id names the tree's content, so a snapshot never goes stale for its tree; the derivation
names everything else its lines depend on (this format, the code that reads names and keys,
the Unicode data), so a snapshot written by other code is never read; a snapshot whose
checksum does not match is ignored and rebuilt. A missing snapshot is built from the newest
one kept and ``git diff-tree`` (the folders that changed between the two trees) or, cold,
from every folder (one ``git ls-tree``, then each ``submission.yaml`` from disk where git says
it is the tree's, else from git). A folder without a usable name is always read from disk.
Outside git, or when git fails, nothing is cached and every folder is read.
"""

from __future__ import annotations

import functools
import os
import weakref
from collections.abc import Callable, Collection, Iterable, Sequence, Set
from dataclasses import dataclass
from pathlib import Path

from oin_gitops import yamlio
from oin_gitops.name_snapshots import Snapshot, Store, Stored, derivation
from oin_gitops.rules.characters import many_name_keys
from oin_gitops.sources import (
    DiskSource,
    GitSource,
    SourceError,
    finish_git,
    join,
    run_git,
    start_git,
)
from oin_gitops.submission import (
    SUBMISSION_FILE,
    SUBMISSIONS,
    Row,
    app_name_in,
    app_name_of,
    usable,
)

# Past this many folders, one listing of the whole tree costs less than listing each.
LIST_ALL = 256


@dataclass
class Known:
    """What an index vouches for in one run. ``names`` and ``slugs`` find the (slug, text)
    holding a key among the folders on disk, and among those not linted and the same as in
    the tree for names; the caller reads ``unread`` (not linted, no name known) and keys the
    slugs of ``unlisted`` (on disk, not a folder of the tree)."""

    stored: Stored
    unread: list[str]
    unlisted: list[str]
    not_names: Set[str]  # folders whose name lines do not hold
    not_slugs: Set[str]  # folders gone from disk

    def names(self, position: int, key: str) -> list[tuple[str, str]]:
        found = self.stored.find(self.stored.names, position, key)
        return [(slug, text) for slug, text in found if slug not in self.not_names]

    def slugs(self, position: int, key: str) -> list[tuple[str, str]]:
        found = self.stored.find(self.stored.slugs, position, key)
        return [(slug, text) for slug, text in found if slug not in self.not_slugs]


class NameIndex:
    """The folders' app names in a work tree: a snapshot of ``commit``'s ``submissions/``, and
    ``differ()``, the folders that may differ from it on disk (see the module docstring)."""

    def __init__(self, repo: Path, commit: str, differ: Callable[[], Set[str]]) -> None:
        self.repo = repo
        self.commit = commit
        self.differ = differ
        # Where the snapshots are kept, and the tree: asked at once, read when needed.
        # ./ : the path is the work tree's, which may be a folder of a larger repository.
        where = start_git(repo, "rev-parse", "--git-common-dir", f"{commit}:./submissions")
        weakref.finalize(self, where.communicate)
        self._where = functools.cache(
            lambda: finish_git(where, "rev-parse").decode().split("\n")[:2]
        )

    @classmethod
    def at_merge_base(cls, repo: Path, commit: str, changed: Iterable[str]) -> NameIndex | None:
        """For ``lint --changed-since``: the merge base, and the change's folders."""
        slugs = frozenset(changed)
        try:
            return cls(repo, commit, lambda: slugs)
        except SourceError:
            return None

    @classmethod
    def at_head(cls, repo: Path) -> NameIndex | None:
        """For ``lint PATH...``: HEAD, and the folders whose ``submission.yaml`` differs from
        HEAD's in the work tree. git is asked at once and answers while the folders are linted."""
        pattern = join(SUBMISSIONS, "*", SUBMISSION_FILE)
        try:
            process = start_git(
                repo, "diff-index", "--relative", "--name-only", "-z", "HEAD", "--", pattern
            )
            index = cls(
                repo, "HEAD", functools.cache(lambda: _slugs_in(finish_git(process, "diff-index")))
            )
        except SourceError:
            return None
        weakref.finalize(index, process.communicate)  # never left running if nobody asks
        return index

    def known(self, slugs: Sequence[str], linted: Collection[str]) -> Known | None:
        """What the index vouches for among ``slugs`` (the folders on disk, sorted); None when
        git cannot tell (no commit, no ``submissions/`` in it, git failing): read every folder."""
        try:
            stored = self._stored()
            differ = self.differ()
        except (SourceError, OSError, ValueError):
            return None
        if stored.folders == slugs:  # the common case, without two sets of every slug
            gone: Set[str] = set()
            unlisted: list[str] = []
        else:
            gone = set(stored.folders).difference(slugs)
            unlisted = sorted(set(slugs).difference(stored.folders))
        not_names = gone | differ | set(linted)
        unknown = {*unlisted, *stored.nameless, *differ}
        unread = [slug for slug in slugs if slug in unknown and slug not in linted]
        return Known(stored, unread, unlisted, not_names, gone)

    def _stored(self) -> Stored:
        common, tree = self._where()
        store = Store(self.repo / common, derivation())
        stored = store.load(tree)
        if stored is None:
            body = self._build(tree, store).encode()
            store.save(tree, body)
            stored = Stored.decode(body)
        return stored

    def _build(self, tree: str, store: Store) -> Snapshot:
        """The snapshot of ``tree``: from the newest one kept and the folders that changed
        since its tree, else from every folder."""
        previous = store.newest(but=tree)
        if previous is None:
            return self._rows(tree, None, Snapshot())
        old_tree, old = previous
        snapshot = old.snapshot()
        diff = run_git(self.repo, "diff-tree", "-r", "-z", "--name-only", old_tree, tree)
        touched = {path.split("/", 1)[0] for path in os.fsdecode(diff).split("\0") if path}
        for slug in touched:
            snapshot.names.pop(slug, None)
            snapshot.slugs.pop(slug, None)
        return self._rows(tree, touched, snapshot)

    def _rows(self, tree: str, only: set[str] | None, snapshot: Snapshot) -> Snapshot:
        """``snapshot`` with the rows of the folders of ``tree`` (those in ``only``, or all)."""
        tracked = self._tracked(tree, only)
        differ = self.differ()
        in_git = GitSource(self.repo, tree)
        if sum(slug in differ for slug in tracked) > LIST_ALL:
            in_git.files()
        names: dict[str, str] = {}
        for slug, has_file in tracked.items():
            if not has_file:
                continue  # read from disk in every run: git does not know its name
            if slug in differ:
                name = app_name_of(in_git, join(slug, SUBMISSION_FILE))
            else:
                name = self._on_disk(join(SUBMISSIONS, slug, SUBMISSION_FILE))
            if name is not None:
                names[slug] = name
        snapshot.slugs.update(zip(tracked, _rows(list(tracked)), strict=True))
        snapshot.names.update(zip(names, _rows(list(names.values())), strict=True))
        return snapshot

    def _on_disk(self, path: str) -> str | None:
        """``app_name_of`` a file git says is a regular file: read at once (``read`` refuses
        anything else), without the two ``lstat`` calls ``read_file`` makes first."""
        try:
            data = DiskSource(self.repo).read(path)
        except OSError:
            return None
        return usable(app_name_in(data, path)) if len(data) <= yamlio.MAX_BYTES else None

    def _tracked(self, tree: str, only: set[str] | None) -> dict[str, bool]:
        """The folders of ``tree`` (those in ``only``, or all): whether each holds a
        ``submission.yaml`` that is a regular file."""
        if only is not None and not only:
            return {}
        paths = [] if only is None or len(only) > LIST_ALL else ["--", *sorted(only)]
        output = run_git(self.repo, "--literal-pathspecs", "ls-tree", "-r", "-z", tree, *paths)
        tracked: dict[str, bool] = {}
        for record in output.split(b"\0"):
            meta, _, path = record.partition(b"\t")
            slug, slash, rest = os.fsdecode(path).partition("/")
            if not slash or (only is not None and slug not in only):
                continue  # not in a folder: a file in submissions/ is no submission
            regular = rest == SUBMISSION_FILE and meta[:6] in (b"100644", b"100755")
            tracked[slug] = tracked.get(slug, False) or regular
        return tracked


def _rows(texts: list[str]) -> list[Row]:
    """(text, normalised form, look-alike key) of each text."""
    return [(text, *keys) for text, keys in zip(texts, many_name_keys(texts), strict=True)]


def _slugs_in(output: bytes) -> set[str]:
    """The folders of the ``submissions/<slug>/...`` paths git listed."""
    paths = os.fsdecode(output).split("\0")
    return {path.split("/")[1] for path in paths if path.count("/") >= 2}
