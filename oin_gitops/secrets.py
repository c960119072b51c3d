"""Sealed values: PyNaCl sealed boxes to the reviewers' X25519 key, bound to the place they were
sealed for (the construction GitHub uses for Actions secrets, plus a binding).

The string form is ``sealed:v2:<key id>:<base64 box>``. The key id is the first 16 hex digits of
the SHA-256 of the raw public key, so a value sealed to another key is recognised without trying
to open it. The base64 is canonical: standard alphabet, ``=`` padding, and re-encoding the
decoded bytes gives back the same text.

The box's plaintext (v2) is UTF-8 JSON of exactly this shape, keys in this order, no spaces,
non-ASCII characters written as themselves (``json.dumps(..., ensure_ascii=False,
separators=(",", ":"))``)::

    {"slug":"acme-notes","field":"submission.yaml:test_account.password","value":"<secret>"}

``slug`` is the submission folder's name; ``field`` is the file name, a colon, and the field's
dotted path in that file. Only that exact byte string opens (decoding and re-encoding must give
it back), so a plaintext has one reading. A sealed box cannot be changed without the private
key, so the place travels with the secret: ``unseal`` refuses a value sealed for another slug or
another field, which is what a value copied from another ISV's submission is.

The retired form ``sealed:v1:`` held the bare secret, bound to nothing; it is refused everywhere.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from oin_gitops.submission import SLUG

if TYPE_CHECKING:
    from nacl.public import PrivateKey, PublicKey


def __getattr__(name: str) -> Any:
    """``PublicKey`` and ``PrivateKey`` from PyNaCl, imported when first used (lint only needs
    key ids, which are plain SHA-256)."""
    if name in ("PublicKey", "PrivateKey"):
        from nacl import public

        return getattr(public, name)
    raise AttributeError(name)


SEALED_PREFIX = "sealed:"  # any version: what is not plain text
PREFIX = "sealed:v2:"
RETIRED_PREFIX = "sealed:v1:"
FORM = re.compile(r"sealed:v2:(?P<key_id>[0-9a-f]{16}):(?P<box>[A-Za-z0-9+/]+={0,2})")
# crypto_box_SEALBYTES: the 32-byte ephemeral public key and the 16-byte MAC.
BOX_OVERHEAD = 48
# A field as the plaintext names it: printable ASCII only, since unseal prints it.
FIELD = re.compile(r"[a-z-]+\.yaml:[A-Za-z0-9_]+(?:\.[A-Za-z0-9_]+|\[[0-9]+\])*")
RESEAL = "ask the ISV to re-seal it with 'oin-gitops seal'"
RETIRED = (
    "the value uses the retired form sealed:v1, which is not bound to a submission and field; "
    + RESEAL
)


class SecretError(ValueError):
    """A key or sealed value that cannot be used; the message says why."""


@dataclass(frozen=True)
class Place:
    """Where a sealed value belongs: a submission's slug and ``FILE:dotted.path``."""

    slug: str
    field: str

    @classmethod
    def at(cls, slug: str, file_name: str, dotted: str) -> Place:
        return cls(slug, f"{file_name}:{dotted}")

    def __str__(self) -> str:
        return f"{self.slug}/{self.field}"


@dataclass(frozen=True)
class Sealed:
    key_id: str
    box: bytes


def b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def _b64(text: str, what: str) -> bytes:
    try:
        return base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise SecretError(f"the {what} is not valid base64") from exc


def decode_box(text: str) -> bytes | None:
    """The bytes of ``text`` if it is canonical base64 (it re-encodes to itself), else None."""
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return None
    return raw if b64(raw) == text else None


def _public_bytes(text: str) -> bytes:
    raw = _b64(text, "public key")
    if len(raw) != 32:
        raise SecretError(f"the public key is {len(raw)} bytes; an X25519 key is 32 bytes")
    return raw


def public_key(text: str) -> PublicKey:
    from nacl.public import PublicKey

    return PublicKey(_public_bytes(text))


def key_id_of(text: str) -> str:
    """The key id of a base64 public key, without loading the crypto library."""
    return hashlib.sha256(_public_bytes(text)).hexdigest()[:16]


def private_key(text: str) -> PrivateKey:
    from nacl.public import PrivateKey

    raw = _b64(text, "private key")
    if len(raw) != 32:
        raise SecretError(f"the private key is {len(raw)} bytes; an X25519 key is 32 bytes")
    return PrivateKey(raw)


def key_id(key: PublicKey) -> str:
    return hashlib.sha256(bytes(key)).hexdigest()[:16]


def is_sealed(value: object) -> bool:
    """Whether ``value`` claims to be sealed (any version); it may still be malformed."""
    return isinstance(value, str) and value.startswith(SEALED_PREFIX)


def is_retired(value: str) -> bool:
    return value.startswith(RETIRED_PREFIX)


def parse(value: str) -> Sealed:
    if is_retired(value):
        raise SecretError(RETIRED)
    match = FORM.fullmatch(value)
    if match is None:
        raise SecretError("the value is not of the form sealed:v2:<16 hex digits>:<base64>")
    box = decode_box(match["box"])
    if box is None:
        raise SecretError(f"the sealed box is not canonical base64; {RESEAL}")
    return Sealed(match["key_id"], box)


def _plaintext(place: Place, value: str, errors: str = "strict") -> bytes:
    document = {"slug": place.slug, "field": place.field, "value": value}
    text = json.dumps(document, ensure_ascii=False, separators=(",", ":"))
    return text.encode("utf-8", errors)


def encode_plaintext(place: Place, value: str) -> bytes:
    """The v2 plaintext of ``value`` sealed for ``place``."""
    if not value:
        raise SecretError("the value to seal is empty")
    try:
        return _plaintext(place, value)
    except UnicodeEncodeError:
        raise SecretError("the value to seal is not valid Unicode text") from None


def decode_plaintext(data: bytes) -> tuple[Place, str]:
    """The place and the secret of a v2 plaintext; SecretError if it is anything else."""
    try:
        document = json.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise SecretError(_damaged("its content is not UTF-8 text")) from None
    except (ValueError, RecursionError):
        raise SecretError(_damaged("its content is not the v2 structure")) from None
    if not isinstance(document, dict) or list(document) != ["slug", "field", "value"]:
        raise SecretError(_damaged("its content is not the v2 structure"))
    slug, field, value = document["slug"], document["field"], document["value"]
    if not all(isinstance(item, str) for item in (slug, field, value)):
        raise SecretError(_damaged("its content is not the v2 structure"))
    place = Place(slug, field)
    if not (SLUG.fullmatch(slug) and FIELD.fullmatch(field) and value):
        raise SecretError(_damaged("its content does not name a valid submission and field"))
    if _plaintext(place, value, "surrogatepass") != data:
        raise SecretError(_damaged("its content is not in the one v2 encoding"))
    return place, value


def _damaged(why: str) -> str:
    return f"the sealed value is damaged ({why}); {RESEAL}"


def min_box_length(place: Place) -> int:
    """The fewest bytes a box sealed for ``place`` can have: the overhead, and the plaintext
    with a one-character value."""
    return BOX_OVERHEAD + len(_plaintext(place, "x", "surrogatepass"))


def seal(value: str, key: PublicKey, place: Place) -> str:
    """``value`` sealed to ``key`` for ``place``, in the string form."""
    from nacl.public import SealedBox

    box = SealedBox(key).encrypt(encode_plaintext(place, value))
    return f"{PREFIX}{key_id(key)}:{b64(box)}"


def open_value(value: str, key: PrivateKey) -> tuple[Place, str]:
    """The place a sealed value was sealed for, and its secret; no check of the place."""
    from nacl.exceptions import CryptoError
    from nacl.public import SealedBox

    sealed = parse(value)
    if sealed.key_id != key_id(key.public_key):
        raise SecretError(
            f"the value is sealed to key {sealed.key_id}, not to this key ({key_id(key.public_key)})"
        )
    try:
        plaintext = SealedBox(key).decrypt(sealed.box)
    except CryptoError as exc:  # includes a box shorter than the overhead
        raise SecretError(f"the sealed box cannot be opened with this key; {RESEAL}") from exc
    return decode_plaintext(plaintext)


def unseal(value: str, key: PrivateKey, place: Place) -> str:
    """The secret of ``value``, which must have been sealed for ``place``."""
    bound, secret = open_value(value, key)
    if bound != place:
        raise SecretError(
            f"it was sealed for {bound}, not for {place} (a sealed value opens only where it was "
            "sealed, so a copied one is refused); ask the ISV to seal this field's own value with "
            "'oin-gitops seal'"
        )
    return secret
