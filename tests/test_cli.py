"""The command line: goldens for output, exit codes, path handling, help and the json shape."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from oin_gitops import __version__, engine
from oin_gitops.cli import main
from tests.conftest import SAML_YAML, ScratchRepo

GOLDEN = Path(__file__).parent / "golden"


class Run:
    def __init__(self, code: int, out: str, err: str) -> None:
        self.code, self.out, self.err = code, out, err


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch):
    def invoke(*argv: str, cwd: Path | None = None) -> Run:
        if cwd is not None:
            monkeypatch.chdir(cwd)
        with pytest.raises(SystemExit) as exited:
            main(list(argv))
        captured = capsys.readouterr()
        return Run(int(exited.value.code or 0), captured.out, captured.err)

    return invoke


def _golden(name: str, text: str) -> None:
    if os.environ.get("OIN_UPDATE_GOLDEN"):  # regenerate deliberately, then review the diff
        (GOLDEN / name).write_text(text, encoding="utf-8")
    assert text == (GOLDEN / name).read_text(encoding="utf-8")


def _broken(repo: ScratchRepo) -> None:
    repo.add_submission(
        "acme-notes",
        saml_yaml=SAML_YAML.replace(
            "acs_url: https://${org.subdomain}.", "acs_url: http://"
        ).replace("jit: false", "jit: maybe\nrelay_state: /home"),
        **{"notes, draft.txt": "x"},
    )
    repo.add_submission(
        "beta-app", name="Beta", saml_yaml=SAML_YAML.replace("saml.schema", "oidc.schema")
    )


def test_text_output_golden_and_exit_1(repo: ScratchRepo, run) -> None:
    _broken(repo)
    result = run("lint", cwd=repo.root)
    assert result.code == 1
    _golden("lint-text.txt", result.out)
    assert result.err == ""


def test_json_output_golden(repo: ScratchRepo, run) -> None:
    _broken(repo)
    result = run("lint", "--format", "json", cwd=repo.root)
    assert result.code == 1
    _golden(
        "lint-json.json", result.out.replace(f'"version": "{__version__}"', '"version": "VERSION"')
    )


def test_json_shape_is_stable(repo: ScratchRepo, run) -> None:
    _broken(repo)
    document = json.loads(run("lint", "--format", "json", cwd=repo.root).out)
    assert list(document) == ["format_version", "tool", "submissions", "summary", "diagnostics"]
    assert document["format_version"] == 1
    assert document["tool"] == {"name": "oin-gitops", "version": __version__}
    assert document["summary"] == {"submissions": 2, "errors": 4, "warnings": 2, "notices": 0}
    for item in document["diagnostics"]:
        assert list(item) == [
            "path",
            "line",
            "column",
            "end_line",
            "end_column",
            "rule",
            "guideline",
            "severity",
            "message",
            "help",
            "docs",
        ]
        assert item["guideline"] is None or re.fullmatch(r"[A-Z]+-\d\d", item["guideline"])
        assert item["severity"] in ("error", "warning", "notice")
        assert item["docs"] == f"docs/rules.md#{item['rule']}"
        assert all(
            isinstance(item[k], (int, type(None)))
            for k in ("line", "column", "end_line", "end_column")
        )


def test_clean_repository_exits_0(repo: ScratchRepo, run) -> None:
    repo.add_submission("acme-notes")
    result = run("lint", cwd=repo.root)
    assert (result.code, result.out) == (
        0,
        "Linted 1 submission: 0 errors, 0 warnings, 0 notices.\n",
    )


def test_strict_fails_on_warnings(repo: ScratchRepo, run) -> None:
    repo.add_submission("acme-notes", saml_yaml=SAML_YAML.replace("saml.schema", "oidc.schema"))
    assert run("lint", cwd=repo.root).code == 0
    assert run("lint", "--strict", cwd=repo.root).code == 1


@pytest.mark.parametrize(
    "arguments",
    [
        ["submissions/beta-app"],
        ["submissions/beta-app/saml.yaml"],
        ["submissions/beta-app/saml.yaml", "submissions/beta-app/submission.yaml"],
    ],
)
def test_paths_select_submission_folders(repo: ScratchRepo, run, arguments: list[str]) -> None:
    _broken(repo)
    result = run("lint", "--format", "json", *arguments, cwd=repo.root)
    assert json.loads(result.out)["submissions"] == ["beta-app"]


@pytest.mark.parametrize("arguments", [[], ["."], ["submissions"], ["submissions/"]])
def test_repository_paths_lint_everything(repo: ScratchRepo, run, arguments: list[str]) -> None:
    _broken(repo)
    result = run("lint", "--format", "json", *arguments, cwd=repo.root)
    assert json.loads(result.out)["submissions"] == ["acme-notes", "beta-app"]


def test_paths_work_from_outside_the_repository(repo: ScratchRepo, run, tmp_path: Path) -> None:
    _broken(repo)
    result = run(
        "lint", "--format", "json", str(repo.root / "submissions" / "beta-app"), cwd=tmp_path
    )
    assert json.loads(result.out)["submissions"] == ["beta-app"]


def test_a_path_outside_submissions_is_a_usage_error(repo: ScratchRepo, run) -> None:
    repo.write("README.md", "hi")
    result = run("lint", "README.md", cwd=repo.root)
    assert result.code == 2
    assert "Invalid value for PATH:" in result.err
    assert (
        "is not a repository, its submissions/ folder, or inside a submission folder" in result.err
    )


def test_no_repository_is_a_usage_error(run, tmp_path: Path) -> None:
    result = run("lint", cwd=tmp_path)
    assert result.code == 2
    assert "no oin-gitops repository (a folder with submissions/ or .oin-gitops.yaml)" in result.err


def test_config_error_exits_2_with_file_line_and_key(repo: ScratchRepo, run) -> None:
    repo.add_submission("acme-notes")
    repo.write(
        ".oin-gitops.yaml", (repo.root / ".oin-gitops.yaml").read_text() + "rules:\n  nope: off\n"
    )
    result = run("lint", cwd=repo.root)
    assert result.code == 2
    assert result.out == ""
    _golden("config-error.txt", result.err)


def test_internal_error_exits_3_with_a_short_message(
    repo: ScratchRepo, run, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo.add_submission("acme-notes")

    def explode(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(engine, "lint", explode)
    result = run("lint", cwd=repo.root)
    assert result.code == 3
    assert result.err == (
        "oin-gitops: internal error: RuntimeError: boom\n"
        "Run again with --traceback for details, and report it with that output.\n"
    )
    assert "Traceback" in run("--traceback", "lint", cwd=repo.root).err


def test_unknown_option_is_a_usage_error(run) -> None:
    result = run("lint", "--colour")
    assert result.code == 2
    assert "No such option '--colour'" in result.err


def test_new_scaffolds_a_folder_that_lints_only_placeholders(repo: ScratchRepo, run) -> None:
    result = run("new", "acme-notes", "--protocol", "saml", "--protocol", "scim", cwd=repo.root)
    assert result.code == 0
    assert result.out.splitlines()[:3] == [
        "created submissions/acme-notes/submission.yaml",
        "created submissions/acme-notes/saml.yaml",
        "created submissions/acme-notes/scim.yaml",
    ]
    report = json.loads(run("lint", "--format", "json", cwd=repo.root).out)
    rules = {d["rule"] for d in report["diagnostics"]}
    assert rules == {"placeholder", "logo-file"}


def test_new_refuses_an_existing_folder_and_a_bad_slug(repo: ScratchRepo, run) -> None:
    repo.add_submission("acme-notes")
    result = run("new", "acme-notes", "-p", "saml", cwd=repo.root)
    assert result.code == 2 and "already exists; edit it, or choose another slug." in result.err
    result = run("new", "Acme_Notes", "-p", "saml", cwd=repo.root)
    assert result.code == 2 and "Invalid value for SLUG" in result.err


def test_rules_lists_every_rule_and_shows_one(run) -> None:
    from oin_gitops.rules import RULES

    listing = run("rules").out
    for rule in RULES:
        assert f"\n{rule.id} " in "\n" + listing
    one = run("rules", "placeholder")
    assert one.code == 0
    assert one.out.startswith("placeholder: No value still holds a 'TODO' placeholder")
    missing = run("rules", "nope")
    assert missing.code == 2 and "no rule 'nope'" in missing.err


@pytest.mark.parametrize(
    "command",
    [
        [],
        ["lint"],
        ["new"],
        ["rules"],
        ["keygen"],
        ["seal"],
        ["unseal"],
        ["status"],
        ["review"],
        ["review", "sync"],
        ["review", "state"],
        ["labels"],
        ["labels", "sync"],
    ],
)
def test_every_help_has_an_example(run, command: list[str]) -> None:
    result = run(*command, "--help")
    assert result.code == 0
    assert "Examples:" in result.out
    assert "oin-gitops " in result.out.split("Examples:")[1]


def test_version(run) -> None:
    assert run("--version").out == f"oin-gitops, version {__version__}\n"


def test_python_dash_m_runs_the_cli() -> None:
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-m", "oin_gitops", "--version"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout == f"oin-gitops, version {__version__}\n"


def test_rules_reference_is_generated_and_not_stale(run) -> None:
    from oin_gitops import guidelines
    from oin_gitops.rules.docs import render_markdown

    committed = (Path(__file__).resolve().parent.parent / "docs" / "rules.md").read_text(
        encoding="utf-8"
    )
    traceability = guidelines.render_markdown(guidelines.traceability())
    assert committed == render_markdown() + "\n" + traceability, (
        "docs/rules.md is stale: run 'oin-gitops rules --markdown > docs/rules.md'"
    )
    assert run("rules", "--markdown").out == committed


def test_linting_imports_no_heavy_library_it_does_not_need() -> None:
    import subprocess
    import sys

    code = (
        "import sys; from oin_gitops.cli import main\n"
        "try:\n    main(['lint', 'submissions/brightdesk'])\nexcept SystemExit:\n    pass\n"
        "print('HEAVY:' + ' '.join(m for m in ('github', 'jinja2', 'requests', 'nacl', 'cryptography', 'defusedxml') if m in sys.modules))"
    )
    root = Path(__file__).resolve().parent.parent
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=root, capture_output=True, text=True, check=True
    )
    assert done.stdout.splitlines()[-1] == "HEAVY:"


def test_rules_guidelines_traces_every_guideline_and_ends_with_the_coverage(run) -> None:
    result = run("rules", "--guidelines")
    assert result.code == 0
    lines = result.out.splitlines()
    assert re.fullmatch(
        r"\d+ of \d+ applicable guidelines enforced and cited; \d+ checked by a person "
        r"\(reasons above\)",
        lines[-1],
    )
    assert "SAML-01   ACS URL, audience and configuration guide present" in lines
    assert "            schema saml.schema.json#/properties/acs_url" in lines
    assert (
        "            bot: limits.open_submissions_per_org open pull requests per Okta org" in lines
    )
    assert any(line.startswith("            checked by a person: ") for line in lines)
