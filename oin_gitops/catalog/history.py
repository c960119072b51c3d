"""Dates and versions of each app from git history, and the repository's public address.

Committer dates (``%cs``) make the output reproducible: the same commits give the same dates
on any machine. Without git, outside a repository, or in a shallow clone (where the oldest
commit is not the real first one), every app gets null dates and versions, and ``notice``
says why; that never fails a build.
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

from oin_gitops.catalog.public import History
from oin_gitops.submission import SUBMISSIONS

UNKNOWN = History()
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
# Remote addresses that name a GitHub repository; anything else (credentials included) is
# never shown.
_GITHUB_REMOTE = re.compile(
    r"(?:https://(?:[^@/]+@)?github\.com/|git@github\.com:|ssh://git@github\.com/)"
    r"(?P<owner>[A-Za-z0-9][A-Za-z0-9-]{0,38})/(?P<repo>[A-Za-z0-9._-]{1,100}?)(?:\.git)?/?"
)


class GitHistory:
    """Reads the history of ``submissions/<slug>`` in the repository at ``root``."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.notice: str | None = None
        self._index: dict[str, list[str]] | None = None
        shallow = self._git("rev-parse", "--is-shallow-repository")
        if shallow is None:
            self.notice = (
                f"{root} is not a git repository (or git is not installed): the catalog has "
                "no dates or versions."
            )
        elif shallow.strip() == "true":
            self.notice = (
                "the repository is a shallow clone: the catalog has no dates or versions. "
                "Fetch the whole history (actions/checkout with fetch-depth: 0)."
            )

    @property
    def available(self) -> bool:
        return self.notice is None

    def load(self) -> GitHistory:
        """Read the whole history now: before the build's worker processes start, which then
        share it instead of each running ``git log``."""
        if self.available and self._index is None:
            self._index = self._read_index()
        return self

    def _git(self, *args: str) -> str | None:
        env = {**os.environ, "GIT_LITERAL_PATHSPECS": "1", "GIT_TERMINAL_PROMPT": "0"}
        try:
            done = subprocess.run(
                ["git", "-C", str(self.root), "-c", "log.showSignature=false", *args],
                capture_output=True,
                check=True,
                env=env,
                timeout=120,
            )
        except (OSError, subprocess.CalledProcessError, subprocess.TimeoutExpired):
            return None
        return done.stdout.decode("utf-8", "replace")

    def of(self, slug: str) -> History:
        """First and last commit dates of the folder, and how many commits changed it."""
        if not self.load().available:
            return UNKNOWN
        dates = (self._index or {}).get(slug)
        if not dates:
            return UNKNOWN
        return History(first_published=dates[-1], last_updated=dates[0], versions=len(dates))

    def _read_index(self) -> dict[str, list[str]]:
        """One ``git log`` over submissions/ for every folder at once (newest commit first):
        slug -> the dates of the commits that changed it."""
        out = self._git("log", "--format=%x00%cs", "--name-only", "--", SUBMISSIONS) or ""
        index: dict[str, list[str]] = {}
        for record in out.split("\0")[1:]:
            date, _, names = record.partition("\n")
            if not _DATE.fullmatch(date):
                continue
            slugs = {parts[1] for name in names.splitlines() if len(parts := name.split("/")) > 2}
            for slug in slugs:
                index.setdefault(slug, []).append(date)
        return index

    def repository_url(self) -> str | None:
        """``https://github.com/OWNER/REPO`` when the remote ``origin`` is on GitHub."""
        remote = self._git("config", "--get", "remote.origin.url")
        match = _GITHUB_REMOTE.fullmatch((remote or "").strip())
        if match is None:
            return None
        return f"https://github.com/{match['owner']}/{match['repo']}"
