"""The shipped examples lint clean, and a scaffold from 'oin-gitops new' lints clean once filled."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from PIL import Image

from oin_gitops import engine, scaffold, secrets, yamlio
from oin_gitops.config import load_config
from oin_gitops.rules import BY_ID
from oin_gitops.rules.content import walk
from oin_gitops.schemas import PROTOCOL_FILES
from oin_gitops.sources import DiskSource
from tests.conftest import ScratchRepo, brief, png_bytes

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted(p.name for p in (ROOT / "submissions").iterdir() if p.is_dir())
ALLOWED_SIZES = {(200, 200), (244, 244), (244, 156), (156, 244)}


def test_there_are_at_least_three_examples_using_all_five_files() -> None:
    assert len(EXAMPLES) >= 3
    used = {f.name for slug in EXAMPLES for f in (ROOT / "submissions" / slug).iterdir()}
    assert set(PROTOCOL_FILES) <= used


@pytest.mark.parametrize("slug", EXAMPLES)
def test_example_lints_clean_with_strict(slug: str) -> None:
    source = DiskSource(ROOT)
    report = engine.lint(source, load_config(source, frozenset(BY_ID)), [slug])
    assert report.submissions == (slug,)
    assert brief(report) == []


@pytest.mark.parametrize("slug", EXAMPLES)
def test_example_logo_is_a_real_image_of_an_allowed_size(slug: str) -> None:
    (logo,) = (ROOT / "submissions" / slug).glob("logo.*")
    with Image.open(logo) as image:
        image.verify()
    with Image.open(logo) as image:
        assert image.size in ALLOWED_SIZES
        assert (
            image.format
            == {"png": "PNG", "jpg": "JPEG", "jpeg": "JPEG", "gif": "GIF"}[logo.suffix[1:]]
        )
    assert logo.stat().st_size < 1_000_000


@pytest.mark.parametrize("slug", EXAMPLES)
def test_example_secrets_are_sealed_to_the_repository_key(slug: str) -> None:
    config = load_config(DiskSource(ROOT), frozenset(BY_ID))
    assert config.public_key
    expected = secrets.key_id(secrets.public_key(config.public_key))
    sealed = []
    for path in (ROOT / "submissions" / slug).glob("*.yaml"):
        document = yamlio.parse(path.read_bytes(), path.name)
        assert isinstance(document, yamlio.Document)
        for pointer, value in walk(document.data):
            if secrets.is_sealed(value):
                assert secrets.parse(value).key_id == expected, (path, pointer)
                sealed.append(pointer)
            if pointer and pointer[-1] in ("password", "api_token", "client_secret"):
                assert secrets.is_sealed(value), (path, pointer)
    assert ("test_account", "password") in sealed


FILLED = {
    "name": "acmenotes",
    "website": "https://acme.example",
    "description": "Acme Notes with Okta gives every team single sign-on and provisioning.",
    "use_cases": "[Automation]",
    "label": "Subdomain",
    "email": "help@acme.example",
    "escalation": "oin-escalations@acme.example",
    "url": "https://app.acme.example/login",
    "username": "isvtest@okta.com",
    "instructions": "Sign in as the admin; the SCIM base URL is https://acme.example/scim/v2 and the API token is under Settings.",
    "okta_org": "https://acme.okta.com",
    "github": "[acme-alice]",
    "multi_tenant": "true",
    "acs_url": "https://${org.acmenotes}.acme.example/acs",
    "audience": "https://acme.example/saml",
    "config_guide_url": "https://acme.example/docs",
    "sign_in_flows": "[idp, sp]",
    "jit": "true",
    "sp_initiate_url": "https://acme.example/login",
    "sp_initiate_description": "Open the login page and choose Okta.",
    "redirect_uris": "['https://{app.acmenotes}.acme.example/callback']",
    "mode": "bearer",
    "base_url": "\"'https://' + app.acmenotes + '.acme.example/scim/v2'\"",
    "objects": "[users]",
    "user_operations": "[read, create]",
    "runscope_spec_url": "https://www.runscope.com/radar/a/b/history/c",
    "runscope_crud_url": "https://www.runscope.com/radar/a/b/history/d",
    "manual_test_plan_passed": "true",
    "connector": "Acme Notes",
    "version": '"1.0.0"',
    "test_suite": "evidence/tests.flopack",
    "user_doc_url": "https://acme.example/docs/workflows",
    "api_doc_url": "https://acme.example/docs/api",
    "scopes": "[okta.users.read]",
    "scope_justification": "Reads users to match accounts.",
}
PER_FILE = {"oidc.yaml": {"sign_in_flows": "[sp]"}}


@pytest.mark.parametrize("protocol", sorted(scaffold.PROTOCOLS))
def test_a_filled_scaffold_lints_clean(repo: ScratchRepo, protocol: str) -> None:
    folder = repo.root / "submissions" / "acme-notes"
    scaffold.create(folder, [protocol])
    before = repo.lint()
    assert {d.rule for d in before.diagnostics} == {"placeholder", "logo-file"}
    public_key = load_config(DiskSource(repo.root), frozenset(BY_ID)).public_key
    assert public_key
    place = secrets.Place("acme-notes", "submission.yaml:test_account.password")
    sealed = secrets.seal("test-password", secrets.public_key(public_key), place)
    for path in folder.glob("*.yaml"):
        values = {**FILLED, "password": f'"{sealed}"', **PER_FILE.get(path.name, {})}
        text = path.read_text(encoding="utf-8")
        filled = re.sub(r"(\w+): \[?TODO\]?", lambda m, v=values: f"{m[1]}: {v[m[1]]}", text)
        path.write_text(filled, encoding="utf-8")
    (folder / "logo.png").write_bytes(png_bytes())
    repo.write(
        "submissions/acme-notes/evidence/tests.flopack",
        '{"type": "flopack", "version": "1.5.0", "data": {"flos": {"1": {"name": "Run all tests"}}}}',
    )
    assert brief(repo.lint()) == []
