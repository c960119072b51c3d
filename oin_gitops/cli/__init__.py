"""The ``oin-gitops`` command line: click parses and wires; exit codes are decided here.

Exit codes: 0 no errors, 1 errors found (with ``--strict``, warnings too), 2 usage or
configuration error, 3 internal error (``--traceback`` shows the details).
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterator
from typing import Any

import click

from oin_gitops import __version__
from oin_gitops.cli.common import EXIT_INTERNAL, EXIT_USAGE
from oin_gitops.config import ConfigError
from oin_gitops.reporters.safe import printable
from oin_gitops.reporters.text import render_diagnostic
from oin_gitops.sources import SourceError

# Every command, as "module:function" under oin_gitops.cli: a command's module is imported
# only when it runs (or help lists it), so `lint` of one folder does not load the catalog
# builder, the GitHub client or the sealing code.
COMMANDS = {
    "catalog": "catalog:catalog",
    "keygen": "secrets:keygen",
    "labels": "review:labels",
    "lint": "lint:lint",
    "new": "new:new",
    "review": "review:review",
    "rules": "rules:rules",
    "seal": "secrets:seal",
    "status": "status:status",
    "unseal": "secrets:unseal",
}


class LazyCommands(dict[str, click.Command]):
    """The group's commands by name; each one's module is imported when it is looked up."""

    def __missing__(self, name: str) -> click.Command:
        if name not in COMMANDS:
            raise KeyError(name)
        module, _, function = COMMANDS[name].partition(":")
        command: click.Command = getattr(
            importlib.import_module(f"oin_gitops.cli.{module}"), function
        )
        self[name] = command
        return command

    def __contains__(self, name: object) -> bool:
        return name in COMMANDS or super().__contains__(name)

    def __iter__(self) -> Iterator[str]:
        return iter(sorted({*COMMANDS, *self.keys()}))

    def __len__(self) -> int:
        return len({*COMMANDS, *self.keys()})

    def get(self, name: str, default: Any = None) -> Any:  # type: ignore[override]
        return self[name] if name in self else default  # noqa: SIM401 (dict.get skips __missing__)


@click.group(commands=LazyCommands(), context_settings={"help_option_names": ["-h", "--help"]})
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
            import traceback  # only here: it costs more to import than a folder to lint

            traceback.print_exc()
        click.echo(
            printable(f"oin-gitops: internal error: {type(exc).__name__}: {exc}") + "\n"
            "Run again with --traceback for details, and report it with that output.",
            err=True,
        )
        sys.exit(EXIT_INTERNAL)
    sys.exit(status if isinstance(status, int) else 0)
