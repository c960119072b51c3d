"""``oin-gitops new``: scaffold a submission folder with placeholders to fill in."""

from __future__ import annotations

from pathlib import Path

import click

from oin_gitops import scaffold
from oin_gitops.cli.common import repository_or_fail
from oin_gitops.submission import SLUG, SUBMISSIONS


@click.command()
@click.argument("slug")
@click.option(
    "--protocol",
    "-p",
    "protocols",
    multiple=True,
    required=True,
    type=click.Choice(sorted(scaffold.PROTOCOLS)),
    help="A protocol or tool the integration supports; repeat for several.",
)
@click.option(
    "--repo",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="The repository to create the folder in (default: the one around the current folder).",
)
def new(slug: str, protocols: tuple[str, ...], repo: Path | None) -> None:
    """Create submissions/SLUG with submission.yaml and one file per protocol.

    Every value you must fill in holds a TODO placeholder with a comment saying what belongs
    there; 'oin-gitops lint' lists the ones left. Add your logo as logo.png (200x200, 244x244,
    244x156 or 156x244 pixels) beside submission.yaml.

    \b
    Examples:
      oin-gitops new acme-notes --protocol saml --protocol scim
      oin-gitops new acme-flows --protocol workflows
    """
    if not SLUG.fullmatch(slug):
        raise click.BadParameter(
            "use 2-63 characters of a-z, 0-9 and '-', starting with a letter or digit "
            "(for example acme-notes).",
            param_hint="SLUG",
        )
    root = repo if repo is not None else repository_or_fail(Path.cwd())
    folder = root / SUBMISSIONS / slug
    if folder.exists() or folder.is_symlink():
        raise click.UsageError(f"{folder} already exists; edit it, or choose another slug.")
    written = scaffold.create(folder, list(dict.fromkeys(protocols)))
    for path in written:
        click.echo(f"created {path.relative_to(root).as_posix()}")
    click.echo(
        f"\nNext: replace every TODO, add your logo as {SUBMISSIONS}/{slug}/logo.png, "
        f"seal the test password, then run: oin-gitops lint {SUBMISSIONS}/{slug}"
    )
