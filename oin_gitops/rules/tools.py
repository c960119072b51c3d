"""Workflows connector and API service rules, and which capabilities may be combined.

A Workflows connector's test suite is an export from the Workflows console: both a ``.flopack``
and a ``.folder`` (the console's "Export folder" download) are the same JSON document, whose
top-level ``type`` is ``flopack`` and whose ``data.flos`` holds the flows. Both are parsed here:
the one ``test_suite`` names, and any other such file in ``evidence/``.
"""

from __future__ import annotations

import difflib
import posixpath
from collections.abc import Iterator
from typing import Any

from oin_gitops.diagnostics import Severity
from oin_gitops.rules.base import Finding, Rule, submission_rule
from oin_gitops.rules.evidence import parse_json
from oin_gitops.rules.okta_scopes import ADMIN_SCOPES
from oin_gitops.schema_check import field_name, is_placeholder, shown
from oin_gitops.schemas import schema_pattern
from oin_gitops.sources import Kind
from oin_gitops.submission import Submission
from oin_gitops.yamlio import Document

WORKFLOWS_FILE = "workflows.yaml"
API_SERVICE_FILE = "api-service.yaml"
WIZARD_FILES = ("saml.yaml", "oidc.yaml", "scim.yaml")
# Test suites larger than this are not read (exports of a folder of test flows are ~10-200 kB).
MAX_TEST_SUITE_BYTES = 10_000_000
SUITE_SUFFIXES = (".flopack", ".folder")


def _test_suite(submission: Submission) -> str | None:
    """The test suite's name in the folder, when ``test_suite`` names one that is a regular file."""
    document = submission.documents.get(WORKFLOWS_FILE)
    value = document.data.get("test_suite") if document else None
    if not isinstance(value, str) or is_placeholder(value):
        return None
    if not schema_pattern("workflows", "properties", "test_suite").search(value):
        return None
    name = posixpath.normpath(value)
    return name if submission.entries.get(name) is Kind.FILE else None


def _test_suites(submission: Submission) -> list[str]:
    """The test suite ``test_suite`` names, then every other ``.flopack`` or ``.folder`` file
    among the evidence files rules read: each is a flow export, checked alike."""
    named = _test_suite(submission)
    others = [
        name
        for name in submission.readable_evidence
        if name.lower().endswith(SUITE_SUFFIXES) and name != named
    ]
    return [named, *others] if named else others


def _load_suite(submission: Submission, name: str) -> tuple[Any, Finding | None]:
    """The parsed test suite, or a finding saying why it cannot be parsed."""
    path = submission.path(name)
    try:
        size = submission.size(name)
        if size > MAX_TEST_SUITE_BYTES:
            limit = f"{MAX_TEST_SUITE_BYTES:,}"
            message = (
                f"the test suite is {size:,} bytes, more than the {limit} bytes that are checked"
            )
            return None, Finding(path, message)
        text = submission.read(name).decode("utf-8-sig")
    except OSError as exc:
        return None, Finding(path, f"the test suite cannot be read: {exc.strerror or exc}")
    except UnicodeDecodeError:
        return None, Finding(path, "the test suite is not UTF-8 text, so it is not a JSON export")
    if not text.strip():
        return None, Finding(path, "the test suite file is empty")
    return parse_json(path, text, "the test suite")


@submission_rule(
    id="workflows-test-suite-json",
    summary="The Workflows test suite is a readable, non-empty JSON export.",
    guideline="MGR-01",
    help="Export the test flows' folder again from the Workflows console (Export, then "
    "Download) and commit the downloaded file unchanged.",
)
def workflows_test_suite_json(submission: Submission) -> Iterator[Finding]:
    """Okta's reviewers import the test suite into Workflows; a ``.flopack`` or ``.folder`` export
    is JSON text, so an empty, truncated or hand-edited file cannot be imported. The file
    ``test_suite`` names is checked, and so is every other ``.flopack`` or ``.folder`` file in
    ``evidence/``. Test suites over 10,000,000 bytes are not read.

    Passes: ``evidence/tests.flopack`` as downloaded from the Workflows console.
    Fails: an empty ``evidence/tests.flopack``, or one cut off in the middle (``{"type": "flo``),
    named by ``test_suite`` or not.
    """
    for name in _test_suites(submission):
        _, problem = _load_suite(submission, name)
        if problem is not None:
            yield problem


@submission_rule(
    id="workflows-test-suite-export",
    summary="The Workflows test suite looks like a flow export that holds flows.",
    severity=Severity.WARNING,
    guideline="MGR-01",
    help="Commit the file the Workflows console downloads when you export the folder of test "
    'flows; it starts with {"type":"flopack" and lists the flows under data.flos.',
)
def workflows_test_suite_export(submission: Submission) -> Iterator[Finding]:
    """A Workflows export is a JSON object whose ``type`` is ``flopack`` and whose ``data.flos``
    holds the exported flows; other JSON (a flow run's output, a table) is not a test suite.
    Checked for the file ``test_suite`` names and every other ``.flopack`` or ``.folder`` file in
    ``evidence/``.

    Passes: ``{"type": "flopack", "version": "1.5.0", "data": {"flos": {"3f2a...": {...}}}}``.
    Fails: ``{"flows": []}``, or a ``flopack`` whose ``data.flos`` is empty.
    """
    for name in _test_suites(submission):
        suite, problem = _load_suite(submission, name)
        if problem is None:
            yield from _export_problems(submission.path(name), suite)


def _export_problems(path: str, suite: Any) -> Iterator[Finding]:
    if not isinstance(suite, dict) or suite.get("type") != "flopack":
        yield Finding(
            path, 'the test suite is JSON but not a Workflows export (no "type": "flopack")'
        )
        return
    data = suite.get("data")
    flows = data.get("flos") if isinstance(data, dict) else None
    if not isinstance(flows, dict) or not flows:
        yield Finding(
            path, "the test suite export holds no flows (its 'data.flos' is missing or empty)"
        )


def _scopes(submission: Submission) -> tuple[Document, list[tuple[int, str]]] | None:
    """The API service document and its well-formed scopes with their index in the list."""
    document = submission.documents.get(API_SERVICE_FILE)
    scopes = document.data.get("scopes") if document else None
    if document is None or not isinstance(scopes, list):
        return None
    pattern = schema_pattern("api-service", "properties", "scopes", "items")
    valid = [
        (index, scope)
        for index, scope in enumerate(scopes)
        if isinstance(scope, str) and pattern.search(scope)
    ]
    return document, valid


@submission_rule(
    id="api-service-scope-known",
    summary="Each API service scope is a known Okta admin-management scope.",
    severity=Severity.WARNING,
    guideline="API-01",
    help="Use the scope's exact name from Okta's list of OAuth 2.0 scopes for Okta Admin "
    "Management (names are case-sensitive, such as okta.users.read).",
)
def api_service_scope_known(submission: Submission) -> Iterator[Finding]:
    """API service integrations may request only Okta's admin-management scopes. A scope missing
    from oin-gitops' copy of Okta's list is likely misspelt, but may be new, so this warns.

    Passes: ``scopes: [okta.users.read, okta.logs.read]``.
    Fails: ``scopes: [okta.user.read]`` (the scope is ``okta.users.read``).
    """
    found = _scopes(submission)
    if found is None:
        return
    document, scopes = found
    for index, scope in scopes:
        if scope not in ADMIN_SCOPES:
            close = _closest_scope(scope)
            hint = f"; did you mean '{close}'?" if close else ""
            message = (
                f"'scopes[{index}]' {shown(scope)} is not a known Okta admin-management scope{hint}"
            )
            line, column = document.position(("scopes", index))
            yield Finding(document.path, message, line, column)


def _closest_scope(scope: str) -> str | None:
    """A known scope of the same resource (ignoring case, same access first), else a near spelling."""
    resource, _, access = scope.rpartition(".")
    same = sorted(
        (known.rpartition(".")[2] != access, known)
        for known in ADMIN_SCOPES
        if known.rpartition(".")[0].casefold() == resource.casefold()
    )
    if same:
        return same[0][1]
    close = difflib.get_close_matches(scope, sorted(ADMIN_SCOPES), n=1, cutoff=0.8)
    return close[0] if close else None


@submission_rule(
    id="api-service-scope-least-privilege",
    summary="No API service requests a .read scope beside the .manage scope that includes it.",
    severity=Severity.WARNING,
    guideline="API-02",
    help="Remove the .read scope; the .manage scope of the same resource already grants read "
    "access. Keep only .read if your service never changes that resource.",
)
def api_service_scope_least_privilege(submission: Submission) -> Iterator[Finding]:
    """Okta reviews API service scopes for least privilege; ``okta.X.manage`` includes
    ``okta.X.read``, so asking for both suggests the request was not trimmed.

    Passes: ``scopes: [okta.users.manage, okta.groups.read]``.
    Fails: ``scopes: [okta.users.read, okta.users.manage]``.
    """
    found = _scopes(submission)
    if found is None:
        return
    document, scopes = found
    requested = {scope for _, scope in scopes}
    for index, scope in scopes:
        twin = scope.removesuffix(".read") + ".manage"
        if scope.endswith(".read") and twin in requested:
            pointer = ("scopes", index)
            message = f"'{field_name(pointer)}' {shown(scope)} is not needed beside '{twin}', which includes read access"
            line, column = document.position(pointer)
            yield Finding(document.path, message, line, column)


@submission_rule(
    id="capability-api-service-exclusive",
    summary="An API service integration is submitted without SAML, OIDC or SCIM.",
    guideline="CAP-02",
    help="Submit the API service integration in its own submission folder, and the SSO or SCIM "
    "integration in another.",
)
def capability_api_service_exclusive(submission: Submission) -> Iterator[Finding]:
    """In the OIN Wizard, the API service capability cannot be combined with any other one.
    (A Workflows connector beside it is reported by ``capability-workflows-separate``.)

    Passes: a folder with ``api-service.yaml`` only. Fails: ``api-service.yaml`` and ``oidc.yaml``.
    """
    others = [name for name in WIZARD_FILES if name in submission.entries]
    if API_SERVICE_FILE in submission.entries and others:
        yield Finding(
            submission.path(API_SERVICE_FILE),
            "an API service integration cannot be combined with other capabilities, but the "
            f"folder also has {_listed(others)}",
        )


@submission_rule(
    id="capability-workflows-separate",
    summary="A Workflows connector is submitted on its own, without OIN Wizard capabilities.",
    guideline="CAP-09",
    help="Move workflows.yaml and its test suite to a separate submission folder (for example "
    "SLUG-workflows), with its own submission.yaml and logo.",
)
def capability_workflows_separate(submission: Submission) -> Iterator[Finding]:
    """Workflows connectors go through the OIN Manager; SAML, OIDC, SCIM and API service
    integrations go through the OIN Wizard, so one submission cannot hold both.

    Passes: a folder with ``workflows.yaml`` only. Fails: ``workflows.yaml`` and ``saml.yaml``.
    """
    others = [name for name in (*WIZARD_FILES, API_SERVICE_FILE) if name in submission.entries]
    if WORKFLOWS_FILE in submission.entries and others:
        yield Finding(
            submission.path(WORKFLOWS_FILE),
            "a Workflows connector is submitted on its own through the OIN Manager, but the "
            f"folder also has {_listed(others)}",
        )


def _listed(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


RULES: tuple[Rule, ...] = (
    workflows_test_suite_json,
    workflows_test_suite_export,
    api_service_scope_known,
    api_service_scope_least_privilege,
    capability_api_service_exclusive,
    capability_workflows_separate,
)
