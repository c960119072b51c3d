"""Rule secret-sealed: one line per case (secret-in-plain-text: tests/rules/test_secret_text.py)."""

from __future__ import annotations

import pytest

from oin_gitops import secrets
from oin_gitops.rules.credentials import Scope, scanner
from tests.conftest import SEALED, SUBMISSION_YAML, ScratchRepo, brief

F = "submissions/acme-notes/submission.yaml"
OTHER_KEY = "47xJs9Oh+DkPgIfXZKSbPqIloEvDUVVE8mvz7Tbblhk="
HERE = secrets.Place("acme-notes", "submission.yaml:test_account.password")


def _with_password(value: str) -> str:
    return SUBMISSION_YAML.format(name="Acme Notes", sealed=SEALED).replace(f'"{SEALED}"', value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (f'"{SEALED}"', []),
        (
            "hunter2",
            [
                (
                    F,
                    "secret-sealed",
                    16,
                    13,
                    "'test_account.password' is in plain text; secrets must be sealed",
                )
            ],
        ),
        (
            '"sealed:v2:619208c973708b46:not base64!"',
            [
                (
                    F,
                    "secret-sealed",
                    16,
                    13,
                    "'test_account.password' is not a well-formed sealed value (sealed:v2:<16 hex digits>:<base64>)",
                )
            ],
        ),
        (
            '"' + SEALED.replace("sealed:v2:", "sealed:v1:") + '"',
            [
                (
                    F,
                    "secret-sealed",
                    16,
                    13,
                    "'test_account.password' uses the retired form sealed:v1, which is not bound "
                    "to its submission and field; re-seal it with oin-gitops seal",
                )
            ],
        ),
        (
            '"sealed:v2:619208c973708b46:AA=="',
            [
                (
                    F,
                    "secret-sealed",
                    16,
                    13,
                    "'test_account.password' holds a sealed box too short to open (1 byte; one "
                    "sealed for this field has at least 129 bytes)",
                )
            ],
        ),
        (
            f'"{SEALED[:-2]}d="',
            [
                (
                    F,
                    "secret-sealed",
                    16,
                    13,
                    "'test_account.password' holds a sealed box that is not canonical base64",
                )
            ],
        ),
        (
            f'"{SEALED[:-1]}"',
            [
                (
                    F,
                    "secret-sealed",
                    16,
                    13,
                    "'test_account.password' holds a sealed box that is not canonical base64",
                )
            ],
        ),
        (
            f'"{secrets.seal("x", secrets.public_key(OTHER_KEY), HERE)}"',
            [
                (
                    F,
                    "secret-sealed",
                    16,
                    13,
                    "'test_account.password' is sealed for key 45352f54b2d3daf3, but this repository's key is 619208c973708b46",
                )
            ],
        ),
        (
            "TODO",
            [
                (
                    F,
                    "placeholder",
                    16,
                    13,
                    "'test_account.password' still holds a placeholder; the value of a private "
                    "field is not shown",
                )
            ],
        ),
        (
            "12345",
            [(F, "schema", 16, 13, "'test_account.password' must be text, not a whole number")],
        ),
        (
            "12345.678",
            [(F, "schema", 16, 13, "'test_account.password' must be text, not a decimal number")],
        ),
    ],
    ids=[
        "sealed",
        "plain",
        "malformed",
        "v1",
        "too-short",
        "non-canonical-bits",
        "unpadded",
        "other-key",
        "placeholder",
        "number",
        "decimal-not-shown",
    ],
)
def test_secret_sealed(repo: ScratchRepo, value: str, expected: list[tuple[object, ...]]) -> None:
    repo.add_submission("acme-notes", submission_yaml=_with_password(value))
    found = brief(repo.lint())
    assert found == expected
    assert "hunter2" not in repr(repo.lint())


def test_plain_secret_help_says_how_to_seal(repo: ScratchRepo) -> None:
    repo.add_submission("acme-notes", submission_yaml=_with_password("hunter2"))
    (diagnostic,) = repo.lint().diagnostics
    assert diagnostic.help == (
        "Seal it: oin-gitops seal submissions/acme-notes/submission.yaml test_account.password "
        "(it prompts for the value and writes the sealed form in place)."
    )


def test_a_damaged_sealed_value_help_says_to_re_seal_never_to_edit(repo: ScratchRepo) -> None:
    repo.add_submission(
        "acme-notes", submission_yaml=_with_password('"sealed:v2:619208c973708b46:AA=="')
    )
    (diagnostic,) = repo.lint().diagnostics
    assert diagnostic.help == (
        "Re-seal it: oin-gitops seal submissions/acme-notes/submission.yaml "
        "test_account.password (it prompts for the value and writes a new sealed value in "
        "place). Never edit a sealed value by hand, and never copy one from another submission "
        "or field: it opens only where it was sealed."
    )


SCIM = """\
# yaml-language-server: $schema=../../schemas/scim.schema.json
auth:
  mode: bearer
  api_token: {token}
base_url: https://api.acme.example/scim/v2
objects: [users]
user_operations: [read]
config_guide_url: https://acme.example/docs/scim
tests:
  runscope_spec_url: https://www.runscope.com/radar/a/b/history/c
  runscope_crud_url: https://www.runscope.com/radar/a/b/history/d
  manual_test_plan_passed: true
"""


def test_scim_api_token_must_be_sealed_too(repo: ScratchRepo) -> None:
    repo.add_submission("acme-notes", scim_yaml=SCIM.format(token="abc123token"))
    found = [d for d in brief(repo.lint()) if d[1] == "secret-sealed"]
    assert found == [
        (
            "submissions/acme-notes/scim.yaml",
            "secret-sealed",
            4,
            14,
            "'auth.api_token' is in plain text; secrets must be sealed",
        )
    ]


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("The admin password is in test_account.password.", None),
        ("Create a SCIM token under Settings > API tokens.", None),
        ("Use the header Authorization: Bearer 6f1c0a9e2b7d4e5f8a3c", "a bearer token"),
        ("-----BEGIN RSA PRIVATE KEY-----", "a private key"),
        ("-----BEGIN OPENSSH PRIVATE KEY-----", "a private key"),
        ("-----BEGIN CERTIFICATE-----", None),
        ("Authorization: SSWS 00abcdefghijklmnopqrstuvwxyzABCDEFGHIJ0123", "an Okta API token"),
        ("token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.abcdefghijklmnop", "a JSON Web Token"),
        ("ghp_abcdefghijklmnopqrstuvwxyzABCDEFGHIJ12", "a GitHub token"),
        ("AKIAIOSFODNN7EXAMPLE", "an AWS access key"),
        ("xoxb-123456789012-abcdefghij", "a Slack token"),
        ("sk_live_abcdefghijklmnop1234", "a Stripe key"),
        ("Sign in at https://isvtest:hunter2@app.acme.example/login", "a password in a URL"),
        ("password=hunter2hunter", "a password or key assignment"),
        ("Password: Winter2026!", "a password or key assignment"),
        ("api_key = 9f8e7d6c5b4a39281706", "a password or key assignment"),
        ("client_secret: sealed:v1:619208c973708b46:abcd", None),
        ("password: see the sealed field", None),
    ],
)
def test_the_scanner_catches_what_the_old_patterns_caught(text: str, kind: str | None) -> None:
    """The hand-written patterns this rule had before detect-secrets, kept as a floor."""
    found = scanner().scan(text, Scope.TEXT)
    assert bool(found) == (kind is not None), found


def test_secret_in_plain_text_reports_the_field_without_the_value(repo: ScratchRepo) -> None:
    text = _with_password(f'"{SEALED}"').replace(
        "  username: isvtest@okta.com\n",
        "  username: isvtest@okta.com\n  instructions: 'Use Bearer 6f1c0a9e2b7d4e5f8a3c9d'\n",
    )
    repo.add_submission("acme-notes", submission_yaml=text)
    found = brief(repo.lint())
    assert found == [
        (
            F,
            "secret-in-plain-text",
            16,
            29,
            "'test_account.instructions' holds what looks like a token in an Authorization header",
        )
    ]
    assert "6f1c0a9e" not in repr(repo.lint())
