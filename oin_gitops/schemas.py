"""The JSON Schemas shipped with the package, and one compiled validator per schema.

Schemas reference each other by relative ``$ref``; a ``referencing`` registry holds all of them
and refuses to retrieve anything else, so validation never touches the network.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable, Sequence
from importlib import resources
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.exceptions import NoSuchResource

# Files of a submission folder that are validated, and the schema each one follows.
FILE_SCHEMAS = {
    "submission.yaml": "submission",
    "saml.yaml": "saml",
    "oidc.yaml": "oidc",
    "scim.yaml": "scim",
    "workflows.yaml": "workflows",
    "api-service.yaml": "api-service",
}
PROTOCOL_FILES = tuple(name for name in FILE_SCHEMAS if name != "submission.yaml")
CONFIG_SCHEMA = "config"


def schema_dir() -> Path:
    """The folder of schemas: inside the installed package, or beside it in a source checkout."""
    packaged = Path(str(resources.files("oin_gitops"))) / "schemas"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent / "schemas"


def schema_file(name: str) -> Path:
    return schema_dir() / f"{name}.schema.json"


@functools.cache
def load(name: str) -> dict[str, Any]:
    with schema_file(name).open(encoding="utf-8") as handle:
        schema: dict[str, Any] = json.load(handle)
    return schema


def _refuse(uri: str) -> Resource[Any]:
    raise NoSuchResource(ref=uri)  # type: ignore[call-arg]


@functools.cache
def registry() -> Registry[Any]:
    pairs: list[tuple[str, Resource[Any]]] = []
    for path in sorted(schema_dir().glob("*.schema.json")):
        resource = Resource.from_contents(load(path.name.removesuffix(".schema.json")))
        uri = resource.id()
        if uri:
            pairs.append((uri, resource))
    offline: Registry[Any] = Registry(retrieve=_refuse)  # type: ignore[call-arg]
    return offline.with_resources(pairs)


@functools.cache
def validator(name: str) -> Draft202012Validator:
    return Draft202012Validator(
        load(name),
        registry=registry(),
        format_checker=Draft202012Validator.FORMAT_CHECKER,
    )


@functools.cache
def screen(name: str) -> Callable[[Any], bool] | None:
    """A yes-or-no check of schema ``name``, compiled (jsonschema-rs, about 50 times faster than
    ``validator``), or None where that library is not installed.

    Only a "yes" is trusted (see ``screened_valid``): a document it accepts has no schema error,
    so the Python validator is skipped; a refused one goes to the Python validator, which finds
    and words the errors. tests/test_schema_screen.py compares both.
    """
    try:
        import jsonschema_rs
    except ImportError:  # pragma: no cover - a platform without a wheel
        return None
    pairs = []
    for path in sorted(schema_dir().glob("*.schema.json")):
        schema = load(path.name.removesuffix(".schema.json"))
        if schema.get("$id"):
            pairs.append((schema["$id"], schema))
    compiled = jsonschema_rs.validator_for(
        load(name),
        registry=jsonschema_rs.Registry(pairs, retriever=_refuse_remote),
        validate_formats=True,
    )
    return compiled.is_valid  # type: ignore[no-any-return]


def screened_valid(name: str, data: Any) -> bool:
    """Whether the compiled check accepts ``data`` (False when it is missing or cannot take
    a value, such as a date the careful YAML parser made: the Python validator decides)."""
    screen_of = screen(name)
    if screen_of is None:
        return False
    try:
        # The regex dialects agree on printable ASCII only: jsonschema-rs reads \s, \w and \d
        # as ECMA-262 does (U+0085, U+001F and non-ASCII letters differ from Python's). JSON
        # escapes every other character as \uXXXX (at C speed); such a document goes to the
        # Python validator.
        if "\\u" in json.dumps(data):
            return False
        return screen_of(data)
    except (ValueError, TypeError, OverflowError):
        return False


def _refuse_remote(uri: str) -> Any:
    raise ValueError(f"schemas are never fetched: {uri}")


def _deref(node: Any, resolver: Any) -> tuple[Any, Any]:
    """Follow ``$ref`` chains; the referring schema's own keywords win over the target's."""
    while isinstance(node, dict) and "$ref" in node:
        resolved = resolver.lookup(node["$ref"])
        resolver = resolved.resolver
        node = {**resolved.contents, **{k: v for k, v in node.items() if k != "$ref"}}
    return node, resolver


def resolve(schema: dict[str, Any], name: str) -> dict[str, Any]:
    """``schema`` (found in schema ``name``) with its ``$ref`` chain followed."""
    node, _ = _deref(schema, registry().resolver(base_uri=load(name)["$id"]))
    return node if isinstance(node, dict) else {}


def subschema(name: str, path: Sequence[str | int]) -> dict[str, Any]:
    """The schema at ``path`` (a jsonschema ``schema_path``) of schema ``name``, references followed.

    Keywords written beside a ``$ref`` (a field's own description or hint) win over those of the
    shared definition it points to.
    """
    node: Any = load(name)
    resolver = registry().resolver(base_uri=node["$id"])
    for part in path:
        if isinstance(node, dict) and part not in node:
            node, resolver = _deref(node, resolver)
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            return {}
    node, _ = _deref(node, resolver)
    return node if isinstance(node, dict) else {}


@functools.cache
def marked(name: str, mark: str) -> tuple[tuple[str, ...], ...]:
    """Pointers of every property of schema ``name`` carrying ``mark`` (e.g. ``x-oin-secret``);
    ``*`` stands for any item of a list."""
    found: list[tuple[str, ...]] = []
    stack: list[tuple[tuple[str, ...], dict[str, Any]]] = [((), load(name))]
    while stack:
        pointer, node = stack.pop()
        node = resolve(node, name)
        if node.get(mark) and pointer:
            found.append(pointer)
        for prop, sub in (node.get("properties") or {}).items():
            if isinstance(sub, dict):
                stack.append(((*pointer, prop), sub))
        if isinstance(node.get("items"), dict):
            stack.append(((*pointer, "*"), node["items"]))
    return tuple(sorted(found))


@functools.cache
def schema_pattern(schema: str, *path: str) -> re.Pattern[str]:
    """The ``pattern`` at ``path`` in a schema: values it refuses are the schema's to report."""
    node: Any = load(schema)
    for part in path:
        node = node[part]
    return re.compile(node["pattern"])
