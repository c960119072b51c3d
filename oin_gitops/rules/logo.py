"""Logo rules: the logo file's real format, size, dimensions and pixels, read with Pillow."""

from __future__ import annotations

from oin_gitops.rules.base import Rule

RULES: tuple[Rule, ...] = ()
