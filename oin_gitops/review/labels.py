"""Every label the review bot manages: name → (colour, description).

Colours carry meaning (red: the ISV must act; yellow, blue, purple: waiting for a reviewer;
greens: approved and published; greys: not in review) and are never the only signal, since the
label's name says the same. Each one keeps a text contrast of at least 4.5:1 against black or
white text, whichever GitHub picks for it (``tests/review/test_state.py`` checks this).
"""

from __future__ import annotations

PREFIX = "oin/"

PUBLISHED = "oin/published"
APPROVED = "oin/approved"
WITHDRAWN = "oin/withdrawn"
DRAFT = "oin/draft"
ACTION_REQUIRED = "oin/action-required"
PENDING_REVIEW = "oin/pending-review"
FINAL_REVIEW = "oin/final-review"
QA = "oin/qa"

# The state labels in the order of the table in DESIGN §6 (approved appears once).
STATES = (
    PUBLISHED,
    APPROVED,
    WITHDRAWN,
    DRAFT,
    ACTION_REQUIRED,
    PENDING_REVIEW,
    FINAL_REVIEW,
    QA,
)
# States in which the pull request waits in a reviewers' queue.
WAITING = frozenset({PENDING_REVIEW, QA, FINAL_REVIEW})

LABELS: dict[str, tuple[str, str]] = {
    PUBLISHED: ("1a7f37", "Merged and published to the OIN catalog."),
    APPROVED: ("2da44e", "Approved by OIN QA: ready to merge, or merged and being published."),
    WITHDRAWN: ("6e7781", "Closed without merging: the submission was withdrawn."),
    DRAFT: ("d0d7de", "Draft: mark the pull request ready for review to submit it."),
    ACTION_REQUIRED: (
        "cf222e",
        "The ISV must act: fix lint errors, rule problems or requested changes.",
    ),
    PENDING_REVIEW: ("fbca04", "Step 1: waiting for the initial review by an OIN reviewer."),
    FINAL_REVIEW: ("8250df", "Final review by Okta: QA checks the changes it asked for."),
    QA: ("0969da", "Step 2: OIN QA is testing the integration."),
    "oin/new": ("c2e0c6", "Adds a new integration to the OIN catalog."),
    "oin/update": ("bfd4f2", "Changes an integration already in the OIN catalog."),
    "oin/removal": ("f9d0c4", "Removes an integration from the OIN catalog."),
    "oin/migration": ("d4c5f9", "Moves an app already in the OIN to this repository."),
    "oin/saml": ("ededed", "Protocol: SAML single sign-on."),
    "oin/oidc": ("ededed", "Protocol: OpenID Connect single sign-on."),
    "oin/scim": ("ededed", "Protocol: SCIM provisioning."),
    "oin/workflows": ("ededed", "Tool: an Okta Workflows connector."),
    "oin/api-service": ("ededed", "Tool: an API service integration."),
}

# What each state is called in the comment: the OIN status it stands for (DESIGN §6).
TITLES: dict[str, str] = {
    PUBLISHED: "Published",
    APPROVED: "Approved",
    WITHDRAWN: "Withdrawn",
    DRAFT: "Draft",
    ACTION_REQUIRED: "Action required",
    PENDING_REVIEW: "Step 1: pending initial review",
    FINAL_REVIEW: "Final review by Okta",
    QA: "Step 2: QA testing",
}
