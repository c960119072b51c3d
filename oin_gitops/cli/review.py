"""``oin-gitops review`` and ``oin-gitops labels``: the review bot's commands.

PyGithub is imported inside the commands, so linting never pays for it.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from oin_gitops.github.sync import Syncer


def _github_options(command: Callable[..., Any]) -> Callable[..., Any]:
    options = [
        click.option(
            "--repository",
            envvar="GITHUB_REPOSITORY",
            metavar="OWNER/REPO",
            help="The repository (default: $GITHUB_REPOSITORY).",
        ),
        click.option(
            "--api-url",
            envvar="GITHUB_API_URL",
            default="https://api.github.com",
            show_default=True,
            help="GitHub's API (default: $GITHUB_API_URL).",
        ),
        click.option(
            "--token",
            envvar="GITHUB_TOKEN",
            metavar="TOKEN",
            help="A token that may write labels, comments and statuses (default: $GITHUB_TOKEN).",
        ),
        # Deprecated: the bot finds its comments by their hidden marker, whatever account
        # posts them. Accepted (old workflows pass it) and ignored, with a warning.
        click.option("--bot-login", envvar="OIN_GITOPS_BOT_LOGIN", hidden=True),
    ]
    options += [
        click.option(
            "--request-spacing",
            envvar="OIN_GITOPS_REQUEST_SPACING",
            type=float,
            default=0.25,
            show_default=True,
            help="Seconds between API requests (GitHub asks integrations to space them).",
        ),
        click.option(
            "--write-spacing",
            envvar="OIN_GITOPS_WRITE_SPACING",
            type=float,
            default=1.0,
            show_default=True,
            help="Seconds between write requests (avoids secondary rate limits).",
        ),
        click.option(
            "--checkout",
            envvar="OIN_GITOPS_CHECKOUT",
            type=click.Path(file_okay=False, path_type=Path),
            help="A clone of the repository holding the base branch (the workflow's checkout): "
            "the other submissions are read from it instead of one API request each. Without "
            "it, or when it does not hold the base branch's current tree, they are read "
            "through the API.",
        ),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def _syncer(
    repository: str | None,
    api_url: str,
    token: str | None,
    bot_login: str | None,
    request_spacing: float,
    write_spacing: float,
    checkout: Path | None = None,
) -> Syncer:
    from oin_gitops.cli.actions import context_from
    from oin_gitops.github.client import Settings, connect
    from oin_gitops.github.facts import Reader
    from oin_gitops.github.sync import Syncer

    if bot_login is not None:
        click.echo(
            "oin-gitops: warning: --bot-login (OIN_GITOPS_BOT_LOGIN) is ignored and will be "
            "removed: the bot finds its comments by their hidden marker, whatever account "
            "posts them.",
            err=True,
        )
    if not token:
        raise click.UsageError("no GitHub token: set GITHUB_TOKEN or pass --token.")
    if not repository or "/" not in repository:
        raise click.UsageError(
            "no repository: set GITHUB_REPOSITORY or pass --repository OWNER/REPO."
        )
    settings = Settings(
        token=token,
        repository=repository,
        api_url=api_url,
        spacing=request_spacing,
        write_spacing=write_spacing,
    )
    client, repo = connect(settings)
    env = {**os.environ, "GITHUB_REPOSITORY": repository}
    return Syncer(
        Reader(client, repo, checkout=checkout),
        clock=lambda: datetime.now(UTC),
        context=context_from(env),
    )


def _bot_errors(action: Callable[[], None]) -> None:
    """Run ``action``; a GitHub problem becomes one sentence (and a job-summary note), exit 1."""
    from oin_gitops.github.client import BotError

    try:
        action()
    except BotError as exc:
        summary = os.environ.get("GITHUB_STEP_SUMMARY")
        if summary:
            with Path(summary).open("a", encoding="utf-8") as handle:
                handle.write(f"\n**oin-gitops review bot:** {exc}\n")
        click.echo(f"oin-gitops: {exc}", err=True)
        raise click.exceptions.Exit(1) from None


@click.group()
def review() -> None:
    """Keep pull requests' review state true: labels, sticky comment, oin/review status.

    \b
    Examples:
      oin-gitops review state --pr 42
      oin-gitops review sync --pr 42
      oin-gitops review sync --all
    """


@review.command("sync")
@click.option("--pr", "number", type=int, help="The pull request to sync.")
@click.option(
    "--all",
    "every",
    is_flag=True,
    help="Sync every open pull request and those closed in the last two days.",
)
@click.option(
    "--full",
    is_flag=True,
    help="With --all: read every open pull request, not only those updated in the last two hours "
    "or waiting in a queue that moved.",
)
@click.option(
    "--head-sha",
    metavar="SHA",
    help="The head commit the check ran on (from its artifact); must match the pull request.",
)
@_github_options
def sync(number: int | None, every: bool, full: bool, head_sha: str | None, **github: Any) -> None:
    """Compute each pull request's state and write only what differs.

    Reads the pull request fresh (files through the API, linted in memory; never checked out),
    then reconciles its oin/ labels, the oin/review commit status, the sticky comment and a
    short comment at each change of state. Running it again with nothing changed writes nothing.

    \b
    Examples:
      GITHUB_TOKEN=... GITHUB_REPOSITORY=okta/oin-catalog oin-gitops review sync --pr 42
      oin-gitops review sync --all
    """
    if (number is None) == (not every):
        raise click.UsageError("give either --pr N or --all.")

    def run() -> None:
        syncer = _syncer(**github)
        from oin_gitops.github.sync import sync_all, sync_one

        outcomes = (
            sync_all(syncer, quiet_hours=None if full else 2)
            if every
            else sync_one(syncer, number or 0, head_sha)
        )
        for outcome in outcomes:
            wrote = "; ".join(outcome.writes) or "nothing to write"
            click.echo(f"#{outcome.number}: {outcome.decision.label or 'no state'} ({wrote})")

    _bot_errors(run)


@review.command("published")
@click.option("--sha", required=True, metavar="SHA", help="The commit the catalog was built from.")
@click.option("--failed", is_flag=True, help="Record a failed publish instead.")
@click.option(
    "--target-url", metavar="URL", help="Link for the status (the workflow run or the catalog)."
)
@_github_options
def published(sha: str, failed: bool, target_url: str | None, **github: Any) -> None:
    """Record a publish on its commit (status oin/publish) and sync its merged pull requests.

    Run by the publish workflow after deploying: the merged pull requests become
    oin/published. With --failed the status says so and the pull requests stay oin/approved.

    \b
    Examples:
      oin-gitops review published --sha "$GITHUB_SHA"
      oin-gitops review published --sha "$GITHUB_SHA" --failed
    """

    def run() -> None:
        syncer = _syncer(**github)
        from oin_gitops.github.publish import mark_published

        for outcome in mark_published(syncer, sha, not failed, target_url):
            click.echo(f"#{outcome.number}: {outcome.decision.label}")

    _bot_errors(run)


@review.command("state")
@click.option("--pr", "number", type=int, required=True, help="The pull request.")
@_github_options
def show_state(number: int, **github: Any) -> None:
    """Print the state a pull request is in and why; writes nothing.

    \b
    Examples:
      oin-gitops review state --pr 42
    """

    def run() -> None:
        from oin_gitops.review.state import labels as labels_of

        syncer = _syncer(**github)
        data = syncer.reader.read(number)
        decision, _, queue, _ = syncer.plan(data)
        click.echo(f"#{number}: {decision.label or 'no state (touches no submission)'}")
        click.echo(f"why: {decision.reason}")
        click.echo(f"next: {decision.next_step}")
        click.echo("labels: " + ", ".join(sorted(labels_of(data.facts))))
        if queue is not None:
            click.echo(f"queue: {queue.position} of {queue.length}")

    _bot_errors(run)


@click.group()
def labels() -> None:
    """Manage the repository's oin/ labels.

    \b
    Examples:
      oin-gitops labels sync
    """


@labels.command("sync")
@_github_options
def sync_labels(**github: Any) -> None:
    """Create or update every oin/ label's name, colour and description.

    \b
    Examples:
      GITHUB_TOKEN=... oin-gitops labels sync --repository okta/oin-catalog
    """

    def run() -> None:
        syncer = _syncer(**github)
        from oin_gitops.github.labels import sync_repository_labels

        for line in sync_repository_labels(syncer.reader.repo):
            click.echo(line)

    _bot_errors(run)
