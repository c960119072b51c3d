"""Validate JSON bodies against the vendored slice of GitHub's OpenAPI description.

``openapi-subset.json`` is an OpenAPI 3.0.3 document (written by ``refresh_openapi.py``), so the
schemas are validated with openapi-schema-validator's ``OAS30ReadValidator``: ``nullable: true``
admits ``null``, ``discriminator`` picks the ``oneOf`` branch (``/user``, ``/contents``), and
``readOnly``/``writeOnly`` are read as for a response. Formats are checked too (``date-time``,
``email``, ``int64``...), plus ``uri`` as "absolute http(s) URL".

Two readings of OpenAPI 3.0 that GitHub's description relies on, made explicit here:

* ``nullable: true`` next to an ``enum`` admits ``null`` even though the enum does not list it
  (``issue.state_reason`` is documented so, and is ``null`` on every open issue);
* a ``discriminator`` only applies to objects: GitHub's ``/contents/{path}`` maps ``"array"`` to
  the directory listing, so an array is matched against the ``oneOf`` branches plainly.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from jsonschema import FormatChecker
from jsonschema.validators import extend
from openapi_schema_validator import OAS30ReadValidator, oas30_format_checker

SUBSET_PATH = Path(__file__).resolve().with_name("openapi-subset.json")


@functools.cache
def subset() -> dict[str, Any]:
    """The vendored document (cached)."""
    document: dict[str, Any] = json.loads(SUBSET_PATH.read_text("utf-8"))
    return document


def package_version() -> str:
    """The ``@octokit/openapi`` version the subset was extracted from."""
    return str(subset()["info"]["x-octokit-openapi-version"])


def routes() -> list[tuple[str, str]]:
    """Every ``(METHOD, template)`` in the subset."""
    return sorted(
        (method.upper(), template)
        for template, operations in subset()["paths"].items()
        for method in operations
    )


_BASE_ENUM = OAS30ReadValidator.VALIDATORS["enum"]
_BASE_ONE_OF = OAS30ReadValidator.VALIDATORS["oneOf"]


def _enum(validator: Any, enums: Any, instance: Any, schema: dict[str, Any]) -> Any:
    if instance is None and schema.get("nullable") is True:
        return
    yield from _BASE_ENUM(validator, enums, instance, schema)


def _one_of(validator: Any, one_of: Any, instance: Any, schema: dict[str, Any]) -> Any:
    if "discriminator" in schema and not validator.is_type(instance, "object"):
        schema = {key: value for key, value in schema.items() if key != "discriminator"}
    yield from _BASE_ONE_OF(validator, one_of, instance, schema)


ResponseValidator = extend(OAS30ReadValidator, {"enum": _enum, "oneOf": _one_of})


def _is_uri(value: object) -> bool:
    if not isinstance(value, str):
        return True
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def _format_checker() -> FormatChecker:
    checker = FormatChecker(formats=())
    checker.checkers = dict(oas30_format_checker.checkers)
    checker.checkers["uri"] = (_is_uri, ())
    return checker


def _pointer(*parts: str) -> str:
    return "#/" + "/".join(part.replace("~", "~0").replace("/", "~1") for part in parts)


@functools.cache
def _validator(method: str, template: str, status: str) -> Any:
    document = subset()
    operation = document["paths"].get(template, {}).get(method.lower())
    if operation is None:
        raise KeyError(f"{method} {template} is not in the vendored OpenAPI subset")
    if status not in operation["responses"]:
        raise KeyError(f"{method} {template} has no {status} response in the subset")
    response = operation["responses"][status]
    if "content" not in response:
        return None
    ref = _pointer(
        "paths", template, method.lower(), "responses", status, "content", "application/json"
    )
    # The document is the root resource, so "#/components/..." resolves inside it; the keys
    # besides "$ref" ("paths", "components", ...) are not JSON Schema keywords and are ignored.
    schema = {**document, "$ref": f"{ref}/schema"}
    return ResponseValidator(schema, format_checker=_format_checker())


def error_validator() -> Any:
    """A validator for GitHub's error body (``basic-error``)."""
    schema = {**subset(), "$ref": "#/components/schemas/basic-error"}
    return ResponseValidator(schema, format_checker=_format_checker())


def response_errors(method: str, template: str, status: int, body: Any) -> list[str]:
    """Why ``body`` is not a valid ``status`` response of ``METHOD template`` (empty: valid).

    A 204 (or any response documented without content) must have no body. Error statuses
    (>= 400) are checked against ``basic-error``.
    """
    if status >= 400:
        validator = error_validator()
    else:
        validator = _validator(method.upper(), template, str(status))
        if validator is None:
            return [] if body is None else [f"{status} must have no body"]
    return [
        f"{'/'.join(map(str, error.absolute_path)) or '<root>'}: {error.message}"
        for error in sorted(
            validator.iter_errors(body), key=lambda e: [str(p) for p in e.absolute_path]
        )
    ]
