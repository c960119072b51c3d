"""Secrets: values the schema marks ``x-oin-secret`` are sealed to this repository's key, and
no unsealed field holds something that looks like a credential.

Messages never repeat the value they are about: a pasted password must not travel on into CI
logs, job summaries or PR comments.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from oin_gitops import schemas, secrets
from oin_gitops.rules.base import Finding, Rule, submission_rule
from oin_gitops.schema_check import field_name, is_placeholder
from oin_gitops.submission import Submission
from oin_gitops.yamlio import Document, Pointer

SEAL_HELP = (
    "Seal it: oin-gitops seal {path} {field} (it prompts for the value and writes the sealed "
    "form in place)."
)
RESEAL_HELP = (
    "Re-seal it: oin-gitops seal {path} {field} (it prompts for the value and writes a new "
    "sealed value in place). Never edit a sealed value by hand, and never copy one from "
    "another submission or field: it opens only where it was sealed."
)
PLAIN = "is in plain text; secrets must be sealed"


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
    help=(
        "Seal the value with 'oin-gitops seal FILE FIELD' in its own submission folder; it uses "
        "the public_key in .oin-gitops.yaml. Never edit or copy a sealed value by hand."
    ),
)
def secret_sealed(submission: Submission) -> Iterator[Finding]:
    """Fields marked ``x-oin-secret`` in the schemas hold ``sealed:v2:<key id>:<box>`` values
    that only the OIN reviewers can open. The box binds the secret to the submission and field
    it was sealed for, and ``oin-gitops unseal`` refuses it anywhere else, so a value copied
    from another submission is useless. Without the private key, lint checks all it can: a
    plain-text value, a malformed one, one sealed to another key, a box that is not canonical
    base64 (standard alphabet, ``=`` padding, re-encoding gives the same text), and a box too
    short to hold a value sealed for this field (48 bytes of sealed-box overhead plus the
    plaintext naming this slug and field) are errors. A sealed value is never edited by hand:
    re-seal it with ``oin-gitops seal``.

    The retired form ``sealed:v1:`` is refused too: its box holds the bare secret, bound to
    nothing, so a v1 value copied from another ISV's submission would lint clean and unseal as
    that ISV's secret, the very attack v2 closes. Accepting v1 anywhere would keep it open; the
    ISV re-seals with ``oin-gitops seal``, which writes v2.

    Passes: ``password: "sealed:v2:45352f54b2d3daf3:Bq2J..."`` (sealed with ``oin-gitops seal``
    in this folder, to this repository's key).
    Fails: ``password: hunter2``; ``password: "sealed:v1:45352f54b2d3daf3:mT7L..."``; a value
    sealed for key ``0123456789abcdef``; ``password: "sealed:v2:45352f54b2d3daf3:AA=="``.
    """
    expected = _repository_key_id(submission)
    for file_name, document in submission.documents.items():
        for pointer, value in _secret_values(document, schemas.FILE_SCHEMAS[file_name]):
            if not isinstance(value, str) or is_placeholder(value):
                continue
            name = field_name(pointer)
            place = secrets.Place.at(submission.slug, file_name, name)
            problem = _sealed_problem(value, expected, place)
            if problem:
                line, column = document.position(pointer)
                template = SEAL_HELP if problem == PLAIN else RESEAL_HELP
                yield Finding(
                    document.path,
                    f"'{name}' {problem}",
                    line,
                    column,
                    help=template.format(path=document.path, field=name),
                )


def _repository_key_id(submission: Submission) -> str | None:
    key = submission.config.public_key
    try:
        return secrets.key_id_of(key) if key else None
    except secrets.SecretError:
        return None


def _sealed_problem(value: str, expected: str | None, place: secrets.Place) -> str | None:
    """What is wrong with ``value`` as a sealed value for ``place`` (never the value itself)."""
    if not secrets.is_sealed(value):
        return PLAIN
    if secrets.is_retired(value):
        return (
            "uses the retired form sealed:v1, which is not bound to its submission and field; "
            "re-seal it with oin-gitops seal"
        )
    match = secrets.FORM.fullmatch(value)
    if match is None:
        return "is not a well-formed sealed value (sealed:v2:<16 hex digits>:<base64>)"
    if expected is not None and match["key_id"] != expected:
        return f"is sealed for key {match['key_id']}, but this repository's key is {expected}"
    box = secrets.decode_box(match["box"])
    if box is None:
        return "holds a sealed box that is not canonical base64"
    minimum = secrets.min_box_length(place)
    if len(box) < minimum:
        size = f"{len(box)} byte" + ("" if len(box) == 1 else "s")
        return (
            f"holds a sealed box too short to open ({size}; one sealed for this field "
            f"has at least {minimum} bytes)"
        )
    return None


RULES: tuple[Rule, ...] = (secret_sealed,)
