"""The wheel ships the catalog's templates, assets and schema, and an installed wheel builds the
catalog outside the repository (as ``tests/test_wheel.py`` does for lint)."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.catalog.conftest import copy_examples, errors, read_json, tree

PACKAGE_DATA = [
    "oin_gitops/catalog/templates/base.html",
    "oin_gitops/catalog/templates/index.html",
    "oin_gitops/catalog/templates/app.html",
    "oin_gitops/catalog/templates/about.html",
    "oin_gitops/catalog/static/catalog.css",
    "oin_gitops/catalog/static/catalog.js",
    "oin_gitops/catalog/static/favicon.svg",
    "oin_gitops/schemas/catalog.schema.json",
]


@pytest.mark.slow
def test_the_wheel_ships_templates_assets_and_the_catalog_schema(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    assert [name for name in PACKAGE_DATA if name not in names] == []
    metadata = zipfile.ZipFile(wheel).read(
        next(n for n in names if n.endswith(".dist-info/METADATA"))
    )
    assert b"Requires-Dist: jinja2>=3.1\n" in metadata


@pytest.mark.slow
def test_an_installed_wheel_builds_the_catalog_outside_the_repository(
    installed_wheel: Path, tmp_path: Path
) -> None:
    target = installed_wheel
    work = copy_examples(tmp_path / "elsewhere")
    env = {**os.environ, "PYTHONPATH": str(target)}
    done = subprocess.run(
        [sys.executable, "-m", "oin_gitops", "catalog", "build", "--out", "public"],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout == "Built the catalog of 4 apps into public.\n"
    files = tree(work / "public")
    assert {"index.html", "about.html", "assets/catalog.js", "apps/brightdesk.html"} <= set(files)
    assert errors(read_json(work / "public/index.json")) == []
