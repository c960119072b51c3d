"""Reconcile a pull request with its computed state: labels, the ``oin/review`` status, the
sticky comment, and one comment per change of state. Writes only what differs, so a second run
with nothing changed makes no write call, and a run that died halfway converges on the next.
"""

from __future__ import annotations

from collections.abc import Callable
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
    reader: Reader
    clock: Clock
    bot_login: str = "github-actions[bot]"
    context: Context = field(default_factory=Context)
    _stays: list[Stay] | None = None
    _comments: dict[int, list[IssueComment]] = field(default_factory=dict)

    def comments(self, pr: PullRequest) -> list[IssueComment]:
        if pr.number not in self._comments:
            self._comments[pr.number] = list(pr.get_issue_comments())
        return self._comments[pr.number]

    def sticky(self, pr: PullRequest) -> IssueComment | None:
        for item in self.comments(pr):
            if _by(item, self.bot_login) and item.body.startswith(comment.MARKER_PREFIX):
                return item
        return None

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
        self._announce(data, decision, outcome)
        self._sticky(data.pr, body, outcome)
        if outcome.writes:
            self._stays = None  # this pull request's place in the queues may have moved
        return outcome

    def _labels(self, pr: PullRequest, outcome: Outcome) -> None:
        current = {label.name for label in pr.labels if label.name.startswith(PREFIX)}
        missing = sorted(outcome.labels - current)
        if missing:
            pr.add_to_labels(*missing)
            outcome.writes.append("labels+" + ",".join(missing))
        for name in sorted(current - outcome.labels):
            pr.remove_from_labels(name)
            outcome.writes.append(f"labels-{name}")

    def _status(self, data: PullData, decision: Decision, outcome: Outcome) -> None:
        if data.pr.state != "open":
            return
        wanted, description = review_status(decision)
        commit = self.reader.repo.get_commit(data.facts.head_sha)
        current = [s for s in commit.get_combined_status().statuses if s.context == REVIEW_CONTEXT]
        if current and (current[0].state, current[0].description) == (wanted, description):
            return
        commit.create_status(wanted, description=description, context=REVIEW_CONTEXT)
        outcome.writes.append(f"status {wanted}")

    def _announce(self, data: PullData, decision: Decision, outcome: Outcome) -> None:
        """One short comment per change of state; the comment carries the state it announced,
        so a run that died after posting it does not post it twice."""
        if decision.label is None:
            return
        announced = [
            c
            for c in self.comments(data.pr)
            if _by(c, self.bot_login) and c.body.startswith(STATE_NOTE)
        ]
        if announced and announced[-1].body.startswith(f"{STATE_NOTE}{decision.label} -->"):
            return
        body = (
            f"{STATE_NOTE}{decision.label} -->\n{comment.state_change_body(data.facts, decision)}"
        )
        self.comments(data.pr).append(data.pr.create_issue_comment(body))
        outcome.writes.append(f"announce {decision.label}")

    def _sticky(self, pr: PullRequest, body: str, outcome: Outcome) -> None:
        existing = self.sticky(pr)
        if existing is None:
            self.comments(pr).insert(0, pr.create_issue_comment(body))
            outcome.writes.append("sticky created")
        elif existing.body != body:
            existing.edit(body)
            outcome.writes.append("sticky updated")


def _by(item: IssueComment, login: str) -> bool:
    return item.user is not None and item.user.login.casefold() == login.casefold()


def sync_all(
    syncer: Syncer, closed_within_hours: float = 48, quiet_hours: float | None = 2
) -> list[Outcome]:
    """The hourly backstop, touching only pull requests whose facts may have changed.

    Read fresh: open pull requests updated in the last ``quiet_hours`` (an event the check
    workflow may have missed), those closed in the last ``closed_within_hours`` and not yet
    final, and then every open pull request waiting in a stage whose queue moved in this run.
    Quiet pull requests cost one listing and nothing else. ``quiet_hours=None`` reads all.
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
    outcomes += [
        syncer.sync(n) for n in _recently_closed(syncer, now - timedelta(hours=closed_within_hours))
    ]
    moved = {
        label
        for p, o in zip(due, outcomes, strict=False)
        if o.writes
        for label in (_state_label(p), o.decision.label)
    }
    outcomes += [syncer.sync(p.number) for p in rest if _state_label(p) in moved - {None}]
    return outcomes


def _recently_closed(syncer: Syncer, since: datetime) -> list[int]:
    numbers = []
    for pr in syncer.reader.repo.get_pulls(state="closed", sort="updated", direction="desc"):
        if pr.updated_at is None or pr.updated_at < since:
            break
        if not {label.name for label in pr.labels} & {"oin/published", "oin/withdrawn"}:
            numbers.append(pr.number)
    return numbers


def _state_label(pr: PullRequest) -> str | None:
    from oin_gitops.review.labels import STATES

    names = {label.name for label in pr.labels}
    return next((state for state in STATES if state in names), None)
