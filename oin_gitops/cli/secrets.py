"""``oin-gitops keygen``, ``seal`` and ``unseal``: the reviewers' key pair and sealed values."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from nacl.public import PublicKey

from oin_gitops import schemas, secrets, yamlio
from oin_gitops.cli.common import find_repository
from oin_gitops.config import CONFIG_FILE, load_config
from oin_gitops.diagnostics import Diagnostic
from oin_gitops.reporters.safe import visible
from oin_gitops.rules import BY_ID
from oin_gitops.schema_check import field_name
from oin_gitops.sources import DiskSource
from oin_gitops.submission import SLUG, SUBMISSIONS

PRIVATE_KEY_ENV = "OIN_GITOPS_PRIVATE_KEY"
DEFAULT_FIELD = {"submission.yaml": "test_account.password"}


@click.command()
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("oin-gitops-private-key.txt"),
    show_default=True,
    help="Where to write the private key (created with mode 0600; never overwritten).",
)
def keygen(out: Path) -> None:
    """Create the reviewers' X25519 key pair for sealing test credentials.

    Writes the private key to a file only you can read, and prints the public key to put in
    .oin-gitops.yaml as public_key. Keep the private key in your team's secret store: the
    reviewers need it to unseal test credentials (OIN_GITOPS_PRIVATE_KEY) and to re-seal
    when the key is rotated. Never commit it.

    \b
    Examples:
      oin-gitops keygen --out ~/oin-reviewers.key
    """
    from nacl.public import PrivateKey

    key = PrivateKey.generate()
    try:
        fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise click.UsageError(
            f"{out} already exists; choose another --out or remove it first."
        ) from None
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(secrets.b64(bytes(key)) + "\n")
    public = secrets.b64(bytes(key.public_key))
    click.echo(f"Private key written to {out} (key id {secrets.key_id(key.public_key)}).")
    click.echo(f'Put this line in {CONFIG_FILE}:\npublic_key: "{public}"')


def _field(path: Path, field: str | None) -> tuple[str, tuple[str, ...]]:
    """The schema name of ``path`` and the pointer of the secret field to act on.

    Without FIELD: the default of the file, or the one secret field the file holds.
    """
    schema_name = schemas.FILE_SCHEMAS.get(path.name)
    if schema_name is None:
        raise click.BadParameter(
            f"{path.name} is not a submission file with secrets.", param_hint="FILE"
        )
    allowed = {field_name(p): p for p in schemas.marked(schema_name, "x-oin-secret")}
    chosen = field or DEFAULT_FIELD.get(path.name)
    if chosen is None:
        text = _load(path)[1]
        present = [name for name, pointer in allowed.items() if yamlio.scalar_span(text, pointer)]
        if len(present) != 1:
            raise click.UsageError(
                f"name the FIELD to seal in {path.name}: one of {', '.join(sorted(allowed))}."
            )
        chosen = present[0]
    if chosen not in allowed:
        names = ", ".join(sorted(allowed)) or "none"
        raise click.BadParameter(
            f"'{chosen}' is not a secret field of {path.name} (secret fields: {names}).",
            param_hint="FIELD",
        )
    return schema_name, allowed[chosen]


def _place(path: Path, pointer: tuple[str, ...]) -> secrets.Place:
    """The place a value of ``path`` is sealed for: its folder's slug, its file and field."""
    folder = Path(os.path.abspath(path)).parent
    if folder.parent.name != SUBMISSIONS or not SLUG.fullmatch(folder.name):
        raise click.UsageError(
            f"{path} is not in a submission folder: a sealed value is bound to its submission, "
            f"so FILE must be at {SUBMISSIONS}/<slug>/{path.name}."
        )
    return secrets.Place.at(folder.name, path.name, field_name(pointer))


def _read_value() -> str:
    if sys.stdin.isatty():
        value = click.prompt("Value to seal", hide_input=True, confirmation_prompt=True)
    else:
        value = sys.stdin.read().removesuffix("\n").removesuffix("\r")
    if not value:
        raise click.UsageError("the value to seal is empty.")
    return str(value)


def _public_key(path: Path, given: str | None) -> PublicKey:
    text = given
    if text is None:
        root = find_repository(path.resolve().parent)
        config = load_config(DiskSource(root), frozenset(BY_ID)) if root else None
        text = config.public_key if config else None
    if not text:
        raise click.UsageError(
            f"no public key: set public_key in {CONFIG_FILE} or pass --public-key."
        )
    try:
        return secrets.public_key(text)
    except secrets.SecretError as exc:
        raise click.UsageError(f"the public key is unusable: {exc}.") from None


def _load(path: Path) -> tuple[bytes, str]:
    data = path.read_bytes()
    parsed = yamlio.parse(data, str(path))
    if isinstance(parsed, Diagnostic):
        raise click.UsageError(
            f"{path}:{parsed.line}:{parsed.column}: {parsed.message}; fix it first."
        )
    return data, yamlio.decode(data)


@click.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("field", required=False)
@click.option(
    "--public-key", help="Seal to this base64 key instead of public_key in .oin-gitops.yaml."
)
def seal(file: Path, field: str | None, public_key: str | None) -> None:
    """Seal a secret in FILE in place, so only the OIN reviewers can read it.

    The value is read from a hidden prompt, or from standard input when it is not a terminal;
    never from the command line, where it would stay in your shell history. Only that value
    changes in FILE: comments, quoting and every other byte stay as they were. FIELD defaults to
    test_account.password in submission.yaml.

    The sealed value is bound to FILE's submission (the folder submissions/<slug>/) and to FIELD:
    it opens only there, so seal each value in its own place and never copy or edit one.

    \b
    Examples:
      oin-gitops seal submissions/acme-notes/submission.yaml
      oin-gitops seal submissions/acme-notes/scim.yaml auth.api_token < token.txt
    """
    _, pointer = _field(file, field)
    place = _place(file, pointer)
    key = _public_key(file, public_key)
    data, text = _load(file)
    span = yamlio.scalar_span(text, pointer)
    if span is None:
        raise click.UsageError(
            f"{file} has no value at '{field_name(pointer)}'; add the key first (e.g. with TODO)."
        )
    try:
        sealed = secrets.seal(_read_value(), key, place)
    except secrets.SecretError as exc:
        raise click.UsageError(f"{exc}.") from None
    updated = text[: span[0]] + json.dumps(sealed) + text[span[1] :]
    bom = b"\xef\xbb\xbf" if data.startswith(b"\xef\xbb\xbf") else b""
    file.write_bytes(bom + updated.encode("utf-8"))
    click.echo(f"Sealed '{field_name(pointer)}' in {file} for key {secrets.key_id(key)}.")


def stdout_is_terminal() -> bool:
    """Whether standard output is a terminal (tests emulate one by replacing this)."""
    return click.get_text_stream("stdout").isatty()


def _print_secret(value: str, to_pipe: bool) -> None:
    """A secret goes to a terminal, with control characters shown as escapes so the value
    cannot clear the screen or write the clipboard; or, only when asked, exactly to a pipe."""
    if not stdout_is_terminal():
        if not to_pipe:
            raise click.UsageError(
                "unseal prints a secret only to a terminal, so that it never lands in a log "
                "or a file; to pipe it into another command (such as 'oin-gitops seal' when "
                "rotating the key), add --pipe."
            )
        click.echo(value)
        return
    shown = visible(value)
    if shown != value:
        click.echo(
            "oin-gitops: the value holds control characters, shown as escapes such as \\x1b; "
            "ask the ISV to seal a value without them.",
            err=True,
        )
    click.echo(shown)


@click.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("field", required=False)
@click.option(
    "--pipe",
    "to_pipe",
    is_flag=True,
    help="Print the value exactly even when standard output is not a terminal, to pipe it "
    "into another command (such as 'oin-gitops seal' when rotating the key). Without it, "
    "unseal refuses to print anywhere but a terminal.",
)
def unseal(file: Path, field: str | None, to_pipe: bool) -> None:
    """Print a sealed secret of FILE in plain text (for OIN reviewers).

    The private key is read from the environment variable OIN_GITOPS_PRIVATE_KEY (the base64
    text that 'oin-gitops keygen' wrote). FIELD defaults to test_account.password. Keep FILE in
    a folder submissions/<slug>/ named after its submission: a value sealed for another
    submission or another field is refused, never printed. The value is printed to a terminal
    only (control characters shown as escapes); --pipe prints it exactly into a pipe.

    \b
    Examples:
      OIN_GITOPS_PRIVATE_KEY="$(cat ~/oin-reviewers.key)" oin-gitops unseal submissions/acme-notes/submission.yaml
      oin-gitops unseal --pipe submissions/acme-notes/submission.yaml | oin-gitops seal submissions/acme-notes/submission.yaml
    """
    _, pointer = _field(file, field)
    place = _place(file, pointer)
    text = os.environ.get(PRIVATE_KEY_ENV, "").strip()
    if not text:
        raise click.UsageError(f"set {PRIVATE_KEY_ENV} to the reviewers' private key.")
    document = yamlio.parse(_load(file)[0], str(file))
    assert isinstance(document, yamlio.Document)
    try:
        value = document.get(pointer)
    except (KeyError, IndexError, TypeError):
        raise click.UsageError(f"{file} has no value at '{field_name(pointer)}'.") from None
    try:
        plain = secrets.unseal(str(value), secrets.private_key(text), place)
    except secrets.SecretError as exc:
        raise click.UsageError(f"cannot unseal '{field_name(pointer)}': {exc}.") from None
    _print_secret(plain, to_pipe)
