"""A stateful fake of GitHub's REST API (v3) on 127.0.0.1, for the review bot's tests.

The fake keeps repositories (git objects hashed as git does, branches, labels, pull requests with
their issue side, reviews, comments, commit statuses) and organisations with teams in memory,
and serves them over real HTTP in GitHub's JSON shapes, so PyGithub can be pointed at it with
``Github(base_url=fake.base_url, ...)``. Every response of a vendored route is validated against
GitHub's OpenAPI description (``openapi-subset.json``); violations collect in
``fake.schema_violations``.

See ``tests/fakegithub/__init__.py`` for the test-facing summary.
"""

from __future__ import annotations

import base64
import contextlib
import json
import posixpath
import re
import socket
import threading
import traceback
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http import HTTPStatus
from typing import Any, NamedTuple
from urllib.parse import parse_qsl, quote, unquote, urlencode

from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from . import openapi
from .gitobjects import (
    EMPTY_TREE,
    Change,
    Entry,
    FileContent,
    ObjectStore,
    Submodule,
    diff_trees,
)

DEFAULT_NOW = datetime(2025, 3, 3, 9, 0, 0, tzinfo=UTC)
DOCS = "https://docs.github.com/rest"
JSON_TYPE = "application/json; charset=utf-8"
WRITE_METHODS = frozenset({"POST", "PATCH", "PUT", "DELETE"})
MAX_PER_PAGE = 100
DEFAULT_PER_PAGE = 30
# The contents API stops inlining a file's content above 1 MB ("encoding": "none").
CONTENTS_INLINE_LIMIT = 1024 * 1024
REVIEW_STATES = ("APPROVED", "CHANGES_REQUESTED", "COMMENTED")
STATUS_STATES = ("error", "failure", "pending", "success")
RATE_LIMIT = 5000
# GitHub's default labels on a new repository.
DEFAULT_LABELS = (
    ("bug", "d73a4a", "Something isn't working"),
    ("documentation", "0075ca", "Improvements or additions to documentation"),
    ("duplicate", "cfd3d7", "This issue or pull request already exists"),
    ("enhancement", "a2eeef", "New feature or request"),
    ("good first issue", "7057ff", "Good for newcomers"),
    ("help wanted", "008672", "Extra attention is needed"),
    ("invalid", "e4e669", "This doesn't seem right"),
    ("question", "d876e3", "Further information is requested"),
    ("wontfix", "ffffff", "This will not be worked on"),
)
DEFAULT_MESSAGES = {
    400: "Problems parsing JSON",
    401: "Bad credentials",
    403: (
        "You have exceeded a secondary rate limit. Please wait a few minutes before you try "
        "again. If you reach out to GitHub Support for help, please include the request ID "
        "FAKE:0000:0000."
    ),
    404: "Not Found",
    409: "Conflict",
    422: "Validation Failed",
    429: "API rate limit exceeded for installation ID 1.",
    500: "Server Error",
    502: "Server Error",
    503: "Service Unavailable",
    504: "We couldn't respond to your request in time. Sorry about that.",
}


class Recorded(NamedTuple):
    """One request the fake received.

    ``path`` is percent-decoded (``oin%2Fqa`` and ``oin/qa`` both read ``oin/qa``); ``query`` keeps
    the last value of each parameter; ``json`` is the parsed request body (None when empty);
    ``status`` is the response status (None for a dropped connection); ``route`` is the
    OpenAPI path template the request was served by (None when none matched).
    """

    method: str
    path: str
    query: dict[str, str]
    json: Any
    status: int | None
    route: str | None = None


class GitHubError(Exception):
    """An HTTP error with GitHub's error body."""

    def __init__(
        self,
        status: int,
        message: str | None = None,
        *,
        errors: list[dict[str, Any]] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(status, message)
        self.status = status
        self.message = message or DEFAULT_MESSAGES.get(status, "Error")
        self.errors = errors
        self.headers = dict(headers or {})

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {"message": self.message, "documentation_url": DOCS}
        if self.errors is not None:
            body["errors"] = self.errors
        body["status"] = str(self.status)
        return body


@dataclass
class _Fault:
    method: str | None
    pattern: re.Pattern[str]
    status: int
    times: int
    headers: dict[str, str]
    drop: bool
    message: str | None
    after_acting: bool = False


@dataclass
class _Label:
    id: int
    name: str
    color: str
    description: str | None
    default: bool = False


@dataclass
class _Comment:
    id: int
    number: int
    author: str
    body: str
    created_at: datetime
    updated_at: datetime


@dataclass
class _Review:
    id: int
    author: str
    state: str
    commit_id: str
    body: str
    submitted_at: datetime


@dataclass
class _Status:
    id: int
    sha: str
    context: str
    state: str
    description: str | None
    target_url: str | None
    creator: str
    created_at: datetime


@dataclass
class _Pull:
    number: int
    id: int
    issue_id: int
    author: str
    title: str
    body: str | None
    head_repo: str  # lower-case full name
    head_ref: str
    head_sha: str
    base_ref: str
    base_sha: str
    draft: bool
    created_at: datetime
    updated_at: datetime
    state: str = "open"
    closed_at: datetime | None = None
    closed_by: str | None = None
    merged_at: datetime | None = None
    merged_by: str | None = None
    merge_commit_sha: str | None = None
    labels: list[int] = field(default_factory=list)  # label ids
    comments: list[_Comment] = field(default_factory=list)
    reviews: list[_Review] = field(default_factory=list)


@dataclass
class _Repo:
    id: int
    owner: str
    name: str
    default_branch: str
    private: bool
    created_at: datetime
    parent: str | None = None  # lower-case full name of the repository this one forks
    collaborators: set[str] = field(default_factory=set)  # lower-case logins
    branches: dict[str, str] = field(default_factory=dict)
    labels: dict[int, _Label] = field(default_factory=dict)
    pulls: dict[int, _Pull] = field(default_factory=dict)
    statuses: dict[str, list[_Status]] = field(default_factory=dict)
    pushed_at: datetime | None = None

    @property
    def full_name(self) -> str:
        return f"{self.owner}/{self.name}"

    def label_named(self, name: str) -> _Label | None:
        folded = name.casefold()
        return next((lab for lab in self.labels.values() if lab.name.casefold() == folded), None)


@dataclass
class _Team:
    id: int
    slug: str
    name: str
    members: list[str]
    created_at: datetime


@dataclass
class _Org:
    id: int
    login: str
    created_at: datetime
    teams: dict[str, _Team] = field(default_factory=dict)


@dataclass
class _Request:
    method: str
    path: str
    raw_path: str
    segments: list[str]
    query: dict[str, str]
    json: Any
    token: str | None
    params: dict[str, str] = field(default_factory=dict)


class _Response(NamedTuple):
    status: int
    body: Any
    headers: dict[str, str]


Handler = Callable[[_Request], _Response]


@dataclass(frozen=True)
class _Route:
    method: str
    pattern: tuple[str, ...]  # "{name}" one segment, "{name+}" one or more (at most one per route)
    handler: Handler
    spec: str | None  # the OpenAPI template whose schema the response follows


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass

    def log(self, type: str, message: str, *args: Any) -> None:
        pass


class FakeGitHub:
    """A stateful in-memory GitHub served over HTTP on 127.0.0.1 (see the module docstring)."""

    def __init__(
        self,
        token: str = "t0k3n",
        read_only_tokens: Iterable[str] = (),
        can_read_teams: bool = True,
        *,
        login: str = "oin-bot",
        read_only_login: str = "github-actions[bot]",
        teams_denied_status: int = 403,
        validate: bool = True,
        now: datetime = DEFAULT_NOW,
    ) -> None:
        self.token = token
        self.read_only_tokens = tuple(read_only_tokens)
        self.can_read_teams = can_read_teams
        self.login = login
        self.read_only_login = read_only_login
        self.teams_denied_status = teams_denied_status
        self.validate = validate
        self.schema_violations: list[str] = []
        self.internal_errors: list[str] = []  # exceptions raised by the fake's own handlers
        self.requests: list[Recorded] = []
        self.objects = ObjectStore()
        self._now = _utc(now)
        self._lock = threading.RLock()
        self._ids = iter(range(1001, 1 << 62))
        self._repos: dict[str, _Repo] = {}
        self._orgs: dict[str, _Org] = {}
        self._user_ids: dict[str, int] = {}
        self._comment_index: dict[int, tuple[str, int]] = {}
        self._tokens: dict[str, str] = {}  # more write tokens: token -> login
        self._faults: list[_Fault] = []
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None
        self._base_url = "http://127.0.0.1:0"
        self._routes = self._build_routes()

    # -- lifecycle ----------------------------------------------------------------------------

    def start(self) -> FakeGitHub:
        if self._server is not None:
            raise RuntimeError("the fake GitHub is already running")
        self._server = make_server(
            "127.0.0.1", 0, self._wsgi, threaded=True, request_handler=_QuietHandler
        )
        self._base_url = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.01},  # so stop() returns at once
            name="fake-github",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is None:
            return
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=10)
        self._server = None
        self._thread = None

    def __enter__(self) -> FakeGitHub:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT``: PyGithub's ``base_url`` (there is no ``/api/v3``)."""
        return self._base_url

    @property
    def now(self) -> datetime:
        """The fake's clock (UTC); every timestamp it writes comes from here, never the wall."""
        return self._now

    @now.setter
    def now(self, value: datetime) -> None:
        with self._lock:
            self._now = _utc(value)

    def advance(self, delta: timedelta | None = None, **kwargs: float) -> datetime:
        """Move the clock forward (``fake.advance(minutes=5)``) and return the new time."""
        with self._lock:
            self._now += delta if delta is not None else timedelta(**kwargs)
            return self._now

    def github(self, token: str | None = None, **kwargs: Any) -> Any:
        """A PyGithub client for the fake: no retries, no throttling sleeps, a short timeout.

        Keyword arguments override those defaults (e.g. ``retry=GithubRetry(...)``).
        """
        from github import Auth, Github

        options: dict[str, Any] = {
            "retry": None,
            "seconds_between_requests": None,
            "seconds_between_writes": None,
            "timeout": 10,
        }
        options.update(kwargs)
        return Github(base_url=self.base_url, auth=Auth.Token(token or self.token), **options)

    # -- setting up state ---------------------------------------------------------------------

    def add_repo(
        self,
        full_name: str,
        default_branch: str = "main",
        *,
        private: bool = False,
        default_labels: bool = True,
    ) -> None:
        """A repository; its owner becomes an organisation (``GET /orgs/{owner}`` works)."""
        owner, _, name = full_name.partition("/")
        if not owner or not name or "/" in name:
            raise ValueError(f"expected 'owner/name', got {full_name!r}")
        with self._lock:
            if full_name.lower() in self._repos:
                raise ValueError(f"{full_name} already exists")
            self._org(owner)
            repo = self._new_repo(owner, name, default_branch, private)
            if default_labels:
                for label_name, color, description in DEFAULT_LABELS:
                    label = _Label(self._id(), label_name, color, description, default=True)
                    repo.labels[label.id] = label

    def commit(
        self,
        repo: str,
        files: Mapping[str, FileContent],
        parent: str | Sequence[str] | None = None,
        branch: str | None = "main",
        *,
        message: str = "Update files",
        author: str = "oin-dev",
    ) -> str:
        """A commit whose tree is exactly ``files`` (a full snapshot); returns its 40-hex sha.

        ``parent`` defaults to the current head of ``branch`` (a root commit when the branch is
        new or ``branch`` is None); a sequence of shas makes a merge commit. The branch, when
        given, is moved to the new commit. Values: ``bytes``/``str`` (mode 100644),
        ``Executable`` (100755), ``Symlink`` (120000), ``Submodule`` (160000).
        """
        with self._lock:
            state = self._repo(repo)
            if parent is None and branch is not None:
                parent = state.branches.get(branch)
            parents = (parent,) if isinstance(parent, str) else tuple(parent or ())
            for sha in parents:
                if sha not in self.objects.commits:
                    raise KeyError(f"unknown parent commit {sha}")
            tree = self.objects.put_snapshot(files)
            sha = self.objects.put_commit(tree, parents, message, author, self._now)
            if branch is not None:
                state.branches[branch] = sha
                state.pushed_at = self._now
            return sha

    def files_at(self, sha: str) -> dict[str, FileContent]:
        """The snapshot of commit ``sha``, in the form ``commit()`` takes (so it round-trips)."""
        with self._lock:
            return self.objects.snapshot(self.objects.commits[sha].tree)

    def branch_head(self, repo: str, branch: str | None = None) -> str:
        with self._lock:
            state = self._repo(repo)
            return state.branches[branch or state.default_branch]

    def open_pr(
        self,
        repo: str,
        author: str,
        head_sha: str,
        base_sha: str | None = None,
        draft: bool = False,
        fork: bool = False,
        title: str = "Add an integration",
        *,
        body: str | None = None,
        head_ref: str | None = None,
        base: str | None = None,
    ) -> int:
        """Open a pull request and return its number.

        ``base_sha`` defaults to the base branch's head: the files of the PR are the diff from
        the merge base of the head and ``base_sha``. ``fork=True`` puts the head in the fork
        ``{author}/{repo name}`` (created on first use); otherwise the head branch ``head_ref``
        (default ``{author}-patch-{number}``) is created in ``repo``.
        """
        with self._lock:
            state = self._repo(repo)
            base_ref = base or state.default_branch
            if head_sha not in self.objects.commits:
                raise KeyError(f"unknown head commit {head_sha}")
            if base_sha is None:
                base_sha = state.branches.get(base_ref)
                if base_sha is None:
                    raise KeyError(f"{repo} has no branch {base_ref!r}")
            number = self._next_number(state)
            ref = head_ref or f"{author}-patch-{number}"
            if fork:
                head = self._repos.get(f"{author}/{state.name}".lower())
                if head is None:
                    head = self._new_repo(author, state.name, state.default_branch, state.private)
                    head.parent = state.full_name.lower()
                    head.branches = dict(state.branches)
            else:
                head = state
            head.branches[ref] = head_sha
            pull = _Pull(
                number=number,
                id=self._id(),
                issue_id=self._id(),
                author=author,
                title=title,
                body=body,
                head_repo=head.full_name.lower(),
                head_ref=ref,
                head_sha=head_sha,
                base_ref=base_ref,
                base_sha=base_sha,
                draft=draft,
                created_at=self._now,
                updated_at=self._now,
            )
            state.pulls[number] = pull
            return number

    def push(self, repo: str, number: int, head_sha: str) -> None:
        """Push ``head_sha`` to the PR's head branch (a ``synchronize``)."""
        with self._lock:
            state, pull = self._pull(repo, number)
            if head_sha not in self.objects.commits:
                raise KeyError(f"unknown commit {head_sha}")
            pull.head_sha = head_sha
            self._repos[pull.head_repo].branches[pull.head_ref] = head_sha
            # GitHub moves base.sha to the base branch's head on synchronize; the files stay
            # the three-dot diff from the merge base.
            pull.base_sha = state.branches.get(pull.base_ref, pull.base_sha)
            pull.updated_at = self._now

    def set_draft(self, repo: str, number: int, draft: bool) -> None:
        with self._lock:
            _, pull = self._pull(repo, number)
            pull.draft = draft
            pull.updated_at = self._now

    def close(self, repo: str, number: int, *, by: str | None = None) -> None:
        """Close without merging (``by`` defaults to the PR's author)."""
        with self._lock:
            _, pull = self._pull(repo, number)
            pull.state = "closed"
            pull.closed_at = pull.updated_at = self._now
            pull.closed_by = by or pull.author

    def reopen(self, repo: str, number: int) -> None:
        with self._lock:
            _, pull = self._pull(repo, number)
            if pull.merged_at is not None:
                raise ValueError("a merged pull request cannot be reopened")
            pull.state = "open"
            pull.closed_at = pull.closed_by = None
            pull.updated_at = self._now

    def merge(self, repo: str, number: int, *, by: str = "oin-admin") -> str:
        """Merge: a new commit on the base branch with the head's tree; returns its sha."""
        with self._lock:
            state, pull = self._pull(repo, number)
            if pull.state != "open":
                raise ValueError(f"#{number} is not open")
            base_head = state.branches[pull.base_ref]
            tree = self.objects.commits[pull.head_sha].tree
            sha = self.objects.put_commit(
                tree,
                (base_head, pull.head_sha),
                f"Merge pull request #{number} from {pull.head_repo.split('/')[0]}/"
                f"{pull.head_ref}\n\n{pull.title}",
                by,
                self._now,
            )
            state.branches[pull.base_ref] = sha
            state.pushed_at = self._now
            pull.state = "closed"
            pull.merged_at = pull.closed_at = pull.updated_at = self._now
            pull.merged_by = pull.closed_by = by
            pull.merge_commit_sha = sha
            return sha

    def review(
        self,
        repo: str,
        number: int,
        author: str,
        state: str,
        commit_id: str | None = None,
        *,
        body: str = "",
    ) -> int:
        """Submit a review (APPROVED, CHANGES_REQUESTED or COMMENTED); returns its id."""
        if state not in REVIEW_STATES:
            raise ValueError(f"review state must be one of {REVIEW_STATES}, got {state!r}")
        with self._lock:
            _, pull = self._pull(repo, number)
            review = _Review(self._id(), author, state, commit_id or pull.head_sha, body, self._now)
            pull.reviews.append(review)
            pull.updated_at = self._now
            return review.id

    def dismiss(self, repo: str, number: int, review_id: int) -> None:
        with self._lock:
            _, pull = self._pull(repo, number)
            review = next((r for r in pull.reviews if r.id == review_id), None)
            if review is None:
                raise KeyError(f"#{number} has no review {review_id}")
            if review.state not in ("APPROVED", "CHANGES_REQUESTED"):
                raise ValueError("only approvals and change requests can be dismissed")
            review.state = "DISMISSED"
            pull.updated_at = self._now

    def comment(self, repo: str, number: int, author: str, body: str) -> int:
        """An issue comment by someone else (the ISV, a reviewer); returns its id."""
        with self._lock:
            state, pull = self._pull(repo, number)
            return self._add_comment(state, pull, author, body).id

    def add_labels(self, repo: str, number: int, *names: str) -> None:
        """Label a PR as a person would (labels missing from the repository are created)."""
        with self._lock:
            state, pull = self._pull(repo, number)
            self._add_issue_labels(state, pull, list(names))

    def set_status(
        self,
        repo: str,
        sha: str,
        context: str,
        state: str,
        description: str = "",
        *,
        target_url: str | None = None,
        creator: str = "github-actions[bot]",
    ) -> int:
        """A commit status set by someone else (e.g. the publish workflow); returns its id."""
        if state not in STATUS_STATES:
            raise ValueError(f"status state must be one of {STATUS_STATES}, got {state!r}")
        with self._lock:
            return self._add_status(
                self._repo(repo), sha, context, state, description or None, target_url, creator
            ).id

    def add_token(self, token: str, login: str) -> None:
        """Another token that may write, acting as ``login``: a login ending in ``[bot]`` is a
        GitHub App's bot (``github-actions[bot]``, ``my-app[bot]``, type ``Bot``), any other a
        person with a personal token (type ``User``; make them a collaborator with
        ``add_collaborator`` if they have write access)."""
        with self._lock:
            self._tokens[token] = login

    def add_collaborator(self, repo: str, login: str) -> None:
        """Give ``login`` access to ``repo``: their comments, reviews and pull requests show
        ``author_association: COLLABORATOR`` (unless they are its OWNER or a MEMBER of its org).
        The default token's user (``login``) is a collaborator of every repository."""
        with self._lock:
            self._repo(repo).collaborators.add(login.lower())

    def add_team(
        self, org: str, slug: str, members: Iterable[str] = (), *, name: str | None = None
    ) -> None:
        """A team (its members in the order given); replaces the members of an existing one."""
        with self._lock:
            state = self._org(org)
            team = state.teams.get(slug.lower())
            if team is None:
                team = _Team(self._id(), slug, name or slug, [], self._now)
                state.teams[slug.lower()] = team
            team.members = list(members)

    def fail(
        self,
        method: str | None,
        path_regex: str,
        status: int = 500,
        times: int = 1,
        headers: Mapping[str, str] | None = None,
        drop: bool = False,
        *,
        message: str | None = None,
        after_acting: bool = False,
    ) -> None:
        """Make the next ``times`` requests matching ``method`` (None: any) and ``path_regex``
        (``re.search`` on the decoded path) fail with ``status`` and GitHub's error JSON plus
        ``headers``, or with ``drop=True`` close the connection without any response. A faulted
        request changes nothing and is logged (status None when dropped), unless
        ``after_acting=True``: then the request is carried out first (the comment is created,
        the label added) and the client still gets the failure, as when GitHub times out after
        doing the work."""
        with self._lock:
            self._faults.append(
                _Fault(
                    method.upper() if method and method != "*" else None,
                    re.compile(path_regex),
                    status,
                    times,
                    dict(headers or {}),
                    drop,
                    message,
                    after_acting,
                )
            )

    # -- reading state (for assertions) ------------------------------------------------------

    def labels_of(self, repo: str, number: int) -> list[str]:
        """The PR's label names, sorted as GitHub lists them."""
        with self._lock:
            state, pull = self._pull(repo, number)
            return [label.name for label in self._issue_labels(state, pull)]

    def comments_of(self, repo: str, number: int) -> list[dict[str, Any]]:
        """The PR's issue comments as the API renders them, oldest first."""
        with self._lock:
            state, pull = self._pull(repo, number)
            return [self._comment_json(state, c) for c in pull.comments]

    def statuses_of(self, repo: str, sha: str) -> list[dict[str, Any]]:
        """Every status set on ``sha``, in the order they were set (oldest first)."""
        with self._lock:
            state = self._repo(repo)
            return [self._status_json(state, s) for s in state.statuses.get(sha, [])]

    def combined_state(self, repo: str, sha: str) -> str:
        with self._lock:
            return _combined_state(_latest_per_context(self._repo(repo).statuses.get(sha, [])))

    def repo_labels(self, repo: str) -> dict[str, dict[str, Any]]:
        """``{name: label JSON}`` of the repository's labels."""
        with self._lock:
            state = self._repo(repo)
            return {lab.name: self._label_json(state, lab) for lab in state.labels.values()}

    def pull_files(self, repo: str, number: int) -> list[Change]:
        with self._lock:
            state, pull = self._pull(repo, number)
            return self._changes(state, pull)

    def writes(self) -> list[Recorded]:
        """The requests that were not GETs, in order."""
        with self._lock:
            return [r for r in self.requests if r.method not in ("GET", "HEAD")]

    def clear_log(self) -> None:
        with self._lock:
            self.requests.clear()

    # -- internals: state ---------------------------------------------------------------------

    def _id(self) -> int:
        return next(self._ids)

    def _new_repo(self, owner: str, name: str, default_branch: str, private: bool) -> _Repo:
        repo = _Repo(self._id(), owner, name, default_branch, private, self._now)
        self._repos[repo.full_name.lower()] = repo
        return repo

    def _org(self, login: str) -> _Org:
        org = self._orgs.get(login.lower())
        if org is None:
            org = _Org(self._user_id(login), login, self._now)
            self._orgs[login.lower()] = org
        return org

    def _user_id(self, login: str) -> int:
        key = login.lower()
        if key not in self._user_ids:
            self._user_ids[key] = self._id()
        return self._user_ids[key]

    def _repo(self, full_name: str) -> _Repo:
        repo = self._repos.get(full_name.lower())
        if repo is None:
            raise KeyError(f"no repository {full_name}")
        return repo

    def _pull(self, full_name: str, number: int) -> tuple[_Repo, _Pull]:
        repo = self._repo(full_name)
        pull = repo.pulls.get(number)
        if pull is None:
            raise KeyError(f"{full_name} has no pull request #{number}")
        return repo, pull

    def _next_number(self, repo: _Repo) -> int:
        return max(repo.pulls, default=0) + 1

    def _add_comment(self, repo: _Repo, pull: _Pull, author: str, body: str) -> _Comment:
        comment = _Comment(self._id(), pull.number, author, body, self._now, self._now)
        pull.comments.append(comment)
        pull.updated_at = self._now
        self._comment_index[comment.id] = (repo.full_name.lower(), pull.number)
        return comment

    def _add_status(
        self,
        repo: _Repo,
        sha: str,
        context: str,
        state: str,
        description: str | None,
        target_url: str | None,
        creator: str,
    ) -> _Status:
        if sha not in self.objects.commits:
            raise GitHubError(422, f"No commit found for SHA: {sha}")
        status = _Status(
            self._id(), sha, context, state, description, target_url, creator, self._now
        )
        repo.statuses.setdefault(sha, []).append(status)
        return status

    def _issue_labels(self, repo: _Repo, pull: _Pull) -> list[_Label]:
        labels = [repo.labels[i] for i in pull.labels if i in repo.labels]
        return sorted(labels, key=lambda label: label.name.casefold())

    def _add_issue_labels(self, repo: _Repo, pull: _Pull, names: list[str]) -> None:
        for name in names:
            label = repo.label_named(name)
            if label is None:
                label = _Label(self._id(), name, "ededed", None)
                repo.labels[label.id] = label
            if label.id not in pull.labels:
                pull.labels.append(label.id)
        pull.updated_at = self._now

    def _merge_base(self, pull: _Pull) -> str:
        return self.objects.merge_base(pull.head_sha, pull.base_sha) or pull.base_sha

    def _changes(self, repo: _Repo, pull: _Pull) -> list[Change]:
        base = self.objects.commits[self._merge_base(pull)].tree
        head = self.objects.commits[pull.head_sha].tree
        return diff_trees(self.objects, base, head)

    def _resolve_ref(self, repo: _Repo, ref: str) -> str | None:
        """A commit sha for a branch name or a (full) commit sha."""
        if ref in repo.branches:
            return repo.branches[ref]
        if ref.startswith("refs/heads/") and ref[11:] in repo.branches:
            return repo.branches[ref[11:]]
        lowered = ref.lower()
        if lowered in self.objects.commits:
            return lowered
        for pull in repo.pulls.values():
            if ref == f"refs/pull/{pull.number}/head":
                return pull.head_sha
        return None

    # -- internals: HTTP ----------------------------------------------------------------------

    def _wsgi(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        method = environ["REQUEST_METHOD"].upper()
        raw_uri = environ.get("RAW_URI") or environ.get("REQUEST_URI") or environ["PATH_INFO"]
        raw_path, _, raw_query = raw_uri.partition("?")
        if "://" in raw_path:  # an absolute-form request target
            raw_path = "/" + raw_path.split("://", 1)[1].partition("/")[2]
        segments = [unquote(part) for part in raw_path.split("/")[1:]]
        path = "/" + "/".join(segments)
        query = dict(parse_qsl(raw_query, keep_blank_values=True))
        length = int(environ.get("CONTENT_LENGTH") or 0)
        raw_body = environ["wsgi.input"].read(length) if length else b""
        auth = environ.get("HTTP_AUTHORIZATION", "")
        scheme, _, credential = auth.strip().partition(" ")
        token = credential.strip() if scheme.lower() in ("token", "bearer") else None
        if auth and token is None:
            token = ""  # present but not a token: bad credentials

        with self._lock:
            body_json: Any = None
            parse_error = False
            if raw_body.strip():
                try:
                    body_json = json.loads(raw_body)
                except ValueError:
                    parse_error = True
            request = _Request(method, path, raw_path, segments, query, body_json, token)
            fault = self._take_fault(method, path)
            if fault is not None and fault.after_acting:
                self._respond(request, None, parse_error)  # GitHub acts, then fails
            if fault is not None and fault.drop:
                route, _ = self._match(method, segments)
                spec = route.spec if route else None
                self.requests.append(Recorded(method, path, query, body_json, None, spec))
                sock = environ.get("werkzeug.socket")
                if sock is not None:
                    with contextlib.suppress(OSError):
                        sock.shutdown(socket.SHUT_RDWR)
                raise ConnectionResetError("fake GitHub dropped the connection")
            route, response = self._respond(request, fault, parse_error)
            self.requests.append(
                Recorded(
                    method, path, query, body_json, response.status, route.spec if route else None
                )
            )
            if self.validate and route is not None and route.spec is not None:
                self._validate(request, route.spec, response)
            elif self.validate and response.status >= 400:
                self._validate(request, "", response)
            headers = self._common_headers()

        headers.update(response.headers)
        payload = b""
        if response.status != 204 and response.body is not None:
            if isinstance(response.body, bytes):
                payload = response.body
                headers.setdefault("Content-Type", "application/octet-stream")
            else:
                payload = json.dumps(response.body).encode()
                headers["Content-Type"] = JSON_TYPE
        headers["Content-Length"] = str(len(payload))
        try:
            reason = HTTPStatus(response.status).phrase
        except ValueError:
            reason = "Status"
        start_response(f"{response.status} {reason}", list(headers.items()))
        return [payload]

    def _respond(
        self, request: _Request, fault: _Fault | None, parse_error: bool
    ) -> tuple[_Route | None, _Response]:
        route, params = self._match(request.method, request.segments)
        try:
            if fault is not None:
                raise GitHubError(fault.status, fault.message, headers=fault.headers)
            if route is not None and route.spec is None and route.method == "GET":
                pass  # unauthenticated extras (raw downloads)
            elif request.token is None:
                raise GitHubError(401, "Requires authentication")
            elif request.token not in (self.token, *self.read_only_tokens, *self._tokens):
                raise GitHubError(401, "Bad credentials")
            if route is None:
                raise GitHubError(404)
            if request.method in WRITE_METHODS and request.token in self.read_only_tokens:
                raise GitHubError(403, "Resource not accessible by integration")
            if parse_error:
                raise GitHubError(400, "Problems parsing JSON")
            request.params = params
            return route, route.handler(request)
        except GitHubError as error:
            return route, _Response(error.status, error.body(), error.headers)
        except Exception:  # a bug in the fake: fail the test, answer like a GitHub outage
            self.internal_errors.append(
                f"{request.method} {request.path}: {traceback.format_exc()}"
            )
            return route, _Response(500, GitHubError(500).body(), {})

    def _take_fault(self, method: str, path: str) -> _Fault | None:
        for fault in self._faults:
            if (fault.method is None or fault.method == method) and fault.pattern.search(path):
                fault.times -= 1
                if fault.times <= 0:
                    self._faults.remove(fault)
                return fault
        return None

    def _validate(self, request: _Request, spec: str, response: _Response) -> None:
        if isinstance(response.body, bytes):
            return
        try:
            errors = openapi.response_errors(request.method, spec, response.status, response.body)
        except KeyError as error:
            errors = [str(error)]
        self.schema_violations.extend(
            f"{request.method} {request.path} -> {response.status}: {error}" for error in errors
        )

    def _common_headers(self) -> dict[str, str]:
        used = len(self.requests)
        reset = int((self._now + timedelta(hours=1)).timestamp())
        return {
            "X-GitHub-Media-Type": "github.v3; format=json",
            "X-GitHub-Api-Version-Selected": "2022-11-28",
            "X-GitHub-Request-Id": f"FAKE:{used:08X}",
            "X-RateLimit-Limit": str(RATE_LIMIT),
            "X-RateLimit-Remaining": str(max(RATE_LIMIT - used, 0)),
            "X-RateLimit-Reset": str(reset),
            "X-RateLimit-Used": str(min(used, RATE_LIMIT)),
            "X-RateLimit-Resource": "core",
        }

    def _match(self, method: str, segments: list[str]) -> tuple[_Route | None, dict[str, str]]:
        for route in self._routes:
            if route.method != method:
                continue
            params = _match_segments(route.pattern, segments)
            if params is not None:
                return route, params
        return None, {}

    def _build_routes(self) -> list[_Route]:
        """The route table. Each response follows the OpenAPI template of its path (``{x+}``
        captures one or more segments and reads as ``{x}``) unless another is given."""
        r, pull, issue = "/repos/{owner}/{repo}", "pulls/{pull_number}", "issues/{issue_number}"
        team_spec = "/orgs/{org}/teams/{team_slug}"
        members_spec = f"{team_spec}/members"
        table: list[tuple[str, str, Handler] | tuple[str, str, Handler, str | None]] = [
            ("GET", "/user", self._get_user),
            ("GET", "/rate_limit", self._get_rate_limit),
            ("GET", "/orgs/{org}", self._get_org),
            ("GET", "/orgs/{org}/teams/{team_slug}", self._get_team),
            ("GET", members_spec, self._get_team_members),
            # the legacy form GitHub puts in a team's "url" (PyGithub follows it for members)
            ("GET", "/organizations/{org_id}/team/{team_id}", self._get_team, team_spec),
            (
                "GET",
                "/organizations/{org_id}/team/{team_id}/members",
                self._get_team_members,
                members_spec,
            ),
            ("GET", r, self._get_repo),
            ("GET", f"{r}/pulls", self._list_pulls),
            ("GET", f"{r}/{pull}", self._get_pull),
            ("GET", f"{r}/{pull}/reviews", self._list_reviews),
            ("GET", f"{r}/{pull}/files", self._list_files),
            ("GET", f"{r}/git/trees/{{tree_sha+}}", self._get_tree),
            ("GET", f"{r}/git/blobs/{{file_sha}}", self._get_blob),
            ("GET", f"{r}/contents", self._get_contents, f"{r}/contents/{{path}}"),
            ("GET", f"{r}/contents/{{path+}}", self._get_contents),
            ("GET", f"{r}/commits/{{ref+}}/status", self._get_combined_status),
            ("GET", f"{r}/commits/{{ref+}}/statuses", self._list_statuses),
            ("GET", f"{r}/commits/{{commit_sha}}/pulls", self._list_commit_pulls),
            ("GET", f"{r}/commits", self._list_commits),
            # after the two above: "{ref+}" would swallow ".../status"
            ("GET", f"{r}/commits/{{ref+}}", self._get_commit),
            ("POST", f"{r}/statuses/{{sha}}", self._create_status),
            ("GET", f"{r}/issues/comments/{{comment_id}}", self._get_comment),
            ("PATCH", f"{r}/issues/comments/{{comment_id}}", self._edit_comment),
            ("GET", f"{r}/{issue}", self._get_issue),
            ("GET", f"{r}/{issue}/comments", self._list_comments),
            ("POST", f"{r}/{issue}/comments", self._create_comment),
            ("GET", f"{r}/{issue}/labels", self._list_issue_labels),
            ("POST", f"{r}/{issue}/labels", self._add_issue_labels_route),
            ("PUT", f"{r}/{issue}/labels", self._set_issue_labels_route),
            ("DELETE", f"{r}/{issue}/labels/{{name+}}", self._remove_issue_label),
            ("GET", f"{r}/labels", self._list_labels),
            ("POST", f"{r}/labels", self._create_label),
            ("GET", f"{r}/labels/{{name+}}", self._get_label),
            ("PATCH", f"{r}/labels/{{name+}}", self._edit_label),
            # download_url of a content file (raw.githubusercontent.com on GitHub): no schema
            ("GET", "/raw/{owner}/{repo}/{sha}/{path+}", self._get_raw, None),
        ]
        routes = []
        for method, template, handler, *spec in table:
            pattern = tuple(template.strip("/").split("/"))
            routes.append(
                _Route(method, pattern, handler, spec[0] if spec else template.replace("+}", "}"))
            )
        return routes

    # -- internals: URLs and JSON -------------------------------------------------------------

    def _api(self, repo: _Repo) -> str:
        return f"{self._base_url}/repos/{repo.owner}/{repo.name}"

    def _html(self, repo: _Repo) -> str:
        return f"{self._base_url}/{repo.owner}/{repo.name}"

    def _node_id(self, kind: str, number: int) -> str:
        return base64.b64encode(f"0{len(kind)}:{kind}{number}".encode()).decode()

    def _user_json(self, login: str) -> dict[str, Any]:
        api = f"{self._base_url}/users/{quote(login, safe='')}"
        if login.lower() in self._orgs:
            kind = "Organization"
        elif login.endswith("[bot]"):
            kind = "Bot"
        else:
            kind = "User"
        user_id = self._user_id(login)
        return {
            "login": login,
            "id": user_id,
            "node_id": self._node_id(kind, user_id),
            "avatar_url": f"{self._base_url}/avatars/u/{user_id}?v=4",
            "gravatar_id": "",
            "url": api,
            "html_url": f"{self._base_url}/{quote(login, safe='')}",
            "followers_url": f"{api}/followers",
            "following_url": f"{api}/following{{/other_user}}",
            "gists_url": f"{api}/gists{{/gist_id}}",
            "starred_url": f"{api}/starred{{/owner}}{{/repo}}",
            "subscriptions_url": f"{api}/subscriptions",
            "organizations_url": f"{api}/orgs",
            "repos_url": f"{api}/repos",
            "events_url": f"{api}/events{{/privacy}}",
            "received_events_url": f"{api}/received_events",
            "type": kind,
            "user_view_type": "public",
            "site_admin": False,
        }

    def _association(self, repo: _Repo, login: str) -> str:
        if login.lower() == repo.owner.lower():
            return "OWNER"
        org = self._orgs.get(repo.owner.lower())
        if org is not None and any(
            login.lower() in (m.lower() for m in team.members) for team in org.teams.values()
        ):
            return "MEMBER"
        if login.lower() in repo.collaborators or (
            login.lower() == self.login.lower() and not login.endswith("[bot]")
        ):
            return "COLLABORATOR"  # the default token's user can write: a collaborator
        authored = any(p.author.lower() == login.lower() for p in repo.pulls.values())
        merged = any(p.author.lower() == login.lower() and p.merged_at for p in repo.pulls.values())
        if merged:
            return "CONTRIBUTOR"
        return "FIRST_TIME_CONTRIBUTOR" if authored else "NONE"

    def _repo_json(self, repo: _Repo, *, full: bool = False) -> dict[str, Any]:
        api, html = self._api(repo), self._html(repo)
        open_count = sum(1 for p in repo.pulls.values() if p.state == "open")
        data: dict[str, Any] = {
            "id": repo.id,
            "node_id": self._node_id("Repository", repo.id),
            "name": repo.name,
            "full_name": repo.full_name,
            "private": repo.private,
            "owner": self._user_json(repo.owner),
            "html_url": html,
            "description": None,
            "fork": repo.parent is not None,
            "url": api,
            "forks_url": f"{api}/forks",
            "keys_url": f"{api}/keys{{/key_id}}",
            "collaborators_url": f"{api}/collaborators{{/collaborator}}",
            "teams_url": f"{api}/teams",
            "hooks_url": f"{api}/hooks",
            "issue_events_url": f"{api}/issues/events{{/number}}",
            "events_url": f"{api}/events",
            "assignees_url": f"{api}/assignees{{/user}}",
            "branches_url": f"{api}/branches{{/branch}}",
            "tags_url": f"{api}/tags",
            "blobs_url": f"{api}/git/blobs{{/sha}}",
            "git_tags_url": f"{api}/git/tags{{/sha}}",
            "git_refs_url": f"{api}/git/refs{{/sha}}",
            "trees_url": f"{api}/git/trees{{/sha}}",
            "statuses_url": f"{api}/statuses/{{sha}}",
            "languages_url": f"{api}/languages",
            "stargazers_url": f"{api}/stargazers",
            "contributors_url": f"{api}/contributors",
            "subscribers_url": f"{api}/subscribers",
            "subscription_url": f"{api}/subscription",
            "commits_url": f"{api}/commits{{/sha}}",
            "git_commits_url": f"{api}/git/commits{{/sha}}",
            "comments_url": f"{api}/comments{{/number}}",
            "issue_comment_url": f"{api}/issues/comments{{/number}}",
            "contents_url": f"{api}/contents/{{+path}}",
            "compare_url": f"{api}/compare/{{base}}...{{head}}",
            "merges_url": f"{api}/merges",
            "archive_url": f"{api}/{{archive_format}}{{/ref}}",
            "downloads_url": f"{api}/downloads",
            "issues_url": f"{api}/issues{{/number}}",
            "pulls_url": f"{api}/pulls{{/number}}",
            "milestones_url": f"{api}/milestones{{/number}}",
            "notifications_url": f"{api}/notifications{{?since,all,participating}}",
            "labels_url": f"{api}/labels{{/name}}",
            "releases_url": f"{api}/releases{{/id}}",
            "deployments_url": f"{api}/deployments",
            "created_at": _iso(repo.created_at),
            "updated_at": _iso(repo.pushed_at or repo.created_at),
            "pushed_at": _iso(repo.pushed_at or repo.created_at),
            "git_url": f"git://{self._base_url.split('://', 1)[1]}/{repo.full_name}.git",
            "ssh_url": f"git@127.0.0.1:{repo.full_name}.git",
            "clone_url": f"{html}.git",
            "svn_url": html,
            "homepage": None,
            "size": 0,
            "stargazers_count": 0,
            "watchers_count": 0,
            "language": None,
            "has_issues": True,
            "has_projects": False,
            "has_downloads": True,
            "has_wiki": False,
            "has_pages": False,
            "has_discussions": False,
            "forks_count": 0,
            "mirror_url": None,
            "archived": False,
            "disabled": False,
            "open_issues_count": open_count,
            "license": None,
            "allow_forking": True,
            "is_template": False,
            "web_commit_signoff_required": False,
            "topics": [],
            "visibility": "private" if repo.private else "public",
            "forks": 0,
            "open_issues": open_count,
            "watchers": 0,
            "default_branch": repo.default_branch,
        }
        if full:
            data.update(
                {
                    "permissions": {
                        "admin": False,
                        "maintain": False,
                        "push": True,
                        "triage": True,
                        "pull": True,
                    },
                    "allow_squash_merge": True,
                    "allow_merge_commit": True,
                    "allow_rebase_merge": True,
                    "allow_auto_merge": False,
                    "delete_branch_on_merge": True,
                    "network_count": 0,
                    "subscribers_count": 0,
                }
            )
            if repo.parent is not None:
                parent = self._repos[repo.parent]
                data["parent"] = data["source"] = self._repo_json(parent)
            owner = self._orgs.get(repo.owner.lower())
            if owner is not None:
                data["organization"] = self._user_json(owner.login)
        return data

    def _label_json(self, repo: _Repo, label: _Label) -> dict[str, Any]:
        return {
            "id": label.id,
            "node_id": self._node_id("Label", label.id),
            # GitHub keeps "/" raw in a label's URL: .../labels/oin/qa
            "url": f"{self._api(repo)}/labels/{quote(label.name, safe='/')}",
            "name": label.name,
            "color": label.color,
            "default": label.default,
            "description": label.description,
        }

    def _pull_json(self, repo: _Repo, pull: _Pull, *, full: bool) -> dict[str, Any]:
        api, html = self._api(repo), f"{self._html(repo)}/pull/{pull.number}"
        url = f"{api}/pulls/{pull.number}"
        issue_url = f"{api}/issues/{pull.number}"
        head_repo = self._repos[pull.head_repo]
        base_repo = repo
        data: dict[str, Any] = {
            "url": url,
            "id": pull.id,
            "node_id": self._node_id("PullRequest", pull.id),
            "html_url": html,
            "diff_url": f"{html}.diff",
            "patch_url": f"{html}.patch",
            "issue_url": issue_url,
            "number": pull.number,
            "state": pull.state,
            "locked": False,
            "title": pull.title,
            "user": self._user_json(pull.author),
            "body": pull.body,
            "created_at": _iso(pull.created_at),
            "updated_at": _iso(pull.updated_at),
            "closed_at": _iso(pull.closed_at),
            "merged_at": _iso(pull.merged_at),
            "merge_commit_sha": pull.merge_commit_sha,
            "assignee": None,
            "assignees": [],
            "requested_reviewers": [],
            "requested_teams": [],
            "labels": [self._label_json(repo, label) for label in self._issue_labels(repo, pull)],
            "milestone": None,
            "draft": pull.draft,
            "commits_url": f"{url}/commits",
            "review_comments_url": f"{url}/comments",
            "review_comment_url": f"{api}/pulls/comments{{/number}}",
            "comments_url": f"{issue_url}/comments",
            "statuses_url": f"{api}/statuses/{pull.head_sha}",
            "head": {
                "label": f"{head_repo.owner}:{pull.head_ref}",
                "ref": pull.head_ref,
                "sha": pull.head_sha,
                "user": self._user_json(head_repo.owner),
                "repo": self._repo_json(head_repo),
            },
            "base": {
                "label": f"{base_repo.owner}:{pull.base_ref}",
                "ref": pull.base_ref,
                "sha": pull.base_sha,
                "user": self._user_json(base_repo.owner),
                "repo": self._repo_json(base_repo),
            },
            "_links": {
                "self": {"href": url},
                "html": {"href": html},
                "issue": {"href": issue_url},
                "comments": {"href": f"{issue_url}/comments"},
                "review_comments": {"href": f"{url}/comments"},
                "review_comment": {"href": f"{api}/pulls/comments{{/number}}"},
                "commits": {"href": f"{url}/commits"},
                "statuses": {"href": f"{api}/statuses/{pull.head_sha}"},
            },
            "author_association": self._association(repo, pull.author),
            "auto_merge": None,
            "active_lock_reason": None,
        }
        if full:
            changes = self._changes(repo, pull)
            base_ancestors = set(self.objects.ancestors(pull.base_sha))
            commits = [c for c in self.objects.ancestors(pull.head_sha) if c not in base_ancestors]
            if pull.merged_at is not None:
                mergeable_state = "unknown"
            elif pull.draft:
                mergeable_state = "draft"
            else:
                mergeable_state = "clean"
            data.update(
                {
                    "merged": pull.merged_at is not None,
                    "mergeable": None if pull.state == "closed" else True,
                    "rebaseable": None if pull.state == "closed" else True,
                    "mergeable_state": mergeable_state,
                    "merged_by": self._user_json(pull.merged_by) if pull.merged_by else None,
                    "comments": len(pull.comments),
                    "review_comments": 0,
                    "maintainer_can_modify": head_repo is not base_repo,
                    "commits": len(commits),
                    "additions": sum(c.additions for c in changes),
                    "deletions": sum(c.deletions for c in changes),
                    "changed_files": len(changes),
                }
            )
        return data

    def _issue_json(self, repo: _Repo, pull: _Pull) -> dict[str, Any]:
        api, html = self._api(repo), f"{self._html(repo)}/pull/{pull.number}"
        url = f"{api}/issues/{pull.number}"
        return {
            "url": url,
            "repository_url": api,
            "labels_url": f"{url}/labels{{/name}}",
            "comments_url": f"{url}/comments",
            "events_url": f"{url}/events",
            "html_url": html,
            "id": pull.issue_id,
            "node_id": self._node_id("Issue", pull.issue_id),
            "number": pull.number,
            "title": pull.title,
            "user": self._user_json(pull.author),
            "labels": [self._label_json(repo, label) for label in self._issue_labels(repo, pull)],
            "state": pull.state,
            "locked": False,
            "assignee": None,
            "assignees": [],
            "milestone": None,
            "comments": len(pull.comments),
            "created_at": _iso(pull.created_at),
            "updated_at": _iso(pull.updated_at),
            "closed_at": _iso(pull.closed_at),
            "author_association": self._association(repo, pull.author),
            "active_lock_reason": None,
            "draft": pull.draft,
            "pull_request": {
                "url": f"{api}/pulls/{pull.number}",
                "html_url": html,
                "diff_url": f"{html}.diff",
                "patch_url": f"{html}.patch",
                "merged_at": _iso(pull.merged_at),
            },
            "body": pull.body,
            "closed_by": self._user_json(pull.closed_by) if pull.closed_by else None,
            "reactions": _reactions(f"{url}/reactions"),
            "timeline_url": f"{url}/timeline",
            "performed_via_github_app": None,
            "state_reason": None,
        }

    def _comment_json(self, repo: _Repo, comment: _Comment) -> dict[str, Any]:
        api = self._api(repo)
        url = f"{api}/issues/comments/{comment.id}"
        return {
            "url": url,
            "html_url": f"{self._html(repo)}/pull/{comment.number}#issuecomment-{comment.id}",
            "issue_url": f"{api}/issues/{comment.number}",
            "id": comment.id,
            "node_id": self._node_id("IssueComment", comment.id),
            "user": self._user_json(comment.author),
            "created_at": _iso(comment.created_at),
            "updated_at": _iso(comment.updated_at),
            "author_association": self._association(repo, comment.author),
            "body": comment.body,
            "reactions": _reactions(f"{url}/reactions"),
            "performed_via_github_app": None,
        }

    def _review_json(self, repo: _Repo, pull: _Pull, review: _Review) -> dict[str, Any]:
        url = f"{self._api(repo)}/pulls/{pull.number}"
        html = f"{self._html(repo)}/pull/{pull.number}#pullrequestreview-{review.id}"
        return {
            "id": review.id,
            "node_id": self._node_id("PullRequestReview", review.id),
            "user": self._user_json(review.author),
            "body": review.body,
            "state": review.state,
            "html_url": html,
            "pull_request_url": url,
            "author_association": self._association(repo, review.author),
            "_links": {"html": {"href": html}, "pull_request": {"href": url}},
            "submitted_at": _iso(review.submitted_at),
            "commit_id": review.commit_id,
        }

    def _status_json(self, repo: _Repo, status: _Status, *, simple: bool = False) -> dict[str, Any]:
        creator = self._user_json(status.creator)
        data: dict[str, Any] = {
            "url": f"{self._api(repo)}/statuses/{status.sha}",
            "avatar_url": creator["avatar_url"],
            "id": status.id,
            "node_id": self._node_id("StatusContext", status.id),
            "state": status.state,
            "description": status.description,
            "target_url": status.target_url,
            "context": status.context,
            "created_at": _iso(status.created_at),
            "updated_at": _iso(status.created_at),
        }
        if not simple:
            data["creator"] = creator
        return data

    def _org_json(self, org: _Org) -> dict[str, Any]:
        api = f"{self._base_url}/orgs/{org.login}"
        public_repos = sum(1 for r in self._repos.values() if r.owner.lower() == org.login.lower())
        return {
            "login": org.login,
            "id": org.id,
            "node_id": self._node_id("Organization", org.id),
            "url": api,
            "repos_url": f"{api}/repos",
            "events_url": f"{api}/events",
            "hooks_url": f"{api}/hooks",
            "issues_url": f"{api}/issues",
            "members_url": f"{api}/members{{/member}}",
            "public_members_url": f"{api}/public_members{{/member}}",
            "avatar_url": f"{self._base_url}/avatars/u/{org.id}?v=4",
            "description": None,
            "name": org.login,
            "blog": f"{self._base_url}/{org.login}",
            "twitter_username": None,
            "is_verified": False,
            "has_organization_projects": True,
            "has_repository_projects": True,
            "public_repos": public_repos,
            "public_gists": 0,
            "followers": 0,
            "following": 0,
            "html_url": f"{self._base_url}/{org.login}",
            "created_at": _iso(org.created_at),
            "updated_at": _iso(org.created_at),
            "archived_at": None,
            "type": "Organization",
        }

    def _team_json(self, org: _Org, team: _Team) -> dict[str, Any]:
        # GitHub's team "url" is the legacy /organizations/{org_id}/team/{team_id} form.
        url = f"{self._base_url}/organizations/{org.id}/team/{team.id}"
        organization = self._org_json(org)
        return {
            "id": team.id,
            "node_id": self._node_id("Team", team.id),
            "url": url,
            "html_url": f"{self._base_url}/orgs/{org.login}/teams/{team.slug}",
            "name": team.name,
            "slug": team.slug,
            "description": None,
            "privacy": "closed",
            "notification_setting": "notifications_enabled",
            "permission": "pull",
            "members_url": f"{url}/members{{/member}}",
            "repositories_url": f"{url}/repos",
            "parent": None,
            "members_count": len(team.members),
            "repos_count": 0,
            "created_at": _iso(team.created_at),
            "updated_at": _iso(team.created_at),
            "organization": organization,
            "type": "organization",
            "organization_id": org.id,
        }

    def _private_user_json(self, login: str) -> dict[str, Any]:
        data = self._user_json(login)
        data.update(
            {
                "user_view_type": "private",
                "name": None,
                "company": None,
                "blog": None,
                "location": None,
                "email": None,
                "hireable": None,
                "bio": None,
                "twitter_username": None,
                "notification_email": None,
                "public_repos": 0,
                "public_gists": 0,
                "followers": 0,
                "following": 0,
                "created_at": _iso(DEFAULT_NOW - timedelta(days=365)),
                "updated_at": _iso(DEFAULT_NOW - timedelta(days=365)),
                "private_gists": 0,
                "total_private_repos": 0,
                "owned_private_repos": 0,
                "disk_usage": 0,
                "collaborators": 0,
                "two_factor_authentication": True,
            }
        )
        return data

    def _file_json(self, repo: _Repo, change: Change, head: str, base: str) -> dict[str, Any]:
        ref = head if change.status != "removed" else base
        path = quote(change.filename)
        data: dict[str, Any] = {
            "sha": change.sha,
            "filename": change.filename,
            "status": change.status,
            "additions": change.additions,
            "deletions": change.deletions,
            "changes": change.additions + change.deletions,
            "blob_url": f"{self._html(repo)}/blob/{ref}/{path}",
            "raw_url": f"{self._html(repo)}/raw/{ref}/{path}",
            "contents_url": f"{self._api(repo)}/contents/{path}?ref={ref}",
        }
        if change.patch is not None:
            data["patch"] = change.patch
        if change.previous_filename is not None:
            data["previous_filename"] = change.previous_filename
        return data

    def _content_json(
        self, repo: _Repo, commit: str, ref: str, path: str, entry: Entry
    ) -> dict[str, Any]:
        api = self._api(repo)
        quoted = quote(path)
        url = f"{api}/contents/{quoted}?ref={quote(ref, safe='')}"
        if entry.type == "tree":
            kind, git_url = "dir", f"{api}/git/trees/{entry.sha}"
            html_url = f"{self._html(repo)}/tree/{ref}/{quoted}"
        elif entry.type == "commit":
            kind, git_url, html_url = "submodule", None, None
        else:
            kind = "symlink" if entry.mode == "120000" else "file"
            git_url = f"{api}/git/blobs/{entry.sha}"
            html_url = f"{self._html(repo)}/blob/{ref}/{quoted}"
        data: dict[str, Any] = {
            "type": kind,
            "size": len(self.objects.blobs[entry.sha]) if entry.type == "blob" else 0,
            "name": posixpath.basename(path),
            "path": path,
            "sha": entry.sha,
            "url": url,
            "git_url": git_url,
            "html_url": html_url,
            "download_url": (
                f"{self._base_url}/raw/{repo.owner}/{repo.name}/{commit}/{quoted}"
                if kind == "file"
                else None
            ),
            "_links": {"self": url, "git": git_url, "html": html_url},
        }
        return data

    # -- internals: pagination ----------------------------------------------------------------

    def _paginate(self, request: _Request, items: list[Any]) -> _Response:
        try:
            per_page = int(request.query.get("per_page", DEFAULT_PER_PAGE))
        except ValueError:
            per_page = DEFAULT_PER_PAGE
        per_page = min(max(per_page, 1), MAX_PER_PAGE)
        try:
            page = max(int(request.query.get("page", 1)), 1)
        except ValueError:
            page = 1
        last = max((len(items) + per_page - 1) // per_page, 1)
        chunk = items[(page - 1) * per_page : page * per_page]
        links: list[str] = []

        def link(number: int, rel: str) -> None:
            query = dict(request.query)
            query["page"] = str(number)
            links.append(f'<{self._base_url}{request.raw_path}?{urlencode(query)}>; rel="{rel}"')

        if page > 1:
            link(min(page - 1, last), "prev")
        if page < last:
            link(page + 1, "next")
            link(last, "last")
        if page > 1:
            link(1, "first")
        headers = {"Link": ", ".join(links)} if links else {}
        return _Response(200, chunk, headers)

    # -- route handlers -----------------------------------------------------------------------

    def _route_repo(self, request: _Request) -> _Repo:
        repo = self._repos.get(f"{request.params['owner']}/{request.params['repo']}".lower())
        if repo is None:
            raise GitHubError(404)
        return repo

    def _route_pull(self, request: _Request, key: str) -> tuple[_Repo, _Pull]:
        repo = self._route_repo(request)
        try:
            number = int(request.params[key])
        except ValueError:
            raise GitHubError(404) from None
        pull = repo.pulls.get(number)
        if pull is None:
            raise GitHubError(404)
        return repo, pull

    def _route_team(self, request: _Request) -> tuple[_Org, _Team]:
        if "org_id" in request.params:
            org = next(
                (o for o in self._orgs.values() if str(o.id) == request.params["org_id"]), None
            )
            team = (
                next(
                    (t for t in org.teams.values() if str(t.id) == request.params["team_id"]), None
                )
                if org
                else None
            )
        else:
            org = self._orgs.get(request.params["org"].lower())
            team = org.teams.get(request.params["team_slug"].lower()) if org else None
        if not self.can_read_teams:
            if self.teams_denied_status == 403:
                raise GitHubError(403, "Resource not accessible by integration")
            raise GitHubError(self.teams_denied_status)
        if org is None or team is None:
            raise GitHubError(404)
        return org, team

    def _requester_login(self, request: _Request) -> str:
        if request.token in self._tokens:
            return self._tokens[request.token]
        return self.read_only_login if request.token in self.read_only_tokens else self.login

    def _get_user(self, request: _Request) -> _Response:
        return _Response(200, self._private_user_json(self._requester_login(request)), {})

    def _get_rate_limit(self, request: _Request) -> _Response:
        used = len(self.requests)
        reset = int((self._now + timedelta(hours=1)).timestamp())

        def bucket(limit: int, used: int) -> dict[str, int]:
            return {"limit": limit, "used": used, "remaining": limit - used, "reset": reset}

        core = bucket(RATE_LIMIT, min(used, RATE_LIMIT))
        return _Response(
            200,
            {
                "resources": {
                    "core": core,
                    "search": bucket(30, 0),
                    "graphql": bucket(RATE_LIMIT, 0),
                    "integration_manifest": bucket(RATE_LIMIT, 0),
                    "code_search": bucket(10, 0),
                },
                "rate": core,
            },
            {},
        )

    def _get_org(self, request: _Request) -> _Response:
        org = self._orgs.get(request.params["org"].lower())
        if org is None:
            raise GitHubError(404)
        return _Response(200, self._org_json(org), {})

    def _get_team(self, request: _Request) -> _Response:
        org, team = self._route_team(request)
        return _Response(200, self._team_json(org, team), {})

    def _get_team_members(self, request: _Request) -> _Response:
        _, team = self._route_team(request)
        return self._paginate(request, [self._user_json(login) for login in team.members])

    def _get_repo(self, request: _Request) -> _Response:
        repo = self._route_repo(request)
        data = self._repo_json(repo, full=True)
        if request.token in self.read_only_tokens:
            data["permissions"].update(push=False, triage=False)
        return _Response(200, data, {})

    def _list_pulls(self, request: _Request) -> _Response:
        repo = self._route_repo(request)
        state = request.query.get("state", "open")
        if state not in ("open", "closed", "all"):
            raise _invalid("Issue", "state")
        pulls = [p for p in repo.pulls.values() if state == "all" or p.state == state]
        if "base" in request.query:
            pulls = [p for p in pulls if p.base_ref == request.query["base"]]
        if "head" in request.query:
            owner, _, ref = request.query["head"].partition(":")
            pulls = [
                p
                for p in pulls
                if self._repos[p.head_repo].owner.lower() == owner.lower()
                and (not ref or p.head_ref == ref)
            ]
        sort = request.query.get("sort", "created")
        direction = request.query.get("direction", "desc" if sort == "created" else "asc")
        keys = {
            "created": lambda p: (p.created_at, p.number),
            "updated": lambda p: (p.updated_at, p.number),
            "popularity": lambda p: (len(p.comments), p.number),
            "long-running": lambda p: (p.created_at, p.number),
        }
        pulls.sort(key=keys.get(sort, keys["created"]), reverse=direction == "desc")
        return self._paginate(request, [self._pull_json(repo, p, full=False) for p in pulls])

    def _list_commit_pulls(self, request: _Request) -> _Response:
        """Pull requests whose head or merge commit is the commit (as GitHub lists them)."""
        repo = self._route_repo(request)
        sha = request.params["commit_sha"]
        pulls = [p for p in repo.pulls.values() if sha in (p.head_sha, p.merge_commit_sha)]
        pulls.sort(key=lambda p: p.number)
        return self._paginate(request, [self._pull_json(repo, p, full=False) for p in pulls])

    def _get_pull(self, request: _Request) -> _Response:
        repo, pull = self._route_pull(request, "pull_number")
        return _Response(200, self._pull_json(repo, pull, full=True), {})

    def _list_reviews(self, request: _Request) -> _Response:
        repo, pull = self._route_pull(request, "pull_number")
        return self._paginate(request, [self._review_json(repo, pull, r) for r in pull.reviews])

    def _list_files(self, request: _Request) -> _Response:
        repo, pull = self._route_pull(request, "pull_number")
        changes = self._changes(repo, pull)[:3000]  # GitHub lists at most 3000 files
        head, base = pull.head_sha, self._merge_base(pull)
        return self._paginate(request, [self._file_json(repo, c, head, base) for c in changes])

    def _list_commits(self, request: _Request) -> _Response:
        """Commits reachable from ``sha`` (default: the default branch), newest first; with
        ``path``, only those whose tree differs there from their first parent's (GitHub's
        simplified history, without merges)."""
        repo = self._route_repo(request)
        ref = request.query.get("sha") or repo.default_branch
        start = self._resolve_ref(repo, ref)
        if start is None:
            raise GitHubError(404)
        path = request.query.get("path", "")
        seen: set[str] = set()
        todo = [start]
        found: list[str] = []
        while todo:
            sha = todo.pop()
            if sha in seen:
                continue
            seen.add(sha)
            commit = self.objects.commits[sha]
            todo.extend(commit.parents)
            if len(commit.parents) > 1:
                continue
            before = self.objects.commits[commit.parents[0]].tree if commit.parents else EMPTY_TREE
            if not path or self.objects.lookup(commit.tree, path) != self.objects.lookup(
                before, path
            ):
                found.append(sha)
        found.sort(key=lambda sha: (self.objects.commits[sha].date, sha), reverse=True)
        return self._paginate(request, [self._commit_json(repo, sha) for sha in found])

    def _get_commit(self, request: _Request) -> _Response:
        repo = self._route_repo(request)
        sha = self._resolve_ref(repo, request.params["ref"])
        if sha is None:
            raise GitHubError(422, f"No commit found for SHA: {request.params['ref']}")
        return _Response(200, self._commit_json(repo, sha), {})

    def _commit_json(self, repo: _Repo, sha: str) -> dict[str, Any]:
        commit = self.objects.commits[sha]
        api, html = self._api(repo), self._html(repo)
        parent = commit.parents[0] if commit.parents else None
        old_tree = self.objects.commits[parent].tree if parent else EMPTY_TREE
        changes = diff_trees(self.objects, old_tree, commit.tree)
        person = {
            "name": commit.author,
            "email": f"{commit.author}@users.noreply.github.com",
            "date": _iso(commit.date),
        }
        additions = sum(c.additions for c in changes)
        deletions = sum(c.deletions for c in changes)
        data = {
            "url": f"{api}/commits/{sha}",
            "sha": sha,
            "node_id": self._node_id("Commit", int(sha[:8], 16)),
            "html_url": f"{html}/commit/{sha}",
            "comments_url": f"{api}/commits/{sha}/comments",
            "commit": {
                "url": f"{api}/git/commits/{sha}",
                "author": person,
                "committer": person,
                "message": commit.message,
                "comment_count": 0,
                "tree": {"sha": commit.tree, "url": f"{api}/git/trees/{commit.tree}"},
                "verification": {
                    "verified": False,
                    "reason": "unsigned",
                    "payload": None,
                    "signature": None,
                    "verified_at": None,
                },
            },
            "author": self._user_json(commit.author),
            "committer": self._user_json(commit.author),
            "parents": [
                {"sha": p, "url": f"{api}/commits/{p}", "html_url": f"{html}/commit/{p}"}
                for p in commit.parents
            ],
            "stats": {
                "additions": additions,
                "deletions": deletions,
                "total": additions + deletions,
            },
            "files": [self._file_json(repo, c, sha, parent or sha) for c in changes],
        }
        return data

    def _get_tree(self, request: _Request) -> _Response:
        repo = self._route_repo(request)
        ref = request.params["tree_sha"]
        tree = ref.lower() if ref.lower() in self.objects.trees else None
        if tree is None:
            commit = self._resolve_ref(repo, ref)
            tree = self.objects.commits[commit].tree if commit else None
        if tree is None:
            raise GitHubError(404)
        api = self._api(repo)
        if "recursive" in request.query:
            entries = list(self.objects.walk(tree))
        else:
            entries = sorted(self.objects.trees[tree].items())
        items = []
        for path, entry in entries:
            item: dict[str, Any] = {
                "path": path,
                "mode": entry.mode,
                "type": entry.type,
                "sha": entry.sha,
            }
            if entry.type == "blob":
                item["size"] = len(self.objects.blobs[entry.sha])
                item["url"] = f"{api}/git/blobs/{entry.sha}"
            elif entry.type == "tree":
                item["url"] = f"{api}/git/trees/{entry.sha}"
            items.append(item)
        return _Response(
            200,
            {"sha": tree, "url": f"{api}/git/trees/{tree}", "tree": items, "truncated": False},
            {},
        )

    def _get_blob(self, request: _Request) -> _Response:
        repo = self._route_repo(request)
        sha = request.params["file_sha"].lower()
        data = self.objects.blobs.get(sha)
        if data is None:
            raise GitHubError(404)
        return _Response(
            200,
            {
                "sha": sha,
                "node_id": self._node_id("Blob", int(sha[:8], 16)),
                "size": len(data),
                "url": f"{self._api(repo)}/git/blobs/{sha}",
                "content": _base64_lines(data),
                "encoding": "base64",
            },
            {},
        )

    def _get_contents(self, request: _Request) -> _Response:
        repo = self._route_repo(request)
        path = request.params.get("path", "").strip("/")
        ref = request.query.get("ref") or repo.default_branch
        commit = self._resolve_ref(repo, ref)
        if commit is None:
            raise GitHubError(404, f"No commit found for the ref {ref}")
        tree = self.objects.commits[commit].tree
        entry = self.objects.lookup(tree, path)
        if entry is None:
            raise GitHubError(404)
        if entry.type == "tree":
            listing = [
                self._content_json(repo, commit, ref, f"{path}/{name}" if path else name, child)
                for name, child in sorted(self.objects.trees[entry.sha].items())
            ]
            return _Response(200, listing, {})
        if entry.mode == "120000":
            # GitHub follows a symlink to a file in the repository and returns that file.
            target = posixpath.normpath(
                posixpath.join(posixpath.dirname(path), self.objects.blobs[entry.sha].decode())
            )
            followed = None if target.startswith("..") else self.objects.lookup(tree, target)
            if followed is not None and followed.type == "blob" and followed.mode != "120000":
                path, entry = target, followed
            else:
                data = self._content_json(repo, commit, ref, path, entry)
                data["target"] = self.objects.blobs[entry.sha].decode()
                return _Response(200, data, {})
        data = self._content_json(repo, commit, ref, path, entry)
        if entry.type == "commit":
            data["submodule_git_url"] = self.objects.submodule_urls.get(
                entry.sha, Submodule(entry.sha).url
            )
            return _Response(200, data, {})
        blob = self.objects.blobs[entry.sha]
        if len(blob) > CONTENTS_INLINE_LIMIT:
            data.update(content="", encoding="none")
        else:
            data.update(content=_base64_lines(blob), encoding="base64")
        return _Response(200, data, {})

    def _get_raw(self, request: _Request) -> _Response:
        repo = self._route_repo(request)
        commit = self._resolve_ref(repo, request.params["sha"])
        entry = (
            self.objects.lookup(self.objects.commits[commit].tree, request.params["path"])
            if commit
            else None
        )
        if entry is None or entry.type != "blob":
            raise GitHubError(404)
        return _Response(
            200, self.objects.blobs[entry.sha], {"Content-Type": "text/plain; charset=utf-8"}
        )

    def _ref_statuses(self, request: _Request) -> tuple[_Repo, str, list[_Status]]:
        repo = self._route_repo(request)
        sha = self._resolve_ref(repo, request.params["ref"])
        if sha is None:
            raise GitHubError(404, f"No commit found for SHA: {request.params['ref']}")
        return repo, sha, repo.statuses.get(sha, [])

    def _get_combined_status(self, request: _Request) -> _Response:
        repo, sha, statuses = self._ref_statuses(request)
        latest = _latest_per_context(statuses)
        api = self._api(repo)
        return _Response(
            200,
            {
                "state": _combined_state(latest),
                "statuses": [self._status_json(repo, s, simple=True) for s in latest],
                "sha": sha,
                "total_count": len(latest),
                "repository": self._repo_json(repo),
                "commit_url": f"{api}/commits/{sha}",
                "url": f"{api}/commits/{sha}/status",
            },
            {},
        )

    def _list_statuses(self, request: _Request) -> _Response:
        repo, _, statuses = self._ref_statuses(request)
        newest_first = sorted(statuses, key=lambda s: s.id, reverse=True)
        return self._paginate(request, [self._status_json(repo, s) for s in newest_first])

    def _create_status(self, request: _Request) -> _Response:
        repo = self._route_repo(request)
        body = _object_body(request)
        state = body.get("state")
        if state not in STATUS_STATES:
            raise _invalid(
                "Status", "state", "custom", f"state is not included in the list: {state!r}"
            )
        context = body.get("context") or "default"
        description = body.get("description")
        target_url = body.get("target_url")
        for name, value in (
            ("context", context),
            ("description", description),
            ("target_url", target_url),
        ):
            if value is not None and not isinstance(value, str):
                raise _invalid("Status", name)
        if description is not None and len(description) > 140:
            raise _invalid(
                "Status",
                "description",
                "custom",
                "description is too long (maximum is 140 characters)",
            )
        sha = request.params["sha"].lower()
        status = self._add_status(
            repo,
            sha,
            context,
            state,
            description or None,
            target_url or None,
            self._requester_login(request),
        )
        data = self._status_json(repo, status)
        return _Response(201, data, {"Location": data["url"]})

    def _get_comment(self, request: _Request) -> _Response:
        repo, comment = self._route_comment(request)
        return _Response(200, self._comment_json(repo, comment), {})

    def _route_comment(self, request: _Request) -> tuple[_Repo, _Comment]:
        repo = self._route_repo(request)
        try:
            comment_id = int(request.params["comment_id"])
        except ValueError:
            raise GitHubError(404) from None
        where = self._comment_index.get(comment_id)
        if where is None or where[0] != repo.full_name.lower():
            raise GitHubError(404)
        pull = repo.pulls[where[1]]
        comment = next(c for c in pull.comments if c.id == comment_id)
        return repo, comment

    def _edit_comment(self, request: _Request) -> _Response:
        repo, comment = self._route_comment(request)
        body = _comment_body(request)
        comment.body = body
        comment.updated_at = self._now
        return _Response(200, self._comment_json(repo, comment), {})

    def _get_issue(self, request: _Request) -> _Response:
        repo, pull = self._route_pull(request, "issue_number")
        return _Response(200, self._issue_json(repo, pull), {})

    def _list_comments(self, request: _Request) -> _Response:
        repo, pull = self._route_pull(request, "issue_number")
        return self._paginate(request, [self._comment_json(repo, c) for c in pull.comments])

    def _create_comment(self, request: _Request) -> _Response:
        repo, pull = self._route_pull(request, "issue_number")
        comment = self._add_comment(
            repo, pull, self._requester_login(request), _comment_body(request)
        )
        data = self._comment_json(repo, comment)
        return _Response(201, data, {"Location": data["url"]})

    def _list_issue_labels(self, request: _Request) -> _Response:
        repo, pull = self._route_pull(request, "issue_number")
        return self._paginate(
            request, [self._label_json(repo, label) for label in self._issue_labels(repo, pull)]
        )

    def _issue_labels_response(self, repo: _Repo, pull: _Pull) -> _Response:
        return _Response(
            200, [self._label_json(repo, label) for label in self._issue_labels(repo, pull)], {}
        )

    def _add_issue_labels_route(self, request: _Request) -> _Response:
        repo, pull = self._route_pull(request, "issue_number")
        self._add_issue_labels(repo, pull, _label_names(request))
        return self._issue_labels_response(repo, pull)

    def _set_issue_labels_route(self, request: _Request) -> _Response:
        repo, pull = self._route_pull(request, "issue_number")
        names = _label_names(request)
        pull.labels.clear()
        self._add_issue_labels(repo, pull, names)
        return self._issue_labels_response(repo, pull)

    def _remove_issue_label(self, request: _Request) -> _Response:
        repo, pull = self._route_pull(request, "issue_number")
        label = repo.label_named(request.params["name"])
        if label is None or label.id not in pull.labels:
            raise GitHubError(404, "Label does not exist")
        pull.labels.remove(label.id)
        pull.updated_at = self._now
        return self._issue_labels_response(repo, pull)

    def _list_labels(self, request: _Request) -> _Response:
        repo = self._route_repo(request)
        return self._paginate(
            request, [self._label_json(repo, label) for label in repo.labels.values()]
        )

    def _create_label(self, request: _Request) -> _Response:
        repo = self._route_repo(request)
        body = _object_body(request)
        name = body.get("name")
        if not isinstance(name, str) or not name.strip():
            raise _invalid("Label", "name", "missing_field")
        if repo.label_named(name) is not None:
            raise _invalid("Label", "name", "already_exists")
        color = _label_color(body.get("color", "ededed"))
        description = _label_description(body.get("description"))
        label = _Label(self._id(), name, color, description)
        repo.labels[label.id] = label
        data = self._label_json(repo, label)
        return _Response(201, data, {"Location": data["url"]})

    def _route_label(self, request: _Request) -> tuple[_Repo, _Label]:
        repo = self._route_repo(request)
        label = repo.label_named(request.params["name"])
        if label is None:
            raise GitHubError(404)
        return repo, label

    def _get_label(self, request: _Request) -> _Response:
        repo, label = self._route_label(request)
        return _Response(200, self._label_json(repo, label), {})

    def _edit_label(self, request: _Request) -> _Response:
        repo, label = self._route_label(request)
        body = _object_body(request)
        new_name = body.get("new_name", body.get("name"))
        if new_name is not None:
            if not isinstance(new_name, str) or not new_name.strip():
                raise _invalid("Label", "name")
            other = repo.label_named(new_name)
            if other is not None and other is not label:
                raise _invalid("Label", "name", "already_exists")
            label.name = new_name
        if "color" in body:
            label.color = _label_color(body["color"])
        if "description" in body:
            label.description = _label_description(body["description"])
        return _Response(200, self._label_json(repo, label), {})


# -- helpers ----------------------------------------------------------------------------------


def _utc(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise ValueError("fake.now must be timezone-aware (UTC)")
    return value.astimezone(UTC)


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _base64_lines(data: bytes) -> str:
    """Base64 the way GitHub sends it: 60-character lines, each ending in a newline."""
    encoded = base64.b64encode(data).decode()
    return "".join(encoded[i : i + 60] + "\n" for i in range(0, len(encoded), 60))


def _reactions(url: str) -> dict[str, Any]:
    keys = ("+1", "-1", "laugh", "hooray", "confused", "heart", "rocket", "eyes")
    return {"url": url, "total_count": 0, **dict.fromkeys(keys, 0)}


def _match_segments(pattern: tuple[str, ...], segments: list[str]) -> dict[str, str] | None:
    greedy = [i for i, part in enumerate(pattern) if part.endswith("+}")]
    if not greedy:
        if len(pattern) != len(segments):
            return None
        pairs = list(zip(pattern, segments, strict=True))
        rest: tuple[str, str] | None = None
    else:
        g = greedy[0]
        tail = len(pattern) - g - 1
        if len(segments) < len(pattern):
            return None
        middle = segments[g : len(segments) - tail]
        if not middle or any(not part for part in middle):
            return None
        pairs = list(zip(pattern[:g], segments[:g], strict=True))
        pairs += list(zip(pattern[g + 1 :], segments[len(segments) - tail :], strict=True))
        rest = (pattern[g][1:-2], "/".join(middle))
    params: dict[str, str] = {}
    for part, segment in pairs:
        if part.startswith("{"):
            if not segment:
                return None
            params[part[1:-1]] = segment
        elif part != segment:
            return None
    if rest is not None:
        params[rest[0]] = rest[1]
    return params


def _latest_per_context(statuses: list[_Status]) -> list[_Status]:
    latest: dict[str, _Status] = {}
    for status in sorted(statuses, key=lambda s: s.id):
        latest[status.context] = status
    return sorted(latest.values(), key=lambda s: s.id, reverse=True)


def _combined_state(latest: list[_Status]) -> str:
    states = {status.state for status in latest}
    if states & {"error", "failure"}:
        return "failure"
    if not states or "pending" in states:
        return "pending"
    return "success"


def _invalid(
    resource: str, field: str, code: str = "invalid", message: str | None = None
) -> GitHubError:
    """GitHub's 422 "Validation Failed" with one entry in ``errors``."""
    error: dict[str, Any] = {"resource": resource, "field": field, "code": code}
    if message is not None:
        error["message"] = message
    return GitHubError(422, errors=[error])


def _object_body(request: _Request) -> dict[str, Any]:
    if request.json is None:
        return {}
    if not isinstance(request.json, dict):
        raise GitHubError(400, "Problems parsing JSON")
    return request.json


def _comment_body(request: _Request) -> str:
    body = _object_body(request).get("body")
    if not isinstance(body, str) or not body:
        raise _invalid("IssueComment", "body", "missing_field")
    if len(body) > 65536:
        raise _invalid(
            "IssueComment", "body", "custom", "body is too long (maximum is 65536 characters)"
        )
    return body


def _label_names(request: _Request) -> list[str]:
    """Label names from ``{"labels": [...]}`` or a bare list, of names or ``{"name": ...}``."""
    payload = request.json
    if isinstance(payload, dict):
        payload = payload.get("labels")
    if not isinstance(payload, list):
        raise _invalid("Label", "labels")
    names: list[str] = []
    for item in payload:
        name = item.get("name") if isinstance(item, dict) else item
        if not isinstance(name, str) or not name.strip():
            raise _invalid("Label", "name")
        names.append(name)
    return names


def _label_color(value: Any) -> str:
    color = value.lstrip("#") if isinstance(value, str) else ""
    if not re.fullmatch(r"[0-9a-fA-F]{6}", color):
        raise _invalid("Label", "color")
    return color.lower()


def _label_description(value: Any) -> str | None:
    if value is not None and (not isinstance(value, str) or len(value) > 100):
        raise _invalid("Label", "description")
    return value or None


def iter_routes() -> Iterator[tuple[str, str]]:
    """``(METHOD, OpenAPI template)`` of every vendored route the fake serves."""
    seen: set[tuple[str, str]] = set()
    for route in FakeGitHub()._routes:
        if route.spec is not None and (route.method, route.spec) not in seen:
            seen.add((route.method, route.spec))
            yield route.method, route.spec
