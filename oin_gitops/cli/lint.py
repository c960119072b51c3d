"""``oin-gitops lint``: check submission folders and report what to fix."""

from __future__ import annotations

import os
from pathlib import Path

import click

from oin_gitops import engine
from oin_gitops.cli.common import (
    EXIT_FINDINGS,
    EXIT_OK,
    find_repository,
    is_repository,
    repository_or_fail,
)
from oin_gitops.config import load_config
from oin_gitops.reporters import REPORTERS, Context
from oin_gitops.rules import BY_ID
from oin_gitops.sources import DiskSource
from oin_gitops.submission import SUBMISSIONS


def _target(path: Path) -> tuple[Path, str | None]:
    """(repository root, slug or None for all) for one PATH argument."""
    parts = path.parts
    for index in range(len(parts) - 1, 0, -1):
        if parts[index] == SUBMISSIONS and (Path(*parts[:index]) / SUBMISSIONS).is_dir():
            root = Path(*parts[:index])
            return root, (parts[index + 1] if len(parts) > index + 1 else None)
    if path.is_dir() and is_repository(path):
        return path, None
    around = find_repository(path if path.is_dir() else path.parent)
    where = f" (the repository is {around})" if around else ""
    raise click.BadParameter(
        f"{path} is not a repository, its submissions/ folder, or inside a submission folder{where}.",
        param_hint="PATH",
    )


def resolve_paths(paths: tuple[str, ...]) -> tuple[Path, list[str] | None]:
    """The repository and the slugs to lint (None: all) from the PATH arguments."""
    if not paths:
        return repository_or_fail(Path.cwd()), None
    roots: set[Path] = set()
    slugs: list[str] | None = []
    for raw in paths:
        root, slug = _target(Path(os.path.abspath(raw)))
        roots.add(root)
        if slug is None:
            slugs = None
        elif slugs is not None and slug not in slugs:
            slugs.append(slug)
    if len(roots) > 1:
        raise click.BadParameter("all paths must be in the same repository.", param_hint="PATH")
    return roots.pop(), slugs


@click.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option(
    "--format",
    "output_format",
    type=click.Choice(sorted(REPORTERS)),
    default="text",
    show_default=True,
    help="Output format; json has a stable, documented shape.",
)
@click.option("--strict", is_flag=True, help="Fail (exit 1) on warnings too, not only on errors.")
def lint(paths: tuple[str, ...], output_format: str, strict: bool) -> None:
    """Check submissions against the schemas and the OIN guidelines.

    PATH may be the repository, its submissions/ folder, a submission folder, or a file inside
    one (as pre-commit passes them). Without PATH, every submission of the repository around the
    current folder is linted.

    Exit status: 0 no errors, 1 errors (or warnings with --strict), 2 usage or configuration
    error, 3 internal error.

    \b
    Examples:
      oin-gitops lint
      oin-gitops lint submissions/acme-notes
      oin-gitops lint --format json --strict > report.json
    """
    root, slugs = resolve_paths(paths)
    source = DiskSource(root)
    config = load_config(source, frozenset(BY_ID))
    report = engine.lint(source, config, slugs)
    click.echo(REPORTERS[output_format](report, Context()), nl=False)
    raise click.exceptions.Exit(EXIT_FINDINGS if report.failed(strict=strict) else EXIT_OK)
