"""Build the whole catalog from a repository's ``submissions/``, and write it atomically.

``build`` lints every submission once, with ``apps.Maker`` as the lint's hook: each lint-clean
app's files are made in the process that linted its folder (a pool worker) and written
straight into a temporary sibling of the output folder, reused from the previous build when
nothing they are made from changed. Then the index, the pages listing every app and the
manifest are streamed into it, and it is swapped in by renaming, so a failed build leaves the
previous output exactly as it was. The same repository gives byte-identical files, whether
every app is made again or not: no timestamps, everything sorted, dates only from git.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from oin_gitops import engine
from oin_gitops.catalog import CatalogError, apps, manifest, site
from oin_gitops.catalog.history import GitHistory
from oin_gitops.config import Config, load_config
from oin_gitops.diagnostics import Report, Severity
from oin_gitops.reporters.markdown import slug_of
from oin_gitops.rules import BY_ID
from oin_gitops.sources import DiskSource
from oin_gitops.submission import SUBMISSIONS

SCHEMA_VERSION = apps.SCHEMA_VERSION
INDEX = "index.json"
_BASE_URL = re.compile(r"(?:/|https?://[^/\s]+/)[^\s\"'<>\\]*")


class InvalidSubmissions(Exception):
    """Lint found errors, so nothing was published; ``report`` says what to fix."""

    def __init__(self, report: Report, slugs: list[str]) -> None:
        super().__init__(f"lint found errors in {', '.join(slugs) or 'the repository'}")
        self.report = report
        self.slugs = slugs


@dataclass(frozen=True)
class Catalog:
    """What went into the built catalog: the apps published, those left out for their lint
    errors, how many apps' files were reused from the previous build, and notices."""

    published: list[str]
    skipped: list[str] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    reused: int = 0


def base_url_of(value: str | None, config: Config) -> str:
    """The base URL to publish under: ``value`` or the configuration's, ending with ``/``."""
    url = value if value is not None else config.catalog_base_url
    if not _BASE_URL.fullmatch(url):
        raise CatalogError(
            f"the base URL {url!r} is neither a path starting with '/' nor an http(s) URL"
        )
    return url if url.endswith("/") else url + "/"


def _failing(report: Report) -> list[str]:
    """The submissions with lint errors."""
    slugs = {slug_of(d.path) for d in report.diagnostics if d.severity is Severity.ERROR}
    return sorted(slug for slug in slugs if slug in report.submissions)


def _write_json(path: Path, value: Any) -> None:
    """``apps.encode_json(value)`` written as it is encoded."""
    with path.open("w", encoding="utf-8", newline="\n") as handle:
        handle.writelines(json.JSONEncoder(indent=2, ensure_ascii=False).iterencode(value))
        handle.write("\n")


def _made_by_lint(
    source: DiskSource, config: Config, maker: apps.Maker
) -> tuple[Report, dict[str, manifest.Made]]:
    """Lint every submission, with ``maker`` making each lint-clean app's files. Only the
    rules that can report an error run: the build reports nothing else."""
    made: dict[str, manifest.Made] = {}

    def take(slug: str, result: object) -> None:
        if isinstance(result, manifest.Made):
            made[slug] = result

    for folder in apps.FOLDERS:
        (maker.staging / folder).mkdir()
    report = engine.lint(source, config, hook=engine.Hook(maker, take, errors_only=True))
    return report, made


def _write_lists(
    staging: Path, config: Config, base: str, history: GitHistory, made: list[manifest.Made]
) -> list[str]:
    """Write index.json and the pages that list every app; the slugs listed, in order."""
    summaries = sorted(
        (m.summary for m in made), key=lambda app: (str(app["name"]).casefold(), app["slug"])
    )
    index = {
        "schema_version": SCHEMA_VERSION,
        "title": config.catalog_title,
        "base_url": base,
        "apps": summaries,
    }
    _write_json(staging / INDEX, index)
    site.write(site.Site(config.catalog_title, summaries, index, history.repository_url()), staging)
    return [app["slug"] for app in summaries]


def _fill(
    staging: Path, root: Path, base_url: str | None, skip_invalid: bool, full: bool, out: Path
) -> Catalog:
    """Build the catalog of the repository at ``root`` into the empty folder ``staging``,
    reusing what the previous build in ``out`` made unless ``full``."""
    source = DiskSource(root)
    config = load_config(source, frozenset(BY_ID))
    base = base_url_of(base_url, config)
    history = GitHistory(root).load()
    settings = manifest.settings_digest(config.catalog_title, base)
    previous = None if full else manifest.read(out, settings)
    maker = apps.Maker(staging, config.catalog_title, settings, history, previous)
    report, made = _made_by_lint(source, config, maker)
    failing = _failing(report)
    if report.errors and not skip_invalid:
        raise InvalidSubmissions(report, failing)
    for slug in failing:
        if slug in made:
            apps.remove(staging, made.pop(slug))
    published = _write_lists(staging, config, base, history, list(made.values()))
    manifest.write(staging, settings, {slug: m.entry for slug, m in made.items()})
    reused = sum(1 for m in made.values() if m.reused)
    return Catalog(published, failing, [history.notice] if history.notice else [], reused)


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


@contextmanager
def _staging(out: Path) -> Iterator[Path]:
    """A temporary sibling of ``out`` to build into, swapped in for ``out`` when the block
    succeeds and removed when it fails."""
    out = out.absolute()
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".new", dir=out.parent))
    try:
        yield staging
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
    root: Path,
    out: Path,
    base_url: str | None = None,
    *,
    skip_invalid: bool = False,
    full: bool = False,
) -> Catalog:
    """Build the catalog of the repository at ``root`` into the folder ``out``.

    When ``out`` holds a previous build, the files of the apps that did not change are copied
    from it (the output is the same either way); ``full`` makes every app's files again.
    """
    check_output(out, root)
    with _staging(out) as staging:
        return _fill(staging, root, base_url, skip_invalid, full, out)
