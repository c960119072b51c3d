"""SCIM rules beyond the schema: base URL, authentication, test evidence, entitlements, guide.

The schema already checks types, the authentication modes, the operation sets (SCIM-03), profile
sourcing and the SCIM version (SCIM-04, SCIM-05) and which keys are required; these rules look
inside values (the literal parts of Okta expressions, Runscope links, the reviewers'
instructions) and across entries and files.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import urlsplit

from oin_gitops.diagnostics import Severity
from oin_gitops.rules.base import Finding, Rule, submission_rule
from oin_gitops.rules.fields import finding_at, text_at
from oin_gitops.schema_check import field_name, is_placeholder, shown
from oin_gitops.schemas import schema_pattern
from oin_gitops.submission import Submission
from oin_gitops.yamlio import Document, Pointer

SCIM_FILE = "scim.yaml"
SSO_FILES = ("saml.yaml", "oidc.yaml")
BASE_URL: Pointer = ("base_url",)
RUNSCOPE = re.compile(r"https://www\.runscope\.com/radar/[^/]+/[^/]+/history/[^/]+")
RUNSCOPE_LINKS: tuple[Pointer, ...] = (
    ("tests", "runscope_spec_url"),
    ("tests", "runscope_crud_url"),
)
RUNSCOPE_ENTITLEMENTS: Pointer = ("tests", "runscope_entitlements_url")
CLIENT_ID_SCHEMA = ("properties", "auth", "properties", "oauth2", "properties", "client_id")

# A variable reference in an Okta expression (app.subdomain, org.base_url); the look-behind keeps
# host names such as https://app.acme.example from counting (the same one as the schema's).
VARIABLE = re.compile(r"(?<![\w./:@?=&#%-])(?:app|org)\.[A-Za-z_][A-Za-z0-9_]*")
# ${org.x} (SAML) and {app.x} (OIDC) templates inside otherwise literal URL text.
TEMPLATE = re.compile(r"\$?\{[^{}]*\}")
SCHEME = re.compile(r"\s*([A-Za-z][A-Za-z0-9+.-]*)://")
# Words showing that SCIM test instructions say where the server is or how to get credentials.
BASE_URL_WORDS = re.compile(
    r"base[ _-]?url|scim[ _-]?(?:url|endpoint|server)|https?://\S*scim", re.I
)
CREDENTIAL_WORDS = re.compile(
    r"\btokens?\b|\boauth|client[ _-]?(?:id|secret)|\bcredentials?\b|\bapi[ _-]?keys?\b", re.I
)


def url_literals(value: str) -> list[str]:
    """The literal pieces of a URL value, in order: the whole of a static URL, the text around
    ``${...}``/``{...}`` templates, or the quoted strings that an expression joins with ``+``.

    Quoted strings that are not part of the URL are left out: arguments of a function call
    (``String.replace(app.x, '_', '-')``) and operands of ``==``/``!=`` in a condition.
    """
    if "'" in value or '"' in value:
        return _quoted_literals(value)
    if TEMPLATE.search(value):
        return [piece for piece in TEMPLATE.split(value) if piece]
    return [] if VARIABLE.search(value) else [value]


def _quoted_literals(text: str) -> list[str]:
    literals: list[str] = []
    calls: list[bool] = []  # one entry per open parenthesis: does it open a function call?
    index = 0
    while index < len(text):
        char = text[index]
        if char in "'\"":
            end = text.find(char, index + 1)
            end = len(text) if end < 0 else end
            if not any(calls) and not _compared(text, index, end):
                literals.append(text[index + 1 : end])
            index = end + 1
            continue
        if char == "(":
            before = text[:index].rstrip()
            calls.append(bool(before) and (before[-1].isalnum() or before[-1] == "_"))
        elif char == ")" and calls:
            calls.pop()
        index += 1
    return literals


def _compared(text: str, start: int, end: int) -> bool:
    before, after = text[:start].rstrip(), text[end + 1 :].lstrip()
    return before.endswith(("==", "!=")) or after.startswith(("==", "!="))


def host_and_path(literals: list[str]) -> Iterator[str]:
    """The parts of the literal pieces that fall in a URL's host and path (before ``?``/``#``)."""
    in_query = False
    for piece in literals:
        if SCHEME.match(piece):
            in_query = False
        cut = re.search(r"[?#]", piece)
        if not in_query:
            yield piece[: cut.start()] if cut else piece
        in_query = in_query or cut is not None


@submission_rule(
    id="scim-base-url-underscore",
    summary="The SCIM base URL has no underscore in its host name or path.",
    guideline="SCIM-01",
    help="Use a host name and path without '_' (for example scim-v2, not scim_v2); underscores "
    "in variable names such as app.tenant_id are fine.",
)
def scim_base_url_underscore(submission: Submission) -> Iterator[Finding]:
    """Okta refuses SCIM base URLs that contain ``_``. For an expression only its literal text
    is checked: the value of a variable is the customer's to choose.

    Passes: ``base_url: "'https://' + app.tenant_id + '.acme.example/scim/v2'"``.
    Fails: ``base_url: https://acme_notes.example/scim/v2`` or
    ``base_url: "'https://' + app.subdomain + '.acme.example/scim_v2'"``.
    """
    document = submission.documents.get(SCIM_FILE)
    value = text_at(document, BASE_URL) if document else None
    if document is None or value is None:
        return
    for part in host_and_path(url_literals(value)):
        if "_" in part:
            message = f"the SCIM base URL contains '_' in {shown(part)}, which Okta does not accept"
            yield finding_at(document, BASE_URL, message)
            return


@submission_rule(
    id="scim-oauth-client-id-static",
    summary="The SCIM OAuth client ID is one static value, not an expression.",
    guideline="SCIM-02",
    help="Enter the one client ID Okta uses for every customer; dynamic client IDs and secrets "
    "are not supported.",
)
def scim_oauth_client_id_static(submission: Submission) -> Iterator[Finding]:
    """Okta uses the same OAuth client ID and secret for every customer tenant, so they cannot
    come from tenant settings. (The client secret is sealed, which the schema already checks.)

    Passes: ``client_id: okta-oin-7f3a2c``. Fails: ``client_id: app.client_id``.
    """
    document = submission.documents.get(SCIM_FILE)
    pointer = ("auth", "oauth2", "client_id")
    value = text_at(document, pointer) if document else None
    client_id = schema_pattern("scim", *CLIENT_ID_SCHEMA)
    variable = VARIABLE.search(value) if value and client_id.search(value) else None
    if document is not None and variable is not None:
        message = (
            f"'{field_name(pointer)}' refers to the variable '{variable[0]}', but Okta uses "
            "one client ID for every customer"
        )
        yield finding_at(document, pointer, message)


@submission_rule(
    id="scim-runscope-url",
    summary="Runscope test evidence links are shareable Runscope result links.",
    severity=Severity.WARNING,
    guideline="SCIM-06",
    help="In Runscope, open the test run's result, click Share and paste that link; it looks "
    "like https://www.runscope.com/radar/<bucket>/<test>/history/<run>.",
)
def scim_runscope_url(submission: Submission) -> Iterator[Finding]:
    """Okta's reviewers open the SPEC, CRUD and (with entitlements) Entitlement Management test
    results from these links; a link to anything else cannot show them a passed run.

    Passes: ``runscope_spec_url: https://www.runscope.com/radar/b7k2/5c0e/history/8e2b``.
    Fails: ``runscope_spec_url: https://www.runscope.com/radar/b7k2`` or a link to another site.
    """
    document = submission.documents.get(SCIM_FILE)
    if document is None:
        return
    pointers = list(RUNSCOPE_LINKS)
    if "entitlements" in document.data:
        pointers.append(RUNSCOPE_ENTITLEMENTS)
    https_url = schema_pattern("common", "$defs", "https_url")
    for pointer in pointers:
        value = text_at(document, pointer)
        if value and https_url.search(value) and not RUNSCOPE.fullmatch(value):
            message = f"'{field_name(pointer)}' is not a shareable Runscope test-result link"
            yield finding_at(document, pointer, message)


@submission_rule(
    id="scim-test-instructions",
    summary="With SCIM, the test instructions say where the SCIM server is or how to get credentials.",
    severity=Severity.WARNING,
    guideline="SCIM-08",
    help="In 'test_account.instructions', give the SCIM base URL of the test account and the "
    "API token or OAuth credentials, or explain how reviewers can obtain them.",
)
def scim_test_instructions(submission: Submission) -> Iterator[Finding]:
    """Okta's reviewers test provisioning against your SCIM server: the instructions should give
    its base URL and credentials (an API token or OAuth 2.0 client), or how to obtain them.

    Passes: ``instructions: "Generate a SCIM token under Admin > Integrations > Okta."``.
    Fails: no ``instructions`` beside ``scim.yaml``, or ``instructions: "Sign in as the admin."``.
    """
    general = submission.general
    if SCIM_FILE not in submission.entries or general is None:
        return
    account = general.data.get("test_account")
    if not isinstance(account, dict):
        return
    pointer = ("test_account", "instructions")
    text = account.get("instructions")
    if "instructions" not in account:
        line, column = general.position(("test_account",), key=True)
        message = (
            "'test_account' has no instructions telling reviewers how to reach the SCIM server"
        )
        yield Finding(general.path, message, line, column)
    elif isinstance(text, str) and not is_placeholder(text) and not _mentions_scim(text):
        message = "'test_account.instructions' mention neither the SCIM base URL nor how to get a token or OAuth credentials"
        yield finding_at(general, pointer, message)


def _mentions_scim(text: str) -> bool:
    return bool(BASE_URL_WORDS.search(text) or CREDENTIAL_WORDS.search(text))


@submission_rule(
    id="scim-entitlement-unique",
    summary="Each entitlement resource type and each endpoint is listed once.",
    guideline="SCIM-09",
    help="Merge the two resource type mappings, or give each its own resource type and endpoint.",
)
def scim_entitlement_unique(submission: Submission) -> Iterator[Finding]:
    """Okta maps each entitlement resource type to one endpoint of your SCIM server; two entries
    for the same type (compared ignoring case) or the same endpoint are ambiguous.

    Passes: ``Role`` at ``/Roles`` and ``License`` at ``/Licenses``.
    Fails: ``Role`` at ``/Roles`` and ``role`` at ``/UserRoles``, or two types at ``/Roles``.
    """
    document = submission.documents.get(SCIM_FILE)
    entitlements = document.data.get("entitlements") if document else None
    items = entitlements.get("resource_types") if isinstance(entitlements, dict) else None
    if document is None or not isinstance(items, list):
        return
    for key, normal in (("resource_type", str.casefold), ("endpoint", _endpoint)):
        yield from _repeats(document, items, key, normal)


def _endpoint(path: str) -> str:
    return path.rstrip("/") or "/"


def _repeats(
    document: Document, items: list[Any], key: str, normal: Callable[[str], str]
) -> Iterator[Finding]:
    first: dict[str, int] = {}
    for index, item in enumerate(items):
        value = item.get(key) if isinstance(item, dict) else None
        if not isinstance(value, str) or is_placeholder(value) or item in items[:index]:
            continue  # whole repeated entries are the schema's (uniqueItems)
        seen = first.setdefault(normal(value), index)
        if seen != index:
            pointer = ("entitlements", "resource_types", index, key)
            earlier = field_name(("entitlements", "resource_types", seen))
            message = f"'{field_name(pointer)}' repeats {shown(value)} from '{earlier}'"
            yield finding_at(document, pointer, message)


def _page(url: str) -> tuple[str, str, str, str]:
    """A guide URL as the page it opens: scheme and host ignoring case, no fragment or end '/'."""
    parts = urlsplit(url.strip())
    return parts.scheme.lower(), parts.netloc.lower(), parts.path.rstrip("/"), parts.query


@submission_rule(
    id="scim-guide-separate",
    summary="The SCIM configuration guide is a different page from the SSO guide.",
    severity=Severity.WARNING,
    guideline="SCIM-10",
    help="Publish a separate configuration guide for SCIM provisioning and link it in "
    "scim.yaml 'config_guide_url'.",
)
def scim_guide_separate(submission: Submission) -> Iterator[Finding]:
    """The OIN asks for one configuration guide per integration type: with SAML or OIDC and
    SCIM, customers get an SSO guide and a provisioning guide.

    Passes: ``.../okta-saml`` in ``saml.yaml`` and ``.../okta-scim`` in ``scim.yaml``.
    Fails: ``https://acme.example/docs/okta`` in both (a different ``#anchor`` is the same page).
    """
    document = submission.documents.get(SCIM_FILE)
    pointer = ("config_guide_url",)
    guide = text_at(document, pointer) if document else None
    if document is None or guide is None:
        return
    for name in SSO_FILES:
        sso = submission.documents.get(name)
        other = text_at(sso, pointer) if sso else None
        if other is not None and _page(other) == _page(guide):
            message = f"'config_guide_url' is the same page as the guide in {name}; SCIM needs its own guide"
            yield finding_at(document, pointer, message)


# The attributes Okta maps for every SCIM integration (SCIM-13); a complex attribute ('name')
# counts for its sub-attributes, and a sub-attribute or filter ('emails[type eq "work"].value')
# for its attribute.
CORE_ATTRIBUTES = ("userName", "name.givenName", "name.familyName", "emails")
USER_ATTRIBUTES: Pointer = ("user_attributes",)


@submission_rule(
    id="scim-core-attributes",
    summary="A SCIM attribute list includes userName, name.givenName, name.familyName and emails.",
    severity=Severity.WARNING,
    guideline="SCIM-13",
    help="Add the missing attributes to scim.yaml 'user_attributes' and map them in your SCIM "
    "server; Okta's SCIM tests create users with all four.",
)
def scim_core_attributes(submission: Submission) -> Iterator[Finding]:
    """When ``scim.yaml`` lists the user attributes your integration maps, the list includes
    the four that Okta sends for every user. (Whether every customer's tenant has each listed
    attribute is for the reviewers to judge.)

    Passes: ``user_attributes: [userName, name.givenName, name.familyName, emails, title]``, or
    no ``user_attributes`` at all. Fails: ``user_attributes: [userName, emails]``.
    """
    document = submission.documents.get(SCIM_FILE)
    listed = document.data.get("user_attributes") if document else None
    if document is None or not isinstance(listed, list):
        return
    names = [item for item in listed if isinstance(item, str) and not is_placeholder(item)]
    missing = [core for core in CORE_ATTRIBUTES if not any(_covers(n, core) for n in names)]
    if missing and len(names) == len(listed):
        message = f"'user_attributes' lacks {_joined(missing)}, which Okta maps for every user"
        yield finding_at(document, USER_ATTRIBUTES, message)


def _covers(name: str, core: str) -> bool:
    name = name.strip()
    return name == core or name.startswith((core + ".", core + "[")) or core.startswith(name + ".")


def _joined(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


RULES: tuple[Rule, ...] = (
    scim_base_url_underscore,
    scim_oauth_client_id_static,
    scim_runscope_url,
    scim_test_instructions,
    scim_entitlement_unique,
    scim_guide_separate,
    scim_core_attributes,
)
