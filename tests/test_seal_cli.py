"""keygen, seal and unseal: key files, byte-preserving in-place sealing, and unsealing."""

from __future__ import annotations

import re
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner
from nacl.public import SealedBox

from oin_gitops import secrets, yamlio
from oin_gitops.cli import cli
from tests.conftest import (
    SEALED,
    SEALED_VALUE,
    SUBMISSION_YAML,
    TEST_PRIVATE_KEY,
    TEST_PUBLIC_KEY,
    ScratchRepo,
    seal_for,
)

SOURCE = SUBMISSION_YAML.format(name="Acme Notes", sealed=SEALED).replace(
    f'  password: "{SEALED}"', "  password: TODO   # sealed with oin-gitops seal"
)


PASSWORD = secrets.Place("acme-notes", "submission.yaml:test_account.password")
KEY = {"OIN_GITOPS_PRIVATE_KEY": TEST_PRIVATE_KEY}
SCIM = "auth:\n  mode: oauth2\n  api_token: TODO\n  oauth2:\n    client_secret: TODO\n"


@pytest.fixture(autouse=True)
def terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests read what unseal shows a reviewer's terminal (CliRunner has no terminal)."""
    monkeypatch.setattr("oin_gitops.cli.secrets.stdout_is_terminal", lambda: True)


def invoke(*args: str, input: str | None = None, env: dict[str, str] | None = None):
    return CliRunner().invoke(cli, list(args), input=input, env=env)


def error(result) -> str:
    """The one ``Error:`` line of a refused command, after checking it is no crash."""
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    return result.output.splitlines()[-1]


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
    assert after.startswith(head + b'"sealed:v2:619208c973708b46:')
    assert after.endswith(b'"' + tail)
    value = after[len(head) + 1 : len(after) - len(tail) - 1].decode()
    assert secrets.unseal(value, secrets.private_key(TEST_PRIVATE_KEY), PASSWORD) == "Winter2026!"
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
    path = tmp_path / "submissions" / "acme-notes" / "submission.yaml"
    path.parent.mkdir(parents=True)
    path.write_bytes(b"\xef\xbb\xbf" + text.encode())
    result = invoke("seal", str(path), "--public-key", TEST_PUBLIC_KEY, input="pw")
    assert result.exit_code == 0, result.output
    after = path.read_bytes()
    assert after.startswith(
        b'\xef\xbb\xbf# keep me\ntest_account:\n  password: "sealed:v2:619208c973708b46:'
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
    result = invoke("unseal", str(path), env=KEY)
    assert (result.exit_code, result.output) == (0, SEALED_VALUE + "\n")
    missing = invoke("unseal", str(path), env={"OIN_GITOPS_PRIVATE_KEY": ""})
    assert missing.exit_code == 2 and "set OIN_GITOPS_PRIVATE_KEY" in missing.output
    other = secrets.b64(bytes(secrets.PrivateKey.generate()))
    wrong = invoke("unseal", str(path), env={"OIN_GITOPS_PRIVATE_KEY": other})
    assert wrong.exit_code == 2
    assert (
        "cannot unseal 'test_account.password': the value is sealed to key 619208c973708b46, not to this key"
        in wrong.output
    )


def test_seal_and_unseal_need_the_submission_folder(tmp_path: Path) -> None:
    path = tmp_path / "drafts" / "submission.yaml"
    path.parent.mkdir()
    path.write_text("test_account:\n  password: TODO\n")
    message = (
        f"Error: {path} is not in a submission folder: a sealed value is bound to its "
        "submission, so FILE must be at submissions/<slug>/submission.yaml."
    )
    assert error(invoke("seal", str(path), "--public-key", TEST_PUBLIC_KEY, input="pw")) == message
    assert error(invoke("unseal", str(path), env=KEY)) == message


@pytest.mark.parametrize(
    ("file_name", "field"),
    [
        ("submission.yaml", "test_account.password"),
        ("scim.yaml", "auth.api_token"),
        ("scim.yaml", "auth.oauth2.client_secret"),
    ],
)
def test_seal_then_unseal_round_trips_for_each_secret_field(
    repo: ScratchRepo, file_name: str, field: str
) -> None:
    folder = repo.add_submission("acme-notes", submission_yaml=SOURCE, scim_yaml=SCIM)
    path = folder / file_name
    assert invoke("seal", str(path), field, input="s3cret wörd\n").exit_code == 0
    value = secrets.parse(yamlio.parse(path.read_bytes(), file_name).get(tuple(field.split("."))))
    assert len(value.box) >= secrets.min_box_length(
        secrets.Place.at("acme-notes", file_name, field)
    )
    result = invoke("unseal", str(path), field, env=KEY)
    assert (result.exit_code, result.output) == (0, "s3cret wörd\n")


def test_unseal_prints_a_value_sealed_for_its_own_place(repo: ScratchRepo) -> None:
    token = seal_for("tok-123", "acme-tasks", "scim.yaml:auth.api_token")
    scim = SCIM.replace("api_token: TODO", f'api_token: "{token}"')
    path = repo.add_submission("acme-tasks", scim_yaml=scim) / "scim.yaml"
    result = invoke("unseal", str(path), "auth.api_token", env=KEY)
    assert (result.exit_code, result.output) == (0, "tok-123\n")


def _sealed_token(repo: ScratchRepo) -> str:
    """The API token of submissions/victim/scim.yaml, sealed there with 'oin-gitops seal' (as
    long as real tokens are, so its box is long enough for any field)."""
    path = repo.add_submission("victim", scim_yaml=SCIM) / "scim.yaml"
    token = "victim-token-" + "7f3a9c2e5b1d" * 4
    assert invoke("seal", str(path), "auth.api_token", input=token).exit_code == 0
    (value,) = re.findall(r'"(sealed:v2:[^"]+)"', path.read_text())
    return value


def test_unseal_refuses_a_value_copied_into_another_submission(repo: ScratchRepo) -> None:
    """The attack of issue 11: copy another ISV's sealed token into your own password."""
    copied = _sealed_token(repo)
    text = SUBMISSION_YAML.format(name="Attacker App", sealed=copied)
    path = repo.add_submission("attacker", name="Attacker App", submission_yaml=text)
    # Lint has no private key: a copy long enough for its new place lints clean.
    assert repo.lint(["attacker"]).diagnostics == ()
    result = invoke("unseal", str(path / "submission.yaml"), env=KEY)
    assert error(result) == (
        "Error: cannot unseal 'test_account.password': it was sealed for "
        "victim/scim.yaml:auth.api_token, not for attacker/submission.yaml:test_account.password "
        "(a sealed value opens only where it was sealed, so a copied one is refused); ask the "
        "ISV to seal this field's own value with 'oin-gitops seal'."
    )
    assert "victim-token" not in result.output


def test_unseal_refuses_a_value_copied_into_another_field(repo: ScratchRepo) -> None:
    copied = _sealed_token(repo)
    path = repo.root / "submissions" / "victim" / "scim.yaml"
    path.write_text(SCIM.replace("client_secret: TODO", f'client_secret: "{copied}"'))
    result = invoke("unseal", str(path), "auth.oauth2.client_secret", env=KEY)
    assert error(result) == (
        "Error: cannot unseal 'auth.oauth2.client_secret': it was sealed for "
        "victim/scim.yaml:auth.api_token, not for victim/scim.yaml:auth.oauth2.client_secret "
        "(a sealed value opens only where it was sealed, so a copied one is refused); ask the "
        "ISV to seal this field's own value with 'oin-gitops seal'."
    )


def test_unseal_refuses_a_retired_v1_value(repo: ScratchRepo) -> None:
    box = SealedBox(secrets.public_key(TEST_PUBLIC_KEY)).encrypt(b"old-password")
    v1 = f"sealed:v1:619208c973708b46:{secrets.b64(box)}"
    text = SUBMISSION_YAML.format(name="Acme Notes", sealed=v1)
    path = repo.add_submission("acme-notes", submission_yaml=text) / "submission.yaml"
    result = invoke("unseal", str(path), env=KEY)
    assert error(result) == (
        "Error: cannot unseal 'test_account.password': the value uses the retired form "
        "sealed:v1, which is not bound to a submission and field; ask the ISV to re-seal it "
        "with 'oin-gitops seal'."
    )
    assert "old-password" not in result.output


@pytest.mark.parametrize(
    ("plaintext", "why"),
    [
        (b"\xc3\x28\xff not UTF-8", "its content is not UTF-8 text"),
        (b"a bare password", "its content is not the v2 structure"),
    ],
    ids=["not-utf8", "not-v2"],
)
def test_unseal_of_a_damaged_plaintext_is_a_message_not_a_traceback(
    repo: ScratchRepo, plaintext: bytes, why: str
) -> None:
    box = SealedBox(secrets.public_key(TEST_PUBLIC_KEY)).encrypt(plaintext)
    value = f"sealed:v2:619208c973708b46:{secrets.b64(box)}"
    text = SUBMISSION_YAML.format(name="Acme Notes", sealed=value)
    path = repo.add_submission("acme-notes", submission_yaml=text) / "submission.yaml"
    assert error(invoke("unseal", str(path), env=KEY)) == (
        f"Error: cannot unseal 'test_account.password': the sealed value is damaged ({why}); "
        "ask the ISV to re-seal it with 'oin-gitops seal'."
    )


def test_unseal_prints_only_to_a_terminal_unless_asked(
    repo: ScratchRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A secret never lands in a CI log or a file by accident; --pipe is the explicit way."""
    monkeypatch.setattr("oin_gitops.cli.secrets.stdout_is_terminal", lambda: False)
    path = repo.add_submission("acme-notes") / "submission.yaml"
    refused = invoke("unseal", str(path), env=KEY)
    assert SEALED_VALUE not in refused.output
    assert error(refused) == (
        "Error: unseal prints a secret only to a terminal, so that it never lands in a log or a "
        "file; to pipe it into another command (such as 'oin-gitops seal' when rotating the "
        "key), add --pipe."
    )
    piped = invoke("unseal", "--pipe", str(path), env=KEY)
    assert (piped.exit_code, piped.output) == (0, SEALED_VALUE + "\n")


def test_unseal_shows_control_characters_as_escapes(repo: ScratchRepo) -> None:
    """A sealed value holding ESC sequences (a screen clear, an OSC 52 clipboard write) cannot
    act on the reviewer's terminal."""
    path = repo.add_submission("acme-notes") / "submission.yaml"
    hostile = "pw\x1b[2J\x1b]52;c;aGk=\x07\u202e"
    sealed = invoke("seal", str(path), input=hostile)
    assert sealed.exit_code == 0, sealed.output
    result = CliRunner().invoke(cli, ["unseal", str(path)], env=KEY)
    assert result.exit_code == 0
    assert result.stdout == "pw\\x1b[2J\\x1b]52;c;aGk=\\x07\\u202e\n"
    assert "shown as escapes" in result.stderr
