"""Sealed values: the decided string form, the v2 plaintext that binds a secret to its place,
key ids, and round trips with the test key pair."""

from __future__ import annotations

import pytest
from nacl.public import SealedBox

from oin_gitops import secrets
from tests.conftest import SEALED, SEALED_VALUE, TEST_PRIVATE_KEY, TEST_PUBLIC_KEY

HERE = secrets.Place("acme-notes", "submission.yaml:test_account.password")
OTHER_KEY = "47xJs9Oh+DkPgIfXZKSbPqIloEvDUVVE8mvz7Tbblhk="
RESEAL = "ask the ISV to re-seal it with 'oin-gitops seal'"


def _public() -> secrets.PublicKey:
    return secrets.public_key(TEST_PUBLIC_KEY)


def _private() -> secrets.PrivateKey:
    return secrets.private_key(TEST_PRIVATE_KEY)


def _raw(plaintext: bytes) -> str:
    """``plaintext`` sealed as it is, in the v2 string form: what a hand-made value could hold."""
    return f"sealed:v2:619208c973708b46:{secrets.b64(SealedBox(_public()).encrypt(plaintext))}"


def test_key_id_is_the_first_16_hex_digits_of_sha256_of_the_public_key() -> None:
    assert secrets.key_id(secrets.public_key(TEST_PUBLIC_KEY)) == "619208c973708b46"


def test_the_plaintext_is_one_compact_json_object_in_a_fixed_key_order() -> None:
    assert (
        secrets.encode_plaintext(HERE, "päss")
        == (
            '{"slug":"acme-notes","field":"submission.yaml:test_account.password","value":"päss"}'
        ).encode()
    )
    assert secrets.decode_plaintext(secrets.encode_plaintext(HERE, 'a"\\\n')) == (HERE, 'a"\\\n')


@pytest.mark.parametrize(
    "field",
    [
        "submission.yaml:test_account.password",
        "scim.yaml:auth.api_token",
        "scim.yaml:auth.oauth2.client_secret",
    ],
)
def test_seal_then_unseal_round_trips_for_each_secret_field(field: str) -> None:
    place = secrets.Place("acme-notes", field)
    sealed = secrets.seal("päss wörd", _public(), place)
    assert sealed.startswith("sealed:v2:619208c973708b46:")
    assert len(secrets.parse(sealed).box) >= secrets.min_box_length(place)
    assert secrets.unseal(sealed, _private(), place) == "päss wörd"


def test_the_shared_fixture_value_opens_with_the_test_key() -> None:
    assert secrets.unseal(SEALED, _private(), HERE) == SEALED_VALUE


@pytest.mark.parametrize(
    ("place", "message"),
    [
        (
            secrets.Place("other-app", "submission.yaml:test_account.password"),
            "it was sealed for acme-notes/submission.yaml:test_account.password, "
            "not for other-app/submission.yaml:test_account.password",
        ),
        (
            secrets.Place("acme-notes", "scim.yaml:auth.api_token"),
            "it was sealed for acme-notes/submission.yaml:test_account.password, "
            "not for acme-notes/scim.yaml:auth.api_token",
        ),
    ],
    ids=["other-slug", "other-field"],
)
def test_a_value_is_refused_anywhere_but_its_place(place: secrets.Place, message: str) -> None:
    with pytest.raises(secrets.SecretError) as error:
        secrets.unseal(SEALED, _private(), place)
    assert str(error.value) == (
        f"{message} (a sealed value opens only where it was sealed, so a copied one is "
        "refused); ask the ISV to seal this field's own value with 'oin-gitops seal'"
    )


def test_a_value_sealed_to_another_key_is_refused_by_key_id() -> None:
    other = secrets.seal("x", secrets.public_key(OTHER_KEY), HERE)
    with pytest.raises(
        secrets.SecretError, match="sealed to key 45352f54b2d3daf3, not to this key"
    ):
        secrets.unseal(other, _private(), HERE)


def test_a_retired_v1_value_is_refused() -> None:
    v1 = "sealed:v1:619208c973708b46:" + secrets.parse(SEALED).box.hex()
    with pytest.raises(secrets.SecretError) as error:
        secrets.unseal(v1, _private(), HERE)
    assert str(error.value) == (
        "the value uses the retired form sealed:v1, which is not bound to a submission and "
        f"field; {RESEAL}"
    )


@pytest.mark.parametrize(
    ("plaintext", "why"),
    [
        (b"\xff\xfe not utf-8", "its content is not UTF-8 text"),
        (b"Winter2026!", "its content is not the v2 structure"),
        (b"[" * 5000, "its content is not the v2 structure"),
        (b'{"slug":"acme-notes","value":"x"}', "its content is not the v2 structure"),
        (
            b'{"field":"submission.yaml:test_account.password","slug":"acme-notes","value":"x"}',
            "its content is not the v2 structure",
        ),
        (
            b'{"slug":"acme-notes","field":"submission.yaml:test_account.password","value":7}',
            "its content is not the v2 structure",
        ),
        (
            b'{"slug":"\\u001b[2J","field":"submission.yaml:test_account.password","value":"x"}',
            "its content does not name a valid submission and field",
        ),
        (
            b'{"slug":"acme-notes","field":"submission.yaml:test_account.password","value":""}',
            "its content does not name a valid submission and field",
        ),
        (
            b'{"slug": "acme-notes","field":"submission.yaml:test_account.password","value":"x"}',
            "its content is not in the one v2 encoding",
        ),
        (
            b'{"slug":"acme-notes","field":"submission.yaml:test_account.password","value":"\\u00e9"}',
            "its content is not in the one v2 encoding",
        ),
        (
            b'{"slug":"acme-notes","field":"submission.yaml:test_account.password","value":"\\ud800"}',
            "its content is not in the one v2 encoding",
        ),
    ],
    ids=[
        "not-utf8",
        "bare-secret",
        "deep",
        "missing-key",
        "key-order",
        "not-text",
        "control-characters",
        "empty-value",
        "spaces",
        "escaped",
        "lone-surrogate",
    ],
)
def test_a_plaintext_that_is_not_v2_is_damaged_not_a_crash(plaintext: bytes, why: str) -> None:
    with pytest.raises(secrets.SecretError) as error:
        secrets.unseal(_raw(plaintext), _private(), HERE)
    assert str(error.value) == f"the sealed value is damaged ({why}); {RESEAL}"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("sealed:v1:zz:abc", "retired form sealed:v1"),
        ("sealed:v2:zz:abc=", "not of the form sealed:v2:<16 hex digits>:<base64>"),
        ("sealed:v3:619208c973708b46:AAAA", "not of the form"),
        ("plain", "not of the form"),
        ("sealed:v2:619208c973708b46:AB==", "not canonical base64"),
        ("sealed:v2:619208c973708b46:AAA", "not canonical base64"),
    ],
)
def test_malformed_values_are_refused(value: str, message: str) -> None:
    with pytest.raises(secrets.SecretError, match=message):
        secrets.parse(value)


def test_a_box_shorter_than_the_overhead_cannot_be_opened() -> None:
    with pytest.raises(secrets.SecretError, match="cannot be opened with this key"):
        secrets.unseal("sealed:v2:619208c973708b46:AA==", _private(), HERE)


def test_the_minimum_box_is_the_overhead_and_the_plaintext_of_a_one_character_value() -> None:
    assert secrets.min_box_length(HERE) == 48 + len(secrets.encode_plaintext(HERE, "x")) == 129


def test_seal_refuses_what_has_no_plaintext() -> None:
    with pytest.raises(secrets.SecretError, match="the value to seal is empty"):
        secrets.seal("", _public(), HERE)
    with pytest.raises(secrets.SecretError, match="not valid Unicode text"):
        secrets.seal("\ud800", _public(), HERE)


def test_a_short_key_is_refused() -> None:
    with pytest.raises(secrets.SecretError, match="is 3 bytes"):
        secrets.public_key("YWJj")
