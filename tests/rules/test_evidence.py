"""Evidence rules read in depth, one table per rule: files of a submission → findings of that rule.

Certificates are made here, at test time, relative to a pinned "now" (``NOW``, set through
``evidence_checks.clock``), so no table goes stale as real time passes.
"""

from __future__ import annotations

import base64
import datetime
import functools
import warnings
from collections.abc import Iterator

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID

from oin_gitops.rules import evidence_checks
from oin_gitops.rules.evidence_checks import matches
from tests.conftest import Found
from tests.rules.test_variables import Files, cases, lint, saml

NOW = datetime.datetime(2030, 6, 15, 12, 0, tzinfo=datetime.UTC)
DAY = datetime.timedelta(days=1)
E = "evidence/"
S = "saml.yaml"


@pytest.fixture(autouse=True)
def pinned_clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(evidence_checks, "clock", lambda: NOW)
    yield


@functools.cache
def rsa_key(bits: int = 2048) -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(65537, bits)


@functools.cache
def ec_key(curve: str = "secp256r1") -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(
        {"secp256r1": ec.SECP256R1(), "secp224r1": ec.SECP224R1()}[curve]
    )


def cert(
    cn: str | None = "acme-sso",
    start: datetime.datetime = NOW - 365 * DAY,
    end: datetime.datetime = NOW + 365 * DAY,
    key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey | None = None,
) -> x509.Certificate:
    key = key or rsa_key()
    with warnings.catch_warnings():  # an over-long CN, on purpose
        warnings.simplefilter("ignore")
        name = x509.Name(
            [x509.NameAttribute(NameOID.COMMON_NAME, cn, _validate=False)] if cn else []
        )
    builder = x509.CertificateBuilder().subject_name(name).issuer_name(name)
    builder = builder.public_key(key.public_key()).serial_number(1)
    return builder.not_valid_before(start).not_valid_after(end).sign(key, hashes.SHA256())


def pem(*certificates: x509.Certificate) -> bytes:
    return b"".join(c.public_bytes(serialization.Encoding.PEM) for c in certificates)


def der(certificate: x509.Certificate) -> bytes:
    return certificate.public_bytes(serialization.Encoding.DER)


def metadata(
    entity: str = "https://acme.example/saml",
    services: str = '<md:AssertionConsumerService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="https://demo.acme.example/saml/acs" index="0"/>',
    certificate: x509.Certificate | None = None,
) -> bytes:
    """SP metadata: EntityDescriptor on line 2, a certificate (if any) on line 4, services after."""
    body = base64.b64encode(der(certificate)).decode() if certificate else ""
    key = f"<ds:X509Certificate>{body}</ds:X509Certificate>" if certificate else "<!-- none -->"
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" xmlns:ds="http://www.w3.org/2000/09/xmldsig#" entityID="{entity}">
  <md:SPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
    {key}
    {services}
  </md:SPSSODescriptor>
</md:EntityDescriptor>
""".encode()


EXPIRED_2007 = cert(
    start=datetime.datetime(2006, 6, 1, tzinfo=datetime.UTC),
    end=datetime.datetime(2007, 6, 1, tzinfo=datetime.UTC),
)

EVIDENCE_CERTIFICATE_EXPIRED = [
    ("valid", {E + "idp.pem": pem(cert())}, []),
    ("expired", {E + "idp.pem": pem(EXPIRED_2007)}, [(E + "idp.pem", 1, 1, "the certificate (CN=acme-sso) expired on 2007-06-01; upload a current one")]),
    ("expired-der-no-cn", {E + "idp.der": der(cert(cn=None, end=NOW - DAY))}, [(E + "idp.der", None, None, "the certificate expired on 2030-06-14; upload a current one")]),
    ("expired-second-in-chain", {E + "chain.pem": pem(cert(), cert(cn="old", end=NOW - DAY))}, [(E + "chain.pem", 18, 1, "the certificate (CN=old) expired on 2030-06-14; upload a current one")]),
    ("not-yet-valid", {E + "idp.crt": pem(cert(start=NOW + 10 * DAY))}, [(E + "idp.crt", 1, 1, "the certificate (CN=acme-sso) is not valid until 2030-06-25; upload a current one")]),
    ("expiring-is-only-a-warning", {E + "idp.pem": pem(cert(end=NOW + 12 * DAY))}, []),
    ("in-metadata", {E + "sp.xml": metadata(certificate=EXPIRED_2007)}, [(E + "sp.xml", 4, 5, "the certificate in ds:X509Certificate (CN=acme-sso) expired on 2007-06-01; upload a current one")]),
    ("long-cn-shortened", {E + "idp.pem": pem(cert(cn="x" * 80, end=NOW - DAY))}, [(E + "idp.pem", 1, 1, f"the certificate (CN={'x' * 61}...) expired on 2030-06-14; upload a current one")]),
    ("json-is-not-read", {E + "idp.json": pem(EXPIRED_2007)}, []),
]  # fmt: skip


@pytest.mark.parametrize(("files", "expected"), cases(EVIDENCE_CERTIFICATE_EXPIRED))
def test_evidence_certificate_expired(files: Files, expected: list[Found]) -> None:
    assert lint("evidence-certificate-expired", files) == expected


EVIDENCE_CERTIFICATE_EXPIRING = [
    ("a-year-left", {E + "idp.pem": pem(cert())}, []),
    ("31-days-left", {E + "idp.pem": pem(cert(end=NOW + 31 * DAY))}, []),
    ("12-days-left", {E + "idp.pem": pem(cert(end=NOW + 12 * DAY))}, [(E + "idp.pem", 1, 1, "the certificate (CN=acme-sso) expires on 2030-06-27, in 12 days; renew it before submitting")]),
    ("1-day-left", {E + "idp.pem": pem(cert(end=NOW + DAY))}, [(E + "idp.pem", 1, 1, "the certificate (CN=acme-sso) expires on 2030-06-16, in 1 day; renew it before submitting")]),
    ("hours-left", {E + "idp.pem": pem(cert(end=NOW + DAY / 2))}, [(E + "idp.pem", 1, 1, "the certificate (CN=acme-sso) expires on 2030-06-16, today; renew it before submitting")]),
    ("expired-is-the-other-rule", {E + "idp.pem": pem(EXPIRED_2007)}, []),
    ("in-metadata", {E + "sp.xml": metadata(certificate=cert(end=NOW + 30 * DAY))}, [(E + "sp.xml", 4, 5, "the certificate in ds:X509Certificate (CN=acme-sso) expires on 2030-07-15, in 30 days; renew it before submitting")]),
]  # fmt: skip


@pytest.mark.parametrize(("files", "expected"), cases(EVIDENCE_CERTIFICATE_EXPIRING))
def test_evidence_certificate_expiring(files: Files, expected: list[Found]) -> None:
    assert lint("evidence-certificate-expiring", files) == expected


def test_expiry_follows_the_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    files: Files = {E + "idp.pem": pem(cert(end=NOW + 12 * DAY))}
    monkeypatch.setattr(evidence_checks, "clock", lambda: NOW + 13 * DAY)
    assert lint("evidence-certificate-expiring", files) == []
    assert [f[3] for f in lint("evidence-certificate-expired", files)] == [
        "the certificate (CN=acme-sso) expired on 2030-06-27; upload a current one"
    ]


EVIDENCE_CERTIFICATE_KEY_SIZE = [
    ("rsa-2048", {E + "idp.pem": pem(cert())}, []),
    ("ec-p256", {E + "idp.pem": pem(cert(key=ec_key()))}, []),
    ("rsa-1024", {E + "idp.pem": pem(cert(key=rsa_key(1024)))}, [(E + "idp.pem", 1, 1, "the certificate (CN=acme-sso) has a 1024-bit RSA key; use at least 2048 bits")]),
    ("rsa-1024-der", {E + "idp.cer": der(cert(key=rsa_key(1024)))}, [(E + "idp.cer", None, None, "the certificate (CN=acme-sso) has a 1024-bit RSA key; use at least 2048 bits")]),
    ("ec-p224", {E + "idp.pem": pem(cert(key=ec_key("secp224r1")))}, [(E + "idp.pem", 1, 1, "the certificate (CN=acme-sso) has a 224-bit EC key (secp224r1); use a curve of at least 256 bits")]),
    ("in-metadata", {E + "sp.xml": metadata(certificate=cert(key=rsa_key(1024)))}, [(E + "sp.xml", 4, 5, "the certificate in ds:X509Certificate (CN=acme-sso) has a 1024-bit RSA key; use at least 2048 bits")]),
]  # fmt: skip


@pytest.mark.parametrize(("files", "expected"), cases(EVIDENCE_CERTIFICATE_KEY_SIZE))
def test_evidence_certificate_key_size(files: Files, expected: list[Found]) -> None:
    assert lint("evidence-certificate-key-size", files) == expected


def test_evidence_past_the_file_limit_is_not_read() -> None:
    files: Files = {f"{E}{n:02}.pem": pem(EXPIRED_2007) for n in range(25)}
    assert len(lint("evidence-certificate-expired", files)) == 20  # Config().max_evidence_files


def acs(location: str, binding: str = "HTTP-POST") -> str:
    return f'<md:AssertionConsumerService Binding="urn:oasis:names:tc:SAML:2.0:bindings:{binding}" Location="{location}" index="0"/>'


INDEXED = "[{url: https://acme.example/a, index: 0}, {url: 'https://${org.subdomain}.acme.example/b', index: 1}]"
NONE_OF = "is none of 'acs_url' (saml.yaml line 2)"

SAML_METADATA_MATCHES = [
    ("matches-expression", {E + "sp.xml": metadata()}, []),
    ("matches-literal", {S: saml(acs_url="https://acme.example/saml/acs"), E + "sp.xml": metadata(services=acs("https://acme.example/saml/acs"))}, []),
    ("matches-indexed", {S: saml(acs_urls_indexed=INDEXED), E + "sp.xml": metadata(services=acs("https://acme.example/a") + acs("https://t1.acme.example/b"))}, []),
    ("entity-differs", {E + "sp.xml": metadata(entity="https://other.example/saml")}, [(E + "sp.xml", 2, 1, "the entityID https://other.example/saml is not the audience https://acme.example/saml of 'audience' (saml.yaml line 3)")]),
    ("entity-matches-expression", {S: saml(audience="'https://${org.subdomain}.acme.example'"), E + "sp.xml": metadata(entity="https://demo.acme.example")}, []),
    ("acs-differs", {E + "sp.xml": metadata(services=acs("https://acme.example/other"))}, [(E + "sp.xml", 5, 5, f"the AssertionConsumerService Location https://acme.example/other {NONE_OF}")]),
    ("expression-needs-its-literal-parts", {E + "sp.xml": metadata(services=acs("https://acme.example/saml/acs"))}, [(E + "sp.xml", 5, 5, f"the AssertionConsumerService Location https://acme.example/saml/acs {NONE_OF}")]),
    ("acs-none-of-indexed", {S: saml(acs_urls_indexed=INDEXED), E + "sp.xml": metadata(services=acs("https://acme.example/c"))}, [(E + "sp.xml", 5, 5, "the AssertionConsumerService Location https://acme.example/c is none of 'acs_url' (saml.yaml line 2), 'acs_urls_indexed[0].url' (saml.yaml line 7), 'acs_urls_indexed[1].url' (saml.yaml line 7)")]),
    ("http-and-redirect", {S: saml(acs_url="http://acme.example/acs"), E + "sp.xml": metadata(services=acs("http://acme.example/acs", "HTTP-Redirect"))}, [
        (E + "sp.xml", 5, 5, "the AssertionConsumerService Binding urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect is not HTTP-POST; Okta sends assertions with the HTTP-POST binding"),
        (E + "sp.xml", 5, 5, "the AssertionConsumerService Location http://acme.example/acs uses http://; use https://"),
    ]),
    ("no-binding", {E + "sp.xml": metadata(services='<md:AssertionConsumerService Location="https://demo.acme.example/saml/acs"/>')}, [(E + "sp.xml", 5, 5, "the AssertionConsumerService Binding (none) is not HTTP-POST; Okta sends assertions with the HTTP-POST binding")]),
    ("no-saml-yaml", {S: None, "oidc.yaml": None, E + "sp.xml": metadata(entity="https://other.example")}, []),
    ("not-metadata", {E + "sp.xml": b"<doc entityID='x'/>"}, []),
]  # fmt: skip


@pytest.mark.parametrize(("files", "expected"), cases(SAML_METADATA_MATCHES))
def test_saml_metadata_matches(files: Files, expected: list[Found]) -> None:
    assert lint("saml-metadata-matches", files) == expected


@pytest.mark.parametrize(
    ("literal", "configured", "expected"),
    [
        ("https://a.example/x", "https://a.example/x", True),
        ("https://a.example/x/", "https://a.example/x", False),
        ("https://t.acme.example/sso", "https://${org.subdomain}.acme.example/sso", True),
        ("https://.acme.example/sso", "https://${org.subdomain}.acme.example/sso", False),
        ("https://a.b.example/x", "${org.base}/x", True),
        ("https://t.example/a/b", "https://${org.t}.example/${org.p}/b", True),
        ("anything", "https://${org.broken", True),
        ("https://t.example.evil/sso", "https://${org.t}.example/sso", False),
    ],
)
def test_matches(literal: str, configured: str, expected: bool) -> None:
    assert matches(literal, configured) is expected


REPORT = E + "scim-test-report.json"

EVIDENCE_JSON = [
    ("valid", {E + "results.json": b'{"tests": []}'}, []),
    ("report-passed", {REPORT: b'{"passed": 42, "failed": 0}'}, []),
    ("report-name-any-case", {E + "SCIM-Test-Report.json": b'{"passed": 40, "failed": 2}'}, [(E + "SCIM-Test-Report.json", 1, 1, "the SCIM test report shows 2 of 42 tests failed; fix them and re-run")]),
    ("report-failed", {REPORT: b'{"passed": 40, "failed": 2}'}, [(REPORT, 1, 1, "the SCIM test report shows 2 of 42 tests failed; fix them and re-run")]),
    ("report-no-counts", {REPORT: b'{"passed": "all"}'}, [(REPORT, 1, 1, "the SCIM test report has no count in 'passed' and 'failed'")]),
    ("report-negative", {REPORT: b'{"passed": 1, "failed": -1}'}, [(REPORT, 1, 1, "the SCIM test report has no count in 'failed'")]),
    ("report-bool", {REPORT: b'{"passed": true, "failed": false}'}, [(REPORT, 1, 1, "the SCIM test report has no count in 'passed' and 'failed'")]),
    ("report-list", {REPORT: b"[]"}, [(REPORT, 1, 1, "the SCIM test report is not a JSON object with 'passed' and 'failed' counts")]),
    ("other-names-are-not-reports", {E + "runscope.json": b'{"passed": 1, "failed": 3}'}, []),
    ("cut-off", {E + "results.json": b'{\n  "passed": 4'}, [(E + "results.json", 2, 14, "the file is not valid JSON: expecting ',' delimiter")]),
    ("empty", {E + "results.json": b""}, [(E + "results.json", 1, 1, "the file is not valid JSON: expecting value")]),
    ("unterminated", {E + "results.json": b'{"a": "b'}, [(E + "results.json", 1, 7, "the file is not valid JSON: unterminated string starting at this position")]),
    ("deep", {E + "results.json": b"[" * 100_000}, [(E + "results.json", None, None, "the file is not valid JSON: it is nested too deeply")]),
    ("bom-is-fine", {E + "results.json": b'\xef\xbb\xbf{"a": 1}'}, []),
    ("not-utf-8", {E + "results.json": b'{"a": "\xff"}'}, [(E + "results.json", None, None, "the file is not UTF-8 text, so it is not JSON")]),
    ("too-big", {E + "results.json": b" " * 1_000_001}, [(E + "results.json", None, None, "the file is 1,000,001 bytes; JSON evidence may be at most 1,000,000")]),
    ("upper-case-suffix", {E + "R.JSON": b"{"}, [(E + "R.JSON", 1, 2, "the file is not valid JSON: expecting property name enclosed in double quotes")]),
]  # fmt: skip


@pytest.mark.parametrize(("files", "expected"), cases(EVIDENCE_JSON))
def test_evidence_json(files: Files, expected: list[Found]) -> None:
    assert lint("evidence-json", files) == expected


TESTER = E + "tester-results.json"


def export_of(*tests: str) -> bytes:
    """A Submission Tester export holding ``tests``, one JSON object per line from line 3."""
    return ('{\n  "tests": [\n' + ",\n".join(f"    {t}" for t in tests) + "\n  ]\n}\n").encode()


def passed(at: str, name: str = "SP-initiated sign-in") -> str:
    return f'{{"name": "{name}", "required": true, "result": "passed", "time": "{at}"}}'


TEST_RESULTS_RECENT = [
    ("recent", {TESTER: export_of(passed("2030-06-14T12:00:00Z"))}, []),
    ("exactly-48-hours", {TESTER: export_of(passed("2030-06-13T12:00:00Z"))}, []),
    ("offset-and-status", {TESTER: export_of('{"name": "a", "status": "PASSED", "timestamp": "2030-06-15T13:30:00+02:00"}')}, []),
    ("48-hours-and-a-minute", {TESTER: export_of(passed("2030-06-13T11:59:00Z"))}, [(TESTER, 3, 5, "the required test 'SP-initiated sign-in' passed at 2030-06-13 11:59 UTC, 48 hours ago; the OIN accepts results from the 48 hours before you submit, so run the tests again and export the results")]),
    ("second-test", {TESTER: export_of(passed("2030-06-15T11:00:00Z"), '{"name": "b", "result": "failed"}')}, [(TESTER, 4, 5, "the required test 'b' failed; make it pass and export the results again")]),
    ("optional-failure", {TESTER: export_of('{"name": "b", "required": false, "result": "failed", "time": "2030-06-01T00:00:00Z"}')}, []),
    ("no-result", {TESTER: export_of(passed("2030-06-15T11:00:00Z"), '{"name": "b", "time": "2030-06-15T11:00:00Z"}')}, [(TESTER, 4, 5, "the required test 'b' has the result null, not passed, failed or skipped")]),
    ("no-time-zone", {TESTER: export_of(passed("2030-06-15T11:00:00"))}, [(TESTER, 3, 5, "the required test 'SP-initiated sign-in' has the time '2030-06-15T11:00:00', not an ISO 8601 date and time with a UTC offset such as 2030-06-15T09:30:00Z")]),
    ("no-time", {TESTER: export_of('{"result": "passed"}', passed("2030-06-15T11:00:00Z"))}, [(TESTER, 3, 5, "the required test tests[0] has the time null, not an ISO 8601 date and time with a UTC offset such as 2030-06-15T09:30:00Z")]),
    ("no-time-anywhere-is-not-an-export", {TESTER: b'{"tests": [{"name": "SSO", "result": "failed"}]}'}, []),
    ("not-an-object", {TESTER: export_of(passed("2030-06-15T11:00:00Z"), '"b"')}, [(TESTER, None, None, "tests[1] is 'b', not an object with a name, result and time")]),
    ("bom-and-crlf", {TESTER: b"\xef\xbb\xbf" + export_of(passed("2030-06-01T00:00:00Z")).replace(b"\n", b"\r\n")}, [(TESTER, 3, 5, "the required test 'SP-initiated sign-in' passed at 2030-06-01 00:00 UTC, 348 hours ago; the OIN accepts results from the 48 hours before you submit, so run the tests again and export the results")]),
    ("names-only-is-not-an-export", {TESTER: b'{"tests": ["a", "b"]}'}, []),
    ("invalid-json-is-evidence-json-s", {TESTER: b'{"tests": [{"result": "failed", "time": "2030"}'}, []),
    ("other-suffix", {E + "tester-results.txt": export_of('{"result": "failed", "time": "2030"}')}, []),
]  # fmt: skip


@pytest.mark.parametrize(("files", "expected"), cases(TEST_RESULTS_RECENT))
def test_test_results_recent(files: Files, expected: list[Found]) -> None:
    assert lint("test-results-recent", files) == expected


def test_test_results_follow_the_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    files: Files = {TESTER: export_of(passed("2030-06-14T12:00:00Z"))}
    monkeypatch.setattr(evidence_checks, "clock", lambda: NOW + DAY + datetime.timedelta(hours=1))
    [(_, _, _, message)] = lint("test-results-recent", files)
    assert message.startswith("the required test 'SP-initiated sign-in' passed at 2030-06-14")
