"""Tenant settings (integration variables) rules: their names, and how expressions use them.

The expressions themselves are parsed in ``expressions``; these rules compare the variables they
reference with the tenant settings ``submission.yaml`` declares, and check the syntax of the
expressions and the literal ``http://`` parts of expression URLs. An expression that cannot be
read is reported once, by ``expression-syntax`` (or the schema), and left alone by the rules
about its variables.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

from oin_gitops.diagnostics import Severity
from oin_gitops.rules.base import Finding, submission_rule
from oin_gitops.rules.expressions import (
    DOLLAR,
    EL_WORDS,
    FIELDS,
    OIDC,
    SAML,
    SCIM,
    Bare,
    Expression,
    expressions,
)
from oin_gitops.schema_check import is_placeholder
from oin_gitops.submission import Submission

PROTOCOL = {SAML: ("SAML", "org"), OIDC: ("OIDC", "app"), SCIM: ("SCIM", "app")}
# Okta documents app.baseURL as a global variable ("A variable can include a complete URL ...
# This enables you to use global variables, such as app.baseURL"); new tenant setting names are
# lowercase, so it can never be a declared one.
GLOBALS = frozenset({"baseURL"})
# VAR-05: the Wizard rejects reserved names but Okta does not publish the list. These are the
# reserved words of the expression languages (JSTL EL in SAML, Okta EL elsewhere), which cannot
# follow 'org.' or 'app.', and 'baseurl', which shadows the global baseURL.
RESERVED_NAMES = EL_WORDS | {"baseurl"}
# How a tenant setting is written as a whole expression in SAML and OIDC fields.
WRITTEN = {SAML: "${{org.{}}}", OIDC: "{{app.{}}}"}

BRACE_VARIABLE = re.compile(r"\{[^{}]*(?<![\w.])(?:org|app)\.[A-Za-z_]\w*[^{}]*\}")
# http:// starting the value or a quoted piece of it (not, say, a return URL in the query).
PLAIN_HTTP = re.compile(r"^\s*http://|['\"]http://", re.IGNORECASE)


def settings(submission: Submission) -> Iterator[tuple[int, str, Any]]:
    """(index, name, item) of every tenant setting whose name is text and filled in."""
    general = submission.general
    items = general.data.get("tenant_settings") if general else None
    for index, item in enumerate(items if isinstance(items, list) else []):
        name = item.get("name") if isinstance(item, dict) else None
        if isinstance(name, str) and not is_placeholder(name):
            yield index, name, item


def declared(submission: Submission) -> set[str] | None:
    """The declared names, or None when they cannot be known (no submission.yaml, gaps)."""
    general = submission.general
    if general is None:
        return None
    items = general.data.get("tenant_settings", [])
    found = list(settings(submission))
    if not isinstance(items, list) or len(found) != len(items):
        return None
    return {name for _, name, _ in found}


def _readable(submission: Submission) -> Iterator[Expression]:
    """The expressions whose syntax lets their variables be read (see ``expression-syntax``)."""
    return (expression for expression in expressions(submission) if not expression.syntax)


def _name_finding(submission: Submission, index: int, message: str) -> Finding:
    assert submission.general is not None
    line, column = submission.general.position(("tenant_settings", index, "name"))
    return Finding(submission.general.path, message, line, column)


@submission_rule(
    id="variable-name-unique",
    summary="Each tenant setting has its own name.",
    guideline="VAR-04",
    help="Rename or remove one of the two tenant settings; expressions tell them apart by name.",
)
def variable_name_unique(submission: Submission) -> Iterator[Finding]:
    """Expressions reference tenant settings by name, so two settings may not share one.

    Passes: ``tenant_settings: [{label: Subdomain, name: subdomain}, {label: Region, name: region}]``.
    Fails: ``tenant_settings: [{label: Subdomain, name: subdomain}, {label: Site, name: subdomain}]``.
    """
    first: dict[str, tuple[int, Any]] = {}
    for index, name, item in settings(submission):
        if name not in first:
            first[name] = (index, item)
        elif item != first[name][1]:  # identical entries are the schema's uniqueItems error
            yield _name_finding(
                submission,
                index,
                f"'tenant_settings[{index}].name' repeats the name '{name}' of "
                f"'tenant_settings[{first[name][0]}]'",
            )


@submission_rule(
    id="variable-reserved-name",
    summary="No tenant setting uses a reserved name.",
    severity=Severity.WARNING,
    guideline="VAR-05",
    help="Choose another name; the OIN Wizard refuses reserved names.",
)
def variable_reserved_name(submission: Submission) -> Iterator[Finding]:
    """The OIN Wizard refuses reserved variable names, but Okta does not publish the list.

    Warned about: the reserved words of the expression languages (``and or not eq ne lt gt le
    ge div mod true false null empty instanceof``), which cannot follow ``org.`` or ``app.``,
    and ``baseurl``, which shadows the global ``baseURL``.

    Passes: ``name: subdomain``. Fails: ``name: empty``.
    """
    for index, name, _ in settings(submission):
        if name in RESERVED_NAMES:
            yield _name_finding(
                submission,
                index,
                f"the tenant setting name '{name}' is a reserved word of Okta expressions",
            )


@submission_rule(
    id="variable-undeclared",
    summary="Every variable an expression uses is a declared tenant setting.",
    guideline="VAR-06",
    help="Declare the variable in 'tenant_settings' of submission.yaml, or fix its name.",
)
def variable_undeclared(submission: Submission) -> Iterator[Finding]:
    """An expression such as ``${org.subdomain}`` reads the tenant setting named ``subdomain``;
    an undeclared one is empty for every customer. ``org.baseURL`` and ``app.baseURL`` are
    accepted without a declaration: Okta documents ``app.baseURL`` as a global variable.
    A variable with the other protocol's prefix is left to ``variable-prefix``.

    Passes: ``acs_url: https://${org.subdomain}.acme.example/acs`` with a tenant setting named
    ``subdomain``. Fails: the same without it, or ``${org.tenant}``.
    """
    names = declared(submission)
    if names is None:
        return
    for expression in _readable(submission):
        prefix = PROTOCOL[expression.file][1]
        for ref in expression.variables:
            if ref.root == prefix and ref.name not in names and ref.name not in GLOBALS:
                yield expression.finding(
                    f"'{expression.field}' uses {ref}, but no tenant setting is named '{ref.name}'"
                )


@submission_rule(
    id="variable-prefix",
    summary="Expressions use the protocol's prefix: org. in SAML, app. in OIDC and SCIM.",
    guideline="VAR-06",
    help="SAML fields read tenant settings as ${org.<name>}; OIDC fields as {app.<name>}; "
    "SCIM fields as app.<name>.",
)
def variable_prefix(submission: Submission) -> Iterator[Finding]:
    """Okta reads tenant settings as organization properties in SAML (``org.``) and as
    application properties in OIDC and SCIM (``app.``); the other prefix, or none at all
    (``${subdomain}``), finds nothing, so every customer gets a broken URL. A name without a
    prefix that is not a tenant setting either is reported here too, with both fixes.

    Passes: ``redirect_uris: ["https://{app.subdomain}.acme.example/cb"]``.
    Fails: ``acs_url: https://${app.subdomain}.acme.example/acs``, or
    ``acs_url: https://${subdomain}.acme.example/acs`` (write ``${org.subdomain}``).
    """
    names = declared(submission)
    for expression in _readable(submission):
        protocol, prefix = PROTOCOL[expression.file]
        for ref in expression.variables:
            if ref.root != prefix:
                yield expression.finding(
                    f"'{expression.field}' uses {ref}, but {protocol} fields read tenant "
                    f"settings as {prefix}.{ref.name}"
                )
        if expression.schema_accepts:  # else the schema reports the value
            for bare in expression.bare:
                yield _unprefixed(expression, bare, names)


def _unprefixed(expression: Expression, bare: Bare, names: set[str] | None) -> Finding:
    """``${subdomain}``: the fix, and whether a tenant setting of that name exists at all."""
    protocol, prefix = PROTOCOL[expression.file]
    used = bare.span.written if bare.alone else bare.name
    wanted = WRITTEN[expression.file] if bare.alone else f"{prefix}.{{}}"
    message = (
        f"'{expression.field}' uses {used}, but {protocol} fields read tenant settings as "
        f"{wanted.format(bare.name)}"
    )
    if names is None or bare.name in names:
        return expression.finding(message)
    finding = expression.finding(f"{message}, and no tenant setting is named '{bare.name}'")
    return replace(
        finding,
        help=f"Declare '{bare.name}' in 'tenant_settings' of submission.yaml and write it as "
        f"{wanted.format(bare.name)}, or use the name of a declared tenant setting.",
    )


@submission_rule(
    id="variable-unused",
    summary="Every declared tenant setting is used by an expression.",
    severity=Severity.WARNING,
    guideline="VAR-06",
    help="Use the variable in an expression (e.g. https://${org.subdomain}.acme.example/acs) or remove it.",
)
def variable_unused(submission: Submission) -> Iterator[Finding]:
    """Customer admins must fill in every tenant setting, so one nothing reads only confuses
    them. Checked when the submission has SAML, OIDC or SCIM settings (the files with
    expression fields), all of them could be read and none still holds a placeholder or an
    expression that cannot be read. A name used without its prefix (``${subdomain}``) counts
    as used: ``variable-prefix`` reports the missing prefix.

    Passes: ``name: subdomain`` used as ``${org.subdomain}``. Fails: ``name: region`` unused.
    """
    files = [file for file in FIELDS if file in submission.entries]
    if not files or any(file not in submission.documents for file in files):
        return
    found = list(expressions(submission, placeholders=True))
    if any(is_placeholder(expression.value) or expression.syntax for expression in found):
        return
    used = {ref.name for expression in found for ref in expression.variables}
    used |= {bare.name for expression in found for bare in expression.bare}
    reported: set[str] = set()
    for index, name, _ in settings(submission):
        if name not in used and name not in reported:
            reported.add(name)
            yield _name_finding(
                submission, index, f"the tenant setting '{name}' is not used by any expression"
            )


@submission_rule(
    id="variable-saml-string-function",
    summary="SAML fields use fn: functions, not String. functions.",
    guideline="VAR-07",
    help="Use the JSTL fn: functions, e.g. ${fn:substringAfter(org.base_url, '//')}.",
)
def variable_saml_string_function(submission: Submission) -> Iterator[Finding]:
    """SAML expressions do not support Okta's ``String.`` functions; the JSTL ``fn:`` functions
    do the same work.

    Passes: ``acs_url: https://${fn:toLowerCase(org.subdomain)}.acme.example/acs``.
    Fails: ``acs_url: https://${String.toLowerCase(org.subdomain)}.acme.example/acs``.
    """
    for expression in expressions(submission):
        if expression.file != SAML:
            continue
        calls = [str(ref) for ref in expression.references if ref.root == "String"]
        if calls:
            yield expression.finding(
                f"'{expression.field}' uses {', '.join(calls)}, but SAML fields do not "
                "support String functions"
            )


@submission_rule(
    id="variable-saml-syntax",
    summary="SAML URL and audience expressions are written inside ${...}.",
    guideline="VAR-07",
    help="Write SAML expressions as ${...}, e.g. https://${org.subdomain}.acme.example/acs.",
)
def variable_saml_syntax(submission: Submission) -> Iterator[Finding]:
    """SAML fields evaluate only what is inside ``${...}``; the OIDC form ``{org.x}`` or the
    SCIM form ``'https://' + org.x`` stays literal text in the URL.

    Passes: ``acs_url: https://${org.subdomain}.acme.example/acs``.
    Fails: ``acs_url: https://{org.subdomain}.acme.example/acs``.
    """
    for expression in expressions(submission):
        if expression.file != SAML or expression.attribute:
            continue
        outside = DOLLAR.sub(lambda match: " " * len(match.group()), expression.value)
        if BRACE_VARIABLE.search(outside) or (
            "${" not in expression.value and expression.is_expression
        ):
            yield expression.finding(
                f"'{expression.field}' has an expression outside ${{...}}, which SAML "
                "leaves as literal text"
            )


@submission_rule(
    id="expression-syntax",
    summary="SAML and OIDC expressions are complete: closed, not empty, a name after org./app.",
    guideline="VAR-07",
    help="Write each expression whole and without spaces inside names, e.g. "
    "https://${org.subdomain}.acme.example/acs in SAML or "
    "https://{app.subdomain}.acme.example/cb in OIDC, with 'subdomain' declared in tenant_settings.",
)
def expression_syntax(submission: Submission) -> Iterator[Finding]:
    """Okta cannot evaluate a SAML ``${...}`` or an OIDC ``{...}`` that is never closed, is
    empty, names ``org.``/``app.`` without a tenant setting, or has a space inside a name;
    the URL then breaks for every customer. Spaces around operators (``${empty org.region ?
    'us' : org.region}``) and at the ends of an expression are fine. Values the schema's
    pattern already refuses (an ``acs_url`` whose only ``${`` is unclosed) are left to it.
    SAML attribute values and SCIM whole-value expressions have grammars of their own.

    Passes: ``acs_url: https://${org.subdomain}.acme.example/acs``.
    Fails: ``audience: https://${}.acme.example/saml``,
    ``audience: https://${org.subdomain.acme.example/saml``,
    ``acs_url: https://${org.}.acme.example/acs`` or
    ``redirect_uris: ["https://{app.subdomain}.acme.example/{}"]``.
    """
    for expression in expressions(submission):
        problems = expression.syntax
        if problems and expression.schema_accepts:
            yield expression.finding(f"'{expression.field}' {problems[0]}")


@submission_rule(
    id="url-expression-http",
    summary="URLs built by expressions use https://, never http://.",
    guideline="URL-01",
    help="Change http:// to https:// in the expression; Okta sends users and tokens only over TLS.",
)
def url_expression_http(submission: Submission) -> Iterator[Finding]:
    """The schema checks static URLs; an expression URL passes the schema whatever it holds,
    so its literal parts are checked here.

    Passes: ``base_url: "'https://' + app.subdomain + '.acme.example/scim/v2'"``.
    Fails: ``base_url: "'http://' + app.subdomain + '.acme.example/scim/v2'"``.
    """
    for expression in expressions(submission):
        if expression.url and expression.is_expression and PLAIN_HTTP.search(expression.value):
            yield expression.finding(
                f"'{expression.field}' builds an http:// URL; Okta accepts only https:// URLs"
            )


RULES = (
    variable_name_unique,
    variable_reserved_name,
    variable_undeclared,
    variable_prefix,
    variable_unused,
    variable_saml_string_function,
    variable_saml_syntax,
    expression_syntax,
    url_expression_http,
)
