"""Sealed values: the decided string form, key ids, and a round trip with the test key pair."""

from __future__ import annotations

import pytest

from oin_gitops import secrets
from tests.conftest import SEALED, TEST_PRIVATE_KEY, TEST_PUBLIC_KEY


def test_key_id_is_the_first_16_hex_digits_of_sha256_of_the_public_key() -> None:
    assert secrets.key_id(secrets.public_key(TEST_PUBLIC_KEY)) == "619208c973708b46"


def test_seal_then_unseal_round_trips() -> None:
    sealed = secrets.seal("päss wörd", secrets.public_key(TEST_PUBLIC_KEY))
    assert sealed.startswith("sealed:v1:619208c973708b46:")
    assert secrets.unseal(sealed, secrets.private_key(TEST_PRIVATE_KEY)) == "päss wörd"


def test_the_shared_fixture_value_opens_with_the_test_key() -> None:
    assert secrets.unseal(SEALED, secrets.private_key(TEST_PRIVATE_KEY)) == "test-password-1"


def test_a_value_sealed_to_another_key_is_refused_by_key_id() -> None:
    other = secrets.seal("x", secrets.public_key("47xJs9Oh+DkPgIfXZKSbPqIloEvDUVVE8mvz7Tbblhk="))
    with pytest.raises(
        secrets.SecretError, match="sealed to key 45352f54b2d3daf3, not to this key"
    ):
        secrets.unseal(other, secrets.private_key(TEST_PRIVATE_KEY))


@pytest.mark.parametrize("value", ["sealed:v1:zz:abc", "sealed:v2:619208c973708b46:abc=", "plain"])
def test_malformed_values_are_refused(value: str) -> None:
    with pytest.raises(secrets.SecretError, match="not of the form"):
        secrets.parse(value)


def test_a_short_key_is_refused() -> None:
    with pytest.raises(secrets.SecretError, match="is 3 bytes"):
        secrets.public_key("YWJj")
