"""How complete a submission is: the share of required fields filled, like the OIN Manager's
progress indicator.

Required fields come from the schemas: ``required`` keys, recursively, including those an
``if``/``then`` adds when its condition holds for the data. A field holding a ``TODO``
placeholder, an empty value, or nothing counts as unfilled. The logo file counts as one field.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from jsonschema import Draft202012Validator

from oin_gitops import schemas
from oin_gitops.rules.structure import LOGO
from oin_gitops.schema_check import field_name, is_placeholder
from oin_gitops.schemas import FILE_SCHEMAS
from oin_gitops.submission import SUBMISSION_FILE, Submission


@dataclass(frozen=True)
class Completeness:
    slug: str
    required: int
    missing: tuple[str, ...]

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


def measure(submission: Submission) -> Completeness:
    required = 1
    missing: list[str] = []
    if not any(LOGO.fullmatch(name) for name in submission.entries):
        missing.append("logo file (logo.png)")
    for file_name in [SUBMISSION_FILE, *submission.protocols]:
        schema_name = FILE_SCHEMAS[file_name]
        document = submission.documents.get(file_name)
        data = document.data if document is not None else {}
        for name, filled in _leaves(schemas.load(schema_name), data, (), schema_name):
            required += 1
            if not filled:
                missing.append(f"{file_name}: {name}")
    return Completeness(submission.slug, required, tuple(missing))
