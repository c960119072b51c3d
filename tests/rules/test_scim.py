"""SCIM rules: one table per rule, one line per case (inputs -> exact findings of that rule)."""

from __future__ import annotations

import pytest

from oin_gitops.rules.scim import host_and_path, url_literals
from tests.conftest import SEALED, SUBMISSION_YAML, Found, ScratchRepo, rule_findings

S = "submissions/acme-notes/scim.yaml"
G = "submissions/acme-notes/submission.yaml"

SCIM_YAML = """\
# yaml-language-server: $schema=../../schemas/scim.schema.json
auth:
  mode: bearer
base_url: https://api.acme.example/scim/v2
objects: [users]
user_operations: [read]
config_guide_url: https://acme.example/docs/okta-scim
tests:
  runscope_spec_url: https://www.runscope.com/radar/a/b/history/c
  runscope_crud_url: https://www.runscope.com/radar/a/b/history/d
  manual_test_plan_passed: true
"""
OAUTH = f"""\
auth:
  mode: oauth2
  oauth2:
    authorize_endpoint: https://acme.example/oauth/authorize
    token_endpoint: https://acme.example/oauth/token
    client_id: okta-oin-7f3a2c
    client_secret: "{SEALED}"
"""
ENTITLEMENTS = """\
entitlements:
  resource_types:
    - {first}
    - {second}
"""
ROLES = (
    "{resource_type: Role, endpoint: /Roles, schema_mapping: {id: roleId, display_name: roleName}}"
)
LICENSES = (
    "{resource_type: License, endpoint: /Licenses, schema_mapping: {id: id, display_name: name}}"
)


def scim(**lines: str) -> str:
    """SCIM_YAML with whole lines replaced: ``base_url="base_url: ..."``; ``auth=`` swaps the block."""
    text = SCIM_YAML
    if "auth" in lines:
        text = text.replace("auth:\n  mode: bearer\n", lines.pop("auth"))
    for key, line in lines.items():
        old = next(row for row in text.splitlines() if row.lstrip().startswith(f"{key}:"))
        text = text.replace(old + "\n", line + "\n")
    return text


def general(instructions: str | None) -> str:
    text = SUBMISSION_YAML.format(name="Acme Notes", sealed=SEALED)
    if instructions is None:
        return text
    password = f'  password: "{SEALED}"\n'
    return text.replace(password, password + f"  instructions: {instructions}\n")


WITH_TOKEN = general(
    '"The SCIM base URL is https://api.acme.example/scim/v2; tokens are under Settings."'
)


def found(repo: ScratchRepo, rule: str, **files: str | bytes | None) -> list[Found]:
    return rule_findings(repo, rule, **{"submission.yaml": WITH_TOKEN, **files})


@pytest.mark.parametrize(
    ("value", "pieces"),
    [
        ("https://acme.example/scim/v2?a_b=1#x_y", ["https://acme.example/scim/v2"]),
        ("'https://' + app.tenant_id + '.acme.example/scim'", ["https://", ".acme.example/scim"]),
        ("https://${org.sub_domain}.acme.example/s", ["https://", ".acme.example/s"]),
        ("https://{app.sub_domain}.acme.example/s", ["https://", ".acme.example/s"]),
        ("String.replace(app.x, '_', '-') + '.acme.example'", [".acme.example"]),
        (
            "app.zone == 'eu_1' ? 'https://eu.acme.example' : 'https://acme.example'",
            ["https://eu.acme.example", "https://acme.example"],
        ),
        ("('https://' + app.x) + '/scim'", ["https://", "/scim"]),
        ("app.base_url + '/scim/v2?tenant_id=' + app.t", ["/scim/v2"]),
        ("app.base_url", []),
        ("https://app.acme.example/scim", ["https://app.acme.example/scim"]),
    ],
)
def test_host_and_path_of_url_literals(value: str, pieces: list[str]) -> None:
    assert list(host_and_path(url_literals(value))) == pieces


UNDERSCORE = "the SCIM base URL contains '_' in {}, which Okta does not accept"


@pytest.mark.parametrize(
    ("base_url", "expected"),
    [
        ("https://api.acme.example/scim/v2", []),
        (
            "https://acme_notes.example/scim/v2",
            [(S, 4, 11, UNDERSCORE.format("'https://acme_notes.example/scim/v2'"))],
        ),
        (
            "https://api.acme.example/scim_v2",
            [(S, 4, 11, UNDERSCORE.format("'https://api.acme.example/scim_v2'"))],
        ),
        ("https://api.acme.example/scim/v2?tenant_id=7", []),
        ("\"'https://' + app.tenant_id + '.acme.example/scim/v2'\"", []),
        (
            "\"'https://' + app.subdomain + '.acme.example/scim_v2'\"",
            [(S, 4, 11, UNDERSCORE.format("'.acme.example/scim_v2'"))],
        ),
        ("\"'https://' + String.replace(app.team, '_', '-') + '.acme.example/scim'\"", []),
        (
            "https://${org.sub_domain}.acme_x.example/scim",
            [(S, 4, 11, UNDERSCORE.format("'.acme_x.example/scim'"))],
        ),
        ("app.base_url", []),
        ("TODO", []),
        ("42", []),
    ],
    ids=[
        "static",
        "host",
        "path",
        "query",
        "variable",
        "literal",
        "function-arg",
        "template",
        "whole-variable",
        "placeholder",
        "number",
    ],
)
def test_scim_base_url_underscore(
    repo: ScratchRepo, base_url: str, expected: list[tuple[object, ...]]
) -> None:
    text = scim(base_url=f"base_url: {base_url}")
    assert found(repo, "scim-base-url-underscore", scim_yaml=text) == expected


CLIENT_ID = "'auth.oauth2.client_id' refers to the variable '{}', but Okta uses one client ID for every customer"


@pytest.mark.parametrize(
    ("client_id", "expected"),
    [
        ("okta-oin-7f3a2c", []),
        ("app.client_id", [(S, 7, 16, CLIENT_ID.format("app.client_id"))]),
        ("\"'oin-'+org.region\"", [(S, 7, 16, CLIENT_ID.format("org.region"))]),
        ("\"'oin-' + app.region\"", []),  # spaces: the schema refuses it
        ("oin.app.client", []),
        ("TODO", []),
    ],
    ids=["static", "variable", "concatenation", "schema-refuses", "dotted-id", "placeholder"],
)
def test_scim_oauth_client_id_static(
    repo: ScratchRepo, client_id: str, expected: list[tuple[object, ...]]
) -> None:
    text = scim(auth=OAUTH.replace("okta-oin-7f3a2c", client_id))
    assert found(repo, "scim-oauth-client-id-static", scim_yaml=text) == expected


RUNSCOPE = "'{}' is not a shareable Runscope test-result link"


@pytest.mark.parametrize(
    ("lines", "extra", "expected"),
    [
        ({}, "", []),
        (
            {"runscope_spec_url": "  runscope_spec_url: https://www.runscope.com/radar/abc"},
            "",
            [(S, 9, 22, RUNSCOPE.format("tests.runscope_spec_url"))],
        ),
        (
            {"runscope_crud_url": "  runscope_crud_url: https://acme.example/tests/crud"},
            "",
            [(S, 10, 22, RUNSCOPE.format("tests.runscope_crud_url"))],
        ),
        (
            {
                "runscope_crud_url": "  runscope_crud_url: https://www.runscope.com/radar/a/b/history/c/extra"
            },
            "",
            [(S, 10, 22, RUNSCOPE.format("tests.runscope_crud_url"))],
        ),
        (
            {
                "runscope_spec_url": "  runscope_spec_url: http://www.runscope.com/radar/a/b/history/c"
            },
            "",
            [],
        ),
        (
            {
                "manual_test_plan_passed": "  manual_test_plan_passed: true\n  runscope_entitlements_url: https://acme.example/em"
            },
            ENTITLEMENTS.format(first=ROLES, second=LICENSES),
            [(S, 12, 30, RUNSCOPE.format("tests.runscope_entitlements_url"))],
        ),
        (
            {
                "manual_test_plan_passed": "  manual_test_plan_passed: true\n  runscope_entitlements_url: https://acme.example/em"
            },
            "",
            [],
        ),
    ],
    ids=[
        "runscope",
        "no-history",
        "other-site",
        "extra-segment",
        "http",
        "entitlements",
        "entitlements-unused",
    ],
)
def test_scim_runscope_url(
    repo: ScratchRepo, lines: dict[str, str], extra: str, expected: list[tuple[object, ...]]
) -> None:
    assert found(repo, "scim-runscope-url", scim_yaml=scim(**lines) + extra) == expected


NO_MENTION = "'test_account.instructions' mention neither the SCIM base URL nor how to get a token or OAuth credentials"


@pytest.mark.parametrize(
    ("instructions", "with_scim", "expected"),
    [
        (None, False, []),
        (
            None,
            True,
            [
                (
                    G,
                    13,
                    1,
                    "'test_account' has no instructions telling reviewers how to reach the SCIM server",
                )
            ],
        ),
        ('"Sign in as the admin."', True, [(G, 17, 17, NO_MENTION)]),
        ('"Sign in as the admin."', False, []),
        ('"The base URL is https://oin.acme.example/scim/v2."', True, []),
        ('"Generate an API token under Settings > Provisioning."', True, []),
        ('"Authorize with the OAuth app named Okta."', True, []),
        ('"Use the client ID and secret in the vault."', True, []),
        ('"Credentials are in the 1Password share."', True, []),
        ('"Your SCIM endpoint is shown in Admin > Okta."', True, []),
        ('"TODO: explain"', True, []),
        ("42", True, []),
        ("", True, []),
    ],
    ids=[
        "saml-only",
        "missing",
        "silent",
        "silent-saml",
        "base-url",
        "token",
        "oauth",
        "client-id",
        "credentials",
        "scim-endpoint",
        "placeholder",
        "number",
        "empty-value",
    ],
)
def test_scim_test_instructions(
    repo: ScratchRepo, instructions: str | None, with_scim: bool, expected: list[tuple[object, ...]]
) -> None:
    files = {
        "submission.yaml": general(instructions),
        "scim_yaml": SCIM_YAML if with_scim else None,
    }
    assert found(repo, "scim-test-instructions", **files) == expected


ENTITLED = scim(
    manual_test_plan_passed="  manual_test_plan_passed: true\n  runscope_entitlements_url: https://www.runscope.com/radar/a/e/history/f"
)


@pytest.mark.parametrize(
    ("first", "second", "expected"),
    [
        (ROLES, LICENSES, []),
        (
            ROLES,
            ROLES.replace("/Roles", "/UserRoles").replace("Role,", "role,"),
            [
                (
                    S,
                    16,
                    23,
                    "'entitlements.resource_types[1].resource_type' repeats 'role' from 'entitlements.resource_types[0]'",
                )
            ],
        ),
        (
            ROLES,
            LICENSES.replace("/Licenses", "/Roles/"),
            [
                (
                    S,
                    16,
                    42,
                    "'entitlements.resource_types[1].endpoint' repeats '/Roles/' from 'entitlements.resource_types[0]'",
                )
            ],
        ),
        (ROLES, ROLES, []),  # the whole entry twice: the schema's uniqueItems
        (
            ROLES,
            "{resource_type: 7, endpoint: /Seven, schema_mapping: {id: a, display_name: b}}",
            [],
        ),
    ],
    ids=["distinct", "type-ignoring-case", "endpoint", "identical", "not-text"],
)
def test_scim_entitlement_unique(
    repo: ScratchRepo, first: str, second: str, expected: list[tuple[object, ...]]
) -> None:
    text = ENTITLED + ENTITLEMENTS.format(first=first, second=second)
    assert found(repo, "scim-entitlement-unique", scim_yaml=text) == expected


SAME = "'config_guide_url' is the same page as the guide in {}; SCIM needs its own guide"
OIDC_YAML = """\
# yaml-language-server: $schema=../../schemas/oidc.schema.json
redirect_uris: [https://acme.example/oidc/callback]
config_guide_url: https://acme.example/docs/okta
sign_in_flows: [sp]
jit: false
sp_initiate_url: https://acme.example/login
"""


@pytest.mark.parametrize(
    ("guide", "files", "expected"),
    [
        ("https://acme.example/docs/okta-scim", {}, []),
        ("https://acme.example/docs/okta-saml", {}, [(S, 7, 19, SAME.format("saml.yaml"))]),
        (
            "https://ACME.example/docs/okta-saml/#provisioning",
            {},
            [(S, 7, 19, SAME.format("saml.yaml"))],
        ),
        ("https://acme.example/docs/okta-saml?section=scim", {}, []),
        (
            "https://acme.example/docs/okta",
            {"oidc_yaml": OIDC_YAML},
            [(S, 7, 19, SAME.format("oidc.yaml"))],
        ),
        ("https://acme.example/docs/okta-saml", {"saml_yaml": None, "oidc_yaml": OIDC_YAML}, []),
        ("TODO", {}, []),
    ],
    ids=[
        "separate",
        "same",
        "case-slash-fragment",
        "other-query",
        "oidc",
        "no-saml",
        "placeholder",
    ],
)
def test_scim_guide_separate(
    repo: ScratchRepo, guide: str, files: dict[str, str | None], expected: list[tuple[object, ...]]
) -> None:
    text = scim(config_guide_url=f"config_guide_url: {guide}")
    assert found(repo, "scim-guide-separate", scim_yaml=text, **files) == expected


LACKS = "'user_attributes' lacks {}, which Okta maps for every user"
CORE = "userName, name.givenName, name.familyName, emails"


@pytest.mark.parametrize(
    ("attributes", "expected"),
    [
        (None, []),
        (f"[{CORE}, title]", []),
        ("[userName, name, 'emails[type eq \"work\"].value']", []),
        ("[userName, name.givenName, name.familyName, emails.value]", []),
        ("[userName, emails]", [(S, 12, 18, LACKS.format("name.givenName and name.familyName"))]),
        ("[userName, name.givenName, name.familyName]", [(S, 12, 18, LACKS.format("emails"))]),
        ("[title]", [(S, 12, 18, LACKS.format(CORE.replace(", emails", " and emails")))]),
        (
            "[username, name.givenName, name.familyName, emails]",
            [(S, 12, 18, LACKS.format("userName"))],
        ),
        (
            "[name.givenNames, userName, name.familyName, emails]",
            [(S, 12, 18, LACKS.format("name.givenName"))],
        ),
        ("[TODO]", []),
        ("[userName, 42]", []),
    ],
    ids=[
        "absent",
        "core-and-more",
        "complex-and-filter",
        "sub-attribute",
        "no-name",
        "no-emails",
        "none",
        "case-matters",
        "prefix-is-not-enough",
        "placeholder",
        "not-text",
    ],
)
def test_scim_core_attributes(
    repo: ScratchRepo, attributes: str | None, expected: list[tuple[object, ...]]
) -> None:
    text = SCIM_YAML if attributes is None else SCIM_YAML + f"user_attributes: {attributes}\n"
    assert found(repo, "scim-core-attributes", scim_yaml=text) == expected
