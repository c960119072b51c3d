"""Catalog rules: use cases with the defaults the protocols add, and the description.

The schema already checks the display name (CAT-01), the description's length (CAT-02) and each
use case against the OIN Manager list with at most five listed (CAT-08). What it cannot see is
what the other files of the folder add: Okta assigns Single Sign-On and Lifecycle Management by
protocol, and those count toward the five (DESIGN §5).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import Any

from oin_gitops.diagnostics import Severity
from oin_gitops.rules.base import Finding, Rule, submission_rule
from oin_gitops.schema_check import is_placeholder
from oin_gitops.submission import Submission

MAX_USE_CASES = 5
# The use cases Okta assigns by itself, and the protocol files that make it do so.
DEFAULT_USE_CASES = (
    ("Single Sign-On", ("saml.yaml", "oidc.yaml")),
    ("Lifecycle Management", ("scim.yaml",)),
)
# Words that show a description speaks of the Okta integration or what it does for customers.
OKTA_WORDS = re.compile(
    r"\b(?:okta|single[ -]sign[ -]on|sso|saml|oidc|openid|scim|provision\w*|lifecycle"
    r"|workflows?|connectors?|apis?)\b",
    re.IGNORECASE,
)


def _listed_use_cases(submission: Submission) -> list[str] | None:
    """The use cases as listed, or None when the schema or the placeholder rule reports them."""
    value: Any = submission.app_field("use_cases")
    if value is None:
        return []
    if not isinstance(value, list) or len(value) > MAX_USE_CASES:
        return None
    if not all(isinstance(item, str) and not is_placeholder(item) for item in value):
        return None
    return list(value)


def _defaults(submission: Submission, listed: Sequence[str]) -> list[str]:
    """'Single Sign-On (added for saml.yaml)' for each default Okta adds that is not listed."""
    added = []
    for use_case, files in DEFAULT_USE_CASES:
        present = [name for name in files if name in submission.entries]
        if present and use_case not in listed:
            added.append(f"{use_case} (added for {' and '.join(present)})")
    return added


def _overflow(listed: Sequence[str], defaults: int) -> int:
    """Index of the first listed use case past the maximum, counting repeats once."""
    seen: set[str] = set()
    for index, use_case in enumerate(listed):
        seen.add(use_case)
        if len(seen) + defaults > MAX_USE_CASES:
            return index
    return len(listed) - 1


@submission_rule(
    id="use-case-total",
    summary="At most 5 use cases, counting Single Sign-On and Lifecycle Management that Okta adds.",
    guideline="CAT-06",
    help=(
        "Remove use cases from 'app.use_cases': Okta adds Single Sign-On for saml.yaml or "
        "oidc.yaml and Lifecycle Management for scim.yaml, and these count toward the 5."
    ),
)
def use_case_total(submission: Submission) -> Iterator[Finding]:
    """An integration has at most five use cases in the catalog, including the defaults Okta
    assigns: Single Sign-On when ``saml.yaml`` or ``oidc.yaml`` is present, Lifecycle
    Management when ``scim.yaml`` is. Listing a default yourself is fine and counts once.
    The guidelines rate the total a warning (CAT-06) because Okta assigns the defaults itself;
    oin-gitops decides that the defaults count toward the five (its design, section 5), so
    going past them is an error here, like listing more than five (CAT-08).

    Passes: ``use_cases: [Automation, Zero Trust, Directory and HR Sync, Lifecycle Management]``
    with ``saml.yaml`` and ``scim.yaml`` (Single Sign-On makes five).
    Fails: ``use_cases: [Automation, Zero Trust, Directory and HR Sync, Centralized Logging]``
    with ``saml.yaml`` and ``scim.yaml`` (six with both defaults).
    """
    general = submission.general
    listed = _listed_use_cases(submission)
    if general is None or listed is None:
        return
    added = _defaults(submission, listed)
    total = len(set(listed)) + len(added)
    if total <= MAX_USE_CASES:
        return
    line, column = general.position(("app", "use_cases", _overflow(listed, len(added))))
    count = len(set(listed))
    yield Finding(
        general.path,
        f"'app.use_cases' lists {count} use case{'s' if count != 1 else ''}; with "
        f"{' and '.join(added)} that makes {total}, and the OIN allows at most "
        f"{MAX_USE_CASES} including the defaults",
        line,
        column,
    )


@submission_rule(
    id="description-mentions-okta",
    summary="The description says what the Okta integration does for customers.",
    severity=Severity.WARNING,
    guideline="CAT-03",
    help=(
        "Add a sentence on what customers gain from the Okta integration, for example single "
        "sign-on with SAML or OIDC, SCIM provisioning, or a Workflows connector."
    ),
)
def description_mentions_okta(submission: Submission) -> Iterator[Finding]:
    """The OIN asks the description to show the value of the Okta integration to customers, not
    only the product. No reliable check exists, so this one only catches a description that
    mentions neither Okta nor a capability (single sign-on, SSO, SAML, OIDC, OpenID, SCIM,
    provisioning, lifecycle, Workflows, connector, API).

    Passes: "Acme Notes is a shared notebook; the Okta integration adds single sign-on."
    Fails: "Acme Notes is the shared notebook loved by teams everywhere."
    """
    general = submission.general
    description = submission.app_field("description")
    if general is None or not isinstance(description, str) or is_placeholder(description):
        return
    if not description.strip() or OKTA_WORDS.search(description):
        return
    line, column = general.position(("app", "description"))
    yield Finding(
        general.path,
        "'app.description' never mentions Okta or what the integration does, such as single "
        "sign-on or provisioning",
        line,
        column,
    )


RULES: tuple[Rule, ...] = (use_case_total, description_mentions_okta)
