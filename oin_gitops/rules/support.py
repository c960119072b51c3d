"""Support contact rules: the escalation contact Okta writes to, and the public contacts.

The schema already checks what a single value can show: the escalation contact is an e-mail
address (SUP-01), and at least one public contact exists and each is an e-mail, an https:// link
or a phone number (SUP-03). These rules add what needs a list of known names or a look at
another field: generic and personal mailboxes, an escalation address that is really the public
queue, and, in every field of the submission, addresses at reserved example domains (see
``addresses``) that the repository's configuration does not allow.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from oin_gitops.diagnostics import Severity
from oin_gitops.rules.addresses import EMAIL, is_free_mail, mail_domain, unreachable
from oin_gitops.rules.base import Finding, Rule, submission_rule
from oin_gitops.rules.content import marked_at, walk
from oin_gitops.rules.fields import finding_at, text_at
from oin_gitops.schema_check import field_name, is_placeholder
from oin_gitops.schemas import FILE_SCHEMAS
from oin_gitops.submission import Submission
from oin_gitops.yamlio import Document, Pointer

# The hosts a value names: of URLs (scheme://[user@]host), of e-mail addresses (local@host), and
# of the quoted '.host/...' pieces an expression joins into a URL: 'https://' + app.x + '.a.b/'.
HOSTS = re.compile(
    r"[a-z][a-z0-9+.-]*://(?:[^\s/?#@]*@)?(?P<url>\[[0-9a-f:.]+\]|[^\s/?#:@'\"<>()\[\],;\\]+)"
    r"|[\w.+%-]@(?P<mail>[\w-]+(?:\.[\w-]+)+)"
    r"|['\"]\.(?P<piece>[\w-]+(?:\.[\w-]+)*)(?=[/:?#'\"])",
    re.IGNORECASE,
)
# Where each kind of field leads, for the message.
REACHES = (
    (("support", "contacts"), "where customers cannot reach you"),
    (("support", "escalation"), "where no mail is delivered"),
    (("test_account", "url"), "where reviewers cannot sign in"),
)
TEST_URL: Pointer = ("test_account", "url")

# Local parts of shared queues that customers write to (SUP-02), compared without a +tag.
GENERIC_LOCAL_PARTS = frozenset(
    {"support", "help", "helpdesk", "info", "contact", "sales", "hello", "noreply", "no-reply"}
    | {"admin", "webmaster"}
)


def _email(document: Document, pointer: Pointer) -> str | None:
    """The e-mail address at ``pointer`` when it is one; the schema reports malformed ones."""
    value = text_at(document, pointer)
    return value if value is not None and EMAIL.fullmatch(value) else None


def _local_part(address: str) -> str:
    return address.rpartition("@")[0].lower().partition("+")[0]


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


ESCALATION: Pointer = ("support", "escalation")


@submission_rule(
    id="escalation-generic",
    summary="The escalation contact is a monitored list, not a generic queue.",
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
    sales, hello, noreply, no-reply, admin and webmaster (a ``+tag`` is ignored). An address at
    a reserved example domain is ``contact-reserved-domain``'s to report.

    Passes: ``escalation: oin-escalations@acme.example``.
    Fails: ``escalation: support@acme.example``.
    """
    document = submission.general
    address = _email(document, ESCALATION) if document else None
    if document is None or address is None or _local_part(address) not in GENERIC_LOCAL_PARTS:
        return
    yield finding_at(
        document,
        ESCALATION,
        f"'support.escalation' uses the generic mailbox name '{_local_part(address)}'; Okta "
        "needs a monitored escalation list, not a general queue",
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
    if document is None or address is None or not is_free_mail(mail_domain(address)):
        return
    yield finding_at(
        document,
        ESCALATION,
        f"'support.escalation' is a personal mailbox at the free-mail provider "
        f"{mail_domain(address)}, not a company distribution list",
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
            yield finding_at(
                document,
                ESCALATION,
                f"'support.escalation' is the public contact '{field_name(pointer)}'; Okta's "
                "escalation address must not be the queue customers write to",
            )
            return


@submission_rule(
    id="contact-reserved-domain",
    summary="No e-mail address or URL is at a reserved example domain or a private address.",
    guideline="SUP-03",
    help="Replace the example address with the real one, on your company's domain.",
)
def contact_reserved_domain(submission: Submission) -> Iterator[Finding]:
    """An address at a reserved example domain (RFC 2606, RFC 6761: ``example.com``,
    ``example.net``, ``example.org``, the ``.example``, ``.test``, ``.invalid`` and
    ``.localhost`` top-level domains) or at a private IP address is a leftover placeholder that
    reaches nobody: a support contact customers cannot write to, an escalation list where no
    mail arrives, a sign-in URL that does not open. Every field of every file is checked: the
    hosts of URLs (also inside text and ``{app.x}`` or ``${org.x}`` URLs), of e-mail
    addresses, and the quoted ``'.host/...'`` pieces an expression joins into a URL. Secret
    fields are left to ``secret-sealed``, and a reserved host of ``test_account.url`` other
    than ``.example`` to ``test-account-url-static``.

    A repository that ships fictional example submissions lists their domains in
    ``.oin-gitops.yaml`` (``reserved_domains: {allow: [acme.example]}``): those domains, and
    their subdomains, are accepted.

    Passes: ``- url: https://help.acme.com/okta``. Fails: ``- email: support@acme.example``
    (unless the configuration allows acme.example), ``- url: https://10.0.0.8/help``,
    ``description: Docs at https://docs.example.com.``
    """
    allowed = submission.config.allowed_reserved_domains
    for name, document in submission.documents.items():
        for pointer, value in walk(document.data):
            if not isinstance(value, str) or not _may_hold_host(value) or is_placeholder(value):
                continue
            if marked_at(FILE_SCHEMAS[name], pointer, ("x-oin-secret",)):
                continue
            reason = _first_unreachable(value, pointer, allowed)
            if reason:
                yield finding_at(document, pointer, _unreachable_message(pointer, value, reason))


def _may_hold_host(value: str) -> bool:
    """Whether ``HOSTS`` can match at all: each of its forms needs one of these marks."""
    return "://" in value or "@" in value or "'." in value or '".' in value


def _first_unreachable(value: str, pointer: Pointer, allowed: tuple[str, ...]) -> str | None:
    """Why the first host in ``value`` nobody can reach is so, or None."""
    for match in HOSTS.finditer(value):
        host = (match["url"] or match["mail"] or match["piece"]).lower().rstrip(".")
        if _allowed(host, allowed):
            continue
        reason = unreachable(host)
        if reason and tuple(pointer) == TEST_URL:
            continue  # test-account-url-static reports these hosts of the test URL
        if reason is None and host.rpartition(".")[2] == "example":
            reason = f"{host}, a reserved .example domain"
        if reason:
            return reason
    return None


def _allowed(host: str, allowed: tuple[str, ...]) -> bool:
    return any(host == domain or host.endswith("." + domain) for domain in allowed)


def _unreachable_message(pointer: Pointer, value: str, reason: str) -> str:
    where = next(
        (text for prefix, text in REACHES if tuple(pointer[: len(prefix)]) == prefix),
        "where nobody can be reached",
    )
    verb = "is at" if len(value.split()) == 1 else "has an address at"
    return f"'{field_name(pointer)}' {verb} {reason}, {where}"


RULES: tuple[Rule, ...] = (
    escalation_generic,
    escalation_free_mail,
    escalation_public,
    contact_reserved_domain,
)
