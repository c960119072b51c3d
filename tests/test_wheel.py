"""An installed wheel, not the source tree, lints the shipped examples from outside the repository."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_wheel_ships_the_schemas_inside_the_package(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    for schema in (
        "submission",
        "config",
        "saml",
        "oidc",
        "scim",
        "workflows",
        "api-service",
        "common",
    ):
        assert f"oin_gitops/schemas/{schema}.schema.json" in names
    assert not [n for n in names if n.startswith(("tests/", "submissions/"))]


def test_installed_wheel_lints_the_examples_outside_the_repository(
    installed_wheel: Path, tmp_path: Path
) -> None:
    target = installed_wheel
    work = tmp_path / "elsewhere"
    shutil.copytree(ROOT / "submissions", work / "submissions")
    shutil.copy(ROOT / ".oin-gitops.yaml", work / ".oin-gitops.yaml")
    env = {**os.environ, "PYTHONPATH": str(target)}
    where = subprocess.run(
        [sys.executable, "-c", "import oin_gitops.schemas as s; print(s.schema_dir())"],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert where.stdout.strip() == str(target / "oin_gitops" / "schemas")
    done = subprocess.run(
        [sys.executable, "-m", "oin_gitops", "lint"],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.endswith("0 errors, 0 warnings, 0 notices.\n")
    assert done.stdout.startswith("Linted 4 submissions")
