"""The review bot over real HTTP: PyGithub against the stateful fake GitHub, journey by journey.

Each step runs a fresh sync (as each workflow run would) and asserts on the fake's state and
its request log, including that a second run with nothing changed makes no write.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest

from oin_gitops.github.client import BotError, Settings, connect
from oin_gitops.github.facts import Reader
from oin_gitops.github.sync import Outcome, Syncer, sync_all
from tests import fakegithub
from tests.conftest import SAML_YAML, SEALED, SUBMISSION_YAML, TEST_PUBLIC_KEY, png_bytes
from tests.fakegithub import FakeGitHub, Symlink

fake_github = fakegithub.fake_github
REPO = "okta/oin-catalog"
ISV = "isv-dev"
INITIAL, QA = "oin-rev-ana", "oin-qa-ben"
CONFIG = f"""\
reviewers:
  initial: [{INITIAL}]
  qa: [{QA}]
maintainers: [oin-admin]
public_key: "{TEST_PUBLIC_KEY}"
reserved_domains:
  allow: [example]
"""


def submission(
    name: str = "Acme Notes", org: str = "https://acme.okta.com", owners: str = "[isv-dev]"
) -> dict[str, bytes]:
    text = SUBMISSION_YAML.format(name=name, sealed=SEALED)
    text = text.replace("okta_org: https://acme.okta.com", f"okta_org: {org}").replace(
        "github: [acme-alice]", f"github: {owners}"
    )
    return {
        "submission.yaml": text.encode(),
        "saml.yaml": SAML_YAML.encode(),
        "logo.png": png_bytes(),
    }


def folder(slug: str, files: dict[str, bytes]) -> dict[str, bytes]:
    return {f"submissions/{slug}/{name}": data for name, data in files.items()}


@pytest.fixture
def github(fake_github: FakeGitHub) -> FakeGitHub:
    """main holds the configuration and one published integration, 'published-app'."""
    fake_github.add_repo(REPO)
    fake_github.commit(
        REPO,
        {
            ".oin-gitops.yaml": CONFIG.encode(),
            **folder("published-app", submission("Published App", owners="[acme-alice]")),
        },
    )
    return fake_github


class Bot:
    """Runs syncs the way the workflow does: a new client and no caches per run."""

    def __init__(self, fake: FakeGitHub) -> None:
        self.fake = fake
        self.sleeps: list[float] = []

    def syncer(self, token: str = "t0k3n") -> Syncer:
        settings = Settings(
            token=token,
            repository=REPO,
            api_url=self.fake.base_url,
            spacing=0,
            write_spacing=0,
            backoff=0.5,
        )
        client, repo = connect(settings, sleep=self.sleeps.append)
        return Syncer(Reader(client, repo), clock=lambda: self.fake.now)

    def sync(self, number: int, **kwargs: str) -> Outcome:
        return self.syncer().sync(number, **kwargs)


def open_submission(
    fake: FakeGitHub,
    slug: str = "acme-notes",
    author: str = ISV,
    draft: bool = False,
    **kwargs: object,
) -> int:
    head = fake.commit(
        REPO,
        {**fake.files_at(fake.branch_head(REPO)), **folder(slug, submission(**kwargs))},
        branch=None,
    )  # type: ignore[arg-type]
    return fake.open_pr(REPO, author, head, draft=draft)


def push(fake: FakeGitHub, number: int, change: Callable[[dict[str, object]], None]) -> str:
    pull = fake.github().get_repo(REPO).get_pull(number)
    files = dict(fake.files_at(pull.head.sha))
    change(files)
    sha = fake.commit(REPO, files, parent=pull.head.sha, branch=None)  # type: ignore[arg-type]
    fake.push(REPO, number, sha)
    return sha


def state_labels(fake: FakeGitHub, number: int) -> list[str]:
    return [label for label in fake.labels_of(REPO, number) if label.startswith("oin/")]


def announcements(fake: FakeGitHub, number: int) -> list[str]:
    return [
        c["body"].split("\n", 1)[1]
        for c in fake.comments_of(REPO, number)
        if c["body"].startswith("<!-- oin-gitops:state ")
    ]


def review_status(fake: FakeGitHub, number: int) -> str | None:
    sha = fake.github().get_repo(REPO).get_pull(number).head.sha
    states = [s["state"] for s in fake.statuses_of(REPO, sha) if s["context"] == "oin/review"]
    return states[-1] if states else None


def step(bot: Bot, number: int, expected: str) -> Outcome:
    bot.fake.advance(hours=5)
    outcome = bot.sync(number)
    assert outcome.decision.label == expected, outcome.decision.reason
    assert expected in state_labels(bot.fake, number)
    bot.fake.clear_log()
    again = bot.sync(number)
    assert again.writes == [] and bot.fake.writes() == [], (
        "a second run with nothing changed must not write"
    )
    return outcome


def test_the_whole_review_journey(github: FakeGitHub) -> None:
    bot = Bot(github)
    number = open_submission(github, draft=True)
    first = step(bot, number, "oin/draft")
    assert state_labels(github, number) == ["oin/draft", "oin/new", "oin/saml"]
    assert first.writes[:1] == ["labels+oin/draft,oin/new,oin/saml"]
    assert review_status(github, number) == "pending"
    sticky = github.comments_of(REPO, number)
    assert sum(c["body"].startswith("<!-- oin-gitops:review ") for c in sticky) == 1

    github.set_draft(REPO, number, False)
    step(bot, number, "oin/pending-review")
    github.review(REPO, number, INITIAL, "CHANGES_REQUESTED")
    step(bot, number, "oin/action-required")
    assert review_status(github, number) == "failure"
    push(
        github,
        number,
        lambda f: f.update(
            {
                "submissions/acme-notes/saml.yaml": SAML_YAML.replace(
                    "jit: false", "jit: true"
                ).encode()
            }
        ),
    )
    step(bot, number, "oin/pending-review")
    github.review(REPO, number, INITIAL, "APPROVED")
    step(bot, number, "oin/qa")
    github.review(REPO, number, QA, "CHANGES_REQUESTED")
    step(bot, number, "oin/action-required")
    push(
        github, number, lambda f: f.update({"submissions/acme-notes/saml.yaml": SAML_YAML.encode()})
    )
    step(bot, number, "oin/final-review")
    github.review(REPO, number, QA, "APPROVED")
    step(bot, number, "oin/approved")
    assert review_status(github, number) == "success"
    merge_sha = github.merge(REPO, number)
    step(bot, number, "oin/approved")
    github.set_status(REPO, merge_sha, "oin/publish", "success")
    step(bot, number, "oin/published")

    assert [a.split(":", 1)[0] for a in announcements(github, number)] == [f"@{ISV}"] * 9
    assert [
        label for label in state_labels(github, number) if label in ("oin/new", "oin/saml")
    ] == ["oin/new", "oin/saml"]


def test_sticky_comment_shows_the_queue_from_data(github: FakeGitHub) -> None:
    bot = Bot(github)
    first = open_submission(github, "acme-notes")
    bot.sync(first)
    github.advance(days=1)
    second = open_submission(
        github,
        "beta-app",
        author="beta-dev",
        name="Beta App",
        org="https://beta.okta.com",
        owners="[beta-dev]",
    )
    bot.sync(second)
    bot.sync(first)
    sticky = next(
        c["body"]
        for c in github.comments_of(REPO, second)
        if c["body"].startswith("<!-- oin-gitops:review ")
    )
    assert "number 2 of 2" in sticky
    github.clear_log()
    github.advance(days=3)  # time passing alone changes nothing: no writes
    assert [o.writes for o in sync_all(bot.syncer(), quiet_hours=None)] == [[], []]
    github.clear_log()
    assert sync_all(bot.syncer()) == []  # quiet pull requests are not even read
    assert [r.route for r in github.requests if r.method == "GET"] == [
        "/repos/{owner}/{repo}",
        "/repos/{owner}/{repo}/pulls",
        "/repos/{owner}/{repo}/pulls",
    ]
    # The first pull request advances: the second one's queue moved, so --all updates it too.
    github.review(REPO, first, INITIAL, "APPROVED")
    outcomes = sync_all(bot.syncer())
    assert [(o.number, o.decision.label) for o in outcomes] == [
        (first, "oin/qa"),
        (second, "oin/pending-review"),
    ]
    sticky = next(
        c["body"]
        for c in github.comments_of(REPO, second)
        if c["body"].startswith("<!-- oin-gitops:review ")
    )
    assert "Yours is the only pull request waiting for the initial review." in sticky


def test_an_update_from_someone_who_is_not_an_owner(github: FakeGitHub) -> None:
    bot = Bot(github)
    number = open_submission(
        github, "published-app", author="mallory", name="Published App", owners="[mallory]"
    )
    outcome = bot.sync(number)
    assert outcome.decision.label == "oin/action-required"
    assert (
        "only an owner of the published integration 'published-app' may change or remove it (owners on the base branch: acme-alice)"
        in outcome.decision.reason
    )
    assert (
        "ask an owner to open this pull request (OIN guideline ORG-02)" in outcome.decision.reason
    )
    assert state_labels(github, number) == ["oin/action-required", "oin/saml", "oin/update"]


def test_okta_org_may_not_change_on_update(github: FakeGitHub) -> None:
    number = open_submission(
        github,
        "published-app",
        author="acme-alice",
        name="Published App",
        owners="[acme-alice]",
        org="https://other.okta.com",
    )
    outcome = Bot(github).sync(number)
    assert (
        "'owners.okta_org' of 'published-app' may not change (it is https://acme.okta.com on the base branch); "
        "updates must come from the same Okta org (OIN guideline ORG-02)" in outcome.decision.reason
    )


def test_the_eleventh_open_submission_of_a_dev_org(github: FakeGitHub) -> None:
    numbers = []
    for index in range(11):
        github.advance(minutes=1)
        numbers.append(open_submission(github, f"app-{index:02d}", name=f"App {index}"))
    bot = Bot(github)
    assert bot.sync(numbers[9]).decision.label == "oin/pending-review"
    github.clear_log()
    eleventh = bot.sync(numbers[10])
    listings = [r for r in github.requests if r.route == "/repos/{owner}/{repo}/pulls"]
    assert len(listings) == 1, "the open pull requests are listed once per run"
    assert eleventh.decision.label == "oin/action-required"
    assert (
        "https://acme.okta.com already has 10 open submissions (at most 10 per dev org)"
        in eleventh.decision.reason
    )


def test_a_removal_needs_an_owner_and_qa_approval(github: FakeGitHub) -> None:
    files = {
        k: v
        for k, v in github.files_at(github.branch_head(REPO)).items()
        if not k.startswith("submissions/published-app/")
    }
    number = github.open_pr(REPO, "acme-alice", github.commit(REPO, files, branch=None))
    bot = Bot(github)
    assert bot.sync(number).decision.label == "oin/pending-review"
    assert state_labels(github, number) == ["oin/pending-review", "oin/removal"]
    github.review(REPO, number, INITIAL, "APPROVED")
    github.review(REPO, number, QA, "APPROVED")
    assert bot.sync(number).decision.label == "oin/approved"
    stranger = github.open_pr(REPO, "mallory", github.commit(REPO, files, branch=None))
    assert bot.sync(stranger).decision.label == "oin/action-required"


def test_a_fork_pull_request_synced_from_its_artifact(github: FakeGitHub) -> None:
    head = github.commit(
        REPO,
        {**github.files_at(github.branch_head(REPO)), **folder("acme-notes", submission())},
        branch=None,
    )
    number = github.open_pr(REPO, ISV, head, fork=True)
    bot = Bot(github)
    with pytest.raises(
        BotError, match=r"the check artifact names commit 000000000000, but pull request #\d+ is at"
    ):
        bot.sync(number, head_sha="0" * 40)
    assert github.writes() == []
    assert bot.sync(number, head_sha=head).decision.label == "oin/pending-review"


def test_a_stale_qa_approval_after_a_new_push(github: FakeGitHub) -> None:
    bot = Bot(github)
    number = open_submission(github)
    github.review(REPO, number, INITIAL, "APPROVED")
    github.review(REPO, number, QA, "APPROVED")
    assert bot.sync(number).decision.label == "oin/approved"
    push(
        github,
        number,
        lambda f: f.update(
            {
                "submissions/acme-notes/saml.yaml": SAML_YAML.replace(
                    "jit: false", "jit: true"
                ).encode()
            }
        ),
    )
    assert bot.sync(number).decision.label == "oin/qa"
    assert review_status(github, number) == "pending"


def test_symlinks_in_a_pull_request_are_refused_not_followed(github: FakeGitHub) -> None:
    files = {**github.files_at(github.branch_head(REPO)), **folder("acme-notes", submission())}
    files["submissions/acme-notes/logo.png"] = Symlink("../../.oin-gitops.yaml")
    number = github.open_pr(REPO, ISV, github.commit(REPO, files, branch=None))
    outcome = Bot(github).sync(number)
    assert outcome.decision.label == "oin/action-required"
    blob_reads = [r.path for r in github.requests if "/git/blobs/" in r.path]
    symlink_sha = next(
        e.sha
        for e in github.github()
        .get_repo(REPO)
        .get_git_tree(github.github().get_repo(REPO).get_pull(number).head.sha, recursive=True)
        .tree
        if e.path.endswith("logo.png")
    )
    assert not any(path.endswith(symlink_sha) for path in blob_reads)


def test_retries_on_500_and_on_a_secondary_rate_limit_without_sleeping(github: FakeGitHub) -> None:
    bot = Bot(github)
    number = open_submission(github)
    github.fail("GET", rf"/pulls/{number}$", status=502, times=1)
    github.fail(
        "GET",
        r"/reviews$",
        status=403,
        headers={"Retry-After": "7"},
        message="You have exceeded a secondary rate limit",
        times=1,
    )
    assert bot.sync(number).decision.label == "oin/pending-review"
    assert 7.0 in bot.sleeps
    assert all(s < 60 for s in bot.sleeps)


def test_a_crash_between_label_and_comment_converges_on_the_next_run(github: FakeGitHub) -> None:
    bot = Bot(github)
    number = open_submission(github)
    # Every attempt at the first comment fails (the bot looks for it and tries again).
    github.fail("POST", rf"/issues/{number}/comments$", drop=True, times=3)
    with pytest.raises(BotError, match="the connection to GitHub failed"):
        bot.sync(number)
    assert "oin/pending-review" in state_labels(github, number)
    assert github.comments_of(REPO, number) == []
    github.clear_log()
    outcome = bot.sync(number)
    assert outcome.writes == ["sticky created", "announce oin/pending-review"]
    assert len(announcements(github, number)) == 1
    github.clear_log()
    assert bot.sync(number).writes == []


def test_a_read_only_token_gets_a_clear_message(github: FakeGitHub) -> None:
    number = open_submission(github)
    with pytest.raises(
        BotError,
        match=r"the token may not sync pull request #.*grant the workflow 'pull-requests: write'",
    ):
        Bot(github).syncer(token="ro-token").sync(number)


def test_a_pull_request_that_touches_no_submission_gets_success_and_no_state(
    github: FakeGitHub,
) -> None:
    files = {**github.files_at(github.branch_head(REPO)), "README.md": b"# catalog\n"}
    number = github.open_pr(REPO, "oin-admin", github.commit(REPO, files, branch=None))
    outcome = Bot(github).sync(number)
    assert outcome.decision.label is None
    assert state_labels(github, number) == []
    assert review_status(github, number) == "success"


def test_teams_are_resolved_when_the_token_can_read_them(github: FakeGitHub) -> None:
    github.add_team("okta", "oin-qa", members=["qa-team-member"])
    config = CONFIG.replace(f"qa: [{QA}]", "qa: [okta/oin-qa]")
    github.commit(
        REPO, {**github.files_at(github.branch_head(REPO)), ".oin-gitops.yaml": config.encode()}
    )
    number = open_submission(github)
    github.review(REPO, number, INITIAL, "APPROVED")
    github.review(REPO, number, "qa-team-member", "APPROVED")
    assert Bot(github).sync(number).decision.label == "oin/approved"


def test_closed_without_merge_is_withdrawn(github: FakeGitHub) -> None:
    bot = Bot(github)
    number = open_submission(github)
    bot.sync(number)
    github.close(REPO, number)
    github.advance(timedelta(hours=1))
    outcomes = sync_all(bot.syncer())
    assert [(o.number, o.decision.label) for o in outcomes] == [(number, "oin/withdrawn")]
    assert "oin/withdrawn" in state_labels(github, number)


def run_cli(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    fake: FakeGitHub,
    *args: str,
    token: str = "t0k3n",
):
    from oin_gitops.cli import main

    monkeypatch.setenv("GITHUB_TOKEN", token)
    monkeypatch.setenv("GITHUB_REPOSITORY", REPO)
    monkeypatch.setenv("GITHUB_API_URL", fake.base_url)
    monkeypatch.setenv("OIN_GITOPS_REQUEST_SPACING", "0")
    monkeypatch.setenv("OIN_GITOPS_WRITE_SPACING", "0")
    with pytest.raises(SystemExit) as exited:
        main(list(args))
    captured = capsys.readouterr()
    return exited.value.code, captured.out, captured.err


def test_cli_review_state_writes_nothing(github: FakeGitHub, monkeypatch, capsys) -> None:
    number = open_submission(github)
    github.clear_log()
    code, out, _ = run_cli(monkeypatch, capsys, github, "review", "state", "--pr", str(number))
    assert code == 0
    assert out.splitlines()[0] == f"#{number}: oin/pending-review"
    assert out.splitlines()[1].startswith("why: ")
    assert "labels: oin/new, oin/pending-review, oin/saml" in out
    assert github.writes() == []


def test_cli_review_sync_and_labels_sync(github: FakeGitHub, monkeypatch, capsys) -> None:
    number = open_submission(github)
    code, out, _ = run_cli(monkeypatch, capsys, github, "review", "sync", "--pr", str(number))
    assert code == 0 and out.startswith(f"#{number}: oin/pending-review (labels+")
    code, out, _ = run_cli(monkeypatch, capsys, github, "labels", "sync")
    assert code == 0 and "updated oin/pending-review" in out and "created oin/published" in out
    labels = github.repo_labels(REPO)
    assert labels["oin/action-required"]["color"] != labels["oin/approved"]["color"]
    code, out, _ = run_cli(monkeypatch, capsys, github, "labels", "sync")
    assert out == "every label is up to date\n"


def test_cli_errors_are_one_sentence(github: FakeGitHub, monkeypatch, capsys, tmp_path) -> None:
    number = open_submission(github)
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    code, _, err = run_cli(
        monkeypatch, capsys, github, "review", "sync", "--pr", str(number), token="ro-token"
    )
    assert code == 1
    assert err.startswith(f"oin-gitops: the token may not sync pull request #{number}")
    assert "Traceback" not in err
    assert "**oin-gitops review bot:** the token may not sync" in summary.read_text()
    code, _, err = run_cli(monkeypatch, capsys, github, "review", "sync", "--pr", "1", token="")
    assert code == 2 and "no GitHub token: set GITHUB_TOKEN or pass --token." in err
    code, _, err = run_cli(monkeypatch, capsys, github, "review", "sync", token="t0k3n")
    assert code == 2 and "give either --pr N or --all." in err


def test_publish_marks_the_commit_and_labels_the_merged_pull_request(
    github: FakeGitHub, monkeypatch, capsys
) -> None:
    number = open_submission(github)
    github.review(REPO, number, INITIAL, "APPROVED")
    github.review(REPO, number, QA, "APPROVED")
    Bot(github).sync(number)
    merge_sha = github.merge(REPO, number)
    code, out, _ = run_cli(
        monkeypatch, capsys, github, "review", "published", "--sha", merge_sha, "--failed"
    )
    assert (code, out) == (0, f"#{number}: oin/approved\n")
    assert [
        s["state"] for s in github.statuses_of(REPO, merge_sha) if s["context"] == "oin/publish"
    ] == ["failure"]
    code, out, _ = run_cli(monkeypatch, capsys, github, "review", "published", "--sha", merge_sha)
    assert (code, out) == (0, f"#{number}: oin/published\n")
    assert "oin/published" in state_labels(github, number)
    assert "oin/approved" not in state_labels(github, number)


def test_cli_bad_token_and_unreachable_api_are_one_sentence(
    github: FakeGitHub, monkeypatch, capsys
) -> None:
    code, _, err = run_cli(monkeypatch, capsys, github, "labels", "sync", token="wrong")
    assert code == 1
    assert err.startswith(
        "oin-gitops: GitHub refused the token while trying to read the repository okta/oin-catalog"
    )
    monkeypatch.setenv("GITHUB_API_URL", "http://127.0.0.1:9")
    slept: list[float] = []
    monkeypatch.setattr("oin_gitops.github.client._sleep", slept.append)
    from oin_gitops.cli import main

    with pytest.raises(SystemExit) as exited:
        main(["review", "state", "--pr", "1"])
    assert exited.value.code == 1
    assert "cannot reach GitHub's API at http://127.0.0.1:9" in capsys.readouterr().err
    assert slept  # it retried, without waiting for real
