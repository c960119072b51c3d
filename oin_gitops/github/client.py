"""Connecting to GitHub: one retry layer, request spacing, an injectable sleep, clear errors."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from github import Auth, Github, GithubException, GithubRetry
from github.Repository import Repository
from requests.exceptions import RequestException

Sleep = Callable[[float], None]


class BotError(Exception):
    """A problem the bot reports in one sentence (exit 1), never as a traceback."""


def _sleep(seconds: float) -> None:
    time.sleep(seconds)


class Retry(GithubRetry):
    """PyGithub's retry (5xx, secondary rate limits honouring ``Retry-After``) with an
    injectable sleep, so tests never wait. Only idempotent methods are retried: a POST that
    failed after GitHub acted on it must not create a second comment."""

    def __init__(self, sleep: Sleep = time.sleep, **kwargs: Any) -> None:
        kwargs.setdefault("allowed_methods", frozenset({"GET", "PATCH", "PUT", "DELETE"}))
        super().__init__(**kwargs)
        self._sleep_with = sleep

    def new(self, **kwargs: Any) -> Retry:
        retry = super().new(**kwargs)
        retry._sleep_with = self._sleep_with
        return retry

    def sleep(self, response: Any = None) -> None:
        wait = self.get_retry_after(response) if response is not None else None
        if wait is None:
            wait = self.get_backoff_time()
        if wait > 0:
            self._sleep_with(wait)


@dataclass(frozen=True)
class Settings:
    token: str
    repository: str
    api_url: str = "https://api.github.com"
    retries: int = 4
    backoff: float = 1.0
    secondary_rate_wait: float = 60.0
    spacing: float = 0.25
    write_spacing: float = 1.0


def connect(settings: Settings, sleep: Sleep | None = None) -> tuple[Github, Repository]:
    """The client and the repository; the client has one deliberate retry layer (PyGithub's)."""
    retry = Retry(
        sleep=sleep or _sleep,
        total=settings.retries,
        backoff_factor=settings.backoff,
        secondary_rate_wait=settings.secondary_rate_wait,
        respect_retry_after_header=True,
        raise_on_status=False,
    )
    client = Github(
        base_url=settings.api_url.rstrip("/"),
        auth=Auth.Token(settings.token),
        retry=retry,
        seconds_between_requests=settings.spacing or None,
        seconds_between_writes=settings.write_spacing or None,
        per_page=100,
    )
    try:
        return client, client.get_repo(settings.repository)
    except GithubException as exc:
        raise explain(exc, f"read the repository {settings.repository}") from None
    except RequestException as exc:
        raise BotError(
            f"cannot reach GitHub's API at {settings.api_url} ({type(exc).__name__}); "
            "check GITHUB_API_URL and the network"
        ) from None


def explain(exc: GithubException, action: str) -> BotError:
    """A GitHub error as one sentence saying what to do."""
    message = exc.data.get("message") if isinstance(exc.data, dict) else None
    detail = f" ({message})" if message else ""
    if exc.status == 401:
        return BotError(
            f"GitHub refused the token while trying to {action}{detail}; check GITHUB_TOKEN."
        )
    if exc.status == 403:
        return BotError(
            f"the token may not {action}{detail}; grant the workflow 'pull-requests: write', "
            "'issues: write' and 'statuses: write' (or use a GitHub App token)."
        )
    if exc.status == 404:
        return BotError(
            f"GitHub found nothing to {action}{detail}; check the repository name and the token's access."
        )
    return BotError(
        f"GitHub answered {exc.status} while trying to {action}{detail}; the next run retries."
    )
