"""Whole-folder cases per rule: ``tests/cases/<rule>/{pass,fail}/<case>/``.

A case folder holds only what differs from the base submission ``acme-notes`` of
``conftest.py`` (a valid SAML integration): its files replace or add to the base's, and
``delete.txt`` lists base files to remove, ``about.txt`` says what the case shows. ``also.txt``
adds more base submissions, one
``SLUG APP NAME`` line each, and ``repo/`` is copied over the repository root (for example a
``.oin-gitops.yaml`` with other settings). A fail case pins every diagnostic of the run in ``expected.txt``, one
``PATH[:LINE:COLUMN] RULE MESSAGE`` line each (PATH relative to the submission folder); a pass
case must lint clean.
"""

from __future__ import annotations

import datetime
import shutil
from pathlib import Path

import pytest

from oin_gitops.rules import BY_ID, evidence_checks
from tests.conftest import ScratchRepo

CASES_DIR = Path(__file__).parent / "cases"
# Certificate dates in case folders are judged at this instant, not the time of the run, so
# committed certificates never go stale (tests/fixtures/evidence/generate.py makes them).
CASE_NOW = datetime.datetime(2030, 6, 15, 12, 0, tzinfo=datetime.UTC)
CASES = sorted(p for p in CASES_DIR.glob("*/*/*") if p.is_dir())
META = {"expected.txt", "delete.txt", "also.txt", "about.txt"}


def build(repo: ScratchRepo, case: Path) -> None:
    folder = repo.add_submission("acme-notes")
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
    for path in sorted(case.rglob("*")):
        relative = path.relative_to(case)
        if path.is_file() and relative.as_posix() not in META and relative.parts[0] != "repo":
            (folder / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, folder / relative)


def render(repo: ScratchRepo) -> list[str]:
    lines = []
    for d in repo.lint().diagnostics:
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

    # Change rules judge a git change, not a folder: tests/test_changes.py covers them.
    missing = [
        f"{rule.id}/{kind}"
        for rule in RULES
        if rule.check is not None and rule.scope != "change"
        for kind in ("pass", "fail")
        if not list((CASES_DIR / rule.id / kind).glob("*/"))
    ]
    assert missing == []
