"""Tenant-setting and expression rules, one table per rule: files of a submission → findings.

Submissions are built in memory from the small templates below (the SAML, OIDC and SCIM
helpers are shared with ``test_saml.py`` and ``test_oidc.py``), linted by the real engine, and
only the findings of the rule under test are compared: (file, line, column, message).
"""

from __future__ import annotations

from typing import Any

import pytest

from oin_gitops import engine
from oin_gitops.config import Config
from oin_gitops.diagnostics import Diagnostic
from oin_gitops.rules import oidc as oidc_rules
from oin_gitops.rules import saml as saml_rules
from oin_gitops.rules import variables
from oin_gitops.rules.expressions import code, references, syntax_problems
from oin_gitops.sources import MemorySource
from tests.conftest import SEALED, Found, png_bytes

FOLDER = "submissions/acme-notes"
Files = dict[str, str | bytes | None]

SAML = {
    "acs_url": "https://${org.subdomain}.acme.example/saml/acs",
    "audience": "https://acme.example/saml",
    "config_guide_url": "https://acme.example/docs/okta-saml",
    "sign_in_flows": "[idp]",
    "jit": "false",
}
OIDC = {
    "redirect_uris": "[https://acme.example/oidc/callback]",
    "config_guide_url": "https://acme.example/docs/okta-oidc",
    "sign_in_flows": "[sp]",
    "jit": "false",
    "sp_initiate_url": "https://acme.example/login",
}
RUNSCOPE = "https://www.runscope.com/radar/abc123def456/7f1e2d3c/history/0a1b2c3d"
SCIM = {
    "auth": "{mode: bearer}",
    "base_url": "https://acme.example/scim/v2",
    "objects": "[users]",
    "user_operations": "[read]",
    "config_guide_url": "https://acme.example/docs/okta-scim",
    "tests": f"{{runscope_spec_url: {RUNSCOPE}, runscope_crud_url: {RUNSCOPE}, "
    "manual_test_plan_passed: true}",
}
# tenant_settings is on line 9, app.description on line 6 (column 16) and
# test_account.instructions on line 18 (column 17).
GENERAL = """\
# yaml-language-server: $schema=../../schemas/submission.schema.json
schema_version: 1
app:
  name: Acme Notes
  website: https://acme.example/notes
  description: <description>
  use_cases: [Automation]
  logo: logo.png
tenant_settings: <settings>
support:
  contacts:
    - email: help@acme.example
  escalation: oin-escalations@acme.example
test_account:
  url: https://app.acme.example/login
  username: isvtest@okta.com
  password: "<sealed>"
  instructions: <instructions>
owners:
  okta_org: https://acme.okta.com
  github: [acme-alice]
attestations:
  multi_tenant: true
"""
SUBDOMAIN = "[{label: Subdomain, name: subdomain}]"
DESCRIPTION = "Acme Notes gives teams shared notebooks; the Okta integration adds single sign-on."


def yaml_file(schema: str, base: dict[str, str], **changes: str | None) -> str:
    """A protocol file: ``base`` with keys changed, added (at the end) or removed (None)."""
    fields = {**base, **changes}
    lines = [f"{key}: {value}\n" for key, value in fields.items() if value is not None]
    return f"# yaml-language-server: $schema=../../schemas/{schema}.schema.json\n" + "".join(lines)


def saml(**changes: str | None) -> str:
    return yaml_file("saml", SAML, **changes)


def oidc(**changes: str | None) -> str:
    return yaml_file("oidc", OIDC, **changes)


def scim(**changes: str | None) -> str:
    return yaml_file("scim", SCIM, **changes)


def general(
    settings: str | None = SUBDOMAIN,
    description: str = DESCRIPTION,
    instructions: str = "Sign in as the admin.",
) -> str:
    text = GENERAL.replace("<description>", description).replace("<instructions>", instructions)
    text = text.replace("<sealed>", SEALED)
    if settings is None:
        return text.replace("tenant_settings: <settings>\n", "")
    return text.replace("<settings>", settings)


def run(files: Files) -> list[Diagnostic]:
    """Lint the base SAML submission with ``files`` replaced (or, with None, removed)."""
    contents: Files = {"submission.yaml": general(), "saml.yaml": saml(), "logo.png": png_bytes()}
    contents.update(files)
    source = MemorySource(
        {
            f"{FOLDER}/{name}": data.encode() if isinstance(data, str) else data
            for name, data in contents.items()
            if data is not None
        }
    )
    return list(engine.lint(source, Config()).diagnostics)


def lint(rule: str, files: Files) -> list[Found]:
    """The findings of ``rule`` only: (file in the folder, line, column, message)."""
    return [
        (d.path.removeprefix(FOLDER + "/"), d.line, d.column, d.message)
        for d in run(files)
        if d.rule == rule
    ]


def cases(table: list[tuple[Any, ...]]) -> list[Any]:
    """A table of (id, inputs..., expected) rows as pytest parameters."""
    return [pytest.param(*row[1:], id=row[0]) for row in table]


def settings(*names: str) -> str:
    return "[" + ", ".join(f"{{label: {name.title()}, name: {name}}}" for name in names) + "]"


S, OD, C, G = "saml.yaml", "oidc.yaml", "scim.yaml", "submission.yaml"
ATTRIBUTES = "[{name: email, values: [user.email, '${user.userName}', org.tenant]}]"


def test_the_base_submissions_are_clean() -> None:
    ours = {r.id for r in (*variables.RULES, *saml_rules.RULES, *oidc_rules.RULES)}
    files: Files = {"oidc.yaml": oidc(), "scim.yaml": scim()}
    assert [d for d in run(files) if d.rule in ours] == []


CODE = [
    ("saml-url", "https://${org.subdomain}.acme.example", False, ["org.subdomain"]),
    ("oidc-url", "https://{app.subdomain}.acme.example", False, ["app.subdomain"]),
    ("scim-concatenation", "'https://app.x.example/' + app.subdomain", False, ["app.subdomain"]),
    ("static-host", "https://app.acme.example/org.html", False, []),
    ("static-url-with-plus", "https://app.acme.example/a+b", False, []),
    ("lone-variable", "app.base_url", False, ["app.base_url"]),
    ("attribute-plain", "user.email", True, ["user.email"]),
    ("attribute-quoted", "'user.email'", True, []),
    ("fn-and-string", "${fn:substringAfter(org.url, '//')}", False, ["org.url"]),
    ("chain", "${org.a.b}", False, ["org.a"]),
    ("ternary", "${empty org.a ? org.b:org.c}", False, ["org.a", "org.b", "org.c"]),
    ("numbers", "${v1.2}", False, []),
]  # fmt: skip


@pytest.mark.parametrize(("value", "plain", "expected"), cases(CODE))
def test_references_in_expression_code(value: str, plain: bool, expected: list[str]) -> None:
    assert [str(ref) for ref in references(code(value, plain=plain))] == expected


SYNTAX = [
    ("saml-clean", "https://${org.subdomain}.x.example/${fn:toLowerCase(org.region)}", "${", []),
    ("spaces-at-the-ends", "https://${ org.subdomain }.x.example", "${", []),
    ("ternary", "${empty org.a ? 'x y' : org.b}", "${", []),
    ("not-empty-and", "${not empty org.a and org.b eq 'x'}", "${", []),
    ("fn-namespace", "${fn:substringAfter(org.base_url, '//')}", "${", []),
    ("oidc-clean", "https://{String.toLowerCase(app.a)}.x.example/{app.b}", "{", []),
    ("braces-in-saml-are-text", "https://{org}.x.example/${org.a}", "${", []),
    ("unclosed", "https://${org.subdomain.x.example", "${", ["opens ${ without a closing }"]),
    ("unclosed-after-one", "https://${org.a}.x.example/${org.b", "${", ["opens ${ without a closing }"]),
    ("opened-again", "https://${org.a${org.b}", "${", ["opens ${ without a closing }"]),
    ("oidc-unclosed", "https://{app.a.x.example", "{", ["opens { without a closing }"]),
    ("empty", "https://${}.x.example", "${", ["has an empty expression ${}"]),
    ("blank", "https://${  }.x.example", "${", ["has an empty expression ${  }"]),
    ("oidc-empty", "https://{app.a}.x.example/{}", "{", ["has an empty expression {}"]),
    ("prefix-only", "https://${org.}.x.example", "${", ["uses org. without a tenant setting name in ${org.}"]),
    ("oidc-prefix-only", "https://{app.}.x.example", "{", ["uses app. without a tenant setting name in {app.}"]),
    ("space-after-dot", "https://${org. subdomain}.x", "${", ["has a space inside ${org. subdomain}; write org.subdomain without spaces"]),
    ("space-before-dot", "https://${org .subdomain}.x", "${", ["has a space inside ${org .subdomain}; write org.subdomain without spaces"]),
    ("space-in-name", "https://${org.sub domain}.x", "${", ["has a space between org.sub and domain inside ${org.sub domain}"]),
    ("quoted-spaces", "${fn:replace(org.a, 'a b', '')}", "${", []),
    ("two-problems", "https://${}.x.example/${org.}", "${", ["has an empty expression ${}", "uses org. without a tenant setting name in ${org.}"]),
]  # fmt: skip


@pytest.mark.parametrize(("value", "opener", "expected"), cases(SYNTAX))
def test_syntax_problems(value: str, opener: str, expected: list[str]) -> None:
    assert syntax_problems(value, opener) == expected


VARIABLE_NAME_UNIQUE = [
    ("distinct", {G: general(settings("subdomain", "region"))}, []),
    ("repeated", {G: general("[{label: Subdomain, name: subdomain}, {label: Site, name: subdomain}]")}, [(G, 9, 76, "'tenant_settings[1].name' repeats the name 'subdomain' of 'tenant_settings[0]'")]),
    ("three-times", {G: general("[{label: A, name: subdomain}, {label: B, name: subdomain}, {label: C, name: subdomain}]")}, [(G, 9, 65, "'tenant_settings[1].name' repeats the name 'subdomain' of 'tenant_settings[0]'"), (G, 9, 94, "'tenant_settings[2].name' repeats the name 'subdomain' of 'tenant_settings[0]'")]),
    ("identical-left-to-schema", {G: general(settings("subdomain", "subdomain"))}, []),
    ("placeholder", {G: general("[{label: A, name: TODO}, {label: B, name: TODO}]")}, []),
]  # fmt: skip


@pytest.mark.parametrize(("files", "expected"), cases(VARIABLE_NAME_UNIQUE))
def test_variable_name_unique(files: Files, expected: list[Found]) -> None:
    assert lint("variable-name-unique", files) == expected


VARIABLE_RESERVED_NAME = [
    ("ordinary", {G: general(settings("subdomain", "empty_value"))}, []),
    ("empty", {G: general(settings("subdomain", "empty"))}, [(G, 9, 77, "the tenant setting name 'empty' is a reserved word of Okta expressions")]),
    ("baseurl", {G: general(settings("subdomain", "baseurl"))}, [(G, 9, 79, "the tenant setting name 'baseurl' is a reserved word of Okta expressions")]),
]  # fmt: skip


@pytest.mark.parametrize(("files", "expected"), cases(VARIABLE_RESERVED_NAME))
def test_variable_reserved_name(files: Files, expected: list[Found]) -> None:
    assert lint("variable-reserved-name", files) == expected


def undeclared(field: str, ref: str) -> str:
    return f"'{field}' uses {ref}, but no tenant setting is named '{ref.split('.')[1]}'"


VARIABLE_UNDECLARED = [
    ("declared", {}, []),
    ("no-tenant-settings", {G: general(None)}, [(S, 2, 10, undeclared("acs_url", "org.subdomain"))]),
    ("other-name", {S: saml(acs_url="https://${org.tenant}.acme.example/acs")}, [(S, 2, 10, undeclared("acs_url", "org.tenant"))]),
    ("twice-in-one-value-once", {S: saml(acs_url="https://${org.tenant}.acme.example/${org.tenant}")}, [(S, 2, 10, undeclared("acs_url", "org.tenant"))]),
    ("global-base-url", {S: saml(acs_url="${org.baseURL}/acs"), G: general(None)}, []),
    ("indexed-url", {S: saml(acs_urls_indexed="[{url: 'https://${org.site}.acme.example/1', index: 1}]")}, [(S, 7, 26, undeclared("acs_urls_indexed[0].url", "org.site"))]),
    ("attribute-value", {S: saml(attribute_statements=ATTRIBUTES)}, [(S, 7, 79, undeclared("attribute_statements[0].values[2]", "org.tenant"))]),
    ("oidc-braces", {OD: oidc(redirect_uris="['https://{app.tenant}.acme.example/cb']")}, [(OD, 2, 17, undeclared("redirect_uris[0]", "app.tenant"))]),
    ("scim-concatenation", {C: scim(base_url="\"'https://' + app.tenant + '.acme.example/scim/v2'\"")}, [(C, 3, 11, undeclared("base_url", "app.tenant"))]),
    ("scim-oauth-endpoint", {C: scim(auth="{mode: oauth2, oauth2: {authorize_endpoint: \"'https://' + app.tenant + '/a'\", token_endpoint: https://acme.example/t, client_id: x, client_secret: \"" + SEALED + "\"}}")}, [(C, 2, 51, undeclared("auth.oauth2.authorize_endpoint", "app.tenant"))]),
    ("static-host-is-no-variable", {OD: oidc(redirect_uris="[https://app.acme.example/cb]")}, []),
    ("quoted-text-is-no-variable", {C: scim(base_url="\"'https://app.tenant.example/' + app.subdomain\"")}, []),
    ("wrong-prefix-left-to-variable-prefix", {S: saml(acs_url="https://${app.tenant}.acme.example/acs")}, []),
    ("placeholder-settings", {G: general("[{label: TODO, name: TODO}]"), S: saml(acs_url="https://${org.tenant}.x.example")}, []),
    ("placeholder-value", {S: saml(acs_url="TODO")}, []),
    ("too-long-left-to-schema", {S: saml(acs_url="https://${org.tenant}.acme.example/" + "a" * 1024)}, []),
    ("no-submission-yaml", {G: None}, []),
    ("unreadable-left-to-expression-syntax", {S: saml(audience="https://${org.tenant}.acme.example/${}")}, []),
    ("unprefixed-left-to-variable-prefix", {S: saml(acs_url="https://${tenant}.acme.example/acs")}, []),
]  # fmt: skip


@pytest.mark.parametrize(("files", "expected"), cases(VARIABLE_UNDECLARED))
def test_variable_undeclared(files: Files, expected: list[Found]) -> None:
    assert lint("variable-undeclared", files) == expected


def prefix(field: str, ref: str, protocol: str, wanted: str) -> str:
    return f"'{field}' uses {ref}, but {protocol} fields read tenant settings as {wanted}"


VARIABLE_PREFIX = [
    ("right-prefixes", {OD: oidc(redirect_uris="['https://{app.subdomain}.acme.example/cb']"), C: scim(base_url="\"'https://' + app.subdomain + '.x.example'\"")}, []),
    ("app-in-saml", {S: saml(acs_url="https://${app.subdomain}.acme.example/acs")}, [(S, 2, 10, prefix("acs_url", "app.subdomain", "SAML", "org.subdomain"))]),
    ("app-in-saml-attribute", {S: saml(attribute_statements="[{name: tenant, values: [app.subdomain]}]")}, [(S, 7, 48, prefix("attribute_statements[0].values[0]", "app.subdomain", "SAML", "org.subdomain"))]),
    ("org-in-oidc", {OD: oidc(sp_initiate_url="'https://{org.subdomain}.acme.example/login'")}, [(OD, 6, 18, prefix("sp_initiate_url", "org.subdomain", "OIDC", "app.subdomain"))]),
    ("org-in-scim", {C: scim(base_url="\"'https://' + org.subdomain + '.x.example'\"")}, [(C, 3, 11, prefix("base_url", "org.subdomain", "SCIM", "app.subdomain"))]),
    ("unprefixed-in-saml", {S: saml(acs_url="https://${subdomain}.app.example.com/sso")}, [(S, 2, 10, prefix("acs_url", "${subdomain}", "SAML", "${org.subdomain}"))]),
    ("unprefixed-in-audience", {S: saml(audience="https://${subdomain}.acme.example/saml")}, [(S, 3, 11, prefix("audience", "${subdomain}", "SAML", "${org.subdomain}"))]),
    ("unprefixed-in-oidc", {OD: oidc(redirect_uris="['https://${subdomain}.app.example.com/cb']")}, [(OD, 2, 17, prefix("redirect_uris[0]", "${subdomain}", "OIDC", "{app.subdomain}"))]),
    ("unprefixed-undeclared", {S: saml(acs_url="https://${tenant}.acme.example/acs")}, [(S, 2, 10, prefix("acs_url", "${tenant}", "SAML", "${org.tenant}") + ", and no tenant setting is named 'tenant'")]),
    ("unprefixed-no-tenant-settings", {S: saml(acs_url="https://${subdomain}.acme.example/acs"), G: general(None)}, [(S, 2, 10, prefix("acs_url", "${subdomain}", "SAML", "${org.subdomain}") + ", and no tenant setting is named 'subdomain'")]),
    ("unprefixed-in-a-function", {S: saml(acs_url="https://${fn:toLowerCase(subdomain)}.acme.example/acs")}, [(S, 2, 10, prefix("acs_url", "subdomain", "SAML", "org.subdomain"))]),
    ("unprefixed-twice-once", {S: saml(acs_url="https://${subdomain}.acme.example/${subdomain}")}, [(S, 2, 10, prefix("acs_url", "${subdomain}", "SAML", "${org.subdomain}"))]),
    ("operators-and-literals", {S: saml(acs_url="\"https://${not empty org.subdomain and true ? org.subdomain : 'www'}.x.example/acs\"")}, []),
    ("oidc-braces-left-to-schema", {OD: oidc(redirect_uris="['https://{subdomain}.acme.example/cb']")}, []),
    ("saml-braces-are-text", {S: saml(audience="urn:acme:{tenant}")}, []),
    ("attribute-values-are-literal-text", {S: saml(attribute_statements="[{name: team, values: [Engineering]}]")}, []),
    ("unreadable-left-to-expression-syntax", {S: saml(audience="https://${org.sub domain}.acme.example/saml")}, []),
]  # fmt: skip


def test_unprefixed_undeclared_help_says_to_declare() -> None:
    found = [
        d
        for d in run({S: saml(acs_url="https://${tenant}.acme.example/acs")})
        if d.rule == "variable-prefix"
    ]
    assert [d.help for d in found] == [
        "Declare 'tenant' in 'tenant_settings' of submission.yaml and write it as ${org.tenant}, "
        "or use the name of a declared tenant setting."
    ]


@pytest.mark.parametrize(("files", "expected"), cases(VARIABLE_PREFIX))
def test_variable_prefix(files: Files, expected: list[Found]) -> None:
    assert lint("variable-prefix", files) == expected


def unused(name: str) -> str:
    return f"the tenant setting '{name}' is not used by any expression"


VARIABLE_UNUSED = [
    ("used", {}, []),
    ("unused", {G: general(settings("subdomain", "region"))}, [(G, 9, 78, unused("region"))]),
    ("used-in-an-attribute", {G: general(settings("subdomain", "region")), S: saml(attribute_statements="[{name: region, values: [org.region]}]")}, []),
    ("used-by-scim-only", {G: general(settings("subdomain", "region")), C: scim(base_url="\"'https://' + app.region + '.x.example'\"")}, []),
    ("used-with-wrong-prefix", {G: general(settings("subdomain", "region")), OD: oidc(redirect_uris="['https://{org.region}.x.example/cb']")}, []),
    ("static-urls-only", {S: saml(acs_url="https://acme.example/acs")}, [(G, 9, 44, unused("subdomain"))]),
    ("repeated-name-once", {S: saml(acs_url="https://acme.example/acs"), G: general("[{label: A, name: subdomain}, {label: B, name: subdomain}]")}, [(G, 9, 36, unused("subdomain"))]),
    ("unparsed-file-skips", {OD: "redirect_uris: [\n"}, []),
    ("placeholder-skips", {G: general(settings("subdomain", "region")), S: saml(audience="TODO")}, []),
    ("api-service-only", {S: None, "api-service.yaml": "scopes: [okta.users.read]\n"}, []),
    ("used-without-prefix", {S: saml(acs_url="https://${subdomain}.acme.example/acs")}, []),
    ("unreadable-expression-skips", {S: saml(acs_url="https://acme.example/acs", audience="https://${org.subdomain.acme.example/saml")}, []),
    ("unreadable-left-to-schema-skips", {S: saml(acs_url="https://${org.subdomain.acme.example/acs")}, []),
]  # fmt: skip


@pytest.mark.parametrize(("files", "expected"), cases(VARIABLE_UNUSED))
def test_variable_unused(files: Files, expected: list[Found]) -> None:
    assert lint("variable-unused", files) == expected


def string_function(field: str, calls: str) -> str:
    return f"'{field}' uses {calls}, but SAML fields do not support String functions"


VARIABLE_SAML_STRING_FUNCTION = [
    ("fn", {S: saml(acs_url="https://${fn:toLowerCase(org.subdomain)}.acme.example/acs")}, []),
    ("string-in-url", {S: saml(acs_url="https://${String.toLowerCase(org.subdomain)}.acme.example/acs")}, [(S, 2, 10, string_function("acs_url", "String.toLowerCase"))]),
    ("two-in-audience", {S: saml(audience="${String.substringAfter(String.toLowerCase(org.subdomain), 'x')}")}, [(S, 3, 11, string_function("audience", "String.substringAfter, String.toLowerCase"))]),
    ("attribute", {S: saml(attribute_statements="[{name: n, values: ['String.toUpperCase(user.firstName)']}]")}, [(S, 7, 43, string_function("attribute_statements[0].values[0]", "String.toUpperCase"))]),
    ("quoted-text", {S: saml(acs_url="https://${fn:replace(org.subdomain, 'String.x', '')}.a.example")}, []),
    ("oidc-allows-string", {OD: oidc(redirect_uris="['https://{String.toLowerCase(app.subdomain)}.x.example/cb']"), G: general(settings("subdomain"))}, []),
]  # fmt: skip


@pytest.mark.parametrize(("files", "expected"), cases(VARIABLE_SAML_STRING_FUNCTION))
def test_variable_saml_string_function(files: Files, expected: list[Found]) -> None:
    assert lint("variable-saml-string-function", files) == expected


def outside(field: str) -> str:
    return f"'{field}' has an expression outside ${{...}}, which SAML leaves as literal text"


VARIABLE_SAML_SYNTAX = [
    ("dollar-braces", {}, []),
    ("static", {S: saml(acs_url="https://acme.example/acs")}, []),
    ("oidc-braces", {S: saml(acs_url="https://{org.subdomain}.acme.example/acs")}, [(S, 2, 10, outside("acs_url"))]),
    ("scim-concatenation", {S: saml(sp_initiate_url="\"'https://' + org.subdomain + '.acme.example/login'\"", sign_in_flows="[sp]", sp_initiate_description="Open the page.")}, [(S, 7, 18, outside("sp_initiate_url"))]),
    ("mixed", {S: saml(audience="https://${org.subdomain}.acme.example/{org.subdomain}")}, [(S, 3, 11, outside("audience"))]),
    ("lone-variable", {S: saml(audience="org.subdomain")}, [(S, 3, 11, outside("audience"))]),
    ("attribute-values-are-plain", {S: saml(attribute_statements="[{name: n, values: [org.subdomain]}]")}, []),
]  # fmt: skip


@pytest.mark.parametrize(("files", "expected"), cases(VARIABLE_SAML_SYNTAX))
def test_variable_saml_syntax(files: Files, expected: list[Found]) -> None:
    assert lint("variable-saml-syntax", files) == expected


EXPRESSION_SYNTAX = [
    ("complete", {S: saml(audience="https://${ org.subdomain }.acme.example/saml"), OD: oidc(redirect_uris="['https://{app.subdomain}.acme.example/cb']")}, []),
    ("empty-audience", {S: saml(audience="https://${}.acme.example/saml")}, [(S, 3, 11, "'audience' has an empty expression ${}")]),
    ("unclosed-audience", {S: saml(audience="https://${org.subdomain.acme.example/saml")}, [(S, 3, 11, "'audience' opens ${ without a closing }")]),
    ("prefix-only", {S: saml(acs_url="https://${org.}.acme.example/acs")}, [(S, 2, 10, "'acs_url' uses org. without a tenant setting name in ${org.}")]),
    ("space-in-reference", {S: saml(acs_url="https://${org. subdomain}.acme.example/acs")}, [(S, 2, 10, "'acs_url' has a space inside ${org. subdomain}; write org.subdomain without spaces")]),
    ("space-in-name", {S: saml(acs_url="https://${org.sub domain}.acme.example/acs")}, [(S, 2, 10, "'acs_url' has a space between org.sub and domain inside ${org.sub domain}")]),
    ("unclosed-after-a-closed-one", {S: saml(acs_url="https://${org.subdomain}.acme.example/${org.region")}, [(S, 2, 10, "'acs_url' opens ${ without a closing }")]),
    ("indexed-url", {S: saml(acs_urls_indexed="[{url: 'https://${org.subdomain}.acme.example/${}', index: 1}]")}, [(S, 7, 26, "'acs_urls_indexed[0].url' has an empty expression ${}")]),
    ("oidc-empty", {OD: oidc(post_logout_redirect_uris="['https://{app.subdomain}.acme.example/{}']")}, [(OD, 7, 29, "'post_logout_redirect_uris[0]' has an empty expression {}")]),
    ("oidc-prefix-only", {OD: oidc(redirect_uris="['https://{app.subdomain}.acme.example/{app.}']")}, [(OD, 2, 17, "'redirect_uris[0]' uses app. without a tenant setting name in {app.}")]),
    ("empty-acs-url-left-to-schema", {S: saml(acs_url="https://${}.app.example.com/sso")}, []),
    ("unclosed-acs-url-left-to-schema", {S: saml(acs_url="https://${org.subdomain.app.example.com/sso")}, []),
    ("attribute-values-not-checked", {S: saml(attribute_statements="[{name: n, values: ['Acme Corp', user.email]}]")}, []),
    ("scim-not-checked", {C: scim(base_url="\"'https://{' + app.subdomain + '.acme.example/scim/v2'\"")}, []),
    ("placeholder", {S: saml(audience="TODO ${")}, []),
]  # fmt: skip


@pytest.mark.parametrize(("files", "expected"), cases(EXPRESSION_SYNTAX))
def test_expression_syntax(files: Files, expected: list[Found]) -> None:
    assert lint("expression-syntax", files) == expected


def test_a_broken_acs_url_gets_one_diagnostic() -> None:
    """The schema reports it; the variable rules (variable-unused too) stay quiet."""
    ours = {r.id for r in (*variables.RULES, *saml_rules.RULES, *oidc_rules.RULES)} | {"schema"}
    broken = {S: saml(acs_url="https://${org.subdomain.app.example.com/sso")}
    assert [(d.rule, d.line) for d in run(broken) if d.rule in ours] == [("schema", 2)]


def http(field: str) -> str:
    return f"'{field}' builds an http:// URL; Okta accepts only https:// URLs"


URL_EXPRESSION_HTTP = [
    ("https", {C: scim(base_url="\"'https://' + app.subdomain + '.acme.example/scim/v2'\"")}, []),
    ("saml", {S: saml(acs_url="http://${org.subdomain}.acme.example/acs")}, [(S, 2, 10, http("acs_url"))]),
    ("oidc", {OD: oidc(post_logout_redirect_uris="['HTTP://{app.subdomain}.acme.example/bye']")}, [(OD, 7, 29, http("post_logout_redirect_uris[0]"))]),
    ("scim", {C: scim(base_url="\"'http://' + app.subdomain + '.acme.example/scim/v2'\"")}, [(C, 3, 11, http("base_url"))]),
    ("in-a-condition", {S: saml(acs_url="\"${empty org.subdomain ? 'http://acme.example' : 'https://acme.example'}/acs\"")}, [(S, 2, 10, http("acs_url"))]),
    ("static-left-to-schema", {S: saml(acs_url="http://acme.example/acs")}, []),
    ("http-return-url-in-query", {S: saml(acs_url="https://${org.subdomain}.acme.example/acs?back=http://acme.example")}, []),
    ("audience-is-an-entity-id", {S: saml(audience="http://${org.subdomain}.acme.example/saml")}, []),
]  # fmt: skip


@pytest.mark.parametrize(("files", "expected"), cases(URL_EXPRESSION_HTTP))
def test_url_expression_http(files: Files, expected: list[Found]) -> None:
    assert lint("url-expression-http", files) == expected
