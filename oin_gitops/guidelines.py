"""The OIN guidelines oin-gitops answers for, and where each one is enforced.

The numbered guidelines (``SAML-01``) come from the OIN guidelines reference; the ids that apply
to what a submission folder holds are vendored here with a short title, so an installed package
needs no copy of the reference (``tests/test_guidelines.py`` compares them). Where a guideline is
enforced is derived, never written down: the rules citing it (the registry), the schema keywords
carrying ``x-oin-guideline`` (or a keyword's entry in ``x-oin-guidelines``), and the review bot.
Only what no machine checks is data here, with the reason.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from oin_gitops import schemas
from oin_gitops.rules import RULES

# Every guideline that applies to a submission folder, in the reference's order.
TITLES: dict[str, str] = {
    "CAT-01": "display name present, 1-64 characters",
    "CAT-02": "description under 1024 characters",
    "CAT-03": "description says what the Okta integration does",
    "CAT-04": "use cases from the OIN Wizard's list",
    "CAT-05": "at most 3 use cases in the OIN Wizard",
    "CAT-06": "at most 5 use cases, counting the ones Okta adds",
    "CAT-08": "use cases from the OIN Manager's list, at most 5",
    "LOGO-01": "exactly one logo",
    "LOGO-02": "PNG, JPEG or GIF",
    "LOGO-03": "logo under one MB",
    "LOGO-04": "logo dimensions",
    "LOGO-05": "PNG preferred",
    "LOGO-06": "transparent background",
    "LOGO-07": "square logo preferred",
    "LOGO-08": "no trademark symbol, an icon not a wordmark, sharp corners, little white space",
    "CAP-01": "at least one capability",
    "CAP-02": "API service submitted alone",
    "CAP-06": "no SWA",
    "CAP-07": "no SCIM 1.1, no Basic-auth SCIM",
    "CAP-09": "Workflows connector submitted alone",
    "VAR-01": "each tenant setting has a label and a name",
    "VAR-02": "tenant setting name format",
    "VAR-03": "at most 8 tenant settings",
    "VAR-04": "unique tenant setting names",
    "VAR-05": "no reserved tenant setting names",
    "VAR-06": "expressions use declared variables with the protocol's prefix",
    "VAR-07": "SAML expression syntax",
    "VAR-08": "tenant settings stay backward compatible on update",
    "URL-01": "static URLs are complete https:// URLs",
    "URL-02": "URL length limits",
    "SAML-01": "ACS URL, audience and configuration guide present",
    "SAML-02": "indexed ACS URLs",
    "SAML-03": "attribute statements",
    "SAML-04": "sign-in flows and SP-initiated details",
    "SAML-05": "JIT provisioning stated",
    "SAML-06": "no RelayState, SLO or other advanced SAML settings",
    "SAML-07": "SHA-256 certificates and metadata",
    "OIDC-01": "redirect URIs and configuration guide present",
    "OIDC-02": "sign-in flows",
    "OIDC-03": "SP initiate URL",
    "OIDC-04": "JIT provisioning stated",
    "OIDC-05": "a web app",
    "OIDC-06": "org authorization server only",
    "OIDC-07": "standard scopes only",
    "OIDC-08": "no reliance on email_verified",
    "SCIM-01": "https base URL without underscores",
    "SCIM-02": "header, bearer or OAuth 2.0 authentication",
    "SCIM-03": "objects and operations",
    "SCIM-04": "no profile sourcing",
    "SCIM-05": "SCIM 2.0 only",
    "SCIM-06": "Runscope test results",
    "SCIM-07": "manual test plan passed",
    "SCIM-08": "test instructions reach the SCIM server",
    "SCIM-09": "entitlement resource types",
    "SCIM-10": "a separate SCIM configuration guide",
    "SCIM-11": "an update keeps a published Basic-auth choice",
    "SCIM-12": "migrated apps support import",
    "SCIM-13": "attribute mapping",
    "API-01": "Okta admin management scopes",
    "API-02": "least privilege",
    "API-03": "client credentials and client secret only",
    "MGR-01": "connector, version, test suite and documentation",
    "MGR-02": "at most 10 open submissions per org",
    "SUP-01": "an escalation e-mail for Okta",
    "SUP-02": "the escalation e-mail is not a generic queue",
    "SUP-03": "at least one public support contact",
    "TEST-01": "test account URL, username and password",
    "TEST-02": "no plain-text password",
    "TEST-03": "isvtest@okta.com preferred",
    "TEST-04": "test credentials renewed 30 days after publication",
    "TEST-05": "test results recent",
    "GUIDE-01": "a configuration guide URL per capability",
    "ORG-02": "updates come from the same Okta org",
    "ORG-03": "multi-tenancy attestation",
}

# Guidelines of the reference that do not apply to a submission folder, and why.
NOT_APPLICABLE: dict[str, str] = {
    "CAT-07": "Identity Verification is not a capability of the submission format",
    "CAP-03": "Identity Verification is not a capability of the submission format",
    "IDV-01": "Identity Verification is not a capability of the submission format",
    "CAP-04": "entitlements live inside scim.yaml, so they cannot exist without SCIM",
    "CAP-05": "Universal Logout is not a capability of the submission format",
    "UL-01": "Universal Logout is not a capability of the submission format",
    "UL-02": "Universal Logout is not a capability of the submission format",
    "CAP-08": "Express Configuration is not part of the submission format",
    "ACT-01": "API Integration Actions are not part of the submission format",
    "ACT-02": "API Integration Actions are not part of the submission format",
    "SAML-08": "about the configuration guide's text, which lint does not fetch",
    "GUIDE-02": "needs the network: lint does not fetch the configuration guide",
    "GUIDE-03": "needs the network: lint does not fetch the configuration guide",
    "GUIDE-04": "needs the network: lint does not fetch the configuration guide",
    "GUIDE-05": "needs the network: lint does not fetch the configuration guide",
    "ORG-01": "submitters are GitHub accounts here, not Okta accounts with an e-mail",
    "ORG-04": "a classification of updates, not a requirement",
}

# Enforced by the review bot (oin_gitops/github/facts.py), which cites them in its comment.
BY_BOT: dict[str, str] = {
    "ORG-02": "only the owners may update; 'owners.okta_org' may not change",
    "MGR-02": "limits.open_submissions_per_org open pull requests per Okta org",
}

# Applicable guidelines no machine checks yet, and why a person does. A rule or schema
# keyword that starts citing one of them makes it enforced; its entry here is then unused.
BY_PERSON: dict[str, str] = {
    "CAT-04": "superseded by CAT-08 in the OIN Manager the project follows",
    "CAT-05": "superseded by CAT-08 in the OIN Manager the project follows",
}

_REFERENCE_ID = re.compile(r"^\d+\.\s.*?\*\*([A-Z]+-\d\d)", re.MULTILINE)
_ANY_ID = re.compile(r"\*\*([A-Z]+-\d\d)")


def reference_ids(text: str) -> list[str]:
    """The guideline numbers of the reference's numbered list, in order (a list item may
    number two, such as CAP-06 and CAP-07)."""
    found: list[str] = []
    for line in text.splitlines():
        if _REFERENCE_ID.match(line):
            found += [gid for gid in _ANY_ID.findall(line) if gid not in found]
    return found


def _walk(node: Any, pointer: str) -> Iterator[tuple[str, str]]:
    if isinstance(node, dict):
        if isinstance(node.get("x-oin-guideline"), str):
            yield node["x-oin-guideline"], pointer or "/"
        for keyword, gid in (node.get("x-oin-guidelines") or {}).items():
            yield gid, f"{pointer}/{keyword}"
        for key, value in node.items():
            yield from _walk(value, f"{pointer}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _walk(value, f"{pointer}/{index}")


def schema_sites() -> dict[str, list[str]]:
    """Guideline → ``file#pointer`` of each submission-schema keyword carrying it."""
    sites: dict[str, list[str]] = {}
    for name in sorted({*schemas.FILE_SCHEMAS.values(), "common"}):
        for gid, pointer in _walk(schemas.load(name), ""):
            sites.setdefault(gid, []).append(f"{name}.schema.json#{pointer}")
    return sites


@dataclass(frozen=True)
class Trace:
    """Where one guideline is enforced; ``person`` says why nothing does when nothing does."""

    id: str
    title: str
    rules: tuple[str, ...]
    schema: tuple[str, ...]
    bot: str | None
    person: str | None

    @property
    def enforced(self) -> bool:
        return bool(self.rules or self.schema or self.bot)


def traceability() -> list[Trace]:
    sites = schema_sites()
    return [
        Trace(
            id=gid,
            title=title,
            rules=tuple(rule.id for rule in RULES if rule.guideline == gid),
            schema=tuple(sites.get(gid, ())),
            bot=BY_BOT.get(gid),
            person=BY_PERSON.get(gid),
        )
        for gid, title in TITLES.items()
    ]


def coverage(traces: list[Trace]) -> str:
    covered = sum(1 for t in traces if t.enforced)
    person = sum(1 for t in traces if not t.enforced)
    return (
        f"{covered} of {len(traces)} applicable guidelines enforced and cited; "
        f"{person} checked by a person (reasons above)"
    )


def where(trace: Trace) -> list[str]:
    """Plain words for where ``trace`` is enforced, one entry per place."""
    places = [f"rule {rule}" for rule in trace.rules]
    places += [f"schema {site}" for site in trace.schema]
    if trace.bot:
        places.append(f"bot: {trace.bot}")
    if not places:
        places.append(f"checked by a person: {trace.person or 'no reason recorded'}")
    return places


def render_text(traces: list[Trace]) -> str:
    width = max(len(t.id) for t in traces)
    lines = []
    for trace in traces:
        places = where(trace)
        lines.append(f"{trace.id:<{width}}  {trace.title}")
        lines += [f"{'':<{width}}    {place}" for place in places]
    return "\n".join([*lines, "", coverage(traces)]) + "\n"


def _schema_link(site: str) -> str:
    file, _, pointer = site.partition("#")
    return f"`{file}` `{pointer}`"


def render_markdown(traces: list[Trace]) -> str:
    rows = []
    for t in traces:
        cells = [f"[{rule}](#{rule})" for rule in t.rules]
        cells += [_schema_link(site) for site in t.schema]
        if t.bot:
            cells.append(f"the review bot ({t.bot})")
        if not cells:
            cells.append(f"checked by a person: {t.person or 'no reason recorded'}")
        rows.append(f'| <a id="{t.id}"></a>{t.id} | {t.title} | {"<br>".join(cells)} |')
    return (
        "## OIN guidelines\n\n"
        "Where each OIN guideline that applies to a submission is enforced: the rules citing it,\n"
        "the schema keywords carrying it (`x-oin-guideline`; their diagnostics cite it), or the\n"
        "review bot; otherwise why a person checks it.\n\n"
        "| guideline | what the OIN asks | enforced by |\n|---|---|---|\n"
        + "\n".join(rows)
        + f"\n\n{coverage(traces)}.\n"
    )


def guide_row(trace: Trace) -> str:
    """``trace`` as a row of the ISV guide's table (docs/publish-your-integration.md), whose
    links are relative to docs/."""
    cells = [f"[{rule}](rules.md#{rule})" for rule in trace.rules]
    if trace.schema:
        cells.append("[schema](rules.md#schema)")
    if trace.bot:
        cells.append("the review bot")
    if not cells:
        cells.append(f"checked by a person: {trace.person or 'no reason recorded'}")
    return f"| {trace.id} | {trace.title} | {', '.join(cells)} |"
