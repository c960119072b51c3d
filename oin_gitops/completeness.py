"""How complete a submission is: the share of required fields filled, like the OIN Manager's
progress indicator.

Required fields come from the schemas: ``required`` keys, recursively, including those an
``if``/``then`` adds when its condition holds for the data. A field holding a ``TODO``
placeholder, an empty value, or nothing counts as unfilled. The logo file counts as one field.

A YAML file that does not parse (or cannot be read) is not guessed at: its fields count neither
as filled nor as required, and the loader's diagnostic says why (``Completeness.unreadable``).
An empty file parses, to nothing: all its fields count as unfilled.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from jsonschema import Draft202012Validator

from oin_gitops import schemas
from oin_gitops.diagnostics import Diagnostic
from oin_gitops.rules.structure import LOGO
from oin_gitops.schema_check import field_name, is_placeholder
from oin_gitops.schemas import FILE_SCHEMAS
from oin_gitops.submission import SUBMISSION_FILE, Submission


@dataclass(frozen=True)
class Completeness:
    """Required fields counted in the files that could be read; ``unreadable`` holds, per file
    left out, the diagnostic that says why (its path, position, rule and parser message)."""

    slug: str
    required: int
    missing: tuple[str, ...]
    unreadable: tuple[Diagnostic, ...] = ()

    @property
    def filled(self) -> int:
        return self.required - len(self.missing)

    @property
    def percent(self) -> int:
        return 100 * self.filled // self.required if self.required else 100

    def to_dict(self) -> dict[str, object]:
        return {
            "slug": self.slug,
            "percent": self.percent,
            "filled": self.filled,
            "required": self.required,
            "missing": list(self.missing),
            "unreadable": [
                {
                    "path": d.path,
                    "line": d.line,
                    "column": d.column,
                    "rule": d.rule,
                    "message": d.message,
                }
                for d in self.unreadable
            ],
        }


def _filled(value: Any) -> bool:
    if value is None or is_placeholder(value):
        return False
    if isinstance(value, str):
        return bool(value.strip())
    if isinstance(value, list):
        return bool(value) and all(_filled(item) for item in value)
    if isinstance(value, dict):
        return bool(value) and all(_filled(item) for item in value.values())
    return True


def _required(schema: dict[str, Any], data: Any, name: str) -> list[str]:
    """Required keys of ``schema`` for ``data``, with those conditions add."""
    keys = list(schema.get("required", []))
    conditions = [schema, *schema.get("allOf", [])]
    for condition in conditions:
        if "if" in condition and isinstance(data, dict):
            branch = "then" if _holds(condition["if"], data, name) else "else"
            keys += [k for k in condition.get(branch, {}).get("required", []) if k not in keys]
    return keys


def _holds(condition: dict[str, Any], data: Any, name: str) -> bool:
    return bool(Draft202012Validator(condition, registry=schemas.registry()).is_valid(data))


def _leaves(
    schema: dict[str, Any], data: Any, pointer: tuple[str | int, ...], name: str
) -> Iterator[tuple[str, bool]]:
    """(field name, filled) for every required leaf under ``schema``."""
    schema = schemas.resolve(schema, name)
    for key in _required(schema, data, name):
        sub = schemas.resolve(schema.get("properties", {}).get(key, {}), name)
        value = data.get(key) if isinstance(data, dict) else None
        where = (*pointer, key)
        if sub.get("type") == "object" and sub.get("required"):
            yield from _leaves(sub, value if isinstance(value, dict) else {}, where, name)
        elif _object_items(sub, name) and isinstance(value, list) and value:
            for index, item in enumerate(value):
                yield from _leaves(sub["items"], item, (*where, index), name)
        else:
            yield field_name(where), _filled(value)


def _object_items(schema: dict[str, Any], name: str) -> bool:
    items = (
        schemas.resolve(schema.get("items") or {}, name) if schema.get("type") == "array" else {}
    )
    return bool(items.get("required"))


def measure(submission: Submission, problems: Sequence[Diagnostic] = ()) -> Completeness:
    """Count ``submission``'s required fields; ``problems`` are ``load_submission``'s diagnostics,
    which say why a file present in the folder has no parsed document."""
    required = 1
    missing: list[str] = []
    unreadable: list[Diagnostic] = []
    if not any(LOGO.fullmatch(name) for name in submission.entries):
        missing.append("logo file (logo.png)")
    for file_name in [SUBMISSION_FILE, *submission.protocols]:
        schema_name = FILE_SCHEMAS[file_name]
        document = submission.documents.get(file_name)
        problem = _unread(submission, file_name, problems) if document is None else None
        if problem is not None:
            unreadable.append(problem)
            continue
        data = document.data if document is not None else {}
        for name, filled in _leaves(schemas.load(schema_name), data, (), schema_name):
            required += 1
            if not filled:
                missing.append(f"{file_name}: {name}")
    return Completeness(submission.slug, required, tuple(missing), tuple(unreadable))


def _unread(
    submission: Submission, file_name: str, problems: Sequence[Diagnostic]
) -> Diagnostic | None:
    """Why a file present in the folder was not parsed; None when it is absent or empty (all
    its fields then count as unfilled)."""
    if file_name not in submission.entries:
        return None
    path = submission.path(file_name)
    found = next((d for d in problems if d.path == path and d.rule != "schema"), None)
    if found is not None and found.rule == "file-empty":
        return None
    return found
