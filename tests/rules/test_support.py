"""Support contact and test account rules, one table per rule: a submission.yaml edit → findings."""

from __future__ import annotations

import pytest

from oin_gitops.rules.addresses import is_free_mail, unreachable
from tests.conftest import CONFIG_YAML, SEALED, ScratchRepo, edited_findings

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


ESCALATION_GENERIC = [
    ("distribution-list", ESCALATION, []),
    ("support", "support@acme.example", [(14, 15, generic("support"))]),
    ("help-upper-case", "HELP@acme.example", [(14, 15, generic("help"))]),
    ("plus-tag-ignored", "support+okta@acme.example", [(14, 15, generic("support"))]),
    ("no-reply", "no-reply@acme.example", [(14, 15, generic("no-reply"))]),
    ("webmaster", "webmaster@acme.example", [(14, 15, generic("webmaster"))]),
    ("generic-word-inside", "support-escalations@acme.example", []),
    ("reserved-left-to-contact-reserved-domain", "oin@example.com", []),
    ("generic-at-reserved", "support@example.com", [(14, 15, generic("support"))]),
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
    ("http-too", ["url: http://example.com/help"], [(13, 12, unreachable_contact(0, "url", "example.com, a reserved example domain"))]),
    ("placeholder-left-to-its-rule", ["email: TODO"], []),
    ("placeholder-beside-reserved", ["email: TODO@example.com"], []),
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


def config(allow: str | None) -> str:
    """The tests' configuration with ``reserved_domains.allow`` set to ``allow`` (None: no key)."""
    base = CONFIG_YAML.replace("reserved_domains:\n  allow: [example]\n", "")
    return base if allow is None else base + f"reserved_domains:\n  allow: [{allow}]\n"


ALLOW_ACME = "acme.example"
# (id, old text of PINNED_SUBMISSION_YAML, new text, allow-list, findings in submission.yaml)
RESERVED_EVERYWHERE = [
    ("allowed", "notes", "notes", ALLOW_ACME, []),
    ("allowed-subdomain", "https://acme.example/notes", "https://docs.eu.acme.example/notes", ALLOW_ACME, []),
    ("allowed-whole-tld", "https://acme.example/notes", "https://globex.example/notes", "example", []),
    ("other-example-vendor", "https://acme.example/notes", "https://globex.example/notes", ALLOW_ACME, [(5, 12, "'app.website' is at globex.example, a reserved .example domain, where nobody can be reached")]),
    ("lookalike-not-a-subdomain", "https://acme.example/notes", "https://notacme.example/notes", ALLOW_ACME, [(5, 12, "'app.website' is at notacme.example, a reserved .example domain, where nobody can be reached")]),
    ("upper-case", "https://acme.example/notes", "https://WWW.Globex.EXAMPLE/notes", ALLOW_ACME, [(5, 12, "'app.website' is at www.globex.example, a reserved .example domain, where nobody can be reached")]),
    ("allow-list-does-not-cover-example-com", "https://acme.example/notes", "https://www.example.com/notes", "example", [(5, 12, "'app.website' is at example.com, a reserved example domain, where nobody can be reached")]),
    ("allow-example-com", "https://acme.example/notes", "https://www.example.com/notes", "example.com, acme.example", []),
    ("url-in-text", "single sign-on.", "single sign-on. See https://docs.example.org/okta, soon.", ALLOW_ACME, [(6, 16, "'app.description' has an address at example.org, a reserved example domain, where nobody can be reached")]),
    ("email-in-text", "single sign-on.", "single sign-on. Write to sales@acme.test.", ALLOW_ACME, [(6, 16, "'app.description' has an address at acme.test, a reserved .test domain, where nobody can be reached")]),
    ("localhost-url-in-text", "single sign-on.", "single sign-on at http://localhost:8080/x", ALLOW_ACME, [(6, 16, "'app.description' has an address at localhost, a reserved .localhost domain, where nobody can be reached")]),
    ("example-word-in-text", "single sign-on.", "single sign-on, for example.", ALLOW_ACME, []),
    ("reports-first-host-once", "single sign-on.", "single sign-on at https://a.test and x@b.invalid", ALLOW_ACME, [(6, 16, "'app.description' has an address at a.test, a reserved .test domain, where nobody can be reached")]),
    ("escalation-example-com", ESCALATION, "oin@example.com", ALLOW_ACME, [(14, 15, "'support.escalation' is at example.com, a reserved example domain, where no mail is delivered")]),
    ("escalation-example-org-subdomain", ESCALATION, "oin@mail.example.org", ALLOW_ACME, [(14, 15, "'support.escalation' is at example.org, a reserved example domain, where no mail is delivered")]),
    ("escalation-dot-invalid", ESCALATION, "oin@acme.invalid", ALLOW_ACME, [(14, 15, "'support.escalation' is at acme.invalid, a reserved .invalid domain, where no mail is delivered")]),
    ("escalation-dot-localhost", ESCALATION, "oin@acme.localhost", ALLOW_ACME, [(14, 15, "'support.escalation' is at acme.localhost, a reserved .localhost domain, where no mail is delivered")]),
    ("escalation-dot-example", ESCALATION, "oin@globex.example", ALLOW_ACME, [(14, 15, "'support.escalation' is at globex.example, a reserved .example domain, where no mail is delivered")]),
    ("test-url-dot-example", TEST_URL, "https://app.globex.example/login", ALLOW_ACME, [(16, 8, "'test_account.url' is at app.globex.example, a reserved .example domain, where reviewers cannot sign in")]),
    ("test-url-example-com-left-to-its-rule", TEST_URL, "https://example.com/login", ALLOW_ACME, []),
    ("username", USERNAME, "oin-review@globex.example", ALLOW_ACME, [(17, 13, "'test_account.username' is at globex.example, a reserved .example domain, where nobody can be reached")]),
    ("secret-left-to-secret-sealed", f'password: "{SEALED}"', "password: hunter2@example.com", ALLOW_ACME, []),
    ("owners-org", "https://acme.okta.com", "https://acme.okta.test", ALLOW_ACME, [(20, 13, "'owners.okta_org' is at acme.okta.test, a reserved .test domain, where nobody can be reached")]),
]  # fmt: skip


@pytest.mark.parametrize(
    ("old", "new", "allow", "expected"),
    [case[1:] for case in RESERVED_EVERYWHERE],
    ids=[case[0] for case in RESERVED_EVERYWHERE],
)
def test_contact_reserved_domain_everywhere(
    repo: ScratchRepo, old: str, new: str, allow: str, expected: Expected
) -> None:
    repo.write(".oin-gitops.yaml", config(allow))
    found = edited_findings(repo, "contact-reserved-domain", old, new)
    assert found == [(GENERAL, *e) for e in expected]


def test_without_an_allow_list_every_example_address_is_reported(repo: ScratchRepo) -> None:
    repo.write(".oin-gitops.yaml", config(None))
    found = edited_findings(repo, "contact-reserved-domain", "notes", "notes")
    where = "acme.example, a reserved .example domain"
    saml = "submissions/acme-notes/saml.yaml"
    assert found == [
        (saml, 2, 10, f"'acs_url' is at ${{org.subdomain}}.{where}, where nobody can be reached"),
        (saml, 3, 11, f"'audience' is at {where}, where nobody can be reached"),
        (saml, 4, 19, f"'config_guide_url' is at {where}, where nobody can be reached"),
        (GENERAL, 5, 12, f"'app.website' is at {where}, where nobody can be reached"),
        (GENERAL, 13, 14, f"'support.contacts[0].email' is at {where}, where customers cannot reach you"),
        (GENERAL, 14, 15, f"'support.escalation' is at {where}, where no mail is delivered"),
        (GENERAL, 16, 8, f"'test_account.url' is at app.{where}, where reviewers cannot sign in"),
    ]  # fmt: skip


def test_hosts_of_expressions_are_read(repo: ScratchRepo) -> None:
    repo.write(".oin-gitops.yaml", config(ALLOW_ACME))
    scim = (
        "# yaml-language-server: $schema=../../schemas/scim.schema.json\n"
        "base_url: \"'https://' + app.subdomain + '.globex.example/scim/v2'\"\n"
    )
    repo.add_submission("acme-notes", scim_yaml=scim)
    found = [
        (d.path, d.line, d.column, d.message)
        for d in repo.lint().diagnostics
        if d.rule == "contact-reserved-domain"
    ]
    assert found == [
        (
            "submissions/acme-notes/scim.yaml",
            2,
            11,
            "'base_url' has an address at globex.example, a reserved .example domain, where "
            "nobody can be reached",
        )
    ]


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
        ("[::1]", "[::1], a private network address"),
        ("[fd00::abcd]", "[fd00::abcd], a private network address"),
        ("[2001:4860::8888]", None),
        ("10.0.0.8.", "10.0.0.8, a private network address"),
    ],
)
def test_unreachable(host: str, expected: str | None) -> None:
    assert unreachable(host) == expected


def test_the_allow_list_takes_only_reserved_domains(repo: ScratchRepo) -> None:
    from oin_gitops.config import ConfigError

    repo.write(".oin-gitops.yaml", config("acme.com, Acme.example, example"))
    with pytest.raises(ConfigError) as caught:
        repo.lint()
    hint = "a reserved domain in lowercase, such as acme.example"
    assert [(d.line, d.column, d.message) for d in caught.value.diagnostics] == [
        (7, 11, f"'reserved_domains.allow[0]' must be {hint} (found 'acme.com')"),
        (7, 21, f"'reserved_domains.allow[1]' must be {hint} (found 'Acme.example')"),
    ]
