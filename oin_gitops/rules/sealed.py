"""Secrets: values the schema marks ``x-oin-secret`` are sealed to this repository's key, and
no unsealed field holds something that looks like a credential.

Messages never repeat the value they are about: a pasted password must not travel on into CI
logs, job summaries or PR comments.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from oin_gitops import schemas, secrets
from oin_gitops.rules.base import Finding, Rule, submission_rule
from oin_gitops.rules.content import walk
from oin_gitops.schema_check import field_name, is_placeholder
from oin_gitops.submission import Submission
from oin_gitops.yamlio import Document, Pointer

SEAL_HELP = (
    "Seal it: oin-gitops seal {path} {field} (it prompts for the value and writes the sealed "
    "form in place)."
)

# What credentials look like, after gitleaks and detect-secrets; each named for the message.
CREDENTIAL_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("a private key", re.compile(r"-----BEGIN (?:[A-Z]+ )*PRIVATE KEY-----")),
    ("a bearer token", re.compile(r"\bBearer\s+[A-Za-z0-9._~+/=-]{16,}")),
    ("an Okta API token", re.compile(r"\bSSWS\s+[A-Za-z0-9_-]{20,}|\b00[A-Za-z0-9_-]{40}\b")),
    (
        "a JSON Web Token",
        re.compile(r"\beyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}"),
    ),
    ("a GitHub token", re.compile(r"\bgh[pousr]_[A-Za-z0-9]{30,}|\bgithub_pat_[A-Za-z0-9_]{30,}")),
    ("an AWS access key", re.compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b")),
    ("a Slack token", re.compile(r"\bxox[abposr]-[A-Za-z0-9-]{10,}")),
    ("a Stripe key", re.compile(r"\b[rs]k_live_[A-Za-z0-9]{16,}")),
    ("a password in a URL", re.compile(r"\b[a-z][a-z0-9+.-]*://[^\s:/@]+:[^\s@/]+@")),
    (
        "a password or key assignment",
        re.compile(
            r"\b(?:password|passwd|pwd|secret|client_secret|api[_-]?key|api[_-]?token|access[_-]?token)"
            r"\s*[=:]\s*['\"]?(?!sealed:)[^\s'\"]{4,}",
            re.IGNORECASE,
        ),
    ),
)


def _secret_values(document: Document, schema_name: str) -> Iterator[tuple[Pointer, Any]]:
    for marked in schemas.marked(schema_name, "x-oin-secret"):
        node: Any = document.data
        for part in marked:
            if not isinstance(node, dict) or part not in node:
                break
            node = node[part]
        else:
            yield marked, node


def _documents(submission: Submission) -> Iterator[tuple[str, Document]]:
    for name, document in submission.documents.items():
        yield schemas.FILE_SCHEMAS[name], document


@submission_rule(
    id="secret-sealed",
    summary="Secrets (passwords, client secrets, API tokens) are sealed to this repository's key.",
    guideline="TEST-02",
    help="Seal the value with 'oin-gitops seal FILE FIELD'; it uses the public_key in .oin-gitops.yaml.",
)
def secret_sealed(submission: Submission) -> Iterator[Finding]:
    """Fields marked ``x-oin-secret`` in the schemas hold ``sealed:v1:<key id>:<box>`` values
    that only the OIN reviewers can open. A plain-text value, a malformed one, or one sealed to
    another key is an error.

    Passes: ``password: "sealed:v1:45352f54b2d3daf3:mT7L..."`` (sealed to this repository's key).
    Fails: ``password: hunter2``, or a value sealed for key ``0123456789abcdef``.
    """
    expected = _repository_key_id(submission)
    for schema_name, document in _documents(submission):
        for pointer, value in _secret_values(document, schema_name):
            if not isinstance(value, str) or is_placeholder(value):
                continue
            problem = _sealed_problem(value, expected)
            if problem:
                line, column = document.position(pointer)
                name = field_name(pointer)
                yield Finding(
                    document.path,
                    f"'{name}' {problem}",
                    line,
                    column,
                    help=SEAL_HELP.format(path=document.path, field=name),
                )


def _repository_key_id(submission: Submission) -> str | None:
    key = submission.config.public_key
    try:
        return secrets.key_id_of(key) if key else None
    except secrets.SecretError:
        return None


def _sealed_problem(value: str, expected: str | None) -> str | None:
    if not secrets.is_sealed(value):
        return "is in plain text; secrets must be sealed"
    try:
        sealed = secrets.parse(value)
    except secrets.SecretError:
        return "is not a well-formed sealed value (sealed:v1:<16 hex digits>:<base64>)"
    if expected is not None and sealed.key_id != expected:
        return f"is sealed for key {sealed.key_id}, but this repository's key is {expected}"
    return None


@submission_rule(
    id="secret-in-plain-text",
    summary="No unsealed field holds something that looks like a credential.",
    guideline="TEST-02",
    help=(
        "Remove the credential from this field. Put test credentials in sealed fields "
        "(test_account.password, scim auth.api_token or auth.oauth2.client_secret) with "
        "'oin-gitops seal', and rotate the exposed credential: it is in the git history."
    ),
)
def secret_in_plain_text(submission: Submission) -> Iterator[Finding]:
    """Credentials pasted into instructions or descriptions would be published in git. Private
    keys, bearer tokens, Okta, GitHub, AWS, Slack and Stripe tokens, JSON Web Tokens,
    ``user:password@`` URLs and ``password=...`` assignments are refused in every field that is
    not sealed.

    Passes: ``instructions: The admin password is in test_account.password.``
    Fails: ``instructions: Use the token Bearer 6f1c0a9e2b7d4e5f8a3c``.
    """
    for schema_name, document in _documents(submission):
        sealed_fields = set(schemas.marked(schema_name, "x-oin-secret"))
        for pointer, value in walk(document.data):
            if not isinstance(value, str) or tuple(pointer) in sealed_fields:
                continue
            kind = looks_like_credential(value)
            if kind:
                line, column = document.position(pointer)
                yield Finding(
                    document.path,
                    f"'{field_name(pointer)}' contains what looks like {kind}",
                    line,
                    column,
                )


def looks_like_credential(text: str) -> str | None:
    """The kind of credential ``text`` seems to hold, or None."""
    for kind, pattern in CREDENTIAL_PATTERNS:
        if pattern.search(text):
            return kind
    return None


RULES: tuple[Rule, ...] = (secret_sealed, secret_in_plain_text)
