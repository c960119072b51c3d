"""What of a submission may be published: its public fields, found by walking the schemas.

A value is copied only where its schema describes it property by property (or item by item)
and marks it neither ``x-oin-private`` nor ``x-oin-secret``; a mapping the schema does not
describe is dropped, never copied whole. So a private field added to a schema later cannot leak
by default, and neither can a key the schema does not know.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from oin_gitops import schemas
from oin_gitops.rules.catalog import DEFAULT_USE_CASES
from oin_gitops.schemas import FILE_SCHEMAS
from oin_gitops.submission import Submission

PRIVATE_MARKS = ("x-oin-private", "x-oin-secret")
# The protocol (or tool) of each protocol file, as the catalog names it.
PROTOCOLS = {name: name.removesuffix(".yaml") for name in schemas.PROTOCOL_FILES}
GUIDE_FIELDS = ("config_guide_url", "user_doc_url", "api_doc_url")


class _Omit:
    """Stands for a value that is not published."""


_OMIT = _Omit()


@dataclass(frozen=True)
class History:
    """When an app was first published and last changed, and how many commits changed it."""

    first_published: str | None = None
    last_updated: str | None = None
    versions: int | None = None


def public_fields(data: Any, schema_name: str) -> dict[str, Any]:
    """The public part of ``data`` (a parsed file following schema ``schema_name``)."""
    kept = _walk(data, _root(schema_name))
    return kept if isinstance(kept, dict) else {}


@functools.cache
def _root(schema_name: str) -> _Node:
    root = schemas.load(schema_name)
    return _Node(root, schemas.registry().resolver(base_uri=root["$id"]))


class _Node:
    """A schema node with its ``$ref``s followed, and its children compiled on first use: a
    build walks the same schema for every app, and resolving references is most of the cost."""

    __slots__ = ("_items", "_properties", "_resolver", "_schema", "public")

    def __init__(self, schema: Any, resolver: Any) -> None:
        schema, resolver = _deref(schema, resolver)
        self._schema, self._resolver = schema, resolver
        self.public = (
            isinstance(schema, dict)
            and not any(schema.get(mark) for mark in PRIVATE_MARKS)
            and schema.get("not") != {}  # a key the schema forbids is never published
        )
        self._properties: dict[str, _Node] | _Omit | None = _OMIT
        self._items: _Node | _Omit | None = _OMIT

    def properties(self) -> dict[str, _Node] | None:
        """Each described property's node, in the schema's order; None when not described."""
        if isinstance(self._properties, _Omit):
            found = self._schema.get("properties")
            self._properties = (
                {key: _Node(sub, self._resolver) for key, sub in found.items()}
                if isinstance(found, dict)
                else None
            )
        return self._properties

    def items(self) -> _Node | None:
        """The node of every item; None when the schema does not describe them."""
        if isinstance(self._items, _Omit):
            found = self._schema.get("items")
            self._items = _Node(found, self._resolver) if isinstance(found, dict) else None
        return self._items


def _deref(node: Any, resolver: Any) -> tuple[Any, Any]:
    """Follow ``$ref`` chains, each in its own document; the referring keywords win."""
    while isinstance(node, dict) and "$ref" in node:
        resolved = resolver.lookup(node["$ref"])
        resolver = resolved.resolver
        node = {**resolved.contents, **{k: v for k, v in node.items() if k != "$ref"}}
    return node, resolver


def _walk(value: Any, node: _Node) -> Any:
    if not node.public:
        return _OMIT
    if isinstance(value, Mapping):
        properties = node.properties()
        if properties is None:
            return _OMIT
        kept = {k: _walk(value[k], sub) for k, sub in properties.items() if k in value}
        return {key: item for key, item in kept.items() if item is not _OMIT}
    if isinstance(value, list):
        items = node.items()
        if items is None:
            return _OMIT
        walked = [_walk(item, items) for item in value]
        return [item for item in walked if item is not _OMIT]
    return _scalar(value)


def _scalar(value: Any) -> Any:
    """A plain Python scalar (ruamel's subclasses unwrapped); anything else is not published."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value) if math.isfinite(value) else _OMIT
    if isinstance(value, str):
        return str(value)
    return _OMIT


def use_cases(listed: Sequence[str], files: Sequence[str]) -> list[tuple[str, tuple[str, ...]]]:
    """The catalog's use cases: those listed, then each default that the protocol ``files``
    add (DESIGN §5), with the files that add it (empty for a listed one)."""
    found: list[tuple[str, tuple[str, ...]]] = [(name, ()) for name in dict.fromkeys(listed)]
    for use_case, adders in DEFAULT_USE_CASES:
        present = tuple(name for name in adders if name in files)
        if present and use_case not in listed:
            found.append((use_case, present))
    return found


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _strings(value: Any) -> list[str]:
    return [item for item in value if isinstance(item, str)] if isinstance(value, list) else []


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def details(submission: Submission) -> dict[str, dict[str, Any]]:
    """The public fields of each protocol file present, by protocol."""
    found: dict[str, dict[str, Any]] = {}
    for name in submission.protocols:
        document = submission.documents.get(name)
        if document is not None:
            found[PROTOCOLS[name]] = public_fields(document.data, FILE_SCHEMAS[name])
    return found


def app_record(submission: Submission, logo: str | None, history: History) -> dict[str, Any]:
    """One app as the catalog publishes it (``apps/<slug>.json``): public fields only."""
    general = submission.general
    public = public_fields(general.data, "submission") if general is not None else {}
    app = _mapping(public.get("app"))
    contacts = _mapping(public.get("support")).get("contacts")
    if not isinstance(contacts, list):
        contacts = []
    slug = submission.slug
    return {
        "slug": slug,
        "name": _text(app.get("name")),
        "description": _text(app.get("description")),
        "website": _text(app.get("website")),
        "use_cases": [
            name for name, _ in use_cases(_strings(app.get("use_cases")), submission.protocols)
        ],
        "protocols": [PROTOCOLS[name] for name in submission.protocols],
        "support_contacts": [c for c in contacts if isinstance(c, dict) and len(c) == 1],
        "logo": logo,
        "page": f"apps/{slug}.html",
        "api": f"apps/{slug}.json",
        "first_published": history.first_published,
        "last_updated": history.last_updated,
        "versions": history.versions,
        "details": details(submission),
    }


def summary(record: Mapping[str, Any]) -> dict[str, Any]:
    """An app as ``index.json`` lists it: everything but the protocol details."""
    return {key: value for key, value in record.items() if key != "details"}


def guides(record: Mapping[str, Any]) -> list[tuple[str, str, str]]:
    """(protocol, field, URL) of every configuration or documentation link of an app."""
    found = []
    for protocol, fields in record.get("details", {}).items():
        for field in GUIDE_FIELDS:
            url = fields.get(field)
            if isinstance(url, str):
                found.append((protocol, field, url))
    return found
