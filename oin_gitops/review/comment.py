"""The review bot's comments: the sticky comment (found by a hidden marker that also records the
states the pull request went through) and the short comment posted at each change of state.

Bodies depend only on their arguments, never on the clock, so the same facts give byte-identical
text and a re-run rewrites nothing. Text that comes from users (the author's login, problem
sentences) goes through ``escape_markdown``; so do reasons and next steps, which quote both.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from oin_gitops.reporters.markdown import escape_markdown
from oin_gitops.review import labels as names
from oin_gitops.review.model import Facts
from oin_gitops.review.queue import QueueInfo, Stay
from oin_gitops.review.state import Decision

MARKER_PREFIX = "<!-- oin-gitops:review "
MARKER_SUFFIX = " -->"
HISTORY_LIMIT = 20
# The history label for "no state" (the pull request stopped touching a submission): it ends
# the stay before it and starts none.
NO_STATE = ""
CHANGE_LIMIT = 1000
README_LINK = "../blob/main/README.md#review-states"
# GitHub logins: letters, digits and hyphens, not starting with a hyphen, at most 39 characters.
_LOGIN = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]{0,38}")
_STAGES = {
    names.PENDING_REVIEW: "the initial review",
    names.QA: "QA",
    names.FINAL_REVIEW: "the final review",
}


@dataclass(frozen=True)
class Marker:
    """The last announced ``state`` and the ``history`` of (label, ISO-8601 UTC time entered),
    oldest first, at most ``HISTORY_LIMIT`` entries."""

    state: str | None
    history: tuple[tuple[str, str], ...]


def _iso(at: datetime) -> str:
    if at.tzinfo is None:
        raise ValueError("a marker time must be timezone-aware")
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _parse_time(text: str) -> datetime:
    parsed = datetime.fromisoformat(text)
    if parsed.tzinfo is None:
        raise ValueError(f"time without a timezone: {text!r}")
    return parsed.astimezone(UTC)


def _entry(item: object) -> tuple[str, str] | None:
    if not (isinstance(item, list) and len(item) == 2):
        return None
    label, entered = item
    if not (isinstance(label, str) and isinstance(entered, str)):
        return None
    try:
        _parse_time(entered)
    except ValueError:
        return None
    return label, entered


def _marker_from(data: object) -> Marker | None:
    if not isinstance(data, dict):
        return None
    state, history = data.get("state"), data.get("history")
    if not (state is None or isinstance(state, str)) or not isinstance(history, list):
        return None
    entries = [_entry(item) for item in history]
    valid = [entry for entry in entries if entry is not None]
    if len(valid) != len(entries):
        return None
    return Marker(state, tuple(valid[-HISTORY_LIMIT:]))


def parse_marker(body: str) -> Marker | None:
    """The marker in a comment body; None when there is none or it is malformed."""
    start = body.find(MARKER_PREFIX)
    if start < 0:
        return None
    end = body.find("-->", start)
    if end < 0:
        return None
    try:
        data = json.loads(body[start + len(MARKER_PREFIX) : end])
    except (ValueError, RecursionError):
        return None
    return _marker_from(data)


def render_marker(marker: Marker) -> str:
    """The hidden marker line. ``<``, ``>`` and ``&`` are written as JSON escapes, so nothing in
    the history can end the HTML comment (``-->``, ``--!>``) or open another one."""
    data = {"history": [list(entry) for entry in marker.history], "state": marker.state}
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    for char, escape in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        text = text.replace(char, escape)
    return f"{MARKER_PREFIX}{text}{MARKER_SUFFIX}"


def advance(marker: Marker | None, label: str | None, at: datetime) -> Marker:
    """The marker after the pull request is seen in ``label`` at ``at``: unchanged when it was
    already there, else with ``(label, at)`` appended (the oldest entries dropped past the limit)."""
    current = marker if marker is not None else Marker(None, ())
    if label == current.state:
        return current
    entry = (NO_STATE if label is None else label, _iso(at))
    return Marker(label, (*current.history, entry)[-HISTORY_LIMIT:])


def stays(number: int, marker: Marker) -> list[Stay]:
    """The stays recorded in a marker: each entry lasts until the next one; the last is open."""
    history = marker.history
    times = [_parse_time(entered) for _, entered in history]
    found: list[Stay] = []
    for index, (label, _) in enumerate(history):
        if label == NO_STATE:
            continue
        left = times[index + 1] if index + 1 < len(history) else None
        found.append(Stay(number, label, times[index], left))
    return found


def _duration(wait: timedelta) -> str:
    hours = wait.total_seconds() / 3600
    if hours < 1:
        return "less than an hour"
    if hours < 48:
        count = int(hours + 0.5)
        return "1 hour" if count == 1 else f"{count} hours"
    return f"{int(hours / 24 + 0.5)} days"


def _date(at: datetime) -> str:
    return at.astimezone(UTC).date().isoformat()


def queue_text(label: str | None, queue: QueueInfo) -> str:
    """Where the pull request is in its stage's queue, and the estimate from recent waits."""
    stage = _STAGES.get(label or "", "a review")
    if queue.length == 1:
        where = f"Yours is the only pull request waiting for {stage}."
    else:
        where = f"You are number {queue.position} of {queue.length} waiting for {stage}."
    if queue.median_wait is None:
        return (
            f"{where} No pull request has left this stage yet, so there is no estimate of "
            "when the review starts."
        )
    samples = (
        "1 recent pull request" if queue.samples == 1 else f"{queue.samples} recent pull requests"
    )
    estimate = (
        f"{where} Reviews in this stage started after a median of "
        f"{_duration(queue.median_wait)} ({samples})"
    )
    if queue.expected_start is None:
        return estimate + "."
    return f"{estimate}; expected around {_date(queue.expected_start)}."


def _heading(label: str | None) -> str:
    if label is None:
        return "## Review state: none"
    shown = f"`{label}`" if label in names.LABELS else escape_markdown(label)
    title = names.TITLES.get(label)
    return f"## Review state: {shown}" + (f" ({title})" if title else "")


def _since(decision: Decision, marker: Marker) -> str:
    """When the pull request entered its state, if the marker records it."""
    wanted = NO_STATE if decision.label is None else decision.label
    if marker.state != decision.label or not marker.history or marker.history[-1][0] != wanted:
        return ""
    try:
        return f" In this state since {_date(_parse_time(marker.history[-1][1]))}."
    except ValueError:
        return ""


def _facts_line(facts: Facts, decision: Decision, marker: Marker) -> str:
    author = escape_markdown(facts.author)
    head = escape_markdown(facts.head_sha[:7])
    return f"Opened by {author}; head commit {head}.{_since(decision, marker)}"


LEGEND = (
    "---\n\n"
    "The usual path is `oin/draft` → `oin/pending-review` → `oin/qa` → `oin/approved` → "
    "`oin/published`; `oin/action-required` means you must act, and `oin/final-review` "
    "follows changes QA asked for. oin-gitops keeps this comment, the labels and the "
    f"`oin/review` status up to date. [What each state means]({README_LINK})."
)


def sticky_body(
    facts: Facts, decision: Decision, marker: Marker, lint_markdown: str, queue: QueueInfo | None
) -> str:
    """The sticky comment: marker, state, why, what to do next, queue, lint, legend."""
    blocks = [
        render_marker(marker) + "\n" + _heading(decision.label),
        _facts_line(facts, decision, marker),
        f"**Why:** {escape_markdown(decision.reason)}",
        f"### What to do next\n\n{escape_markdown(decision.next_step)}",
    ]
    if queue is not None:
        blocks.append(f"### Review queue\n\n{queue_text(decision.label, queue)}")
    lint = lint_markdown.strip() or "No lint result for the head commit yet."
    blocks += [f"### Lint of the head commit\n\n{lint}", LEGEND]
    return "\n\n".join(blocks) + "\n"


def _fit(text: str, budget: int) -> str:
    """``text`` escaped, cut (before escaping, so no entity is split) to ``budget`` characters."""
    shown = escape_markdown(text)
    while len(shown) > budget and text:
        text = text[: len(text) * 3 // 4]
        shown = escape_markdown(text) + "…"
    return shown


def state_change_body(facts: Facts, decision: Decision) -> str:
    """The short comment posted when the state changes, @-mentioning the author (when the
    login is a valid GitHub login; else without a mention)."""
    mention = f"@{facts.author}: this" if _LOGIN.fullmatch(facts.author) else "This"
    if decision.label is None:
        now = "no longer has a review state"
    else:
        now = f"is now **{escape_markdown(decision.label)}**"
    head = f"{mention} pull request {now}: "
    tail = "\nThe review comment on this pull request has the details.\n"
    return head + _fit(decision.next_step, CHANGE_LIMIT - len(head) - len(tail)) + tail
