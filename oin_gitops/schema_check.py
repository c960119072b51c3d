"""JSON-Schema validation of a parsed YAML file, reported at the line and column at fault.

A missing key is reported at its parent mapping, an unknown key at that key, a wrong type or
value at the value, and an array error at the item. Messages are written for an ISV; the
schema's ``description`` and ``x-oin-hint`` annotations supply the words.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from jsonschema.exceptions import ValidationError

from oin_gitops import schemas
from oin_gitops.diagnostics import Diagnostic, Severity
from oin_gitops.yamlio import Document, Pointer

RULE = "schema"
PLACEHOLDER_PREFIX = "TODO"

_TYPE_NAMES = {
    "string": "text",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "array": "a list",
    "object": "a mapping of keys",
    "null": "empty",
}


def field_name(pointer: Pointer) -> str:
    """``('app', 'use_cases', 2)`` → ``app.use_cases[2]``."""
    text = ""
    for part in pointer:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def is_placeholder(value: object) -> bool:
    return isinstance(value, str) and value.lstrip().startswith(PLACEHOLDER_PREFIX)


def _holds_placeholder(value: object) -> bool:
    """A placeholder, or a list with one: its schema errors wait until it is filled in."""
    if isinstance(value, list):
        return any(is_placeholder(item) for item in value)
    return is_placeholder(value)


def validate(document: Document, schema_name: str) -> Iterator[Diagnostic]:
    """Every schema error of ``document`` as diagnostics (placeholders are left to their rule)."""
    for error in schemas.validator(schema_name).iter_errors(document.data):
        if _holds_placeholder(error.instance) and error.validator != "required":
            continue
        yield from _diagnostics(error, document, schema_name)


def _value_type(value: object) -> str:
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return "empty" if value is None else type(value).__name__


def _shown(value: object, limit: int = 60) -> str:
    text = str(value)
    return "'" + (text if len(text) <= limit else text[: limit - 3] + "...") + "'"


def _help(schema: dict[str, Any]) -> str:
    parts = [schema.get("description", "").strip()]
    if schema.get("x-oin-guideline"):
        parts.append(f"(OIN guideline {schema['x-oin-guideline']})")
    return " ".join(p for p in parts if p)


@dataclass(frozen=True)
class _Error:
    """One jsonschema error, and how to report a diagnostic about it."""

    error: ValidationError
    document: Document
    schema_name: str

    @property
    def pointer(self) -> Pointer:
        return tuple(self.error.absolute_path)

    @property
    def name(self) -> str:
        return field_name(self.pointer)

    @property
    def subject(self) -> str:
        return f"'{self.name}'" if self.name else "the file"

    @property
    def schema(self) -> dict[str, Any]:
        return self.error.schema if isinstance(self.error.schema, dict) else {}

    def report(
        self, message: str, help: str | None = None, *, at: Pointer | None = None, key: bool = False
    ) -> Diagnostic:
        pointer = self.pointer if at is None else at
        line, column = self.document.position(pointer, key=key)
        end = column + len(str(pointer[-1])) if key and pointer else None
        return Diagnostic(
            path=self.document.path,
            rule=RULE,
            severity=Severity.ERROR,
            message=message,
            help=_help(self.schema) if help is None else help,
            line=line,
            column=column,
            end_line=line if end else None,
            end_column=end,
        )


def _diagnostics(
    error: ValidationError, document: Document, schema_name: str
) -> Iterator[Diagnostic]:
    e = _Error(error, document, schema_name)
    handler = _HANDLERS.get(str(error.validator))
    if handler is not None:
        yield from handler(e)
    else:  # a keyword without a tailored message: still positioned, in jsonschema's words
        yield e.report(f"{e.subject} is invalid: {error.message}")


def _required(e: _Error) -> Iterator[Diagnostic]:
    error, name = e.error, e.name
    instance = error.instance if isinstance(error.instance, dict) else {}
    for prop in error.validator_value:
        if prop in instance or not error.message.startswith(repr(prop)):
            continue
        prop_schema = schemas.resolve(e.schema.get("properties", {}).get(prop, {}), e.schema_name)
        where = f"'{name}' is" if name else "the file is"
        yield e.report(
            f"{where} missing the required key '{prop}'",
            f"Add '{prop}'. " + _help(prop_schema),
            key=True,
        )


def _additional(e: _Error) -> Iterator[Diagnostic]:
    error, name = e.error, e.name
    allowed = sorted(e.schema.get("properties", {}))
    instance = error.instance if isinstance(error.instance, dict) else {}
    for extra in (k for k in instance if k not in allowed):
        close = difflib.get_close_matches(str(extra), allowed, n=1)
        hint = f"Did you mean '{close[0]}'? " if close else ""
        where = f"'{name}'" if name else "the file"
        yield e.report(
            f"{where} has the unknown key '{extra}'",
            f"{hint}Allowed keys here: {', '.join(allowed)}.",
            key=True,
            at=(*e.pointer, extra),
        )


def _refused(e: _Error) -> Iterator[Diagnostic]:
    name = e.name
    yield e.report(f"'{name}' is not supported", _help(e.schema), key=True)


def _type(e: _Error) -> Iterator[Diagnostic]:
    error, _name = e.error, e.name
    expected = error.validator_value
    wanted = " or ".join(
        _TYPE_NAMES.get(t, t) for t in ([expected] if isinstance(expected, str) else expected)
    )
    yield e.report(
        f"{e.subject} must be {wanted}, not {_value_type(error.instance)}",
        _help(e.schema),
    )


def _enum(e: _Error) -> Iterator[Diagnostic]:
    error, name = e.error, e.name
    options = ", ".join(str(v) for v in error.validator_value)
    close = difflib.get_close_matches(
        str(error.instance), [str(v) for v in error.validator_value], n=1
    )
    hint = f"Did you mean '{close[0]}'? " if close else ""
    yield e.report(
        f"'{name}' is {_shown(error.instance)}, which is not one of: {options}",
        f"{hint}{_help(e.schema)}".strip(),
    )


def _const(e: _Error) -> Iterator[Diagnostic]:
    error, name = e.error, e.name
    yield e.report(
        f"'{name}' must be {_shown(error.validator_value)}, not {_shown(error.instance)}",
        _help(e.schema),
    )


def _pattern(e: _Error) -> Iterator[Diagnostic]:
    error, name = e.error, e.name
    hint = e.schema.get("x-oin-hint", f"text matching {error.validator_value}")
    if "propertyNames" in error.schema_path:
        yield e.report(
            f"the key {_shown(error.instance)} in '{name}' must be {hint}",
            _help(e.schema),
            key=True,
            at=(*e.pointer, error.instance),
        )
        return
    yield e.report(
        f"'{name}' must be {hint} (found {_shown(error.instance)})",
        _help(e.schema),
    )


def _format(e: _Error) -> Iterator[Diagnostic]:
    error, name = e.error, e.name
    hint = e.schema.get("x-oin-hint", f"a valid {error.validator_value}")
    yield e.report(
        f"'{name}' must be {hint} (found {_shown(error.instance)})",
        _help(e.schema),
    )


def _length(e: _Error) -> Iterator[Diagnostic]:
    error, name = e.error, e.name
    size = len(error.instance)
    limit = error.validator_value
    if error.validator == "minLength":
        message = (
            f"'{name}' is empty"
            if size == 0
            else (f"'{name}' is {size:,} characters; the OIN requires at least {limit:,}")
        )
    else:
        message = f"'{name}' is {size:,} characters; the OIN allows at most {limit:,}"
    yield e.report(message, _help(e.schema))


def _entries(count: int) -> str:
    return f"{count:,} {'entry' if count == 1 else 'entries'}"


def _items_count(e: _Error) -> Iterator[Diagnostic]:
    error, name = e.error, e.name
    size = len(error.instance)
    limit = error.validator_value
    if error.validator == "minItems":
        yield e.report(
            f"'{name}' has {_entries(size)}; at least {limit:,} required",
            _help(e.schema),
        )
    else:
        yield e.report(
            f"'{name}' has {_entries(size)}; at most {limit:,} allowed",
            f"Remove {_entries(size - limit)}. " + _help(e.schema),
            at=(*e.pointer, limit),
        )


def _unique(e: _Error) -> Iterator[Diagnostic]:
    error, name = e.error, e.name
    seen: list[object] = []
    for index, item in enumerate(error.instance):
        if item in seen:
            yield e.report(
                f"'{name}' lists {_shown(item)} more than once",
                "Remove the repeated entry.",
                at=(*e.pointer, index),
            )
        seen.append(item)


def _contains(e: _Error) -> Iterator[Diagnostic]:
    error, name = e.error, e.name
    wanted = error.validator_value
    what = (
        _shown(wanted["const"])
        if isinstance(wanted, dict) and "const" in wanted
        else "a required entry"
    )
    yield e.report(f"'{name}' must include {what}", _help(e.schema))


def _bounds(e: _Error) -> Iterator[Diagnostic]:
    error, name = e.error, e.name
    word = "at least" if error.validator in ("minimum", "exclusiveMinimum") else "at most"
    yield e.report(
        f"'{name}' is {error.instance}; it must be {word} {error.validator_value}",
        _help(e.schema),
    )


def _properties_count(e: _Error) -> Iterator[Diagnostic]:
    name = e.name
    keys = ", ".join(e.schema.get("properties", {}))
    low, high = e.schema.get("minProperties"), e.schema.get("maxProperties")
    need = (
        f"exactly one of: {keys}"
        if low == high == 1
        else f"between {low or 0} and {high or 'any number of'} of: {keys}"
    )
    yield e.report(f"'{name}' must have {need}", _help(e.schema))


_HANDLERS = {
    "required": _required,
    "additionalProperties": _additional,
    "not": _refused,
    "type": _type,
    "enum": _enum,
    "const": _const,
    "pattern": _pattern,
    "format": _format,
    "minLength": _length,
    "maxLength": _length,
    "minItems": _items_count,
    "maxItems": _items_count,
    "uniqueItems": _unique,
    "contains": _contains,
    "minimum": _bounds,
    "maximum": _bounds,
    "exclusiveMinimum": _bounds,
    "exclusiveMaximum": _bounds,
    "minProperties": _properties_count,
    "maxProperties": _properties_count,
}
