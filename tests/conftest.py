"""Shared test helpers: scratch repositories with valid submissions to break one way at a time."""

from __future__ import annotations

import io
import os
import subprocess
import textwrap
from pathlib import Path

import pytest
from PIL import Image

from oin_gitops import engine
from oin_gitops.config import load_config
from oin_gitops.diagnostics import Report
from oin_gitops.rules import BY_ID
from oin_gitops.sources import DiskSource

ROOT = Path(__file__).resolve().parent.parent


def git(root: Path, *args: str, date: str | None = None) -> str:
    """Run git in ``root`` with a fixed identity, ignoring the machine's git configuration;
    ``date`` dates the commit (author and committer)."""
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "Catalog Test",
        "GIT_AUTHOR_EMAIL": "catalog-test@acme.example",
        "GIT_COMMITTER_NAME": "Catalog Test",
        "GIT_COMMITTER_EMAIL": "catalog-test@acme.example",
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
    }
    if date is not None:
        env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = date
    done = subprocess.run(
        ["git", "-C", str(root), *args], env=env, capture_output=True, text=True, check=True
    )
    return done.stdout


# The tests' own key pair (never the repository's): the private half is test data.
KEYS = Path(__file__).resolve().parent / "keys"
TEST_PUBLIC_KEY = (KEYS / "test-public-key.txt").read_text().strip()
TEST_PRIVATE_KEY = (KEYS / "test-private-key.txt").read_text().strip()
# SEALED_VALUE sealed to the test key for acme-notes/submission.yaml:test_account.password. Lint
# cannot see which place a box names, so any test may put SEALED in any secret field of any
# slug; the value is long enough for the box to pass lint's minimum length for every slug and
# field. Only in acme-notes' test_account.password does it unseal: tests that unseal elsewhere
# seal their own value with seal_for.
SEALED_VALUE = "test-password-1 (made up, long enough to fit any slug)"
SEALED = "sealed:v2:619208c973708b46:9jUzPRRqUnI4eb07sN0S+8tcTdfT/YP0m1P1+Dqbj06cIDyU0zRtaCj6Gdd7w2itxt2hPH0Jeyio/4d87diDOkiN4Z1N4Vww21K9kPxHZ/HZcPTKz+aAkIKsMPmtMIuDppW/mZyvR7XzRCRe4ofMVHkSab5JlZBAuWTQHxm9YpNnCHTJKrPLjovJBSkLC0RBrh2tetxhzyO8JGrtql66QkIb1HUkG02YFJyXoPWqioOt+ftMCbc="


def seal_for(
    value: str, slug: str = "acme-notes", field: str = "submission.yaml:test_account.password"
) -> str:
    """``value`` sealed to the test key for ``slug`` and ``field`` (``FILE:dotted.path``)."""
    from oin_gitops import secrets

    return secrets.seal(value, secrets.public_key(TEST_PUBLIC_KEY), secrets.Place(slug, field))


SUBMISSION_YAML = """\
# yaml-language-server: $schema=../../schemas/submission.schema.json
schema_version: 1
app:
  name: {name}
  website: https://acme.example/notes
  description: Acme Notes gives teams shared notebooks; the Okta integration adds single sign-on.
  use_cases: [Automation]
  logo: logo.png
support:
  contacts:
    - email: help@acme.example
  escalation: oin-escalations@acme.example
test_account:
  url: https://app.acme.example/login
  username: isvtest@okta.com
  password: "{sealed}"
owners:
  okta_org: https://acme.okta.com
  github: [acme-alice]
tenant_settings:
  - label: Subdomain
    name: subdomain
attestations:
  multi_tenant: true
"""

# SUBMISSION_YAML with its tenant setting right after 'app' and the password sealed, for rule
# tables that edit one value and pin line numbers: it never changes when SUBMISSION_YAML does.
PINNED_SUBMISSION_YAML = f"""\
# yaml-language-server: $schema=../../schemas/submission.schema.json
schema_version: 1
app:
  name: Acme Notes
  website: https://acme.example/notes
  description: Acme Notes gives teams shared notebooks; the Okta integration adds single sign-on.
  use_cases: [Automation]
  logo: logo.png
tenant_settings:
  - {{label: Subdomain, name: subdomain}}
support:
  contacts:
    - email: help@acme.example
  escalation: oin-escalations@acme.example
test_account:
  url: https://app.acme.example/login
  username: isvtest@okta.com
  password: "{SEALED}"
owners:
  okta_org: https://acme.okta.com
  github: [acme-alice]
attestations:
  multi_tenant: true
"""

SAML_YAML = """\
# yaml-language-server: $schema=../../schemas/saml.schema.json
acs_url: https://${org.subdomain}.acme.example/saml/acs
audience: https://acme.example/saml
config_guide_url: https://acme.example/docs/okta-saml
sign_in_flows: [idp]
jit: false
"""

# The base submission and most tests use fictional vendors at .example domains; a case that
# needs them refused brings its own repo/.oin-gitops.yaml.
CONFIG_YAML = f"""\
reviewers:
  initial: [oin-rev-ana]
  qa: [oin-qa-ben]
maintainers: [oin-admin]
public_key: "{TEST_PUBLIC_KEY}"
reserved_domains:
  allow: [example]
"""


def png_bytes(size: tuple[int, int] = (200, 200)) -> bytes:
    image = Image.new("RGBA", size, (0, 0, 0, 0))
    # A square filling three quarters of the logo: little white space, sharp corners (LOGO-08).
    image.paste((20, 90, 200, 255), (25, 25, size[0] - 25, size[1] - 25))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


class ScratchRepo:
    """A repository folder on disk with helpers to add and lint submissions."""

    def __init__(self, root: Path) -> None:
        self.root = root
        (root / "submissions").mkdir(parents=True)
        self.write(".oin-gitops.yaml", CONFIG_YAML)

    def write(self, relative: str, content: str | bytes) -> Path:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(textwrap.dedent(content), encoding="utf-8")
        return path

    def add_submission(
        self, slug: str, name: str = "Acme Notes", **files: str | bytes | None
    ) -> Path:
        """A valid SAML submission; ``files`` replace (or, with None, drop) its files."""
        contents: dict[str, str | bytes | None] = {
            "submission.yaml": SUBMISSION_YAML.format(name=name, sealed=SEALED),
            "saml.yaml": SAML_YAML,
            "logo.png": png_bytes(),
        }
        contents.update(
            {k.replace("__", "/").replace("_yaml", ".yaml"): v for k, v in files.items()}
        )
        for file_name, content in contents.items():
            if content is not None:
                self.write(f"submissions/{slug}/{file_name}", content)
        return self.root / "submissions" / slug

    def lint(self, slugs: list[str] | None = None) -> Report:
        source = DiskSource(self.root)
        return engine.lint(source, load_config(source, frozenset(BY_ID)), slugs)


def brief(report: Report) -> list[tuple[str, str, int | None, int | None, str]]:
    return [(d.path, d.rule, d.line, d.column, d.message) for d in report.diagnostics]


# One finding of one rule: (path, line, column, message).
Found = tuple[str, int | None, int | None, str]


def rule_findings(repo: ScratchRepo, rule: str, **files: str | bytes | None) -> list[Found]:
    """Add the base submission ``acme-notes`` with ``files`` changed, lint, keep ``rule``'s findings."""
    repo.add_submission("acme-notes", **files)
    return [
        (path, line, column, message)
        for path, r, line, column, message in brief(repo.lint())
        if r == rule
    ]


def edited_findings(
    repo: ScratchRepo, rule: str, old: str, new: str, **files: str | bytes | None
) -> list[Found]:
    """Lint PINNED_SUBMISSION_YAML with ``old`` replaced by ``new``; keep ``rule``'s findings."""
    assert old in PINNED_SUBMISSION_YAML
    return rule_findings(
        repo, rule, submission_yaml=PINNED_SUBMISSION_YAML.replace(old, new), **files
    )


@pytest.fixture
def repo(tmp_path: Path) -> ScratchRepo:
    return ScratchRepo(tmp_path / "repo")


@pytest.fixture(scope="session")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project built once per test session as a wheel (no isolation: no network)."""
    import subprocess
    import sys

    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "build",
            "--wheel",
            "--no-isolation",
            "--outdir",
            str(out),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    (built,) = out.glob("oin_gitops-*.whl")
    return built


@pytest.fixture(scope="session")
def installed_wheel(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with the wheel installed into it (put it on PYTHONPATH): the package as a user
    gets it, not the source tree."""
    import subprocess
    import sys

    target = tmp_path_factory.mktemp("site")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--target",
            str(target),
            str(wheel),
        ],
        check=True,
    )
    return target
