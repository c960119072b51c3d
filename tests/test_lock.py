"""The privileged workflows install what was reviewed (issue 11, item 9).

oin-sync and oin-publish hold write tokens, so they install oin-gitops's dependencies, and
hatchling to build it, from requirements/privileged.txt: every release pinned with ``==`` and
checked against its sha256 hashes (``pip install --require-hashes``). This test fails when that
lock no longer covers pyproject.toml (a dependency added or its minimum raised without running
the refresh command below) or when a privileged workflow stops installing from it.
"""

from __future__ import annotations

import re
import shlex
import tomllib
from pathlib import Path
from typing import Any, NamedTuple

import pytest
from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version
from ruamel.yaml import YAML

ROOT = Path(__file__).resolve().parent.parent
LOCK_PATH = "requirements/privileged.txt"
LOCK = ROOT / LOCK_PATH
PYPROJECT = ROOT / "pyproject.toml"
OPERATOR_GUIDE = ROOT / "docs" / "operate-the-repository.md"
PRIVILEGED_WORKFLOWS = [
    ROOT / ".github" / "workflows" / "oin-sync.yml",
    ROOT / ".github" / "workflows" / "oin-publish.yml",
]
# Run from the repository root. pip-compile writes this line into the lock's header.
REFRESH_COMMAND = (
    "pip-compile --allow-unsafe --build-deps-for=wheel --generate-hashes --no-emit-find-links "
    f"--no-emit-index-url --output-file={LOCK_PATH} --strip-extras pyproject.toml"
)
# The runners: ubuntu-24.04 (x86_64) with Python 3.11 from actions/setup-python.
RUNNER_ENVIRONMENT = {
    **default_environment(),
    "python_version": "3.11",
    "python_full_version": "3.11.9",
    "implementation_name": "cpython",
    "platform_python_implementation": "CPython",
    "sys_platform": "linux",
    "platform_system": "Linux",
    "os_name": "posix",
    "platform_machine": "x86_64",
}
HASH = re.compile(r"--hash=sha256:[0-9a-f]{64}")


class Entry(NamedTuple):
    requirement: Requirement
    hashes: list[str]  # its options: each must be --hash=sha256:...
    via: set[str]  # pip-compile's annotation: what needs it


def lock_entries() -> dict[str, Entry]:
    """Normalised name -> Entry for every release the lock pins."""
    logical: list[tuple[str, set[str]]] = []  # (requirement line, via)
    pending = ""
    in_via = False
    for raw in LOCK.read_text(encoding="utf-8").splitlines():
        stripped = raw.strip()
        if stripped.startswith("#"):
            comment = stripped.lstrip("#").strip()
            if logical and comment.startswith("via"):
                logical[-1][1].update(filter(None, [comment.removeprefix("via").strip()]))
                in_via = True
            elif logical and in_via and raw.startswith("    #   "):
                logical[-1][1].add(comment)
            else:
                in_via = False
            continue
        in_via = False
        if stripped.endswith("\\"):
            pending += stripped[:-1] + " "
            continue
        line = (pending + stripped).strip()
        pending = ""
        if line:
            logical.append((line, set()))
    assert not pending, f"{LOCK_PATH}: ends inside a continued line"
    entries: dict[str, Entry] = {}
    for line, via in logical:
        assert not line.startswith("-"), (
            f"{LOCK_PATH}: option line {line!r}: the lock holds only hash-pinned releases "
            "(no index, find-links, editable or -r lines)"
        )
        spec, *options = line.split(" --")
        requirement = Requirement(spec.strip())
        name = canonicalize_name(requirement.name)
        assert name not in entries, f"{LOCK_PATH}: {name} is pinned twice"
        entries[name] = Entry(requirement, [f"--{o.strip()}" for o in options], via)
    return entries


def pinned_version(requirement: Requirement) -> Version:
    specifiers = list(requirement.specifier)
    assert len(specifiers) == 1 and specifiers[0].operator == "==", (
        f"{LOCK_PATH}: {requirement} must be pinned with a single '=='"
    )
    return Version(specifiers[0].version)


def pyproject() -> dict[str, Any]:
    return tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))


def needed_on_the_runner(requirement: Requirement) -> bool:
    return requirement.marker is None or requirement.marker.evaluate(RUNNER_ENVIRONMENT)


@pytest.fixture(scope="module")
def entries() -> dict[str, Entry]:
    assert LOCK.is_file(), f"{LOCK_PATH} is missing; create it with: {REFRESH_COMMAND}"
    return lock_entries()


def check_covered(requirements: list[str], where: str, entries: dict[str, Entry]) -> None:
    problems = []
    for text in requirements:
        requirement = Requirement(text)
        if not needed_on_the_runner(requirement):
            continue
        name = canonicalize_name(requirement.name)
        if name not in entries:
            problems.append(f"{text!r} from {where} is not in the lock")
            continue
        locked, options, _ = entries[name]
        version = pinned_version(locked)
        if not requirement.specifier.contains(version, prereleases=True):
            problems.append(f"{text!r} from {where}: the lock pins {name}=={version}")
        if not any(HASH.fullmatch(option) for option in options):
            problems.append(f"{name} has no --hash=sha256: in the lock")
    assert not problems, (
        f"{LOCK_PATH} does not cover pyproject.toml; refresh it from the repository root with\n"
        f"    {REFRESH_COMMAND}\n" + "\n".join(problems)
    )


def test_every_runtime_dependency_is_pinned_with_hashes(
    entries: dict[str, Entry],
) -> None:
    dependencies = pyproject()["project"]["dependencies"]
    assert dependencies, "pyproject.toml declares no runtime dependencies"
    check_covered(dependencies, "[project] dependencies", entries)


def test_the_build_backend_is_pinned_with_hashes(
    entries: dict[str, Entry],
) -> None:
    # The workflows build oin-gitops with --no-build-isolation: hatchling comes from the lock.
    check_covered(pyproject()["build-system"]["requires"], "[build-system] requires", entries)


def test_direct_entries_are_exactly_the_runtime_and_build_requirements(
    entries: dict[str, Entry],
) -> None:
    # pip-compile marks what pyproject.toml asks for directly; a test tool there means the lock
    # was compiled with the test extra, a stale name that the refresh was not run.
    def names(requirements: list[str]) -> set[str]:
        return {
            canonicalize_name(Requirement(r).name)
            for r in requirements
            if needed_on_the_runner(Requirement(r))
        }

    data = pyproject()
    for origin, expected in [
        ("oin-gitops (pyproject.toml)", names(data["project"]["dependencies"])),
        (
            "oin-gitops (pyproject.toml::build-system.requires)",
            names(data["build-system"]["requires"]),
        ),
    ]:
        direct = {name for name, entry in entries.items() if origin in entry.via}
        assert direct == expected, (
            f"{LOCK_PATH}: pinned 'via {origin}': {sorted(direct)}, expected {sorted(expected)}; "
            f"refresh it with: {REFRESH_COMMAND}"
        )


def test_every_entry_is_pinned_with_sha256_hashes(
    entries: dict[str, Entry],
) -> None:
    assert entries, f"{LOCK_PATH} pins nothing"
    for name, (requirement, options, _) in entries.items():
        pinned_version(requirement)
        assert requirement.url is None, f"{LOCK_PATH}: {name} comes from a URL"
        assert not requirement.extras, f"{LOCK_PATH}: {name} has extras (use --strip-extras)"
        assert options, f"{LOCK_PATH}: {name} has no --hash"
        for option in options:
            assert HASH.fullmatch(option), f"{LOCK_PATH}: {name}: {option!r} is not a sha256 hash"


def test_the_header_carries_the_refresh_command() -> None:
    lines = LOCK.read_text(encoding="utf-8").splitlines(keepends=True)
    header = "".join(
        line
        for line in lines[
            : next((i for i, line in enumerate(lines) if not line.startswith("#")), len(lines))
        ]
    )
    assert "autogenerated by pip-compile with Python 3.11" in header, (
        f"{LOCK_PATH}: compile it with Python 3.11, the runners' Python"
    )
    assert f"#    {REFRESH_COMMAND}\n" in header, (
        f"{LOCK_PATH}: the header must name the refresh command: {REFRESH_COMMAND}"
    )
    assert REFRESH_COMMAND in OPERATOR_GUIDE.read_text(encoding="utf-8"), (
        "docs/operate-the-repository.md must show the refresh command"
    )


@pytest.mark.parametrize("path", PRIVILEGED_WORKFLOWS, ids=lambda path: path.name)
def test_privileged_workflows_install_the_lock_with_require_hashes(path: Path) -> None:
    doc = YAML(typ="safe", pure=True).load(path.read_text(encoding="utf-8"))
    for job_id, job in doc["jobs"].items():
        scripts = [step["run"] for step in job.get("steps") or [] if "run" in step]
        if not any("pip install" in script for script in scripts):
            continue
        installs = [
            shlex.split(line)
            for script in scripts
            for line in script.replace("\\\n", " ").splitlines()
            if "pip install" in line
        ]
        from_lock = [
            argv
            for argv in installs
            if "--require-hashes" in argv
            and "-r" in argv
            and argv[argv.index("-r") + 1 : argv.index("-r") + 2] == [LOCK_PATH]
        ]
        assert from_lock, (
            f"{path.name} job '{job_id}': install with "
            f"'pip install --require-hashes --no-deps -r {LOCK_PATH}'"
        )
        assert all("--no-deps" in argv for argv in from_lock), (
            f"{path.name} job '{job_id}': install the lock with --no-deps"
        )
