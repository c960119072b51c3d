"""Each app's files, made in the process that linted its folder (the build's ``engine.Hook``).

For a folder whose own diagnostics hold no error, ``Maker`` writes ``apps/<slug>.json``,
``apps/<slug>.html`` and the logo (under a content-hashed name) straight into the catalog being
built, or copies them from the previous build when nothing they are made from changed (see
``manifest``). Only the app's summary and manifest entry travel back, so the build never holds
every page at once. A repository rule may still fail the folder afterwards: the build then
removes its files (``remove``).
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from oin_gitops.catalog import CatalogError, site
from oin_gitops.catalog.history import GitHistory
from oin_gitops.catalog.manifest import Entry, Made, Previous, input_key, sha256
from oin_gitops.catalog.public import History, app_record, summary
from oin_gitops.diagnostics import Diagnostic, Severity
from oin_gitops.sources import Kind
from oin_gitops.submission import Submission

SCHEMA_VERSION = 1
FOLDERS = ("apps", "logos")
_NEW = (
    os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)
)


def encode_json(value: Any) -> bytes:
    return (json.dumps(value, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def contents(submission: Submission) -> dict[str, bytes]:
    """The bytes of every regular file of the folder that can be read. (The app's files are
    made from its YAML files and logo alone, which lint has read: any other file that cannot
    be read changes nothing in them.)"""
    found = {}
    for name, kind in submission.entries.items():
        if kind is Kind.FILE:
            try:
                found[name] = submission.read(name)
            except OSError:
                continue
    return found


def logo(submission: Submission, files: Mapping[str, bytes]) -> tuple[str, bytes]:
    """The logo's published path, ``logos/<slug>-<12 hex of sha256>.<ext>``, and its bytes."""
    name = submission.app_field("logo")
    if not isinstance(name, str) or name not in files:
        raise CatalogError(f"{submission.folder} has no logo file to publish")
    data = files[name]
    extension = name.rsplit(".", 1)[-1].lower()
    return f"logos/{submission.slug}-{sha256(data)[:12]}.{extension}", data


@dataclass(frozen=True)
class Maker:
    """Makes (or reuses) one app's files in ``staging``; called with the folder's configured
    diagnostics, so a folder with an error is left alone."""

    staging: Path
    title: str
    settings: str
    history: GitHistory
    previous: Previous | None = None

    def __call__(self, submission: Submission, diagnostics: Sequence[Diagnostic]) -> Made | None:
        if any(d.severity is Severity.ERROR for d in diagnostics):
            return None
        history = self.history.of(submission.slug)
        files = contents(submission)
        key = input_key(self.settings, submission, history, files)
        previous = None if self.previous is None else self.previous.files(submission.slug, key)
        if previous is not None:
            record, entry, found = previous
            self._write(found)
            return Made(summary(record), entry, reused=True)
        return self._make(submission, history, key, files)

    def _make(
        self,
        submission: Submission,
        history: History,
        key: str,
        folder: Mapping[str, bytes],
    ) -> Made:
        logo_path, logo_data = logo(submission, folder)
        record = app_record(submission, logo_path, history)
        files = {
            f"apps/{submission.slug}.html": site.app_page(self.title, record),
            f"apps/{submission.slug}.json": encode_json(
                {"schema_version": SCHEMA_VERSION, "app": record}
            ),
            logo_path: logo_data,
        }
        self._write(files)
        return Made(summary(record), Entry(key, {n: sha256(d) for n, d in sorted(files.items())}))

    def _write(self, files: Mapping[str, bytes]) -> None:
        for name, data in files.items():
            create(self.staging / name, data)


def create(path: Path, data: bytes) -> None:
    """Create the file ``path`` holding ``data``, in three system calls (a catalog of 10,000
    apps is 30,000 files)."""
    handle = os.open(path, _NEW, 0o666)
    try:
        written = 0
        while written < len(data):
            written += os.write(handle, data[written:])
    finally:
        os.close(handle)


def remove(staging: Path, made: Made) -> None:
    """Remove an app's files again (a repository rule found an error in its folder)."""
    for name in made.entry.files:
        (staging / name).unlink()
