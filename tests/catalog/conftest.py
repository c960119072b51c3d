"""Helpers for the catalog tests: copies of the examples in scratch git repositories with commits
at fixed dates, and validation of a built catalog against ``catalog.schema.json``."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from oin_gitops import schemas
from oin_gitops.catalog import build as builder
from tests.conftest import git

ROOT = Path(__file__).resolve().parents[2]
CATALOG_ID = "https://oin-gitops.github.io/schemas/catalog.schema.json"
# Dates of the commits of ``example_repo``: brightdesk and ledgerly land first, the others
# later, and ledgerly changes once more.
FIRST = "2024-01-15T10:00:00+00:00"
SECOND = "2024-03-02T09:30:00+00:00"
THIRD = "2024-06-20T16:45:00+00:00"


def commit(root: Path, message: str, date: str, *paths: str) -> None:
    git(root, "add", "--all", *(paths or ["."]))
    git(root, "commit", "--quiet", "--no-gpg-sign", "-m", message, date=date)


def copy_examples(root: Path) -> Path:
    """The repository's example submissions and configuration, copied to ``root``."""
    shutil.copytree(ROOT / "submissions", root / "submissions")
    shutil.copy(ROOT / ".oin-gitops.yaml", root / ".oin-gitops.yaml")
    return root


def example_repo(root: Path) -> Path:
    """The examples in a new git repository, committed at the fixed dates above."""
    copy_examples(root)
    git(root, "init", "--quiet", "--initial-branch=main")
    commit(root, "Config", FIRST, ".oin-gitops.yaml")
    commit(root, "BrightDesk and Ledgerly", FIRST, "submissions/brightdesk", "submissions/ledgerly")
    commit(root, "The others", SECOND)
    description = root / "submissions/ledgerly/submission.yaml"
    description.write_text(
        description.read_text().replace("expense reports to", "expense reports straight to")
    )
    commit(root, "Ledgerly: a better description", THIRD)
    return root


@pytest.fixture
def examples(tmp_path: Path) -> Path:
    return example_repo(tmp_path / "repo")


def validator(definition: str = "") -> Draft202012Validator:
    """A validator for ``index.json`` (or, with ``definition``, for one of the ``$defs``)."""
    ref = f"{CATALOG_ID}#/$defs/{definition}" if definition else CATALOG_ID
    return Draft202012Validator(
        {"$ref": ref},
        registry=schemas.registry(),
        format_checker=Draft202012Validator.FORMAT_CHECKER,
    )


def errors(value: Any, definition: str = "") -> list[str]:
    return [error.message for error in validator(definition).iter_errors(value)]


def read_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def tree(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` by relative POSIX path, with its bytes."""
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def built(root: Path, out: Path, **options: Any) -> builder.Catalog:
    return builder.build(root, out, **options)


GOLDEN_DIR = Path(__file__).parent / "golden"
