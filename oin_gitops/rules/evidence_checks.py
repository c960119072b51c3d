"""Evidence read in depth: certificate dates and keys, SP metadata against ``saml.yaml``, JSON.

Files are read and parsed once per rule by ``evidence.inspect_evidence`` (certificates and SP
metadata, within ``limits.max_evidence_files``) or here (``.json``, within the same limit).
Certificate dates are compared with ``clock()``, the one place a rule asks for the time: tests
replace it (``monkeypatch.setattr(evidence_checks, "clock", ...)``) to pin "now".
"""

from __future__ import annotations

import datetime
import re
import warnings
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from oin_gitops.diagnostics import Severity
from oin_gitops.rules.base import Finding, submission_rule
from oin_gitops.rules.evidence import (
    EVIDENCE_LIMIT,
    Element,
    Held,
    inspect_evidence,
    parse_json,
)
from oin_gitops.rules.expressions import spans
from oin_gitops.submission import Submission

if TYPE_CHECKING:
    from cryptography import x509

    from oin_gitops.yamlio import Document

SAML_FILE = "saml.yaml"
EXPIRY_WARNING = datetime.timedelta(days=30)
MIN_RSA_BITS = 2048  # RSA and DSA
MIN_EC_BITS = 256
HTTP_POST = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST"
SCIM_REPORT = "scim-test-report.json"
CN_SHOWN = 64  # characters of a subject CN quoted in a message


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)


clock: Callable[[], datetime.datetime] = _now


def _certificates(submission: Submission) -> Iterator[tuple[str, Held]]:
    for name, inspection in inspect_evidence(submission):
        for held in inspection.certificates:
            yield name, held


def _named(held: Held) -> str:
    """``the certificate (CN=acme-sso)``, or the label alone when the subject has no CN."""
    from cryptography.x509.oid import NameOID

    # cryptography warns of a CN over 64 characters; it is shortened below instead.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        names = held.certificate.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    if not names:
        return held.label
    common = str(names[0].value)
    common = common if len(common) <= CN_SHOWN else common[: CN_SHOWN - 3] + "..."
    return f"{held.label} (CN={common})"


def _day(moment: datetime.datetime) -> str:
    return moment.date().isoformat()


@submission_rule(
    id="evidence-certificate-expired",
    summary="Evidence certificates are within their validity period.",
    guideline="SAML-07",
    help="Upload the certificate the application uses now, or reissue an expired one.",
)
def evidence_certificate_expired(submission: Submission) -> Iterator[Finding]:
    """A certificate in ``evidence/`` (PEM or DER, or an ``X509Certificate`` in SP metadata)
    that has expired, or is not valid yet, is not the one the application signs with: the
    reviewers cannot test against it. "Now" is the time of the run, in UTC.

    Passes: a certificate valid from 2025-01-01 to 9999-12-31.
    Fails: ``evidence/idp.pem`` valid until 2007-06-01 ("the certificate (CN=acme-sso) expired
    on 2007-06-01; upload a current one").
    """
    now = clock()
    for name, held in _certificates(submission):
        start, end = held.certificate.not_valid_before_utc, held.certificate.not_valid_after_utc
        if end < now:
            message = f"{_named(held)} expired on {_day(end)}; upload a current one"
        elif start > now:
            message = f"{_named(held)} is not valid until {_day(start)}; upload a current one"
        else:
            continue
        yield Finding(submission.path(name), message, held.line, held.column)


@submission_rule(
    id="evidence-certificate-expiring",
    summary="Evidence certificates do not expire within 30 days.",
    severity=Severity.WARNING,
    guideline="SAML-07",
    help="Renew the certificate, update the application and upload the new certificate.",
)
def evidence_certificate_expiring(submission: Submission) -> Iterator[Finding]:
    """A certificate that expires within 30 days of the run will have expired by the time the
    integration is reviewed or published; renewing it then breaks sign-in for every customer.
    Expired certificates are ``evidence-certificate-expired``'s.

    Passes: a certificate valid until 9999-12-31.
    Fails: a certificate that expires in 12 days ("the certificate (CN=acme-sso) expires on
    2026-07-01, in 12 days; renew it before submitting").
    """
    now = clock()
    for name, held in _certificates(submission):
        end = held.certificate.not_valid_after_utc
        if now <= end <= now + EXPIRY_WARNING:
            days = (end - now).days
            left = "today" if days == 0 else f"in {days} day{'s' if days != 1 else ''}"
            message = f"{_named(held)} expires on {_day(end)}, {left}; renew it before submitting"
            yield Finding(submission.path(name), message, held.line, held.column)


def _weak_key(certificate: x509.Certificate) -> str | None:
    """``a 1024-bit RSA key`` when the key is below the minimum size, else None."""
    from cryptography.hazmat.primitives.asymmetric import dsa, ec, rsa

    key = certificate.public_key()
    if isinstance(key, rsa.RSAPublicKey | dsa.DSAPublicKey) and key.key_size < MIN_RSA_BITS:
        kind = "RSA" if isinstance(key, rsa.RSAPublicKey) else "DSA"
        return f"a {key.key_size}-bit {kind} key; use at least {MIN_RSA_BITS} bits"
    if isinstance(key, ec.EllipticCurvePublicKey) and key.key_size < MIN_EC_BITS:
        curve = key.curve.name
        return f"a {key.key_size}-bit EC key ({curve}); use a curve of at least {MIN_EC_BITS} bits"
    return None


@submission_rule(
    id="evidence-certificate-key-size",
    summary="Evidence certificates have RSA keys of 2048 bits or more (EC: 256 or more).",
    guideline="SAML-07",
    help="Reissue the certificate with a 2048-bit (or larger) RSA key or a P-256 (or larger) "
    "EC key.",
)
def evidence_certificate_key_size(submission: Submission) -> Iterator[Finding]:
    """Keys below 2048-bit RSA (or DSA) and 256-bit elliptic curves no longer protect a SAML
    signature; current SAML stacks refuse them.

    Passes: a certificate with a 2048-bit RSA key, or a P-256 EC key.
    Fails: a certificate with a 1024-bit RSA key ("the certificate (CN=acme-sso) has a
    1024-bit RSA key; use at least 2048 bits").
    """
    for name, held in _certificates(submission):
        weak = _weak_key(held.certificate)
        if weak is not None:
            message = f"{_named(held)} has {weak}"
            yield Finding(submission.path(name), message, held.line, held.column)


def matches(literal: str, configured: str) -> bool:
    """Whether a literal URL from metadata equals a ``saml.yaml`` value. Each ``${...}``
    expression of the value matches any non-empty text, since it is evaluated per tenant:
    ``https://acme-demo.acme.example/sso`` matches ``https://${org.subdomain}.acme.example/sso``."""
    found, unclosed = spans(configured, "${")
    if unclosed:  # a syntax error, reported by expression-syntax; no guess at what it means
        return True
    if not found:
        return literal == configured
    pattern, rest = "", configured
    for span in found:
        before, _, rest = rest.partition(span.written)
        pattern += re.escape(before) + ".+"
    return re.fullmatch(pattern + re.escape(rest), literal, re.DOTALL) is not None


def _acs_urls(document: Document) -> list[tuple[str, tuple[str | int, ...]]]:
    """(URL, pointer) of ``acs_url`` and every ``acs_urls_indexed[].url``."""
    data = document.data
    urls: list[tuple[str, tuple[str | int, ...]]] = []
    if isinstance(data.get("acs_url"), str):
        urls.append((data["acs_url"], ("acs_url",)))
    indexed = data.get("acs_urls_indexed")
    for position, item in enumerate(indexed if isinstance(indexed, list) else []):
        if isinstance(item, dict) and isinstance(item.get("url"), str):
            urls.append((item["url"], ("acs_urls_indexed", position, "url")))
    return urls


def _key(document: Document, pointer: tuple[str | int, ...]) -> str:
    """``'acs_url' (saml.yaml line 2)``."""
    field = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in pointer).lstrip(".")
    return f"'{field}' ({SAML_FILE} line {document.position(pointer)[0]})"


def _metadata_problems(element: Element, document: Document) -> Iterator[str]:
    attributes = element.attributes
    if element.name == "EntityDescriptor":
        audience = document.data.get("audience")
        entity = attributes.get("entityID")
        if isinstance(audience, str) and entity is not None and not matches(entity, audience):
            where = _key(document, ("audience",))
            yield f"the entityID {entity} is not the audience {audience} of {where}"
        return
    location, binding = attributes.get("Location", ""), attributes.get("Binding", "")
    if location.lower().startswith("http://"):
        yield f"the AssertionConsumerService Location {location} uses http://; use https://"
    urls = _acs_urls(document)
    if urls and not any(matches(location, url) for url, _ in urls):
        listed = ", ".join(_key(document, pointer) for _, pointer in urls)
        yield f"the AssertionConsumerService Location {location} is none of {listed}"
    if binding != HTTP_POST:
        yield (
            f"the AssertionConsumerService Binding {binding or '(none)'} is not HTTP-POST; "
            "Okta sends assertions with the HTTP-POST binding"
        )


@submission_rule(
    id="saml-metadata-matches",
    summary="SP metadata in evidence agrees with saml.yaml: entity ID, ACS URLs, HTTP-POST, https.",
    guideline="SAML-01",
    help="Make the SP metadata and saml.yaml describe the same service provider: the entityID "
    "is the 'audience', each AssertionConsumerService Location one of the ACS URLs, with "
    "Binding urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST and an https:// Location.",
)
def saml_metadata_matches(submission: Submission) -> Iterator[Finding]:
    """SP metadata (``evidence/*.xml`` with an ``EntityDescriptor``) is what the application
    says about itself; ``saml.yaml`` is what Okta will be configured with. They must agree:
    the ``entityID`` is the ``audience``, each ``AssertionConsumerService`` ``Location`` is
    ``acs_url`` or an ``acs_urls_indexed`` URL, its ``Binding`` is HTTP-POST (the only binding
    Okta posts assertions with) and no Location uses ``http://``. A ``${...}`` expression in
    ``saml.yaml`` (``https://${org.subdomain}.acme.example/sso``) matches any text in its place,
    since metadata comes from one tenant. The diagnostic is at the metadata element and names
    the ``saml.yaml`` key and its line.

    Passes: ``entityID="https://acme.example/saml"`` with ``audience: https://acme.example/saml``
    and ``Location="https://demo.acme.example/saml/acs"`` with
    ``acs_url: https://${org.subdomain}.acme.example/saml/acs``.
    Fails: ``entityID="https://other.example/saml"``, or
    ``Location="http://acme.example/acs"`` with the HTTP-Redirect binding.
    """
    document = submission.documents.get(SAML_FILE)
    if document is None or not isinstance(document.data, dict):
        return
    for name, inspection in inspect_evidence(submission):
        for element in inspection.elements:
            for message in _metadata_problems(element, document):
                yield Finding(submission.path(name), message, element.line, element.column)


def json_files(submission: Submission) -> Iterator[str]:
    """The ``evidence/*.json`` files among the first ``max_evidence_files`` evidence files."""
    for name in submission.readable_evidence:
        if name.lower().endswith(".json"):
            yield name


def json_text(submission: Submission, name: str) -> tuple[str | None, Finding | None]:
    """The text of a JSON evidence file, or a finding saying why it cannot be read."""
    path = submission.path(name)
    try:
        size = submission.size(name)
        if size > EVIDENCE_LIMIT:
            message = f"the file is {size:,} bytes; JSON evidence may be at most {EVIDENCE_LIMIT:,}"
            return None, Finding(path, message)
        return submission.read(name).decode("utf-8-sig"), None
    except OSError as exc:
        return None, Finding(path, f"the file cannot be read: {exc.strerror or exc}")
    except UnicodeDecodeError:
        return None, Finding(path, "the file is not UTF-8 text, so it is not JSON")


def _load_json(submission: Submission, name: str) -> tuple[Any, Finding | None]:
    text, problem = json_text(submission, name)
    if text is None:
        return None, problem
    return parse_json(submission.path(name), text, "the file")


def _report_problems(report: Any) -> Iterator[str]:
    """What a SCIM test report shows: missing result counts, or failed tests."""
    if not isinstance(report, dict):
        yield "the SCIM test report is not a JSON object with 'passed' and 'failed' counts"
        return
    counts = {key: report.get(key) for key in ("passed", "failed")}
    bad = [k for k, v in counts.items() if not isinstance(v, int) or isinstance(v, bool) or v < 0]
    if bad:
        yield f"the SCIM test report has no count in {' and '.join(repr(k) for k in bad)}"
    elif counts["failed"]:
        failed, total = counts["failed"], counts["passed"] + counts["failed"]
        yield f"the SCIM test report shows {failed} of {total} tests failed; fix them and re-run"


@submission_rule(
    id="evidence-json",
    summary="JSON evidence parses, and a SCIM test report shows no failed test.",
    guideline="SCIM-06",
    help="Commit the export exactly as downloaded; re-run the SCIM tests until none fails.",
)
def evidence_json(submission: Submission) -> Iterator[Finding]:
    """``evidence/*.json`` files are test exports the reviewers read: each must be valid JSON.
    ``evidence/scim-test-report.json`` (the name ``oin-gitops scim-test`` writes) is a SCIM
    test report: a JSON object with non-negative integer ``passed`` and ``failed`` counts, and
    ``failed`` must be 0.

    Passes: ``evidence/scim-test-report.json`` holding ``{"passed": 42, "failed": 0}``.
    Fails: ``{"passed": 40, "failed": 2}`` ("the SCIM test report shows 2 of 42 tests failed"),
    or a ``.json`` file cut off in the middle (``{"passed": 4``).
    """
    for name in json_files(submission):
        data, problem = _load_json(submission, name)
        if problem is not None:
            yield problem
        elif name.rpartition("/")[2].lower() == SCIM_REPORT:
            for message in _report_problems(data):
                yield Finding(submission.path(name), message, 1, 1)


RULES = (
    evidence_certificate_expired,
    evidence_certificate_expiring,
    evidence_certificate_key_size,
    saml_metadata_matches,
    evidence_json,
)
