"""Pieces shared by the commands: exit codes and finding the repository a path belongs to."""

from __future__ import annotations

from pathlib import Path

import click

from oin_gitops.config import CONFIG_FILE
from oin_gitops.submission import SUBMISSIONS

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2
EXIT_INTERNAL = 3


def is_repository(folder: Path) -> bool:
    return (folder / SUBMISSIONS).is_dir() or (folder / CONFIG_FILE).is_file()


def find_repository(start: Path) -> Path | None:
    """The nearest folder at or above ``start`` that holds ``submissions/`` or the config file."""
    for folder in (start, *start.parents):
        if folder.is_dir() and is_repository(folder):
            return folder
    return None


def repository_or_fail(start: Path) -> Path:
    root = find_repository(start)
    if root is None:
        raise click.UsageError(
            f"no oin-gitops repository (a folder with {SUBMISSIONS}/ or {CONFIG_FILE}) "
            f"at or above {start}; run inside one or pass --repo."
        )
    return root
