"""SAML rules beyond the schema: indexes, attribute statements, and SHA-256 in evidence."""

from __future__ import annotations

from oin_gitops.rules.base import Rule

RULES: tuple[Rule, ...] = ()
