"""Each schema against fixture files: pass cases validate clean, fail cases pin every diagnostic.

Fixtures live in ``tests/fixtures/schemas/<schema>/{pass,fail}/<case>.yaml``; a fail case has a
sidecar ``<case>.expected`` with one ``LINE:COLUMN MESSAGE`` line per diagnostic, in order.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from oin_gitops import schema_check, schemas, yamlio

FIXTURES = Path(__file__).parent / "fixtures" / "schemas"
CASES = sorted(FIXTURES.glob("*/*/*.yaml"))
SCHEMA_NAMES = sorted(
    p.name.removesuffix(".schema.json") for p in schemas.schema_dir().glob("*.schema.json")
)


def _rendered(case: Path) -> list[str]:
    document = yamlio.parse(case.read_bytes(), case.name)
    assert isinstance(document, yamlio.Document), document
    found = sorted(
        schema_check.validate(document, case.parent.parent.name), key=lambda d: d.sort_key()
    )
    return [f"{d.line}:{d.column} {d.message}" for d in found]


@pytest.mark.parametrize("case", CASES, ids=lambda p: "/".join(p.parts[-3:]))
def test_schema_fixture(case: Path) -> None:
    expected_file = case.with_suffix(".expected")
    if case.parent.name == "pass":
        assert _rendered(case) == []
    else:
        expected = expected_file.read_text(encoding="utf-8").splitlines()
        assert expected, f"{expected_file} pins no diagnostic"
        assert _rendered(case) == expected


@pytest.mark.parametrize("name", [n for n in SCHEMA_NAMES if n != "common"])
def test_every_schema_has_pass_and_fail_fixtures(name: str) -> None:
    assert list((FIXTURES / name / "pass").glob("*.yaml")), f"no pass fixture for {name}"
    assert list((FIXTURES / name / "fail").glob("*.yaml")), f"no fail fixture for {name}"


def _subschemas(node: Any, where: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    if isinstance(node, dict):
        yield where, node
        for key, value in node.items():
            if key != "x-oin-guidelines":  # keyword -> guideline, not a schema
                yield from _subschemas(value, f"{where}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _subschemas(value, f"{where}/{index}")


@pytest.mark.parametrize("name", SCHEMA_NAMES)
def test_schema_is_valid_2020_12_with_id(name: str) -> None:
    schema = schemas.load(name)
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"].endswith(f"/{name}.schema.json")


@pytest.mark.parametrize("name", SCHEMA_NAMES)
def test_every_property_has_a_description_and_every_pattern_a_hint(name: str) -> None:
    missing = []
    for where, node in _subschemas(schemas.load(name)):
        for prop, sub in (node.get("properties") or {}).items():
            if isinstance(sub, dict) and not sub.get("description"):
                missing.append(f"{where}/properties/{prop}: no description")
        if "pattern" in node and isinstance(node["pattern"], str) and "x-oin-hint" not in node:
            missing.append(f"{where}: pattern without x-oin-hint")
    assert missing == []


@pytest.mark.parametrize("name", SCHEMA_NAMES)
def test_no_combinators_without_positions(name: str) -> None:
    text = json.dumps(schemas.load(name))
    assert '"oneOf"' not in text and '"anyOf"' not in text


def test_secrets_are_private_and_sealed() -> None:
    secrets_found = []
    for name in SCHEMA_NAMES:
        for where, node in _subschemas(schemas.load(name)):
            if node.get("x-oin-secret"):
                secrets_found.append(f"{name}{where}")
                assert node.get("x-oin-private") is True, where
                assert node.get("$ref", "").endswith("#/$defs/sealed_secret"), where
    assert "submission/properties/test_account/properties/password" in secrets_found


def test_no_ref_is_fetched_over_the_network() -> None:
    from referencing.exceptions import Unresolvable

    resolver = schemas.registry().resolver()
    with pytest.raises(Unresolvable):
        resolver.lookup("https://example.invalid/remote.schema.json")


def _diagnostics(schema: str, text: str) -> list[tuple[int | None, int | None, str, str]]:
    document = yamlio.parse(text.encode(), "x.yaml")
    assert isinstance(document, yamlio.Document)
    found = sorted(schema_check.validate(document, schema), key=lambda d: d.sort_key())
    return [(d.line, d.column, d.message, d.help) for d in found]


SAML_BASE = """\
acs_url: https://acme.example/saml/acs
audience: https://acme.example/saml
config_guide_url: https://acme.example/docs
jit: true
"""


def test_conditional_required_key_explains_the_condition() -> None:
    [(line, column, message, help_text)] = _diagnostics(
        "saml", SAML_BASE + "sign_in_flows: [idp, sp]\nsp_initiate_description: Open the app.\n"
    )
    assert (line, column, message) == (
        1,
        1,
        "the file is missing the required key 'sp_initiate_url'",
    )
    assert help_text.startswith(
        "Add 'sp_initiate_url'. With the SP-initiated flow, Okta needs the SP Initiate URL and a description of the flow."
    )
    # The guideline is the diagnostic's own field, which every output shows; not repeated here.
    assert "OIN guideline" not in help_text
    document = yamlio.parse(
        (SAML_BASE + "sign_in_flows: [idp, sp]\nsp_initiate_description: Open the app.\n").encode(),
        "x.yaml",
    )
    assert isinstance(document, yamlio.Document)
    assert [d.guideline for d in schema_check.validate(document, "saml")] == ["SAML-04"]


def test_unknown_key_suggests_the_near_miss_and_lists_only_allowed_keys() -> None:
    [(line, column, message, help_text)] = _diagnostics(
        "saml", SAML_BASE + "sign_in_flows: [idp]\naudiance: x\n"
    )
    assert (line, column, message) == (6, 1, "the file has the unknown key 'audiance'")
    assert help_text.startswith(
        "Did you mean 'audience'? Allowed keys here: acs_url, acs_urls_indexed, "
    )
    assert "relay_state" not in help_text and "name_id_format" not in help_text


def test_field_help_comes_from_the_field_not_the_shared_definition() -> None:
    [(_, _, message, help_text)] = _diagnostics(
        "saml",
        SAML_BASE.replace("https://acme.example/docs", "http://acme.example/docs")
        + "sign_in_flows: [idp]\n",
    )
    assert message.startswith("'config_guide_url' must be a complete, static https:// URL")
    # How to fix first (what to write), then what the field is for, from the field itself.
    assert help_text.startswith(
        "Rewrite 'config_guide_url' as a complete, static https:// URL with a host name"
    )
    assert "Public URL of your SAML configuration guide" in help_text


# -- guidelines ----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", SCHEMA_NAMES)
def test_guideline_annotations_name_guidelines_and_real_keywords(name: str) -> None:
    guideline = re.compile(r"[A-Z]+-\d\d")
    for where, node in _subschemas(schemas.load(name)):
        if "x-oin-guideline" in node:
            assert guideline.fullmatch(node["x-oin-guideline"]), where
        for keyword, cited in (node.get("x-oin-guidelines") or {}).items():
            assert guideline.fullmatch(cited), f"{where}/x-oin-guidelines/{keyword}"
            assert keyword in node, f"{where}: x-oin-guidelines names '{keyword}', not here"


def _guidelines_of(schema_name: str, text: str) -> dict[str, str | None]:
    from oin_gitops import schema_check, yamlio

    document = yamlio.parse(text.encode(), f"submissions/acme-notes/{schema_name}.yaml")
    assert isinstance(document, yamlio.Document)
    return {d.message: d.guideline for d in schema_check.validate(document, schema_name)}


@pytest.mark.parametrize(
    ("schema_name", "text", "message_part", "guideline"),
    [
        ("saml", "audience: x\n", "required key 'acs_url'", "SAML-01"),
        ("saml", "audience: x\n", "required key 'config_guide_url'", "GUIDE-01"),
        ("saml", "audience: x\n", "required key 'jit'", "SAML-05"),
        ("saml", "acs_url: http://acme.example/acs\n", "'acs_url' must be", "URL-01"),
        ("saml", f"acs_url: https://acme.example/{'a' * 1100}\n", "'acs_url' is 1,", "URL-02"),
        ("saml", "sign_in_flows: [sp]\n", "required key 'sp_initiate_url'", "SAML-04"),
        ("saml", "acs_urls_indexed: [{url: https://a.example, index: -1}]\n", "index", "SAML-02"),
        ("saml", "relay_state: x\n", "'relay_state' is not supported", "SAML-06"),
        ("saml", "bogus: 1\n", "unknown key 'bogus'", None),
        ("scim", "auth: {mode: basic}\n", "'auth.mode' is 'basic'", "CAP-07"),
        ("oidc", "jit: maybe\n", "'jit' must be true or false", "OIDC-04"),
    ],
)
def test_schema_diagnostics_cite_the_nearest_guideline(
    schema_name: str, text: str, message_part: str, guideline: str | None
) -> None:
    found = {m: g for m, g in _guidelines_of(schema_name, text).items() if message_part in m}
    assert found, _guidelines_of(schema_name, text)
    assert set(found.values()) == {guideline}


def test_schema_messages_never_repeat_a_credential() -> None:
    """A password in a URL breaks the https:// pattern; the message says so without it."""
    [(_, _, message, _)] = _diagnostics(
        "saml",
        SAML_BASE.replace(
            "https://acme.example/docs", "http://isvtest:Winter2026@acme.example/docs"
        )
        + "sign_in_flows: [idp]\n",
    )
    assert "Winter2026" not in message and "isvtest" not in message
    assert message.endswith("(found (a value that looks like a credential, not shown))")
