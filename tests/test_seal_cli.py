"""keygen, seal and unseal: key files, byte-preserving in-place sealing, and unsealing."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from oin_gitops import secrets
from oin_gitops.cli import cli
from tests.conftest import SEALED, SUBMISSION_YAML, TEST_PRIVATE_KEY, TEST_PUBLIC_KEY, ScratchRepo

SOURCE = SUBMISSION_YAML.format(name="Acme Notes", sealed=SEALED).replace(
    f'  password: "{SEALED}"', "  password: TODO   # sealed with oin-gitops seal"
)


def invoke(*args: str, input: str | None = None, env: dict[str, str] | None = None):
    return CliRunner().invoke(cli, list(args), input=input, env=env)


def test_keygen_writes_a_private_file_and_prints_the_public_key(tmp_path: Path) -> None:
    out = tmp_path / "key.txt"
    result = invoke("keygen", "--out", str(out))
    assert result.exit_code == 0
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    private = secrets.private_key(out.read_text())
    public = secrets.b64(bytes(private.public_key))
    assert result.output.endswith(f'Put this line in .oin-gitops.yaml:\npublic_key: "{public}"\n')
    again = invoke("keygen", "--out", str(out))
    assert again.exit_code == 2 and "already exists" in again.output


def test_seal_changes_only_the_value(repo: ScratchRepo) -> None:
    path = repo.add_submission("acme-notes", submission_yaml=SOURCE) / "submission.yaml"
    before = path.read_bytes()
    result = invoke("seal", str(path), input="Winter2026!\n")
    assert result.exit_code == 0, result.output
    assert result.output == f"Sealed 'test_account.password' in {path} for key 619208c973708b46.\n"
    after = path.read_bytes()
    head, _, tail = before.partition(b"TODO")
    assert after.startswith(head + b'"sealed:v1:619208c973708b46:')
    assert after.endswith(b'"' + tail)
    value = after[len(head) + 1 : len(after) - len(tail) - 1].decode()
    assert secrets.unseal(value, secrets.private_key(TEST_PRIVATE_KEY)) == "Winter2026!"
    assert repo.lint().diagnostics == ()


@pytest.mark.parametrize(
    ("original", "value_text"),
    [
        ("  password: 'single quoted'\n", "'single quoted'"),
        ('  password: "double # not a comment"\n', '"double # not a comment"'),
        ("  password: |\n    block\n    scalar\n", "|\n    block\n    scalar"),
        ("  password: plain\r\n", "plain"),
    ],
    ids=["single", "double", "block", "crlf"],
)
def test_seal_handles_every_scalar_style(tmp_path: Path, original: str, value_text: str) -> None:
    text = "# keep me\ntest_account:\n" + original + "  username: isvtest@okta.com  # and me\n"
    path = tmp_path / "submission.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + text.encode())
    result = invoke("seal", str(path), "--public-key", TEST_PUBLIC_KEY, input="pw")
    assert result.exit_code == 0, result.output
    after = path.read_bytes()
    assert after.startswith(
        b'\xef\xbb\xbf# keep me\ntest_account:\n  password: "sealed:v1:619208c973708b46:'
    )
    start = after.index(b'"sealed:')
    end = after.index(b'"', start + 1) + 1
    assert after[:start] + value_text.encode() + after[end:] == b"\xef\xbb\xbf" + text.encode()


def test_seal_refuses_fields_that_are_not_secret_and_reads_no_argument(repo: ScratchRepo) -> None:
    path = repo.add_submission("acme-notes") / "submission.yaml"
    result = invoke("seal", str(path), "app.name", input="x")
    assert result.exit_code == 2
    assert (
        "'app.name' is not a secret field of submission.yaml (secret fields: test_account.password)."
        in result.output
    )
    empty = invoke("seal", str(path), input="")
    assert empty.exit_code == 2 and "the value to seal is empty." in empty.output


def test_seal_uses_the_key_of_the_surrounding_repository(repo: ScratchRepo) -> None:
    path = repo.add_submission("acme-notes") / "scim.yaml"
    path.write_text("auth:\n  mode: bearer\n  api_token: TODO\n")
    assert invoke("seal", str(path), input="tok").exit_code == 0
    assert ":619208c973708b46:" in path.read_text()


def test_unseal(repo: ScratchRepo) -> None:
    path = repo.add_submission("acme-notes") / "submission.yaml"
    result = invoke("unseal", str(path), env={"OIN_GITOPS_PRIVATE_KEY": TEST_PRIVATE_KEY})
    assert (result.exit_code, result.output) == (0, "test-password-1\n")
    missing = invoke("unseal", str(path), env={"OIN_GITOPS_PRIVATE_KEY": ""})
    assert missing.exit_code == 2 and "set OIN_GITOPS_PRIVATE_KEY" in missing.output
    other = secrets.b64(bytes(secrets.PrivateKey.generate()))
    wrong = invoke("unseal", str(path), env={"OIN_GITOPS_PRIVATE_KEY": other})
    assert wrong.exit_code == 2
    assert (
        "cannot unseal 'test_account.password': the value is sealed to key 619208c973708b46, not to this key"
        in wrong.output
    )
