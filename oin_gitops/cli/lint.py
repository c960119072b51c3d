"""``oin-gitops lint``: check submission folders and report what to fix."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import click

from oin_gitops import engine
from oin_gitops.changes import ChangeSet, changed_since, merge_base, published_in
from oin_gitops.cli import actions
from oin_gitops.cli.common import (
    EXIT_FINDINGS,
    EXIT_OK,
    find_repository,
    is_repository,
    repository_or_fail,
)
from oin_gitops.config import Config, load_config
from oin_gitops.diagnostics import Report
from oin_gitops.names import NameIndex
from oin_gitops.reporters import REPORTERS, markdown
from oin_gitops.rules import BY_ID
from oin_gitops.sources import DiskSource, GitSource
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


def _config(source: DiskSource, config_file: Path | None) -> Config:
    if config_file is None:
        return load_config(source, frozenset(BY_ID))
    return load_config(DiskSource(config_file.parent), frozenset(BY_ID), config_file.name)


def _emit(text: str, output: Path | None) -> None:
    """Write the report. A lone surrogate (Python's stand-in for a byte of a file name that is
    not UTF-8) cannot be encoded: it is written as its backslash escape, ``\\udce9``, rather
    than failing the run once the lint is done."""
    if output is None:
        click.echo(text.encode("utf-8", "backslashreplace").decode("utf-8"), nl=False)
    else:
        output.write_text(text, encoding="utf-8", errors="backslashreplace")


def _report_to_actions(report: Report) -> None:
    """Inside GitHub Actions: the job summary and the step outputs, besides stdout."""
    env = os.environ
    context = actions.context_from(env)
    if env.get("GITHUB_STEP_SUMMARY"):
        actions.append_summary(
            Path(env["GITHUB_STEP_SUMMARY"]), markdown.render_limited, report, context
        )
    if env.get("GITHUB_OUTPUT"):
        actions.write_outputs(Path(env["GITHUB_OUTPUT"]), actions.outputs_of(report))


@click.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option(
    "--format",
    "output_format",
    type=click.Choice(sorted(REPORTERS)),
    default="text",
    show_default=True,
    help="Output format: text, json (stable shape), github (annotations), markdown, sarif.",
)
@click.option("--strict", is_flag=True, help="Fail (exit 1) on warnings too, not only on errors.")
@click.option(
    "--changed-since",
    metavar="REF",
    help="Lint only the submission folders changed since the merge base with REF, and check the "
    "change's scope (one folder per pull request).",
)
@click.option(
    "--author",
    envvar="OIN_GITOPS_AUTHOR",
    metavar="LOGIN",
    help="GitHub login of the change's author, for the pull-request scope rules "
    "(default: $OIN_GITOPS_AUTHOR).",
)
@click.option(
    "--config",
    "config_file",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="Configuration file to use instead of the repository's .oin-gitops.yaml.",
)
@click.option(
    "--output",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Write the report to this file instead of standard output.",
)
def lint(
    paths: tuple[str, ...],
    output_format: str,
    strict: bool,
    changed_since: str | None,
    author: str | None,
    config_file: Path | None,
    output: Path | None,
) -> None:
    """Check submissions against the schemas and the OIN guidelines.

    PATH may be the repository, its submissions/ folder, a submission folder, or a file inside
    one (as pre-commit passes them). Without PATH, every submission of the repository around the
    current folder is linted. In GitHub Actions (GITHUB_ACTIONS=true) the markdown report is
    also appended to the job summary, and errors, warnings and submissions are written as step
    outputs.

    Exit status: 0 no errors, 1 errors (or warnings with --strict), 2 usage or configuration
    error, 3 internal error.

    \b
    Examples:
      oin-gitops lint
      oin-gitops lint submissions/acme-notes
      oin-gitops lint --changed-since origin/main --format github
      oin-gitops lint --format sarif --output oin-gitops.sarif
    """
    if changed_since and paths:
        raise click.UsageError("give PATH arguments or --changed-since, not both.")
    root, slugs = resolve_paths(paths)
    # Given folders: git starts looking for uncommitted work now, and answers while they lint.
    source = DiskSource(root, NameIndex.at_head(root) if slugs is not None else None)
    config = _config(source, config_file)
    change = changed_since_or_none(root, changed_since, author)
    # Updates are compared with the merge base, the version the change started from.
    commit = merge_base(root, changed_since) if changed_since else None
    base = GitSource(root, commit) if commit else None
    # When each updated folder was first published: one git log on the merge base per folder.
    published_at = published_in(root, commit) if commit else None
    if change is not None and commit is not None:
        source.names = NameIndex.at_merge_base(root, commit, change.slugs())
    with Progress(enabled=sys.stderr.isatty() and not actions.in_actions(os.environ)) as progress:
        report = engine.lint(
            source, config, slugs, change, progress.update, base=base, published_at=published_at
        )
    _emit(REPORTERS[output_format](report, actions.context_from(os.environ)), output)
    if actions.in_actions(os.environ):
        _report_to_actions(report)
    raise click.exceptions.Exit(EXIT_FINDINGS if report.failed(strict=strict) else EXIT_OK)


class Progress:
    """A progress bar on stderr for long runs, only when stderr is a terminal."""

    MIN_TOTAL = 50

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.bar: Any = None

    def __enter__(self) -> Progress:
        return self

    def update(self, done: int, total: int) -> None:
        if not self.enabled or total < self.MIN_TOTAL:
            return
        if self.bar is None:
            self.bar = click.progressbar(length=total, label="Linting", file=sys.stderr)
            self.bar.__enter__()
        self.bar.update(1)

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)


def changed_since_or_none(root: Path, ref: str | None, author: str | None) -> ChangeSet | None:
    return changed_since(root, ref, author, worktree=not checked_out(root)) if ref else None


def checked_out(root: Path) -> bool:
    """Whether ``root`` is a GitHub Actions job's checkout (inside ``$GITHUB_WORKSPACE``): a
    fresh checkout of a commit, with no uncommitted work to look for."""
    workspace = os.environ.get("GITHUB_WORKSPACE")
    if not actions.in_actions(os.environ) or not workspace:
        return False
    return root.resolve().is_relative_to(Path(workspace).resolve())
