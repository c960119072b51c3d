"""Rule secret-in-plain-text: one line per case, for the detectors, the schema scopes and the rule."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from oin_gitops.rules import credentials
from oin_gitops.rules.credentials import Scope, scanner
from oin_gitops.rules.secret_text import evidence_scope, scope_at
from tests.conftest import (
    PINNED_SUBMISSION_YAML,
    SEALED,
    ScratchRepo,
    edited_findings,
    rule_findings,
)
from tests.rules.test_scim import SCIM_YAML as BEARER_SCIM

RULE = "secret-in-plain-text"
F = "submissions/acme-notes/submission.yaml"
USERNAME = "  username: isvtest@okta.com\n"
KEY = "aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3zA5bC7dE9f"  # 43 random-looking characters
NAMED = "a password or key after its name"


def kinds(text: str, scope: Scope = Scope.TEXT) -> list[str]:
    return [hit.kind for hit in scanner().scan(text, scope)]


# Every detect-secrets plugin the scanner uses, on a sample of its format, and our own formats.
FORMATS = [
    ("-----BEGIN RSA PRIVATE KEY-----", "a private key"),
    ("-----BEGIN ENCRYPTED PRIVATE KEY-----", "a private key"),
    ("PuTTY-User-Key-File-2: ssh-rsa", "a private key"),
    ("AKIAIOSFODNN7EXAMPLE", "an AWS access key"),
    ("ghp_" + KEY[:36], "a GitHub token"),
    ("glpat-xY7kP2mQ9rT4vW8zB3nC", "a GitLab token"),
    ("xoxb-123456789012-abcdefghij", "a Slack token or webhook"),
    (
        "https://hooks.slack.com/services/T0AB12CD3/B0EF45GH6/" + KEY[:24],
        "a Slack token or webhook",
    ),
    ("rk_live_" + KEY[:24], "a Stripe key"),
    ("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.c2lnbmF0dXJl", "a JSON Web Token"),
    ("https://isvtest:Winter2026@app.acme.example/login", "a password in a URL"),
    ("sk-" + KEY[:20] + "T3BlbkFJ" + KEY[:20], "an OpenAI key"),
    ("SG." + KEY[:22] + "." + KEY, "a SendGrid key"),
    ("AC" + "a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6", "a Twilio key"),
    ("MTIzNDU2Nzg5MDEyMzQ1Njc4.GaBcDe." + KEY[:27], "a Discord bot token"),
    ("123456789:AA" + KEY[:33], "a Telegram bot token"),
    ("a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6-us12", "a Mailchimp key"),
    ("//registry.npmjs.org/:_authToken=npm_" + KEY[:36], "an npm token"),
    ("pypi-AgEIcHlwaS5vcmc" + KEY + KEY, "a PyPI token"),
    ("sq0csp-" + KEY, "a Square OAuth secret"),
    ("AccountKey=" + KEY + KEY + "==", "an Azure storage key"),
    ("Use qmk_live_4fT9xQ2mB7vK1pL8sD3nR6wZ", "a live or test API key"),
    ("acme_test_9Qw2Er4Ty6Ui8Op0As2Df4Gh", "a live or test API key"),
    ("SSWS 00abcdefghijklmnopqrstuvwxyzABCDEFGHIJ0123", "an Okta API token"),
    ("Authorization: Bearer 6f1c0a9e2b7d4e5f8a3c", "a token in an Authorization header"),
    ("Authorization: Basic aXN2dGVzdDpXaW50ZXIyMDI2IQ==", "a password in an Authorization header"),
]


@pytest.mark.parametrize(("text", "kind"), FORMATS)
def test_every_format_is_found_in_text_and_in_one_token_fields(text: str, kind: str) -> None:
    assert kinds(text) == [kind]
    assert kinds(text, Scope.FORMATS) == [kind]


def test_every_detect_secrets_plugin_has_a_sample() -> None:
    sampled = {kind for _, kind in FORMATS}
    assert {kind for *_, kind, _ in credentials.FORMAT_PLUGINS} <= sampled


IN_TEXT = [
    # Passwords in prose: after a user name, after the word "password", as an assignment.
    ("Log in as isvtest@okta.com / Qu1llm@rk-2026!", ["a password after a user name"]),
    ("isvtest@okta.com:Qu1llm@rk-2026", ["a password after a user name"]),
    ("Sign in with isvtest@okta.com and Qu1llm@rk-2026!", ["a password after a user name"]),
    ("isvtest@okta.com, Qu1llm@rk-2026!", ["a password after a user name"]),
    ("user: isvtest@okta.com pass: Qu1llm@rk-2026!", ["a password or key after its name"]),
    ("Username: admin | Adm1n!2345", ["a password after a user name"]),
    ("Sign in with isvtest / password=Winter2026!", ["a password or key after its name"]),
    ("Password: Winter2026!", ["a password or key after its name"]),
    ("The password is hunter2", ["a password or key after its name"]),
    ("the password Qu1llm@rk for the admin", ["a password or key after its name"]),
    ("api_key = 9f8e7d6c5b4a39281706", ["a password or key after its name"]),
    ('"client_secret": "s3cr3t-Value-2026"', ["a password or key after its name"]),
    ("SCIM token: 7Hq2Lm9Xv4Bn8Kp3Rt6Wy1Zs", ["a password or key after its name"]),
    # A random-looking string (detect-secrets' entropy limits) anywhere in prose.
    ("Our key hT8pQ2xZ7mN4vB9kL3sD6fG1jR5wY0cE9aT3", ["a random-looking key or token"]),
    ("then paste 4f9c2e7a1b8d3f6e0a5c9b2d7e4f1a8c into the form", ["a random-looking key or token"]),
    ("password: Qu1llm@rk-2026! and AKIAIOSFODNN7EXAMPLE, user a@b.co / Xy9!abcd", [NAMED, "an AWS access key", "a password after a user name"]),
    # What is not a secret.
    ("The admin password is in test_account.password.", []),
    ("Password: see the sealed field. The password policy: 12+ characters.", []),
    ("Reset the password: open Admin > Security > Passwords.", []),
    ("Create a SCIM token under Settings > API tokens.", []),
    ("Sign in with isvtest@okta.com and then open Settings.", []),
    ("Write to support@acme.example, or call us.", []),
    ("Tests pass: all 42 of them.", []),
    ("Contact support@acme.example / +1 415 555 0100 or help@acme.example: Mon-Fri", []),
    ("client_secret: " + SEALED, []),
    ("The token is sealed: " + SEALED, []),
    ("Use Basic authentication or a Bearer token from Settings.", []),
    ("Bearer <your-token>", []),
    ("-----BEGIN CERTIFICATE-----", []),
    ("Open https://app.acme.example/login?next=%2Fadmin&state=hT8pQ2xZ7mN4vB9kL3sD6fG1jR5wY0cE", []),
    ("Tenant 3f2a9c0d-1e4b-4a6c-8d7e-9f0a1b2c3d4e, client_id: 0oa8f3k2m9XyZ4bQ7d5eXk2", []),
    ("Fingerprint (SHA-256): 3f2a9c0d1e4b5a6c7d8e9f0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e", []),
    ("Workspaces: single-sign-on-configuration-guide-2026 and oin-review-workspace", []),
    ("Log in at https://app.acme.example/login as isvtest@okta.com.", []),
    ("Audience urn:acme:notes:sp:8f3e2a1b9c7d6e5f4a3b2c1d0e9f8a7b", []),
]  # fmt: skip


@pytest.mark.parametrize(("text", "expected"), IN_TEXT)
def test_credentials_in_text(text: str, expected: list[str]) -> None:
    assert kinds(text) == expected


def test_one_token_fields_are_not_read_for_entropy_or_passwords() -> None:
    assert kinds("0oa8f3k2m9XyZ4bQ7d5eXk2hT8pQ2xZ7mN4vB9k", Scope.FORMATS) == []
    assert kinds("isvtest@okta.com/Qu1llm@rk-2026!", Scope.FORMATS) == []
    assert kinds("Password: Winter2026!", Scope.SKIP) == []


@pytest.mark.parametrize(
    ("schema", "pointer", "scope"),
    [
        ("submission", ("test_account", "instructions"), Scope.TEXT),
        ("submission", ("test_account", "username"), Scope.TEXT),
        ("submission", ("app", "description"), Scope.TEXT),
        ("submission", ("test_account", "password"), Scope.SKIP),  # x-oin-secret: secret-sealed
        ("submission", ("schema_version",), Scope.SKIP),  # const
        ("submission", ("app", "use_cases", 0), Scope.SKIP),  # enum
        ("submission", ("support", "contacts", 0, "email"), Scope.SKIP),  # format: email
        ("submission", ("support", "escalation"), Scope.SKIP),
        ("submission", ("app", "website"), Scope.FORMATS),  # https URL pattern: no spaces
        ("submission", ("app", "logo"), Scope.FORMATS),
        ("submission", ("owners", "github", 1), Scope.FORMATS),
        ("submission", ("tenant_settings", 0, "name"), Scope.FORMATS),
        ("submission", ("unknown", "key"), Scope.TEXT),
        ("scim", ("auth", "oauth2", "client_id"), Scope.FORMATS),
        ("scim", ("auth", "api_token"), Scope.SKIP),
        ("saml", ("audience",), Scope.TEXT),
        ("saml", ("acs_url",), Scope.FORMATS),
    ],
)
def test_what_to_scan_comes_from_the_schemas(
    schema: str, pointer: tuple[str | int, ...], scope: Scope
) -> None:
    assert scope_at(schema, pointer) is scope


@pytest.mark.parametrize(
    ("name", "scope"),
    [
        ("evidence/export.json", Scope.TEXT),
        ("evidence/tests.flopack", Scope.TEXT),
        ("evidence/sp-metadata.xml", Scope.FORMATS),
        ("evidence/sp-signing.PEM", Scope.FORMATS),
        ("evidence/sp-signing.der", Scope.SKIP),
    ],
)
def test_evidence_scope(name: str, scope: Scope) -> None:
    assert evidence_scope(name) is scope


def _instructions(text: str) -> str:
    return USERNAME + f"  instructions: {text}\n"


def holds(field: str, kind: str) -> str:
    return f"'{field}' holds what looks like {kind}"


BLOCK = "|\n    Open the admin console.\n    Token: qmk_test_9Qw2Er4Ty6Ui8Op0As2Df4Gh"
INSTRUCTIONS = "test_account.instructions"
# (id, old text of PINNED_SUBMISSION_YAML, new text, findings in submission.yaml): each finding
# points at the secret itself, or at the value when the secret is not written as is.
IN_YAML = [
    ("pair", USERNAME, _instructions("'Log in as isvtest@okta.com / Qu1llm@rk-2026!'"), [(18, 47, holds(INSTRUCTIONS, "a password after a user name"))]),
    ("block-scalar-line", USERNAME, _instructions(BLOCK), [(20, 12, holds(INSTRUCTIONS, "a live or test API key"))]),
    ("escaped", USERNAME, _instructions('"Key: qmk_live_4fT9\\x78Q2mB7vK1pL8sD3nR6wZ"'), [(18, 17, holds(INSTRUCTIONS, "a live or test API key"))]),
    ("name", "  name: Acme Notes\n", "  name: Acme Notes AKIAIOSFODNN7EXAMPLE\n", [(4, 20, holds("app.name", "an AWS access key"))]),
    ("flow-mapping", "{label: Subdomain,", "{label: 'Subdomain (password Winter2026!)',", [(10, 34, holds("tenant_settings[0].label", NAMED))]),
    ("url-field", "url: https://app", "url: https://isvtest:Winter2026@app", [(16, 24, holds("test_account.url", "a password in a URL"))]),
    ("clean", USERNAME, _instructions("Sign in as isvtest@okta.com; the password is sealed."), []),
    ("sealed", USERNAME, _instructions(f"'The SCIM token is sealed too: {SEALED}'"), []),
    ("url-query", "url: https://app.acme.example/login", "url: https://app.acme.example/login?state=hT8pQ2xZ7mN4vB9kL3sD6fG1jR5wY0cE", []),
    ("password-field-left-to-secret-sealed", f'password: "{SEALED}"', "password: Qu1llm@rk-2026!", []),
]  # fmt: skip


@pytest.mark.parametrize(
    ("old", "new", "expected"), [case[1:] for case in IN_YAML], ids=[case[0] for case in IN_YAML]
)
def test_findings_in_yaml(
    repo: ScratchRepo, old: str, new: str, expected: list[tuple[object, ...]]
) -> None:
    assert edited_findings(repo, RULE, old, new) == [(F, *e) for e in expected]


# test_scim's bearer scim.yaml with an OAuth client whose ID is the parameter.
SCIM_YAML = BEARER_SCIM.replace(
    "auth:\n  mode: bearer\n",
    """auth:
  mode: oauth2
  oauth2:
    authorize_endpoint: https://app.acme.example/oauth/authorize
    token_endpoint: https://app.acme.example/oauth/token
    client_id: {client_id}
    client_secret: "{sealed}"
""",
)
CLIENT_ID = "'auth.oauth2.client_id' holds what looks like a live or test API key"


@pytest.mark.parametrize(
    ("client_id", "expected"),
    [
        ("hT8pQ2xZ7mN4vB9kL3sD6fG1jR5wY0cE9aT3", []),  # random-looking IDs are fine
        ("qmk_live_4fT9xQ2mB7vK1pL8sD3nR6wZ", [(7, 16, CLIENT_ID)]),
    ],
)
def test_client_ids_are_scanned_for_token_formats_only(
    repo: ScratchRepo, client_id: str, expected: list[tuple[object, ...]]
) -> None:
    scim = SCIM_YAML.format(client_id=client_id, sealed=SEALED)
    found = rule_findings(repo, RULE, scim_yaml=scim)
    assert [(line, column, message) for _, line, column, message in found] == expected


EXPORT = json.dumps(
    {
        "run_id": "9b2f6c1e-4d3a-4f8e-a1b2-7c9d0e1f2a3b",
        "user_id": "00u8f3k2m9XyZ4bQ7d5e6h7j",
        "headers": {"Authorization": "Bearer <redacted>"},
        "results": [{"test": "list notes", "status": "passed"}],
    },
    indent=2,
)
JWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.c2ln"
EC_KEY = "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEE\n-----END EC PRIVATE KEY-----\n"


def line_of(name: str, line: int, kind: str) -> str:
    return f"line {line} of 'evidence/{name}' holds what looks like {kind}"


# (id, evidence files, findings: file, line, column, message)
IN_EVIDENCE = [
    ("clean", {"export.json": EXPORT}, []),
    ("jwt-in-header", {"export.json": EXPORT.replace("<redacted>", JWT)}, [("export.json", 5, 30, line_of("export.json", 5, "a JSON Web Token"))]),
    ("password-in-json", {"export.json": EXPORT.replace('"passed"', '"passed", "password": "Qu1llm@rk-2026!"')}, [("export.json", 10, 40, line_of("export.json", 10, NAMED))]),
    ("flopack", {"tests.flopack": '{"auth": {"apiKey": "hT8pQ2xZ7mN4vB9kL3sD6fG1jR5wY0cE9aT3"}}'}, [("tests.flopack", 1, 22, line_of("tests.flopack", 1, NAMED))]),
    ("private-key", {"key.pem": EC_KEY}, [("key.pem", 1, 1, line_of("key.pem", 1, "a private key"))]),
    ("binary-not-read", {"data.der": b"\x30\x82\x01\x0a PRIVATE KEY\x00"}, []),
]  # fmt: skip


@pytest.mark.parametrize(
    ("files", "expected"),
    [case[1:] for case in IN_EVIDENCE],
    ids=[case[0] for case in IN_EVIDENCE],
)
def test_evidence_files(
    repo: ScratchRepo, files: dict[str, str | bytes], expected: list[tuple[object, ...]]
) -> None:
    found = rule_findings(repo, RULE, **{f"evidence/{name}": data for name, data in files.items()})
    short = [
        (path.rsplit("/", 1)[1], line, column, message) for path, line, column, message in found
    ]
    assert short == expected


def test_certificates_are_public(repo: ScratchRepo) -> None:
    pem = (
        "-----BEGIN CERTIFICATE-----\n"
        "MIIB0zCCATygAwIBAgIIHyFO5+r7R1swDQYJKoZIhvcNAQELBQAwLDEqMCgGA1UE\n"
        "AwwhQWNtZSBOb3RlcyBTQU1MIHNpZ25pbmcgKFNIQS0yNTYpMB4XDTI1MDEwMTAw\n"
        "-----END CERTIFICATE-----\n"
    )
    xml = f"<md:X509Certificate>\n{pem.splitlines()[1]}\n</md:X509Certificate>"
    assert rule_findings(repo, RULE, **{"evidence/sp.pem": pem, "evidence/sp.xml": xml}) == []


def test_messages_and_help_never_hold_the_value(repo: ScratchRepo) -> None:
    secrets = ["Qu1llm@rk-2026!", "qmk_live_4fT9xQ2mB7vK1pL8sD3nR6wZ", "Winter2026"]
    text = f"'Log in as isvtest@okta.com / {secrets[0]} or {secrets[1]}, https://u:{secrets[2]}@a.example'"
    repo.add_submission(
        "acme-notes",
        submission_yaml=PINNED_SUBMISSION_YAML.replace(USERNAME, _instructions(text)),
    )
    mine = [d for d in repo.lint().diagnostics if d.rule == RULE]
    assert len(mine) == 3
    shown = repr([(d.message, d.help) for d in mine])
    for secret in secrets:
        assert secret[:6] not in shown
    assert "Rotate the credential" in mine[0].help and "oin-gitops seal" in mine[0].help


def test_detect_secrets_is_imported_only_when_the_rule_runs() -> None:
    code = "import sys, oin_gitops.cli, oin_gitops.rules; print('detect_secrets' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"
