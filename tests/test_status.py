"""``oin-gitops status``: the share of required fields filled, and what is missing."""

from __future__ import annotations

import json

from click.testing import CliRunner

from oin_gitops import scaffold
from oin_gitops.cli import cli
from tests.conftest import SAML_YAML, ScratchRepo


def status(repo: ScratchRepo, *args: str, monkeypatch) -> tuple[int, str]:
    monkeypatch.chdir(repo.root)
    result = CliRunner().invoke(cli, ["status", *args])
    return result.exit_code, result.output


def test_a_complete_submission_is_100_percent(repo: ScratchRepo, monkeypatch) -> None:
    repo.add_submission("acme-notes")
    assert status(repo, monkeypatch=monkeypatch) == (
        0,
        "acme-notes: 100% complete (18 of 18 required fields)\n",
    )


def test_a_fresh_scaffold_lists_what_is_missing(repo: ScratchRepo, monkeypatch) -> None:
    scaffold.create(repo.root / "submissions" / "acme-notes", ["saml"])
    code, out = status(repo, "acme-notes", monkeypatch=monkeypatch)
    assert code == 0
    assert out.splitlines() == [
        "acme-notes: 11% complete (2 of 18 required fields)",
        "  missing: logo file (logo.png)",
        "  missing: submission.yaml: app.name",
        "  missing: submission.yaml: app.website",
        "  missing: submission.yaml: app.description",
        "  missing: submission.yaml: support.contacts",
        "  missing: submission.yaml: support.escalation",
        "  missing: submission.yaml: test_account.url",
        "  missing: submission.yaml: test_account.username",
        "  missing: submission.yaml: test_account.password",
        "  missing: submission.yaml: owners.okta_org",
        "  missing: submission.yaml: owners.github",
        "  missing: saml.yaml: acs_url",
        "  missing: saml.yaml: audience",
        "  missing: saml.yaml: config_guide_url",
        "  missing: saml.yaml: sign_in_flows",
        "  missing: saml.yaml: jit",
    ]


def test_conditional_fields_count_only_when_their_condition_holds(
    repo: ScratchRepo, monkeypatch
) -> None:
    repo.add_submission("acme-notes", saml_yaml=SAML_YAML.replace("[idp]", "[idp, sp]"))
    code, out = status(repo, "--format", "json", monkeypatch=monkeypatch)
    assert code == 0
    (result,) = json.loads(out)["submissions"]
    assert result == {
        "slug": "acme-notes",
        "percent": 90,
        "filled": 18,
        "required": 20,
        "missing": ["saml.yaml: sp_initiate_url", "saml.yaml: sp_initiate_description"],
    }


def test_unknown_slug_is_a_usage_error(repo: ScratchRepo, monkeypatch) -> None:
    code, out = status(repo, "nope", monkeypatch=monkeypatch)
    assert code == 2 and "no submission folder nope in submissions/." in out
