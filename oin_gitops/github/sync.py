"""Reconcile a pull request with its computed state: labels, the ``oin/review`` status, the
sticky comment, and one comment per change of state. Writes only what differs, so a second run
with nothing changed makes no write call, and a run that died halfway converges on the next.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from github import GithubException
from github.IssueComment import IssueComment
from github.PullRequest import PullRequest
from requests.exceptions import RequestException

from oin_gitops.github.client import BotError, explain
from oin_gitops.github.facts import PullData, Reader
from oin_gitops.reporters import Context
from oin_gitops.reporters import markdown as markdown_report
from oin_gitops.review import comment
from oin_gitops.review.queue import QueueInfo, Stay, queue_info
from oin_gitops.review.state import PREFIX, Decision, labels, review_status, state

REVIEW_CONTEXT = "oin/review"
HELD = "oin/action-required"
RECHECKED = frozenset({HELD, "oin/approved"})
STATE_NOTE = "<!-- oin-gitops:state "
# GitHub refuses comments over 65,536 characters; the lint part is cut to fit.
LINT_BUDGET = 40_000

Clock = Callable[[], datetime]


@dataclass
class Outcome:
    """What one sync of one pull request decided and wrote."""

    number: int
    decision: Decision
    labels: frozenset[str]
    writes: list[str] = field(default_factory=list)


@dataclass
class Syncer:
    """Writes one pull request's labels, ``oin/review`` status, sticky comment and state-change
    comments. The bot knows its comments by their hidden marker, whoever posted them (the
    workflow's ``github-actions[bot]``, a GitHub App's bot, a person's token), but a marker
    counts only in a comment from a trusted author (``trusted``): anyone can type a marker."""

    reader: Reader
    clock: Clock
    context: Context = field(default_factory=Context)
    # Tries at creating one comment; after a 5xx or a dropped connection the comments are
    # listed again first, since GitHub may have created it anyway.
    comment_attempts: int = 3
    _stays: list[Stay] | None = None
    _comments: dict[int, list[IssueComment]] = field(default_factory=dict)

    def comments(self, pr: PullRequest) -> list[IssueComment]:
        if pr.number not in self._comments:
            self._comments[pr.number] = list(pr.get_issue_comments())
        return self._comments[pr.number]

    def trusted(self, pr: PullRequest, item: IssueComment) -> bool:
        """Whether ``item`` may speak for the bot on ``pr`` (see ``_trusted``)."""
        return _trusted(item, pr.user.login if pr.user else "", self.reader.config.maintainers)

    def _ours(self, pr: PullRequest, prefix: str) -> list[IssueComment]:
        """The trusted comments whose body starts with ``prefix``, oldest first."""
        return [c for c in self.comments(pr) if c.body.startswith(prefix) and self.trusted(pr, c)]

    def sticky(self, pr: PullRequest) -> IssueComment | None:
        """The oldest trusted sticky comment. Older versions of the bot, which knew their
        comments by a login, may have left duplicates: the oldest one is kept up to date (it
        is where the conversation starts and its history is the longest); the others are left
        as they are, and their markers are not read."""
        found = self._ours(pr, comment.MARKER_PREFIX)
        return found[0] if found else None

    def stays(self) -> list[Stay]:
        """Every stay of every open pull request, from their sticky comments' markers."""
        if self._stays is None:
            found: list[Stay] = []
            for pr in self.reader.open_pulls():
                sticky = self.sticky(pr)
                marker = comment.parse_marker(sticky.body) if sticky else None
                if marker is not None:
                    found += comment.stays(pr.number, marker)
            self._stays = found
        return self._stays

    def plan(self, data: PullData) -> tuple[Decision, comment.Marker, QueueInfo | None, str]:
        """The decision, the new marker, the queue and the sticky body: computed, not written."""
        decision = state(data.facts)
        sticky = self.sticky(data.pr)
        old = comment.parse_marker(sticky.body) if sticky else None
        marker = comment.advance(old, decision.label, self.clock())
        queue = None
        if decision.label is not None and data.pr.state == "open":
            others = [s for s in self.stays() if s.number != data.pr.number]
            queue = queue_info(
                data.pr.number, decision.label, [*others, *comment.stays(data.pr.number, marker)]
            )
        lint = (
            markdown_report.render_limited(data.report, self.context, LINT_BUDGET)
            if data.report
            else ""
        )
        return (
            decision,
            marker,
            queue,
            comment.sticky_body(data.facts, decision, marker, lint, queue),
        )

    def sync(self, number: int, head_sha: str | None = None) -> Outcome:
        """Read pull request ``number`` fresh and write what differs from its computed state."""
        try:
            return self._sync(number, head_sha)
        except GithubException as exc:
            raise explain(exc, f"sync pull request #{number}") from None
        except RequestException as exc:
            raise BotError(
                f"the connection to GitHub failed while syncing pull request #{number} "
                f"({type(exc).__name__}); the next run finishes the job"
            ) from None

    def _sync(self, number: int, head_sha: str | None) -> Outcome:
        data = self.reader.read(number)
        if head_sha is not None and head_sha != data.facts.head_sha:
            raise BotError(
                f"the check artifact names commit {head_sha[:12]}, but pull request #{number} is at "
                f"{data.facts.head_sha[:12]}; a newer check run will sync it"
            )
        decision, _marker, _queue, body = self.plan(data)
        outcome = Outcome(number, decision, labels(data.facts))
        self._labels(data.pr, outcome)
        self._status(data, decision, outcome)
        # The sticky comment first: on a new pull request it is the bot's first comment.
        self._sticky(data.pr, body, outcome)
        self._announce(data, decision, outcome)
        if outcome.writes:
            self._stays = None  # this pull request's place in the queues may have moved
        return outcome

    def _labels(self, pr: PullRequest, outcome: Outcome) -> None:
        current = {label.name for label in pr.labels if label.name.startswith(PREFIX)}
        missing = sorted(outcome.labels - current)
        if missing:
            with _writing(pr.number, "add labels", "pull-requests: write"):
                pr.add_to_labels(*missing)
            outcome.writes.append("labels+" + ",".join(missing))
        for name in sorted(current - outcome.labels):
            with _writing(pr.number, "remove labels", "pull-requests: write"):
                try:
                    pr.remove_from_labels(name)
                except GithubException as exc:
                    # Not there (any more): removed by someone, or by a retried DELETE.
                    if exc.status != 404:
                        raise
            outcome.writes.append(f"labels-{name}")

    def _status(self, data: PullData, decision: Decision, outcome: Outcome) -> None:
        if data.pr.state != "open":
            return
        wanted, description = review_status(decision)
        commit = self.reader.repo.get_commit(data.facts.head_sha)
        current = [s for s in commit.get_combined_status().statuses if s.context == REVIEW_CONTEXT]
        if current and (current[0].state, current[0].description) == (wanted, description):
            return
        with _writing(data.pr.number, f"set the {REVIEW_CONTEXT} status", "statuses: write"):
            commit.create_status(wanted, description=description, context=REVIEW_CONTEXT)
        outcome.writes.append(f"status {wanted}")

    def _announce(self, data: PullData, decision: Decision, outcome: Outcome) -> None:
        """One short comment per change of state; the comment carries the state it announced,
        so a run that died after posting it does not post it twice."""
        if decision.label is None:
            return
        announced = self._ours(data.pr, STATE_NOTE)
        note = f"{STATE_NOTE}{decision.label} -->"
        if announced and announced[-1].body.startswith(note):
            return
        body = f"{note}\n{comment.state_change_body(data.facts, decision)}"
        with _writing(data.pr.number, "comment on pull requests", "pull-requests: write"):
            self._create(data.pr, body, lambda c: c.body == body)
        outcome.writes.append(f"announce {decision.label}")

    def _sticky(self, pr: PullRequest, body: str, outcome: Outcome) -> None:
        existing = self.sticky(pr)
        with _writing(pr.number, "comment on pull requests", "pull-requests: write"):
            if existing is None:
                self._create(pr, body, lambda c: c.body.startswith(comment.MARKER_PREFIX))
                outcome.writes.append("sticky created")
            elif existing.body != body:
                existing.edit(body)
                outcome.writes.append("sticky updated")

    def _create(
        self, pr: PullRequest, body: str, same: Callable[[IssueComment], bool]
    ) -> IssueComment:
        """Create a comment once. Creating is not safe to repeat blindly: after a 5xx or a
        dropped connection GitHub may have created it, so the comments are listed again and a
        new trusted one that is ``same`` is taken instead of creating another (find-before-
        create). Rate limits are retried by the client (GitHub did not act on them)."""
        before = {c.id for c in self.comments(pr)}
        for attempt in range(1, self.comment_attempts + 1):
            try:
                created = pr.create_issue_comment(body)
            except GithubException as exc:
                if exc.status < 500 or attempt == self.comment_attempts:
                    raise
            except RequestException:
                if attempt == self.comment_attempts:
                    raise
            else:
                self.comments(pr).append(created)
                return created
            self._comments.pop(pr.number, None)
            found = next(
                (
                    c
                    for c in self.comments(pr)
                    if c.id not in before and same(c) and self.trusted(pr, c)
                ),
                None,
            )
            if found is not None:
                return found
        raise AssertionError("unreachable: the last attempt returns or raises")


@contextmanager
def _writing(number: int, step: str, permission: str) -> Iterator[None]:
    """A write of pull request ``number``'s sync: a GitHub error names ``step`` and the
    ``permission`` it needs."""
    try:
        yield
    except GithubException as exc:
        raise explain(
            exc, f"sync pull request #{number}", step=step, permission=permission
        ) from None


# author_association values of accounts with (at least) access to the repository's insides.
WRITERS = frozenset({"OWNER", "MEMBER", "COLLABORATOR"})


def _trusted(item: IssueComment, author: str, maintainers: Iterable[str]) -> bool:
    """Whether a comment's marker may be believed, whatever account posts the bot's comments.

    Anyone can type a marker into a comment, so it counts only from a GitHub App's bot
    account (``user.type == "Bot"``: only apps installed on the repository, GitHub Actions
    among them, can comment there) or from someone with access to the repository
    (``author_association`` OWNER, MEMBER or COLLABORATOR: the bot run with a person's token)
    who is not the pull request's ``author``, unless that author is one of the
    ``maintainers``. The ISV who opened the pull request and passers-by cannot fake the
    recorded states (the queue) or suppress an announcement."""
    user = item.user
    if user is None:
        return False
    if getattr(user, "type", None) == "Bot":
        return True
    if (item.author_association or "").upper() not in WRITERS:
        return False
    login = user.login.casefold()
    return login != author.casefold() or login in {m.casefold() for m in maintainers}


def sync_one(syncer: Syncer, number: int, head_sha: str | None = None) -> list[Outcome]:
    """Sync one pull request; when it is closed, then also the open pull requests whose verdict
    its closing may change (see ``recheck``)."""
    outcomes = [syncer.sync(number, head_sha)]
    if number not in {p.number for p in syncer.reader.open_pulls()}:
        outcomes += recheck(syncer, {number})
    return outcomes


def recheck(syncer: Syncer, done: set[int]) -> list[Outcome]:
    """Re-read the open pull requests not synced yet in this run that a closed or merged one
    may have changed: those held in ``oin/action-required`` (a place under their org's limit
    may be free) and those in ``oin/approved`` (the base moved: a name merged meanwhile may
    collide with theirs, and an approval must hold for the tree they would merge into)."""
    return [
        syncer.sync(p.number)
        for p in syncer.reader.open_pulls()
        if p.number not in done and _state_label(p) in RECHECKED
    ]


def sync_all(
    syncer: Syncer, closed_within_hours: float = 48, quiet_hours: float | None = 2
) -> list[Outcome]:
    """The hourly backstop, touching only pull requests whose facts may have changed.

    Read fresh: open pull requests updated in the last ``quiet_hours`` (an event the check
    workflow may have missed), those closed in the last ``closed_within_hours`` and not yet
    final, every open pull request waiting in a stage whose queue moved in this run, and,
    when a pull request closed in the last ``quiet_hours``, those held in
    ``oin/action-required`` or waiting in ``oin/approved`` (see ``recheck``). Quiet pull requests cost one
    listing and nothing else. ``quiet_hours=None`` reads all.
    """
    now = syncer.clock()
    quiet_since = now - timedelta(hours=quiet_hours) if quiet_hours is not None else None
    open_pulls = syncer.reader.open_pulls()
    due = [
        p
        for p in open_pulls
        if quiet_since is None or p.updated_at is None or p.updated_at >= quiet_since
    ]
    rest = [p for p in open_pulls if p not in due]
    outcomes = [syncer.sync(p.number) for p in due]
    closed = _recently_closed(syncer, now - timedelta(hours=closed_within_hours))
    outcomes += [syncer.sync(pr.number) for pr in closed if not _final(pr)]
    moved = {
        label
        for p, o in zip(due, outcomes, strict=False)
        if o.writes
        for label in (_state_label(p), o.decision.label)
    }
    outcomes += [syncer.sync(p.number) for p in rest if _state_label(p) in moved - {None}]
    if any(quiet_since is not None and pr.updated_at >= quiet_since for pr in closed):
        outcomes += recheck(syncer, {o.number for o in outcomes})
    return outcomes


def _recently_closed(syncer: Syncer, since: datetime) -> list[PullRequest]:
    """Closed pull requests updated since ``since``, most recent first."""
    found = []
    for pr in syncer.reader.repo.get_pulls(state="closed", sort="updated", direction="desc"):
        if pr.updated_at is None or pr.updated_at < since:
            break
        found.append(pr)
    return found


def _final(pr: PullRequest) -> bool:
    return bool({label.name for label in pr.labels} & {"oin/published", "oin/withdrawn"})


def _state_label(pr: PullRequest) -> str | None:
    from oin_gitops.review.labels import STATES

    names = {label.name for label in pr.labels}
    return next((state for state in STATES if state in names), None)
