"""The fake GitHub (tests/fakegithub) behaves like GitHub and answers in GitHub's documented shapes.

Every route is called over real HTTP and its JSON body validated against the vendored slice of
GitHub's OpenAPI description (``@octokit/openapi``); then PyGithub itself is pointed at the fake.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import requests
from github import GithubException, GithubRetry, RateLimitExceededException
from github.GithubException import UnknownObjectException

from tests import fakegithub
from tests.fakegithub import (
    DEFAULT_NOW,
    Executable,
    FakeGitHub,
    Recorded,
    Submodule,
    Symlink,
    openapi,
)
from tests.fakegithub.refresh_openapi import ROUTES
from tests.fakegithub.server import iter_routes

fake_github = fakegithub.fake_github  # the fixture the package provides

REPO = "okta/oin-catalog"
TOKEN = "t0k3n"
RO_TOKEN = "ro-token"
SUBMISSION = b"schema_version: 1\napp:\n  name: Acme Notes\n"
SAML = b"acs_url: https://acme.example/saml/acs\naudience: https://acme.example/saml\n"
PNG = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR" + bytes(range(256))
GUIDE = b"# Guide\n\nHow to submit.\n"


# -- helpers ----------------------------------------------------------------------------------


def call(
    fake: FakeGitHub,
    method: str,
    path: str,
    *,
    token: str | None = TOKEN,
    scheme: str = "token",
    params: dict[str, Any] | None = None,
    body: Any = None,
) -> requests.Response:
    headers = {"Accept": "application/vnd.github+json"}
    if token is not None:
        headers["Authorization"] = f"{scheme} {token}"
    return requests.request(
        method,
        f"{fake.base_url}{path}",
        headers=headers,
        params=params,
        data=None if body is None else json.dumps(body),
        timeout=10,
    )


def links(response: requests.Response) -> dict[str, str]:
    """``{rel: url}`` from a Link header."""
    found = {}
    for part in filter(None, response.headers.get("Link", "").split(", ")):
        url, rel = re.fullmatch(r'<([^>]+)>; rel="(\w+)"', part).groups()  # type: ignore[union-attr]
        found[rel] = url
    return found


def schema_errors(method: str, template: str, response: requests.Response) -> list[str]:
    body = response.json() if response.content else None
    return openapi.response_errors(method, template, response.status_code, body)


def build_scenario(fake: FakeGitHub) -> dict[str, Any]:
    """A catalog repository with a PR that adds, modifies, removes and renames files."""
    fake.add_repo(REPO)
    base = fake.commit(
        REPO,
        {
            "README.md": b"# OIN catalog\n",
            "docs/guide.md": GUIDE,
            "submissions/acme-notes/submission.yaml": SUBMISSION,
            "submissions/acme-notes/saml.yaml": SAML,
        },
    )
    fake.advance(minutes=5)
    head = fake.commit(
        REPO,
        {
            "README.md": b"# OIN catalog\n",
            "docs/handbook.md": GUIDE,  # renamed
            "submissions/acme-notes/submission.yaml": SUBMISSION
            + b"  website: https://acme.example\n",
            "submissions/acme-notes/oidc.yaml": b"redirect_uris: [https://acme.example/cb]\n",
            "submissions/acme-notes/logo.png": PNG,
            "submissions/acme-notes/evidence/link.pem": Symlink("../../../README.md"),
            "vendor/lib": Submodule("a" * 40, "https://github.com/acme/lib.git"),
            "tools/run.sh": Executable(b"#!/bin/sh\necho hi\n"),
        },
        parent=base,
        branch=None,
    )
    number = fake.open_pr(REPO, author="isv-dev", head_sha=head, title="Add Acme Notes", body="New")
    fork_number = fake.open_pr(REPO, author="acme-alice", head_sha=head, fork=True, draft=True)
    fake.add_labels(REPO, number, "oin/qa", "oin/new")
    approval = fake.review(REPO, number, "oin-rev-ana", "APPROVED")
    fake.review(REPO, number, "oin-qa-ben", "CHANGES_REQUESTED", body="Logo is blurry")
    fake.review(REPO, number, "isv-dev", "COMMENTED", body="Fixed")
    comment = fake.comment(REPO, number, "isv-dev", "Ready for review")
    fake.set_status(REPO, head, "oin/check", "success", "Lint passed")
    fake.add_team("okta", "oin-reviewers", members=["oin-rev-ana", "oin-qa-ben"])
    # `git hash-object` of the README: the fake hashes objects exactly as git does
    readme_blob = hashlib.sha1(b"blob 14\0# OIN catalog\n").hexdigest()
    return {
        "repo": REPO,
        "base": base,
        "head": head,
        "number": number,
        "fork_number": fork_number,
        "approval": approval,
        "comment": comment,
        "blob": readme_blob,
    }


@pytest.fixture
def scenario(fake_github: FakeGitHub) -> dict[str, Any]:
    return build_scenario(fake_github)


# -- the vendored OpenAPI subset ----------------------------------------------------------------


def test_subset_records_its_source_and_is_canonical_json() -> None:
    document = openapi.subset()
    assert document["openapi"].startswith("3.0")
    assert re.fullmatch(r"\d+\.\d+\.\d+", openapi.package_version())
    assert "@octokit/openapi@" + openapi.package_version() in document["info"]["description"]
    text = openapi.SUBSET_PATH.read_text("utf-8")
    assert text == json.dumps(document, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def test_subset_holds_exactly_the_fakes_routes_and_every_schema_they_reference() -> None:
    assert openapi.routes() == sorted((m.upper(), t) for m, t in ROUTES)
    assert sorted(iter_routes()) == openapi.routes()
    document = openapi.subset()
    text = json.dumps(document)
    for ref in set(re.findall(r'"\$ref": "#/components/schemas/([^"]+)"', text)):
        assert ref in document["components"]["schemas"], ref


# -- every route, validated against GitHub's schemas ---------------------------------------------

R = "/repos/{owner}/{repo}"
P = "/repos/okta/oin-catalog"
# (method, OpenAPI template, concrete path, query, body, expected status)
ROUTE_CASES: list[tuple[str, str, str, dict[str, Any] | None, Any, int]] = [
    ("GET", "/user", "/user", None, None, 200),
    ("GET", "/rate_limit", "/rate_limit", None, None, 200),
    ("GET", "/orgs/{org}", "/orgs/okta", None, None, 200),
    ("GET", "/orgs/{org}/teams/{team_slug}", "/orgs/okta/teams/oin-reviewers", None, None, 200),
    (
        "GET",
        "/orgs/{org}/teams/{team_slug}/members",
        "/orgs/okta/teams/oin-reviewers/members",
        None,
        None,
        200,
    ),
    ("GET", R, P, None, None, 200),
    ("GET", f"{R}/pulls", f"{P}/pulls", {"state": "all"}, None, 200),
    ("GET", f"{R}/pulls/{{pull_number}}", f"{P}/pulls/{{number}}", None, None, 200),
    ("GET", f"{R}/pulls/{{pull_number}}/reviews", f"{P}/pulls/{{number}}/reviews", None, None, 200),
    ("GET", f"{R}/pulls/{{pull_number}}/files", f"{P}/pulls/{{number}}/files", None, None, 200),
    (
        "GET",
        f"{R}/git/trees/{{tree_sha}}",
        f"{P}/git/trees/{{head}}",
        {"recursive": "1"},
        None,
        200,
    ),
    ("GET", f"{R}/git/blobs/{{file_sha}}", f"{P}/git/blobs/{{blob}}", None, None, 200),
    (
        "GET",
        f"{R}/commits",
        f"{P}/commits",
        {"sha": "{head}", "path": "submissions/acme-notes/submission.yaml"},
        None,
        200,
    ),
    (
        "GET",
        f"{R}/contents/{{path}}",
        f"{P}/contents/submissions/acme-notes/submission.yaml",
        {"ref": "{head}"},
        None,
        200,
    ),
    ("GET", f"{R}/commits/{{ref}}", f"{P}/commits/{{head}}", None, None, 200),
    ("GET", f"{R}/commits/{{ref}}/status", f"{P}/commits/{{head}}/status", None, None, 200),
    ("GET", f"{R}/commits/{{ref}}/statuses", f"{P}/commits/{{head}}/statuses", None, None, 200),
    ("GET", f"{R}/commits/{{commit_sha}}/pulls", f"{P}/commits/{{head}}/pulls", None, None, 200),
    (
        "POST",
        f"{R}/statuses/{{sha}}",
        f"{P}/statuses/{{head}}",
        None,
        {"state": "pending", "context": "oin/review", "description": "Waiting"},
        201,
    ),
    ("GET", f"{R}/issues/{{issue_number}}", f"{P}/issues/{{number}}", None, None, 200),
    (
        "GET",
        f"{R}/issues/{{issue_number}}/comments",
        f"{P}/issues/{{number}}/comments",
        None,
        None,
        200,
    ),
    (
        "POST",
        f"{R}/issues/{{issue_number}}/comments",
        f"{P}/issues/{{number}}/comments",
        None,
        {"body": "<!-- oin-gitops -->\nState: QA"},
        201,
    ),
    (
        "GET",
        f"{R}/issues/comments/{{comment_id}}",
        f"{P}/issues/comments/{{comment}}",
        None,
        None,
        200,
    ),
    (
        "PATCH",
        f"{R}/issues/comments/{{comment_id}}",
        f"{P}/issues/comments/{{comment}}",
        None,
        {"body": "edited"},
        200,
    ),
    (
        "GET",
        f"{R}/issues/{{issue_number}}/labels",
        f"{P}/issues/{{number}}/labels",
        None,
        None,
        200,
    ),
    (
        "POST",
        f"{R}/issues/{{issue_number}}/labels",
        f"{P}/issues/{{number}}/labels",
        None,
        {"labels": ["oin/saml"]},
        200,
    ),
    (
        "PUT",
        f"{R}/issues/{{issue_number}}/labels",
        f"{P}/issues/{{number}}/labels",
        None,
        {"labels": ["oin/qa"]},
        200,
    ),
    (
        "DELETE",
        f"{R}/issues/{{issue_number}}/labels/{{name}}",
        f"{P}/issues/{{number}}/labels/oin%2Fqa",
        None,
        None,
        200,
    ),
    ("GET", f"{R}/labels", f"{P}/labels", None, None, 200),
    (
        "POST",
        f"{R}/labels",
        f"{P}/labels",
        None,
        {"name": "oin/published", "color": "#0e8a16", "description": "Live in the catalog"},
        201,
    ),
    ("GET", f"{R}/labels/{{name}}", f"{P}/labels/oin%2Fqa", None, None, 200),
    (
        "PATCH",
        f"{R}/labels/{{name}}",
        f"{P}/labels/oin/qa",
        None,
        {"new_name": "oin/qa-testing", "color": "fbca04"},
        200,
    ),
]


def test_route_cases_cover_every_vendored_route() -> None:
    assert sorted({(m, t) for m, t, *_ in ROUTE_CASES}) == openapi.routes()


@pytest.mark.parametrize(
    ("method", "template", "path", "query", "body", "status"),
    ROUTE_CASES,
    ids=[f"{m} {t}" for m, t, *_ in ROUTE_CASES],
)
def test_every_route_answers_in_githubs_schema(
    fake_github: FakeGitHub,
    scenario: dict[str, Any],
    method: str,
    template: str,
    path: str,
    query: dict[str, Any] | None,
    body: Any,
    status: int,
) -> None:
    params = {k: v.format(**scenario) for k, v in (query or {}).items()}
    response = call(fake_github, method, path.format(**scenario), params=params, body=body)
    assert response.status_code == status, response.text
    assert response.headers["Content-Type"].startswith("application/json")
    assert schema_errors(method, template, response) == []
    # and the fake checked the same on its side
    assert fake_github.schema_violations == []
    assert fake_github.requests[-1].route == template


def test_schema_validation_catches_a_wrong_shape(
    fake_github: FakeGitHub,
    scenario: dict[str, Any],
) -> None:
    body = call(fake_github, "GET", f"{P}/pulls/{scenario['number']}").json()
    template = f"{R}/pulls/{{pull_number}}"
    assert openapi.response_errors("GET", template, 200, body) == []
    broken = {**body, "number": "1", "merged_at": "yesterday"}
    del broken["head"]
    errors = openapi.response_errors("GET", template, 200, broken)
    assert any("'head' is a required property" in e for e in errors), errors
    assert any(e.startswith("number:") for e in errors), errors
    assert any(e.startswith("merged_at:") for e in errors), errors
    # nullable fields: null is fine where GitHub documents it, wrong elsewhere
    assert openapi.response_errors("GET", template, 200, {**body, "body": None}) == []
    assert openapi.response_errors("GET", template, 200, {**body, "title": None}) != []


# -- errors, auth ---------------------------------------------------------------------------------


def test_unknown_route_is_githubs_404(fake_github: FakeGitHub) -> None:
    response = call(fake_github, "GET", "/repos/okta/oin-catalog/nope")
    assert response.status_code == 404
    assert response.json()["message"] == "Not Found"
    assert response.json()["documentation_url"].startswith("https://docs.github.com/")
    assert openapi.response_errors("GET", "", 404, response.json()) == []
    assert fake_github.requests[-1] == Recorded(
        "GET", "/repos/okta/oin-catalog/nope", {}, None, 404, None
    )


def test_auth(fake_github: FakeGitHub, scenario: dict[str, Any]) -> None:
    missing = call(fake_github, "GET", P, token=None)
    assert missing.status_code == 401
    assert missing.json()["message"] == "Requires authentication"
    wrong = call(fake_github, "GET", P, token="nope")
    assert (wrong.status_code, wrong.json()["message"]) == (401, "Bad credentials")
    assert call(fake_github, "GET", P, scheme="Bearer").status_code == 200
    assert call(fake_github, "GET", P, token=RO_TOKEN).status_code == 200
    denied = call(
        fake_github, "POST", f"{P}/issues/1/comments", token=RO_TOKEN, body={"body": "hi"}
    )
    assert denied.status_code == 403
    assert denied.json()["message"] == "Resource not accessible by integration"
    assert fake_github.comments_of(REPO, 1)[-1]["body"] == "Ready for review"
    assert call(fake_github, "GET", "/user", token=RO_TOKEN).json()["login"] == (
        "github-actions[bot]"
    )
    assert call(fake_github, "GET", "/user").json()["login"] == "oin-bot"
    for response in (missing, wrong, denied):
        assert openapi.response_errors("GET", "", response.status_code, response.json()) == []


@pytest.mark.parametrize("status", [403, 404])
def test_teams_denied_without_team_access(status: int) -> None:
    with FakeGitHub(can_read_teams=False, teams_denied_status=status) as fake:
        fake.add_team("okta", "oin-reviewers", members=["a"])
        assert call(fake, "GET", "/orgs/okta").status_code == 200  # the org itself is public
        for path in ("/orgs/okta/teams/oin-reviewers", "/orgs/okta/teams/oin-reviewers/members"):
            response = call(fake, "GET", path)
            assert response.status_code == status
            expected = "Resource not accessible by integration" if status == 403 else "Not Found"
            assert response.json()["message"] == expected
        assert fake.schema_violations == []


def test_validation_errors(fake_github: FakeGitHub, scenario: dict[str, Any]) -> None:
    exists = call(fake_github, "POST", f"{P}/labels", body={"name": "OIN/QA", "color": "ffffff"})
    assert exists.status_code == 422
    assert exists.json()["errors"][0]["code"] == "already_exists"
    assert (
        call(fake_github, "POST", f"{P}/labels", body={"name": "x", "color": "nope"}).status_code
        == 422
    )
    assert call(fake_github, "POST", f"{P}/issues/1/comments", body={}).status_code == 422
    bad_state = call(fake_github, "POST", f"{P}/statuses/{scenario['head']}", body={"state": "ok"})
    assert bad_state.status_code == 422
    no_commit = call(fake_github, "POST", f"{P}/statuses/{'0' * 40}", body={"state": "success"})
    assert no_commit.status_code == 422
    assert no_commit.json()["message"] == f"No commit found for SHA: {'0' * 40}"
    not_json = requests.post(
        f"{fake_github.base_url}{P}/issues/1/comments",
        data=b"{nope",
        headers={"Authorization": f"token {TOKEN}"},
        timeout=10,
    )
    assert (not_json.status_code, not_json.json()["message"]) == (400, "Problems parsing JSON")
    for path in (f"{P}/pulls/99", f"{P}/issues/99", f"{P}/issues/comments/1", f"{P}/labels/none"):
        assert call(fake_github, "GET", path).status_code == 404, path
    missing_label = call(fake_github, "DELETE", f"{P}/issues/1/labels/oin%2Fdraft")
    assert (missing_label.status_code, missing_label.json()["message"]) == (
        404,
        "Label does not exist",
    )


# -- pagination ---------------------------------------------------------------------------------


def test_pagination_and_link_header(fake_github: FakeGitHub) -> None:
    fake_github.add_repo(REPO, default_labels=False)
    for i in range(75):
        call(fake_github, "POST", f"{P}/labels", body={"name": f"oin/l{i:02}", "color": "ededed"})
    first = call(fake_github, "GET", f"{P}/labels")
    assert len(first.json()) == 30  # default per_page
    assert set(links(first)) == {"next", "last"}
    assert links(first)["next"] == f"{fake_github.base_url}{P}/labels?page=2"
    assert links(first)["last"] == f"{fake_github.base_url}{P}/labels?page=3"

    second = call(fake_github, "GET", f"{P}/labels", params={"per_page": 25, "page": 2})
    assert [lab["name"] for lab in second.json()] == [f"oin/l{i:02}" for i in range(25, 50)]
    assert links(second) == {
        "prev": f"{fake_github.base_url}{P}/labels?per_page=25&page=1",
        "next": f"{fake_github.base_url}{P}/labels?per_page=25&page=3",
        "last": f"{fake_github.base_url}{P}/labels?per_page=25&page=3",
        "first": f"{fake_github.base_url}{P}/labels?per_page=25&page=1",
    }
    assert schema_errors("GET", f"{R}/labels", second) == []

    last = call(fake_github, "GET", links(second)["last"].removeprefix(fake_github.base_url))
    assert len(last.json()) == 25 and set(links(last)) == {"prev", "first"}
    capped = call(fake_github, "GET", f"{P}/labels", params={"per_page": 500})
    assert len(capped.json()) == 75 and "Link" not in capped.headers  # max 100, one page
    beyond = call(fake_github, "GET", f"{P}/labels", params={"page": 9})
    assert beyond.json() == []


# -- behaviour: labels, PRs, files, statuses ---------------------------------------------------


def test_label_names_with_a_slash_work_in_both_encodings(
    fake_github: FakeGitHub,
    scenario: dict[str, Any],
) -> None:
    for path in (f"{P}/labels/oin%2Fqa", f"{P}/labels/oin/qa", f"{P}/labels/OIN%2FQA"):
        response = call(fake_github, "GET", path)
        assert response.status_code == 200, path
        assert response.json()["url"] == f"{fake_github.base_url}{P}/labels/oin/qa"
    assert call(fake_github, "DELETE", f"{P}/issues/1/labels/oin/qa").status_code == 200
    assert fake_github.labels_of(REPO, 1) == ["oin/new"]
    call(fake_github, "POST", f"{P}/issues/1/labels", body=["oin/qa"])  # a bare list works too
    assert call(fake_github, "DELETE", f"{P}/issues/1/labels/oin%2Fqa").status_code == 200
    assert fake_github.labels_of(REPO, 1) == ["oin/new"]
    assert [r.path for r in fake_github.requests if r.method == "DELETE"] == [
        f"{P}/issues/1/labels/oin/qa",
        f"{P}/issues/1/labels/oin/qa",
    ]


def test_labels_show_on_the_pull_and_the_issue(
    fake_github: FakeGitHub,
    scenario: dict[str, Any],
) -> None:
    call(fake_github, "POST", f"{P}/issues/1/labels", body={"labels": ["oin/saml", "oin/qa"]})
    expected = ["oin/new", "oin/qa", "oin/saml"]
    assert fake_github.labels_of(REPO, 1) == expected
    pull = call(fake_github, "GET", f"{P}/pulls/1").json()
    issue = call(fake_github, "GET", f"{P}/issues/1").json()
    listed = call(fake_github, "GET", f"{P}/pulls", params={"state": "open"}).json()
    assert [lab["name"] for lab in pull["labels"]] == expected
    assert [lab["name"] for lab in issue["labels"]] == expected
    assert [lab["name"] for lab in listed[-1]["labels"]] == expected
    # a label that did not exist is created in the repository, like GitHub does
    assert fake_github.repo_labels(REPO)["oin/saml"]["color"] == "ededed"
    put = call(fake_github, "PUT", f"{P}/issues/1/labels", body={"labels": ["oin/approved"]})
    assert [lab["name"] for lab in put.json()] == ["oin/approved"]
    renamed = call(fake_github, "PATCH", f"{P}/labels/oin%2Fapproved", body={"new_name": "oin/ok"})
    assert renamed.json()["name"] == "oin/ok"
    assert fake_github.labels_of(REPO, 1) == ["oin/ok"]


def test_pull_request_shape_and_lifecycle(
    fake_github: FakeGitHub,
    scenario: dict[str, Any],
) -> None:
    pull = call(fake_github, "GET", f"{P}/pulls/1").json()
    assert pull["number"] == 1 and pull["state"] == "open" and pull["draft"] is False
    assert (
        pull["merged"] is False and pull["merged_at"] is None and pull["merge_commit_sha"] is None
    )
    assert pull["user"]["login"] == "isv-dev"
    assert pull["head"]["sha"] == scenario["head"] and pull["base"]["sha"] == scenario["base"]
    assert pull["head"]["repo"]["full_name"] == REPO and pull["head"]["repo"]["fork"] is False
    assert pull["base"]["ref"] == "main" and pull["head"]["ref"] == "isv-dev-patch-1"
    assert pull["html_url"] == f"{fake_github.base_url}/okta/oin-catalog/pull/1"
    assert pull["created_at"] == "2025-03-03T09:05:00Z"
    assert pull["changed_files"] == 8 and pull["commits"] == 1
    assert isinstance(pull["id"], int) and pull["node_id"]

    fork = call(fake_github, "GET", f"{P}/pulls/2").json()
    assert fork["draft"] is True
    assert fork["head"]["repo"]["full_name"] == "acme-alice/oin-catalog"
    assert fork["head"]["repo"]["fork"] is True and fork["head"]["label"].startswith("acme-alice:")
    assert (
        call(fake_github, "GET", "/repos/acme-alice/oin-catalog").json()["parent"]["full_name"]
        == REPO
    )

    fake_github.set_draft(REPO, 2, False)
    fake_github.close(REPO, 2)
    assert [p["number"] for p in call(fake_github, "GET", f"{P}/pulls").json()] == [1]
    closed = call(fake_github, "GET", f"{P}/pulls", params={"state": "closed"}).json()
    assert [(p["number"], p["draft"], p["merged_at"]) for p in closed] == [(2, False, None)]
    everything = call(fake_github, "GET", f"{P}/pulls", params={"state": "all"}).json()
    assert [p["number"] for p in everything] == [2, 1]  # newest first

    fake_github.advance(hours=1)
    merge_sha = fake_github.merge(REPO, 1)
    merged = call(fake_github, "GET", f"{P}/pulls/1").json()
    assert merged["state"] == "closed" and merged["merged"] is True
    assert merged["merge_commit_sha"] == merge_sha and merged["merged_at"] == "2025-03-03T10:05:00Z"
    assert fake_github.branch_head(REPO) == merge_sha
    assert fake_github.files_at(merge_sha) == fake_github.files_at(scenario["head"])
    issue = call(fake_github, "GET", f"{P}/issues/1").json()
    assert issue["pull_request"]["merged_at"] == "2025-03-03T10:05:00Z"
    assert issue["state"] == "closed"


def test_reviews(fake_github: FakeGitHub, scenario: dict[str, Any]) -> None:
    fake_github.dismiss(REPO, 1, scenario["approval"])
    reviews = call(fake_github, "GET", f"{P}/pulls/1/reviews").json()
    assert [(r["user"]["login"], r["state"], r["commit_id"]) for r in reviews] == [
        ("oin-rev-ana", "DISMISSED", scenario["head"]),
        ("oin-qa-ben", "CHANGES_REQUESTED", scenario["head"]),
        ("isv-dev", "COMMENTED", scenario["head"]),
    ]
    assert reviews[0]["submitted_at"] == "2025-03-03T09:05:00Z"
    assert reviews[0]["author_association"] == "MEMBER"  # in okta/oin-reviewers
    assert reviews[2]["author_association"] == "FIRST_TIME_CONTRIBUTOR"
    assert (
        schema_errors(
            "GET",
            f"{R}/pulls/{{pull_number}}/reviews",
            call(fake_github, "GET", f"{P}/pulls/1/reviews"),
        )
        == []
    )


def test_files_are_the_diff_from_the_merge_base(
    fake_github: FakeGitHub,
    scenario: dict[str, Any],
) -> None:
    files = {f["filename"]: f for f in call(fake_github, "GET", f"{P}/pulls/1/files").json()}
    assert {name: f["status"] for name, f in files.items()} == {
        "docs/handbook.md": "renamed",
        "submissions/acme-notes/evidence/link.pem": "added",
        "submissions/acme-notes/logo.png": "added",
        "submissions/acme-notes/oidc.yaml": "added",
        "submissions/acme-notes/saml.yaml": "removed",
        "submissions/acme-notes/submission.yaml": "modified",
        "tools/run.sh": "added",
        "vendor/lib": "added",
    }
    assert files["docs/handbook.md"]["previous_filename"] == "docs/guide.md"
    modified = files["submissions/acme-notes/submission.yaml"]
    assert (modified["additions"], modified["deletions"], modified["changes"]) == (1, 0, 1)
    assert modified["patch"].startswith("@@ -1,3 +1,4 @@")
    assert files["submissions/acme-notes/saml.yaml"]["deletions"] == 2
    assert "patch" not in files["submissions/acme-notes/logo.png"]  # binary
    assert files["vendor/lib"]["sha"] == "a" * 40
    assert files["vendor/lib"]["patch"] == f"@@ -0,0 +1 @@\n+Subproject commit {'a' * 40}"
    # contents_url points back at the fake and works
    contents_url = files["submissions/acme-notes/oidc.yaml"]["contents_url"]
    assert contents_url.startswith(fake_github.base_url)
    fetched = call(fake_github, "GET", contents_url.removeprefix(fake_github.base_url))
    assert base64.b64decode(fetched.json()["content"]).startswith(b"redirect_uris")

    # main moves on; the ISV merges main into the PR: main's changes do not show up as the PR's
    main = fake_github.files_at(scenario["base"])
    main["submissions/other/submission.yaml"] = b"schema_version: 1\n"
    new_main = fake_github.commit(REPO, main)
    merged_in = fake_github.files_at(scenario["head"])
    merged_in["submissions/other/submission.yaml"] = b"schema_version: 1\n"
    fake_github.advance(minutes=1)
    tip = fake_github.commit(REPO, merged_in, parent=(scenario["head"], new_main), branch=None)
    fake_github.push(REPO, 1, tip)
    pull = call(fake_github, "GET", f"{P}/pulls/1").json()
    assert pull["base"]["sha"] == new_main and pull["head"]["sha"] == tip
    names = [f["filename"] for f in call(fake_github, "GET", f"{P}/pulls/1/files").json()]
    assert "submissions/other/submission.yaml" not in names and len(names) == 8


def test_git_trees_and_blobs(fake_github: FakeGitHub, scenario: dict[str, Any]) -> None:
    tree = call(fake_github, "GET", f"{P}/git/trees/{scenario['head']}", params={"recursive": "1"})
    body = tree.json()
    assert body["truncated"] is False
    entries = {e["path"]: e for e in body["tree"]}
    assert {p: (e["mode"], e["type"]) for p, e in entries.items()} == {
        "README.md": ("100644", "blob"),
        "docs": ("040000", "tree"),
        "docs/handbook.md": ("100644", "blob"),
        "submissions": ("040000", "tree"),
        "submissions/acme-notes": ("040000", "tree"),
        "submissions/acme-notes/evidence": ("040000", "tree"),
        "submissions/acme-notes/evidence/link.pem": ("120000", "blob"),
        "submissions/acme-notes/logo.png": ("100644", "blob"),
        "submissions/acme-notes/oidc.yaml": ("100644", "blob"),
        "submissions/acme-notes/submission.yaml": ("100644", "blob"),
        "tools": ("040000", "tree"),
        "tools/run.sh": ("100755", "blob"),
        "vendor": ("040000", "tree"),
        "vendor/lib": ("160000", "commit"),
    }
    assert entries["submissions/acme-notes/logo.png"]["size"] == len(PNG)
    assert entries["submissions/acme-notes/evidence/link.pem"]["size"] == len("../../../README.md")
    assert "size" not in entries["vendor/lib"] and "size" not in entries["docs"]
    # real git object ids: the blob of "# OIN catalog\n" is what `git hash-object` gives
    assert entries["README.md"]["sha"] == scenario["blob"]

    top = call(fake_github, "GET", f"{P}/git/trees/{body['sha']}").json()
    assert [e["path"] for e in top["tree"]] == [
        "README.md",
        "docs",
        "submissions",
        "tools",
        "vendor",
    ]
    by_branch = call(fake_github, "GET", f"{P}/git/trees/main").json()
    assert by_branch["sha"] != body["sha"] and len(by_branch["tree"]) == 3
    assert call(fake_github, "GET", f"{P}/git/trees/{'f' * 40}").status_code == 404

    blob = call(
        fake_github,
        "GET",
        entries["submissions/acme-notes/logo.png"]["url"].removeprefix(fake_github.base_url),
    ).json()
    assert blob["encoding"] == "base64" and blob["size"] == len(PNG)
    assert base64.b64decode(blob["content"]) == PNG
    assert all(len(line) <= 60 for line in blob["content"].splitlines())  # wrapped like GitHub


def test_contents(fake_github: FakeGitHub, scenario: dict[str, Any]) -> None:
    head = scenario["head"]
    template = f"{R}/contents/{{path}}"

    def get(path: str, **params: str) -> requests.Response:
        response = call(fake_github, "GET", f"{P}/contents/{path}", params=params)
        if response.status_code == 200:
            assert schema_errors("GET", template, response) == []
        return response

    file = get("submissions/acme-notes/submission.yaml", ref=head).json()
    assert file["type"] == "file" and file["encoding"] == "base64"
    assert base64.b64decode(file["content"]) == SUBMISSION + b"  website: https://acme.example\n"
    assert (
        file["url"]
        == f"{fake_github.base_url}{P}/contents/submissions/acme-notes/submission.yaml?ref={head}"
    )
    assert get("submissions/acme-notes/oidc.yaml").status_code == 404  # default branch: main
    assert get("nope.yaml", ref=head).json()["message"] == "Not Found"
    assert get("README.md", ref="no-such-branch").status_code == 404
    listing = get("submissions/acme-notes", ref=head).json()
    assert [(e["name"], e["type"]) for e in listing] == [
        ("evidence", "dir"),
        ("logo.png", "file"),
        ("oidc.yaml", "file"),
        ("submission.yaml", "file"),
    ]
    # like GitHub, a symlink to a file in the repository is followed
    followed = get("submissions/acme-notes/evidence/link.pem", ref=head).json()
    assert (followed["type"], followed["path"]) == ("file", "README.md")
    submodule = get("vendor/lib", ref=head).json()
    assert submodule["type"] == "submodule"
    assert submodule["submodule_git_url"] == "https://github.com/acme/lib.git"
    raw = requests.get(file["download_url"], timeout=10)
    assert raw.content == SUBMISSION + b"  website: https://acme.example\n"

    big = fake_github.commit(REPO, {"big.bin": b"x" * (1024 * 1024 + 1), "dir/link": Symlink("..")})
    large = get("big.bin", ref=big).json()
    assert (large["encoding"], large["content"], large["size"]) == ("none", "", 1024 * 1024 + 1)
    link = get("dir/link", ref=big).json()
    assert (link["type"], link["target"]) == ("symlink", "..")


def test_commit_statuses(fake_github: FakeGitHub, scenario: dict[str, Any]) -> None:
    head = scenario["head"]

    def combined() -> dict[str, Any]:
        response = call(fake_github, "GET", f"{P}/commits/{head}/status")
        assert schema_errors("GET", f"{R}/commits/{{ref}}/status", response) == []
        return response.json()

    assert combined()["state"] == "success"
    fake_github.set_status(REPO, head, "oin/review", "pending")
    assert combined()["state"] == "pending"
    fake_github.set_status(REPO, head, "oin/publish", "error")
    assert combined()["state"] == "failure"  # failure/error beat pending
    fake_github.set_status(REPO, head, "oin/publish", "success")  # latest per context wins
    fake_github.set_status(REPO, head, "oin/review", "success")
    state = combined()
    assert state["state"] == "success" and state["total_count"] == 3
    assert {s["context"]: s["state"] for s in state["statuses"]} == {
        "oin/check": "success",
        "oin/review": "success",
        "oin/publish": "success",
    }
    assert state["sha"] == head
    statuses = call(fake_github, "GET", f"{P}/commits/{head}/statuses").json()
    assert len(statuses) == 5 and statuses[0]["context"] == "oin/review"  # newest first
    assert [s["state"] for s in fake_github.statuses_of(REPO, head)] == [
        "success",
        "pending",
        "error",
        "success",
        "success",
    ]
    by_branch = call(fake_github, "GET", f"{P}/commits/main/status").json()
    assert by_branch["state"] == "pending" and by_branch["total_count"] == 0  # no statuses yet


def test_the_clock_is_the_fakes(fake_github: FakeGitHub, scenario: dict[str, Any]) -> None:
    fake_github.now = datetime(2030, 1, 2, 3, 4, 5, tzinfo=UTC)
    created = call(fake_github, "POST", f"{P}/issues/1/comments", body={"body": "x"}).json()
    assert created["created_at"] == created["updated_at"] == "2030-01-02T03:04:05Z"
    assert fake_github.advance(seconds=55) == datetime(2030, 1, 2, 3, 5, tzinfo=UTC)
    edited = call(
        fake_github, "PATCH", f"{P}/issues/comments/{created['id']}", body={"body": "y"}
    ).json()
    assert (edited["created_at"], edited["updated_at"]) == (
        "2030-01-02T03:04:05Z",
        "2030-01-02T03:05:00Z",
    )
    assert FakeGitHub().now == DEFAULT_NOW


# -- PyGithub against the fake ------------------------------------------------------------------


def test_pygithub_reads_a_pull_request(fake_github: FakeGitHub, scenario: dict[str, Any]) -> None:
    gh = fake_github.github()
    repo = gh.get_repo(REPO)
    assert repo.full_name == REPO and repo.default_branch == "main"
    pull = repo.get_pull(1)
    assert (pull.number, pull.user.login, pull.draft, pull.merged) == (1, "isv-dev", False, False)
    assert pull.head.sha == scenario["head"] and pull.base.repo.full_name == REPO
    assert [lab.name for lab in pull.labels] == ["oin/new", "oin/qa"]
    assert [(r.user.login, r.state) for r in pull.get_reviews()] == [
        ("oin-rev-ana", "APPROVED"),
        ("oin-qa-ben", "CHANGES_REQUESTED"),
        ("isv-dev", "COMMENTED"),
    ]
    files = {f.filename: f for f in pull.get_files()}
    assert files["docs/handbook.md"].previous_filename == "docs/guide.md"
    assert files["submissions/acme-notes/saml.yaml"].status == "removed"
    tree = repo.get_git_tree(scenario["head"], recursive=True)
    modes = {e.path: e.mode for e in tree.tree}
    assert modes["vendor/lib"] == "160000" and modes["tools/run.sh"] == "100755"
    link = next(e for e in tree.tree if e.mode == "120000")
    assert base64.b64decode(repo.get_git_blob(link.sha).content) == b"../../../README.md"
    content = repo.get_contents("submissions/acme-notes/oidc.yaml", ref=scenario["head"])
    assert content.decoded_content == b"redirect_uris: [https://acme.example/cb]\n"
    listing = repo.get_contents("submissions/acme-notes", ref=scenario["head"])
    # items of a listing are lazy: reading .decoded_content re-fetches through their url
    logo = next(item for item in listing if item.name == "logo.png")
    assert logo.decoded_content == PNG
    with pytest.raises(UnknownObjectException):
        repo.get_contents("nope.yaml", ref=scenario["head"])
    assert pull.as_issue().pull_request is not None
    assert gh.get_user().login == "oin-bot"
    assert gh.get_rate_limit().resources.core.limit == 5000


def test_pygithub_writes_comments_labels_and_statuses(
    fake_github: FakeGitHub,
    scenario: dict[str, Any],
) -> None:
    gh = fake_github.github()
    repo = gh.get_repo(REPO)
    pull = repo.get_pull(1)
    head = scenario["head"]
    fake_github.clear_log()

    comment = pull.create_issue_comment("<!-- oin-gitops -->\nPending review")
    comment.edit("<!-- oin-gitops -->\nQA")
    assert pull.get_issue_comment(comment.id).body == "<!-- oin-gitops -->\nQA"
    assert [c.body for c in pull.get_issue_comments()] == [
        "Ready for review",
        "<!-- oin-gitops -->\nQA",
    ]
    assert fake_github.comments_of(REPO, 1)[-1]["user"]["login"] == "oin-bot"

    pull.remove_from_labels("oin/qa")
    assert fake_github.labels_of(REPO, 1) == ["oin/new"]
    pull.add_to_labels("oin/qa", "oin/action-required")
    assert [lab.name for lab in pull.get_labels()] == ["oin/action-required", "oin/new", "oin/qa"]
    assert fake_github.labels_of(REPO, 1) == ["oin/action-required", "oin/new", "oin/qa"]

    label = repo.create_label("oin/published", "0e8a16", "Live in the catalog")
    assert repo.get_label("oin/published").description == "Live in the catalog"
    label.edit("oin/published", "1d76db", "Published")
    assert fake_github.repo_labels(REPO)["oin/published"]["color"] == "1d76db"

    repo.get_commit(head).create_status(
        "failure", context="oin/review", description="Changes requested"
    )
    combined = repo.get_commit(head).get_combined_status()
    assert combined.state == "failure"
    assert {s.context: s.state for s in combined.statuses} == {
        "oin/check": "success",
        "oin/review": "failure",
    }

    route = "/repos/{owner}/{repo}"
    assert fake_github.writes() == [
        Recorded(
            "POST",
            f"{P}/issues/1/comments",
            {},
            {"body": "<!-- oin-gitops -->\nPending review"},
            201,
            f"{route}/issues/{{issue_number}}/comments",
        ),
        Recorded(
            "PATCH",
            f"{P}/issues/comments/{comment.id}",
            {},
            {"body": "<!-- oin-gitops -->\nQA"},
            200,
            f"{route}/issues/comments/{{comment_id}}",
        ),
        # PyGithub quotes a label name keeping "/": DELETE .../labels/oin/qa
        Recorded(
            "DELETE",
            f"{P}/issues/1/labels/oin/qa",
            {},
            None,
            200,
            f"{route}/issues/{{issue_number}}/labels/{{name}}",
        ),
        # PyGithub sends a bare list; GitHub (and the fake) also take {"labels": [...]}
        Recorded(
            "POST",
            f"{P}/issues/1/labels",
            {},
            ["oin/qa", "oin/action-required"],
            200,
            f"{route}/issues/{{issue_number}}/labels",
        ),
        Recorded(
            "POST",
            f"{P}/labels",
            {},
            {"name": "oin/published", "color": "0e8a16", "description": "Live in the catalog"},
            201,
            f"{route}/labels",
        ),
        Recorded(
            "PATCH",
            f"{P}/labels/oin/published",
            {},
            {"new_name": "oin/published", "color": "1d76db", "description": "Published"},
            200,
            f"{route}/labels/{{name}}",
        ),
        Recorded(
            "POST",
            f"{P}/statuses/{head}",
            {},
            {"state": "failure", "description": "Changes requested", "context": "oin/review"},
            201,
            f"{route}/statuses/{{sha}}",
        ),
    ]
    assert [(r.method, r.path) for r in fake_github.requests if r.method == "GET"] == [
        ("GET", f"{P}/issues/comments/{comment.id}"),
        ("GET", f"{P}/issues/1/comments"),
        ("GET", f"{P}/issues/1/labels"),
        ("GET", f"{P}/labels/oin/published"),
        ("GET", f"{P}/commits/{head}"),
        ("GET", f"{P}/commits/{head}"),
        ("GET", f"{P}/commits/{head}/status"),
    ]


def test_pygithub_team_members(fake_github: FakeGitHub) -> None:
    fake_github.add_team("okta", "oin-reviewers", members=[f"rev-{i:02}" for i in range(45)])
    gh = fake_github.github()
    team = gh.get_organization("okta").get_team_by_slug("oin-reviewers")
    assert team.slug == "oin-reviewers" and team.members_count == 45
    assert [m.login for m in team.get_members()] == [f"rev-{i:02}" for i in range(45)]
    # GitHub's team "url" is the legacy /organizations/{id}/team/{id} form; PyGithub follows it
    member_pages = [r for r in fake_github.requests if r.path.endswith("/members")]
    assert [r.query.get("page") for r in member_pages] == [None, "2"]
    assert member_pages[0].path.startswith("/organizations/")

    with FakeGitHub(can_read_teams=False) as denied:
        denied.add_team("okta", "oin-reviewers", members=["a"])
        org = denied.github().get_organization("okta")
        with pytest.raises(GithubException) as raised:
            org.get_team_by_slug("oin-reviewers")
        assert raised.value.status == 403


def test_pygithub_paginates_over_more_than_30_items(fake_github: FakeGitHub) -> None:
    fake_github.add_repo(REPO)
    base = fake_github.commit(REPO, {"README.md": b"x\n"})
    head = fake_github.commit(
        REPO,
        {
            "README.md": b"x\n",
            **{f"submissions/app-{i:03}/submission.yaml": b"a\n" for i in range(130)},
        },
        parent=base,
        branch=None,
    )
    number = fake_github.open_pr(REPO, author="isv-dev", head_sha=head)
    for i in range(35):
        fake_github.comment(REPO, number, "isv-dev", f"comment {i}")
    pull = fake_github.github().get_repo(REPO).get_pull(number)
    assert len(list(pull.get_issue_comments())) == 35
    assert pull.get_issue_comments().totalCount == 35
    assert len(list(pull.get_files())) == 130
    gh100 = fake_github.github(per_page=100)
    assert len(list(gh100.get_repo(REPO).get_pull(number).get_files())) == 130
    pages = [r.query for r in fake_github.requests if r.path.endswith("/files")]
    assert pages[-2:] == [{"per_page": "100"}, {"per_page": "100", "page": "2"}]


# -- fault injection ----------------------------------------------------------------------------


def test_fault_500_then_success(fake_github: FakeGitHub, scenario: dict[str, Any]) -> None:
    gh = fake_github.github()
    fake_github.fail("GET", r"/pulls/1$", status=500)
    with pytest.raises(GithubException) as raised:
        gh.get_repo(REPO).get_pull(1)
    assert raised.value.status == 500
    assert gh.get_repo(REPO).get_pull(1).number == 1  # the fault was used up

    # with PyGithub's retry layer (no backoff), the 500 is retried transparently
    retrying = fake_github.github(retry=GithubRetry(total=3, backoff_factor=0))
    fake_github.fail("GET", r"/pulls/1$", status=502, times=2)
    fake_github.clear_log()
    assert retrying.get_repo(REPO).get_pull(1).number == 1
    assert [(r.path, r.status) for r in fake_github.requests] == [
        (P, 200),
        (f"{P}/pulls/1", 502),
        (f"{P}/pulls/1", 502),
        (f"{P}/pulls/1", 200),
    ]


def test_fault_secondary_rate_limit_with_retry_after(
    fake_github: FakeGitHub,
    scenario: dict[str, Any],
) -> None:
    pull = fake_github.github().get_repo(REPO).get_pull(1)
    fake_github.fail("POST", r"/issues/1/comments$", status=403, headers={"Retry-After": "2"})
    with pytest.raises(RateLimitExceededException) as raised:
        pull.create_issue_comment("hello")
    assert raised.value.status == 403
    assert raised.value.headers["retry-after"] == "2"
    assert "secondary rate limit" in raised.value.data["message"]
    assert fake_github.comments_of(REPO, 1)[-1]["body"] == "Ready for review"  # nothing written
    pull.create_issue_comment("hello")
    assert fake_github.comments_of(REPO, 1)[-1]["body"] == "hello"
    assert [r.status for r in fake_github.writes()] == [403, 201]

    retrying = fake_github.github(retry=GithubRetry(total=2, backoff_factor=0))
    fake_github.fail("GET", r"/pulls/1$", status=403, headers={"Retry-After": "0"})
    assert retrying.get_repo(REPO).get_pull(1).number == 1
    assert [r.status for r in fake_github.requests[-2:]] == [403, 200]


def test_fault_dropped_connection(fake_github: FakeGitHub, scenario: dict[str, Any]) -> None:
    repo = fake_github.github().get_repo(REPO)
    fake_github.fail(None, r"/pulls/1/files", drop=True)
    with pytest.raises(requests.exceptions.ConnectionError):
        list(repo.get_pull(1).get_files())
    assert fake_github.requests[-1] == Recorded(
        "GET", f"{P}/pulls/1/files", {}, None, None, f"{R}/pulls/{{pull_number}}/files"
    )
    assert len(list(repo.get_pull(1).get_files())) == 8

    retrying = fake_github.github(retry=GithubRetry(total=2, backoff_factor=0))
    fake_github.fail("GET", r"/pulls/1/files", drop=True)
    assert len(list(retrying.get_repo(REPO).get_pull(1).get_files())) == 8
    assert [r.status for r in fake_github.requests[-2:]] == [None, 200]


def test_fault_matches_method_and_counts(fake_github: FakeGitHub, scenario: dict[str, Any]) -> None:
    fake_github.fail("POST", r"/labels", status=503, times=2)
    assert call(fake_github, "GET", f"{P}/issues/1/labels").status_code == 200  # other method
    statuses = [
        call(fake_github, "POST", f"{P}/issues/1/labels", body={"labels": ["x"]}).status_code
        for _ in range(3)
    ]
    assert statuses == [503, 503, 200]
    assert fake_github.labels_of(REPO, 1) == ["oin/new", "oin/qa", "x"]


def test_fake_checks_its_own_responses_against_the_schema() -> None:
    with FakeGitHub() as fake:
        fake.add_repo(REPO)
        fake._label_json = lambda repo, label: {"name": label.name}  # type: ignore[method-assign]
        call(fake, "GET", f"{P}/labels")
        assert fake.schema_violations
        assert all(v.startswith(f"GET {P}/labels -> 200: 0: ") for v in fake.schema_violations[:3])


def test_a_crash_inside_the_fake_is_reported_not_hidden() -> None:
    with FakeGitHub() as fake:
        fake.add_repo(REPO)
        fake._label_json = lambda repo, label: 1 / 0  # type: ignore[method-assign]
        response = call(fake, "GET", f"{P}/labels")
        assert response.status_code == 500 and response.json()["message"] == "Server Error"
        assert "ZeroDivisionError" in fake.internal_errors[0]


def test_lifecycle_timestamps_follow_the_clock() -> None:
    with FakeGitHub(now=DEFAULT_NOW + timedelta(days=1)) as fake:
        fake.add_repo(REPO)
        sha = fake.commit(REPO, {"a": b"a"})
        head = fake.commit(REPO, {"a": b"b"}, parent=sha, branch=None)
        fake.open_pr(REPO, author="isv-dev", head_sha=head)
        fake.advance(minutes=10)
        fake.close(REPO, 1)
        pull = call(fake, "GET", f"{P}/pulls/1").json()
        assert (pull["created_at"], pull["closed_at"], pull["updated_at"]) == (
            "2025-03-04T09:00:00Z",
            "2025-03-04T09:10:00Z",
            "2025-03-04T09:10:00Z",
        )
        assert fake.schema_violations == []


def test_list_commits_follows_a_path(fake_github: FakeGitHub) -> None:
    """Only the commits that changed the path, newest first, from the given commit back."""
    fake_github.add_repo("okta/oin-catalog")
    first = fake_github.commit("okta/oin-catalog", {"a.txt": b"1\n"})
    fake_github.advance(hours=1)
    second = fake_github.commit("okta/oin-catalog", {"a.txt": b"1\n", "b.txt": b"2\n"})
    fake_github.advance(hours=1)
    third = fake_github.commit("okta/oin-catalog", {"a.txt": b"3\n", "b.txt": b"2\n"})
    repo = fake_github.github().get_repo("okta/oin-catalog")
    assert [c.sha for c in repo.get_commits(sha=third, path="a.txt")] == [third, first]
    assert [c.sha for c in repo.get_commits(sha=second, path="b.txt")] == [second]
    assert [c.sha for c in repo.get_commits(sha=third)] == [third, second, first]
