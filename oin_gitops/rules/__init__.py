"""The rule registry: every rule, listed explicitly, in the order ``oin-gitops rules`` shows.

Each family module lists its rules in a ``RULES`` tuple; this is the one place they are joined.
"""

from __future__ import annotations

from oin_gitops.rules import (
    catalog,
    change,
    characters,
    content,
    evidence_checks,
    logo,
    logo_design,
    oidc,
    repository,
    saml,
    scim,
    sealed,
    secret_text,
    structure,
    support,
    test_account,
    tester_export,
    tools,
    updates,
    variables,
)
from oin_gitops.rules.base import Finding, Rule
from oin_gitops.rules.reserved import RESERVED

RULES: tuple[Rule, ...] = (
    *RESERVED,
    structure.slug_format,
    structure.submission_file,
    structure.swa_not_accepted,
    structure.unexpected_file,
    structure.evidence_limits,
    structure.protocol_file,
    structure.logo_file,
    structure.file_reference,
    structure.schema_comment,
    content.placeholder,
    characters.invisible_character,
    *sealed.RULES,
    *secret_text.RULES,
    *catalog.RULES,
    *support.RULES,
    *test_account.RULES,
    *logo.RULES,
    *logo_design.RULES,
    *variables.RULES,
    *saml.RULES,
    *evidence_checks.RULES,
    *tester_export.RULES,
    *oidc.RULES,
    *scim.RULES,
    *tools.RULES,
    repository.duplicate_slug,
    repository.duplicate_name,
    *change.RULES,
    *updates.RULES,
)

BY_ID: dict[str, Rule] = {rule.id: rule for rule in RULES}
assert len(BY_ID) == len(RULES), "rule ids must be unique"

__all__ = ["BY_ID", "RULES", "Finding", "Rule"]
