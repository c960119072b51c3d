"""The guideline traceability: the vendored list against the reference, the coverage figure."""

from __future__ import annotations

from pathlib import Path

import pytest

from oin_gitops import guidelines, schemas
from oin_gitops.rules import RULES

REFERENCE = Path("/work/shared/reference/oin-guidelines.md")
# The coverage reached when the traceability table was built; it may only rise.
COVERED_AT_LEAST = 72


@pytest.mark.skipif(not REFERENCE.exists(), reason="the OIN guidelines reference is not here")
def test_vendored_ids_are_the_references_applicable_ones() -> None:
    ids = guidelines.reference_ids(REFERENCE.read_text(encoding="utf-8"))
    assert len(ids) == len(set(ids)) == 91  # 90 list items; CAP-06 and CAP-07 share one
    assert not set(guidelines.TITLES) & set(guidelines.NOT_APPLICABLE)
    assert sorted({*guidelines.TITLES, *guidelines.NOT_APPLICABLE}) == sorted(ids)
    assert list(guidelines.TITLES) == [gid for gid in ids if gid in guidelines.TITLES]


def test_reference_ids_reads_numbered_items_only() -> None:
    text = "1. **CAT-01 name** - see **LOGO-01**.\n22. **CAP-06 no SWA**; **CAP-07 no 1.1**.\n- **X-01**"
    assert guidelines.reference_ids(text) == ["CAT-01", "LOGO-01", "CAP-06", "CAP-07"]


def test_every_cited_guideline_is_applicable() -> None:
    cited = {rule.guideline for rule in RULES if rule.guideline} | set(guidelines.schema_sites())
    assert cited <= set(guidelines.TITLES)
    assert set(guidelines.BY_BOT) <= set(guidelines.TITLES)
    assert set(guidelines.BY_PERSON) <= set(guidelines.TITLES)


def test_every_guideline_not_enforced_says_why() -> None:
    silent = [t.id for t in guidelines.traceability() if not t.enforced and not t.person]
    assert not silent, f"give these a reason in guidelines.BY_PERSON, or a check: {silent}"


def test_the_coverage_figure_cannot_fall() -> None:
    traces = guidelines.traceability()
    covered = sum(1 for t in traces if t.enforced)
    assert covered >= COVERED_AT_LEAST, guidelines.coverage(traces)
    assert guidelines.coverage(traces) == (
        f"{covered} of {len(traces)} applicable guidelines enforced and cited; "
        f"{len(traces) - covered} checked by a person (reasons above)"
    )


def test_schema_sites_point_at_the_keyword_carrying_the_guideline() -> None:
    sites = guidelines.schema_sites()
    assert "saml.schema.json#/properties/jit" in sites["SAML-05"]
    assert (
        "common.schema.json#/$defs/url_or_expression/x-oin-guidelines/maxLength"
        not in sites.get("URL-02", [])
    )
    assert "common.schema.json#/$defs/url_or_expression/maxLength" in sites["URL-02"]
    assert "scim.schema.json#/properties/auth/properties/mode/enum" in sites["CAP-07"]
    for site in (s for found in sites.values() for s in found):
        file, _, pointer = site.partition("#")
        assert schemas.schema_file(file.removesuffix(".schema.json")).is_file(), site
        assert pointer.startswith("/"), site
