"""Catalog rules: use cases with the defaults the protocols add, and the description."""

from __future__ import annotations

from oin_gitops.rules.base import Rule

RULES: tuple[Rule, ...] = ()
