"""What a rule is: an id, a summary, a severity, the guideline it enforces, and a check.

A check is a generator of ``Finding``; the engine stamps the rule's id and severity (or the
severity the repository's configuration gives it) to make a ``Diagnostic``.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from oin_gitops.diagnostics import Severity

if TYPE_CHECKING:
    from oin_gitops.changes import ChangeContext
    from oin_gitops.submission import Repository, Submission

Scope = Literal["submission", "repository", "change", "reserved"]


@dataclass(frozen=True)
class Finding:
    """What a check reports; ``path`` is repository-relative, positions are 1-based."""

    path: str
    message: str
    line: int | None = None
    column: int | None = None
    help: str | None = None
    end_line: int | None = None
    end_column: int | None = None


SubmissionCheck = Callable[["Submission"], Iterator[Finding]]
RepositoryCheck = Callable[["Repository"], Iterator[Finding]]
ChangeCheck = Callable[["ChangeContext"], Iterator[Finding]]


@dataclass(frozen=True)
class Rule:
    """A registered rule. Its ``doc`` is its documentation: what it checks, and examples."""

    id: str
    summary: str
    severity: Severity
    guideline: str | None
    help: str
    doc: str
    scope: Scope
    check: SubmissionCheck | RepositoryCheck | ChangeCheck | None = None


def _rule(
    scope: Scope,
    *,
    id: str,
    summary: str,
    severity: Severity = Severity.ERROR,
    guideline: str | None = None,
    help: str,
) -> Callable[[Callable[..., Iterator[Finding]]], Rule]:
    def wrap(check: Callable[..., Iterator[Finding]]) -> Rule:
        return Rule(
            id=id,
            summary=summary,
            severity=severity,
            guideline=guideline,
            help=help,
            doc=inspect.cleandoc(check.__doc__ or summary),
            scope=scope,
            check=check,
        )

    return wrap


def submission_rule(**kwargs: object) -> Callable[[SubmissionCheck], Rule]:
    """Declare a rule checked once per submission folder."""
    return _rule("submission", **kwargs)  # type: ignore[arg-type]


def repository_rule(**kwargs: object) -> Callable[[RepositoryCheck], Rule]:
    """Declare a rule checked once per run across the linted submissions and the repository."""
    return _rule("repository", **kwargs)  # type: ignore[arg-type]


def change_rule(**kwargs: object) -> Callable[[ChangeCheck], Rule]:
    """Declare a rule about a change as a whole (run with ``lint --changed-since``)."""
    return _rule("change", **kwargs)  # type: ignore[arg-type]


def reserved_rule(id: str, summary: str, help: str, doc: str, guideline: str | None = None) -> Rule:
    """A rule whose diagnostics the loader or the engine emits (bad input, schema errors)."""
    return Rule(
        id=id,
        summary=summary,
        severity=Severity.ERROR,
        guideline=guideline,
        help=help,
        doc=inspect.cleandoc(doc),
        scope="reserved",
    )
