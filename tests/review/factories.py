"""Shared builders for the review tests: reviewers, commits and facts with readable defaults."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from oin_gitops.review.model import Facts, Review, Reviewers, Verdict

ANA = "oin-rev-ana"  # initial reviewer
BEN = "oin-qa-ben"  # QA reviewer
LEAD = "oin-lead"  # both initial and QA
MALLORY = "mallory"  # not a reviewer
REVIEWERS = Reviewers(initial=frozenset({ANA, LEAD}), qa=frozenset({BEN, LEAD}))

FIRST = "1111111aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
OLD = "2222222bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
HEAD = "3333333ccccccccccccccccccccccccccccccccc"

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)

APPROVED = Verdict.APPROVED
CHANGES = Verdict.CHANGES_REQUESTED
COMMENTED = Verdict.COMMENTED
DISMISSED = Verdict.DISMISSED


def review(author: str, verdict: Verdict, commit: str, minute: int = 0) -> Review:
    return Review(author, verdict, commit, T0 + timedelta(minutes=minute))


def reviews(*items: tuple[str, Verdict, str]) -> tuple[Review, ...]:
    """Reviews in submission order, a minute apart."""
    return tuple(review(a, v, c, minute) for minute, (a, v, c) in enumerate(items))


BASE = Facts(
    number=12,
    author="acme-alice",
    draft=False,
    closed=False,
    merged=False,
    published=False,
    head_sha=HEAD,
    lint_errors=0,
    reviews=(),
    reviewers=REVIEWERS,
    kinds=frozenset({"new"}),
    protocols=frozenset({"saml", "scim"}),
)


def facts(**changes: Any) -> Facts:
    return replace(BASE, **changes)
