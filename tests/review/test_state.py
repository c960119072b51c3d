"""The review state machine: a table over every combination of facts, one named case per row of
DESIGN §6, and properties (Hypothesis) of ``state``, ``labels`` and ``review_status``."""

from __future__ import annotations

import copy
import itertools
from dataclasses import dataclass, replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from oin_gitops.review.labels import LABELS, STATES, TITLES
from oin_gitops.review.model import KINDS, PROTOCOLS, Facts, Review, Reviewers, Verdict
from oin_gitops.review.state import PREFIX, Decision, labels, review_status, state
from tests.review.factories import (
    ANA,
    APPROVED,
    BEN,
    CHANGES,
    COMMENTED,
    DISMISSED,
    FIRST,
    HEAD,
    LEAD,
    MALLORY,
    OLD,
    REVIEWERS,
    T0,
    facts,
    reviews,
)

PUBLISHED_ = "oin/published"
APPROVED_ = "oin/approved"
WITHDRAWN_ = "oin/withdrawn"
DRAFT_ = "oin/draft"
ACTION_ = "oin/action-required"
PENDING_ = "oin/pending-review"
FINAL_ = "oin/final-review"
QA_ = "oin/qa"


@dataclass(frozen=True)
class Scenario:
    """Reviews, and what they mean, spelled out by hand: has an initial reviewer ever approved;
    does a QA reviewer's latest counting review approve the head; does some reviewer's latest
    counting review request changes on the head; has QA requested changes on an earlier commit."""

    name: str
    reviews: tuple[Review, ...]
    initial_approved: bool
    qa_approved_head: bool
    changes_on_head: bool
    qa_changes_pushed: bool


S = Scenario
SCENARIOS = [
    S("none", (), False, False, False, False),
    S("initial-approved", reviews((ANA, APPROVED, OLD)), True, False, False, False),
    S(
        "initial-and-qa-approved-head",
        reviews((ANA, APPROVED, OLD), (BEN, APPROVED, HEAD)),
        True,
        True,
        False,
        False,
    ),
    S(
        "qa-approved-old-commit",
        reviews((ANA, APPROVED, OLD), (BEN, APPROVED, OLD)),
        True,
        False,
        False,
        False,
    ),
    S(
        "qa-changes-on-head",
        reviews((ANA, APPROVED, OLD), (BEN, CHANGES, HEAD)),
        True,
        False,
        True,
        False,
    ),
    S(
        "qa-changes-then-push",
        reviews((ANA, APPROVED, OLD), (BEN, CHANGES, OLD)),
        True,
        False,
        False,
        True,
    ),
    S(
        "qa-changes-push-approved-head",
        reviews((ANA, APPROVED, FIRST), (BEN, CHANGES, OLD), (BEN, APPROVED, HEAD)),
        True,
        True,
        False,
        True,
    ),
    S(
        "qa-changes-approved-old-then-push",
        reviews((ANA, APPROVED, FIRST), (BEN, CHANGES, FIRST), (BEN, APPROVED, OLD)),
        True,
        False,
        False,
        True,
    ),
    S(
        "qa-approved-then-changes-on-head",
        reviews((ANA, APPROVED, OLD), (BEN, APPROVED, HEAD), (BEN, CHANGES, HEAD)),
        True,
        False,
        True,
        False,
    ),
    S(
        "qa-changes-on-head-then-commented",
        reviews((ANA, APPROVED, OLD), (BEN, CHANGES, HEAD), (BEN, COMMENTED, HEAD)),
        True,
        False,
        True,
        False,
    ),
    S("dismissed-initial-approval", reviews((ANA, DISMISSED, OLD)), False, False, False, False),
    S(
        "dismissed-qa-change-request",
        reviews((ANA, APPROVED, OLD), (BEN, DISMISSED, OLD)),
        True,
        False,
        False,
        False,
    ),
    S("approval-by-non-reviewer", reviews((MALLORY, APPROVED, HEAD)), False, False, False, False),
    S(
        "changes-by-non-reviewer",
        reviews((ANA, APPROVED, OLD), (MALLORY, CHANGES, HEAD)),
        True,
        False,
        False,
        False,
    ),
    S(
        "commented-only",
        reviews((ANA, COMMENTED, HEAD), (BEN, COMMENTED, HEAD)),
        False,
        False,
        False,
        False,
    ),
    S("initial-changes-on-head", reviews((ANA, CHANGES, HEAD)), False, False, True, False),
    S("initial-changes-then-push", reviews((ANA, CHANGES, OLD)), False, False, False, False),
    S(
        "initial-approved-then-changes-on-head",
        reviews((ANA, APPROVED, OLD), (ANA, CHANGES, HEAD)),
        True,
        False,
        True,
        False,
    ),
    S(
        "initial-approved-then-changes-pushed",
        reviews((ANA, APPROVED, FIRST), (ANA, CHANGES, OLD)),
        True,
        False,
        False,
        False,
    ),
    S("qa-approved-head-only", reviews((BEN, APPROVED, HEAD)), False, True, False, False),
    S(
        "qa-approved-head-initial-changes-head",
        reviews((BEN, APPROVED, HEAD), (ANA, CHANGES, HEAD)),
        False,
        True,
        True,
        False,
    ),
    S(
        "logins-in-other-case",
        reviews(("OIN-REV-ANA", APPROVED, OLD), ("Oin-QA-Ben", APPROVED, HEAD)),
        True,
        True,
        False,
        False,
    ),
    S("both-roles-approved-head", reviews((LEAD, APPROVED, HEAD)), True, True, False, False),
    S("both-roles-approved-old", reviews((LEAD, APPROVED, OLD)), True, False, False, False),
    S("both-roles-changes-pushed", reviews((LEAD, CHANGES, OLD)), False, False, False, False),
]


def expected_label(
    draft: bool,
    closed: bool,
    merged: bool,
    published: bool,
    lint_errors: int,
    problems: tuple[str, ...],
    scenario: Scenario,
) -> str:
    """DESIGN §6, top to bottom, over the hand-written meaning of the scenario."""
    if merged and published:
        return PUBLISHED_
    if merged:
        return APPROVED_
    if closed:
        return WITHDRAWN_
    if draft:
        return DRAFT_
    if lint_errors > 0 or problems or scenario.changes_on_head:
        return ACTION_
    if scenario.qa_approved_head:
        return APPROVED_
    if not scenario.initial_approved:
        return PENDING_
    if scenario.qa_changes_pushed:
        return FINAL_
    return QA_


BOOL = (False, True)
TABLE = list(itertools.product(BOOL, BOOL, BOOL, BOOL, (0, 2), ((), ("Not an owner.",)), SCENARIOS))


def _table_id(case: tuple[bool, bool, bool, bool, int, tuple[str, ...], Scenario]) -> str:
    draft, closed, merged, published, lint, problems, scenario = case
    parts = [
        "draft" if draft else "ready",
        "closed" if closed else "open",
        "merged" if merged else "unmerged",
        "published" if published else "unpublished",
        f"lint{lint}",
        "problem" if problems else "no-problem",
        scenario.name,
    ]
    return "-".join(parts)


@pytest.mark.parametrize("case", TABLE, ids=[_table_id(case) for case in TABLE])
def test_table(case: tuple[bool, bool, bool, bool, int, tuple[str, ...], Scenario]) -> None:
    draft, closed, merged, published, lint, problems, scenario = case
    pr = facts(
        draft=draft,
        closed=closed,
        merged=merged,
        published=published,
        lint_errors=lint,
        problems=problems,
        reviews=scenario.reviews,
    )
    assert state(pr).label == expected_label(*case)


# -- one named case per row, with its reason and next step --------------------------------------

ROWS = [
    pytest.param(
        facts(merged=True, closed=True, published=True),
        Decision(
            PUBLISHED_,
            "Merged, and the catalog was published from the merge commit.",
            "Nothing: the published OIN catalog includes this change.",
        ),
        id="published",
    ),
    pytest.param(
        facts(merged=True, closed=True, lint_errors=3),
        Decision(
            APPROVED_,
            "Merged; the catalog has not been published from the merge commit yet.",
            "Nothing: the catalog is being published, and this pull request becomes "
            "oin/published then.",
        ),
        id="merged-not-yet-published",
    ),
    pytest.param(
        facts(closed=True, draft=True),
        Decision(
            WITHDRAWN_,
            "Closed without merging: the submission is withdrawn.",
            "Nothing. To carry on with the submission, reopen this pull request or open a new one.",
        ),
        id="withdrawn",
    ),
    pytest.param(
        facts(draft=True, lint_errors=4),
        Decision(
            DRAFT_,
            "This pull request is a draft: it has not been submitted for review.",
            "Finish the submission until lint reports no errors, then click Ready for review: "
            "that submits it.",
        ),
        id="draft",
    ),
    pytest.param(
        facts(lint_errors=1),
        Decision(
            ACTION_,
            "The head commit 3333333 has 1 lint error.",
            "Fix the lint errors (oin-gitops lint shows them) and push the fix.",
        ),
        id="action-required-lint",
    ),
    pytest.param(
        facts(problems=("acme-bob is not an owner of acme-notes", "The okta_org changed.")),
        Decision(
            ACTION_,
            "acme-bob is not an owner of acme-notes. The okta_org changed.",
            "Resolve the repository-rule problems given as the reason for this state.",
        ),
        id="action-required-problems",
    ),
    pytest.param(
        facts(reviews=reviews((ANA, APPROVED, OLD), (BEN, CHANGES, HEAD), (LEAD, CHANGES, HEAD))),
        Decision(
            ACTION_,
            "oin-lead and oin-qa-ben requested changes on the head commit 3333333, and nothing "
            "has been pushed since.",
            "Make the changes the reviewers asked for and push them to this branch.",
        ),
        id="action-required-changes",
    ),
    pytest.param(
        facts(lint_errors=2, problems=("Not an owner",), reviews=reviews((ANA, CHANGES, HEAD))),
        Decision(
            ACTION_,
            "The head commit 3333333 has 2 lint errors. Not an owner. oin-rev-ana requested "
            "changes on the head commit 3333333, and nothing has been pushed since.",
            "Fix the lint errors (oin-gitops lint shows them) and push the fix. Resolve the "
            "repository-rule problems given as the reason for this state. Make the changes the "
            "reviewers asked for and push them to this branch.",
        ),
        id="action-required-everything",
    ),
    pytest.param(
        facts(reviews=reviews((ANA, APPROVED, OLD), (BEN, APPROVED, HEAD))),
        Decision(
            APPROVED_,
            "oin-qa-ben (QA) approved the head commit 3333333.",
            "Nothing: an OIN reviewer merges this pull request, and merging publishes the catalog.",
        ),
        id="approved",
    ),
    pytest.param(
        facts(reviews=reviews((ANA, DISMISSED, HEAD), (MALLORY, APPROVED, HEAD))),
        Decision(
            PENDING_,
            "No initial reviewer has approved this pull request yet.",
            "Nothing for now: wait for an OIN reviewer to do the initial review.",
        ),
        id="pending-review",
    ),
    pytest.param(
        facts(reviews=reviews((ANA, APPROVED, FIRST), (BEN, CHANGES, OLD))),
        Decision(
            FINAL_,
            "oin-qa-ben (QA) requested changes on commit 2222222, and changes have been pushed "
            "since.",
            "Nothing for now: wait for QA to review your changes.",
        ),
        id="final-review",
    ),
    pytest.param(
        facts(reviews=reviews((ANA, APPROVED, FIRST))),
        Decision(
            QA_,
            "oin-rev-ana approved the initial review; QA has not approved the head commit "
            "3333333 yet.",
            "Nothing for now: wait for QA to test the integration, and keep the test account "
            "working.",
        ),
        id="qa",
    ),
    pytest.param(
        facts(reviews=reviews((ANA, APPROVED, FIRST), (BEN, APPROVED, OLD))),
        Decision(
            QA_,
            "oin-rev-ana approved the initial review; QA has not approved the head commit "
            "3333333 yet. The QA approval of the earlier commit 2222222 does not count for the "
            "head commit.",
            "Nothing for now: wait for QA to test the integration, and keep the test account "
            "working.",
        ),
        id="qa-stale-approval",
    ),
    pytest.param(
        facts(submission=False, merged=True, published=True, lint_errors=3),
        Decision(
            None,
            "This pull request touches no submission folder, so it has no review state.",
            "Nothing: the OIN review applies only to changes under submissions/.",
        ),
        id="no-submission",
    ),
]


@pytest.mark.parametrize(("pr", "decision"), ROWS)
def test_row(pr: Facts, decision: Decision) -> None:
    assert state(pr) == decision


def test_labels_beside_the_state() -> None:
    pr = facts(kinds=frozenset({"update", "migration"}), protocols=frozenset({"oidc"}))
    assert labels(pr) == {"oin/pending-review", "oin/update", "oin/migration", "oin/oidc"}


def test_unknown_kinds_and_protocols_get_no_label() -> None:
    pr = facts(kinds=frozenset({"new", "swa"}), protocols=frozenset({"swa", "saml"}))
    assert labels(pr) == {"oin/pending-review", "oin/new", "oin/saml"}


def test_no_submission_has_no_state_label() -> None:
    assert labels(facts(submission=False, kinds=frozenset(), protocols=frozenset())) == set()


@pytest.mark.parametrize(
    ("label", "status"),
    [
        (PUBLISHED_, "success"),
        (APPROVED_, "success"),
        (None, "success"),
        (WITHDRAWN_, "failure"),
        (ACTION_, "failure"),
        (DRAFT_, "pending"),
        (PENDING_, "pending"),
        (FINAL_, "pending"),
        (QA_, "pending"),
    ],
)
def test_review_status(label: str | None, status: str) -> None:
    result, description = review_status(Decision(label, "why", "next"))
    assert result == status
    assert 0 < len(description) <= 140


# -- the label set -----------------------------------------------------------------------------


def _luminance(hex_colour: str) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (0, 2, 4))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def _best_contrast(hex_colour: str) -> float:
    light = _luminance(hex_colour)
    return max((light + 0.05) / 0.05, 1.05 / (light + 0.05))


def test_label_set() -> None:
    expected = {*STATES, *(PREFIX + k for k in KINDS), *(PREFIX + p for p in PROTOCOLS)}
    assert set(LABELS) == expected
    assert len(STATES) == 8 and set(TITLES) == set(STATES)


@pytest.mark.parametrize("name", sorted(LABELS))
def test_label_colour_and_description(name: str) -> None:
    colour, description = LABELS[name]
    assert len(colour) == 6 and all(c in "0123456789abcdef" for c in colour)
    assert _best_contrast(colour) >= 4.5
    assert 0 < len(description) <= 100


def test_state_colours_are_distinct() -> None:
    assert len({LABELS[name][0] for name in STATES}) == len(STATES)


# -- properties --------------------------------------------------------------------------------

LOGINS = [ANA, ANA.upper(), BEN, "Oin-QA-Ben", LEAD, MALLORY]
COMMITS = [FIRST, OLD, HEAD]
review_strategy = st.builds(
    Review,
    author=st.sampled_from(LOGINS),
    verdict=st.sampled_from(Verdict),
    commit=st.sampled_from(COMMITS),
    submitted_at=st.just(T0),
)
reviewers_strategy = st.one_of(
    st.just(REVIEWERS),
    st.builds(
        Reviewers,
        initial=st.frozensets(st.sampled_from(LOGINS)),
        qa=st.frozensets(st.sampled_from(LOGINS)),
    ),
)
facts_strategy = st.builds(
    Facts,
    number=st.integers(1, 10**6),
    author=st.text(max_size=20),
    draft=st.booleans(),
    closed=st.booleans(),
    merged=st.booleans(),
    published=st.booleans(),
    head_sha=st.sampled_from(COMMITS),
    lint_errors=st.integers(0, 3),
    reviews=st.lists(review_strategy, max_size=8).map(tuple),
    reviewers=reviewers_strategy,
    submission=st.booleans(),
    kinds=st.frozensets(st.sampled_from(sorted(KINDS))),
    protocols=st.frozensets(st.sampled_from(sorted(PROTOCOLS))),
    problems=st.lists(st.text(max_size=30), max_size=2).map(tuple),
)


def reference_label(pr: Facts) -> str | None:
    """A second, deliberately naive reading of the rules, to compare ``state`` with."""
    if not pr.submission:
        return None
    if pr.merged:
        return PUBLISHED_ if pr.published else APPROVED_
    if pr.closed:
        return WITHDRAWN_
    if pr.draft:
        return DRAFT_
    initial = {login.lower() for login in pr.reviewers.initial}
    qa = {login.lower() for login in pr.reviewers.qa}
    counting = [
        r
        for r in pr.reviews
        if r.verdict in (APPROVED, CHANGES) and r.author.lower() in initial | qa
    ]
    latest = {r.author.lower(): r for r in counting}
    if pr.lint_errors or pr.problems:
        return ACTION_
    if any(r.verdict == CHANGES and r.commit == pr.head_sha for r in latest.values()):
        return ACTION_
    if any(
        login in qa and r.verdict == APPROVED and r.commit == pr.head_sha
        for login, r in latest.items()
    ):
        return APPROVED_
    if not any(r.verdict == APPROVED and r.author.lower() in initial for r in counting):
        return PENDING_
    if any(
        r.verdict == CHANGES and r.author.lower() in qa and r.commit != pr.head_sha
        for r in counting
    ):
        return FINAL_
    return QA_


@given(facts_strategy)
def test_state_matches_the_reference(pr: Facts) -> None:
    assert state(pr).label == reference_label(pr)


@given(facts_strategy)
def test_exactly_one_state_label(pr: Facts) -> None:
    found = labels(pr) & set(STATES)
    assert len(found) == (1 if pr.submission else 0)


@given(facts_strategy)
def test_same_facts_same_labels(pr: Facts) -> None:
    copies = [pr, copy.deepcopy(pr), replace(pr)]
    assert len({state(c) for c in copies}) == 1
    assert len({labels(c) for c in copies}) == 1
    assert state(pr) == state(pr)


@given(facts_strategy)
def test_labels_are_managed_and_prefixed(pr: Facts) -> None:
    found = labels(pr)
    assert all(label.startswith("oin/") for label in found)
    assert found <= set(LABELS)


@given(facts_strategy)
def test_status_success_only_when_approved(pr: Facts) -> None:
    decision = state(pr)
    status, description = review_status(decision)
    assert (status == "success") == (decision.label in (APPROVED_, PUBLISHED_, None))
    assert (status == "failure") == (decision.label in (ACTION_, WITHDRAWN_))
    assert len(description) <= 140


@given(facts_strategy, st.data())
def test_reviews_that_never_count_change_nothing(pr: Facts, data: st.DataObject) -> None:
    noise = data.draw(
        st.builds(
            Review,
            author=st.sampled_from([*LOGINS, "someone-else"]),
            verdict=st.sampled_from([COMMENTED, DISMISSED]),
            commit=st.sampled_from(COMMITS),
            submitted_at=st.just(T0),
        )
        | st.builds(
            Review,
            author=st.just("someone-else"),
            verdict=st.sampled_from(Verdict),
            commit=st.sampled_from(COMMITS),
            submitted_at=st.just(T0),
        )
    )
    where = data.draw(st.integers(0, len(pr.reviews)))
    noisy = replace(pr, reviews=(*pr.reviews[:where], noise, *pr.reviews[where:]))
    assert state(noisy).label == state(pr).label


@given(facts_strategy)
def test_login_case_does_not_matter(pr: Facts) -> None:
    swapped = tuple(replace(r, author=r.author.swapcase()) for r in pr.reviews)
    assert state(replace(pr, reviews=swapped)).label == state(pr).label


@given(facts_strategy)
def test_decisions_are_plain_text(pr: Facts) -> None:
    """Reasons and next steps carry no Markdown of their own: the comment escapes them."""
    decision = state(replace(pr, problems=()))
    assert not any(mark in decision.reason + decision.next_step for mark in "`*_<>[]#")
