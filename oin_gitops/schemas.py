"""The JSON Schemas shipped with the package, and one compiled validator per schema.

Schemas reference each other by relative ``$ref``; a ``referencing`` registry holds all of them
and refuses to retrieve anything else, so validation never touches the network.
"""

from __future__ import annotations

import functools
import json
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
    raise NoSuchResource(ref=uri)


@functools.cache
def registry() -> Registry[Any]:
    resources_ = [
        Resource.from_contents(load(path.name.removesuffix(".schema.json")))
        for path in sorted(schema_dir().glob("*.schema.json"))
    ]
    return Registry(retrieve=_refuse).with_resources(
        (resource.id(), resource) for resource in resources_ if resource.id()
    )


@functools.cache
def validator(name: str) -> Draft202012Validator:
    return Draft202012Validator(
        load(name),
        registry=registry(),
        format_checker=Draft202012Validator.FORMAT_CHECKER,
    )


def resolve(schema: dict[str, Any], name: str) -> dict[str, Any]:
    """Follow ``$ref`` chains from ``schema`` (found in schema ``name``) to a concrete schema."""
    resolver = registry().resolver(base_uri=load(name)["$id"])
    while "$ref" in schema:
        resolved = resolver.lookup(schema["$ref"])
        resolver = resolved.resolver
        schema = {**resolved.contents, **{k: v for k, v in schema.items() if k != "$ref"}}
    return schema
