"""Rule secret-in-plain-text: no credential in any text of a submission, in a YAML value or an
evidence file. The repository is public and git keeps every pushed commit, so a password typed
into the test instructions or a token left in a test export is published for good.

``rules.credentials`` finds the credentials; this module decides what to scan, from the
schemas: a sealed value and an ``x-oin-secret``, ``enum``, ``const`` or e-mail field are never
scanned, and a field whose ``pattern`` refuses spaces (URLs, client IDs, names of things) is
scanned for the token formats only, never for entropy or passwords in prose.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator
from typing import Any

from oin_gitops import schemas, secrets
from oin_gitops.rules.base import Finding, Rule, submission_rule
from oin_gitops.rules.content import walk
from oin_gitops.rules.credentials import Scope, mask, scanner
from oin_gitops.rules.evidence import EVIDENCE_LIMIT
from oin_gitops.rules.structure import LOGO
from oin_gitops.schema_check import field_name
from oin_gitops.sources import Kind
from oin_gitops.submission import EVIDENCE, Submission
from oin_gitops.yamlio import Document, Pointer, YamlProblem, decode, scalar_span

PROBE = "two words"  # free text, which every free-text pattern of the schemas accepts
SKIPPED_FORMATS = ("email", "idn-email", "date", "date-time")
URI_FORMATS = ("uri", "iri", "uri-reference")
# Certificates are public, in PEM files and in SP metadata: only what is outside them is read.
CERTIFICATE = re.compile(
    r"-----BEGIN CERTIFICATE-----.*?-----END CERTIFICATE-----"
    r"|<(?:[\w.-]+:)?X509Certificate\b[^>]*>.*?</(?:[\w.-]+:)?X509Certificate>",
    re.DOTALL,
)
TEXT_EVIDENCE = (".json", ".flopack", ".folder")  # test exports
PUBLIC_EVIDENCE = (".xml", ".pem", ".crt", ".cer")  # certificates and SP metadata

HELP = (
    "Rotate the credential (change the password, revoke the token, replace the key): git keeps "
    "every pushed commit, so deleting the text does not take it back. Then remove it from the "
    "text; if the reviewers need it, put the new value in a sealed field with 'oin-gitops seal "
    "FILE FIELD' (test_account.password; in scim.yaml auth.api_token or "
    "auth.oauth2.client_secret)."
)


@submission_rule(
    id="secret-in-plain-text",
    summary="No text of a submission, YAML value or evidence file, holds a credential.",
    guideline="TEST-02",
    help=HELP,
)
def secret_in_plain_text(submission: Submission) -> Iterator[Finding]:
    """Every string value of every YAML file and every text evidence file is scanned for
    credentials with detect-secrets (private keys, AWS, GitHub, GitLab, Slack, Stripe and
    other tokens, JSON Web Tokens, ``user:password@`` URLs, ``password: ...`` and
    ``api_key=...`` assignments, random-looking strings) and with OIN's own detectors: a
    password typed after a user name or the word "password", API keys such as
    ``<word>_live_...`` or ``<word>_test_...``, Okta API tokens, and the value of an
    Authorization header (Bearer, SSWS, Basic).

    Sealed values are not scanned, nor are ``x-oin-secret`` fields (``secret-sealed`` checks
    them), ``enum``, ``const`` and e-mail fields. Fields whose schema pattern allows no spaces
    (URLs, client IDs, file names) are scanned for the token formats only, so a random-looking
    ID or a URL with a query string passes, and ``https://user:password@host`` does not.
    Certificates (``.pem``, ``.crt``, ``.cer``, and the certificate in SP metadata) are public;
    a private key anywhere is a leak. Keys are scanned for the token formats, comments and
    any other file of the folder (a misnamed ``saml.yml``, a ``notes.txt``) as free text: a
    commented-out password is as public as a value. The message names the field, or the file
    and line, and the kind of credential, never the value. The rule cannot be waived: once pushed,
    the credential is public, and the only fix is to remove it and rotate it.

    Passes: ``instructions: Sign in as isvtest@okta.com; the password is in
    test_account.password.``; ``url: https://app.acme.example/login?next=%2Fadmin``.
    Fails: ``instructions: "Log in as isvtest@okta.com / Qu1llm@rk-2026!"``;
    ``description: Call the API with qmk_live_4fT9xQ2mB7vK1pL8sD3nR6wZ`` (or that token in
    ``evidence/export.json``); ``https://isvtest:Winter2026@app.acme.example``; a
    ``-----BEGIN PRIVATE KEY-----`` block.
    """
    for name, document in submission.documents.items():
        yield from _document_findings(submission, name, document)
        yield from _comment_findings(submission, name)
    yield from _text_findings(submission, submission.readable_evidence, evidence_scope)
    yield from _text_findings(submission, _other_files(submission), lambda _: Scope.TEXT)


# -- what to scan, from the schemas ---------------------------------------------------------------


def _scope_of(node: dict[str, Any]) -> Scope:
    """A field's scope: sealed, enum, const and e-mail fields hold no secret of their own; a
    pattern that refuses spaces makes the value one token (a URL, an ID, a file name)."""
    if node.get("x-oin-secret") or "enum" in node or "const" in node:
        return Scope.SKIP
    if node.get("format") in SKIPPED_FORMATS:
        return Scope.SKIP
    pattern = node.get("pattern")
    if isinstance(pattern, str) and not re.search(pattern, PROBE):
        return Scope.FORMATS
    return Scope.FORMATS if node.get("format") in URI_FORMATS else Scope.TEXT


@functools.cache
def scopes(schema_name: str) -> dict[tuple[str, ...], Scope]:
    """The scope of every property of a schema; ``*`` stands for any item of a list."""
    found: dict[tuple[str, ...], Scope] = {}
    stack: list[tuple[tuple[str, ...], dict[str, Any]]] = [((), schemas.load(schema_name))]
    while stack:
        pointer, node = stack.pop()
        node = schemas.resolve(node, schema_name)
        if pointer:
            found[pointer] = _scope_of(node)
        for prop, sub in (node.get("properties") or {}).items():
            if isinstance(sub, dict):
                stack.append(((*pointer, prop), sub))
        if isinstance(node.get("items"), dict):
            stack.append(((*pointer, "*"), node["items"]))
    return found


@functools.lru_cache(maxsize=4096)
def scope_at(schema_name: str, pointer: tuple[str | int, ...]) -> Scope:
    """The scope of the value at ``pointer``; a key the schema does not know is free text."""
    shape = tuple("*" if isinstance(part, int) else str(part) for part in pointer)
    return scopes(schema_name).get(shape, Scope.TEXT)


def evidence_scope(name: str) -> Scope:
    """Test exports are text; certificates and SP metadata are public, but for a key in them."""
    lower = name.lower()
    if lower.endswith(TEXT_EVIDENCE):
        return Scope.TEXT
    return Scope.FORMATS if lower.endswith(PUBLIC_EVIDENCE) else Scope.SKIP  # .der is binary


# -- YAML values ----------------------------------------------------------------------------------


def _document_findings(submission: Submission, name: str, document: Document) -> Iterator[Finding]:
    schema_name = schemas.FILE_SCHEMAS[name]
    source = _Source(submission, name)
    for pointer, value in walk(document.data):
        if isinstance(value, dict):
            yield from _key_findings(document, pointer, value)
        if not isinstance(value, str) or len(value) < 8 or secrets.is_sealed(value):
            continue
        for hit in scanner().scan(value, scope_at(schema_name, tuple(pointer))):
            line, column = source.position(document, pointer, value[hit.start : hit.end])
            message = f"'{field_name(pointer)}' holds what looks like {hit.kind}"
            yield Finding(document.path, message, line, column)


def _key_findings(
    document: Document, pointer: Pointer, mapping: dict[Any, Any]
) -> Iterator[Finding]:
    """Keys are single tokens: a credential pasted as a key is found by its format."""
    for key in mapping:
        if isinstance(key, str) and len(key) >= 8:
            for hit in scanner().scan(key, Scope.FORMATS):
                line, column = document.position((*pointer, key), key=True)
                where = f"a key in '{field_name(pointer)}'" if pointer else "a key of the file"
                yield Finding(
                    document.path, f"{where} holds what looks like {hit.kind}", line, column
                )


# A comment in one line: '#' at its start or after a blank, outside quotes.
_COMMENT = re.compile(r"""(?:[^'"#]|"(?:[^"\\]|\\.)*"|'(?:[^']|'')*')*?(?:^|(?<=[ \t]))#(.*)""")


def _comment_findings(submission: Submission, name: str) -> Iterator[Finding]:
    """Credentials in YAML comments: git keeps them as surely as values."""
    text = _Source(submission, name).text()
    if "#" not in text:
        return
    offset = 0
    for line in text.split("\n"):
        match = _COMMENT.match(line) if "#" in line else None
        if match:
            for hit in scanner().scan(match.group(1), Scope.TEXT):
                line_no, column = line_column(text, offset + match.start(1) + hit.start)
                message = (
                    f"a comment on line {line_no} of '{name}' holds what looks like {hit.kind}"
                )
                yield Finding(submission.path(name), message, line_no, column)
        offset += len(line) + 1


class _Source:
    """A YAML file's text, read only when a finding needs a position inside a value."""

    def __init__(self, submission: Submission, name: str) -> None:
        self.submission, self.name = submission, name
        self._text: str | None = None

    def text(self) -> str:
        if self._text is None:
            document = self.submission.documents.get(self.name)
            self._text = document.text if document is not None else ""
        if not self._text:
            try:
                self._text = decode(self.submission.read(self.name))
            except (OSError, YamlProblem):
                self._text = ""
        return self._text

    def position(self, document: Document, pointer: Pointer, secret: str) -> tuple[int, int]:
        """Where ``secret`` is written inside the value at ``pointer`` (a block scalar spans
        lines), or the value's own position when it is not written as is (escapes, folding)."""
        text = self.text()
        span = scalar_span(text, pointer) if text else None
        found = text.find(secret, *span) if span else -1
        return line_column(text, found) if found >= 0 else document.position(pointer)


def line_column(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of ``offset`` in ``text``."""
    return text.count("\n", 0, offset) + 1, offset - text.rfind("\n", 0, offset)


# -- evidence files -------------------------------------------------------------------------------


def _other_files(submission: Submission) -> list[str]:
    """Regular files that are neither a known YAML file, a logo nor evidence (the
    ``unexpected-file`` rule reports them; their text is public all the same)."""
    return [
        name
        for name, kind in submission.entries.items()
        if kind is Kind.FILE
        and name not in schemas.FILE_SCHEMAS
        and not name.startswith(EVIDENCE + "/")
        and not LOGO.fullmatch(name)
    ]


def _text_findings(
    submission: Submission, names: list[str], scope_of: Callable[[str], Scope]
) -> Iterator[Finding]:
    """Findings in text files: the evidence the evidence rules read (the limit's excess is
    theirs to report), and any other file of the folder."""
    for name in names:
        scope = scope_of(name)
        text = _evidence_text(submission, name) if scope is not Scope.SKIP else None
        if not text:
            continue
        for hit in scanner().scan(mask(text, CERTIFICATE), scope):
            line, column = line_column(text, hit.start)
            message = f"line {line} of '{name}' holds what looks like {hit.kind}"
            yield Finding(submission.path(name), message, line, column)


def _evidence_text(submission: Submission, name: str) -> str | None:
    """The UTF-8 text of an evidence file; None when it is binary, too large or unreadable
    (the evidence rules report those)."""
    try:
        if submission.size(name) > EVIDENCE_LIMIT:
            return None
        data = submission.read(name)
        return None if b"\0" in data else data.decode("utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return None


RULES: tuple[Rule, ...] = (secret_in_plain_text,)
