"""Sealed values: PyNaCl sealed boxes to the reviewers' X25519 key, in the form
``sealed:v1:<key id>:<base64 box>`` (the construction GitHub uses for Actions secrets).

The key id is the first 16 hex digits of the SHA-256 of the raw public key, so a value sealed to
another key is recognised without trying to open it.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from nacl.public import PrivateKey, PublicKey


def __getattr__(name: str) -> Any:
    """``PublicKey`` and ``PrivateKey`` from PyNaCl, imported when first used (lint only needs
    key ids, which are plain SHA-256)."""
    if name in ("PublicKey", "PrivateKey"):
        from nacl import public

        return getattr(public, name)
    raise AttributeError(name)


PREFIX = "sealed:v1:"
SEALED = re.compile(r"sealed:v1:(?P<key_id>[0-9a-f]{16}):(?P<box>[A-Za-z0-9+/]+={0,2})")


class SecretError(ValueError):
    """A key or sealed value that cannot be used; the message says why."""


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
    return isinstance(value, str) and value.startswith(PREFIX)


def parse(value: str) -> Sealed:
    match = SEALED.fullmatch(value)
    if match is None:
        raise SecretError("the value is not of the form sealed:v1:<16 hex digits>:<base64>")
    return Sealed(match["key_id"], _b64(match["box"], "sealed box"))


def seal(plaintext: str, key: PublicKey) -> str:
    from nacl.public import SealedBox

    box = SealedBox(key).encrypt(plaintext.encode("utf-8"))
    return f"{PREFIX}{key_id(key)}:{b64(box)}"


def unseal(value: str, key: PrivateKey) -> str:
    from nacl.exceptions import CryptoError
    from nacl.public import SealedBox

    sealed = parse(value)
    if sealed.key_id != key_id(key.public_key):
        raise SecretError(
            f"the value is sealed to key {sealed.key_id}, not to this key ({key_id(key.public_key)})"
        )
    try:
        return SealedBox(key).decrypt(sealed.box).decode("utf-8")
    except CryptoError as exc:
        raise SecretError("the sealed box cannot be opened with this key") from exc
