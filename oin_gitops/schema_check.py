"""JSON-Schema validation of a parsed YAML file, reported at the line and column at fault.

A missing key is reported at its parent mapping, an unknown key at that key, a wrong type or
value at the value, and an array error at the item. Messages are written for an ISV: the field's
own ``description`` and ``x-oin-hint`` in the schema supply the words. When one value breaks
several keywords (an empty name that also fails its pattern), only the most telling is reported.
"""

from __future__ import annotations

import difflib
import functools
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from jsonschema.exceptions import ValidationError

from oin_gitops import schemas
from oin_gitops.diagnostics import Diagnostic, Severity
from oin_gitops.yamlio import Document, Pointer

RULE = "schema"
# Placeholder words anywhere in a value, as whole words in any case: TODO (what 'oin-gitops new'
# writes), TBD, FIXME, XXX (or more x), Lorem ipsum. "Todoist", "tbdx" and "XXXL" are words of
# their own; an underscore separates ("TODO_name").
PLACEHOLDER = re.compile(
    r"(?<![^\W_])(?:todo|tbd|fixme|x{3,}|lorem\s+ipsum)(?![^\W_])", re.IGNORECASE
)
# A sealed value is opaque base64, never a placeholder (secrets.SEALED_PREFIX; importing it here
# would be circular).
_SEALED = "sealed:"

_TYPE_NAMES = {
    "string": "text",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "array": "a list",
    "object": "a mapping of keys",
    "null": "empty",
}
# When several keywords fail on one value, the lowest rank is reported.
_RANK = {
    "type": 0,
    "const": 1,
    "enum": 1,
    "not": 1,
    "minLength": 2,
    "maxLength": 2,
    "pattern": 3,
    "format": 3,
}
_CONDITIONAL = {"if", "then", "else", "allOf"}


def field_name(pointer: Pointer) -> str:
    """``('app', 'use_cases', 2)`` → ``app.use_cases[2]``."""
    text = ""
    for part in pointer:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def placeholder_in(value: object) -> str | None:
    """The first placeholder word in a string value, as written (spaces collapsed), or None."""
    if not isinstance(value, str) or value.startswith(_SEALED):
        return None
    return _placeholder_in(value)


@functools.lru_cache(maxsize=8192)
def _placeholder_in(value: str) -> str | None:
    """Remembered: a dozen rules ask about each value of a submission."""
    match = PLACEHOLDER.search(value)
    return " ".join(match.group().split()) if match else None


def is_placeholder(value: object) -> bool:
    """A string value not filled in yet: it holds a placeholder word anywhere (rule
    ``placeholder``). Rules skip such values, and ``status`` counts them as unfilled."""
    return placeholder_in(value) is not None


def _holds_placeholder(value: object) -> bool:
    """A placeholder, or a list with one: its schema errors wait until it is filled in."""
    if isinstance(value, list):
        return any(is_placeholder(item) for item in value)
    return is_placeholder(value)


def validate(document: Document, schema_name: str) -> Iterator[Diagnostic]:
    """Every schema error of ``document`` as diagnostics (placeholders are left to their rule)."""
    if schemas.screened_valid(schema_name, document.data):
        return
    best: dict[tuple[int | None, int | None], tuple[tuple[int, int], Diagnostic]] = {}
    others: list[Diagnostic] = []
    for error in schemas.validator(schema_name).iter_errors(document.data):
        if _holds_placeholder(error.instance) and error.validator != "required":
            continue
        e = _Error(error, document, schema_name)
        if error.validator == "pattern" and e.schema.get("x-oin-secret"):
            continue  # rule secret-sealed reports it, without repeating the secret
        rank = _RANK.get(str(error.validator))
        for diagnostic in _HANDLERS.get(str(error.validator), _generic)(e):
            if rank is None:
                others.append(diagnostic)
                continue
            key = (diagnostic.line, diagnostic.column)
            order = (rank, e.limit)
            if key not in best or order < best[key][0]:
                best[key] = (order, diagnostic)
    yield from dict.fromkeys([*others, *(diagnostic for _, diagnostic in best.values())])


_USERINFO = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)[^\s/@]+@")


def shown(value: object, limit: int = 60) -> str:
    """A value as the ISV wrote it in YAML: 'text' quoted, true/false/null, lists in flow style.
    A credential is never repeated: a URL's user and password become ``***``, and text the
    secret scanner reads as a known credential format is not shown at all (its own rule names
    the field)."""
    if isinstance(value, str):
        from oin_gitops.rules.credentials import Scope, scanner

        if scanner().scan(value, Scope.FORMATS):
            return "(a value that looks like a credential, not shown)"
        value = _USERINFO.sub(r"\1***@", value)
        text = value if len(value) <= limit else value[: limit - 3] + "..."
        return f"'{text}'"
    if isinstance(value, bool) or value is None:
        return json.dumps(value)
    if isinstance(value, (int, float)):
        return str(value)
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _value_type(value: object, show: bool = True) -> str:
    """What ``value`` is, with a decimal number's value unless ``show`` is off (a secret's)."""
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, int):
        return "a whole number"
    if isinstance(value, float):
        return f"a decimal number ({value})" if show else "a decimal number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return "empty" if value is None else type(value).__name__


def _first_sentence(text: str) -> str:
    return text.strip().split(". ")[0].rstrip(".")


@dataclass(frozen=True)
class _Error:
    """One jsonschema error, the schema of the field it is about, and how to report it."""

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

    @cached_property
    def schema(self) -> dict[str, Any]:
        """The schema holding the failing keyword, with the field's own annotations."""
        return schemas.subschema(self.schema_name, list(self.error.absolute_schema_path)[:-1])

    @cached_property
    def object_schema(self) -> dict[str, Any]:
        """For errors inside if/then/else: the schema of the object the condition is about."""
        path = list(self.error.absolute_schema_path)[:-1]
        while path and (path[-1] in _CONDITIONAL or isinstance(path[-1], int)):
            path.pop()
        return schemas.subschema(self.schema_name, path)

    @property
    def conditional(self) -> bool:
        return bool(_CONDITIONAL & set(self.error.absolute_schema_path))

    @property
    def limit(self) -> int:
        value = self.error.validator_value
        return value if isinstance(value, int) and not isinstance(value, bool) else 0

    @cached_property
    def guideline(self) -> str | None:
        """The OIN guideline the failing keyword enforces: its own entry in the schema's
        ``x-oin-guidelines`` (keyword to guideline, for a shared definition enforcing two), else
        the nearest ``x-oin-guideline`` from the keyword's schema outwards. A file's top level
        counts only for its own keywords: it holds every field."""
        by_keyword = self.schema.get("x-oin-guidelines") or {}
        if self.error.validator in by_keyword:
            return str(by_keyword[self.error.validator])
        path = list(self.error.absolute_schema_path)[:-1]
        for depth in range(len(path), 0 if path else -1, -1):
            found = schemas.subschema(self.schema_name, path[:depth]).get("x-oin-guideline")
            if found:
                return str(found)
        return None

    def help(self, schema: dict[str, Any] | None = None) -> str:
        """The schema's description; the guideline it enforces is the diagnostic's own field."""
        schema = self.schema if schema is None else schema
        return str(schema.get("description", "")).strip()

    def fix(self, step: str) -> str:
        """How to fix: ``step`` first (what to do), then an example of a good value where the
        schema gives one and the field is not secret, then what the field is for."""
        examples = self.schema.get("examples") or []
        example = ""
        hint = str(self.schema.get("x-oin-hint", ""))
        shows_one = any(words in hint for words in ("such as", "for example", "e.g."))
        if (
            examples
            and not shows_one
            and not self.schema.get("x-oin-secret")
            and not isinstance(examples[0], (dict, list))
        ):
            example = f" For example: {shown(examples[0])}."
        return " ".join(p for p in (step + example, self.help()) if p)

    def report(
        self,
        message: str,
        help: str | None = None,
        *,
        at: Pointer | None = None,
        key: bool = False,
        guideline: str | None = None,
    ) -> Diagnostic:
        pointer = self.pointer if at is None else at
        line, column = self.document.position(pointer, key=key)
        end = column + len(str(pointer[-1])) if key and pointer else None
        return Diagnostic(
            path=self.document.path,
            rule=RULE,
            severity=Severity.ERROR,
            message=message,
            help=self.help() if help is None else help,
            line=line,
            column=column,
            end_line=line if end else None,
            end_column=end,
            guideline=guideline or self.guideline,
        )


def _generic(e: _Error) -> Iterator[Diagnostic]:
    yield e.report(f"{e.subject} is invalid: {e.error.message}")


def _required(e: _Error) -> Iterator[Diagnostic]:
    instance = e.error.instance if isinstance(e.error.instance, dict) else {}
    for prop in e.error.validator_value:
        if prop in instance or not e.error.message.startswith(repr(prop)):
            continue
        field = schemas.resolve(e.object_schema.get("properties", {}).get(prop, {}), e.schema_name)
        reason = e.help() if e.conditional else ""
        where = f"'{e.name}' is" if e.name else "the file is"
        yield e.report(
            f"{where} missing the required key '{prop}'",
            " ".join(p for p in (f"Add '{prop}'.", reason, e.help(field)) if p),
            key=True,
            guideline=field.get("x-oin-guideline"),
        )


def _additional(e: _Error) -> Iterator[Diagnostic]:
    properties = e.schema.get("properties", {})
    allowed = sorted(k for k, v in properties.items() if not (isinstance(v, dict) and "not" in v))
    instance = e.error.instance if isinstance(e.error.instance, dict) else {}
    for extra in (k for k in instance if k not in properties):
        close = difflib.get_close_matches(str(extra), allowed, n=1)
        hint = f"Did you mean '{close[0]}'? " if close else ""
        yield e.report(
            f"{e.subject} has the unknown key {shown(str(extra), limit=1_000)}",
            f"{hint}Allowed keys here: {', '.join(allowed)}.",
            at=(*e.pointer, extra),
            key=True,
        )


def _refused(e: _Error) -> Iterator[Diagnostic]:
    reason = _first_sentence(e.schema.get("description", ""))
    state = "not allowed here" if e.conditional else "not supported"
    yield e.report(f"'{e.name}' is {state}" + (f": {reason}" if reason else ""), key=True)


def _type(e: _Error) -> Iterator[Diagnostic]:
    expected = e.error.validator_value
    wanted = " or ".join(
        _TYPE_NAMES.get(t, t) for t in ([expected] if isinstance(expected, str) else expected)
    )
    found = _value_type(e.error.instance, show=not e.schema.get("x-oin-secret"))
    step = f"Write {e.subject} as {wanted}" + (
        " (quote text that YAML would read as a number, date or true/false)."
        if "text" in wanted
        else "."
    )
    yield e.report(f"{e.subject} must be {wanted}, not {found}", e.fix(step))


def _enum(e: _Error) -> Iterator[Diagnostic]:
    choices = [str(v) for v in e.error.validator_value]
    close = difflib.get_close_matches(str(e.error.instance), choices, n=1)
    hint = f"Did you mean '{close[0]}'? " if close else ""
    yield e.report(
        f"'{e.name}' is {shown(e.error.instance)}, which is not one of: {', '.join(choices)}",
        f"{hint}{e.fix('Write one of the listed values exactly as shown (case matters).')}",
    )


def _const(e: _Error) -> Iterator[Diagnostic]:
    wanted, found = e.error.validator_value, e.error.instance
    found_text = shown(found)
    if str(wanted) == str(found) or type(wanted) is not type(found):
        found_text = f"{_value_type(found)} {found_text}" if isinstance(found, str) else found_text
    yield e.report(
        f"'{e.name}' must be {shown(wanted)}, not {found_text}",
        e.fix(f"Set '{e.name}' to {shown(wanted)}."),
    )


def _pattern(e: _Error) -> Iterator[Diagnostic]:
    hint = e.schema.get("x-oin-hint", f"text matching {e.error.validator_value}")
    if "propertyNames" in e.error.absolute_schema_path:
        yield e.report(
            f"the key {shown(e.error.instance)} in '{e.name}' must be {hint}",
            at=(*e.pointer, e.error.instance),
            key=True,
        )
        return
    yield e.report(
        f"'{e.name}' must be {hint} (found {shown(e.error.instance)})",
        e.fix(f"Rewrite '{e.name}' as {hint}."),
    )


def _format(e: _Error) -> Iterator[Diagnostic]:
    hint = e.schema.get("x-oin-hint", f"a valid {e.error.validator_value}")
    yield e.report(
        f"'{e.name}' must be {hint} (found {shown(e.error.instance)})",
        e.fix(f"Rewrite '{e.name}' as {hint}."),
    )


def _length(e: _Error) -> Iterator[Diagnostic]:
    size, limit = len(e.error.instance), e.limit
    if e.error.validator == "maxLength":
        yield e.report(
            f"'{e.name}' is {size:,} characters; the OIN allows at most {limit:,}",
            e.fix(f"Shorten '{e.name}' by at least {size - limit:,} characters."),
        )
    elif size == 0:
        yield e.report(f"'{e.name}' is empty", e.fix(f"Fill in '{e.name}'."))
    else:
        yield e.report(
            f"'{e.name}' is {size:,} characters; the OIN requires at least {limit:,}",
            e.fix(f"Write at least {limit - size:,} more characters in '{e.name}'."),
        )


def _entries(count: int) -> str:
    return f"{count:,} {'entry' if count == 1 else 'entries'}"


def _items_count(e: _Error) -> Iterator[Diagnostic]:
    size, limit = len(e.error.instance), e.limit
    if e.error.validator == "minItems":
        yield e.report(
            f"'{e.name}' has {_entries(size)}; at least {limit:,} required",
            e.fix(f"Add {_entries(limit - size)} to '{e.name}'."),
        )
    else:
        yield e.report(
            f"'{e.name}' has {_entries(size)}; at most {limit:,} allowed",
            f"Remove {_entries(size - limit)}. " + e.help(),
            at=(*e.pointer, limit),
        )


def _unique(e: _Error) -> Iterator[Diagnostic]:
    seen: list[object] = []
    for index, item in enumerate(e.error.instance):
        if item in seen:
            what = (
                f"repeats entry {seen.index(item) + 1}"
                if isinstance(item, (dict, list))
                else f"repeats {shown(item)}"
            )
            yield e.report(
                f"'{e.name}[{index}]' {what}", "Remove the repeated entry.", at=(*e.pointer, index)
            )
        seen.append(item)


def _contains(e: _Error) -> Iterator[Diagnostic]:
    wanted = e.error.validator_value
    what = (
        shown(wanted["const"])
        if isinstance(wanted, dict) and "const" in wanted
        else "a required entry"
    )
    yield e.report(f"'{e.name}' must include {what}", e.fix(f"Add {what} to '{e.name}'."))


def _bounds(e: _Error) -> Iterator[Diagnostic]:
    word = "at least" if e.error.validator in ("minimum", "exclusiveMinimum") else "at most"
    yield e.report(
        f"'{e.name}' is {e.error.instance}; it must be {word} {e.error.validator_value}",
        e.fix(f"Change '{e.name}' to a number {word} {e.error.validator_value}."),
    )


def _properties_count(e: _Error) -> Iterator[Diagnostic]:
    keys = ", ".join(e.schema.get("properties", {}))
    low, high = e.schema.get("minProperties"), e.schema.get("maxProperties")
    need = (
        f"exactly one of: {keys}"
        if low == high == 1
        else f"between {low or 0} and {high or 'any number of'} of: {keys}"
    )
    yield e.report(f"'{e.name}' must have {need}", e.fix(f"Keep {need} in '{e.name}'."))


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
