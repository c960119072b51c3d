"""The public view walks the schemas: only described, unmarked properties are copied."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from oin_gitops import schemas, yamlio
from oin_gitops.catalog.public import public_fields, use_cases
from oin_gitops.schemas import FILE_SCHEMAS
from tests.catalog.conftest import ROOT

EXAMPLES = sorted(
    (folder.name, name)
    for folder in (ROOT / "submissions").iterdir()
    for name in FILE_SCHEMAS
    if (folder / name).is_file()
)


def _parsed(path: Path) -> Any:
    document = yamlio.parse(path.read_bytes(), path.name)
    assert isinstance(document, yamlio.Document)
    return document.data


def _holds(data: Any, pointer: tuple[str, ...]) -> bool:
    if not pointer:
        return True
    head, rest = pointer[0], pointer[1:]
    if head == "*":
        return isinstance(data, list) and any(_holds(item, rest) for item in data)
    return isinstance(data, dict) and head in data and _holds(data[head], rest)


@pytest.mark.parametrize(("slug", "name"), EXAMPLES, ids=lambda v: str(v))
def test_no_private_pointer_survives_in_the_examples(slug: str, name: str) -> None:
    schema = FILE_SCHEMAS[name]
    data = _parsed(ROOT / "submissions" / slug / name)
    public = public_fields(data, schema)
    private = schemas.marked(schema, "x-oin-private")
    if private:
        assert [p for p in private if _holds(data, p)], "the example has private values to drop"
    assert [p for p in private if _holds(public, p)] == []


def test_plain_types_only() -> None:
    data = _parsed(ROOT / "submissions/brightdesk/saml.yaml")
    public = public_fields(data, "saml")
    assert type(public["sp_initiate_description"]) is str
    assert type(public["jit"]) is bool
    assert type(public["sign_in_flows"]) is list


def test_what_the_schema_does_not_describe_is_dropped() -> None:
    data = {
        "schema_version": 1,
        "app": {"name": "Acme", "unknown": "dropped", "use_cases": ["Automation", {"x": 1}]},
        "support": {"contacts": [{"email": "a@acme.example", "extra": "dropped"}]},
        "owners": {"okta_org": "https://acme.okta.com"},
        "surprise": {"nested": "dropped"},
    }
    assert public_fields(data, "submission") == {
        "schema_version": 1,
        "app": {"name": "Acme", "use_cases": ["Automation"]},
        "support": {"contacts": [{"email": "a@acme.example"}]},
    }


def test_odd_scalars_are_dropped() -> None:
    data = {"scopes": ["okta.users.read", float("nan"), object()], "scope_justification": 1.5}
    assert public_fields(data, "api-service") == {
        "scopes": ["okta.users.read"],
        "scope_justification": 1.5,
    }


def test_forbidden_keys_are_dropped() -> None:
    assert public_fields({"jit": True, "relay_state": "x"}, "saml") == {"jit": True}


@pytest.mark.parametrize(
    ("listed", "files", "expected"),
    [
        ([], ["saml.yaml"], [("Single Sign-On", ("saml.yaml",))]),
        (
            ["Automation"],
            ["saml.yaml", "oidc.yaml", "scim.yaml"],
            [
                ("Automation", ()),
                ("Single Sign-On", ("saml.yaml", "oidc.yaml")),
                ("Lifecycle Management", ("scim.yaml",)),
            ],
        ),
        (
            ["Lifecycle Management", "Automation"],
            ["scim.yaml"],
            [("Lifecycle Management", ()), ("Automation", ())],
        ),
        (["Zero Trust", "Zero Trust"], ["api-service.yaml"], [("Zero Trust", ())]),
    ],
)
def test_use_cases_add_the_protocol_defaults_once(
    listed: list[str], files: list[str], expected: list[tuple[str, tuple[str, ...]]]
) -> None:
    assert use_cases(listed, files) == expected
