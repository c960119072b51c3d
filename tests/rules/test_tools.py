"""Workflows connector, API service and capability rules: one table per rule, one line per case."""

from __future__ import annotations

import json

import pytest

from oin_gitops.rules import tools
from tests.conftest import ScratchRepo, rule_findings

W = "submissions/acme-notes/workflows.yaml"
A = "submissions/acme-notes/api-service.yaml"
SUITE = "submissions/acme-notes/evidence/tests.flopack"

WORKFLOWS_YAML = """\
# yaml-language-server: $schema=../../schemas/workflows.schema.json
connector: Acme Notes
version: "1.0.0"
test_suite: evidence/tests.flopack
user_doc_url: https://acme.example/docs/workflows
api_doc_url: https://acme.example/docs/api
"""
FLOPACK = json.dumps(
    {
        "type": "flopack",
        "version": "1.5.0",
        "data": {"flos": {"02aadf55": {"id": "02aadf55", "name": "Run all tests"}}},
    },
    indent=2,
)
API_SERVICE_YAML = """\
# yaml-language-server: $schema=../../schemas/api-service.schema.json
scopes:
{scopes}
scope_justification: Reads users and groups to match Acme Notes accounts.
config_guide_url: https://acme.example/docs/okta-api-service
"""
SCIM_YAML = """\
# yaml-language-server: $schema=../../schemas/scim.schema.json
auth: {mode: bearer}
base_url: https://api.acme.example/scim/v2
objects: [users]
user_operations: [read]
config_guide_url: https://acme.example/docs/okta-scim
tests:
  runscope_spec_url: https://www.runscope.com/radar/a/b/history/c
  runscope_crud_url: https://www.runscope.com/radar/a/b/history/d
  manual_test_plan_passed: true
"""


def api_service(*scopes: str) -> str:
    return API_SERVICE_YAML.format(scopes="\n".join(f"  - {scope}" for scope in scopes))


def workflows(
    suite: str | bytes | None, name: str = "evidence/tests.flopack", **files: str | None
) -> dict[str, str | bytes | None]:
    test_suite = WORKFLOWS_YAML.replace("evidence/tests.flopack", name)
    return {
        "saml_yaml": None,
        "workflows_yaml": test_suite,
        "evidence/tests.flopack": suite,
        **files,
    }


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        (workflows(FLOPACK), []),
        (workflows(FLOPACK.replace("\n", "\r\n").encode("utf-8-sig")), []),
        (workflows(""), [(SUITE, None, None, "the test suite file is empty")]),
        (workflows(" \n\t\n"), [(SUITE, None, None, "the test suite file is empty")]),
        (
            workflows('{"type": "flo'),
            [
                (
                    SUITE,
                    1,
                    10,
                    "the test suite is not valid JSON: unterminated string starting at this position",
                )
            ],
        ),
        (
            workflows('{\n  "type": "flopack",\n}\n'),
            [
                (
                    SUITE,
                    3,
                    1,
                    "the test suite is not valid JSON: expecting property name enclosed in double quotes",
                )
            ],
        ),
        (
            workflows(FLOPACK + "\n{}"),
            [(SUITE, 13, 1, "the test suite is not valid JSON: extra data")],
        ),
        (
            workflows(b"PK\x03\x04\xff\x00zip"),
            [(SUITE, None, None, "the test suite is not UTF-8 text, so it is not a JSON export")],
        ),
        (
            workflows("[" * 100_000),
            [(SUITE, None, None, "the test suite is not valid JSON: it is nested too deeply")],
        ),
        (
            workflows('{"n": ' + "9" * 5000 + "}"),
            [(SUITE, None, None, "the test suite holds a number too long to read")],
        ),
        (
            workflows(None, "evidence/tests.folder", **{"evidence/tests.folder": "{oops"}),
            [
                (
                    "submissions/acme-notes/evidence/tests.folder",
                    1,
                    2,
                    "the test suite is not valid JSON: expecting property name enclosed in double quotes",
                )
            ],
        ),
        (workflows(None), []),  # missing file: file-reference reports it
        (workflows(None, "TODO"), []),  # placeholder
        (
            workflows(None, "evidence/tests.json", **{"evidence/tests.json": ""}),
            [],
        ),  # the schema refuses the name; evidence-json reads .json files
        # The schema refuses '..', but the file is in evidence/, where every export is read.
        (
            workflows("", "evidence/../evidence/tests.flopack"),
            [(SUITE, None, None, "the test suite file is empty")],
        ),
        (
            workflows(FLOPACK, **{"evidence/older.flopack": '{"type": "flo'}),
            [
                (
                    "submissions/acme-notes/evidence/older.flopack",
                    1,
                    10,
                    "the test suite is not valid JSON: unterminated string starting at this position",
                )
            ],
        ),
        (
            {"evidence/Tests.FOLDER": ""},
            [
                (
                    "submissions/acme-notes/evidence/Tests.FOLDER",
                    None,
                    None,
                    "the test suite file is empty",
                )
            ],
        ),
    ],
    ids=[
        "export",
        "bom-crlf",
        "empty",
        "blank",
        "truncated",
        "trailing-comma",
        "two-documents",
        "binary",
        "deep",
        "long-number",
        "folder",
        "missing",
        "placeholder",
        "json-name",
        "dot-dot",
        "unnamed-flopack",
        "unnamed-folder-in-a-saml-folder",
    ],
)
def test_workflows_test_suite_json(
    repo: ScratchRepo, files: dict[str, str | bytes | None], expected: list[tuple[object, ...]]
) -> None:
    assert rule_findings(repo, "workflows-test-suite-json", **files) == expected


def test_workflows_test_suite_too_large_is_not_read(
    repo: ScratchRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tools, "MAX_TEST_SUITE_BYTES", 100)
    message = f"the test suite is {len(FLOPACK)} bytes, more than the 100 bytes that are checked"
    assert rule_findings(repo, "workflows-test-suite-json", **workflows(FLOPACK)) == [
        (SUITE, None, None, message)
    ]


NOT_EXPORT = 'the test suite is JSON but not a Workflows export (no "type": "flopack")'
NO_FLOWS = "the test suite export holds no flows (its 'data.flos' is missing or empty)"


@pytest.mark.parametrize(
    ("suite", "expected"),
    [
        (FLOPACK, []),
        ("{}", [(SUITE, None, None, NOT_EXPORT)]),
        ("[]", [(SUITE, None, None, NOT_EXPORT)]),
        ('{"type": "flow", "data": {"flos": {"a": {}}}}', [(SUITE, None, None, NOT_EXPORT)]),
        ('{"type": "flopack"}', [(SUITE, None, None, NO_FLOWS)]),
        ('{"type": "flopack", "data": {"flos": {}}}', [(SUITE, None, None, NO_FLOWS)]),
        ('{"type": "flopack", "data": {"flos": []}}', [(SUITE, None, None, NO_FLOWS)]),
        ('{"type": "flopack", "data": [', []),  # invalid JSON: workflows-test-suite-json reports it
        ("", []),
    ],
    ids=[
        "export",
        "empty-object",
        "array",
        "other-type",
        "no-data",
        "no-flows",
        "flows-list",
        "invalid",
        "empty",
    ],
)
def test_workflows_test_suite_export(
    repo: ScratchRepo, suite: str, expected: list[tuple[object, ...]]
) -> None:
    assert rule_findings(repo, "workflows-test-suite-export", **workflows(suite)) == expected


def test_every_export_in_evidence_is_checked_named_or_not(repo: ScratchRepo) -> None:
    files = workflows(FLOPACK, **{"evidence/run-output.flopack": '{"flows": []}'})
    assert rule_findings(repo, "workflows-test-suite-export", **files) == [
        ("submissions/acme-notes/evidence/run-output.flopack", None, None, NOT_EXPORT)
    ]


UNKNOWN = "'scopes[{}]' '{}' is not a known Okta admin-management scope{}"


@pytest.mark.parametrize(
    ("scopes", "expected"),
    [
        (("okta.users.read", "okta.logs.read", "okta.userRisk.manage"), []),
        (
            ("okta.logs.read", "okta.user.read"),
            [(A, 4, 5, UNKNOWN.format(1, "okta.user.read", "; did you mean 'okta.users.read'?"))],
        ),
        (
            ("okta.Groups.manage",),
            [
                (
                    A,
                    3,
                    5,
                    UNKNOWN.format(0, "okta.Groups.manage", "; did you mean 'okta.groups.manage'?"),
                )
            ],
        ),
        (("okta.acmeWidgets.read",), [(A, 3, 5, UNKNOWN.format(0, "okta.acmeWidgets.read", ""))]),
        (
            ("okta.logs.manage",),
            [(A, 3, 5, UNKNOWN.format(0, "okta.logs.manage", "; did you mean 'okta.logs.read'?"))],
        ),
        (("openid", "okta.users.read.self", "42"), []),  # the schema refuses them
        (("TODO",), []),
    ],
    ids=["known", "misspelt", "case", "unknown", "no-manage", "schema-refuses", "placeholder"],
)
def test_api_service_scope_known(
    repo: ScratchRepo, scopes: tuple[str, ...], expected: list[tuple[object, ...]]
) -> None:
    files = {"saml_yaml": None, "api-service.yaml": api_service(*scopes)}
    assert rule_findings(repo, "api-service-scope-known", **files) == expected


def test_known_scopes_are_well_formed() -> None:
    assert all(
        tools.schema_pattern("api-service", "properties", "scopes", "items").search(s)
        for s in tools.ADMIN_SCOPES
    )


BOTH = "'scopes[{}]' '{}' is not needed beside '{}', which includes read access"


@pytest.mark.parametrize(
    ("scopes", "expected"),
    [
        (("okta.users.manage", "okta.groups.read"), []),
        (
            ("okta.users.read", "okta.users.manage"),
            [(A, 3, 5, BOTH.format(0, "okta.users.read", "okta.users.manage"))],
        ),
        (
            ("okta.groups.manage", "okta.logs.read", "okta.groups.read"),
            [(A, 5, 5, BOTH.format(2, "okta.groups.read", "okta.groups.manage"))],
        ),
        (("okta.users.read", "okta.groups.manage"), []),
        (
            ("okta.acmeWidgets.read", "okta.acmeWidgets.manage"),
            [(A, 3, 5, BOTH.format(0, "okta.acmeWidgets.read", "okta.acmeWidgets.manage"))],
        ),
    ],
    ids=["distinct", "read-first", "read-last", "different-resources", "unknown-pair"],
)
def test_api_service_scope_least_privilege(
    repo: ScratchRepo, scopes: tuple[str, ...], expected: list[tuple[object, ...]]
) -> None:
    files = {"saml_yaml": None, "api-service.yaml": api_service(*scopes)}
    assert rule_findings(repo, "api-service-scope-least-privilege", **files) == expected


EXCLUSIVE = "an API service integration cannot be combined with other capabilities, but the folder also has {}"
API = api_service("okta.users.read")


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        ({"saml_yaml": None, "api-service.yaml": API}, []),
        ({"api-service.yaml": API}, [(A, None, None, EXCLUSIVE.format("saml.yaml"))]),
        (
            {"api-service.yaml": API, "scim_yaml": SCIM_YAML},
            [(A, None, None, EXCLUSIVE.format("saml.yaml and scim.yaml"))],
        ),
        (
            {"api-service.yaml": API, "scim_yaml": "not: [valid"},
            [(A, None, None, EXCLUSIVE.format("saml.yaml and scim.yaml"))],
        ),
        (
            {"saml_yaml": None, "api-service.yaml": API, **workflows(FLOPACK)},
            [],
        ),  # capability-workflows-separate
        ({}, []),
    ],
    ids=["alone", "saml", "saml-scim", "unparsed-scim", "workflows", "saml-only"],
)
def test_capability_api_service_exclusive(
    repo: ScratchRepo, files: dict[str, str | None], expected: list[tuple[object, ...]]
) -> None:
    assert rule_findings(repo, "capability-api-service-exclusive", **files) == expected


SEPARATE = "a Workflows connector is submitted on its own through the OIN Manager, but the folder also has {}"


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        (workflows(FLOPACK), []),
        (
            {**workflows(FLOPACK), "saml_yaml": None, "api-service.yaml": API},
            [(W, None, None, SEPARATE.format("api-service.yaml"))],
        ),
        (
            {**workflows(FLOPACK), "saml_yaml": "x: 1"},
            [(W, None, None, SEPARATE.format("saml.yaml"))],
        ),
        (
            {
                **workflows(FLOPACK),
                "saml_yaml": "x: 1",
                "scim_yaml": SCIM_YAML,
                "api-service.yaml": API,
            },
            [(W, None, None, SEPARATE.format("saml.yaml, scim.yaml and api-service.yaml"))],
        ),
        ({}, []),
    ],
    ids=["alone", "api-service", "saml", "three", "no-workflows"],
)
def test_capability_workflows_separate(
    repo: ScratchRepo, files: dict[str, str | bytes | None], expected: list[tuple[object, ...]]
) -> None:
    assert rule_findings(repo, "capability-workflows-separate", **files) == expected
