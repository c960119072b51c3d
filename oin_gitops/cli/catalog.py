"""``oin-gitops catalog``: build the published catalog, serve it locally, preview one entry."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from oin_gitops.catalog.build import Catalog

from oin_gitops import engine
from oin_gitops.cli.common import EXIT_FINDINGS, EXIT_OK, is_repository, repository_or_fail
from oin_gitops.config import load_config
from oin_gitops.diagnostics import Severity
from oin_gitops.reporters.safe import printable
from oin_gitops.reporters.text import render_diagnostic
from oin_gitops.rules import BY_ID
from oin_gitops.sources import DiskSource
from oin_gitops.submission import load_submission

REPO_OPTION = click.option(
    "--repo",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="The repository (default: the one around the current folder).",
)


def _builder() -> Any:
    """The catalog builder: Jinja2 and friends are imported only by the catalog commands."""
    from oin_gitops.catalog import build

    return build


def _previewer() -> Any:
    from oin_gitops.catalog import preview

    return preview


def _server() -> Any:
    from oin_gitops.catalog import serve

    return serve


def _root(repo: Path | None) -> Path:
    if repo is None:
        return repository_or_fail(Path.cwd())
    if not is_repository(repo):
        raise click.BadParameter(
            f"{repo} holds neither submissions/ nor .oin-gitops.yaml.", param_hint="--repo"
        )
    return repo


def _tell(catalog: Catalog) -> None:
    for notice in catalog.notices:
        click.echo(printable(f"oin-gitops: notice: {notice}"), err=True)
    for slug in catalog.skipped:
        click.echo(printable(f"oin-gitops: skipped {slug}: it has lint errors."), err=True)


@click.group()
def catalog() -> None:
    """Build, serve and preview the published catalog (JSON API and static site)."""


@catalog.command()
@click.option(
    "--out",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="The folder to write; it is replaced as a whole, and only when the build succeeds.",
)
@REPO_OPTION
@click.option(
    "--base-url",
    metavar="URL",
    help="Where the catalog is published, e.g. /oin-catalog/ (default: catalog.base_url "
    "in .oin-gitops.yaml).",
)
@click.option(
    "--skip-invalid",
    is_flag=True,
    help="Leave out submissions with lint errors instead of failing the build.",
)
@click.option(
    "--full",
    is_flag=True,
    help="Make every app's files again, even those a previous build in OUT already holds.",
)
def build(
    out: Path, repo: Path | None, base_url: str | None, skip_invalid: bool, full: bool
) -> None:
    """Build the catalog from every submission that lints with no errors.

    Writes index.json, apps/<slug>.json, logos/, the static site and build-manifest.json into
    a temporary folder beside OUT and swaps it in only when everything succeeded. By default
    any lint error fails the build (exit 1) and leaves OUT as it was: everything merged to
    main passed review. Dates and versions come from git history; without it (no git, a
    shallow clone) they are left empty, with a notice.

    When OUT holds a previous build, the files of every app whose folder, history and build
    settings are unchanged are copied from it (checked against the hashes in its manifest)
    instead of being made again: the output is the same byte for byte either way.

    \b
    Examples:
      oin-gitops catalog build --out _site
      oin-gitops catalog build --out _site --base-url /oin-catalog/
    """
    root = _root(repo)
    try:
        result = _builder().build(root, out, base_url, skip_invalid=skip_invalid, full=full)
    except _builder().CatalogError as exc:
        raise click.UsageError(str(exc)) from exc
    except _builder().InvalidSubmissions as exc:
        for diagnostic in exc.report.diagnostics:
            if diagnostic.severity is Severity.ERROR:
                click.echo(render_diagnostic(diagnostic), err=True)
        click.echo(
            f"oin-gitops: the catalog was not built: lint found {exc.report.errors} "
            f"error{'s' if exc.report.errors != 1 else ''}; {out} is unchanged.",
            err=True,
        )
        raise click.exceptions.Exit(EXIT_FINDINGS) from exc
    _tell(result)
    count = len(result.published)
    reused = f" ({result.reused} unchanged since the previous build)" if result.reused else ""
    click.echo(f"Built the catalog of {count} app{'s' if count != 1 else ''} into {out}{reused}.")
    raise click.exceptions.Exit(EXIT_OK)


@catalog.command()
@click.option(
    "--out",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Serve this built catalog as it is (default: build one into a temporary folder).",
)
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True)
@click.option("--host", default="127.0.0.1", show_default=True)
@REPO_OPTION
def serve(out: Path | None, port: int, host: str, repo: Path | None) -> None:
    """Serve the catalog on a local address for preview; Ctrl-C stops.

    Without --out it builds the repository's catalog into a temporary folder first, leaving
    out (with a message) the submissions that have lint errors.

    \b
    Examples:
      oin-gitops catalog serve
      oin-gitops catalog serve --out _site --port 8080
    """
    if out is not None:
        if not (out / _builder().INDEX).is_file():
            raise click.BadParameter(f"{out} holds no {_builder().INDEX}.", param_hint="--out")
        _serve(out, host, port)
        return
    root = _root(repo)
    with tempfile.TemporaryDirectory(prefix="oin-catalog-") as temporary:
        site = Path(temporary) / "catalog"
        try:
            result = _builder().build(root, site, skip_invalid=True)
        except _builder().CatalogError as exc:
            raise click.UsageError(str(exc)) from exc
        _tell(result)
        _serve(site, host, port)


def _serve(directory: Path, host: str, port: int) -> None:
    try:
        httpd = _server().make_server(directory, host, port)
    except OSError as exc:
        raise click.UsageError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from exc
    with httpd:
        click.echo(f"Serving the catalog at {_server().address(httpd)} (Ctrl-C stops).")
        try:
            httpd.serve_forever()
        except KeyboardInterrupt:
            click.echo("Stopped.")


@catalog.command()
@click.argument("slug")
@REPO_OPTION
def preview(slug: str, repo: Path | None) -> None:
    """Print a Markdown card of how submission SLUG will look in the catalog.

    Meant for a pull request's job summary: every value from the submission is escaped, and
    the card says when lint errors keep the submission out of the catalog.

    \b
    Examples:
      oin-gitops catalog preview acme-notes >> "$GITHUB_STEP_SUMMARY"
    """
    root = _root(repo)
    source = DiskSource(root)
    config = load_config(source, frozenset(BY_ID))
    known, _ = engine.discover(source)
    if slug not in known:
        raise click.BadParameter(f"no submission folder {slug} in submissions/.", param_hint="SLUG")
    submission, _ = load_submission(source, slug, config)
    report = engine.lint(source, config, [slug])
    click.echo(_previewer().card(submission, report.errors), nl=False)
