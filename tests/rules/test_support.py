"""Support contact and test account rules, one table per rule: a submission.yaml edit → findings."""

from __future__ import annotations

import pytest

from oin_gitops.rules.addresses import is_free_mail, unreachable
from tests.conftest import ScratchRepo, edited_findings

GENERAL = "submissions/acme-notes/submission.yaml"
ESCALATION = "oin-escalations@acme.example"
CONTACTS = "    - email: help@acme.example\n"
TEST_URL = "https://app.acme.example/login"
USERNAME = "isvtest@okta.com"

Expected = list[tuple[int, int, str]]


def generic(local: str) -> str:
    return (
        f"'support.escalation' uses the generic mailbox name '{local}'; Okta needs a monitored "
        "escalation list, not a general queue"
    )


def undelivered(where: str) -> str:
    return f"'support.escalation' is at {where}, where no mail is delivered"


ESCALATION_GENERIC = [
    ("distribution-list", ESCALATION, []),
    ("support", "support@acme.example", [(14, 15, generic("support"))]),
    ("help-upper-case", "HELP@acme.example", [(14, 15, generic("help"))]),
    ("plus-tag-ignored", "support+okta@acme.example", [(14, 15, generic("support"))]),
    ("no-reply", "no-reply@acme.example", [(14, 15, generic("no-reply"))]),
    ("webmaster", "webmaster@acme.example", [(14, 15, generic("webmaster"))]),
    ("generic-word-inside", "support-escalations@acme.example", []),
    ("example-com", "oin@example.com", [(14, 15, undelivered("example.com, a reserved example domain"))]),
    ("example-org-subdomain", "oin@mail.example.org", [(14, 15, undelivered("example.org, a reserved example domain"))]),
    ("dot-test", "oin@acme.test", [(14, 15, undelivered("acme.test, a reserved .test domain"))]),
    ("dot-invalid", "oin@acme.invalid", [(14, 15, undelivered("acme.invalid, a reserved .invalid domain"))]),
    ("dot-localhost", "oin@acme.localhost", [(14, 15, undelivered("acme.localhost, a reserved .localhost domain"))]),
    ("generic-and-reserved-reports-once", "support@example.com", [(14, 15, generic("support"))]),
    ("dot-example-accepted", "oin@acme.example", []),
    ("example-com-lookalike", "oin@myexample.com", []),
    ("not-an-email-left-to-schema", "support", []),
    ("placeholder", "TODO", []),
    ("not-text", "[support@acme.example]", []),
]  # fmt: skip


@pytest.mark.parametrize(
    ("escalation", "expected"),
    [case[1:] for case in ESCALATION_GENERIC],
    ids=[case[0] for case in ESCALATION_GENERIC],
)
def test_escalation_generic(repo: ScratchRepo, escalation: str, expected: Expected) -> None:
    found = edited_findings(repo, "escalation-generic", ESCALATION, escalation)
    assert found == [(GENERAL, *e) for e in expected]


def free(domain: str) -> str:
    return (
        f"'support.escalation' is a personal mailbox at the free-mail provider {domain}, not a "
        "company distribution list"
    )


ESCALATION_FREE_MAIL = [
    ("company-domain", ESCALATION, []),
    ("gmail", "acme.oncall@gmail.com", [(14, 15, free("gmail.com"))]),
    ("upper-case-domain", "acme.oncall@GMail.COM", [(14, 15, free("gmail.com"))]),
    ("yahoo-country", "acme@yahoo.co.uk", [(14, 15, free("yahoo.co.uk"))]),
    ("gmx-de", "acme@gmx.de", [(14, 15, free("gmx.de"))]),
    ("yandex-ru", "acme@yandex.ru", [(14, 15, free("yandex.ru"))]),
    ("proton", "acme@proton.me", [(14, 15, free("proton.me"))]),
    ("qq", "acme@qq.com", [(14, 15, free("qq.com"))]),
    ("subdomain-of-provider-is-not", "acme@corp.gmail.com", []),
    ("brand-inside-company-domain", "oin@gmx-partners.com", []),
    ("placeholder", "TODO", []),
]  # fmt: skip


@pytest.mark.parametrize(
    ("escalation", "expected"),
    [case[1:] for case in ESCALATION_FREE_MAIL],
    ids=[case[0] for case in ESCALATION_FREE_MAIL],
)
def test_escalation_free_mail(repo: ScratchRepo, escalation: str, expected: Expected) -> None:
    found = edited_findings(repo, "escalation-free-mail", ESCALATION, escalation)
    assert found == [(GENERAL, *e) for e in expected]


def public(index: int) -> str:
    return (
        f"'support.escalation' is the public contact 'support.contacts[{index}].email'; Okta's "
        "escalation address must not be the queue customers write to"
    )


def block(escalation: str, *contacts: str) -> str:
    """Replace the contacts and escalation lines of the base together."""
    lines = "".join(f"    - {contact}\n" for contact in contacts)
    return lines + f"  escalation: {escalation}\n"


ESCALATION_PUBLIC = [
    ("different", block(ESCALATION, "email: help@acme.example"), []),
    ("same", block("help@acme.example", "email: help@acme.example"), [(14, 15, public(0))]),
    ("same-ignoring-case", block("Help@ACME.example", "email: help@acme.example"), [(14, 15, public(0))]),
    ("same-as-second", block("care@acme.example", "url: https://acme.example/help", "email: care@acme.example"), [(15, 15, public(1))]),
    ("reported-once", block("care@acme.example", "email: care@acme.example", "email: Care@acme.example"), [(15, 15, public(0))]),
    ("url-with-same-text-is-not", block("care@acme.example", "url: https://acme.example/care@acme.example"), []),
    ("phone-only", block(ESCALATION, 'phone: "+1 415 555 0100"'), []),
    ("placeholder", block("TODO", "email: help@acme.example"), []),
    ("contact-placeholder", block("help@acme.example", "email: TODO"), []),
    ("contact-not-a-mapping", block("help@acme.example", "help@acme.example"), []),
]  # fmt: skip


@pytest.mark.parametrize(
    ("lines", "expected"),
    [case[1:] for case in ESCALATION_PUBLIC],
    ids=[case[0] for case in ESCALATION_PUBLIC],
)
def test_escalation_public(repo: ScratchRepo, lines: str, expected: Expected) -> None:
    old = CONTACTS + f"  escalation: {ESCALATION}\n"
    found = edited_findings(repo, "escalation-public", old, lines)
    assert found == [(GENERAL, *e) for e in expected]


def unreachable_contact(index: int, key: str, where: str) -> str:
    return f"'support.contacts[{index}].{key}' is at {where}, where customers cannot reach you"


CONTACT_RESERVED_DOMAIN = [
    ("real-looking", ["email: help@acme.example", "url: https://help.acme.example/okta"], []),
    ("example-com-email", ["email: help@example.com"], [(13, 14, unreachable_contact(0, "email", "example.com, a reserved example domain"))]),
    ("example-net-url", ["phone: '+1 415 555 0100'", "url: https://www.example.net/help"], [(14, 12, unreachable_contact(1, "url", "example.net, a reserved example domain"))]),
    ("dot-test-url", ["url: https://help.acme.test/okta"], [(13, 12, unreachable_contact(0, "url", "help.acme.test, a reserved .test domain"))]),
    ("private-ip", ["url: https://10.0.0.8/help"], [(13, 12, unreachable_contact(0, "url", "10.0.0.8, a private network address"))]),
    ("loopback-ip", ["url: https://127.0.0.1/help"], [(13, 12, unreachable_contact(0, "url", "127.0.0.1, a private network address"))]),
    ("public-ip", ["url: https://93.184.215.14/help"], []),
    ("example-in-path-only", ["url: https://acme.example/example.com"], []),
    ("http-left-to-schema", ["url: http://example.com/help"], []),
    ("placeholder", ["email: TODO"], []),
]  # fmt: skip


@pytest.mark.parametrize(
    ("contacts", "expected"),
    [case[1:] for case in CONTACT_RESERVED_DOMAIN],
    ids=[case[0] for case in CONTACT_RESERVED_DOMAIN],
)
def test_contact_reserved_domain(
    repo: ScratchRepo, contacts: list[str], expected: Expected
) -> None:
    new = "".join(f"    - {contact}\n" for contact in contacts)
    found = edited_findings(repo, "contact-reserved-domain", CONTACTS, new)
    assert found == [(GENERAL, *e) for e in expected]


def placeholder(text: str) -> str:
    return (
        f"'test_account.url' contains the placeholder '{text}'; reviewers need a URL they can "
        "open as is"
    )


def no_sign_in(where: str) -> str:
    return f"'test_account.url' is at {where}, where reviewers cannot sign in"


TEST_ACCOUNT_URL_STATIC = [
    ("static", TEST_URL, []),
    ("dollar-variable", "https://$subdomain.acme.example/login", [(16, 8, placeholder("$subdomain"))]),
    ("dollar-parentheses", "https://acme.example/$(tenant)/login", [(16, 8, placeholder("$(tenant)"))]),
    ("percent-variable", "https://%SUBDOMAIN%.acme.example/login", [(16, 8, placeholder("%SUBDOMAIN%"))]),
    ("percent-escapes-are-fine", "https://acme.example/login?next=%C3%A9t%C3%A9%20x", []),
    ("brackets-in-host", "https://[tenant].acme.example/login", [(16, 8, placeholder("[tenant]"))]),
    ("brackets-in-path", "https://acme.example/[tenant]/login", [(16, 8, placeholder("[tenant]"))]),
    ("brackets-in-query-are-fine", "https://acme.example/login?filter[team]=oin", []),
    ("path-parameter", "https://acme.example/:tenant/login", [(16, 8, placeholder(":tenant"))]),
    ("port-is-fine", "https://acme.example:8443/login", []),
    ("concatenation-app", "https://acme.example/'+app.tenant", [(16, 8, placeholder("app.tenant"))]),
    ("concatenation-org", "https://acme.example/login?t=org.tenant+'x'", [(16, 8, placeholder("org.tenant"))]),
    ("app-host-is-fine", "https://app.acme.example/org.login", []),
    ("your-company-host", "https://your-company.acme.example/login", [(16, 8, placeholder("your-company"))]),
    ("yoursubdomain-host", "https://YourSubdomain.acme.example/login", [(16, 8, placeholder("YourSubdomain"))]),
    ("your-account-path-is-fine", "https://acme.example/your-account", []),
    ("example-com", "https://example.com/login", [(16, 8, no_sign_in("example.com, a reserved example domain"))]),
    ("example-org-subdomain", "https://app.example.org/login", [(16, 8, no_sign_in("example.org, a reserved example domain"))]),
    ("dot-invalid", "https://app.acme.invalid/login", [(16, 8, no_sign_in("app.acme.invalid, a reserved .invalid domain"))]),
    ("private-ip", "https://192.168.1.20/login", [(16, 8, no_sign_in("192.168.1.20, a private network address"))]),
    ("placeholder-wins-over-reserved", "https://$tenant.example.com/login", [(16, 8, placeholder("$tenant"))]),
    ("braces-left-to-schema", "https://{app.tenant}.acme.example/login", []),
    ("http-left-to-schema", "http://$tenant.acme.example/login", []),
    ("yaml-placeholder", "TODO", []),
]  # fmt: skip


@pytest.mark.parametrize(
    ("url", "expected"),
    [case[1:] for case in TEST_ACCOUNT_URL_STATIC],
    ids=[case[0] for case in TEST_ACCOUNT_URL_STATIC],
)
def test_test_account_url_static(repo: ScratchRepo, url: str, expected: Expected) -> None:
    found = edited_findings(repo, "test-account-url-static", f"url: {TEST_URL}", f'url: "{url}"')
    assert found == [(GENERAL, *e) for e in expected]


NOT_PREFERRED = "'test_account.username' is not isvtest@okta.com, the username Okta prefers"

TEST_ACCOUNT_USERNAME = [
    ("preferred", USERNAME, []),
    ("preferred-any-case", "ISVTest@Okta.com", []),
    ("own-domain", "oin-review@acme.example", [(17, 13, NOT_PREFERRED)]),
    ("not-an-email", "oinreview", [(17, 13, NOT_PREFERRED)]),
    ("free-mail-too", "acme.tester@gmail.com", [(17, 13, NOT_PREFERRED)]),
    ("placeholder", "TODO", []),
    ("not-text-left-to-schema", "42", []),
]


@pytest.mark.parametrize(
    ("username", "expected"),
    [case[1:] for case in TEST_ACCOUNT_USERNAME],
    ids=[case[0] for case in TEST_ACCOUNT_USERNAME],
)
def test_test_account_username(repo: ScratchRepo, username: str, expected: Expected) -> None:
    found = edited_findings(
        repo, "test-account-username", f"username: {USERNAME}", f"username: {username}"
    )
    assert found == [(GENERAL, *e) for e in expected]


def personal(domain: str) -> str:
    return f"'test_account.username' is a personal account at the free-mail provider {domain}"


TEST_ACCOUNT_FREE_MAIL = [
    ("preferred", USERNAME, []),
    ("own-domain", "oin-review@acme.example", []),
    ("gmail", "acme.tester@gmail.com", [(17, 13, personal("gmail.com"))]),
    ("hotmail-country", "acme.tester@hotmail.fr", [(17, 13, personal("hotmail.fr"))]),
    ("outlook", "acme.tester@Outlook.com", [(17, 13, personal("outlook.com"))]),
    ("not-an-email", "gmail.com", []),
    ("placeholder", "TODO", []),
]


@pytest.mark.parametrize(
    ("username", "expected"),
    [case[1:] for case in TEST_ACCOUNT_FREE_MAIL],
    ids=[case[0] for case in TEST_ACCOUNT_FREE_MAIL],
)
def test_test_account_free_mail(repo: ScratchRepo, username: str, expected: Expected) -> None:
    old, new = f"username: {USERNAME}", f"username: {username}"
    found = edited_findings(repo, "test-account-free-mail", old, new)
    assert found == [(GENERAL, *e) for e in expected]


@pytest.mark.parametrize(
    ("domain", "expected"),
    [
        ("gmail.com", True),
        ("GMAIL.COM.", True),
        ("gmx.net", True),
        ("yahoo.com.br", True),
        ("yandex.com", True),
        ("163.com", True),
        ("acme.example", False),
        ("gmail.acme.example", False),
        ("yahoo.acmecorp.com", False),
    ],
)
def test_is_free_mail(domain: str, expected: bool) -> None:
    assert is_free_mail(domain) is expected


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("example.com", "example.com, a reserved example domain"),
        ("EXAMPLE.COM.", "example.com, a reserved example domain"),
        ("a.b.example.net", "example.net, a reserved example domain"),
        ("acme.test", "acme.test, a reserved .test domain"),
        ("172.16.0.1", "172.16.0.1, a private network address"),
        ("169.254.0.1", "169.254.0.1, a private network address"),
        ("acme.example", None),
        ("notexample.com", None),
        ("example.com.acme.io", None),
        ("8.8.8.8", None),
    ],
)
def test_unreachable(host: str, expected: str | None) -> None:
    assert unreachable(host) == expected
