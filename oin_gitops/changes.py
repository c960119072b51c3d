"""What a change (a pull request, or local work) touched since a git ref.

``changed_since(repo, ref)`` asks git for the files changed between the merge base of ``ref``
and the work tree (committed, staged, modified, and untracked files), so the same command works
in CI on a pull request and locally before pushing.

git prints file names as the bytes they are; they are decoded with ``os.fsdecode`` (UTF-8 with
surrogate escapes), as ``DiskSource`` lists them, so a name that is not UTF-8 still matches the
file on disk and is reported, never a crash.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath

from oin_gitops.config import Config
from oin_gitops.sources import Kind, Source, SourceError, finish_git, join, run_git, start_git
from oin_gitops.submission import SUBMISSION_FILE, SUBMISSIONS


@dataclass(frozen=True)
class Changed:
    """One changed file: ``status`` is git's letter (A, M, D, R, C, T); renames keep the old path."""

    status: str
    path: str
    old_path: str | None = None


@dataclass(frozen=True)
class ChangeSet:
    """The files a change touched, and who made it (a GitHub login, when known)."""

    files: tuple[Changed, ...]
    author: str | None = None

    def paths(self) -> list[str]:
        """Every path the change touched, old paths of renames included, sorted."""
        touched = {f.path for f in self.files} | {f.old_path for f in self.files if f.old_path}
        return sorted(touched)

    def slugs(self) -> list[str]:
        """Submission folders the change touched, sorted."""
        return sorted({slug for path in self.paths() if (slug := slug_of(path))})

    def outside(self) -> list[str]:
        """Paths the change touched outside ``submissions/<slug>/``."""
        return [path for path in self.paths() if slug_of(path) is None]


@dataclass(frozen=True)
class ChangeContext:
    """What change rules see: the change, the configuration, the folders that exist now, the
    tree that is linted (``head``) and the tree the change is compared with (``base``: the merge
    base for ``lint --changed-since``, the base branch for the review bot; None when unknown).

    ``published_at(slug)`` is when the folder was first published on the base (None when
    unknown; without it, rules about the age of a publication do not run); ``now`` is the one
    clock change rules read, injectable for tests."""

    change: ChangeSet
    config: Config
    existing: frozenset[str]
    head: Source
    base: Source | None = None
    published_at: Callable[[str], datetime | None] | None = None
    now: datetime = field(default_factory=lambda: datetime.now(UTC))

    @property
    def removed(self) -> list[str]:
        return [slug for slug in self.change.slugs() if slug not in self.existing]

    @property
    def updated(self) -> list[str]:
        """Touched folders that exist in both the base and the head: updates of a submission."""
        if self.base is None:
            return []
        base = self.base
        return [
            slug
            for slug in self.change.slugs()
            if slug in self.existing and base.kind(join(SUBMISSIONS, slug)) is Kind.DIR
        ]

    @property
    def by_maintainer(self) -> bool:
        author = (self.change.author or "").casefold()
        return bool(author) and author in {m.casefold() for m in self.config.maintainers}


def slug_of(path: str) -> str | None:
    parts = PurePosixPath(path).parts
    return parts[1] if len(parts) >= 3 and parts[0] == SUBMISSIONS else None


def _git(repo: Path, *args: str) -> str:
    """git's output, its file names decoded as the file system decodes them."""
    return os.fsdecode(run_git(repo, *args))


def parse_name_status(output: str) -> list[Changed]:
    """Parse ``git diff --name-status -z`` output (renames and copies carry two paths)."""
    fields = output.split("\0")
    changed: list[Changed] = []
    index = 0
    while index < len(fields) and fields[index]:
        status = fields[index][0]
        if status in "RC":
            changed.append(Changed(status, fields[index + 2], fields[index + 1]))
            index += 3
        else:
            changed.append(Changed(status, fields[index + 1]))
            index += 2
    return changed


def merge_base(repo: Path, ref: str) -> str:
    """The commit ``lint --changed-since ref`` compares with: the merge base of ``ref`` and HEAD."""
    if ref.startswith("-"):
        raise SourceError(f"'{ref}' is not a git revision")
    return _git(repo, "merge-base", ref, "HEAD").strip()


def changed_since(
    repo: Path, ref: str, author: str | None = None, worktree: bool = True
) -> ChangeSet:
    """The change from the merge base of ``ref`` and HEAD to the work tree.

    With ``worktree`` False the work tree is known to be HEAD's checkout (a CI job's fresh
    checkout): only the commits since the merge base are compared (``git diff-tree``, which
    opens only the trees that differ), without the index refresh and the walk for untracked
    files that look at every file of the checkout.
    """
    if ref.startswith("-"):
        raise SourceError(f"'{ref}' is not a git revision")
    try:
        _git(repo, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
    except SourceError:
        raise SourceError(
            f"'{ref}' is not a commit of this repository; fetch it first "
            "(in GitHub Actions, check out with fetch-depth: 0)"
        ) from None
    if not worktree:
        base = merge_base(repo, ref)
        diff = _git(repo, "diff-tree", "-r", "-z", "--name-status", "-M", base, "HEAD", "--")
        return ChangeSet(tuple(parse_name_status(diff)), author)
    # Both look at every file of the work tree: they run at once, on two cores where there are.
    diff = start_git(repo, "diff", "--name-status", "-z", "-M", "--merge-base", ref, "--")
    untracked = start_git(repo, "ls-files", "-z", "--others", "--exclude-standard")
    try:
        files = parse_name_status(os.fsdecode(finish_git(diff, "diff")))
    finally:
        listed = os.fsdecode(finish_git(untracked, "ls-files"))
    files += [Changed("A", path) for path in listed.split("\0") if path]
    return ChangeSet(tuple(files), author)


def first_added(repo: Path, commit: str, slug: str) -> datetime | None:
    """The committer date of the oldest commit in ``commit``'s history that added
    ``submissions/<slug>/submission.yaml`` (one git call), or None when none did."""
    path = join(SUBMISSIONS, slug, SUBMISSION_FILE)
    output = _git(repo, "log", "--diff-filter=A", "--format=%cI", commit, "--", path)
    dates = output.split()
    return datetime.fromisoformat(dates[-1]) if dates else None


def published_in(repo: Path, commit: str) -> Callable[[str], datetime | None]:
    """``ChangeContext.published_at`` from git: when each folder was first added on ``commit``'s
    history; asked only for the folders a rule needs (one git call each, remembered)."""
    known: dict[str, datetime | None] = {}

    def published_at(slug: str) -> datetime | None:
        if slug not in known:
            known[slug] = first_added(repo, commit, slug)
        return known[slug]

    return published_at
