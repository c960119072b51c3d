"""The review queue: position (oldest first, ties by number), median waits, the ``recent`` cut."""

from __future__ import annotations

import itertools
from datetime import timedelta

import pytest

from oin_gitops.review.queue import QueueInfo, Stay, queue_info
from tests.review.factories import T0

QA = "oin/qa"
DAY = timedelta(days=1)


def day(n: float) -> timedelta:
    return timedelta(days=n)


def open_stay(number: int, entered_day: float, label: str = QA) -> Stay:
    return Stay(number, label, T0 + day(entered_day), None)


def closed_stay(number: int, entered_day: float, waited: float, label: str = QA) -> Stay:
    entered = T0 + day(entered_day)
    return Stay(number, label, entered, entered + day(waited))


@pytest.mark.parametrize(
    "label", ["oin/published", "oin/approved", "oin/withdrawn", "oin/draft", "oin/action-required"]
)
def test_no_queue_outside_waiting_states(label: str) -> None:
    assert queue_info(7, label, [open_stay(7, 0, label)]) is None


@pytest.mark.parametrize("label", ["oin/pending-review", "oin/qa", "oin/final-review"])
def test_waiting_states_have_a_queue(label: str) -> None:
    assert queue_info(7, label, [open_stay(7, 0, label)]) == QueueInfo(1, 1, None, 0, None)


WAITING = [open_stay(30, 2), open_stay(10, 1), open_stay(20, 1), open_stay(5, 3)]


@pytest.mark.parametrize(("number", "position"), [(10, 1), (20, 2), (30, 3), (5, 4)])
def test_position_oldest_first_ties_by_number(number: int, position: int) -> None:
    info = queue_info(number, QA, WAITING)
    assert info is not None
    assert (info.position, info.length) == (position, 4)


def test_position_ignores_other_states_and_ended_stays() -> None:
    stays = [
        open_stay(1, 0, "oin/pending-review"),
        closed_stay(2, 0, 1),
        open_stay(3, 5),
        open_stay(4, 0, "oin/final-review"),
    ]
    info = queue_info(3, QA, stays)
    assert info is not None and (info.position, info.length) == (1, 1)


def test_order_of_the_input_does_not_matter() -> None:
    stays = [*WAITING, closed_stay(8, 0, 2), closed_stay(9, 0, 4)]
    answers = {queue_info(20, QA, list(order)) for order in itertools.permutations(stays)}
    assert answers == {QueueInfo(2, 4, day(3), 2, T0 + day(1) + day(3))}


def test_a_pull_request_not_recorded_yet_is_last() -> None:
    info = queue_info(99, QA, [*WAITING, closed_stay(8, 0, 2)])
    assert info == QueueInfo(5, 5, day(2), 1, None)


def test_an_earlier_duplicate_open_stay_wins() -> None:
    info = queue_info(7, QA, [open_stay(7, 4), open_stay(7, 1), open_stay(8, 2)])
    assert info == QueueInfo(1, 2, None, 0, None)


@pytest.mark.parametrize(
    ("waits", "median"),
    [
        ([4], day(4)),
        ([1, 10, 2], day(2)),
        ([10, 1, 4, 2], day(3)),
        ([1, 2], day(1.5)),
        ([0, 0, 5], day(0)),
    ],
    ids=["one", "odd", "even", "even-half-day", "zero-waits"],
)
def test_median(waits: list[float], median: timedelta) -> None:
    stays = [open_stay(1, 50)] + [closed_stay(100 + i, i, w) for i, w in enumerate(waits)]
    info = queue_info(1, QA, stays)
    assert info is not None
    assert (info.median_wait, info.samples) == (median, len(waits))
    assert info.expected_start == T0 + day(50) + median


def test_median_counts_only_the_label() -> None:
    stays = [open_stay(1, 50), closed_stay(2, 0, 9, "oin/pending-review"), closed_stay(3, 0, 1)]
    info = queue_info(1, QA, stays)
    assert info is not None and (info.median_wait, info.samples) == (day(1), 1)


def _history() -> list[Stay]:
    # Stay i (0..24) left on day 100 + i after waiting i days: the most recent left last.
    return [Stay(200 + i, QA, T0 + day(100), T0 + day(100 + i)) for i in range(25)]


@pytest.mark.parametrize(
    ("recent", "median", "samples"),
    [(20, day(14.5), 20), (3, day(23), 3), (1, day(24), 1), (100, day(12), 25), (0, None, 0)],
)
def test_recent_cut(recent: int, median: timedelta | None, samples: int) -> None:
    info = queue_info(1, QA, [open_stay(1, 200), *_history()], recent=recent)
    assert info is not None
    assert (info.median_wait, info.samples) == (median, samples)


def test_default_recent_is_twenty() -> None:
    info = queue_info(1, QA, [open_stay(1, 200), *_history()])
    assert info is not None and info.samples == 20


def test_stays_ending_before_they_begin_are_left_out() -> None:
    broken = Stay(2, QA, T0 + DAY, T0)
    info = queue_info(1, QA, [open_stay(1, 5), broken, closed_stay(3, 0, 2)])
    assert info is not None and (info.median_wait, info.samples) == (day(2), 1)
