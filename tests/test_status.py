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
        "acme-notes: 100% complete (19 of 19 required fields)\n",
    )


def test_a_fresh_scaffold_lists_what_is_missing(repo: ScratchRepo, monkeypatch) -> None:
    scaffold.create(repo.root / "submissions" / "acme-notes", ["saml"])
    code, out = status(repo, "acme-notes", monkeypatch=monkeypatch)
    assert code == 0
    assert out.splitlines() == [
        "acme-notes: 10% complete (2 of 19 required fields)",
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
        "  missing: submission.yaml: attestations.multi_tenant",
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
        "filled": 19,
        "required": 21,
        "missing": ["saml.yaml: sp_initiate_url", "saml.yaml: sp_initiate_description"],
        "unreadable": [],
    }


def test_unknown_slug_is_a_usage_error(repo: ScratchRepo, monkeypatch) -> None:
    code, out = status(repo, "nope", monkeypatch=monkeypatch)
    assert code == 2 and "no submission folder nope in submissions/." in out


# A file that does not parse is left out of the count (its fields are neither filled nor
# required) and named with the parser's position and message; the other files still count.
BROKEN_SAML = SAML_YAML.replace("audience: https://acme.example/saml", "audience: [unclosed")


def test_a_file_that_does_not_parse_is_named_and_left_out(repo: ScratchRepo, monkeypatch) -> None:
    repo.add_submission("acme-notes", saml_yaml=BROKEN_SAML)
    code, out = status(repo, monkeypatch=monkeypatch)
    assert code == 0
    assert out.splitlines() == [
        "acme-notes: 100% complete in the files that could be read "
        "(14 of 14 required fields; not counted: saml.yaml)",
        "  does not parse: submissions/acme-notes/saml.yaml:4:17: the YAML cannot be parsed: "
        "expected ',' or ']', but got ':' while parsing a flow sequence that starts on line 3, "
        "column 11",
    ]


def test_json_lists_the_file_that_does_not_parse(repo: ScratchRepo, monkeypatch) -> None:
    repo.add_submission("acme-notes", saml_yaml=BROKEN_SAML)
    code, out = status(repo, "--format", "json", monkeypatch=monkeypatch)
    assert code == 0
    (result,) = json.loads(out)["submissions"]
    assert result == {
        "slug": "acme-notes",
        "percent": 100,
        "filled": 14,
        "required": 14,
        "missing": [],
        "unreadable": [
            {
                "path": "submissions/acme-notes/saml.yaml",
                "line": 4,
                "column": 17,
                "rule": "yaml-syntax",
                "message": "the YAML cannot be parsed: expected ',' or ']', but got ':' while "
                "parsing a flow sequence that starts on line 3, column 11",
            }
        ],
    }


def test_an_unparseable_submission_yaml_leaves_the_protocol_files_counted(
    repo: ScratchRepo, monkeypatch
) -> None:
    scaffold.create(repo.root / "submissions" / "acme-notes", ["saml"])
    general = repo.root / "submissions" / "acme-notes" / "submission.yaml"
    general.write_bytes(general.read_bytes() + b"\tbad: tab\n")
    code, out = status(repo, monkeypatch=monkeypatch)
    lines = out.splitlines()
    assert code == 0
    assert lines[0] == (
        "acme-notes: 0% complete in the files that could be read "
        "(0 of 6 required fields; not counted: submission.yaml)"
    )
    assert lines[1].startswith("  does not parse: submissions/acme-notes/submission.yaml:")
    assert lines[2:] == [
        "  missing: logo file (logo.png)",
        "  missing: saml.yaml: acs_url",
        "  missing: saml.yaml: audience",
        "  missing: saml.yaml: config_guide_url",
        "  missing: saml.yaml: sign_in_flows",
        "  missing: saml.yaml: jit",
    ]


def test_an_empty_file_parses_and_all_its_fields_are_missing(
    repo: ScratchRepo, monkeypatch
) -> None:
    repo.add_submission("acme-notes", saml_yaml="# only a comment\n")
    code, out = status(repo, monkeypatch=monkeypatch)
    assert code == 0
    assert out.splitlines() == [
        "acme-notes: 73% complete (14 of 19 required fields)",
        "  missing: saml.yaml: acs_url",
        "  missing: saml.yaml: audience",
        "  missing: saml.yaml: config_guide_url",
        "  missing: saml.yaml: sign_in_flows",
        "  missing: saml.yaml: jit",
    ]


def test_a_file_too_large_to_read_is_left_out(repo: ScratchRepo, monkeypatch) -> None:
    repo.add_submission("acme-notes", saml_yaml=SAML_YAML + "# " + "x" * 70_000 + "\n")
    code, out = status(repo, monkeypatch=monkeypatch)
    assert code == 0
    assert out.splitlines() == [
        "acme-notes: 100% complete in the files that could be read "
        "(14 of 14 required fields; not counted: saml.yaml)",
        "  cannot be read: submissions/acme-notes/saml.yaml: the file is 70,244 bytes; files of "
        "this kind may be at most 65,536 bytes",
    ]


def test_a_folder_name_that_is_not_utf8_is_shown_escaped(repo: ScratchRepo, monkeypatch) -> None:
    repo.add_submission("acme-notes")
    (repo.root / "submissions" / "caf\udce9").mkdir()  # the byte 0xE9: Latin-1, not UTF-8
    code, out = status(repo, monkeypatch=monkeypatch)
    assert code == 0
    assert out.splitlines()[:2] == [
        "acme-notes: 100% complete (19 of 19 required fields)",
        "caf\\udce9: 0% complete (0 of 14 required fields)",
    ]


def test_status_output_cannot_forge_runner_commands(repo: ScratchRepo, monkeypatch) -> None:
    """A folder name holding ``##[`` or ESC reaches neither format raw."""
    repo.add_submission("acme-##[error]forged\x1b[2J")
    monkeypatch.chdir(repo.root)
    for args in ([], ["--format", "json"]):
        result = CliRunner().invoke(cli, ["status", *args])
        assert "##[" not in result.output and "\x1b" not in result.output, result.output
        assert "acme-##" in result.output
