"""``oin-gitops status``: how complete each submission is, and what is missing."""

from __future__ import annotations

import json
from pathlib import Path

import click

from oin_gitops import engine
from oin_gitops.cli.common import repository_or_fail
from oin_gitops.completeness import measure
from oin_gitops.config import load_config
from oin_gitops.rules import BY_ID
from oin_gitops.sources import DiskSource
from oin_gitops.submission import load_submission


@click.command()
@click.argument("slugs", nargs=-1)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="Output format.",
)
def status(slugs: tuple[str, ...], output_format: str) -> None:
    """Show how complete each submission is: the share of required fields filled in.

    Counts the required fields of submission.yaml and of each protocol file present, like the
    OIN Manager's progress indicator; TODO placeholders count as unfilled. It does not lint:
    run 'oin-gitops lint' for everything else.

    \b
    Examples:
      oin-gitops status
      oin-gitops status acme-notes --format json
    """
    root = repository_or_fail(Path.cwd())
    source = DiskSource(root)
    config = load_config(source, frozenset(BY_ID))
    known, _ = engine.discover(source)
    unknown = [s for s in slugs if s not in known]
    if unknown:
        raise click.BadParameter(
            f"no submission folder {', '.join(unknown)} in submissions/.", param_hint="SLUG"
        )
    results = [measure(load_submission(source, slug, config)[0]) for slug in (slugs or known)]
    if output_format == "json":
        click.echo(json.dumps({"submissions": [r.to_dict() for r in results]}, indent=2))
        return
    for result in results:
        click.echo(
            f"{result.slug}: {result.percent}% complete ({result.filled} of {result.required} required fields)"
        )
        for item in result.missing:
            click.echo(f"  missing: {item}")
