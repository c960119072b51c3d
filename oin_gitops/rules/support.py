"""Support contact and test account rules.

The schema already checks what a single value can show: the escalation contact is an e-mail
address (SUP-01), at least one public contact exists and each is an e-mail, an https:// link or
a phone number (SUP-03), and the test account has a static https:// URL without ``{}``, a
username and a sealed password (TEST-01, TEST-02). These rules add what needs a list of known
names or a look at another field: generic and personal mailboxes, reserved domains, an
escalation address that is really the public queue, and placeholders that slip through the URL
pattern.

Reserved domains are ``example.com``, ``example.net``, ``example.org`` (and their subdomains)
and the ``.test``, ``.invalid`` and ``.localhost`` top-level domains (RFC 2606, RFC 6761). The
``.example`` top-level domain is reserved too, but it is deliberately accepted: the shipped
example submissions, the README and the tests use it for fictitious vendors (``acme.example``),
and refusing it would make every example fail.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterator
from urllib.parse import urlsplit

from oin_gitops.diagnostics import Severity
from oin_gitops.rules.base import Finding, Rule, submission_rule
from oin_gitops.schema_check import field_name, is_placeholder
from oin_gitops.submission import Submission
from oin_gitops.yamlio import Document, Pointer

PREFERRED_USERNAME = "isvtest@okta.com"
# Local parts of shared queues that customers write to (SUP-02), compared without a +tag.
GENERIC_LOCAL_PARTS = frozenset(
    {"support", "help", "helpdesk", "info", "contact", "sales", "hello", "noreply", "no-reply"}
    | {"admin", "webmaster"}
)
RESERVED_DOMAINS = ("example.com", "example.net", "example.org")
RESERVED_TLDS = ("test", "invalid", "localhost")
# Free-mail providers: a mailbox there belongs to a person, not to the company (ORG-01).
FREE_MAIL_DOMAINS = frozenset(
    {"gmail.com", "googlemail.com", "outlook.com", "live.com", "msn.com", "ymail.com", "aol.com"}
    | {"icloud.com", "me.com", "mac.com", "proton.me", "pm.me", "protonmail.com", "hey.com"}
    | {"tutanota.com", "tuta.io", "zoho.com", "fastmail.com", "mail.com", "web.de", "t-online.de"}
    | {"mail.ru", "ya.ru", "qq.com", "163.com", "126.com", "sina.com", "naver.com"}
    | {"rediffmail.com"}
)
# Providers with one domain per country: gmx.de, gmx.net, yahoo.co.uk, yandex.ru, hotmail.fr...
FREE_MAIL_BRANDS = re.compile(r"(?:gmx|yahoo|hotmail|yandex)(?:\.[a-z]{2,3}){1,2}")
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
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


def _text(document: Document, pointer: Pointer) -> str | None:
    """The string at ``pointer``; None when absent, not text, or a placeholder."""
    try:
        value = document.get(pointer)
    except (KeyError, IndexError, TypeError):
        return None
    return value if isinstance(value, str) and not is_placeholder(value) else None


def _email(document: Document, pointer: Pointer) -> str | None:
    """The e-mail address at ``pointer`` when it is one; the schema reports malformed ones."""
    value = _text(document, pointer)
    return value if value is not None and EMAIL.fullmatch(value) else None


def _domain(address: str) -> str:
    return address.rpartition("@")[2].lower().rstrip(".")


def _local_part(address: str) -> str:
    return address.rpartition("@")[0].lower().partition("+")[0]


def is_free_mail(domain: str) -> bool:
    domain = domain.lower().rstrip(".")
    return domain in FREE_MAIL_DOMAINS or bool(FREE_MAIL_BRANDS.fullmatch(domain))


def unreachable(host: str) -> str | None:
    """Why nobody can be reached at ``host`` (a reserved domain, a private address), or None."""
    host = host.lower().rstrip(".")
    for domain in RESERVED_DOMAINS:
        if host == domain or host.endswith("." + domain):
            return f"{domain}, a reserved example domain"
    tld = host.rpartition(".")[2]
    if tld in RESERVED_TLDS:
        return f"{host}, a reserved .{tld} domain"
    try:
        address = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None
    if address.is_private or address.is_loopback or address.is_link_local:
        return f"{host}, a private network address"
    return None


def _url_host(url: str) -> str | None:
    try:
        return urlsplit(url).hostname if url.startswith("https://") else None
    except ValueError:
        return None


def _public_contacts(document: Document) -> Iterator[tuple[Pointer, str]]:
    """(pointer, 'email' or 'url') of each public e-mail and link contact."""
    support = document.data.get("support")
    contacts = support.get("contacts") if isinstance(support, dict) else None
    if not isinstance(contacts, list):
        return
    for index, contact in enumerate(contacts):
        for key in ("email", "url"):
            if isinstance(contact, dict) and key in contact:
                yield ("support", "contacts", index, key), key


def _finding(document: Document, pointer: Pointer, message: str) -> Finding:
    line, column = document.position(pointer)
    return Finding(document.path, message, line, column)


ESCALATION: Pointer = ("support", "escalation")


@submission_rule(
    id="escalation-generic",
    summary="The escalation contact is a monitored list, not a generic queue or example address.",
    severity=Severity.WARNING,
    guideline="SUP-02",
    help=(
        "Set 'support.escalation' to a monitored distribution list for Okta's emergencies, such "
        "as oin-escalations@your-company.com, not the address customers write to."
    ),
)
def escalation_generic(submission: Submission) -> Iterator[Finding]:
    """Okta uses the escalation contact for emergencies; it must reach people who watch it, not
    a general support queue. Flags the local parts support, help, helpdesk, info, contact,
    sales, hello, noreply, no-reply, admin and webmaster (a ``+tag`` is ignored), and reserved
    example domains, where no mail is delivered. The ``.example`` top-level domain is accepted:
    the shipped examples and the tests use it for fictitious vendors.

    Passes: ``escalation: oin-escalations@acme.example``.
    Fails: ``escalation: support@acme.example``, ``escalation: oin@example.com``.
    """
    document = submission.general
    address = _email(document, ESCALATION) if document else None
    if document is None or address is None:
        return
    local, reason = _local_part(address), unreachable(_domain(address))
    if local in GENERIC_LOCAL_PARTS:
        yield _finding(
            document,
            ESCALATION,
            f"'support.escalation' uses the generic mailbox name '{local}'; Okta needs a "
            "monitored escalation list, not a general queue",
        )
    elif reason:
        yield _finding(
            document, ESCALATION, f"'support.escalation' is at {reason}, where no mail is delivered"
        )


@submission_rule(
    id="escalation-free-mail",
    summary="The escalation contact is on the company's domain, not a free-mail provider.",
    severity=Severity.WARNING,
    guideline="SUP-02",
    help=(
        "Set 'support.escalation' to a distribution list on your company's domain, so it "
        "outlives any one employee."
    ),
)
def escalation_free_mail(submission: Submission) -> Iterator[Finding]:
    """A mailbox at a free-mail provider (gmail.com, outlook.com, ``yahoo.*``, ``gmx.*``,
    proton.me, mail.ru, ``yandex.*``, qq.com, 163.com and others, listed in ``FREE_MAIL_DOMAINS``
    and ``FREE_MAIL_BRANDS``) belongs to one person, not to a monitored team list, and the OIN
    does not review personal accounts (ORG-01).

    Passes: ``escalation: oin-escalations@acme.example``.
    Fails: ``escalation: acme.oncall@gmail.com``.
    """
    document = submission.general
    address = _email(document, ESCALATION) if document else None
    if document is None or address is None or not is_free_mail(_domain(address)):
        return
    yield _finding(
        document,
        ESCALATION,
        f"'support.escalation' is a personal mailbox at the free-mail provider "
        f"{_domain(address)}, not a company distribution list",
    )


@submission_rule(
    id="escalation-public",
    summary="The escalation contact is not one of the public support contacts.",
    guideline="SUP-02",
    help=(
        "Give Okta a separate, monitored address in 'support.escalation'; keep the public "
        "queue in 'support.contacts'."
    ),
)
def escalation_public(submission: Submission) -> Iterator[Finding]:
    """The OIN guidelines rate SUP-02 a warning because a generic-looking name is only a guess.
    An escalation address equal to a public contact is no guess: it is, provably, the queue
    customers write to, which the guideline forbids ("Don't use a general support contact that
    queues regular customer inquiries"), so this is an error. Compared ignoring case.

    Passes: ``contacts: [{email: help@acme.example}]``, ``escalation: oin@acme.example``.
    Fails: ``contacts: [{email: help@acme.example}]``, ``escalation: Help@acme.example``.
    """
    document = submission.general
    address = _email(document, ESCALATION) if document else None
    if document is None or address is None:
        return
    for pointer, key in _public_contacts(document):
        public = _email(document, pointer) if key == "email" else None
        if public is not None and public.casefold() == address.casefold():
            yield _finding(
                document,
                ESCALATION,
                f"'support.escalation' is the public contact '{field_name(pointer)}'; Okta's "
                "escalation address must not be the queue customers write to",
            )
            return


@submission_rule(
    id="contact-reserved-domain",
    summary="Public support contacts are not at reserved example domains or private addresses.",
    severity=Severity.WARNING,
    guideline="SUP-03",
    help="Replace the example value with your real support address or page.",
)
def contact_reserved_domain(submission: Submission) -> Iterator[Finding]:
    """Public contacts appear on the catalog page; one at ``example.com``, a ``.test`` or
    ``.invalid`` domain or a private IP address is a leftover placeholder that reaches nobody.
    The ``.example`` top-level domain is accepted, as the shipped examples use it.

    Passes: ``- url: https://help.acme.example/okta``.
    Fails: ``- email: support@example.com``, ``- url: https://10.0.0.8/help``.
    """
    document = submission.general
    if document is None:
        return
    for pointer, key in _public_contacts(document):
        value = _text(document, pointer)
        if value is None:
            continue
        host = _url_host(value) if key == "url" else _domain(value) if "@" in value else None
        reason = unreachable(host) if host else None
        if reason:
            yield _finding(
                document,
                pointer,
                f"'{field_name(pointer)}' is at {reason}, where customers cannot reach you",
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
    url = _text(document, TEST_URL) if document else None
    if document is None or url is None or not url.startswith("https://"):
        return
    placeholder = _placeholder_in(url)
    host = _url_host(url)
    reason = unreachable(host) if host else None
    if placeholder:
        message = f"'test_account.url' contains the placeholder '{placeholder}'"
        yield _finding(document, TEST_URL, message + "; reviewers need a URL they can open as is")
    elif reason:
        yield _finding(
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
    username = _text(document, TEST_USERNAME) if document else None
    if document is None or not username or username.strip().lower() == PREFERRED_USERNAME:
        return
    yield _finding(
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
    username = _text(document, TEST_USERNAME) if document else None
    if document is None or username is None or not EMAIL.fullmatch(username.strip()):
        return
    domain = _domain(username.strip())
    if is_free_mail(domain):
        yield _finding(
            document,
            TEST_USERNAME,
            f"'test_account.username' is a personal account at the free-mail provider {domain}",
        )


RULES: tuple[Rule, ...] = (
    escalation_generic,
    escalation_free_mail,
    escalation_public,
    contact_reserved_domain,
    test_account_url_static,
    test_account_username,
    test_account_free_mail,
)
