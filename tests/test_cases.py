"""Whole-folder cases per rule: ``tests/cases/<rule>/{pass,fail}/<case>/``.

A case folder holds only what differs from the base submission ``acme-notes`` of
``conftest.py`` (a valid SAML integration): its files replace or add to the base's, and
``delete.txt`` lists base files to remove, ``about.txt`` says what the case shows. ``also.txt``
adds more base submissions, one
``SLUG APP NAME`` line each, and ``repo/`` is copied over the repository root (for example a
``.oin-gitops.yaml`` with other settings). A fail case pins every diagnostic of the run in ``expected.txt``, one
``PATH[:LINE:COLUMN] RULE MESSAGE`` line each (PATH relative to the submission folder); a pass
case must lint clean.

An update case (for the rules comparing an update with its published version) also holds
``published/``: files laid over the base submission the same way to make the published
version, committed on ``main`` on the date in ``published-on.txt`` (default: ten days before
``CASE_NOW``). The case's own files are then the update, linted as ``lint --changed-since
main`` does (the change rules run, with the published version as the base).
"""

from __future__ import annotations

import datetime
import shutil
from pathlib import Path

import pytest

from oin_gitops import engine
from oin_gitops.changes import changed_since, merge_base, published_in
from oin_gitops.config import load_config
from oin_gitops.diagnostics import Report
from oin_gitops.rules import BY_ID, evidence_checks
from oin_gitops.sources import DiskSource, GitSource
from tests.conftest import ScratchRepo, git

CASES_DIR = Path(__file__).parent / "cases"
# Certificate dates in case folders are judged at this instant, not the time of the run, so
# committed certificates never go stale (tests/fixtures/evidence/generate.py makes them).
CASE_NOW = datetime.datetime(2030, 6, 15, 12, 0, tzinfo=datetime.UTC)
PUBLISHED_ON = (CASE_NOW - datetime.timedelta(days=10)).isoformat()
CASES = sorted(p for p in CASES_DIR.glob("*/*/*") if p.is_dir())
META = {"expected.txt", "delete.txt", "also.txt", "about.txt", "published-on.txt"}
PUBLISHED = "published"
# Rules judging which folders a change touches, not a folder: tests/test_changes.py covers them.
SCOPE_RULES = {"pr-one-submission", "pr-outside-submissions", "submission-removed"}


def build(repo: ScratchRepo, case: Path) -> None:
    folder = repo.add_submission("acme-notes")
    if (case / PUBLISHED).is_dir():
        _overlay(case / PUBLISHED, folder)
        _publish(repo, case)
    if (case / "also.txt").exists():
        for line in (case / "also.txt").read_text().splitlines():
            slug, _, name = line.partition(" ")
            repo.add_submission(slug, name=name)
    if (case / "repo").is_dir():
        shutil.copytree(case / "repo", repo.root, dirs_exist_ok=True)
    deleted = (case / "delete.txt").read_text().split() if (case / "delete.txt").exists() else []
    for name in deleted:
        target = folder / name
        shutil.rmtree(target) if target.is_dir() else target.unlink()
    _overlay(case, folder)


def _overlay(case: Path, folder: Path) -> None:
    for path in sorted(case.rglob("*")):
        relative = path.relative_to(case)
        if relative.parts[0] in ("repo", PUBLISHED) or relative.as_posix() in META:
            continue
        if path.is_file():
            (folder / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, folder / relative)


def _publish(repo: ScratchRepo, case: Path) -> None:
    """Commit the published version on ``main``, dated, and start the update's branch."""
    dated = case / "published-on.txt"
    date = dated.read_text().strip() if dated.exists() else PUBLISHED_ON
    git(repo.root, "init", "-q", "-b", "main")
    git(repo.root, "add", "-A")
    git(repo.root, "commit", "-qm", "published", date=date)
    git(repo.root, "switch", "-qc", "update")


def _lint(repo: ScratchRepo) -> Report:
    if not (repo.root / ".git").is_dir():
        return repo.lint()
    source = DiskSource(repo.root)
    commit = merge_base(repo.root, "main")
    return engine.lint(
        source,
        load_config(source, frozenset(BY_ID)),
        change=changed_since(repo.root, "main"),
        base=GitSource(repo.root, commit),
        published_at=published_in(repo.root, commit),
        now=CASE_NOW,
    )


def render(repo: ScratchRepo) -> list[str]:
    lines = []
    for d in _lint(repo).diagnostics:
        where = d.path.removeprefix("submissions/acme-notes/")
        if d.line is not None:
            where += f":{d.line}:{d.column}"
        lines.append(f"{where} {d.rule} {d.message}")
    return lines


@pytest.mark.parametrize("case", CASES, ids=lambda p: "/".join(p.parts[-3:]))
def test_case(repo: ScratchRepo, case: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(evidence_checks, "clock", lambda: CASE_NOW)
    build(repo, case)
    if case.parent.name == "pass":
        assert render(repo) == []
    else:
        expected = (case / "expected.txt").read_text(encoding="utf-8").splitlines()
        assert expected, f"{case}/expected.txt pins nothing"
        found = render(repo)
        assert found == expected
        rule = case.parent.parent.name
        assert any(f" {rule} " in line for line in found), f"the case never triggers {rule}"


def test_case_folders_name_real_rules() -> None:
    assert {p.name for p in CASES_DIR.iterdir() if p.is_dir()} <= set(BY_ID)


def test_every_rule_with_a_check_has_pass_and_fail_cases() -> None:
    from oin_gitops.rules import RULES

    missing = [
        f"{rule.id}/{kind}"
        for rule in RULES
        if rule.check is not None and rule.id not in SCOPE_RULES
        for kind in ("pass", "fail")
        if not list((CASES_DIR / rule.id / kind).glob("*/"))
    ]
    assert missing == []
