"""SAML rules beyond the schema: indexes, attribute statements, and SHA-256 in evidence.

Evidence certificates (PEM or DER) are parsed with ``cryptography``; SP metadata XML with
``defusedxml``, which refuses DOCTYPEs, entities and external references, so no file can expand
into a bomb or make the linter fetch anything. Every evidence file is capped at
``EVIDENCE_LIMIT`` bytes, checked before it is read.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from xml.sax import SAXException, SAXParseException
from xml.sax.handler import ContentHandler
from xml.sax.xmlreader import AttributesImpl, Locator

import defusedxml.sax
from cryptography import x509
from cryptography.exceptions import UnsupportedAlgorithm
from defusedxml import DTDForbidden

from oin_gitops.diagnostics import Severity
from oin_gitops.rules.base import Finding, submission_rule
from oin_gitops.rules.variables import NAMESPACE_CALL, SAML, expressions, references
from oin_gitops.sources import Kind
from oin_gitops.submission import EVIDENCE, Submission

EVIDENCE_LIMIT = 1_000_000
CERTIFICATE_SUFFIXES = (".pem", ".crt", ".cer", ".der")
METADATA_SUFFIX = ".xml"
PEM_CERTIFICATE = re.compile(
    rb"-----BEGIN CERTIFICATE-----[A-Za-z0-9+/=\s]*?-----END CERTIFICATE-----"
)
# XML signature algorithm URIs name their hash: ...#rsa-sha1, ...#sha1, ...#rsa-md5.
WEAK_URI = re.compile(r"(?<![a-z0-9])(sha1|md5)(?![0-9])", re.IGNORECASE)
WEAK_HASHES = {"sha1": "SHA-1", "md5": "MD5"}
SIGNATURE_NAMES = {
    "1.2.840.113549.1.1.5": "sha1WithRSAEncryption",
    "1.3.14.3.2.29": "sha1WithRSASignature",
    "1.2.840.10045.4.1": "ecdsa-with-SHA1",
    "1.2.840.10040.4.3": "dsa-with-sha1",
    "1.2.840.113549.1.1.4": "md5WithRSAEncryption",
    "1.2.840.113549.1.1.10": "RSASSA-PSS",
}
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


Note = tuple[int | None, int | None, str]  # (line, column, text)


@dataclass
class Inspection:
    """What one evidence file shows: SHA-1 (or MD5) uses, and a reason it cannot be read."""

    weak: list[Note] = field(default_factory=list)
    problem: Note | None = None


def _unreadable(text: str, line: int | None = None, column: int | None = None) -> Inspection:
    return Inspection(problem=(line, column, text))


def _evidence(submission: Submission) -> Iterator[tuple[str, Inspection]]:
    for name, kind in submission.entries.items():
        lowered = name.lower()
        if (
            kind is Kind.FILE
            and lowered.startswith(EVIDENCE + "/")
            and lowered.endswith((*CERTIFICATE_SUFFIXES, METADATA_SUFFIX))
        ):
            yield name, _inspect(submission, name)


def _inspect(submission: Submission, name: str) -> Inspection:
    try:
        size = submission.size(name)
        if size > EVIDENCE_LIMIT:
            return _unreadable(
                f"the file is {size:,} bytes; evidence certificates and metadata may be at most "
                f"{EVIDENCE_LIMIT:,} bytes"
            )
        data = submission.read(name)
    except OSError as exc:
        return _unreadable(f"the file cannot be read: {exc.strerror or exc}")
    if name.lower().endswith(METADATA_SUFFIX):
        return _inspect_metadata(data)
    return _inspect_certificates(data)


def _signature(certificate: x509.Certificate) -> tuple[str, str] | None:
    """(algorithm name, hash) when the certificate is signed with SHA-1 or MD5."""
    try:
        algorithm = certificate.signature_hash_algorithm
    except UnsupportedAlgorithm:
        return None
    weak = WEAK_HASHES.get(algorithm.name) if algorithm else None
    if weak is None:
        return None
    oid = certificate.signature_algorithm_oid.dotted_string
    return SIGNATURE_NAMES.get(oid, oid), weak


def _inspect_certificates(data: bytes) -> Inspection:
    if b"PRIVATE KEY-----" in data:
        return _unreadable(
            "the file holds a private key; commit only the certificate, and replace the key"
        )
    if b"-----BEGIN" not in data:
        try:
            return _check_certificate(x509.load_der_x509_certificate(data), None)
        except ValueError:
            return _unreadable("the file is neither a PEM nor a DER X.509 certificate")
    blocks = list(PEM_CERTIFICATE.finditer(data))
    if not blocks:
        return _unreadable("the file holds no PEM certificate block")
    inspection = Inspection()
    line, counted = 1, 0
    for block in blocks:
        line, counted = line + data.count(b"\n", counted, block.start()), block.start()
        try:
            certificate = x509.load_pem_x509_certificate(block.group())
        except ValueError:
            inspection.problem = (line, 1, "the PEM block is not a valid X.509 certificate")
            break
        inspection.weak += _check_certificate(certificate, line).weak
    return inspection


def _check_certificate(
    certificate: x509.Certificate, line: int | None, subject: str = "the certificate"
) -> Inspection:
    signature = _signature(certificate)
    if signature is None:
        return Inspection()
    name, weak = signature
    where = (line, 1 if line is not None else None)
    return Inspection(weak=[(*where, f"{subject} is signed with {name} ({weak})")])


class _Metadata(ContentHandler):
    """Collects signature and digest algorithms and embedded certificates, with positions."""

    def __init__(self) -> None:
        super().__init__()
        self.locator: Locator | None = None
        self.inspection = Inspection()
        self.certificate: tuple[int, int, str, list[str]] | None = None

    def where(self) -> tuple[int, int]:
        if self.locator is None:
            return 1, 1
        return self.locator.getLineNumber() or 1, (self.locator.getColumnNumber() or 0) + 1

    def setDocumentLocator(self, locator: Locator) -> None:
        self.locator = locator

    def startElement(self, name: str, attrs: AttributesImpl) -> None:
        local = name.rpartition(":")[2]
        line, column = self.where()
        if local in ("SignatureMethod", "DigestMethod"):
            uri = attrs.get("Algorithm") or ""
            weak = WEAK_URI.search(uri)
            if weak:
                hashed = WEAK_HASHES[weak[1].lower()]
                text = f"{name} names the {hashed} algorithm {uri}"
                self.inspection.weak.append((line, column, text))
        elif local == "X509Certificate":
            self.certificate = (line, column, name, [])

    def characters(self, content: str) -> None:
        if self.certificate is not None:
            self.certificate[3].append(content)

    def endElement(self, name: str) -> None:
        if self.certificate is None or name != self.certificate[2]:
            return
        line, column, _, parts = self.certificate
        self.certificate = None
        try:
            der = base64.b64decode("".join("".join(parts).split()), validate=True)
            certificate = x509.load_der_x509_certificate(der)
        except (binascii.Error, ValueError):
            text = f"the {name} element does not hold a base64 DER X.509 certificate"
            raise _Unreadable(line, column, text) from None
        for _, _, text in _check_certificate(certificate, line, f"the certificate in {name}").weak:
            self.inspection.weak.append((line, column, text))


class _Unreadable(Exception):
    """Raised from inside the XML parser to stop at an unreadable embedded certificate."""

    def __init__(self, line: int, column: int, message: str) -> None:
        super().__init__(message)
        self.note: Note = (line, column, message)


def _inspect_metadata(data: bytes) -> Inspection:
    handler = _Metadata()
    try:
        defusedxml.sax.parseString(data, handler, forbid_dtd=True)
    except _Unreadable as exc:
        handler.inspection.problem = exc.note
    except SAXParseException as exc:
        line, column = exc.getLineNumber() or 1, (exc.getColumnNumber() or 0) + 1
        handler.inspection.problem = (line, column, f"the XML cannot be parsed: {exc.getMessage()}")
    except DTDForbidden:
        line = handler.where()[0]
        text = "the XML has a DOCTYPE declaration, which SP metadata never needs and is refused"
        handler.inspection.problem = (line, 1, text)
    except (SAXException, ValueError, LookupError):
        # defusedxml's other refusals (entities, external references) are ValueErrors too.
        line, column = handler.where()
        text = "the XML uses entities or external references, which are refused"
        handler.inspection.problem = (line, column, text)
    return handler.inspection


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
    for name, inspection in _evidence(submission):
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
    for name, inspection in _evidence(submission):
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
