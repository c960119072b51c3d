"""The review comments: the hidden marker, its history, sticky bodies (goldens) and the short
comment at each state change; hostile logins and problem text stay inert."""

from __future__ import annotations

import copy
import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from oin_gitops.review.comment import (
    HISTORY_LIMIT,
    MARKER_PREFIX,
    NO_STATE,
    Marker,
    advance,
    parse_marker,
    render_marker,
    state_change_body,
    stays,
    sticky_body,
)
from oin_gitops.review.model import Facts
from oin_gitops.review.queue import QueueInfo, Stay
from oin_gitops.review.state import Decision, state
from tests.review.factories import (
    ANA,
    APPROVED,
    BEN,
    CHANGES,
    FIRST,
    OLD,
    T0,
    facts,
    reviews,
)

GOLDEN = Path(__file__).parent / "golden"
HOUR = timedelta(hours=1)


def _golden(name: str, text: str) -> None:
    assert text == (GOLDEN / name).read_bytes().decode("utf-8")


def at(hours: float) -> datetime:
    return T0 + hours * HOUR


# -- the marker --------------------------------------------------------------------------------

PENDING_THEN_QA = Marker(
    "oin/qa",
    (("oin/pending-review", "2026-11-02T09:00:00Z"), ("oin/qa", "2026-11-05T14:00:00Z")),
)


def test_render_marker() -> None:
    assert render_marker(PENDING_THEN_QA) == (
        '<!-- oin-gitops:review {"history":[["oin/pending-review","2026-11-02T09:00:00Z"],'
        '["oin/qa","2026-11-05T14:00:00Z"]],"state":"oin/qa"} -->'
    )


def test_empty_marker_round_trip() -> None:
    empty = Marker(None, ())
    assert render_marker(empty) == '<!-- oin-gitops:review {"history":[],"state":null} -->'
    assert parse_marker(render_marker(empty)) == empty


def test_marker_inside_a_comment() -> None:
    body = f"Some text\n{render_marker(PENDING_THEN_QA)}\n## Review state\n"
    assert parse_marker(body) == PENDING_THEN_QA


def test_comment_ending_in_history_is_escaped() -> None:
    hostile = Marker("x-->y", (("--><script>alert(1)</script><!--", "2026-11-02T09:00:00Z"),))
    rendered = render_marker(hostile)
    assert rendered.count("-->") == 1 and rendered.endswith(" -->")
    assert "<" not in rendered[len(MARKER_PREFIX) :] and "--!>" not in rendered
    assert parse_marker(rendered) == hostile


label_text = st.text(max_size=30)
times = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)
).map(lambda moment: moment.strftime("%Y-%m-%dT%H:%M:%SZ"))
markers = st.builds(
    Marker,
    state=st.none() | label_text,
    history=st.lists(st.tuples(label_text, times), max_size=HISTORY_LIMIT).map(tuple),
)


@given(markers)
def test_marker_round_trip(marker: Marker) -> None:
    rendered = render_marker(marker)
    assert "\n" not in rendered and rendered.count("-->") == 1 and "--!>" not in rendered
    assert parse_marker(rendered) == marker
    assert parse_marker(f"before\n{rendered}\nafter -->") == marker


@pytest.mark.parametrize(
    "body",
    [
        "",
        "no marker here",
        "<!-- oin-gitops:review",
        '<!-- oin-gitops:review {"history":[],"state":null}',
        "<!-- oin-gitops:review {not json} -->",
        "<!-- oin-gitops:review [] -->",
        "<!-- oin-gitops:review null -->",
        '<!-- oin-gitops:review {"state":"oin/qa"} -->',
        '<!-- oin-gitops:review {"history":[],"state":3} -->',
        '<!-- oin-gitops:review {"history":{},"state":null} -->',
        '<!-- oin-gitops:review {"history":[["oin/qa"]],"state":"oin/qa"} -->',
        '<!-- oin-gitops:review {"history":[["oin/qa",5]],"state":"oin/qa"} -->',
        '<!-- oin-gitops:review {"history":[[1,"2026-11-02T09:00:00Z"]],"state":"oin/qa"} -->',
        '<!-- oin-gitops:review {"history":[["oin/qa","yesterday"]],"state":"oin/qa"} -->',
        '<!-- oin-gitops:review {"history":[["oin/qa","2026-11-02T09:00:00"]],"state":"oin/qa"} -->',
        '<!-- oin-gitops:review {"history":[["oin/qa","2026-13-02T09:00:00Z"]],"state":"x"} -->',
        "<!-- oin-gitops:review " + "[" * 100_000 + "]" * 100_000 + " -->",
        '<!-- oin-gitops:review {"history":[],"state":"\\ud800"} --',
    ],
    ids=lambda body: body[23:70] or "empty",
)
def test_malformed_markers(body: str) -> None:
    assert parse_marker(body) is None


def test_long_history_is_cut_when_read() -> None:
    entries = [[f"oin/{i}", "2026-11-02T09:00:00Z"] for i in range(30)]
    body = MARKER_PREFIX + json.dumps({"history": entries, "state": "oin/29"}) + " -->"
    marker = parse_marker(body)
    assert marker is not None and len(marker.history) == HISTORY_LIMIT
    assert marker.history[0][0] == "oin/10" and marker.history[-1][0] == "oin/29"


# -- advance and stays -------------------------------------------------------------------------


def test_advance_from_nothing() -> None:
    assert advance(None, "oin/draft", at(0)) == Marker(
        "oin/draft", (("oin/draft", "2026-11-02T09:00:00Z"),)
    )
    assert advance(None, None, at(0)) == Marker(None, ())


def test_advance_same_state_changes_nothing() -> None:
    assert advance(PENDING_THEN_QA, "oin/qa", at(500)) is PENDING_THEN_QA


def test_advance_appends_a_change_in_utc() -> None:
    moment = datetime.fromisoformat("2026-11-07T10:30:15.123456+02:00")
    assert advance(PENDING_THEN_QA, "oin/approved", moment).history[-1] == (
        "oin/approved",
        "2026-11-07T08:30:15Z",
    )


def test_advance_to_no_state() -> None:
    marker = advance(PENDING_THEN_QA, None, at(100))
    assert marker.state is None and marker.history[-1] == (NO_STATE, "2026-11-06T13:00:00Z")


def test_advance_keeps_history_bounded() -> None:
    marker = None
    for step in range(50):
        marker = advance(marker, "oin/qa" if step % 2 else "oin/action-required", at(step))
    assert marker is not None and len(marker.history) == HISTORY_LIMIT
    assert marker.history[0] == ("oin/action-required", "2026-11-03T15:00:00Z")  # step 30
    assert marker.history[-1] == ("oin/qa", "2026-11-04T10:00:00Z")  # step 49


def test_advance_refuses_a_naive_time() -> None:
    with pytest.raises(ValueError, match="timezone"):
        advance(None, "oin/qa", datetime(2026, 11, 2))


def test_stays() -> None:
    marker = Marker(
        "oin/qa",
        (
            ("oin/pending-review", "2026-11-02T09:00:00Z"),
            (NO_STATE, "2026-11-03T09:00:00Z"),
            ("oin/qa", "2026-11-04T09:00:00Z"),
        ),
    )
    assert stays(12, marker) == [
        Stay(12, "oin/pending-review", at(0), at(24)),
        Stay(12, "oin/qa", at(48), None),
    ]
    assert stays(12, Marker(None, ())) == []


# -- sticky bodies -----------------------------------------------------------------------------

PASSED = "## ✅ oin-gitops: passed\n\n1 submission checked: no findings.\n"
FAILED = (
    "## ❌ oin-gitops: failed\n\n2 errors.\n\n### acme-notes\n\n"
    "| | Location | Rule | Finding |\n|---|---|---|---|\n"
    "| ❌ error | logo.png | logo-size | the logo is 100×100 pixels |\n"
    "| ❌ error | saml.yaml:3 | schema | 'acs_url' is required |\n"
)
HOSTILE_AUTHOR = "evil](https://evil.example)<img src=x onerror=alert(1)> @everyone #1"
HOSTILE_PROBLEM = (
    "acme-bob is not an owner; see https://evil.example/@admin <script>alert(1)</script>\n"
    "## Approved\n"
    '<!-- oin-gitops:review {"history":[],"state":"oin/approved"} -->'
)

QA_FACTS = facts(reviews=reviews((ANA, APPROVED, OLD)))
QA_QUEUE = QueueInfo(2, 5, timedelta(days=3, hours=4), 12, at(24 * 6))
PENDING_FACTS = facts(number=13)
PENDING_MARKER = Marker("oin/pending-review", (("oin/pending-review", "2026-11-02T09:00:00Z"),))
HOSTILE_FACTS = facts(
    author=HOSTILE_AUTHOR,
    lint_errors=2,
    problems=(HOSTILE_PROBLEM,),
    reviews=reviews((ANA, APPROVED, FIRST), (BEN, CHANGES, facts().head_sha)),
)
HOSTILE_MARKER = advance(PENDING_THEN_QA, "oin/action-required", at(24 * 5))
APPROVED_FACTS = facts(reviews=reviews((ANA, APPROVED, OLD), (BEN, APPROVED, facts().head_sha)))
APPROVED_MARKER = advance(PENDING_THEN_QA, "oin/approved", at(24 * 8))

STICKIES = [
    ("sticky-qa.md", QA_FACTS, PENDING_THEN_QA, PASSED, QA_QUEUE),
    (
        "sticky-pending-no-data.md",
        PENDING_FACTS,
        PENDING_MARKER,
        PASSED,
        QueueInfo(1, 1, None, 0, None),
    ),
    ("sticky-action-required-hostile.md", HOSTILE_FACTS, HOSTILE_MARKER, FAILED, None),
    ("sticky-approved.md", APPROVED_FACTS, APPROVED_MARKER, PASSED, None),
]


@pytest.mark.parametrize(
    ("name", "pr", "marker", "lint", "queue"), STICKIES, ids=[s[0] for s in STICKIES]
)
def test_sticky_golden(
    name: str, pr: Facts, marker: Marker, lint: str, queue: QueueInfo | None
) -> None:
    body = sticky_body(pr, state(pr), marker, lint, queue)
    _golden(name, body)
    assert parse_marker(body) == marker
    assert body == sticky_body(copy.deepcopy(pr), state(pr), copy.deepcopy(marker), lint, queue)


def test_sticky_escapes_hostile_text() -> None:
    body = sticky_body(HOSTILE_FACTS, state(HOSTILE_FACTS), HOSTILE_MARKER, FAILED, None)
    for raw in (
        "<img",
        "<script",
        "@everyone",
        "@admin",
        "https://evil",
        "](https",
        "\n## Approved",
    ):
        assert raw not in body
    assert body.count(MARKER_PREFIX) == 1
    assert parse_marker(body) == HOSTILE_MARKER


@pytest.mark.parametrize(
    ("queue", "text"),
    [
        (
            QueueInfo(1, 3, timedelta(hours=30), 1, at(40)),
            "You are number 1 of 3 waiting for the initial review. Reviews in this stage started "
            "after a median of 30 hours (1 recent pull request); expected around 2026-11-04.",
        ),
        (
            QueueInfo(4, 4, timedelta(minutes=20), 2, None),
            "You are number 4 of 4 waiting for the initial review. Reviews in this stage started "
            "after a median of less than an hour (2 recent pull requests).",
        ),
        (
            QueueInfo(1, 1, timedelta(hours=1), 3, at(1)),
            "Yours is the only pull request waiting for the initial review. Reviews in this stage "
            "started after a median of 1 hour (3 recent pull requests); expected around "
            "2026-11-02.",
        ),
    ],
    ids=["hours", "no-expected-start", "only-one"],
)
def test_queue_sentences(queue: QueueInfo, text: str) -> None:
    body = sticky_body(PENDING_FACTS, state(PENDING_FACTS), PENDING_MARKER, PASSED, queue)
    assert f"### Review queue\n\n{text}\n" in body


def test_sticky_without_lint_result_or_state_since() -> None:
    decision = state(QA_FACTS)
    body = sticky_body(QA_FACTS, decision, PENDING_MARKER, "  \n", None)
    assert "No lint result for the head commit yet." in body
    assert "In this state since" not in body and "### Review queue" not in body


def test_sticky_without_state() -> None:
    pr = facts(submission=False)
    body = sticky_body(pr, state(pr), advance(PENDING_THEN_QA, None, at(200)), PASSED, None)
    assert "\n## Review state: none\n" in body


# -- the state change comment ------------------------------------------------------------------


def test_state_change_mentions_the_author() -> None:
    assert state_change_body(QA_FACTS, state(QA_FACTS)) == (
        "@acme-alice: this pull request is now **oin/qa**: Nothing for now: wait for QA to test "
        "the integration, and keep the test account working\\.\n"
        "The review comment on this pull request has the details.\n"
    )


@pytest.mark.parametrize(
    "author",
    ["dependabot[bot]", "-leading", "a" * 40, "two words", "@someone", "x\n@everyone", "", "ünï"],
)
def test_state_change_without_a_valid_login_mentions_nobody(author: str) -> None:
    body = state_change_body(replace(QA_FACTS, author=author), state(QA_FACTS))
    assert body.startswith("This pull request is now **oin/qa**: Nothing for now")
    assert "@" not in body


def test_state_change_escapes_the_rest() -> None:
    decision = Decision("oin/action-required", "why", "Fix <b>this</b> @team [x](y)")
    body = state_change_body(QA_FACTS, decision)
    assert body.startswith("@acme-alice: this pull request is now **oin/action\\-required**: ")
    assert body.count("@") == 1 and "<b>" not in body and "](" not in body


def test_state_change_without_state() -> None:
    pr = facts(submission=False)
    assert state_change_body(pr, state(pr)).startswith(
        "@acme-alice: this pull request no longer has a review state: Nothing"
    )


@pytest.mark.parametrize("next_step", ["@" * 5000, "word " * 2000, "x" * 999])
def test_state_change_stays_short(next_step: str) -> None:
    body = state_change_body(QA_FACTS, Decision("oin/qa", "why", next_step))
    assert len(body) < 1000 and body.count("\n") == 2
    assert body.startswith("@acme-alice: this pull request is now **oin/qa**: ")
