"""SAML rules, one table per rule: files of a submission → findings of that rule.

Evidence files come from ``tests/fixtures/evidence/``: certificates and metadata made by its
deterministic ``generate.py`` (checked below), and hand-written hostile or broken files.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.conftest import Found
from tests.fixtures.evidence import generate
from tests.rules.test_variables import Files, cases, lint, saml

EVIDENCE = Path(__file__).resolve().parent.parent / "fixtures" / "evidence"
CASES = Path(__file__).resolve().parent.parent / "cases"
S = "saml.yaml"


def evidence(name: str, as_name: str | None = None) -> Files:
    return {f"evidence/{as_name or name}": (EVIDENCE / name).read_bytes()}


def test_generated_evidence_is_reproducible() -> None:
    built = generate.build()
    assert {name: (EVIDENCE / name).read_bytes() for name in built} == built
    for target, name in generate.CASE_COPIES.items():
        assert (CASES / target).read_bytes() == built[name], target


SAML_INDEX_UNIQUE = [
    ("distinct", {S: saml(acs_urls_indexed="[{url: https://acme.example/a, index: 0}, {url: https://acme.example/b, index: 1}]")}, []),
    ("repeated", {S: saml(acs_urls_indexed="[{url: https://acme.example/a, index: 1}, {url: https://acme.example/b, index: 1}]")}, [(S, 7, 98, "'acs_urls_indexed[1].index' repeats index 1 of 'acs_urls_indexed[0]'")]),
    ("three", {S: saml(acs_urls_indexed="[{url: https://a.example/a, index: 2}, {url: https://a.example/b, index: 2}, {url: https://a.example/c, index: 2}]")}, [(S, 7, 92, "'acs_urls_indexed[1].index' repeats index 2 of 'acs_urls_indexed[0]'"), (S, 7, 130, "'acs_urls_indexed[2].index' repeats index 2 of 'acs_urls_indexed[0]'")]),
    ("identical-left-to-schema", {S: saml(acs_urls_indexed="[{url: https://acme.example/a, index: 1}, {url: https://acme.example/a, index: 1}]")}, []),
    ("not-a-number-left-to-schema", {S: saml(acs_urls_indexed="[{url: https://a.example/a, index: '1'}, {url: https://a.example/b, index: '1'}]")}, []),
    ("true-is-not-1", {S: saml(acs_urls_indexed="[{url: https://a.example/a, index: 1}, {url: https://a.example/b, index: true}]")}, []),
]  # fmt: skip


@pytest.mark.parametrize(("files", "expected"), cases(SAML_INDEX_UNIQUE))
def test_saml_index_unique(files: Files, expected: list[Found]) -> None:
    assert lint("saml-index-unique", files) == expected


def attributes(*values: str) -> Files:
    return {S: saml(attribute_statements=f"[{{name: a, values: [{', '.join(values)}]}}]")}


def unknown(index: int, refs: str) -> str:
    return (
        f"'attribute_statements[0].values[{index}]' references {refs}, which is not a user, "
        "appuser, org or fn: reference"
    )


SAML_ATTRIBUTE_REFERENCE = [
    ("allowed", attributes("user.email", "'${user.userName}'", "appuser.role", "org.subdomain", "'fn:toUpperCase(user.login)'"), []),
    ("literal-text", attributes("Acme Notes", "'\"manager.email\"'"), []),
    ("unknown-root", attributes("user.email", "manager.email"), [(S, 7, 55, unknown(1, "manager.email"))]),
    ("el-function-class", attributes("\"Groups.startsWith('OKTA', 'acme', 10)\""), [(S, 7, 43, unknown(0, "Groups.startsWith"))]),
    ("other-namespace", attributes("'x:trim(user.email)'"), [(S, 7, 43, unknown(0, "x:trim"))]),
    ("several", attributes("'${idp.id} ${session.id}'"), [(S, 7, 43, unknown(0, "idp.id, session.id"))]),
    ("host-name-literal", attributes("acme.example"), [(S, 7, 43, unknown(0, "acme.example"))]),
    ("string-and-app-left-to-variable-rules", attributes("'String.toUpperCase(user.email)'", "app.subdomain"), []),
    ("placeholder", attributes("TODO"), []),
]  # fmt: skip


@pytest.mark.parametrize(("files", "expected"), cases(SAML_ATTRIBUTE_REFERENCE))
def test_saml_attribute_reference(files: Files, expected: list[Found]) -> None:
    assert lint("saml-attribute-reference", files) == expected


def custom(index: int, ref: str) -> str:
    return (
        f"'attribute_statements[0].values[{index}]' uses {ref}, which is not an attribute of "
        "Okta's base user profile"
    )


SAML_ATTRIBUTE_USER_PROFILE = [
    ("base-profile", attributes("user.email", "user.firstName", "user.department", "'${user.userName}'"), []),
    ("custom", attributes("user.email", "user.favouriteColour"), [(S, 7, 55, custom(1, "user.favouriteColour"))]),
    ("method-call", attributes("'user.getInternalProperty(\"id\")'"), []),
    ("appuser-is-free", attributes("appuser.favouriteColour"), []),
]  # fmt: skip


@pytest.mark.parametrize(("files", "expected"), cases(SAML_ATTRIBUTE_USER_PROFILE))
def test_saml_attribute_user_profile(files: Files, expected: list[Found]) -> None:
    assert lint("saml-attribute-user-profile", files) == expected


E = "evidence/"
MUST = "; OIN SAML integrations must use SHA-256"
SHA1_RSA = "the certificate is signed with sha1WithRSAEncryption (SHA-1)" + MUST
W3 = "http://www.w3.org/2000/09/xmldsig#"

SAML_SHA256 = [
    ("sha256-pem", evidence("sha256-rsa.pem"), []),
    ("sha256-der", evidence("sha256-rsa.der", "sp.cer"), []),
    ("sha256-ecdsa", evidence("sha256-ecdsa.pem", "sp.crt"), []),
    ("sha256-metadata", evidence("metadata-sha256.xml"), []),
    ("sha1-pem", evidence("sha1-rsa.pem"), [(E + "sha1-rsa.pem", 1, 1, SHA1_RSA)]),
    ("sha1-der", evidence("sha1-rsa.der"), [(E + "sha1-rsa.der", None, None, SHA1_RSA)]),
    ("sha1-der-as-crt", evidence("sha1-rsa.der", "SP.CRT"), [(E + "SP.CRT", None, None, SHA1_RSA)]),
    ("sha1-second-in-chain", evidence("chain-sha256-sha1.pem"), [(E + "chain-sha256-sha1.pem", 19, 1, SHA1_RSA)]),
    ("sha1-metadata", evidence("metadata-sha1.xml"), [
        (E + "metadata-sha1.xml", 7, 7, f"ds:SignatureMethod names the SHA-1 algorithm {W3}rsa-sha1" + MUST),
        (E + "metadata-sha1.xml", 9, 9, f"ds:DigestMethod names the SHA-1 algorithm {W3}sha1" + MUST),
        (E + "metadata-sha1.xml", 20, 11, "the certificate in ds:X509Certificate is signed with sha1WithRSAEncryption (SHA-1)" + MUST),
    ]),
    ("md5-uri", {"evidence/md.xml": b'<m><SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-md5"/></m>'}, [(E + "md.xml", 1, 4, "SignatureMethod names the MD5 algorithm http://www.w3.org/2001/04/xmldsig-more#rsa-md5" + MUST)]),
    ("sha1-certificate-elsewhere-is-not-evidence", {"evidence/x.json": (EVIDENCE / "sha1-rsa.der").read_bytes()}, []),
]  # fmt: skip


@pytest.mark.parametrize(("files", "expected"), cases(SAML_SHA256))
def test_saml_sha256(files: Files, expected: list[Found]) -> None:
    assert lint("saml-sha256", files) == expected


DOCTYPE = "the XML has a DOCTYPE declaration, which SP metadata never needs and is refused"
NOT_A_CERTIFICATE = "the file is neither a PEM nor a DER X.509 certificate"

SAML_EVIDENCE_INVALID = [
    ("certificates-and-metadata", {**evidence("sha256-rsa.pem"), **evidence("sha1-rsa.der"), **evidence("metadata-sha256.xml")}, []),
    ("garbage-der", evidence("garbage.der"), [(E + "garbage.der", None, None, NOT_A_CERTIFICATE)]),
    ("empty", {"evidence/sp.pem": b""}, [(E + "sp.pem", None, None, NOT_A_CERTIFICATE)]),
    ("public-key", evidence("public-key.pem"), [(E + "public-key.pem", None, None, "the file holds no PEM certificate block")]),
    ("private-key", evidence("private-key.pem"), [(E + "private-key.pem", None, None, "the file holds a private key; commit only the certificate, and replace the key")]),
    ("truncated-block", evidence("truncated.pem"), [(E + "truncated.pem", 1, 1, "the PEM block is not a valid X.509 certificate")]),
    ("malformed-xml", evidence("malformed.xml"), [(E + "malformed.xml", 4, 3, "the XML cannot be parsed: mismatched tag")]),
    ("empty-xml", {"evidence/sp.xml": b""}, [(E + "sp.xml", 1, 1, "the XML cannot be parsed: no element found")]),
    ("billion-laughs", evidence("billion-laughs.xml"), [(E + "billion-laughs.xml", 2, 1, DOCTYPE)]),
    ("external-entity", evidence("external-entity.xml"), [(E + "external-entity.xml", 2, 1, DOCTYPE)]),
    ("bad-embedded-certificate", evidence("bad-certificate.xml"), [(E + "bad-certificate.xml", 6, 32, "the ds:X509Certificate element does not hold a base64 DER X.509 certificate")]),
    ("over-the-cap", {"evidence/sp.pem": b"-----BEGIN CERTIFICATE-----\n" + b"A" * 1_000_000}, [(E + "sp.pem", None, None, "the file is 1,000,028 bytes; evidence certificates and metadata may be at most 1,000,000 bytes")]),
]  # fmt: skip


@pytest.mark.parametrize(("files", "expected"), cases(SAML_EVIDENCE_INVALID))
def test_saml_evidence_invalid(files: Files, expected: list[Found]) -> None:
    assert lint("saml-evidence-invalid", files) == expected


def test_entity_expansion_is_refused_before_it_starts() -> None:
    started = time.perf_counter()
    assert lint("saml-evidence-invalid", evidence("billion-laughs.xml"))
    assert time.perf_counter() - started < 5
