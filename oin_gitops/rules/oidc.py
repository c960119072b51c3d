"""OIDC rules beyond the schema: the org authorization server, scopes, and email_verified."""

from __future__ import annotations

from oin_gitops.rules.base import Rule

RULES: tuple[Rule, ...] = ()
