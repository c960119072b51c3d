"""Tenant settings (integration variables) and the Okta expressions that use them."""

from __future__ import annotations

from oin_gitops.rules.base import Rule

RULES: tuple[Rule, ...] = ()
