"""Build the whole catalog from a repository's ``submissions/``, and write it atomically.

``collect`` lints every submission and turns the lint-clean ones into files in memory (JSON,
logos under content-hashed names, the site); ``write`` puts them in a temporary sibling of the
output folder and swaps it in by renaming, so a failed build leaves the previous output exactly
as it was. The same repository gives byte-identical files: no timestamps, everything sorted,
dates only from git.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from oin_gitops import engine
from oin_gitops.catalog import site
from oin_gitops.catalog.history import GitHistory
from oin_gitops.catalog.public import app_record, summary
from oin_gitops.config import Config, load_config
from oin_gitops.diagnostics import Report, Severity
from oin_gitops.reporters.markdown import slug_of
from oin_gitops.rules import BY_ID
from oin_gitops.sources import DiskSource
from oin_gitops.submission import SUBMISSIONS, Submission, load_submission

SCHEMA_VERSION = 1
INDEX = "index.json"
_BASE_URL = re.compile(r"(?:/|https?://[^/\s]+/)[^\s\"'<>\\]*")


class CatalogError(Exception):
    """The catalog cannot be built as asked (an unsafe output folder, a bad base URL)."""


class InvalidSubmissions(Exception):
    """Lint found errors, so nothing was published; ``report`` says what to fix."""

    def __init__(self, report: Report, slugs: list[str]) -> None:
        super().__init__(f"lint found errors in {', '.join(slugs) or 'the repository'}")
        self.report = report
        self.slugs = slugs


@dataclass(frozen=True)
class Catalog:
    """The built catalog: its files by relative path, and what went into it."""

    files: dict[str, bytes]
    published: list[str]
    skipped: list[str] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)


def base_url_of(value: str | None, config: Config) -> str:
    """The base URL to publish under: ``value`` or the configuration's, ending with ``/``."""
    url = value if value is not None else config.catalog_base_url
    if not _BASE_URL.fullmatch(url):
        raise CatalogError(
            f"the base URL {url!r} is neither a path starting with '/' nor an http(s) URL"
        )
    return url if url.endswith("/") else url + "/"


def _json(value: Any) -> bytes:
    return (json.dumps(value, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def _failing(report: Report) -> list[str]:
    """The submissions with lint errors."""
    slugs = {slug_of(d.path) for d in report.diagnostics if d.severity is Severity.ERROR}
    return sorted(slug for slug in slugs if slug in report.submissions)


def _logo(submission: Submission) -> tuple[str, bytes]:
    """The logo's published path, ``logos/<slug>-<12 hex of sha256>.<ext>``, and its bytes."""
    name = submission.app_field("logo")
    if not isinstance(name, str) or name not in submission.entries:
        raise CatalogError(f"{submission.folder} has no logo file to publish")
    data = submission.read(name)
    digest = hashlib.sha256(data).hexdigest()[:12]
    extension = name.rsplit(".", 1)[-1].lower()
    return f"logos/{submission.slug}-{digest}.{extension}", data


def _records(
    source: DiskSource, config: Config, slugs: list[str], history: GitHistory
) -> tuple[list[dict[str, Any]], dict[str, bytes]]:
    """The published record of each of ``slugs``, sorted by name then slug, and the logos."""
    records: list[dict[str, Any]] = []
    logos: dict[str, bytes] = {}
    for slug in slugs:
        submission, _ = load_submission(source, slug, config)
        logo_path, logo = _logo(submission)
        logos[logo_path] = logo
        records.append(app_record(submission, logo_path, history.of(slug)))
    records.sort(key=lambda record: (str(record["name"]).casefold(), record["slug"]))
    return records, logos


def collect(root: Path, base_url: str | None = None, *, skip_invalid: bool = False) -> Catalog:
    """Lint ``root``'s submissions and build the catalog in memory.

    Any lint error raises ``InvalidSubmissions``; with ``skip_invalid`` the submissions with
    errors are left out instead (and named in ``skipped``).
    """
    source = DiskSource(root)
    config = load_config(source, frozenset(BY_ID))
    base = base_url_of(base_url, config)
    report = engine.lint(source, config)
    failing = _failing(report)
    if report.errors and not skip_invalid:
        raise InvalidSubmissions(report, failing)
    history = GitHistory(root)
    slugs = [slug for slug in sorted(report.submissions) if slug not in failing]
    records, files = _records(source, config, slugs, history)
    index = {
        "schema_version": SCHEMA_VERSION,
        "title": config.catalog_title,
        "base_url": base,
        "apps": [summary(record) for record in records],
    }
    files[INDEX] = _json(index)
    for record in records:
        app_file = {"schema_version": SCHEMA_VERSION, "app": record}
        files[f"apps/{record['slug']}.json"] = _json(app_file)
    files.update(
        site.render(site.Site(config.catalog_title, records, index, history.repository_url()))
    )
    notices = [history.notice] if history.notice else []
    return Catalog(files, [record["slug"] for record in records], failing, notices)


def check_output(out: Path, root: Path) -> None:
    """Refuse an output folder whose replacement would destroy something that is not a catalog."""
    target, repository = out.resolve(), root.resolve()
    if target == repository or repository.is_relative_to(target):
        raise CatalogError(f"--out {out} would replace the repository itself")
    if target.is_relative_to(repository / SUBMISSIONS):
        raise CatalogError(f"--out {out} is inside {SUBMISSIONS}/")
    if out.is_symlink() or (target.exists() and not target.is_dir()):
        raise CatalogError(f"--out {out} exists and is not a folder")
    if target.is_dir() and any(target.iterdir()) and not (target / INDEX).is_file():
        raise CatalogError(
            f"--out {out} is a folder that holds no {INDEX}: it does not look like a catalog, "
            "so it is not replaced; choose a new or empty folder"
        )


def write(files: Mapping[str, bytes], out: Path) -> None:
    """Write ``files`` into a temporary sibling of ``out``, then swap it in by renaming."""
    out = out.absolute()
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".new", dir=out.parent))
    try:
        for relative in sorted(files):
            target = staging / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(files[relative])
        os.chmod(staging, 0o755)
        _swap(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _swap(staging: Path, out: Path) -> None:
    if not out.exists():
        os.rename(staging, out)
        return
    old = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".old", dir=out.parent))
    try:
        os.rename(out, old / out.name)
        try:
            os.rename(staging, out)
        except BaseException:
            os.rename(old / out.name, out)
            raise
    finally:
        shutil.rmtree(old, ignore_errors=True)


def build(
    root: Path, out: Path, base_url: str | None = None, *, skip_invalid: bool = False
) -> Catalog:
    """Build the catalog of the repository at ``root`` into the folder ``out``."""
    check_output(out, root)
    catalog = collect(root, base_url, skip_invalid=skip_invalid)
    write(catalog.files, out)
    return catalog
