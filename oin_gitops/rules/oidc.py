"""OIDC rules beyond the schema: exact URIs, the org authorization server, scopes, and
email_verified.

The schema already refuses unknown scopes, refresh tokens, custom authorization server keys
and a wrong app type; these rules read the URLs and the free text the schema cannot judge.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from oin_gitops.diagnostics import Severity
from oin_gitops.rules.base import Finding, submission_rule
from oin_gitops.rules.content import walk
from oin_gitops.rules.expressions import BRACE, expressions
from oin_gitops.rules.fields import finding_at
from oin_gitops.schema_check import field_name, is_placeholder
from oin_gitops.submission import SUBMISSION_FILE, Submission
from oin_gitops.yamlio import Document, Pointer

OIDC = "oidc.yaml"
# Free-text fields an ISV writes for reviewers and customers.
TEXT_FIELDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (SUBMISSION_FILE, ("app", "description")),
    (SUBMISSION_FILE, ("test_account", "instructions")),
    ("saml.yaml", ("sp_initiate_description",)),
)
# A custom authorization server: /oauth2/default, an Okta server id (aus + 17 characters), or
# any /oauth2/<id>/v1/ endpoint. The org server is /oauth2/v1/...; a bare /oauth2/<word>/ is
# left alone, since ISV callback paths such as /oauth2/okta/callback are common.
CUSTOM_SERVER = re.compile(
    r"/oauth2/(?:default(?![\w-])|aus[0-9A-Za-z]{10,}(?![\w-])|(?!v1/)[^\s/?#'\"]+/v1(?![\w-]))",
    re.IGNORECASE,
)
UNSUPPORTED = (
    (
        re.compile(r"\boffline_access\b"),
        "the offline_access scope, which OIN OIDC integrations cannot request",
    ),
    (re.compile(r"\brefresh_token\b"), "refresh tokens, which OIN OIDC integrations do not get"),
    (
        re.compile(r"\bscopes?\b[^.\n]{0,60}?\bgroups\b|\bgroups\s+scope\b", re.IGNORECASE),
        "a groups scope, but OIN OIDC integrations may request only openid, profile, email, "
        "address and phone",
    ),
    (
        re.compile(r"\bimplicit\s+(?:flow|grant)\b|\bresponse_type=(?:id_)?token\b", re.I),
        "the implicit flow, but OIN OIDC integrations use the authorization code flow",
    ),
)
EMAIL_VERIFIED = re.compile(r"\bemail_verified\b", re.IGNORECASE)
# A wildcard, literal or percent-encoded, and what each URI field is called in Okta's Wizard.
WILDCARD = re.compile(r"\*|%2a", re.IGNORECASE)
URI_KINDS = {
    "redirect_uris": "redirect URIs",
    "post_logout_redirect_uris": "post-logout redirect URIs",
    "initiate_login_uri": "initiate login URIs",
    "sp_initiate_url": "SP initiate URLs",
}


def _texts(submission: Submission) -> Iterator[tuple[Document, Pointer, str]]:
    """The free-text fields of an OIDC submission (nothing when there is no oidc.yaml)."""
    if OIDC not in submission.entries:
        return
    for file, pointer in TEXT_FIELDS:
        document = submission.documents.get(file)
        try:
            value = document.get(pointer) if document else None
        except (KeyError, IndexError, TypeError):
            continue
        if document is not None and isinstance(value, str) and not is_placeholder(value):
            yield document, pointer, value


def _wildcard(value: str) -> str | None:
    """The first wildcard in the scheme, host or path of a URI, outside its expressions."""
    literal = BRACE.sub("", value)
    match = WILDCARD.search(re.split(r"[?#]", literal, maxsplit=1)[0])
    return match.group() if match else None


@submission_rule(
    id="oidc-uri-wildcard",
    summary="OIDC redirect and sign-in URIs are exact: no * wildcards.",
    guideline="URL-01",
    help="List each exact URI instead (redirect_uris and post_logout_redirect_uris take as many "
    "as you need), or put the part that differs per customer in a tenant setting: "
    "https://{app.subdomain}.acme.example/cb, with 'subdomain' declared in tenant_settings.",
)
def oidc_uri_wildcard(submission: Submission) -> Iterator[Finding]:
    """Okta's wildcard redirect URIs are not available to OIN integrations: a ``*`` (or
    ``%2A``) in the scheme, host or path of a redirect, post-logout redirect, initiate login
    or SP initiate URI is refused. List the exact URIs, or build the part that differs per
    customer from a tenant setting. The query and fragment, and the code inside ``{...}``,
    are not checked.

    Passes: ``redirect_uris: [https://rooms.acme.example/cb, https://eu.rooms.acme.example/cb]``
    or ``["https://{app.subdomain}.rooms.acme.example/cb"]``.
    Fails: ``redirect_uris: ["https://*.rooms.acme.example/cb"]``,
    ``["https://app.acme.example/auth/*"]`` or ``[https://app.acme.example/auth/%2A]``.
    """
    for expression in expressions(submission):
        wildcard = _wildcard(expression.value) if expression.file == OIDC else None
        if wildcard:
            kind = URI_KINDS[str(expression.pointer[0])]
            yield expression.finding(
                f"'{expression.field}' uses a wildcard ({wildcard}), which Okta does not accept "
                f"in {kind}"
            )


@submission_rule(
    id="oidc-org-authorization-server",
    summary="OIDC URLs use the org authorization server, not a custom one.",
    guideline="OIDC-06",
    help="Use the customer's org authorization server: https://{customer Okta domain}/oauth2/v1/"
    "authorize, with the issuer https://{customer Okta domain}.",
)
def oidc_org_authorization_server(submission: Submission) -> Iterator[Finding]:
    """OIN OIDC integrations must use each customer's org authorization server; custom
    authorization servers, including ``default``, are not available to OIN apps. Every URL
    in oidc.yaml is checked.

    Passes: ``https://{app.okta_domain}/oauth2/v1/authorize``.
    Fails: ``https://acme.okta.com/oauth2/default/v1/authorize`` or
    ``https://acme.okta.com/oauth2/aus1a2b3c4d5e6f7g8h9/v1/token``.
    """
    document = submission.documents.get(OIDC)
    if document is None:
        return
    for pointer, value in walk(document.data):
        if not isinstance(value, str) or is_placeholder(value):
            continue
        match = CUSTOM_SERVER.search(value)
        if match:
            yield finding_at(
                document,
                pointer,
                f"'{field_name(pointer)}' points at a custom authorization server "
                f"({match.group()}); OIN OIDC integrations must use the org authorization server",
            )


@submission_rule(
    id="oidc-authorization-server-text",
    summary="Test instructions and descriptions do not point at a custom authorization server.",
    severity=Severity.WARNING,
    guideline="OIDC-06",
    help="Describe the org authorization server (https://{customer Okta domain}/oauth2/v1/...) "
    "that OIN apps use.",
)
def oidc_authorization_server_text(submission: Submission) -> Iterator[Finding]:
    """Reviewers follow the test instructions; a ``/oauth2/default`` URL there suggests the app
    was built against a custom authorization server, which OIN apps cannot use.

    Passes: instructions naming ``https://{yourOktaDomain}/oauth2/v1/authorize``.
    Fails: instructions naming ``https://{yourOktaDomain}/oauth2/default/v1/authorize``.
    """
    for document, pointer, value in _texts(submission):
        match = CUSTOM_SERVER.search(value)
        if match:
            yield finding_at(
                document,
                pointer,
                f"'{field_name(pointer)}' mentions a custom authorization server "
                f"({match.group()}), which OIN OIDC integrations cannot use",
            )


@submission_rule(
    id="oidc-scope-text",
    summary="Test instructions and descriptions do not rely on refresh tokens or extra scopes.",
    severity=Severity.WARNING,
    guideline="OIDC-07",
    help="OIN OIDC apps use the authorization code flow with openid, profile, email, address "
    "and phone only; no offline_access, refresh tokens, groups or custom scopes.",
)
def oidc_scope_text(submission: Submission) -> Iterator[Finding]:
    """The schema refuses unknown values in ``scopes``; this rule reads the free text
    (``app.description``, ``test_account.instructions``, ``sp_initiate_description``) for
    ``offline_access``, ``refresh_token``, a groups scope or the implicit flow.

    Passes: "Sign in with Okta; the app requests openid, profile and email."
    Fails: "The app requests the offline_access scope to stay signed in."
    """
    for document, pointer, value in _texts(submission):
        for pattern, what in UNSUPPORTED:
            if pattern.search(value):
                yield finding_at(document, pointer, f"'{field_name(pointer)}' mentions {what}")


@submission_rule(
    id="oidc-email-verified",
    summary="Nothing relies on the email_verified claim.",
    severity=Severity.WARNING,
    guideline="OIDC-08",
    help="Identify users by the sub claim or an e-mail address your app verifies itself; "
    "Okta's guidelines say not to rely on email_verified.",
)
def oidc_email_verified(submission: Submission) -> Iterator[Finding]:
    """OIN OIDC integrations must not rely on the ``email_verified`` claim.

    Passes: "Users are matched by the sub claim."
    Fails: "Users are matched by e-mail when email_verified is true."
    """
    for document, pointer, value in _texts(submission):
        if EMAIL_VERIFIED.search(value):
            yield finding_at(
                document,
                pointer,
                f"'{field_name(pointer)}' mentions the email_verified claim, which OIN OIDC "
                "integrations must not rely on",
            )


RULES = (
    oidc_uri_wildcard,
    oidc_org_authorization_server,
    oidc_authorization_server_text,
    oidc_scope_text,
    oidc_email_verified,
)
