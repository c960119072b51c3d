"""The facts about one pull request that decide its review state (DESIGN §6), as plain data."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

KINDS = frozenset({"new", "update", "removal", "migration"})
PROTOCOLS = frozenset({"saml", "oidc", "scim", "workflows", "api-service"})


class Verdict(enum.Enum):
    """A review's state as GitHub reports it; a dismissed review becomes ``DISMISSED``."""

    APPROVED = "APPROVED"
    CHANGES_REQUESTED = "CHANGES_REQUESTED"
    COMMENTED = "COMMENTED"
    DISMISSED = "DISMISSED"


@dataclass(frozen=True)
class Review:
    """One submitted review: who, what verdict, on which commit, when."""

    author: str
    verdict: Verdict
    commit: str
    submitted_at: datetime


@dataclass(frozen=True)
class Reviewers:
    """The configured reviewer logins (compared case-insensitively); a login may be in both."""

    initial: frozenset[str]
    qa: frozenset[str]

    def is_initial(self, login: str) -> bool:
        return _fold(login) in {_fold(name) for name in self.initial}

    def is_qa(self, login: str) -> bool:
        return _fold(login) in {_fold(name) for name in self.qa}

    def is_reviewer(self, login: str) -> bool:
        return self.is_initial(login) or self.is_qa(login)


def _fold(login: str) -> str:
    # GitHub logins are ASCII and case-insensitive.
    return login.lower()


@dataclass(frozen=True)
class Facts:
    """Everything ``state`` needs about one pull request, read from GitHub by the adapter.

    ``published``: the publish workflow succeeded for the merge commit. ``lint_errors``: errors
    on the head commit. ``reviews``: in the order GitHub returns them (submission order).
    ``submission``: False when the pull request touches no submission folder. ``kinds`` and
    ``protocols``: subsets of ``KINDS`` and ``PROTOCOLS`` (other values get no label).
    ``problems``: repository rules that need GitHub facts (not an owner, too many open
    submissions, ``okta_org`` changed), as plain sentences; any problem means action required.
    """

    number: int
    author: str
    draft: bool
    closed: bool
    merged: bool
    published: bool
    head_sha: str
    lint_errors: int
    reviews: tuple[Review, ...]
    reviewers: Reviewers
    submission: bool = True
    kinds: frozenset[str] = frozenset()
    protocols: frozenset[str] = frozenset()
    problems: tuple[str, ...] = ()
