"""The JSON Schemas shipped with the package, and one compiled validator per schema.

Schemas reference each other by relative ``$ref``; a ``referencing`` registry holds all of them
and refuses to retrieve anything else, so validation never touches the network.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Sequence
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
