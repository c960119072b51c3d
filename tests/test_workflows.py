"""Policy checks for .github/workflows/*.yml and action.yml (DESIGN §9), plus zizmor and the
GitHub workflow/action JSON Schemas. No network: zizmor runs --offline and check-jsonschema
uses the schemas it ships."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS_DIR = ROOT / ".github" / "workflows"
ACTION = ROOT / "action.yml"
# A JSON copy of reference/action-pins.md: action (owner/repo) -> {"tag", "commit"}.
PINS: dict[str, dict[str, str]] = json.loads(
    (Path(__file__).parent / "fixtures" / "action-pins.json").read_text(encoding="utf-8")
)

WORKFLOWS = sorted([*WORKFLOWS_DIR.glob("*.yml"), *WORKFLOWS_DIR.glob("*.yaml")])
ALL_FILES = [*WORKFLOWS, ACTION]

SHA_RE = re.compile(r"[0-9a-f]{40}")
THIRD_PARTY_RE = re.compile(
    r"(?P<action>[A-Za-z0-9][A-Za-z0-9-]*/[A-Za-z0-9._-]+)(?P<subpath>/[^@\s]+)?@(?P<ref>\S+)"
)
USES_LINE_RE = re.compile(r"^\s*(?:-\s+)?uses:\s*(?P<value>[^\s#]+)(?P<rest>.*)$")
EXPRESSION_RE = re.compile(r"\$\{\{(.*?)\}\}", re.DOTALL)
IGNORE_RE = re.compile(r"#\s*zizmor:\s*ignore\[[^\]]*\](?P<after>.*)$")

OIN_CHECK_TRIGGERS = {
    "pull_request": {
        "opened",
        "synchronize",
        "reopened",
        "edited",
        "ready_for_review",
        "converted_to_draft",
        "closed",
    },
    "pull_request_review": {"submitted", "dismissed"},
}
ACTION_INPUTS = {"command", "paths", "changed-since", "format", "config", "strict"}
ACTION_OUTPUTS = {"errors", "warnings", "submissions"}
# Where action.yml's install step puts its virtual environment, under $RUNNER_TEMP.
VENV_DIR = "oin-gitops-action"


def load(path: Path) -> Any:
    # ruamel.yaml speaks YAML 1.2: `on:` stays the string "on" (YAML 1.1 loaders make it True),
    # and a duplicated key is an error rather than a silent overwrite.
    return YAML(typ="safe", pure=True).load(path.read_text(encoding="utf-8"))


def rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def triggers(doc: dict[str, Any]) -> dict[str, Any]:
    on = doc["on"]
    if isinstance(on, str):
        return {on: None}
    if isinstance(on, list):
        return dict.fromkeys(on)
    return dict(on)


def steps(doc: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """(where, step) for every step of a workflow's jobs or of a composite action."""
    if "jobs" in doc:
        for job_id, job in doc["jobs"].items():
            for index, step in enumerate(job.get("steps") or []):
                yield f"jobs.{job_id}.steps[{index}]", step
    else:
        for index, step in enumerate(doc["runs"].get("steps") or []):
            yield f"runs.steps[{index}]", step


def all_uses(doc: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """(where, value) for every `uses:`: steps, and jobs calling a reusable workflow."""
    for job_id, job in (doc.get("jobs") or {}).items():
        if "uses" in job:
            yield f"jobs.{job_id}", job["uses"]
    for where, step in steps(doc):
        if "uses" in step:
            yield where, step["uses"]


def scalars(node: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], str]]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield from scalars(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from scalars(value, (*path, index))
    elif isinstance(node, str):
        yield path, node


@pytest.fixture(scope="module")
def docs() -> dict[Path, Any]:
    return {path: load(path) for path in ALL_FILES}


# --- the files are there and parse ------------------------------------------------------------


def test_expected_files_exist() -> None:
    names = {path.name for path in WORKFLOWS}
    assert {"oin-check.yml", "ci.yml"} <= names, f"missing workflows; found {sorted(names)}"
    assert ACTION.is_file(), "action.yml is missing at the repository root"


@pytest.mark.parametrize("path", WORKFLOWS, ids=rel)
def test_on_is_a_string_key(path: Path, docs: dict[Path, Any]) -> None:
    doc = docs[path]
    assert "on" in doc, f"{rel(path)}: no 'on:' key (or the YAML loader turned it into True)"
    assert True not in doc, f"{rel(path)}: a key parsed as boolean True (YAML 1.1 'on')"


def test_pins_fixture_is_well_formed() -> None:
    for action, pin in PINS.items():
        assert re.fullmatch(r"[\w-]+/[\w.-]+", action), f"action-pins.json: bad action {action!r}"
        assert set(pin) == {"tag", "commit"}, f"action-pins.json: {action} needs tag and commit"
        assert SHA_RE.fullmatch(pin["commit"]), f"action-pins.json: {action} commit is not a SHA"
        assert re.fullmatch(r"v\d+\.\d+\.\d+", pin["tag"]), f"action-pins.json: {action} tag"


# --- permissions and triggers -----------------------------------------------------------------


@pytest.mark.parametrize("path", WORKFLOWS, ids=rel)
def test_permissions_are_empty_at_the_top_and_granted_per_job(
    path: Path, docs: dict[Path, Any]
) -> None:
    doc = docs[path]
    assert "permissions" in doc, f"{rel(path)}: no top-level 'permissions' (must be {{}})"
    assert doc["permissions"] == {}, f"{rel(path)}: top-level permissions must be {{}}"
    for job_id, job in doc["jobs"].items():
        assert "permissions" in job, f"{rel(path)}: job '{job_id}' declares no 'permissions'"
        assert isinstance(job["permissions"], dict), (
            f"{rel(path)}: job '{job_id}' permissions must be a mapping, not "
            f"{job['permissions']!r} (write-all/read-all are too broad)"
        )


@pytest.mark.parametrize("path", WORKFLOWS, ids=rel)
def test_no_pull_request_target(path: Path, docs: dict[Path, Any]) -> None:
    assert "pull_request_target" not in triggers(docs[path]), (
        f"{rel(path)}: pull_request_target runs PR code with a write token and secrets"
    )


def test_oin_check_triggers_and_permissions(docs: dict[Path, Any]) -> None:
    path = WORKFLOWS_DIR / "oin-check.yml"
    on = triggers(docs[path])
    assert set(on) == set(OIN_CHECK_TRIGGERS), f"oin-check triggers: {sorted(on)}"
    for event, types in OIN_CHECK_TRIGGERS.items():
        assert set(on[event]) == {"types"}, f"oin-check: '{event}' must filter by types only"
        listed = on[event]["types"]
        assert len(listed) == len(set(listed)), f"oin-check: '{event}' types repeat"
        assert set(listed) == types, f"oin-check: '{event}' types are {listed}, want {types}"
    for job_id, job in docs[path]["jobs"].items():
        assert job["permissions"] == {"contents": "read"}, (
            f"oin-check: job '{job_id}' permissions must be exactly contents: read"
        )


def test_oin_check_steps(docs: dict[Path, Any]) -> None:
    path = WORKFLOWS_DIR / "oin-check.yml"
    all_steps = [step for _, step in steps(docs[path])]
    checkout = [s for s in all_steps if str(s.get("uses", "")).startswith("actions/checkout@")]
    assert checkout, "oin-check: no actions/checkout step"
    assert all(s["with"].get("fetch-depth") == 0 for s in checkout), (
        "oin-check: checkout needs fetch-depth: 0 so --changed-since can diff"
    )
    local = [s for s in all_steps if s.get("uses") == "./" and "command" not in s.get("with", {})]
    assert len(local) == 1, "oin-check: must lint with the local action (uses: ./) once"
    assert local[0]["with"] == {
        "changed-since": "${{ github.event.pull_request.base.sha }}",
        "format": "github",
    }, f"oin-check: local action inputs are {local[0]['with']}"
    upload = [s for s in all_steps if str(s.get("uses", "")).startswith("actions/upload-artifact@")]
    assert len(upload) == 1, "oin-check: one actions/upload-artifact step"
    assert upload[0].get("if") == "always()", "oin-check: upload the artifact even on failure"
    assert upload[0]["with"]["name"] == "oin-check", "oin-check: artifact must be 'oin-check'"
    assert 1 <= int(upload[0]["with"]["retention-days"]) <= 7, "oin-check: short retention"


def test_oin_sync_never_runs_pull_request_code(docs: dict[Path, Any]) -> None:
    doc = docs[WORKFLOWS_DIR / "oin-sync.yml"]
    on = triggers(doc)
    assert on["workflow_run"] == {"workflows": ["oin-check"], "types": ["completed"]}
    assert set(on) == {"workflow_run", "schedule", "workflow_dispatch"}
    assert doc["concurrency"]["cancel-in-progress"] is False
    checkouts = [
        step for _, step in steps(doc) if str(step.get("uses", "")).startswith("actions/checkout@")
    ]
    assert [c["with"]["ref"] for c in checkouts] == [
        "${{ github.event.repository.default_branch }}"
    ]
    assert doc["jobs"]["sync"]["permissions"] == {
        "contents": "read",
        "pull-requests": "write",
        "issues": "write",
        "statuses": "write",
        "actions": "read",
    }


def test_oin_publish_queues_builds_with_history_and_least_privilege(docs: dict[Path, Any]) -> None:
    doc = docs[WORKFLOWS_DIR / "oin-publish.yml"]
    assert triggers(doc)["push"] == {"branches": ["main"], "paths": ["submissions/**"]}
    assert doc["concurrency"] == {"group": "oin-publish", "cancel-in-progress": False}
    jobs = doc["jobs"]
    assert jobs["build"]["permissions"] == {"contents": "read", "pages": "read"}
    assert jobs["deploy"]["permissions"] == {"pages": "write", "id-token": "write"}
    assert set(jobs["record"]["permissions"]) == {"contents", "pull-requests", "issues", "statuses"}
    build_checkout = jobs["build"]["steps"][0]
    assert build_checkout["with"]["fetch-depth"] == 0
    used = {str(step.get("uses", "")).split("@")[0] for _, step in steps(doc)}
    assert {
        "actions/configure-pages",
        "actions/upload-pages-artifact",
        "actions/deploy-pages",
    } <= used


# Workflows with write tokens install only the reviewed, hash-pinned lock (tests/test_lock.py
# checks that the lock covers pyproject.toml). Quietness flags aside, each `pip install` is one
# of these two: the lock, then the project itself offline, without resolving anything.
PRIVILEGED_WORKFLOWS = ["oin-sync.yml", "oin-publish.yml"]
PRIVILEGED_LOCK = "requirements/privileged.txt"
INSTALL_FROM_LOCK = {"--require-hashes", "--no-deps", "-r", PRIVILEGED_LOCK}
INSTALL_PROJECT_OFFLINE = {"--no-index", "--no-deps", "--no-build-isolation", "."}


def pip_commands(script: str) -> list[list[str]]:
    """The arguments after `pip` of every `... -m pip ...` line (continuations joined)."""
    found = []
    for line in script.replace("\\\n", " ").splitlines():
        if not re.search(r"\bpip\b", line):
            continue  # shlex only the lines that may run pip (a step may embed Python)
        argv = shlex.split(line, comments=True)
        if "pip" in argv:
            found.append(argv[argv.index("pip") + 1 :])
    return found


@pytest.mark.parametrize("name", PRIVILEGED_WORKFLOWS)
def test_privileged_workflows_install_only_from_the_lock(name: str, docs: dict[Path, Any]) -> None:
    doc = docs[WORKFLOWS_DIR / name]
    for job_id, job in doc["jobs"].items():
        job_steps = job.get("steps") or []
        runs_bot = [i for i, s in enumerate(job_steps) if "/bin/oin-gitops" in s.get("run", "")]
        installs = [i for i, s in enumerate(job_steps) if s.get("name") == "Install oin-gitops"]
        if not runs_bot:
            assert not installs, f"{name} job '{job_id}': installs oin-gitops but never runs it"
            continue
        assert len(installs) == 1 and installs[0] < runs_bot[0], (
            f"{name} job '{job_id}': one 'Install oin-gitops' step before oin-gitops runs"
        )
        install = job_steps[installs[0]]
        assert "env" not in install, f"{name} job '{job_id}': the install step needs no env (token)"
        commands = pip_commands(install["run"])
        kinds = []
        for argv in commands:
            if argv[:1] == ["check"]:
                kinds.append("check")
                continue
            assert argv[:1] == ["install"], f"{name} job '{job_id}': unexpected pip {argv}"
            args = set(argv[1:]) - {"--quiet", "-q", "--disable-pip-version-check"}
            assert args in (INSTALL_FROM_LOCK, INSTALL_PROJECT_OFFLINE), (
                f"{name} job '{job_id}': 'pip {' '.join(argv)}' may resolve outside the lock; "
                f"install with --require-hashes --no-deps -r {PRIVILEGED_LOCK}, then the "
                "project with --no-index --no-deps --no-build-isolation ."
            )
            kinds.append("lock" if args == INSTALL_FROM_LOCK else "project")
        assert kinds == ["lock", "project", "check"], (
            f"{name} job '{job_id}': install the lock, then the project, then run pip check "
            f"(found {kinds})"
        )
        for index, step in enumerate(job_steps):
            if index != installs[0]:
                assert not pip_commands(step.get("run", "")), (
                    f"{name} job '{job_id}': pip runs outside the 'Install oin-gitops' step"
                )


def test_ci_workflow(docs: dict[Path, Any]) -> None:
    doc = docs[WORKFLOWS_DIR / "ci.yml"]
    on = triggers(doc)
    assert set(on) == {"push", "pull_request"}, f"ci triggers: {sorted(on)}"
    assert on["push"] == {"branches": ["main"]}, "ci: push to main only"
    for job_id, job in doc["jobs"].items():
        assert job["permissions"] == {"contents": "read"}, f"ci: job '{job_id}' permissions"
    all_steps = [step for _, step in steps(doc)]
    setup = [s for s in all_steps if str(s.get("uses", "")).startswith("actions/setup-python@")]
    assert setup, "ci: no actions/setup-python step"
    assert str(setup[0]["with"]["python-version"]) == "3.11", "ci: Python 3.11"
    assert any(s.get("run", "").strip() == "bash .ci/run" for s in all_steps), (
        "ci: must run `bash .ci/run`"
    )


# --- actions: pinning, checkout credentials, expressions in scripts ---------------------------


@pytest.mark.parametrize("path", ALL_FILES, ids=rel)
def test_third_party_actions_are_pinned_to_known_commits(path: Path, docs: dict[Path, Any]) -> None:
    for where, uses in all_uses(docs[path]):
        if uses.startswith("./"):
            continue  # this repository's own action or reusable workflow
        match = THIRD_PARTY_RE.fullmatch(uses)
        assert match, f"{rel(path)} {where}: 'uses: {uses}' is not owner/repo[/path]@<sha>"
        assert SHA_RE.fullmatch(match["ref"]), (
            f"{rel(path)} {where}: '{uses}' must be pinned to a full 40-hex commit SHA"
        )
        pin = PINS.get(match["action"])
        assert pin is not None, (
            f"{rel(path)} {where}: {match['action']} is not in tests/fixtures/action-pins.json"
        )
        assert match["ref"] == pin["commit"], (
            f"{rel(path)} {where}: {match['action']} is pinned to {match['ref']}, "
            f"but action-pins.json allows only {pin['commit']} ({pin['tag']})"
        )


@pytest.mark.parametrize("path", ALL_FILES, ids=rel)
def test_pinned_uses_carry_the_tag_comment(path: Path, docs: dict[Path, Any]) -> None:
    lines = path.read_text(encoding="utf-8").splitlines()
    found = []
    for number, line in enumerate(lines, 1):
        match = USES_LINE_RE.match(line)
        if not match:
            continue
        value = match["value"].strip("'\"")
        found.append(value)
        third = THIRD_PARTY_RE.fullmatch(value)
        if value.startswith("./") or not third or third["action"] not in PINS:
            continue  # reported by the pinning test
        tag = PINS[third["action"]]["tag"]
        comment = re.match(r"\s+#\s*(\S+)", match["rest"])
        assert comment, f"{rel(path)}:{number}: 'uses: {value}' needs the comment '# {tag}'"
        assert comment.group(1) == tag, (
            f"{rel(path)}:{number}: comment says {comment.group(1)}, action-pins.json says {tag}"
        )
    parsed = [uses for _, uses in all_uses(docs[path])]
    assert sorted(found) == sorted(parsed), (
        f"{rel(path)}: write every 'uses:' as a plain `uses: value  # tag` line "
        f"(lines: {sorted(found)}, parsed: {sorted(parsed)})"
    )


@pytest.mark.parametrize("path", ALL_FILES, ids=rel)
def test_every_checkout_drops_credentials(path: Path, docs: dict[Path, Any]) -> None:
    for where, step in steps(docs[path]):
        if str(step.get("uses", "")).startswith("actions/checkout@"):
            value = (step.get("with") or {}).get("persist-credentials")
            assert value in (False, "false"), (
                f"{rel(path)} {where}: actions/checkout needs persist-credentials: false"
            )


@pytest.mark.parametrize("path", ALL_FILES, ids=rel)
def test_no_expressions_inside_run(path: Path, docs: dict[Path, Any]) -> None:
    for where, step in steps(docs[path]):
        script = step.get("run")
        if script is not None:
            assert "${{" not in script, (
                f"{rel(path)} {where}: '${{{{' inside run: pass the value through env: "
                "and use it quoted instead"
            )


# --- action.yml -------------------------------------------------------------------------------


def test_action_interface(docs: dict[Path, Any]) -> None:
    action = docs[ACTION]
    assert action["runs"]["using"] == "composite", "action.yml must be a composite action"
    assert set(action["inputs"]) == ACTION_INPUTS, f"action inputs: {sorted(action['inputs'])}"
    assert set(action["outputs"]) == ACTION_OUTPUTS, f"action outputs: {sorted(action['outputs'])}"
    defaults = {name: spec.get("default") for name, spec in action["inputs"].items()}
    assert defaults == {
        "command": "lint",
        "paths": "",
        "changed-since": "",
        "format": "github",
        "config": "",
        "strict": "false",
    }, f"action input defaults: {defaults}"
    for name, spec in action["outputs"].items():
        assert spec["value"] == f"${{{{ steps.lint.outputs.{name} }}}}", (
            f"action output '{name}' must come from the lint step"
        )


def test_action_inputs_reach_scripts_only_through_env(docs: dict[Path, Any]) -> None:
    referenced: set[str] = set()
    for path, text in scalars(docs[ACTION]):
        for expression in EXPRESSION_RE.findall(text):
            names = re.findall(r"\binputs\.([A-Za-z0-9_-]+)", expression)
            if not names:
                continue
            in_env = len(path) == 5 and path[:2] == ("runs", "steps") and path[3] == "env"
            assert in_env, (
                f"action.yml {'.'.join(map(str, path))}: 'inputs.' may appear only in a step's env:"
            )
            referenced.update(names)
    assert referenced == ACTION_INPUTS, (
        f"action.yml: inputs not passed to any step: {sorted(ACTION_INPUTS - referenced)}"
    )


def test_action_scripts_are_strict_bash(docs: dict[Path, Any]) -> None:
    for where, step in steps(docs[ACTION]):
        if "run" in step:
            assert step.get("shell") == "bash", f"action.yml {where}: shell must be bash"
            first = step["run"].lstrip().splitlines()[0]
            assert first == "set -euo pipefail", f"action.yml {where}: start with set -euo pipefail"


def test_action_installs_into_its_own_venv(docs: dict[Path, Any]) -> None:
    install = next(
        s["run"] for _, s in steps(docs[ACTION]) if s.get("name") == "Install oin-gitops"
    )
    assert f'venv="$RUNNER_TEMP/{VENV_DIR}"' in install, "install into a venv under $RUNNER_TEMP"
    assert '"$venv/bin/python" -m pip install' in install, "pip only from the action's venv"
    assert '"$GITHUB_ACTION_PATH"' in install, "install the action's own checkout"
    for line in install.splitlines():
        if "pip install" in line or "pip3 install" in line:
            assert line.strip().startswith('"$venv/bin/python" -m pip install'), (
                f"never pip install into the runner's Python: {line.strip()}"
            )


# --- action.yml's run script, executed with a stand-in CLI ------------------------------------

BASH = shutil.which("bash")
STUB = """#!/usr/bin/env bash
printf '%s\\n' "$@" > "$RUNNER_TEMP/args"
printf '%s' "${OIN_GITOPS_AUTHOR-<unset>}" > "$RUNNER_TEMP/author"
exit "${STUB_EXIT:-0}"
"""


def run_lint_step(tmp_path: Path, docs: dict[Path, Any], **inputs: str) -> tuple[int, list[str]]:
    """Run action.yml's lint step with a stub `oin-gitops` in its venv; returns (exit, argv)."""
    step = next(s for _, s in steps(docs[ACTION]) if s.get("id") == "lint")
    temp = tmp_path / "runner-temp"
    stub = temp / VENV_DIR / "bin" / "oin-gitops"
    stub.parent.mkdir(parents=True, exist_ok=True)
    stub.write_text(STUB, encoding="utf-8")
    stub.chmod(stub.stat().st_mode | stat.S_IXUSR)
    (temp / "args").unlink(missing_ok=True)
    work = tmp_path / "work"
    work.mkdir(exist_ok=True)
    (work / "glob-bait.txt").write_text("", encoding="utf-8")
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "RUNNER_TEMP": str(temp),
        "INPUT_COMMAND": "lint",
        "INPUT_PATHS": "",
        "INPUT_CHANGED_SINCE": "",
        "INPUT_FORMAT": "github",
        "INPUT_CONFIG": "",
        "INPUT_STRICT": "false",
        "OIN_GITOPS_SHA": "0" * 40,
        "OIN_GITOPS_AUTHOR": "acme-alice",
    }
    env.update(inputs)
    done = subprocess.run(
        [BASH or "bash", "-c", step["run"]], cwd=work, env=env, capture_output=True, text=True
    )
    args_file = temp / "args"
    argv = args_file.read_text(encoding="utf-8").splitlines() if args_file.exists() else []
    return done.returncode, argv


needs_bash = pytest.mark.skipif(BASH is None, reason="bash is not installed")


@needs_bash
def test_lint_step_defaults(tmp_path: Path, docs: dict[Path, Any]) -> None:
    code, argv = run_lint_step(tmp_path, docs)
    assert code == 0
    assert argv == ["lint", "--format", "github", "--"]
    assert (tmp_path / "runner-temp" / "author").read_text() == "acme-alice"


@needs_bash
def test_lint_step_passes_every_input(tmp_path: Path, docs: dict[Path, Any]) -> None:
    code, argv = run_lint_step(
        tmp_path,
        docs,
        INPUT_PATHS="submissions/acme-notes  submissions/ledgerly\nsubmissions/x/saml.yaml\n",
        INPUT_CHANGED_SINCE="a" * 40,
        INPUT_FORMAT="sarif",
        INPUT_CONFIG="ci/oin gitops.yaml",
        INPUT_STRICT="true",
        OIN_GITOPS_AUTHOR="",
    )
    assert code == 0
    assert argv == [
        "lint",
        "--format",
        "sarif",
        "--strict",
        f"--changed-since={'a' * 40}",
        "--config=ci/oin gitops.yaml",
        "--",
        "submissions/acme-notes",
        "submissions/ledgerly",
        "submissions/x/saml.yaml",
    ]
    assert (tmp_path / "runner-temp" / "author").read_text() == "<unset>"


@needs_bash
def test_lint_step_treats_paths_as_data(tmp_path: Path, docs: dict[Path, Any]) -> None:
    hostile = "$(touch pwned) `touch pwned2` * --strict ;touch pwned3"
    code, argv = run_lint_step(tmp_path, docs, INPUT_PATHS=hostile)
    assert code == 0
    # Split on whitespace only: no command substitution, no globbing, and after "--" so that
    # "--strict" stays a path.
    assert argv == ["lint", "--format", "github", "--", *hostile.split()]
    assert not list((tmp_path / "work").glob("pwned*")), "a path was executed as code"


@needs_bash
def test_lint_step_status_command(tmp_path: Path, docs: dict[Path, Any]) -> None:
    code, argv = run_lint_step(
        tmp_path, docs, INPUT_COMMAND="status", INPUT_PATHS="acme-notes", INPUT_FORMAT="json"
    )
    assert code == 0
    assert argv == ["status", "--format", "json", "--", "acme-notes"]


@needs_bash
@pytest.mark.parametrize(
    "inputs",
    [
        {"INPUT_COMMAND": "unseal"},
        {"INPUT_COMMAND": "lint; touch pwned"},
        {"INPUT_FORMAT": "html"},
        {"INPUT_STRICT": "yes"},
        {"INPUT_CHANGED_SINCE": "--output=/tmp/pwned"},
        {"INPUT_CHANGED_SINCE": "main\nHEAD"},
    ],
    ids=["command", "command-injection", "format", "strict", "ref-option", "ref-newline"],
)
def test_lint_step_refuses_bad_inputs(
    tmp_path: Path, docs: dict[Path, Any], inputs: dict[str, str]
) -> None:
    code, argv = run_lint_step(tmp_path, docs, **inputs)
    assert code == 2, "a bad input is a usage error (exit 2)"
    assert argv == [], "the CLI must not run"
    assert not list((tmp_path / "work").glob("pwned*"))


@needs_bash
@pytest.mark.parametrize("exit_code", [1, 2, 3])
def test_lint_step_fails_when_lint_fails(
    tmp_path: Path, docs: dict[Path, Any], exit_code: int
) -> None:
    code, _ = run_lint_step(tmp_path, docs, STUB_EXIT=str(exit_code))
    assert code == exit_code, "the lint exit status must be the step's result"


# --- oin-check's artifact step, executed --------------------------------------------------------


def run_record_step(tmp_path: Path, docs: dict[Path, Any], pr: str, sha: str) -> int:
    doc = docs[WORKFLOWS_DIR / "oin-check.yml"]
    step = next(s for _, s in steps(doc) if "PR_NUMBER" in (s.get("env") or {}))
    assert step["env"] == {
        "PR_NUMBER": "${{ github.event.pull_request.number }}",
        "HEAD_SHA": "${{ github.event.pull_request.head.sha }}",
    }
    assert step.get("if") == "always()", "oin-check: record {pr, head_sha} even when lint fails"
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "RUNNER_TEMP": str(tmp_path),
        "PR_NUMBER": pr,
        "HEAD_SHA": sha,
    }
    done = subprocess.run(
        [BASH or "bash", "-c", step["run"]], env=env, capture_output=True, text=True
    )
    return done.returncode


@needs_bash
def test_record_step_writes_the_artifact(tmp_path: Path, docs: dict[Path, Any]) -> None:
    assert run_record_step(tmp_path, docs, "42", "b" * 40) == 0
    written = json.loads((tmp_path / "oin-check" / "oin-check.json").read_text())
    assert written == {"pr": 42, "head_sha": "b" * 40}


@needs_bash
@pytest.mark.parametrize(
    ("pr", "sha"), [("42", 'x", "pr": 1'), ("4 2", "b" * 40), ("", "b" * 40), ("1", "B" * 40)]
)
def test_record_step_refuses_odd_values(
    tmp_path: Path, docs: dict[Path, Any], pr: str, sha: str
) -> None:
    assert run_record_step(tmp_path, docs, pr, sha) != 0
    assert not (tmp_path / "oin-check" / "oin-check.json").exists()


# --- zizmor and the GitHub JSON Schemas ---------------------------------------------------------


def tool(name: str) -> str:
    beside = Path(sys.executable).parent / name
    found = str(beside) if beside.exists() else shutil.which(name)
    if found is None:
        pytest.skip(f"{name} is not installed (pip install -e '.[test]' installs it)")
    return found


@pytest.mark.parametrize("path", ALL_FILES, ids=rel)
def test_zizmor_ignores_are_justified(path: Path) -> None:
    lines = path.read_text(encoding="utf-8").splitlines()
    for index, line in enumerate(lines):
        match = IGNORE_RE.search(line)
        if not match:
            continue
        same_line = match["after"].strip(" -—:")
        previous = lines[index - 1].strip() if index else ""
        previous_comment = (
            previous.lstrip("#").strip()
            if previous.startswith("#") and not IGNORE_RE.search(previous)
            else ""
        )
        assert len(same_line.split()) >= 3 or len(previous_comment.split()) >= 3, (
            f"{rel(path)}:{index + 1}: a '# zizmor: ignore[...]' needs a written justification "
            "on the same line or in a comment on the line before"
        )


def test_zizmor_finds_nothing_medium_or_higher() -> None:
    zizmor = tool("zizmor")
    done = subprocess.run(
        [
            zizmor,
            "--offline",
            "--no-config",  # only inline, justified ignores count (see the test above)
            "--strict-collection",
            "--format",
            "json",
            rel(WORKFLOWS_DIR),
            rel(ACTION),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    # 0: no findings; 10-14: findings, by highest severity; anything else: zizmor failed.
    assert done.returncode == 0 or 10 <= done.returncode <= 14, (
        f"zizmor failed ({done.returncode}): {done.stderr}"
    )
    findings = json.loads(done.stdout or "[]")
    serious = [
        f"{f['ident']} ({f['determinations']['severity']}) at "
        + ", ".join(
            f"{loc['symbolic']['key']['Local']['verbatim_path']}:"
            f"{loc['concrete']['location']['start_point']['row'] + 1}"
            for loc in f["locations"]
            if loc["symbolic"]["kind"] == "Primary" and "Local" in loc["symbolic"]["key"]
        )
        + f": {f['desc']}"
        for f in findings
        if f["determinations"]["severity"] in ("Medium", "High")
    ]
    assert not serious, "zizmor findings of medium severity or higher:\n" + "\n".join(serious)


@pytest.mark.parametrize(
    ("schema", "paths"),
    [("vendor.github-workflows", WORKFLOWS), ("vendor.github-actions", [ACTION])],
    ids=["workflows", "action"],
)
def test_github_json_schemas(schema: str, paths: list[Path]) -> None:
    check = tool("check-jsonschema")
    done = subprocess.run(
        [check, "--builtin-schema", schema, *map(str, paths)],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, f"check-jsonschema {schema}:\n{done.stdout}{done.stderr}"


@needs_bash
def test_preview_step_appends_one_card_per_slug(tmp_path: Path, docs: dict[Path, Any]) -> None:
    code, argv = run_lint_step(
        tmp_path, docs, INPUT_COMMAND="preview", INPUT_PATHS="acme-notes beta-app"
    )
    assert code == 0
    assert argv == ["catalog", "preview", "--", "beta-app"]  # the stand-in records the last call


def test_oin_check_previews_the_catalog_entry(docs: dict[Path, Any]) -> None:
    doc = docs[WORKFLOWS_DIR / "oin-check.yml"]
    previews = [step for _, step in steps(doc) if step.get("with", {}).get("command") == "preview"]
    assert len(previews) == 1
    assert previews[0]["uses"] == "./"
    assert "steps.lint.outputs.submissions" in previews[0]["with"]["paths"]
