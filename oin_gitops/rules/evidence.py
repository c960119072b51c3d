"""Evidence files of a SAML submission, read for the SHA-256 rules: certificates and SP metadata.

Certificates (PEM or DER) are parsed with ``cryptography``; SP metadata XML with ``defusedxml``,
which refuses DOCTYPEs, entities and external references, so no file can expand into a bomb or
make the linter fetch anything. Every evidence file is capped at ``EVIDENCE_LIMIT`` bytes,
checked before it is read. ``inspect_evidence`` reports what each file shows: SHA-1 (or MD5)
uses, a reason it cannot be read, the certificates it holds and, for metadata, its
``EntityDescriptor`` and ``AssertionConsumerService`` elements, each with its position.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from xml.sax import SAXException, SAXParseException
from xml.sax.handler import ContentHandler
from xml.sax.xmlreader import AttributesImpl, Locator

if TYPE_CHECKING:
    from cryptography import x509

from oin_gitops.rules.base import Finding
from oin_gitops.submission import Submission

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


Note = tuple[int | None, int | None, str]  # (line, column, text)
METADATA_ELEMENTS = ("EntityDescriptor", "AssertionConsumerService")


@dataclass(frozen=True)
class Held:
    """A certificate found in a file: where, and what it was called there."""

    line: int | None
    column: int | None
    label: str  # "the certificate", "the certificate in ds:X509Certificate"
    certificate: x509.Certificate


@dataclass(frozen=True)
class Element:
    """An ``EntityDescriptor`` or ``AssertionConsumerService`` of SP metadata, with its attributes."""

    line: int
    column: int
    name: str  # the local name
    attributes: dict[str, str]


@dataclass
class Inspection:
    """What one evidence file shows: SHA-1 (or MD5) uses, a reason it cannot be read, the
    certificates it holds and its metadata elements."""

    weak: list[Note] = field(default_factory=list)
    problem: Note | None = None
    certificates: list[Held] = field(default_factory=list)
    elements: list[Element] = field(default_factory=list)


def _unreadable(text: str, line: int | None = None, column: int | None = None) -> Inspection:
    return Inspection(problem=(line, column, text))


def inspect_evidence(submission: Submission) -> Iterator[tuple[str, Inspection]]:
    """(name, inspection) of every certificate and metadata file in ``evidence/``; past
    ``limits.max_evidence_files`` files nothing is read (the ``evidence-limits`` rule reports
    the excess), so a folder of hundreds of files costs no more than the limit."""
    for name in submission.readable_evidence:
        if name.lower().endswith((*CERTIFICATE_SUFFIXES, METADATA_SUFFIX)):
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


def _x509() -> Any:
    """cryptography's x509, imported only when a submission has evidence to read."""
    from cryptography import x509

    return x509


def _signature(certificate: x509.Certificate) -> tuple[str, str] | None:
    """(algorithm name, hash) when the certificate is signed with SHA-1 or MD5."""
    from cryptography.exceptions import UnsupportedAlgorithm

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
            certificate = _x509().load_der_x509_certificate(data)
        except ValueError:
            return _unreadable("the file is neither a PEM nor a DER X.509 certificate")
        inspection = _check_certificate(certificate, None)
        inspection.certificates.append(Held(None, None, "the certificate", certificate))
        return inspection
    blocks = list(PEM_CERTIFICATE.finditer(data))
    if not blocks:
        return _unreadable("the file holds no PEM certificate block")
    inspection = Inspection()
    line, counted = 1, 0
    for block in blocks:
        line, counted = line + data.count(b"\n", counted, block.start()), block.start()
        try:
            certificate = _x509().load_pem_x509_certificate(block.group())
        except ValueError:
            inspection.problem = (line, 1, "the PEM block is not a valid X.509 certificate")
            break
        inspection.weak += _check_certificate(certificate, line).weak
        inspection.certificates.append(Held(line, 1, "the certificate", certificate))
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
        if local in METADATA_ELEMENTS:
            self.inspection.elements.append(Element(line, column, local, dict(attrs.items())))
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
            certificate = _x509().load_der_x509_certificate(der)
        except (binascii.Error, ValueError):
            text = f"the {name} element does not hold a base64 DER X.509 certificate"
            raise _Unreadable(line, column, text) from None
        label = f"the certificate in {name}"
        for _, _, text in _check_certificate(certificate, line, label).weak:
            self.inspection.weak.append((line, column, text))
        self.inspection.certificates.append(Held(line, column, label, certificate))


class _Unreadable(Exception):
    """Raised from inside the XML parser to stop at an unreadable embedded certificate."""

    def __init__(self, line: int, column: int, message: str) -> None:
        super().__init__(message)
        self.note: Note = (line, column, message)


def _inspect_metadata(data: bytes) -> Inspection:
    import defusedxml.sax
    from defusedxml import DTDForbidden

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


def parse_json(path: str, text: str, what: str) -> tuple[Any, Finding | None]:
    """``text`` parsed as JSON, or a finding at the error's position saying why ``what``
    (``the file``, ``the test suite``) is not JSON."""
    try:
        return json.loads(text), None
    except json.JSONDecodeError as exc:
        # json's messages end in "at" where it would add the position: the finding carries it.
        detail = (
            exc.msg[:1].lower()
            + exc.msg[1:]
            + (" this position" if exc.msg.endswith(" at") else "")
        )
        return None, Finding(path, f"{what} is not valid JSON: {detail}", exc.lineno, exc.colno)
    except RecursionError:
        return None, Finding(path, f"{what} is not valid JSON: it is nested too deeply")
    except ValueError:  # an integer longer than Python converts (sys.get_int_max_str_digits)
        return None, Finding(path, f"{what} holds a number too long to read")
