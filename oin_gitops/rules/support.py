"""Support contact rules: the escalation contact Okta writes to, and the public contacts.

The schema already checks what a single value can show: the escalation contact is an e-mail
address (SUP-01), and at least one public contact exists and each is an e-mail, an https:// link
or a phone number (SUP-03). These rules add what needs a list of known names or a look at
another field: generic and personal mailboxes, reserved domains (see ``addresses``), and an
escalation address that is really the public queue.
"""

from __future__ import annotations

from collections.abc import Iterator

from oin_gitops.diagnostics import Severity
from oin_gitops.rules.addresses import EMAIL, is_free_mail, mail_domain, unreachable, url_host
from oin_gitops.rules.base import Finding, Rule, submission_rule
from oin_gitops.rules.fields import finding_at, text_at
from oin_gitops.schema_check import field_name
from oin_gitops.submission import Submission
from oin_gitops.yamlio import Document, Pointer

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
    local, reason = _local_part(address), unreachable(mail_domain(address))
    if local in GENERIC_LOCAL_PARTS:
        yield finding_at(
            document,
            ESCALATION,
            f"'support.escalation' uses the generic mailbox name '{local}'; Okta needs a "
            "monitored escalation list, not a general queue",
        )
    elif reason:
        yield finding_at(
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
        value = text_at(document, pointer)
        if value is None:
            continue
        host = url_host(value) if key == "url" else mail_domain(value) if "@" in value else None
        reason = unreachable(host) if host else None
        if reason:
            yield finding_at(
                document,
                pointer,
                f"'{field_name(pointer)}' is at {reason}, where customers cannot reach you",
            )


RULES: tuple[Rule, ...] = (
    escalation_generic,
    escalation_free_mail,
    escalation_public,
    contact_reserved_domain,
)
