"""The ``oin-gitops`` command line: click parses and wires; exit codes are decided here.

Exit codes: 0 no errors, 1 errors found (with ``--strict``, warnings too), 2 usage or
configuration error, 3 internal error (``--traceback`` shows the details).
"""

from __future__ import annotations

import sys
import traceback

import click

from oin_gitops import __version__
from oin_gitops.cli import catalog as catalog_command
from oin_gitops.cli import lint as lint_command
from oin_gitops.cli import new as new_command
from oin_gitops.cli import review as review_command
from oin_gitops.cli import rules as rules_command
from oin_gitops.cli import secrets as secrets_command
from oin_gitops.cli import status as status_command
from oin_gitops.cli.common import EXIT_INTERNAL, EXIT_USAGE
from oin_gitops.config import ConfigError
from oin_gitops.reporters.safe import printable
from oin_gitops.reporters.text import render_diagnostic
from oin_gitops.sources import SourceError


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="oin-gitops")
@click.option(
    "--traceback",
    "show_traceback",
    is_flag=True,
    help="Show the full traceback of an internal error.",
)
@click.pass_context
def cli(ctx: click.Context, show_traceback: bool) -> None:
    """Lint, review and publish Okta Integration Network submissions kept in git.

    \b
    Examples:
      oin-gitops new acme-notes --protocol saml --protocol scim
      oin-gitops lint
      oin-gitops lint submissions/acme-notes --format json
    """
    ctx.obj = {"traceback": show_traceback}


cli.add_command(lint_command.lint)
cli.add_command(new_command.new)
cli.add_command(rules_command.rules)
cli.add_command(secrets_command.keygen)
cli.add_command(secrets_command.seal)
cli.add_command(secrets_command.unseal)
cli.add_command(status_command.status)
cli.add_command(review_command.review)
cli.add_command(review_command.labels)
cli.add_command(catalog_command.catalog)


def main(argv: list[str] | None = None) -> None:
    """Run the CLI, turning configuration problems and crashes into short messages."""
    show_traceback = "--traceback" in (argv if argv is not None else sys.argv[1:])
    try:
        status = cli.main(args=argv, prog_name="oin-gitops", standalone_mode=False)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        sys.exit(EXIT_USAGE)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(EXIT_USAGE)
    except ConfigError as exc:
        for diagnostic in exc.diagnostics:
            click.echo(render_diagnostic(diagnostic), err=True)
        click.echo("oin-gitops: the configuration is invalid; fix it and run again.", err=True)
        sys.exit(EXIT_USAGE)
    except SourceError as exc:
        click.echo(printable(f"oin-gitops: {exc}"), err=True)
        sys.exit(EXIT_USAGE)
    except Exception as exc:
        if show_traceback:
            traceback.print_exc()
        click.echo(
            printable(f"oin-gitops: internal error: {type(exc).__name__}: {exc}") + "\n"
            "Run again with --traceback for details, and report it with that output.",
            err=True,
        )
        sys.exit(EXIT_INTERNAL)
    sys.exit(status if isinstance(status, int) else 0)
