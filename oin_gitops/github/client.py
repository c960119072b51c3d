"""Connecting to GitHub: one retry layer, request spacing, an injectable sleep, clear errors.

The retry policy (``Retry``), per request:

* reads (GET, HEAD), PATCH, PUT, DELETE, and the two POSTs that are safe to repeat (adding
  labels to an issue: the same labels again change nothing; creating a commit status: the same
  state again) are retried on 5xx answers, dropped connections and rate limits;
* any other POST (creating a comment) is retried only on a rate limit, when GitHub did not act;
  after a 5xx or a dropped connection GitHub may have created it, so the error goes to the
  caller, which looks for the comment before creating it again (``sync.Syncer``);
* a rate limit is a 429, or a 403 with ``Retry-After``, with ``x-ratelimit-remaining: 0`` or
  with a message that says "rate limit". The wait honours ``Retry-After`` (doubling while the
  limit persists), else waits for ``x-ratelimit-reset``, else ``secondary_rate_wait``; other
  failures back off exponentially (``backoff``, 2×``backoff``, ...);
* every wait comes out of one budget per client (one run): a wait that does not fit is not
  started, and the error tells the admin that the next run continues.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, NoReturn
from urllib.parse import urlsplit

from github import Auth, Github, GithubException, GithubRetry
from github.Repository import Repository
from github.Requester import Requester
from requests.exceptions import RequestException
from urllib3 import Retry as Urllib3Retry
from urllib3.exceptions import InvalidHeader, MaxRetryError, ResponseError

Sleep = Callable[[float], None]
Now = Callable[[], float]

# POSTs whose repetition changes nothing more than the first one did.
_REPEATABLE_POSTS = (
    re.compile(r"/repos/[^/]+/[^/]+/issues/\d+/labels/?$"),
    re.compile(r"/repos/[^/]+/[^/]+/statuses/[0-9A-Fa-f]+/?$"),
)
_REPEATABLE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "PATCH", "DELETE"})
_RATE_LIMIT_STATUSES = frozenset({403, 429})


class BotError(Exception):
    """A problem the bot reports in one sentence (exit 1), never as a traceback."""


def _sleep(seconds: float) -> None:
    time.sleep(seconds)


def _now() -> float:
    return time.time()


def repeatable(method: str, url: str) -> bool:
    """Whether sending this request twice has the effect of sending it once."""
    method = method.upper()
    if method in _REPEATABLE_METHODS:
        return True
    path = urlsplit(url).path
    return method == "POST" and any(pattern.search(path) for pattern in _REPEATABLE_POSTS)


def _header(headers: Mapping[str, Any] | None, name: str) -> str | None:
    if not headers:
        return None
    wanted = name.lower()
    for key, value in headers.items():
        if str(key).lower() == wanted:
            return str(value)
    return None


def _seconds(text: str | None) -> float | None:
    try:
        return max(float(text), 0.0) if text is not None else None
    except ValueError:
        return None


def rate_limited(status: int, headers: Mapping[str, Any] | None, message: str | None) -> bool:
    """A 429, or a 403 that GitHub marks as a (primary or secondary) rate limit."""
    if status not in _RATE_LIMIT_STATUSES:
        return False
    return (
        status == 429
        or _header(headers, "Retry-After") is not None
        or _header(headers, "X-RateLimit-Remaining") == "0"
        or "rate limit" in (message or "").lower()
    )


class _Budget:
    """Seconds a client may still spend waiting to retry (shared by the copies of a Retry)."""

    def __init__(self, seconds: float) -> None:
        self.left = seconds


class Retry(GithubRetry):
    """The one retry layer (see the module docstring), with an injectable ``sleep`` and clock
    (``now``, for ``x-ratelimit-reset``) so tests never wait, and a total waiting ``budget``
    in seconds, shared by every request of the client."""

    def __init__(
        self,
        sleep: Sleep = time.sleep,
        budget: float | _Budget = 300.0,
        now: Now = time.time,
        **kwargs: Any,
    ) -> None:
        # Every method and these statuses reach ``increment``, which decides per request.
        kwargs.setdefault("allowed_methods", None)
        kwargs.setdefault("status_forcelist", [*range(500, 600), 429])
        super().__init__(**kwargs)
        self._sleep_with = sleep
        self._budget = budget if isinstance(budget, _Budget) else _Budget(budget)
        self._now = now
        self._wait = 0.0

    def new(self, **kwargs: Any) -> Retry:
        kwargs.update(sleep=self._sleep_with, budget=self._budget, now=self._now)
        retry: Retry = super().new(**kwargs)
        return retry

    def increment(  # type: ignore[override]
        self,
        method: str | None = None,
        url: str | None = None,
        response: Any = None,
        error: Exception | None = None,
        _pool: Any = None,
        _stacktrace: Any = None,
    ) -> Retry:
        safe = repeatable(method or "", url or "")
        content: Any = None
        hint: tuple[float, bool] | None = None  # (seconds GitHub asks for, may double)
        if response is not None and response.status in _RATE_LIMIT_STATUSES:
            content = self._content(response, url)
            message = content.get("message") if isinstance(content, dict) else None
            if not rate_limited(response.status, response.headers, message):
                # Not retryable (a missing permission): GitHub's answer, as PyGithub makes it.
                self._give_up(response, content, _pool, url)
            hint = self._rate_wait(response.headers, message)
        elif not safe and error is not None and not self._is_connection_error(error):
            raise error  # the request reached GitHub, which may have acted: not repeated
        elif not safe and response is not None:
            self._give_up(response, content, _pool, url)  # a 5xx: GitHub may have acted
        try:
            retry: Retry = Urllib3Retry.increment(  # type: ignore[assignment]
                self, method, url, response, error, _pool, _stacktrace
            )
        except MaxRetryError:  # out of retries
            self._give_up(response, content, _pool, url, error)
        wait = retry._next_wait(hint)
        if wait > self._budget.left:
            self._give_up(response, content, _pool, url, error)
        retry._wait = wait
        return retry

    def _next_wait(self, hint: tuple[float, bool] | None) -> float:
        """Exponential back-off for this request's n-th retry; at least what GitHub asks for
        on a rate limit (doubling while a secondary limit persists)."""
        attempt = max(len(self.history), 1)
        backoff = min(self.backoff_max, self.backoff_factor * 2 ** (attempt - 1))
        if hint is None:
            return float(backoff)
        seconds, doubles = hint
        if doubles:
            limited = sum(1 for h in self.history if h.status in _RATE_LIMIT_STATUSES)
            seconds *= 2 ** max(limited - 1, 0)
        return float(max(seconds, backoff))

    def _rate_wait(self, headers: Mapping[str, Any], message: str | None) -> tuple[float, bool]:
        retry_after = _header(headers, "Retry-After")
        if retry_after is not None:
            try:
                return self.parse_retry_after(retry_after), True
            except InvalidHeader:
                return float(self.secondary_rate_wait), True
        reset = _seconds(_header(headers, "X-RateLimit-Reset"))
        if _header(headers, "X-RateLimit-Remaining") == "0" and reset is not None:
            return max(reset - self._now(), 0.0) + 1.0, False
        if "secondary" in (message or "").lower():
            return float(self.secondary_rate_wait), True
        return 0.0, False

    @staticmethod
    def _content(response: Any, url: str | None) -> Any:
        raw = GithubRetry.get_content(response, url or "")
        try:
            return json.loads(raw)
        except ValueError:
            return raw.decode("utf-8", "replace")

    @staticmethod
    def _give_up(
        response: Any, content: Any, pool: Any, url: str | None, error: Exception | None = None
    ) -> NoReturn:
        """Stop retrying: the caller gets GitHub's last answer (or the connection error)."""
        if response is not None and content is not None:
            # The body was read to decide; PyGithub cannot read it again: raise its exception.
            response.release_conn()
            data = content if isinstance(content, dict) else {"message": str(content)}
            raise Requester.createException(response.status, response.headers, data)
        reason = error or ResponseError(f"{getattr(response, 'status', '')} not retried")
        raise MaxRetryError(pool, url or "", reason)

    def sleep(self, response: Any = None) -> None:
        wait, self._wait = self._wait, 0.0
        if wait > 0:
            self._budget.left -= wait
            self._sleep_with(wait)


@dataclass(frozen=True)
class Settings:
    token: str
    repository: str
    api_url: str = "https://api.github.com"
    retries: int = 4
    backoff: float = 1.0
    secondary_rate_wait: float = 60.0
    # Seconds one run may spend waiting to retry, in all; then the next run continues.
    wait_budget: float = 300.0
    spacing: float = 0.25
    write_spacing: float = 1.0


def connect(
    settings: Settings, sleep: Sleep | None = None, now: Now | None = None
) -> tuple[Github, Repository]:
    """The client and the repository; the client has one deliberate retry layer (ours)."""
    retry = Retry(
        sleep=sleep or _sleep,
        budget=settings.wait_budget,
        now=now or _now,
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


def _when(headers: Mapping[str, Any] | None) -> str:
    """When GitHub lets the bot try again, from a rate-limited answer's headers."""
    retry_after = _seconds(_header(headers, "Retry-After"))
    if retry_after is not None:
        return f"GitHub asked it to wait {retry_after:g} seconds, longer than this run may wait"
    reset = _seconds(_header(headers, "X-RateLimit-Reset"))
    if _header(headers, "X-RateLimit-Remaining") == "0" and reset is not None:
        at = datetime.fromtimestamp(reset, UTC).strftime("%H:%M UTC")
        return f"its hourly limit resets at {at}"
    return "it may try again in a few minutes"


def explain(
    exc: GithubException, action: str, *, step: str | None = None, permission: str | None = None
) -> BotError:
    """A GitHub error as one sentence saying what to do. ``step`` and ``permission``: the write
    that failed and the permission it needs, named when the token lacks it."""
    message = exc.data.get("message") if isinstance(exc.data, dict) else None
    detail = f" ({message})" if message else ""
    if exc.status == 401:
        return BotError(
            f"GitHub refused the token while trying to {action}{detail}; check GITHUB_TOKEN."
        )
    if rate_limited(exc.status, exc.headers, message):
        return BotError(
            f"GitHub rate limited the bot while trying to {action}{detail}; "
            f"{_when(exc.headers)}. Nothing is lost: the next run continues where this one stopped."
        )
    if exc.status == 403 and permission:
        return BotError(
            f"the token may not {action}{detail}: to {step or 'do this'}, grant the workflow "
            f"'{permission}' (for a GitHub App token, give the App that permission)."
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
