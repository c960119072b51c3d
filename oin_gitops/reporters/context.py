"""What a reporter may know beyond the report: where the repository lives, for links."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Context:
    """Links for reports read on GitHub; every field is optional and reporters degrade to
    plain paths without them.

    ``repository_url``: ``https://github.com/OWNER/REPO``; ``ref``: the commit that file links
    point at; ``docs_url``: the URL of the rules reference (``docs/rules.md``), rule anchors
    are appended to it.
    """

    repository_url: str | None = None
    ref: str | None = None
    docs_url: str | None = None

    def file_url(self, path: str, line: int | None = None) -> str | None:
        if not (self.repository_url and self.ref):
            return None
        anchor = f"#L{line}" if line else ""
        return f"{self.repository_url}/blob/{self.ref}/{path}{anchor}"

    def rule_url(self, rule: str) -> str:
        base = self.docs_url or (
            f"{self.repository_url}/blob/{self.ref}/docs/rules.md"
            if self.repository_url and self.ref
            else "docs/rules.md"
        )
        return f"{base}#{rule}"
