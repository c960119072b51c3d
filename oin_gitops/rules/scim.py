"""SCIM rules beyond the schema: base URL, authentication, operations, test evidence, entitlements."""

from __future__ import annotations

from oin_gitops.rules.base import Rule

RULES: tuple[Rule, ...] = ()
