"""``catalog preview``: the Markdown card, pinned by goldens, with every user value escaped."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from oin_gitops.catalog.preview import card
from oin_gitops.config import load_config
from oin_gitops.rules import BY_ID
from oin_gitops.sources import DiskSource
from oin_gitops.submission import load_submission
from tests.catalog.conftest import GOLDEN_DIR, copy_examples
from tests.conftest import SAML_YAML, SEALED, ScratchRepo

GOLDEN = GOLDEN_DIR
HOSTILE_NAME = "<img src=x onerror=alert(1)> @octocat [x](https://evil.example) **b** #1"
HOSTILE_SUBMISSION = """\
# yaml-language-server: $schema=../../schemas/submission.schema.json
schema_version: 1
app:
  name: "{name}"
  website: "https://acme.example/x)](javascript:alert(1))"
  description: |-
    Acme Notes </details><script>alert(1)</script> | table | `code` ![i](https://evil.example/i.png)
    @acme-corp/oin-team see #12 and www.evil.example, https://evil.example/phish
    The Okta integration adds single sign-on.
  use_cases: [Automation]
  logo: logo.png
support:
  contacts:
    - url: "https://acme.example/help (x)"
    - email: "help+<b>@acme.example"
  escalation: oin-escalations@acme.example
test_account:
  url: https://app.acme.example/login
  username: isvtest@okta.com
  password: "{sealed}"
owners:
  okta_org: https://acme.okta.com
  github: [acme-alice]
"""


def _card(root: Path, slug: str, errors: int = 0) -> str:
    source = DiskSource(root)
    submission, _ = load_submission(source, slug, load_config(source, frozenset(BY_ID)))
    return card(submission, errors)


@pytest.mark.parametrize("slug", ["brightdesk", "ledgerly-workflows"])
def test_card_golden(tmp_path: Path, slug: str) -> None:
    root = copy_examples(tmp_path / "repo")
    assert _card(root, slug) == (GOLDEN / f"preview-{slug}.md").read_text(encoding="utf-8")


def test_every_value_from_the_submission_is_escaped(repo: ScratchRepo) -> None:
    repo.add_submission(
        "acme-notes",
        submission_yaml=HOSTILE_SUBMISSION.format(name=HOSTILE_NAME, sealed=SEALED),
        saml_yaml=SAML_YAML.replace("/docs/okta-saml", "/docs/(okta)<saml>"),
    )
    shown = _card(repo.root, "acme-notes", errors=2)
    assert shown.startswith(
        r"### &lt;img src=x onerror=alert\(1\)&gt; &#64;&#8203;octocat "
        r"\[x\]\(https:&#8203;//evil\.example\) \*\*b\*\* \#&#8203;1" + "\n"
    )
    assert "<" not in shown and ">" not in shown.replace("\n> ⚠️ lint reports 2 errors", "")
    assert "@" not in shown.replace("&#64;", "")
    assert "`" not in shown.replace("\\`", "")
    assert "#12" not in shown and "www.evil" not in shown and "https://evil" not in shown
    # The only links are ours, each to an https:// URL that nothing in it can end early.
    links = re.findall(r"(?<!\\)\]\(([^)]*)\)", shown)
    assert links == [
        "https://acme.example/help%20%28x%29",
        "https://acme.example/docs/%28okta%29%3Csaml%3E",
        "https://acme.example/x%29]%28javascript:alert%281%29%29",
    ]
    # A multi-line description stays on one line.
    assert shown.count("\n**Description:** Acme Notes &lt;/details&gt;") == 1
    assert "see \\#&#8203;12 and" in shown


def test_a_card_of_values_of_the_wrong_types(repo: ScratchRepo) -> None:
    repo.add_submission(
        "acme-notes",
        submission_yaml=(
            "schema_version: 1\n"
            "app: {name: [1], description: 5, use_cases: x, website: 7, logo: logo.png}\n"
            "support:\n  contacts: [{email: 5}, just text, {url: 'https://a.example', phone: '1'}]\n"
        ),
        saml_yaml="sign_in_flows: idp\njit: 'yes'\nconfig_guide_url: [x]\n",
    )
    shown = _card(repo.root, "acme-notes", errors=9)
    assert shown.startswith("### acme\\-notes\n")
    assert "- E-mail: 5\n" in shown
    assert "**Description:** none yet" in shown and "**Website:** none yet" in shown
    assert "- Single sign\\-on with SAML 2\\.0: just-in-time provisioning: no\n" in shown
