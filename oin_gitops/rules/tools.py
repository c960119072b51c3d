"""Workflows connector and API service rules, and which capabilities may be combined."""

from __future__ import annotations

from oin_gitops.rules.base import Rule

RULES: tuple[Rule, ...] = ()
