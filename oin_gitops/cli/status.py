"""``oin-gitops status``: how complete each submission is, and what is missing."""

from __future__ import annotations

from pathlib import Path, PurePosixPath

import click

from oin_gitops import engine
from oin_gitops.cli.common import repository_or_fail
from oin_gitops.completeness import Completeness, measure
from oin_gitops.config import load_config
from oin_gitops.diagnostics import Diagnostic
from oin_gitops.reporters.safe import json_text, printable
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
    OIN Manager's progress indicator; TODO placeholders count as unfilled. A file that does not
    parse (or cannot be read) is left out: the percentage counts only the files that could be
    read, and the file is listed with the line, column and message of the problem (in JSON,
    under "unreadable"). It does not lint: run 'oin-gitops lint' for everything else.

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
    results = [measure(*load_submission(source, slug, config)) for slug in (slugs or known)]
    if output_format == "json":
        click.echo(json_text({"submissions": [r.to_dict() for r in results]}))
        return
    for result in results:
        # Folder names and parser messages come from the submission: control characters and
        # the lone surrogates of a name that is not UTF-8 are shown as escapes.
        click.echo("\n".join(printable(line) for line in _lines(result)))


def _lines(result: Completeness) -> list[str]:
    counted = f"{result.filled} of {result.required} required fields"
    scope = ""
    if result.unreadable:
        scope = " in the files that could be read"
        names = [PurePosixPath(d.path).name for d in result.unreadable]
        counted += "; not counted: " + ", ".join(names)
    lines = [f"{result.slug}: {result.percent}% complete{scope} ({counted})"]
    lines += [f"  {_problem(d)}: {_where(d)}: {d.message}" for d in result.unreadable]
    lines += [f"  missing: {item}" for item in result.missing]
    return lines


def _problem(diagnostic: Diagnostic) -> str:
    parsing = diagnostic.rule.startswith("yaml-") or diagnostic.rule == "file-encoding"
    return "does not parse" if parsing else "cannot be read"


def _where(diagnostic: Diagnostic) -> str:
    position = [diagnostic.line, diagnostic.column]
    return ":".join([diagnostic.path, *(str(n) for n in position if n is not None)])
