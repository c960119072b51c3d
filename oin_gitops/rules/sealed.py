"""Secrets: values the schema marks ``x-oin-secret`` are sealed to this repository's key, and
no unsealed field holds something that looks like a credential."""

from __future__ import annotations

from oin_gitops.rules.base import Rule

RULES: tuple[Rule, ...] = ()
