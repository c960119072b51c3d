"""The one result type: a frozen ``Diagnostic``, its ``Severity``, and the ``Report`` of a run."""

from __future__ import annotations

import enum
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

DOCS_PAGE = "docs/rules.md"


class Severity(enum.Enum):
    """How much a finding matters; errors fail the check, warnings fail it under ``--strict``."""

    ERROR = "error"
    WARNING = "warning"
    NOTICE = "notice"

    @property
    def rank(self) -> int:
        return _RANK[self]


_RANK = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.NOTICE: 2}


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One finding at one place in one file.

    ``path`` is repository-relative and POSIX; ``line`` and ``column`` are 1-based and absent for
    findings about a whole file or folder. ``guideline`` is the number of the OIN guideline
    the finding enforces (``SAML-01``), from the rule or the schema keyword; None for checks of
    oin-gitops's own format.
    """

    path: str
    rule: str
    severity: Severity
    message: str
    help: str = ""
    line: int | None = None
    column: int | None = None
    end_line: int | None = None
    end_column: int | None = None
    guideline: str | None = None

    @property
    def docs(self) -> str:
        return f"{DOCS_PAGE}#{self.rule}"

    def sort_key(self) -> tuple[str, int, int, str, str]:
        return (self.path, self.line or 0, self.column or 0, self.rule, self.message)

    def to_dict(self) -> dict[str, object]:
        return {
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "end_line": self.end_line,
            "end_column": self.end_column,
            "rule": self.rule,
            "guideline": self.guideline,
            "severity": self.severity.value,
            "message": self.message,
            "help": self.help,
            "docs": self.docs,
        }


@dataclass(frozen=True)
class Report:
    """Everything a run found: sorted diagnostics and the submission folders it looked at."""

    diagnostics: tuple[Diagnostic, ...]
    submissions: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()

    @classmethod
    def build(
        cls,
        diagnostics: Iterable[Diagnostic],
        submissions: Iterable[str] = (),
        removed: Iterable[str] = (),
    ) -> Report:
        unique = dict.fromkeys(diagnostics)
        return cls(
            diagnostics=tuple(sorted(unique, key=Diagnostic.sort_key)),
            submissions=tuple(sorted(set(submissions))),
            removed=tuple(sorted(set(removed))),
        )

    def counts(self) -> dict[str, int]:
        counter = Counter(d.severity for d in self.diagnostics)
        return {severity.value + "s": counter[severity] for severity in Severity}

    @property
    def errors(self) -> int:
        return sum(1 for d in self.diagnostics if d.severity is Severity.ERROR)

    @property
    def warnings(self) -> int:
        return sum(1 for d in self.diagnostics if d.severity is Severity.WARNING)

    def failed(self, *, strict: bool = False) -> bool:
        return self.errors > 0 or (strict and self.warnings > 0)
