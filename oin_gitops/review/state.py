"""``state(facts)``: the one review-state label of a pull request (the first matching row of the
table in DESIGN §6), why, and what the ISV must do next; the labels and the commit status."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from oin_gitops.review import labels as names
from oin_gitops.review.labels import PREFIX
from oin_gitops.review.model import KINDS, PROTOCOLS, Facts, Review, Reviewers, Verdict

__all__ = ["PREFIX", "Decision", "labels", "review_status", "state"]

# Only approvals and change requests by configured reviewers count; GitHub turns a dismissed
# review's state into DISMISSED, so a dismissed review never counts.
_COUNTING = frozenset({Verdict.APPROVED, Verdict.CHANGES_REQUESTED})
STATUS_LIMIT = 140


@dataclass(frozen=True)
class Decision:
    """The state ``label`` (None: the pull request touches no submission), ``reason`` (why, plain
    text) and ``next_step`` (what the ISV must do now, plain text)."""

    label: str | None
    reason: str
    next_step: str


@dataclass(frozen=True)
class _Verdicts:
    """The reviews, reduced to the questions the table asks."""

    blocking: tuple[Review, ...]  # latest counting review of a reviewer: changes, on the head
    qa_approval: Review | None  # latest counting review of a QA reviewer: approves the head
    initial_approval: Review | None  # the first approval by an initial reviewer, ever
    qa_change_request: Review | None  # the last QA change request on an earlier commit
    stale_qa_approval: Review | None  # latest of a QA reviewer: approves an earlier commit


def _first(reviews: Iterable[Review]) -> Review | None:
    return next(iter(reviews), None)


def _latest(counting: list[Review]) -> list[Review]:
    """Each reviewer's latest counting review, in order of the reviewer's first review."""
    latest: dict[str, Review] = {}
    for review in counting:
        latest[review.author.lower()] = review
    return list(latest.values())


def _verdicts(facts: Facts) -> _Verdicts:
    who: Reviewers = facts.reviewers
    head = facts.head_sha
    counting = [r for r in facts.reviews if r.verdict in _COUNTING and who.is_reviewer(r.author)]
    latest = _latest(counting)
    changes = Verdict.CHANGES_REQUESTED
    approved = Verdict.APPROVED
    qa_latest = [r for r in latest if who.is_qa(r.author)]
    return _Verdicts(
        blocking=tuple(r for r in latest if r.verdict is changes and r.commit == head),
        qa_approval=_first(r for r in qa_latest if r.verdict is approved and r.commit == head),
        initial_approval=_first(
            r for r in counting if r.verdict is approved and who.is_initial(r.author)
        ),
        qa_change_request=_first(
            r
            for r in reversed(counting)
            if r.verdict is changes and who.is_qa(r.author) and r.commit != head
        ),
        stale_qa_approval=_first(
            r for r in qa_latest if r.verdict is approved and r.commit != head
        ),
    )


def _short(sha: str) -> str:
    return sha[:7]


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def _sentence(text: str) -> str:
    text = " ".join(text.split())
    return text if text.endswith((".", "!", "?")) else text + "."


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


_NO_SUBMISSION = Decision(
    None,
    "This pull request touches no submission folder, so it has no review state.",
    "Nothing: the OIN review applies only to changes under submissions/.",
)
_PUBLISHED = Decision(
    names.PUBLISHED,
    "Merged, and the catalog was published from the merge commit.",
    "Nothing: the published OIN catalog includes this change.",
)
_MERGED = Decision(
    names.APPROVED,
    "Merged; the catalog has not been published from the merge commit yet.",
    "Nothing: the catalog is being published, and this pull request becomes oin/published then.",
)
_WITHDRAWN = Decision(
    names.WITHDRAWN,
    "Closed without merging: the submission is withdrawn.",
    "Nothing. To carry on with the submission, reopen this pull request or open a new one.",
)
_DRAFT = Decision(
    names.DRAFT,
    "This pull request is a draft: it has not been submitted for review.",
    "Finish the submission until lint reports no errors, then click Ready for review: that "
    "submits it.",
)


def _action_required(facts: Facts, blocking: tuple[Review, ...]) -> Decision:
    reasons: list[str] = []
    steps: list[str] = []
    if facts.lint_errors > 0:
        errors = _plural(facts.lint_errors, "lint error")
        reasons.append(f"The head commit {_short(facts.head_sha)} has {errors}.")
        steps.append("Fix the lint errors (oin-gitops lint shows them) and push the fix.")
    if facts.problems:
        reasons += [_sentence(problem) for problem in facts.problems]
        steps.append("Resolve the repository-rule problems given as the reason for this state.")
    if blocking:
        who = _and(sorted({review.author for review in blocking}, key=str.lower))
        reasons.append(
            f"{who} requested changes on the head commit {_short(facts.head_sha)}, and "
            "nothing has been pushed since."
        )
        steps.append("Make the changes the reviewers asked for and push them to this branch.")
    return Decision(names.ACTION_REQUIRED, " ".join(reasons), " ".join(steps))


def _approved(facts: Facts, approval: Review) -> Decision:
    return Decision(
        names.APPROVED,
        f"{approval.author} (QA) approved the head commit {_short(facts.head_sha)}.",
        "Nothing: an OIN reviewer merges this pull request, and merging publishes the catalog.",
    )


_PENDING_REVIEW = Decision(
    names.PENDING_REVIEW,
    "No initial reviewer has approved this pull request yet.",
    "Nothing for now: wait for an OIN reviewer to do the initial review.",
)


def _final_review(request: Review) -> Decision:
    return Decision(
        names.FINAL_REVIEW,
        f"{request.author} (QA) requested changes on commit {_short(request.commit)}, and "
        "changes have been pushed since.",
        "Nothing for now: wait for QA to review your changes.",
    )


def _qa(facts: Facts, verdicts: _Verdicts, initial: Review) -> Decision:
    reason = (
        f"{initial.author} approved the initial review; QA has not approved the head commit "
        f"{_short(facts.head_sha)} yet."
    )
    stale = verdicts.stale_qa_approval
    if stale is not None:
        reason += (
            f" The QA approval of the earlier commit {_short(stale.commit)} does not count for "
            "the head commit."
        )
    return Decision(
        names.QA,
        reason,
        "Nothing for now: wait for QA to test the integration, and keep the test account working.",
    )


def state(facts: Facts) -> Decision:
    """The review state of the pull request: the first row of DESIGN §6 that matches."""
    if not facts.submission:
        return _NO_SUBMISSION
    if facts.merged:
        return _PUBLISHED if facts.published else _MERGED
    if facts.closed:
        return _WITHDRAWN
    if facts.draft:
        return _DRAFT
    verdicts = _verdicts(facts)
    if facts.lint_errors > 0 or facts.problems or verdicts.blocking:
        return _action_required(facts, verdicts.blocking)
    if verdicts.qa_approval is not None:
        return _approved(facts, verdicts.qa_approval)
    if verdicts.initial_approval is None:
        return _PENDING_REVIEW
    if verdicts.qa_change_request is not None:
        return _final_review(verdicts.qa_change_request)
    return _qa(facts, verdicts, verdicts.initial_approval)


def labels(facts: Facts) -> frozenset[str]:
    """The state label (if any), one label per kind and one per protocol, all under ``oin/``;
    kinds and protocols outside ``KINDS`` and ``PROTOCOLS`` get none."""
    label = state(facts).label
    found = {PREFIX + kind for kind in facts.kinds & KINDS}
    found |= {PREFIX + protocol for protocol in facts.protocols & PROTOCOLS}
    if label is not None:
        found.add(label)
    return frozenset(found)


_STATUS: dict[str | None, tuple[str, str]] = {
    None: ("success", "No submission changed: nothing to review."),
    names.PUBLISHED: ("success", "Published to the OIN catalog."),
    names.APPROVED: ("success", "Approved by OIN QA."),
    names.WITHDRAWN: ("failure", "Withdrawn: closed without merging."),
    names.DRAFT: ("pending", "Draft: mark the pull request ready for review to submit it."),
    names.ACTION_REQUIRED: ("failure", "Action required: see the review comment."),
    names.PENDING_REVIEW: ("pending", "Waiting for the initial review."),
    names.FINAL_REVIEW: ("pending", "Waiting for the final review by Okta."),
    names.QA: ("pending", "Waiting for QA testing."),
}


def review_status(decision: Decision) -> tuple[str, str]:
    """(state, description) of the ``oin/review`` commit status: success only when approved or
    published (or nothing to review), failure when action is required or withdrawn."""
    status, description = _STATUS.get(decision.label, ("pending", "In review."))
    return status, description[:STATUS_LIMIT]
