"""Catalog rules, one table per rule: a submission.yaml edit (and protocol files) → findings."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import ScratchRepo, edited_findings

GENERAL = "submissions/acme-notes/submission.yaml"
FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "schemas"
SCIM = (FIXTURES / "scim" / "pass" / "minimal.yaml").read_text(encoding="utf-8")
OIDC = (FIXTURES / "oidc" / "pass" / "minimal.yaml").read_text(encoding="utf-8")
API = (FIXTURES / "api-service" / "pass" / "minimal.yaml").read_text(encoding="utf-8")
BASE_USE_CASES = "  use_cases: [Automation]\n"
BASE_DESCRIPTION = (
    "Acme Notes gives teams shared notebooks; the Okta integration adds single sign-on."
)


def total(listed: int, added: str, makes: int) -> str:
    return (
        f"'app.use_cases' lists {listed} use cases; with {added} that makes {makes}, and the "
        "OIN allows at most 5 including the defaults"
    )


SSO = "Single Sign-On (added for saml.yaml)"
LCM = "Lifecycle Management (added for scim.yaml)"
FOUR = "Automation, Zero Trust, Directory and HR Sync, Centralized Logging"
FIVE = FOUR + ", Risk Signal Sharing"

USE_CASE_TOTAL = [
    ("one-with-sso", "[Automation]", {}, []),
    ("four-with-sso-is-five", f"[{FOUR}]", {}, []),
    ("five-with-sso", f"[{FIVE}]", {}, [(7, 83, total(5, SSO, 6))]),
    ("four-with-sso-and-lcm", f"[{FOUR}]", {"scim_yaml": SCIM}, [(7, 62, total(4, f"{SSO} and {LCM}", 6))]),
    ("three-with-sso-and-lcm", "[Automation, Zero Trust, Centralized Logging]", {"scim_yaml": SCIM}, []),
    ("lcm-listed-counts-once", "[Automation, Zero Trust, Directory and HR Sync, Lifecycle Management]", {"scim_yaml": SCIM}, []),
    ("lcm-listed-five", f"[{FOUR}, Lifecycle Management]", {"scim_yaml": SCIM}, [(7, 83, total(5, SSO, 6))]),
    ("lcm-listed-first", f"[Lifecycle Management, {FOUR}]", {"scim_yaml": SCIM}, [(7, 84, total(5, SSO, 6))]),
    ("saml-and-oidc-count-once", f"[{FIVE}]", {"oidc_yaml": OIDC}, [(7, 83, total(5, "Single Sign-On (added for saml.yaml and oidc.yaml)", 6))]),
    ("oidc-only", f"[{FIVE}]", {"saml_yaml": None, "oidc_yaml": OIDC}, [(7, 83, total(5, "Single Sign-On (added for oidc.yaml)", 6))]),
    ("scim-only-five-with-lcm", f"[{FOUR}, Lifecycle Management]", {"saml_yaml": None, "scim_yaml": SCIM}, []),
    ("scim-only-five", f"[{FIVE}]", {"saml_yaml": None, "scim_yaml": SCIM}, [(7, 83, total(5, LCM, 6))]),
    ("api-service-five", f"[{FIVE}]", {"saml_yaml": None, "api-service.yaml": API}, []),
    ("repeats-count-once", f"[Automation, {FOUR}]", {}, []),
    ("six-left-to-schema", f"[{FIVE}, Bot or Fraud Detection]", {}, []),
    ("block-style", "\n    - Automation\n    - Zero Trust\n    - Centralized Logging\n    - Risk Signal Sharing\n    - Directory and HR Sync", {}, [(12, 7, total(5, SSO, 6))]),
    ("absent", "", {}, []),
    ("placeholder", "[TODO]", {}, []),
    ("not-a-list", "Automation", {}, []),
    ("not-text", "[Automation, 3, Zero Trust, Centralized Logging, Risk Signal Sharing]", {}, []),
]  # fmt: skip


@pytest.mark.parametrize(
    ("listed", "files", "expected"),
    [case[1:] for case in USE_CASE_TOTAL],
    ids=[case[0] for case in USE_CASE_TOTAL],
)
def test_use_case_total(
    repo: ScratchRepo,
    listed: str,
    files: dict[str, str | None],
    expected: list[tuple[int, int, str]],
) -> None:
    new = f"  use_cases: {listed}\n" if listed else ""
    found = edited_findings(repo, "use-case-total", BASE_USE_CASES, new, **files)
    assert found == [(GENERAL, *e) for e in expected]


NEVER = (
    "'app.description' never mentions Okta or what the integration does, such as single "
    "sign-on or provisioning"
)

DESCRIPTION = [
    ("mentions-okta", BASE_DESCRIPTION, []),
    ("okta-possessive", "Acme Notes is Okta's favourite notebook.", []),
    ("single-sign-on", "Acme Notes adds single sign-on for teams.", []),
    ("single-sign-on-spaced", "Acme Notes adds Single Sign On for teams.", []),
    ("sso", "Acme Notes adds SSO for teams.", []),
    ("saml", "Sign in to Acme Notes with SAML.", []),
    ("oidc", "Sign in to Acme Notes with OIDC.", []),
    ("openid", "Sign in to Acme Notes with OpenID Connect.", []),
    ("scim", "Acme Notes accounts follow SCIM.", []),
    ("provisioning", "Automatic provisioning of Acme Notes accounts.", []),
    ("lifecycle", "Acme Notes account lifecycle, automated.", []),
    ("workflows", "Acme Notes cards for Workflows.", []),
    ("connector", "The Acme Notes connector.", []),
    ("api", "Acme Notes reads your directory through the API.", []),
    ("product-only", "Acme Notes gives teams shared notebooks.", [(6, 16, NEVER)]),
    ("word-inside-word", "Acme Capital tracks spending for rapid teams.", [(6, 16, NEVER)]),
    ("oktane-is-not-okta", "Acme Notes, seen at Oktane.", [(6, 16, NEVER)]),
    ("block-scalar", ">-\n    Acme Notes gives teams\n    shared notebooks.", [(6, 16, NEVER)]),
    ("placeholder", "TODO: say what the integration does", []),
    ("blank-left-to-schema", '" "', []),
    ("not-text", "42", []),
]


@pytest.mark.parametrize(
    ("description", "expected"),
    [case[1:] for case in DESCRIPTION],
    ids=[case[0] for case in DESCRIPTION],
)
def test_description_mentions_okta(
    repo: ScratchRepo, description: str, expected: list[tuple[int, int, str]]
) -> None:
    found = edited_findings(repo, "description-mentions-okta", BASE_DESCRIPTION, description)
    assert found == [(GENERAL, *e) for e in expected]
