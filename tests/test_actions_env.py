"""``oin-gitops lint`` inside a simulated GitHub Actions run: annotations, summary, outputs."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from oin_gitops.cli import actions, main
from tests.conftest import SAML_YAML, ScratchRepo, git


@pytest.fixture
def pull_request(repo: ScratchRepo) -> ScratchRepo:
    """main with two submissions; a branch that breaks one of them."""
    repo.add_submission("acme-notes")
    repo.add_submission("beta-app", name="Beta App")
    git(repo.root, "init", "-q", "-b", "main")
    git(repo.root, "add", "-A")
    git(repo.root, "commit", "-qm", "base")
    git(repo.root, "switch", "-qc", "pr")
    broken = SAML_YAML.replace("jit: false", "jit: maybe").replace(
        "config_guide_url: https://acme.example/docs/okta-saml",
        "config_guide_url: http://acme.example/a,b:c%d",
    )
    (repo.root / "submissions/beta-app/saml.yaml").write_text(broken)
    git(repo.root, "commit", "-qam", "break")
    return repo


def run_in_actions(repo: ScratchRepo, tmp_path: Path, monkeypatch, capsys, *args: str):
    summary, outputs = tmp_path / "summary.md", tmp_path / "outputs.txt"
    summary.write_text("# Earlier step\n")
    env = {
        "GITHUB_ACTIONS": "true",
        "GITHUB_STEP_SUMMARY": str(summary),
        "GITHUB_OUTPUT": str(outputs),
        "GITHUB_SERVER_URL": "https://github.com",
        "GITHUB_REPOSITORY": "okta/oin-catalog",
        "GITHUB_SHA": "m" * 40,
        "OIN_GITOPS_SHA": "a" * 40,
        "OIN_GITOPS_AUTHOR": "isv-dev",
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.chdir(repo.root)
    with pytest.raises(SystemExit) as exited:
        main(["lint", "--format", "github", "--changed-since", "main", *args])
    return exited.value.code, capsys.readouterr().out, summary.read_text(), outputs.read_text()


def test_annotations_summary_and_outputs(
    pull_request: ScratchRepo, tmp_path: Path, monkeypatch, capsys
) -> None:
    code, out, summary, outputs = run_in_actions(pull_request, tmp_path, monkeypatch, capsys)
    assert code == 1
    lines = out.splitlines()
    assert lines[0] == "::group::submissions/beta-app/saml.yaml"
    assert lines[1] == (
        "::error file=submissions/beta-app/saml.yaml,line=4,col=19,title=schema%2C URL-01::"
        "'config_guide_url' must be a "
        "complete, static https:// URL with a host name and no variables, such as https://acme.example/path "
        "(found 'http://acme.example/a,b:c%25d')%0A" + lines[1].split("%0A", 1)[1]
    )
    assert lines[2].startswith(
        "::error file=submissions/beta-app/saml.yaml,line=6,col=6,title=schema%2C SAML-05::'jit' must be true or false, not text%0A"
    )
    assert lines[3] == "::endgroup::"
    assert lines[-1] == "Linted 1 submission: 2 errors, 0 warnings, 0 notices."
    assert summary.startswith("# Earlier step\n")
    assert (
        "https://github.com/okta/oin-catalog/blob/"
        + "a" * 40
        + "/submissions/beta-app/saml.yaml#L4"
        in summary
    )
    assert "2 errors" in summary
    parsed = dict(
        re.findall(r"^(\w+)<<(ghadelimiter_[0-9a-f-]+)\n(.*?)\n\2$", outputs, re.M | re.S)[i][::2]
        for i in range(3)
    )
    assert parsed == {"errors": "2", "warnings": "0", "submissions": '["beta-app"]'}


def test_an_outside_change_by_an_isv_fails_the_check(
    pull_request: ScratchRepo, tmp_path: Path, monkeypatch, capsys
) -> None:
    (pull_request.root / "submissions/beta-app/saml.yaml").write_text(SAML_YAML)
    pull_request.write(".github/workflows/evil.yml", "on: push\n")
    git(pull_request.root, "add", "-A")
    git(pull_request.root, "commit", "-qm", "sneak")
    code, out, _, outputs = run_in_actions(pull_request, tmp_path, monkeypatch, capsys)
    assert code == 1
    assert (
        "::error file=.github/workflows/evil.yml,title=pr-outside-submissions::'.github/workflows/evil.yml' is outside "
        "submissions/ and 'isv-dev' is not a maintainer (maintainers: oin-admin)%0A"
    ) in out
    assert "errors<<ghadelimiter_" in outputs


def test_summary_stays_under_githubs_limit(tmp_path: Path, pull_request: ScratchRepo) -> None:
    from oin_gitops.diagnostics import Diagnostic, Report, Severity
    from oin_gitops.reporters import Context, markdown

    summary = tmp_path / "summary.md"
    summary.write_text("x" * (actions.SUMMARY_LIMIT - 2000))
    many = Report.build(
        Diagnostic(f"submissions/a/f{i}.yaml", "schema", Severity.ERROR, "m" * 200, "h", i + 1, 1)
        for i in range(500)
    )
    actions.append_summary(summary, markdown.render_limited, many, Context())
    assert summary.stat().st_size <= actions.SUMMARY_LIMIT
    assert "findings are not shown here" in summary.read_text()


def test_output_delimiters_are_random_and_never_inside_values(tmp_path: Path) -> None:
    path = tmp_path / "out"
    actions.write_outputs(path, {"a": "line1\nghadelimiter_x\nline3", "b": "1"})
    text = path.read_text()
    delimiters = re.findall(r"^\w+<<(\S+)$", text, re.M)
    assert len(set(delimiters)) == 2
    assert all(text.count(d) == 2 for d in delimiters)
