"""Test account rules: a URL reviewers can open as is, and the username of the test account.

The schema already checks what a single value can show: the test account has a static https://
URL without ``{}``, a username and a sealed password (TEST-01, TEST-02). These rules add the
placeholders that slip through the URL pattern, hosts nobody can reach, and the username Okta
prefers (TEST-03).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from oin_gitops.diagnostics import Severity
from oin_gitops.rules.addresses import EMAIL, is_free_mail, mail_domain, unreachable, url_host
from oin_gitops.rules.base import Finding, Rule, submission_rule
from oin_gitops.rules.fields import finding_at, text_at
from oin_gitops.submission import Submission
from oin_gitops.yamlio import Pointer

PREFERRED_USERNAME = "isvtest@okta.com"
# Template placeholders the https:// URL pattern of the schema lets through, anywhere in the URL.
URL_PLACEHOLDERS = (
    re.compile(r"\$\(?[A-Za-z_]\w*\)?"),  # $subdomain, $(tenant)
    re.compile(r"%[A-Za-z_]{3,}%"),  # %SUBDOMAIN% (not %20-style escapes)
    re.compile(r"(?<=/)(:[A-Za-z_]\w*)(?=[/?#]|$)"),  # /:tenant/
    re.compile(r"['\"+]\s*((?:app|org)\.[A-Za-z_]\w*)"),  # '...' + app.subdomain
    re.compile(r"(?<![\w./-])((?:app|org)\.[A-Za-z_]\w*)\s*['\"+]"),  # org.subdomain + '...'
)
# [tenant] before the query (a query may hold filter[name]=...).
BRACKETED = re.compile(r"\[[A-Za-z_][\w-]*\]")
# your-company.acme.example: only in the host, since a path such as /your-account is real.
YOUR_HOST = re.compile(
    r"(?<![\w-])your[-_]?(?:company|org|organi[sz]ation|subdomain|domain|tenant|instance"
    r"|account|workspace|team|site|app|name)[\w-]*",
    re.IGNORECASE,
)

TEST_URL: Pointer = ("test_account", "url")
TEST_USERNAME: Pointer = ("test_account", "username")


def _placeholder_in(url: str) -> str | None:
    """The first template placeholder in ``url``, if any."""
    before_query = re.split(r"[?#]", url, maxsplit=1)[0]
    host = before_query.removeprefix("https://").split("/", 1)[0]
    found = [pattern.search(url) for pattern in URL_PLACEHOLDERS]
    found += [BRACKETED.search(before_query), YOUR_HOST.search(host)]
    match = next((m for m in found if m), None)
    return match.group(match.lastindex or 0) if match else None


@submission_rule(
    id="test-account-url-static",
    summary="The test account URL is a static address reviewers can open as is.",
    guideline="TEST-01",
    help=(
        "Set 'test_account.url' to the real sign-in page of your test account, with the "
        "subdomain or tenant written out, for example https://oin-review.acme.example/login."
    ),
)
def test_account_url_static(submission: Submission) -> Iterator[Finding]:
    """Reviewers open the test account URL directly, so it takes no variables. The schema
    refuses ``{app.x}``, ``${org.x}`` and ``<subdomain>``; this catches the other placeholder
    styles ($subdomain, %TENANT%, [tenant], /:tenant/, 'https://' + app.x, your-company) and
    hosts nobody can reach (example.com, .test, .invalid, private IP addresses).

    Passes: ``url: https://oin-review.acme.example/login``.
    Fails: ``url: https://$subdomain.acme.example/login``, ``url: https://example.com/login``.
    """
    document = submission.general
    url = text_at(document, TEST_URL) if document else None
    if document is None or url is None or not url.startswith("https://"):
        return
    placeholder = _placeholder_in(url)
    host = url_host(url)
    reason = unreachable(host) if host else None
    if placeholder:
        message = f"'test_account.url' contains the placeholder '{placeholder}'"
        yield finding_at(document, TEST_URL, message + "; reviewers need a URL they can open as is")
    elif reason:
        yield finding_at(
            document, TEST_URL, f"'test_account.url' is at {reason}, where reviewers cannot sign in"
        )


@submission_rule(
    id="test-account-username",
    summary="The test account username is isvtest@okta.com, as Okta prefers.",
    severity=Severity.NOTICE,
    guideline="TEST-03",
    help=(
        "Create the test admin account as isvtest@okta.com if your app allows it; another "
        "username is fine when you own or license its domain."
    ),
)
def test_account_username(submission: Submission) -> Iterator[Finding]:
    """Okta prefers ``isvtest@okta.com`` as the test account's username, so reviewers find it
    at once; another domain is allowed if you own or license it. A notice only.

    Passes: ``username: isvtest@okta.com``. Fails: ``username: oin-review@acme.example``.
    """
    document = submission.general
    username = text_at(document, TEST_USERNAME) if document else None
    if document is None or not username or username.strip().lower() == PREFERRED_USERNAME:
        return
    yield finding_at(
        document,
        TEST_USERNAME,
        f"'test_account.username' is not {PREFERRED_USERNAME}, the username Okta prefers",
    )


@submission_rule(
    id="test-account-free-mail",
    summary="The test account is not a personal free-mail address.",
    severity=Severity.WARNING,
    guideline="TEST-03",
    help=(
        "Use isvtest@okta.com, or an account on a domain your company owns, for the test "
        "admin account."
    ),
)
def test_account_free_mail(submission: Submission) -> Iterator[Finding]:
    """A username other than ``isvtest@okta.com`` must be on a domain you own or license
    (TEST-03); nobody owns a free-mail domain, and the OIN does not review submissions from
    personal accounts (ORG-01).

    Passes: ``username: isvtest@okta.com``. Fails: ``username: acme.tester@gmail.com``.
    """
    document = submission.general
    username = text_at(document, TEST_USERNAME) if document else None
    if document is None or username is None or not EMAIL.fullmatch(username.strip()):
        return
    domain = mail_domain(username.strip())
    if is_free_mail(domain):
        yield finding_at(
            document,
            TEST_USERNAME,
            f"'test_account.username' is a personal account at the free-mail provider {domain}",
        )


RULES: tuple[Rule, ...] = (
    test_account_url_static,
    test_account_username,
    test_account_free_mail,
)
