"""SAML rules beyond the schema: indexes, attribute statements, and SHA-256 in evidence.

The evidence files (certificates and SP metadata) are read and parsed in ``evidence``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from oin_gitops.diagnostics import Severity
from oin_gitops.rules.base import Finding, submission_rule
from oin_gitops.rules.evidence import inspect_evidence
from oin_gitops.rules.expressions import NAMESPACE_CALL, SAML, expressions, references
from oin_gitops.submission import Submission

ATTRIBUTE_ROOTS = frozenset({"user", "appuser", "org"})
# Reported by the variable rules: app. (wrong prefix) and String. (VAR-07).
ATTRIBUTE_ROOTS_ELSEWHERE = frozenset({"app", "String"})
# The attributes of Okta's base user profile, and userName (the documented ${user.userName}).
_BASE_PROFILE = """login email secondEmail firstName lastName middleName honorificPrefix honorificSuffix
    title displayName nickName profileUrl primaryPhone mobilePhone streetAddress city state
    zipCode postalAddress countryCode preferredLanguage locale timezone userType employeeNumber
    costCenter organization division department managerId manager userName"""
BASE_PROFILE = frozenset(_BASE_PROFILE.split())


@submission_rule(
    id="saml-index-unique",
    summary="Indexed ACS URLs use each index once.",
    guideline="SAML-02",
    help="Give each entry of 'acs_urls_indexed' its own index (0 to 65535).",
)
def saml_index_unique(submission: Submission) -> Iterator[Finding]:
    """The SP picks an ACS URL by its AssertionConsumerServiceIndex; "you can't reuse the
    same index in the list".

    Passes: indexes 0 and 1. Fails: ``{url: https://acme.example/a, index: 1}`` and
    ``{url: https://acme.example/b, index: 1}``.
    """
    document = submission.documents.get(SAML)
    items = document.data.get("acs_urls_indexed") if document else None
    if document is None or not isinstance(items, list):
        return
    first: dict[int, tuple[int, Any]] = {}
    for position, item in enumerate(items):
        index = item.get("index") if isinstance(item, dict) else None
        if not isinstance(index, int) or isinstance(index, bool):
            continue
        if index not in first:
            first[index] = (position, item)
        elif item != first[index][1]:  # identical entries are the schema's uniqueItems error
            line, column = document.position(("acs_urls_indexed", position, "index"))
            yield Finding(
                document.path,
                f"'acs_urls_indexed[{position}].index' repeats index {index} of "
                f"'acs_urls_indexed[{first[index][0]}]'",
                line,
                column,
            )


@submission_rule(
    id="saml-attribute-reference",
    summary="Attribute statement values reference only user., appuser., org. and fn:.",
    guideline="SAML-03",
    help="Reference the user as user.<attribute> or ${user.userName}, the app user as "
    "appuser.<attribute>, tenant settings as org.<name>, and functions as fn:<function>.",
)
def saml_attribute_reference(submission: Submission) -> Iterator[Finding]:
    """Okta validates the references in SAML attribute statements: ``${user.userName}``,
    ``user.<attribute>``, ``appuser.<attribute>``, tenant settings ``org.<name>`` and the JSTL
    ``fn:`` functions. Any other root is refused. Text without references is a literal value.

    Passes: ``values: [user.email, appuser.role, "${user.userName}"]``.
    Fails: ``values: [manager.email]`` or ``values: ["${Groups.startsWith('OKTA', 'x', 10)}"]``.
    """
    for expression in expressions(submission):
        if expression.file != SAML or not expression.attribute:
            continue
        unknown = [
            str(ref)
            for ref in expression.references
            if ref.root not in ATTRIBUTE_ROOTS | ATTRIBUTE_ROOTS_ELSEWHERE
        ]
        unknown += [f"{m[1]}:{m[2]}" for m in NAMESPACE_CALL.finditer(expression.code)]
        unknown = [name for name in unknown if not name.startswith("fn:")]
        if unknown:
            yield expression.finding(
                f"'{expression.field}' references {', '.join(unknown)}, which is not a user, "
                "appuser, org or fn: reference"
            )


@submission_rule(
    id="saml-attribute-user-profile",
    summary="Attribute statements read user.<attribute> from Okta's base user profile.",
    severity=Severity.WARNING,
    guideline="SAML-03",
    help="Use a base profile attribute such as user.email; a custom attribute exists only in "
    "orgs that add it to their user profile.",
)
def saml_attribute_user_profile(submission: Submission) -> Iterator[Finding]:
    """``user.<attribute>`` reads the customer's Okta user profile. Base attributes (login,
    email, firstName, lastName, department, ...) exist in every org; a custom one exists only
    where the customer adds it, so the statement is empty elsewhere.

    Passes: ``values: [user.firstName]``. Fails: ``values: [user.favouriteColour]``.
    """
    for expression in expressions(submission):
        if expression.file != SAML or not expression.attribute:
            continue
        for ref in references(expression.code):
            if ref.root == "user" and not ref.call and ref.name not in BASE_PROFILE:
                yield expression.finding(
                    f"'{expression.field}' uses {ref}, which is not an attribute of Okta's "
                    "base user profile"
                )


@submission_rule(
    id="saml-sha256",
    summary="Evidence certificates and SP metadata use SHA-256, not SHA-1.",
    guideline="SAML-07",
    help="Reissue the certificate or re-sign the metadata with SHA-256 (e.g. sha256WithRSAEncryption, "
    "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256).",
)
def saml_sha256(submission: Submission) -> Iterator[Finding]:
    """OIN SAML integrations must use SHA-256. Certificates in ``evidence/`` (``.pem``,
    ``.crt``, ``.cer``, ``.der``; PEM or DER) must not be signed with SHA-1 (or MD5), and SP
    metadata (``.xml``) must not name SHA-1 in a ``SignatureMethod`` or ``DigestMethod`` nor
    embed a SHA-1 ``X509Certificate``.

    Passes: a certificate signed with sha256WithRSAEncryption.
    Fails: a certificate signed with sha1WithRSAEncryption, or ``<ds:SignatureMethod
    Algorithm="http://www.w3.org/2000/09/xmldsig#rsa-sha1"/>``.
    """
    for name, inspection in inspect_evidence(submission):
        for line, column, text in inspection.weak:
            yield Finding(
                submission.path(name),
                f"{text}; OIN SAML integrations must use SHA-256",
                line,
                column,
            )


@submission_rule(
    id="saml-evidence-invalid",
    summary="Evidence certificates and SP metadata can be read and parsed.",
    guideline="SAML-07",
    help="Commit the certificate as PEM or DER, or the SP metadata as plain XML without a DOCTYPE, "
    "each under 1,000,000 bytes.",
)
def saml_evidence_invalid(submission: Submission) -> Iterator[Finding]:
    """SHA-256 can only be checked in files that parse. XML with a DOCTYPE, entities or
    external references is refused (they enable entity-expansion and file-disclosure attacks,
    and SP metadata needs none), as is a private key next to a certificate.

    Passes: ``evidence/sp-signing.pem`` holding one certificate.
    Fails: ``evidence/sp-signing.pem`` holding a private key, or ``evidence/metadata.xml``
    that is not well-formed.
    """
    for name, inspection in inspect_evidence(submission):
        if inspection.problem is not None:
            line, column, text = inspection.problem
            yield Finding(submission.path(name), text, line, column)


RULES = (
    saml_index_unique,
    saml_attribute_reference,
    saml_attribute_user_profile,
    saml_sha256,
    saml_evidence_invalid,
)
