"""Read one pull request's facts fresh from GitHub, and lint its head in memory.

Nothing of the pull request is checked out or run: its files are read through the API as data
(symlinks and submodules are never fetched, sizes are capped) and linted with the same engine
as the check workflow. The configuration always comes from the base branch, never from the
pull request, so a submission cannot switch its own rules off.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from github import Github, GithubException
from github.PullRequest import PullRequest
from github.Repository import Repository

from oin_gitops import engine, yamlio
from oin_gitops.changes import Changed, ChangeSet, slug_of
from oin_gitops.config import CONFIG_FILE, Config, load_config
from oin_gitops.diagnostics import Report
from oin_gitops.github.client import explain
from oin_gitops.github.source import TreeSource
from oin_gitops.review.model import Facts, Review, Reviewers, Verdict
from oin_gitops.rules import BY_ID
from oin_gitops.schemas import PROTOCOL_FILES
from oin_gitops.sources import (
    GitSource,
    IndexedSource,
    Kind,
    MemorySource,
    OverlaySource,
    Source,
    join,
)
from oin_gitops.submission import SUBMISSION_FILE, SUBMISSIONS

PUBLISH_CONTEXT = "oin/publish"

PUBLISHED_LABEL = "oin/published"


class IncompleteView(Exception):
    """The bot cannot see the whole change or tree; it gives no verdict, and says why."""


@dataclass
class PullData:
    """What one run read about one pull request."""

    pr: PullRequest
    facts: Facts
    report: Report | None
    slugs: list[str]


@dataclass
class Reader:
    """Reads facts for pull requests of one repository; caches what all of them share."""

    client: Github
    repo: Repository
    checkout: Path | None = None
    _config: Config | None = None
    _trees: dict[str, TreeSource] = field(default_factory=dict)
    _bases: dict[str, IndexedSource] = field(default_factory=dict)
    _base_commits: dict[str, str] = field(default_factory=dict)
    _first_published: dict[tuple[str, str], datetime | None] = field(default_factory=dict)
    _teams: dict[str, frozenset[str]] = field(default_factory=dict)
    _orgs: dict[int, str | None] = field(default_factory=dict)
    _open: list[PullRequest] | None = None

    def open_pulls(self) -> list[PullRequest]:
        """The open pull requests, oldest first, listed once per run (every rule and the
        queue need them)."""
        if self._open is None:
            self._open = list(self.repo.get_pulls(state="open", sort="created", direction="asc"))
        return self._open

    @property
    def config(self) -> Config:
        if self._config is None:
            self._config = self._read_config()
        return self._config

    def _read_config(self) -> Config:
        branch = self.repo.default_branch
        try:
            data = self.repo.get_contents(CONFIG_FILE, ref=branch)
        except GithubException as exc:
            if exc.status == 404:
                return Config()
            raise explain(exc, f"read {CONFIG_FILE} on {branch}") from None
        content = data.decoded_content if not isinstance(data, list) else b""
        return load_config(MemorySource({CONFIG_FILE: content}), frozenset(BY_ID))

    def tree(self, ref: str) -> TreeSource:
        """The whole tree of ``ref`` through the API (one request; blobs are read lazily)."""
        if ref not in self._trees:
            tree = self.repo.get_git_tree(ref, recursive=True)
            if tree.raw_data.get("truncated"):
                raise IncompleteView(
                    f"GitHub returned only part of the tree of {ref[:12]} (too many files "
                    "for one listing); run the bot with --checkout, a clone of the repository"
                )
            self._trees[ref] = TreeSource(
                list(tree.tree), lambda sha: self.repo.get_git_blob(sha).content
            )
        return self._trees[ref]

    def base(self, pr: PullRequest) -> IndexedSource:
        """The tree the pull request merges into: the base branch as it is now while the pull
        request is open (a name published since it was opened counts), the base it was merged
        into once it is closed. Read from the local ``checkout`` when it holds that tree
        (no API request per file), else through the API."""
        ref = pr.base.sha if pr.state == "closed" else pr.base.ref
        if ref not in self._bases:
            commit = self.repo.get_commit(ref)
            self._base_commits[ref] = commit.sha
            tree_sha = commit.commit.tree.sha
            local = self._local(tree_sha)
            self._bases[ref] = local if local is not None else self.tree(tree_sha)
        return self._bases[ref]

    def _local(self, tree_sha: str) -> GitSource | None:
        """The tree ``tree_sha`` from the local clone, when the clone has it: trees are named
        by their content, so the same sha is the same files."""
        if self.checkout is None:
            return None
        found = subprocess.run(
            ["git", "-C", str(self.checkout), "cat-file", "-e", f"{tree_sha}^{{tree}}"],
            capture_output=True,
            check=False,
        )
        return GitSource(self.checkout, tree_sha) if found.returncode == 0 else None

    def reviewers(self) -> Reviewers:
        return Reviewers(
            initial=self._logins(self.config.reviewers_initial),
            qa=self._logins(self.config.reviewers_qa),
        )

    def _logins(self, entries: Iterable[str]) -> frozenset[str]:
        logins: set[str] = set()
        for entry in entries:
            logins |= self._team(entry) if "/" in entry else {entry.casefold()}
        return frozenset(logins)

    def _team(self, entry: str) -> frozenset[str]:
        """Members of an org/team entry; none when the token cannot read teams (then list the
        reviewers' logins in .oin-gitops.yaml instead)."""
        if entry not in self._teams:
            org, _, slug = entry.partition("/")
            try:
                team = self.client.get_organization(org).get_team_by_slug(slug)
                self._teams[entry] = frozenset(m.login.casefold() for m in team.get_members())
            except GithubException:
                self._teams[entry] = frozenset()
        return self._teams[entry]

    def read(self, number: int) -> PullData:
        """Every fact of pull request ``number``, read fresh."""
        pr = self.repo.get_pull(number)
        change, blind = self._change(pr)
        slugs = change.slugs()
        report = None
        kinds: set[str] = set()
        protocols: set[str] = set()
        if slugs and not blind:
            try:
                report = self._lint(pr, change)
                kinds, protocols = self._kinds(pr, slugs)
            except IncompleteView as exc:
                blind = [str(exc)]
        problems = list(blind)
        if pr.state == "open" and slugs and not blind:
            problems += self._problems(pr, slugs)
        facts = Facts(
            number=pr.number,
            author=pr.user.login,
            draft=bool(pr.draft),
            closed=pr.state == "closed",
            merged=bool(pr.merged),
            published=self._published(pr),
            head_sha=pr.head.sha,
            lint_errors=report.errors if report else 0,
            reviews=tuple(_review(r) for r in pr.get_reviews()),
            reviewers=self.reviewers(),
            submission=bool(slugs) or bool(blind),
            kinds=frozenset(kinds),
            protocols=frozenset(protocols),
            problems=tuple(problems) if pr.state == "open" else (),
        )
        return PullData(pr, facts, report, slugs)

    def _change(self, pr: PullRequest) -> tuple[ChangeSet, list[str]]:
        """The pull request's changed files, and why the bot cannot see all of them (then it
        gives no verdict): more files than ``limits.max_files_per_pr`` (not even listed), or a
        listing shorter than the count GitHub reports (it lists at most 3,000)."""
        limit = self.config.max_files_per_pr
        if pr.changed_files > limit:
            return ChangeSet((), pr.user.login), [
                f"this pull request changes {pr.changed_files:,} files and the review bot "
                f"reads at most {limit:,} (limits.max_files_per_pr); split it into pull "
                "requests of one submission each"
            ]
        files = [
            Changed(f.status[:1].upper(), f.filename, f.previous_filename) for f in pr.get_files()
        ]
        change = ChangeSet(tuple(files), pr.user.login)
        if len(files) < pr.changed_files:
            return change, [
                f"GitHub listed {len(files):,} of the {pr.changed_files:,} files this pull "
                "request changes, so the review bot cannot check the rest; split it into pull "
                "requests of one submission each"
            ]
        return change, []

    def merged(self, pr: PullRequest, change: ChangeSet) -> OverlaySource:
        """The merge result: the base tree with the pull request's changed files applied."""
        return OverlaySource(self.base(pr), self.tree(pr.head.sha), change.paths())

    def _lint(self, pr: PullRequest, change: ChangeSet) -> Report:
        """Lint the merge result exactly as ``lint --changed-since BASE`` lints a checkout of it:
        the changed folders, the repository rules against every other submission, the change
        rules, updates compared with the base; with the base branch's configuration."""
        base = self.base(pr)
        commit = self._base_commits[pr.base.sha if pr.state == "closed" else pr.base.ref]
        return engine.lint(
            self.merged(pr, change),
            self.config,
            change=change,
            base=base,
            published_at=lambda slug: self.published_at(commit, slug),
        )

    def published_at(self, commit: str, slug: str) -> datetime | None:
        """When ``slug`` was first published on the history of ``commit``: the committer date
        of the oldest commit that touched its submission.yaml, as ``lint --changed-since``
        reads it from git. Asked only for updated folders by the rules that need it; one
        listing (a request per 100 commits of that file)."""
        key = (commit, slug)
        if key not in self._first_published:
            path = join(SUBMISSIONS, slug, SUBMISSION_FILE)
            oldest = None
            for oldest in self.repo.get_commits(sha=commit, path=path):  # noqa: B007
                pass
            self._first_published[key] = (
                oldest.commit.committer.date if oldest is not None else None
            )
        return self._first_published[key]

    def _kinds(self, pr: PullRequest, slugs: list[str]) -> tuple[set[str], set[str]]:
        """New, update, removal, migration: against the pull request's base commit, so a merged
        pull request keeps the kinds it had (its folder is on the branch by then)."""
        head, base = self.tree(pr.head.sha), self.base(pr)
        kinds: set[str] = set()
        protocols: set[str] = set()
        for slug in slugs:
            folder = join(SUBMISSIONS, slug)
            on_base, on_head = base.kind(folder) is Kind.DIR, head.has_folder(folder)
            if on_head:
                kinds.add("update" if on_base else "new")
                if not on_base and _field(head, slug, ("app", "existing_oin_app")):
                    kinds.add("migration")
                protocols |= {
                    p.removesuffix(".yaml")
                    for p in PROTOCOL_FILES
                    if head.kind(join(folder, p)).value == "file"
                }
            elif on_base:
                kinds.add("removal")
        return kinds, protocols

    def _published(self, pr: PullRequest) -> bool:
        if not pr.merged:
            return False
        if any(label.name == PUBLISHED_LABEL for label in pr.labels):
            return True
        status = self.repo.get_commit(pr.merge_commit_sha).get_combined_status()
        return any(s.context == PUBLISH_CONTEXT and s.state == "success" for s in status.statuses)

    def _problems(self, pr: PullRequest, slugs: list[str]) -> list[str]:
        """Rules that need GitHub facts; owners are those on the base branch now."""
        problems: list[str] = []
        head, base = self.tree(pr.head.sha), self.base(pr)
        for slug in slugs:
            problems += self._ownership(pr.user.login, slug, head, base)
        org = _field(head, slugs[0], ("owners", "okta_org")) if len(slugs) == 1 else None
        if isinstance(org, str):
            problems += self._limit(pr, org)
        return problems

    def _ownership(
        self, author: str, slug: str, head: TreeSource, base: IndexedSource
    ) -> list[str]:
        if base.kind(join(SUBMISSIONS, slug)) is not Kind.DIR:
            return []
        owners = _field(base, slug, ("owners", "github"))
        allowed = self._logins(owners if isinstance(owners, list) else [])
        problems = []
        if author.casefold() not in allowed:
            listed = ", ".join(owners) if isinstance(owners, list) and owners else "none"
            problems.append(
                f"only an owner of the published integration '{slug}' may change or remove it "
                f"(owners on the base branch: {listed}); ask an owner to open this pull request "
                "(OIN guideline ORG-02)"
            )
        before, after = (
            _field(base, slug, ("owners", "okta_org")),
            _field(head, slug, ("owners", "okta_org")),
        )
        if head.has_folder(join(SUBMISSIONS, slug)) and isinstance(before, str) and after != before:
            problems.append(
                f"'owners.okta_org' of '{slug}' may not change (it is {before} on the base branch); "
                "updates must come from the same Okta org (OIN guideline ORG-02)"
            )
        return problems

    def _limit(self, pr: PullRequest, org: str) -> list[str]:
        """The open-submission limit per dev org: older open pull requests come first (opened
        in the same second: the lower number first), so exactly ``limit`` of them go ahead."""
        limit = self.config.open_submissions_per_org
        older = [
            p for p in self.open_pulls() if (p.created_at, p.number) < (pr.created_at, pr.number)
        ]
        same = [p.number for p in older if self._org_of(p) == org]
        if len(same) < limit:
            return []
        return [
            f"{org} already has {len(same)} open submissions (at most {limit} per dev org); "
            "finish or close one of them first (OIN guideline MGR-02)"
        ]

    def _org_of(self, pr: PullRequest) -> str | None:
        if pr.number not in self._orgs:
            slugs = sorted({s for f in pr.get_files() if (s := slug_of(f.filename))})
            org = (
                _field(self.tree(pr.head.sha), slugs[0], ("owners", "okta_org"))
                if len(slugs) == 1
                else None
            )
            self._orgs[pr.number] = org if isinstance(org, str) else None
        return self._orgs[pr.number]


def _field(tree: Source, slug: str, pointer: tuple[str, ...]) -> Any:
    """A value of a submission.yaml in ``tree``, or None when absent or unreadable."""
    path = join(SUBMISSIONS, slug, SUBMISSION_FILE)
    if tree.kind(path) is not Kind.FILE or tree.size(path) > yamlio.MAX_BYTES:
        return None
    document = yamlio.parse(tree.read(path), path)
    if not isinstance(document, yamlio.Document):
        return None
    try:
        return document.get(pointer)
    except (KeyError, IndexError, TypeError):
        return None


def _verdict(state: str) -> Verdict:
    try:
        return Verdict(state)
    except ValueError:  # PENDING and states GitHub may add: they never count
        return Verdict.COMMENTED


def _review(review: Any) -> Review:
    return Review(
        author=review.user.login if review.user else "ghost",
        verdict=_verdict(review.state),
        commit=review.commit_id or "",
        submitted_at=review.submitted_at,
    )
