"""The benchmark generator and runner (benchmarks/): deterministic, realistic, end to end.

Fast on purpose: small repositories only; the real measurements are `python benchmarks/run.py`.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from oin_gitops import secrets

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT / "benchmarks"))
import generate  # noqa: E402

# The rule each kind of planted finding must trip.
PLANTED_RULES = {
    "http-url": "schema",
    "missing-key": "schema",
    "logo-size": "logo-dimensions",
    "todo": "placeholder",
}


def git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(repo), *args], capture_output=True, text=True, check=True
    ).stdout.strip()


def test_generator_is_deterministic(tmp_path: Path) -> None:
    trees = []
    for name, seed in (("one", 3), ("two", 3), ("other", 4)):
        generate.generate(12, tmp_path / name, seed)
        trees.append(git(tmp_path / name, "rev-parse", "HEAD^{tree}"))
    assert trees[0] == trees[1]
    assert trees[2] != trees[0]
    # Several commits at fixed dates, packed.
    dates = git(tmp_path / "one", "log", "--format=%cI").splitlines()
    assert len(dates) >= 4
    assert dates[-1].startswith("2024-01-15") and dates[0].startswith("2024-09-16")


def test_sealed_values_open_with_the_repository_key(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    generate.generate(12, repo, 5)
    private = generate.repository_key(5)
    config = (repo / ".oin-gitops.yaml").read_text()
    assert secrets.b64(bytes(private.public_key)) in config
    values = [
        (path.parent.name, value)
        for path in sorted(repo.glob("submissions/*/*.yaml"))
        for value in re.findall(r'"(sealed:v2:[^"]+)"', path.read_text())
    ]
    assert len(values) >= 12
    opened = [secrets.open_value(value, private) for _, value in values]
    assert [place.slug for place, _ in opened] == [slug for slug, _ in values]
    plaintexts = {plaintext for _, plaintext in opened}
    assert len(plaintexts) == len(values)  # a seeded plaintext per secret


def test_generated_submissions_lint_clean_except_the_planted_ones(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    info = generate.generate(20, repo, 7)
    planted: dict[str, str] = info["planted"]  # type: ignore[assignment]
    assert sorted(planted.values()) == sorted(PLANTED_RULES)  # one of each kind at N = 20
    done = subprocess.run(
        [str(BIN / "oin-gitops"), "lint", "--format", "json"],
        cwd=repo,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 1, done.stderr
    report = json.loads(done.stdout)
    assert report["summary"]["submissions"] == 20
    errors: dict[str, set[str]] = {}
    for diagnostic in report["diagnostics"]:
        slug = diagnostic["path"].split("/")[1]
        if diagnostic["severity"] == "error":
            errors.setdefault(slug, set()).add(diagnostic["rule"])
        elif diagnostic["severity"] == "warning":
            pytest.fail(f"unexpected warning: {diagnostic}")
    assert set(errors) == set(planted)
    for slug, kind in planted.items():
        assert PLANTED_RULES[kind] in errors[slug], (slug, kind, errors[slug])

    # --changed: one more commit on the branch 'change' (checked out), one folder touched.
    slug = generate.add_change(repo)
    assert slug not in planted
    assert git(repo, "branch", "--show-current") == generate.CHANGE_BRANCH
    changed = git(repo, "diff", "--name-only", "main").splitlines()
    assert changed == [f"submissions/{slug}/submission.yaml"]


def test_run_end_to_end(tmp_path: Path) -> None:
    done = subprocess.run(
        [
            sys.executable,
            str(ROOT / "benchmarks" / "run.py"),
            "--sizes",
            "5",
            "--runs",
            "1",
            "--work",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("Machine: ") and "Python " in lines[0]
    rows = {}
    for line in lines:
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if line.startswith("| ") and cells[0] in {"a", "b", "c", "d", "d1", "e", "f", "f0"}:
            rows[cells[0]] = cells
    assert set(rows) == {"a", "b", "c", "d", "d1", "e", "f", "f0"}
    for key, cells in rows.items():
        assert len(cells) == 9, cells
        wall, cpu, rss = (float(cells[i]) for i in (3, 4, 5))
        assert wall > 0 and cpu >= 0 and rss > 0, (key, cells)
    assert rows["a"][2] == "5" and rows["d1"][2] == "1" and rows["f0"][2] == "—"
    for key in ("a", "d", "e", "f"):
        assert set(rows[key][8].split("; ")) <= {"PASS", "FAIL"}, rows[key]
    assert len(rows["a"][6].split("; ")) == 2  # a ≤ 0.5 × b and a ≤ 3 × c (no RSS target at N=5)
