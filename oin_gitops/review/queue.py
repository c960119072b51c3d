"""Where a pull request stands in its reviewers' queue, and when its review should start.

Computed only from the recorded stays of pull requests in states (never from the clock), so the
answer, and the comment that shows it, change only when the queue does.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from oin_gitops.review.labels import WAITING


@dataclass(frozen=True)
class Stay:
    """One stay of pull request ``number`` in state ``label``; ``left`` None: still there."""

    number: int
    label: str
    entered: datetime
    left: datetime | None


@dataclass(frozen=True)
class QueueInfo:
    """``position`` (1-based) of ``length`` waiting in the stage; the ``median_wait`` of the
    ``samples`` recent stays that ended, and the ``expected_start`` it gives (None: unknown)."""

    position: int
    length: int
    median_wait: timedelta | None
    samples: int
    expected_start: datetime | None


def _median(waits: Sequence[timedelta]) -> timedelta:
    ordered = sorted(waits)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


def _recent_waits(label: str, stays: Sequence[Stay], recent: int) -> list[timedelta]:
    """How long the ``recent`` most recently ended stays in ``label`` lasted; a stay recorded
    as ending before it began is bad data and left out."""
    ended = [
        (stay.left, stay.number, stay.entered)
        for stay in stays
        if stay.label == label and stay.left is not None and stay.left >= stay.entered
    ]
    ended.sort(reverse=True)
    return [left - entered for left, _, entered in ended[: max(recent, 0)]]


def _waiting(label: str, stays: Sequence[Stay]) -> list[Stay]:
    """The open stays in ``label``, one per pull request (its earliest), oldest first."""
    first: dict[int, Stay] = {}
    for stay in stays:
        if stay.label == label and stay.left is None:
            known = first.get(stay.number)
            if known is None or stay.entered < known.entered:
                first[stay.number] = stay
    return sorted(first.values(), key=lambda stay: (stay.entered, stay.number))


def queue_info(
    number: int, label: str, stays: Sequence[Stay], recent: int = 20
) -> QueueInfo | None:
    """The queue of pull request ``number`` in ``label`` (None unless ``label`` is a waiting
    state): its position among the open stays in ``label``, oldest first (ties: lower number),
    and the median of the last ``recent`` waits in ``label``.

    A pull request with no open stay in ``label`` (its entry not recorded yet) counts as the
    last in the queue, with no expected start."""
    if label not in WAITING:
        return None
    waiting = _waiting(label, stays)
    numbers = [stay.number for stay in waiting]
    own = waiting[numbers.index(number)] if number in numbers else None
    position = numbers.index(number) + 1 if own else len(waiting) + 1
    waits = _recent_waits(label, stays, recent)
    median = _median(waits) if waits else None
    expected = own.entered + median if own is not None and median is not None else None
    return QueueInfo(
        position=position,
        length=len(waiting) + (0 if own else 1),
        median_wait=median,
        samples=len(waits),
        expected_start=expected,
    )
