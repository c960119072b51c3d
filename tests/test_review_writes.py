"""The review bot's writes against the fake GitHub: whose comments it believes, and how its
writes survive GitHub's failures (5xx, rate limits, dropped connections) without duplicates.

Nothing here sleeps: the client's sleep and clock are injected, and the waits it asked for are
asserted (``Bot.sleeps``).
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from github import GithubException

from oin_gitops.cli import main
from oin_gitops.github.client import BotError, Settings, connect
from oin_gitops.github.facts import Reader
from oin_gitops.github.sync import Outcome, Syncer
from tests import fakegithub
from tests.fakegithub import FakeGitHub
from tests.test_review_journeys import (
    CONFIG,
    INITIAL,
    ISV,
    REPO,
    SAML_YAML,
    announcements,
    open_submission,
    push,
)

fake_github = fakegithub.fake_github
MARKER = "<!-- oin-gitops:review "
NOTE = "<!-- oin-gitops:state "
ACTIONS = "github-actions[bot]"
ADMIN = "oin-admin"  # a maintainer in CONFIG
SECONDARY = (
    "You have exceeded a secondary rate limit. Please wait a few minutes before you try again. "
    "If you reach out to GitHub Support for help, please include the request ID FAKE:0000:0000."
)
NOT_ACCESSIBLE = "Resource not accessible by integration"
LABELS = r"/issues/\d+/labels$"
COMMENTS = r"/issues/\d+/comments$"
A_COMMENT = r"/issues/comments/\d+$"
STATUSES = r"/statuses/[0-9a-f]+$"


@pytest.fixture
def github(fake_github: FakeGitHub) -> FakeGitHub:
    """The configuration on main; three more tokens: the workflow's GITHUB_TOKEN
    (github-actions[bot]), a maintainer's personal token (a collaborator) and an ISV's."""
    fake_github.add_repo(REPO)
    fake_github.commit(REPO, {".oin-gitops.yaml": CONFIG.encode()})
    fake_github.add_token("actions-token", ACTIONS)
    fake_github.add_token("admin-pat", ADMIN)
    fake_github.add_collaborator(REPO, ADMIN)
    fake_github.add_token("isv-pat", ISV)
    return fake_github


class Bot:
    """One run per ``sync``: a new client, no caches; the waits it asked for in ``sleeps``."""

    def __init__(self, fake: FakeGitHub, token: str = "actions-token") -> None:
        self.fake = fake
        self.token = token
        self.sleeps: list[float] = []

    def syncer(self, token: str | None = None) -> Syncer:
        settings = Settings(
            token=token or self.token,
            repository=REPO,
            api_url=self.fake.base_url,
            spacing=0,
            write_spacing=0,
            backoff=0.5,
        )
        client, repo = connect(
            settings, sleep=self.sleeps.append, now=lambda: self.fake.now.timestamp()
        )
        return Syncer(Reader(client, repo), clock=lambda: self.fake.now)

    def sync(self, number: int, token: str | None = None) -> Outcome:
        return self.syncer(token).sync(number)


def comments(fake: FakeGitHub, number: int) -> list[dict[str, Any]]:
    return fake.comments_of(REPO, number)


def stickies(fake: FakeGitHub, number: int) -> list[dict[str, Any]]:
    return [c for c in comments(fake, number) if c["body"].startswith(MARKER)]


def writes(fake: FakeGitHub) -> list[tuple[str, str, int | None]]:
    """The write log as (method, route shape, status), ids and numbers blanked."""
    return [
        (r.method, re.sub(r"/[0-9a-f]{40}|/\d+", "/N", r.path.split(REPO, 1)[1]), r.status)
        for r in fake.writes()
    ]


def change_saml(fake: FakeGitHub, number: int, jit: str = "true") -> str:
    return push(
        fake,
        number,
        lambda files: files.update(
            {
                "submissions/acme-notes/saml.yaml": SAML_YAML.replace(
                    "jit: false", f"jit: {jit}"
                ).encode()
            }
        ),
    )


# -- (a), (b): the bot's comments, known by their marker -------------------------------------


def test_a_sticky_posted_by_github_actions_is_edited_by_a_collaborators_token(
    github: FakeGitHub,
) -> None:
    bot = Bot(github)
    number = open_submission(github)
    assert bot.sync(number).writes == [
        "labels+oin/new,oin/pending-review,oin/saml",
        "status pending",
        "sticky created",
        "announce oin/pending-review",
    ]
    [sticky, note] = comments(github, number)
    assert sticky["user"]["login"] == ACTIONS and sticky["user"]["type"] == "Bot"
    assert sticky["body"].startswith(MARKER) and note["body"].startswith(NOTE)

    # The same state on a new commit: a maintainer syncs from a terminal with their own token.
    head = change_saml(github, number)
    github.clear_log()
    assert bot.sync(number, token="admin-pat").writes == ["status pending", "sticky updated"]
    assert writes(github) == [
        ("POST", "/statuses/N", 201),
        ("PATCH", "/issues/comments/N", 200),
    ]
    [edited, same_note] = comments(github, number)
    assert edited["id"] == sticky["id"] and edited["user"]["login"] == ACTIONS
    assert head[:7] in edited["body"] and same_note == note

    # A new state announced from the terminal is not announced again by the workflow.
    github.review(REPO, number, INITIAL, "APPROVED")
    assert bot.sync(number, token="admin-pat").writes[-2:] == ["sticky updated", "announce oin/qa"]
    assert comments(github, number)[-1]["user"]["login"] == ADMIN
    assert comments(github, number)[-1]["author_association"] == "COLLABORATOR"
    github.clear_log()
    assert bot.sync(number).writes == []
    assert github.writes() == []
    assert len(stickies(github, number)) == 1
    assert [c["body"].split("\n")[0] for c in comments(github, number)[1:]] == [
        f"{NOTE}oin/pending-review -->",
        f"{NOTE}oin/qa -->",
    ]


FORGED_STICKY = (
    MARKER + '{"history":[["oin/pending-review","2020-01-01T00:00:00Z"]],'
    '"state":"oin/pending-review"} -->\n## Review state: `oin/approved`\n'
)
FORGED_NOTE = NOTE + "oin/pending-review -->\nAlready announced.\n"


@pytest.mark.parametrize(
    ("forger", "collaborator"),
    [
        (ISV, False),  # the pull request's author
        (ISV, True),  # the author, even with write access (not a maintainer)
        ("passer-by", False),  # anyone on a public repository
    ],
)
def test_a_forged_marker_is_ignored(github: FakeGitHub, forger: str, collaborator: bool) -> None:
    if collaborator:
        github.add_collaborator(REPO, forger)
    number = open_submission(github)
    github.comment(REPO, number, forger, FORGED_STICKY)
    github.comment(REPO, number, forger, FORGED_NOTE)
    github.advance(hours=1)
    bot = Bot(github)
    github.clear_log()
    outcome = bot.sync(number)
    assert outcome.writes[-2:] == ["sticky created", "announce oin/pending-review"]
    assert ("PATCH", "/issues/comments/N", 200) not in writes(github)
    forged, note, ours, announced = comments(github, number)
    assert (forged["body"], note["body"]) == (FORGED_STICKY, FORGED_NOTE)  # left alone
    assert ours["user"]["login"] == ACTIONS and ours["body"].startswith(MARKER)
    # The recorded history is the bot's own: entered now, not in 2020.
    assert '"history":[["oin/pending-review","2025-03-03T10:00:00Z"]]' in ours["body"]
    assert "In this state since 2025-03-03." in ours["body"]
    assert announced["body"].startswith(f"{NOTE}oin/pending-review -->\n@{ISV}: this")
    github.clear_log()
    assert bot.sync(number).writes == []


def test_a_forged_history_does_not_jump_the_queue(github: FakeGitHub) -> None:
    bot = Bot(github)
    first = open_submission(github, "acme-notes")
    bot.sync(first)
    github.advance(days=1)
    second = open_submission(
        github, "beta-app", author="beta-dev", name="Beta App", org="https://beta.okta.com"
    )
    # beta-dev claims to have waited since 2020, before the bot ever saw the pull request.
    github.comment(REPO, second, "beta-dev", FORGED_STICKY)
    bot.sync(second)
    bot.sync(first)
    [ours] = [c for c in stickies(github, second) if c["user"]["login"] == ACTIONS]
    assert "You are number 2 of 2 waiting for the initial review." in ours["body"]
    [first_sticky] = stickies(github, first)
    assert "You are number 1 of 2 waiting for the initial review." in first_sticky["body"]


def test_the_authors_own_token_counts_only_for_a_maintainer(github: FakeGitHub) -> None:
    """A maintainer who opened a pull request may run the bot on it with their own token; an
    author who is not a maintainer cannot vouch for comments on their own pull request."""
    bot = Bot(github, token="admin-pat")
    mine = open_submission(github, author=ADMIN)
    bot.sync(mine)
    github.clear_log()
    assert bot.sync(mine).writes == []

    github.add_collaborator(REPO, ISV)
    theirs = open_submission(github, "beta-app", name="Beta App", org="https://beta.okta.com")
    Bot(github, token="isv-pat").sync(theirs)
    assert [c["user"]["login"] for c in stickies(github, theirs)] == [ISV]
    Bot(github).sync(theirs)  # the workflow does not believe the ISV's "bot" comments
    assert [c["user"]["login"] for c in stickies(github, theirs)] == [ISV, ACTIONS]
    assert [c["user"]["login"] for c in comments(github, theirs) if c["body"].startswith(NOTE)] == [
        ISV,
        ACTIONS,
    ]


def test_of_several_trusted_stickies_the_oldest_is_kept_up_to_date(github: FakeGitHub) -> None:
    """Old versions knew their comments by a login: a run under another account left a
    second sticky comment. The oldest one is edited; the others are left as they are."""
    number = open_submission(github)
    Bot(github, token="t0k3n").sync(number)  # as oin-bot, a collaborator
    github.advance(hours=1)
    github.comment(
        REPO, number, ACTIONS, MARKER + '{"history":[],"state":null} -->\nA duplicate.\n'
    )
    oldest, _, duplicate = comments(github, number)
    change_saml(github, number)
    github.clear_log()
    assert Bot(github).sync(number).writes == ["status pending", "sticky updated"]
    after = {c["id"]: c for c in comments(github, number)}
    assert after[oldest["id"]]["body"] != oldest["body"]
    assert after[duplicate["id"]]["body"] == duplicate["body"]
    kept = after[oldest["id"]]["body"]
    assert '"history":[["oin/pending-review","2025-03-03T09:00:00Z"]]' in kept


# -- (g): the sticky comment comes first ------------------------------------------------------


def test_on_a_new_pull_request_the_sticky_is_the_first_bot_comment(github: FakeGitHub) -> None:
    number = open_submission(github)
    github.clear_log()
    Bot(github).sync(number)
    posted = [r.json["body"] for r in github.writes() if r.path.endswith("/comments")]
    assert [(b.startswith(MARKER), b.startswith(NOTE)) for b in posted] == [
        (True, False),
        (False, True),
    ]
    assert [c["body"] for c in comments(github, number)] == posted
    assert writes(github) == [
        ("POST", "/issues/N/labels", 200),
        ("POST", "/statuses/N", 201),
        ("POST", "/issues/N/comments", 201),
        ("POST", "/issues/N/comments", 201),
    ]


# -- (c), (d): writes retried where repeating is safe ----------------------------------------


def test_secondary_rate_limits_on_writes_wait_for_retry_after(github: FakeGitHub) -> None:
    bot = Bot(github)
    number = open_submission(github)
    github.fail("POST", LABELS, 403, headers={"Retry-After": "30"})
    github.fail("POST", COMMENTS, 403, headers={"Retry-After": "20"})
    github.clear_log()
    outcome = bot.sync(number)
    assert outcome.writes[-2:] == ["sticky created", "announce oin/pending-review"]
    assert bot.sleeps == [30.0, 20.0]
    assert writes(github) == [
        ("POST", "/issues/N/labels", 403),
        ("POST", "/issues/N/labels", 200),
        ("POST", "/statuses/N", 201),
        ("POST", "/issues/N/comments", 403),
        ("POST", "/issues/N/comments", 201),
        ("POST", "/issues/N/comments", 201),
    ]
    assert len(stickies(github, number)) == 1

    change_saml(github, number)
    github.fail("PATCH", A_COMMENT, 403, headers={"Retry-After": "45"}, message=SECONDARY)
    github.clear_log()
    bot.sleeps.clear()
    assert bot.sync(number).writes == ["status pending", "sticky updated"]
    assert bot.sleeps == [45.0]
    assert writes(github)[-2:] == [
        ("PATCH", "/issues/comments/N", 403),
        ("PATCH", "/issues/comments/N", 200),
    ]


def test_other_rate_limits_wait_as_github_asks(github: FakeGitHub) -> None:
    bot = Bot(github)
    number = open_submission(github)
    reset = int(github.now.timestamp()) + 90
    # Primary: nothing left until the reset; 429 with Retry-After; secondary without a header.
    github.fail(
        "POST",
        LABELS,
        403,
        headers={"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": str(reset)},
        message="API rate limit exceeded for installation ID 1.",
    )
    github.fail("POST", STATUSES, 429, headers={"Retry-After": "5"})
    github.fail("POST", COMMENTS, 403, message=SECONDARY)
    assert bot.sync(number).writes[-1] == "announce oin/pending-review"
    assert bot.sleeps == [91.0, 5.0, 60.0]
    assert len(comments(github, number)) == 2


def test_a_repeated_secondary_rate_limit_backs_off_exponentially(github: FakeGitHub) -> None:
    bot = Bot(github)
    number = open_submission(github)
    github.fail("POST", LABELS, 403, headers={"Retry-After": "10"}, times=3)
    bot.sync(number)
    assert bot.sleeps == [10.0, 20.0, 40.0]


def test_server_errors_on_label_and_status_writes_are_retried(github: FakeGitHub) -> None:
    bot = Bot(github)
    number = open_submission(github)
    github.fail("POST", LABELS, 500, times=2)
    github.fail("POST", STATUSES, 502)
    github.fail("POST", LABELS, drop=True)  # after the two 500s
    github.clear_log()
    assert bot.sync(number).writes[:2] == [
        "labels+oin/new,oin/pending-review,oin/saml",
        "status pending",
    ]
    assert github.labels_of(REPO, number) == ["oin/new", "oin/pending-review", "oin/saml"]
    assert writes(github)[:6] == [
        ("POST", "/issues/N/labels", 500),
        ("POST", "/issues/N/labels", 500),
        ("POST", "/issues/N/labels", None),
        ("POST", "/issues/N/labels", 200),
        ("POST", "/statuses/N", 502),
        ("POST", "/statuses/N", 201),
    ]
    assert bot.sleeps == [0.5, 1.0, 2.0, 0.5]  # back-off per request: 0.5, 1, 2, ...


def test_a_label_removal_that_already_happened_is_fine(github: FakeGitHub) -> None:
    bot = Bot(github)
    number = open_submission(github, draft=True)
    bot.sync(number)
    github.set_draft(REPO, number, False)
    # GitHub removes the label, then times out; the retried DELETE finds it gone (404).
    github.fail("DELETE", r"/labels/oin/draft$", 502, after_acting=True)
    github.clear_log()
    assert "labels-oin/draft" in bot.sync(number).writes
    assert "oin/draft" not in github.labels_of(REPO, number)
    assert [(m, status) for m, path, status in writes(github) if "/labels/" in path] == [
        ("DELETE", 502),
        ("DELETE", 404),
    ]


# -- (e): creating a comment is never repeated blindly -----------------------------------------


def test_a_comment_created_before_a_500_is_not_created_twice(github: FakeGitHub) -> None:
    bot = Bot(github)
    number = open_submission(github)
    github.fail("POST", COMMENTS, 500, after_acting=True)  # the sticky comment
    github.clear_log()
    outcome = bot.sync(number)
    assert outcome.writes[-2:] == ["sticky created", "announce oin/pending-review"]
    assert [(r.method, r.route.rsplit("/", 1)[1], r.status) for r in github.requests[-3:]] == [
        ("POST", "comments", 500),
        ("GET", "comments", 200),  # found: not created again
        ("POST", "comments", 201),  # the announcement
    ]
    assert len(stickies(github, number)) == 1
    assert len(comments(github, number)) == 2
    assert bot.sleeps == []  # a 5xx on creating a comment is not retried by the client

    # A dropped connection after GitHub posted the announcement: the same.
    github.review(REPO, number, INITIAL, "APPROVED")
    github.fail("POST", COMMENTS, drop=True, after_acting=True)
    bot.sync(number)
    assert len(announcements(github, number)) == 2
    github.clear_log()
    assert bot.sync(number).writes == []


def test_a_comment_lost_in_a_500_is_created_again(github: FakeGitHub) -> None:
    bot = Bot(github)
    number = open_submission(github)
    github.fail("POST", COMMENTS, 503)  # GitHub did not create it
    bot.sync(number)
    assert len(stickies(github, number)) == 1 and len(comments(github, number)) == 2
    assert [r.status for r in github.writes() if r.path.endswith("/comments")] == [503, 201, 201]


def test_a_persistent_500_on_comments_fails_the_run_after_three_tries(github: FakeGitHub) -> None:
    bot = Bot(github)
    number = open_submission(github)
    github.fail("POST", COMMENTS, 500, times=10)
    with pytest.raises(BotError) as raised:
        bot.sync(number)
    assert str(raised.value) == (
        f"GitHub answered 500 while trying to sync pull request #{number} (Server Error); "
        "the next run retries."
    )
    assert [r.status for r in github.writes() if r.path.endswith("/comments")] == [500] * 3
    assert comments(github, number) == []


# -- (f): error messages name the real cause ----------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path", "step", "permission"),
    [
        ("POST", STATUSES, "set the oin/review status", "statuses: write"),
        ("POST", COMMENTS, "comment on pull requests", "pull-requests: write"),
        ("POST", LABELS, "add labels", "pull-requests: write"),
    ],
)
def test_a_missing_permission_is_named(
    github: FakeGitHub, method: str, path: str, step: str, permission: str
) -> None:
    bot = Bot(github)
    number = open_submission(github)
    github.fail(method, path, 403, times=10, message=NOT_ACCESSIBLE)
    with pytest.raises(BotError) as raised:
        bot.sync(number)
    assert str(raised.value) == (
        f"the token may not sync pull request #{number} ({NOT_ACCESSIBLE}): to {step}, grant "
        f"the workflow '{permission}' (for a GitHub App token, give the App that permission)."
    )
    assert bot.sleeps == []  # not retried
    assert sum(1 for r in github.writes() if r.status == 403) == 1


def test_a_persistent_secondary_rate_limit_says_rate_limited(github: FakeGitHub) -> None:
    bot = Bot(github)
    number = open_submission(github)
    github.fail("POST", LABELS, 403, times=10, headers={"Retry-After": "60"})
    with pytest.raises(BotError) as raised:
        bot.sync(number)
    message = str(raised.value)
    assert message == (
        f"GitHub rate limited the bot while trying to sync pull request #{number} "
        f"({SECONDARY}); GitHub asked it to wait 60 seconds, longer than this run may wait. "
        "Nothing is lost: the next run continues where this one stopped."
    )
    assert "grant" not in message and "permission" not in message
    # 60 s, then 120 s; 240 s more would pass the run's 300 s budget: it stops instead.
    assert bot.sleeps == [60.0, 120.0]


def test_a_primary_rate_limit_names_the_reset_and_does_not_wait_an_hour(
    github: FakeGitHub,
) -> None:
    bot = Bot(github)
    number = open_submission(github)
    reset = int(github.now.timestamp()) + 3600  # 10:00 UTC
    github.fail(
        "POST",
        COMMENTS,
        403,
        times=10,
        headers={"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": str(reset)},
        message="API rate limit exceeded for installation ID 1.",
    )
    with pytest.raises(BotError) as raised:
        bot.sync(number)
    assert str(raised.value) == (
        f"GitHub rate limited the bot while trying to sync pull request #{number} (API rate "
        "limit exceeded for installation ID 1.); its hourly limit resets at 10:00 UTC. "
        "Nothing is lost: the next run continues where this one stopped."
    )
    assert bot.sleeps == []
    assert comments(github, number) == []


def test_a_persistent_429_says_rate_limited(github: FakeGitHub) -> None:
    bot = Bot(github)
    number = open_submission(github)
    github.fail("POST", STATUSES, 429, times=10)
    with pytest.raises(BotError, match=r"^GitHub rate limited the bot .*it may try again in a few"):
        bot.sync(number)
    assert len(bot.sleeps) == 4  # Settings.retries


# -- the command line --------------------------------------------------------------------------


def test_bot_login_is_accepted_ignored_and_warned_about(
    github: FakeGitHub, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    number = open_submission(github)
    Bot(github).sync(number)
    for name, value in (
        ("GITHUB_TOKEN", "t0k3n"),
        ("GITHUB_REPOSITORY", REPO),
        ("GITHUB_API_URL", github.base_url),
        ("OIN_GITOPS_REQUEST_SPACING", "0"),
        ("OIN_GITOPS_WRITE_SPACING", "0"),
    ):
        monkeypatch.setenv(name, value)
    change_saml(github, number)
    with pytest.raises(SystemExit) as exited:
        main(["review", "sync", "--pr", str(number), "--bot-login", "someone-else"])
    captured = capsys.readouterr()
    assert exited.value.code == 0
    assert captured.err == (
        "oin-gitops: warning: --bot-login (OIN_GITOPS_BOT_LOGIN) is ignored and will be "
        "removed: the bot finds its comments by their hidden marker, whatever account posts "
        "them.\n"
    )
    assert captured.out == f"#{number}: oin/pending-review (status pending; sticky updated)\n"
    assert len(stickies(github, number)) == 1
    with pytest.raises(SystemExit):
        main(["review", "sync", "--help"])
    assert "--bot-login" not in capsys.readouterr().out


# -- the fake's additions ----------------------------------------------------------------------


def test_the_fake_knows_bots_collaborators_and_outsiders_and_can_fail_after_acting(
    github: FakeGitHub,
) -> None:
    number = open_submission(github)
    for token in ("actions-token", "admin-pat", "t0k3n"):
        github.github(token=token).get_repo(REPO).get_pull(number).create_issue_comment(token)
    github.comment(REPO, number, "passer-by", "hello")
    assert [
        (c["user"]["login"], c["user"]["type"], c["author_association"])
        for c in comments(github, number)
    ] == [
        (ACTIONS, "Bot", "NONE"),
        (ADMIN, "User", "COLLABORATOR"),
        ("oin-bot", "User", "COLLABORATOR"),  # the default token's user can write
        ("passer-by", "User", "NONE"),
    ]
    github.fail("POST", LABELS, 500, after_acting=True)
    with pytest.raises(GithubException) as raised:
        github.github().get_repo(REPO).get_pull(number).add_to_labels("oin/qa")
    assert raised.value.status == 500
    assert github.labels_of(REPO, number) == ["oin/qa"]  # done, although it answered 500
    assert github.requests[-1].status == 500
