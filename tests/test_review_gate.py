"""The review gate decides on the merged tree: the bot's lint of a pull request is the report
``oin-gitops lint --changed-since BASE`` gives on a checkout of the merge, repository and change
rules included, and a bot that cannot see every changed file gives no approval.

Each scenario is built twice from the same files: as commits in the fake GitHub (the bot reads
them through the API) and as a real git repository on disk (the CLI reads it), and the two
reports must be equal.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from types import SimpleNamespace

import pytest
from click.testing import CliRunner

from oin_gitops.cli import cli
from oin_gitops.config import Config
from oin_gitops.github.client import Settings, connect
from oin_gitops.github.facts import Reader
from oin_gitops.github.sync import Syncer, sync_all, sync_one
from tests import fakegithub
from tests.conftest import git
from tests.fakegithub import FakeGitHub
from tests.test_review_journeys import (
    CONFIG,
    INITIAL,
    ISV,
    QA,
    REPO,
    folder,
    state_labels,
    submission,
)

fake_github = fakegithub.fake_github
Files = dict[str, bytes]
PUBLISHED = folder("published-app", submission("Published App", owners="[acme-alice]"))
BASE: Files = {".oin-gitops.yaml": CONFIG.encode(), **PUBLISHED}


def write_tree(root: Path, files: Mapping[str, bytes]) -> None:
    """Make the work tree hold exactly ``files`` (tracked files not listed are removed)."""
    for tracked in git(root, "ls-files", "-z").split("\0"):
        if tracked and tracked not in files:
            (root / tracked).unlink()
            for parent in (root / tracked).parents:  # git keeps no empty folders
                if parent == root or any(parent.iterdir()):
                    break
                parent.rmdir()
    for path, data in files.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_bytes(data)
    git(root, "add", "-A")


@dataclass
class Scenario:
    """One base branch and one pull request, both in the fake GitHub and in a local clone."""

    fake: FakeGitHub
    local: Path
    number: int

    def reader(self, checkout: Path | None = None, config: str | None = None) -> Reader:
        settings = Settings(
            token="t0k3n", repository=REPO, api_url=self.fake.base_url, spacing=0, write_spacing=0
        )
        client, repo = connect(settings, sleep=lambda _: None)
        return Reader(client, repo, checkout=checkout)

    def cli_report(self, author: str = ISV) -> list[tuple[object, ...]]:
        """``lint --changed-since main`` on the local checkout of the pull request's head."""
        with contextlib.chdir(self.local):
            result = CliRunner().invoke(
                cli,
                ["lint", "--changed-since", "main", "--author", author, "--format", "json"],
            )
        assert result.exit_code in (0, 1), result.output
        return diagnostics(json.loads(result.stdout)["diagnostics"])


def diagnostics(items: list[dict[str, object]]) -> list[tuple[object, ...]]:
    keys = ("path", "line", "column", "rule", "severity", "message")
    return [tuple(item[key] for key in keys) for item in items]


def bot_report(reader: Reader, number: int) -> list[tuple[object, ...]]:
    report = reader.read(number).report
    assert report is not None
    return [
        (d.path, d.line, d.column, d.rule, d.severity.value, d.message) for d in report.diagnostics
    ]


def scenario(
    fake: FakeGitHub, tmp_path: Path, base: Files, head: Files, author: str = ISV
) -> Scenario:
    fake.add_repo(REPO)
    base_sha = fake.commit(REPO, base)
    head_sha = fake.commit(REPO, head, parent=base_sha, branch=None)  # type: ignore[arg-type]
    number = fake.open_pr(REPO, author, head_sha)
    local = tmp_path / "clone"
    local.mkdir()
    git(local, "init", "-q", "-b", "main")
    write_tree(local, base)
    commit_at(local, "base", fake.now)
    git(local, "switch", "-qc", "change")
    write_tree(local, head)
    commit_at(local, "change", fake.now)
    return Scenario(fake, local, number)


COMMIT = ("commit", "-qm")


def commit_at(root: Path, message: str, when: datetime) -> None:
    """A commit dated like the fake's (publication dates are read from history on both sides)."""
    git(root, *COMMIT, message, date=when.isoformat())


def renamed(files: Files, slug: str) -> Files:
    return {
        path.replace("submissions/acme-notes/", f"submissions/{slug}/"): data
        for path, data in files.items()
    }


NEW = folder("acme-notes", submission())
SCENARIOS: dict[str, tuple[Files, Callable[[Files], Files]]] = {
    "new submission": (BASE, lambda b: {**b, **NEW}),
    "update": (
        BASE,
        lambda b: {
            **b,
            "submissions/published-app/submission.yaml": b[
                "submissions/published-app/submission.yaml"
            ].replace(b"Published App", b"Published App Two"),
        },
    ),
    "rename of a tenant setting": (
        BASE,
        lambda b: {
            **b,
            "submissions/published-app/submission.yaml": b[
                "submissions/published-app/submission.yaml"
            ].replace(b"name: subdomain", b"name: tenant"),
            "submissions/published-app/saml.yaml": b["submissions/published-app/saml.yaml"].replace(
                b"org.subdomain", b"org.tenant"
            ),
        },
    ),
    "removal": (
        {**BASE, **NEW},
        lambda b: {k: v for k, v in b.items() if not k.startswith("submissions/acme-notes/")},
    ),
    "duplicate name of a published app": (
        BASE,
        lambda b: {**b, **folder("acme-notes", submission("Published App"))},
    ),
    "duplicate name, other spelling": (
        BASE,
        lambda b: {**b, **folder("acme-notes", submission("PUBLISHED-app!"))},
    ),
    "slug one hyphen from a published one": (
        BASE,
        lambda b: {**b, **renamed(folder("acme-notes", submission("Another App")), "publishedapp")},
    ),
    "two submissions in one pull request": (
        BASE,
        lambda b: {
            **b,
            **NEW,
            **renamed(folder("acme-notes", submission("Beta App")), "beta-app"),
        },
    ),
    "broken yaml and a file outside submissions": (
        BASE,
        lambda b: {
            **b,
            **NEW,
            "submissions/acme-notes/saml.yaml": b"acs_url: [unclosed\n",
            "README.md": b"changed\n",
        },
    ),
}


@pytest.mark.parametrize("name", SCENARIOS)
def test_the_bot_and_lint_changed_since_give_one_verdict(
    fake_github: FakeGitHub, tmp_path: Path, name: str
) -> None:
    base, change = SCENARIOS[name]
    case = scenario(fake_github, tmp_path, base, change(base))
    expected = case.cli_report()
    assert bot_report(case.reader(), case.number) == expected
    # The same through the local clone of the base (the workflow's checkout): equal, and no
    # file of the base is read through the API.
    fake_github.clear_log()
    assert bot_report(case.reader(checkout=case.local), case.number) == expected
    blobs = [r for r in fake_github.requests if r.route.endswith("/git/blobs/{file_sha}")]
    changed = len(fake_github.pull_files(REPO, case.number))
    assert len(blobs) <= changed


def test_a_duplicate_of_a_published_name_is_action_required(
    fake_github: FakeGitHub, tmp_path: Path
) -> None:
    case = scenario(
        fake_github, tmp_path, BASE, {**BASE, **folder("acme-notes", submission("Published App"))}
    )
    data = case.reader().read(case.number)
    assert data.report is not None
    assert [(d.rule, d.message) for d in data.report.diagnostics] == [
        (
            "duplicate-name",
            "the app name 'Published App' is already used by submissions/published-app",
        )
    ]
    assert data.facts.lint_errors == 1


def test_a_name_published_after_the_pull_request_opened_counts(
    fake_github: FakeGitHub, tmp_path: Path
) -> None:
    """The base is the branch as it is now, not as it was when the pull request was opened."""
    case = scenario(fake_github, tmp_path, BASE, {**BASE, **NEW})
    assert case.reader().read(case.number).facts.lint_errors == 0
    fake_github.commit(REPO, {**BASE, **folder("acme-first", submission("Acme Notes"))})
    report = case.reader().read(case.number).report
    assert report is not None
    assert [(d.path, d.rule) for d in report.diagnostics] == [
        ("submissions/acme-notes/submission.yaml", "duplicate-name")
    ]


def sync_bot(fake: FakeGitHub) -> Syncer:
    settings = Settings(
        token="t0k3n", repository=REPO, api_url=fake.base_url, spacing=0, write_spacing=0
    )
    client, repo = connect(settings, sleep=lambda _: None)
    return Syncer(Reader(client, repo), clock=lambda: fake.now)


def test_a_pull_request_past_the_file_limit_gets_no_verdict(
    fake_github: FakeGitHub, tmp_path: Path
) -> None:
    """3,001 files: GitHub would list 3,000, so a tamper in the last one would ride along; the
    bot reads none of them and asks for a split."""
    tamper = {
        "submissions/published-app/submission.yaml": BASE[
            "submissions/published-app/submission.yaml"
        ].replace(b"https://", b"https://evil.")
    }
    filler = {f"submissions/acme-notes/evidence/e{i:04}.json": b"{}\n" for i in range(3000)}
    head = {**BASE, **NEW, **filler, **tamper}
    fake_github.add_repo(REPO)
    base_sha = fake_github.commit(REPO, BASE)
    number = fake_github.open_pr(
        REPO, ISV, fake_github.commit(REPO, head, parent=base_sha, branch=None)
    )
    fake_github.clear_log()
    outcome = sync_bot(fake_github).sync(number)
    assert outcome.decision.label == "oin/action-required"
    assert (
        "this pull request changes 3,004 files and the review bot reads at most 100 "
        "(limits.max_files_per_pr); split it into pull requests of one submission each"
        in outcome.decision.reason
    )
    assert not any(r.route.endswith("/files") for r in fake_github.requests)
    assert "oin/action-required" in state_labels(fake_github, number)


def test_a_listing_shorter_than_the_change_gets_no_verdict() -> None:
    """GitHub's listing stops at 3,000 files; a configured limit above that (or a listing cut
    for any other reason) must not pass unseen files."""
    files = [
        SimpleNamespace(
            status="added", filename=f"submissions/a/evidence/{i}.json", previous_filename=None
        )
        for i in range(3)
    ]
    pr = SimpleNamespace(
        changed_files=5, user=SimpleNamespace(login=ISV), get_files=lambda: iter(files)
    )
    reader = Reader(client=None, repo=None, _config=Config(max_files_per_pr=10))  # type: ignore[arg-type]
    change, blind = reader._change(pr)  # type: ignore[arg-type]
    assert len(change.files) == 3
    assert blind == [
        "GitHub listed 3 of the 5 files this pull request changes, so the review bot cannot "
        "check the rest; split it into pull requests of one submission each"
    ]


def test_a_truncated_tree_gets_no_verdict(fake_github: FakeGitHub, tmp_path: Path) -> None:
    case = scenario(fake_github, tmp_path, BASE, {**BASE, **NEW})
    reader = case.reader()
    tree = reader.repo.get_git_tree(reader.repo.get_pull(case.number).head.sha, recursive=True)
    tree.raw_data["truncated"] = True  # GitHub sets it past 100,000 entries or 7 MB
    original = reader.repo.get_git_tree
    reader.repo.get_git_tree = lambda *a, **k: tree  # type: ignore[method-assign]
    try:
        data = reader.read(case.number)
    finally:
        reader.repo.get_git_tree = original  # type: ignore[method-assign]
    assert data.report is None
    assert data.facts.problems[0].startswith("GitHub returned only part of the tree of ")


LIMIT_CONFIG = CONFIG + "limits:\n  open_submissions_per_org: 2\n"


def open_for_org(fake: FakeGitHub, slug: str, name: str) -> int:
    files = {**fake.files_at(fake.branch_head(REPO)), **folder(slug, submission(name))}
    return fake.open_pr(REPO, ISV, fake.commit(REPO, files, branch=None))  # type: ignore[arg-type]


def test_the_org_limit_releases_itself(fake_github: FakeGitHub) -> None:
    """Three pull requests of one org opened in the same second: the lower numbers go first
    (exactly two), and closing one releases the third in the same run."""
    fake_github.add_repo(REPO)
    fake_github.commit(REPO, {".oin-gitops.yaml": LIMIT_CONFIG.encode()})
    numbers = [open_for_org(fake_github, f"acme-{i}", f"Acme {i}") for i in range(3)]
    labels = [sync_bot(fake_github).sync(n).decision.label for n in numbers]
    assert labels == ["oin/pending-review", "oin/pending-review", "oin/action-required"]
    held = sync_bot(fake_github).sync(numbers[2]).decision.reason
    assert "https://acme.okta.com already has 2 open submissions (at most 2 per dev org)" in held
    assert "finish or close one of them first (OIN guideline MGR-02)" in held
    fake_github.advance(hours=1)
    fake_github.close(REPO, numbers[0])
    outcomes = sync_one(sync_bot(fake_github), numbers[0])
    assert [(o.number, o.decision.label) for o in outcomes] == [
        (numbers[0], "oin/withdrawn"),
        (numbers[2], "oin/pending-review"),
    ]


def test_the_hourly_run_releases_a_held_pull_request(fake_github: FakeGitHub) -> None:
    """The close event was missed: the next hourly run re-reads the held pull request."""
    fake_github.add_repo(REPO)
    fake_github.commit(REPO, {".oin-gitops.yaml": LIMIT_CONFIG.encode()})
    numbers = [open_for_org(fake_github, f"acme-{i}", f"Acme {i}") for i in range(3)]
    for number in numbers:
        sync_bot(fake_github).sync(number)
    fake_github.advance(hours=5)  # every pull request is quiet now
    fake_github.close(REPO, numbers[1])
    outcomes = sync_all(sync_bot(fake_github))
    assert [(o.number, o.decision.label) for o in outcomes] == [
        (numbers[1], "oin/withdrawn"),
        (numbers[2], "oin/pending-review"),
    ]
    assert "oin/pending-review" in state_labels(fake_github, numbers[2])


def test_api_requests_per_sync_are_bounded(fake_github: FakeGitHub, tmp_path: Path) -> None:
    """A typical new submission, and the largest pull request the limits allow (100 files,
    most of them evidence): the cost of one sync is printed and bounded."""
    case = scenario(fake_github, tmp_path, BASE, {**BASE, **NEW})
    fake_github.clear_log()
    sync_bot(fake_github).sync(case.number)
    typical = len(fake_github.requests)
    # Certificates are read by the evidence rules: each one costs a request.
    evidence = {f"submissions/big-app/evidence/e{i:03}.pem": b"%d\n" % i for i in range(97)}
    big = {**BASE, **renamed(NEW, "big-app"), **evidence}
    number = fake_github.open_pr(
        REPO,
        ISV,
        fake_github.commit(REPO, big, branch=None),  # type: ignore[arg-type]
    )
    fake_github.clear_log()
    outcome = sync_bot(fake_github).sync(number)
    largest = len(fake_github.requests)
    print(f"\nAPI requests per sync: typical {typical}, largest allowed {largest}")
    assert outcome.decision.label == "oin/action-required"
    sticky = next(
        c["body"]
        for c in fake_github.comments_of(REPO, number)
        if c["body"].startswith("<!-- oin-gitops:review ")
    )
    assert "evidence/ holds 97 files; at most 20 are allowed" in sticky
    assert typical <= 25
    # Evidence past limits.max_evidence_files (20) is never read; the first pull request, still
    # open, costs its file listing, tree and submission.yaml for the per-org limit.
    assert largest <= typical + 20 + 4


def test_review_state_reads_the_base_from_the_checkout(
    fake_github: FakeGitHub, tmp_path: Path
) -> None:
    """``--checkout`` (the workflow sets OIN_GITOPS_CHECKOUT): the duplicate is found, and no
    file of the base branch is read through the API."""
    case = scenario(
        fake_github, tmp_path, BASE, {**BASE, **folder("acme-notes", submission("Published App"))}
    )
    git(case.local, "switch", "-q", "main")
    fake_github.clear_log()
    result = CliRunner().invoke(
        cli,
        ["review", "state", "--pr", str(case.number)],
        env={
            "GITHUB_TOKEN": "t0k3n",
            "GITHUB_REPOSITORY": REPO,
            "GITHUB_API_URL": fake_github.base_url,
            "OIN_GITOPS_CHECKOUT": str(case.local),
            "OIN_GITOPS_REQUEST_SPACING": "0",
        },
    )
    assert result.exit_code == 0, result.output
    assert f"#{case.number}: oin/action-required" in result.output
    assert "has 1 lint error." in result.output
    reads = [r.path for r in fake_github.requests if "/git/blobs/" in r.path]
    # The pull request's own three files at most, nothing of the base (published-app's).
    assert 0 < len(reads) <= 3


def test_an_approved_pull_request_is_rechecked_when_another_merges(
    fake_github: FakeGitHub,
) -> None:
    """Two ISVs race with the same app name in different folders; both reach oin/approved.
    When the first merges, the second must not stay mergeable: its merge result now holds a
    duplicate name, and the bot re-reads it in the same run."""
    fake_github.add_repo(REPO)
    fake_github.commit(REPO, BASE)
    first = open_for_org(fake_github, "acme-notes", "Acme Notes")
    second_files = {
        **fake_github.files_at(fake_github.branch_head(REPO)),
        **folder("acme-notes-two", submission("Acme Notes", org="https://other.okta.com")),
    }
    second = fake_github.open_pr(
        REPO, "other-isv", fake_github.commit(REPO, second_files, branch=None)
    )  # type: ignore[arg-type]
    for number in (first, second):
        fake_github.review(REPO, number, INITIAL, "APPROVED")
        fake_github.review(REPO, number, QA, "APPROVED")
        assert sync_bot(fake_github).sync(number).decision.label == "oin/approved"
    fake_github.merge(REPO, first)
    outcomes = sync_one(sync_bot(fake_github), first)
    assert [(o.number, o.decision.label) for o in outcomes] == [
        (first, "oin/approved"),
        (second, "oin/action-required"),
    ]
    assert "1 lint error" in outcomes[1].decision.reason
    assert "oin/approved" not in state_labels(fake_github, second)
