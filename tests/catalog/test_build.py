"""``catalog build``: the data contract, determinism, atomic replacement, and what is refused."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pytest
from markupsafe import escape

from oin_gitops import engine
from oin_gitops.catalog import apps, site
from oin_gitops.catalog import build as builder
from oin_gitops.config import load_config
from oin_gitops.diagnostics import Severity
from oin_gitops.rules import BY_ID
from oin_gitops.sources import DiskSource
from tests.catalog.conftest import built, errors, git, read_json, tree
from tests.conftest import ScratchRepo

EXPECTED_ORDER = ["brightdesk", "ledgerly", "ledgerly-workflows", "signalwatch"]


def test_index_and_app_files_follow_the_catalog_schema(examples: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    catalog = built(examples, out)
    index = read_json(out / "index.json")
    assert errors(index) == []
    assert [app["slug"] for app in index["apps"]] == EXPECTED_ORDER
    assert catalog.published == EXPECTED_ORDER
    for slug in EXPECTED_ORDER:
        app_file = read_json(out / "apps" / f"{slug}.json")
        assert errors(app_file, "app_file") == []
        assert {k: v for k, v in app_file["app"].items() if k != "details"} == next(
            app for app in index["apps"] if app["slug"] == slug
        )


def test_the_schema_refuses_what_the_catalog_must_never_hold(
    examples: Path, tmp_path: Path
) -> None:
    built(examples, tmp_path / "site")
    app_file = read_json(tmp_path / "site/apps/brightdesk.json")
    app_file["app"]["details"]["scim"]["tests"] = {"manual_test_plan_passed": True}
    app_file["app"]["details"]["scim"]["auth"]["api_token"] = "sealed:v1:0123456789abcdef:AAAA"
    app_file["app"]["escalation"] = "oin@brightdesk.example"
    assert sorted(errors(app_file, "app_file")) == [
        "Additional properties are not allowed ('api_token' was unexpected)",
        "Additional properties are not allowed ('escalation' was unexpected)",
        "Additional properties are not allowed ('tests' was unexpected)",
    ]


def test_brightdesk_in_full(examples: Path, tmp_path: Path) -> None:
    built(examples, tmp_path / "site", base_url="/oin-catalog")
    index = read_json(tmp_path / "site/index.json")
    assert (index["schema_version"], index["title"], index["base_url"]) == (
        1,
        "Okta Integration Network",
        "/oin-catalog/",
    )
    app = read_json(tmp_path / "site/apps/brightdesk.json")["app"]
    logo = (examples / "submissions/brightdesk/logo.png").read_bytes()
    assert app["logo"] == f"logos/brightdesk-{hashlib.sha256(logo).hexdigest()[:12]}.png"
    assert (tmp_path / "site" / app["logo"]).read_bytes() == logo
    assert app["use_cases"] == [
        "Automation",
        "Zero Trust",
        "Single Sign-On",
        "Lifecycle Management",
    ]
    assert app["protocols"] == ["saml", "scim"]
    assert app["support_contacts"] == [
        {"email": "support@brightdesk.example"},
        {"url": "https://help.brightdesk.example/okta"},
        {"phone": "+1 415 555 0142"},
    ]
    assert (app["page"], app["api"]) == ("apps/brightdesk.html", "apps/brightdesk.json")
    assert app["details"]["scim"] == {
        "auth": {"mode": "bearer"},
        "base_url": "'https://' + app.subdomain + '.brightdesk.example/scim/v2'",
        "objects": ["users", "groups"],
        "user_operations": [
            "create",
            "read",
            "update",
            "deactivate",
            "patch",
            "import_user_schema",
        ],
        "group_operations": ["create", "read", "update", "delete"],
        "config_guide_url": "https://docs.brightdesk.example/okta/scim-provisioning-guide",
    }
    assert app["details"]["saml"]["sign_in_flows"] == ["idp", "sp"]
    workflows = read_json(tmp_path / "site/apps/ledgerly-workflows.json")["app"]["details"]
    assert workflows == {
        "workflows": {
            "connector": "Ledgerly",
            "version": "1.3.0",
            "user_doc_url": "https://docs.ledgerly.example/okta/workflows-connector",
            "api_doc_url": "https://developers.ledgerly.example/api/v2",
        }
    }


def test_the_same_input_gives_byte_identical_output(examples: Path, tmp_path: Path) -> None:
    built(examples, tmp_path / "one")
    built(examples, tmp_path / "two")
    built(examples, tmp_path / "one")  # a rebuild over the previous output, too
    first, second = tree(tmp_path / "one"), tree(tmp_path / "two")
    assert sorted(first) == sorted(second)
    assert [name for name in first if first[name] != second[name]] == []
    # Per app its page, JSON and logo; then index.json, index.html, about.html, 3 assets and
    # the build manifest.
    assert len(first) == 4 * 3 + 7
    assert not re.search(rb"20[0-9]{2}-[0-9]{2}-[0-9]{2}T", b"".join(first.values()))


def test_a_broken_submission_fails_the_build_and_keeps_the_previous_output(
    examples: Path, tmp_path: Path
) -> None:
    out = tmp_path / "site"
    built(examples, out)
    before = tree(out)
    (examples / "submissions/ledgerly/oidc.yaml").write_text("redirect_uris: [http://x]\n")
    with pytest.raises(builder.InvalidSubmissions) as failed:
        built(examples, out)
    assert failed.value.slugs == ["ledgerly"]
    assert tree(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["repo", "site"]


def test_skip_invalid_publishes_the_others(examples: Path, tmp_path: Path) -> None:
    (examples / "submissions/ledgerly/oidc.yaml").write_text("redirect_uris: [http://x]\n")
    catalog = built(examples, tmp_path / "site", skip_invalid=True)
    assert catalog.skipped == ["ledgerly"]
    assert catalog.published == ["brightdesk", "ledgerly-workflows", "signalwatch"]
    assert not (tmp_path / "site/apps/ledgerly.json").exists()


def test_an_exception_while_rendering_keeps_the_previous_output(
    examples: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "site"
    built(examples, out)
    before = tree(out)

    def explode(_: site.Site, __: Path) -> None:
        raise RuntimeError("template exploded")

    monkeypatch.setattr(site, "write", explode)
    with pytest.raises(RuntimeError, match="template exploded"):
        built(examples, out)
    assert tree(out) == before


def test_a_disk_error_halfway_keeps_the_previous_output_and_cleans_up(
    examples: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "site"
    built(examples, out)
    before = tree(out)
    written: list[Path] = []
    real_create = apps.create

    def full_disk(path: Path, data: bytes) -> None:
        if len(written) == 5:
            raise OSError(28, "No space left on device")
        written.append(path)
        real_create(path, data)

    monkeypatch.setattr(apps, "create", full_disk)
    with pytest.raises(OSError, match="No space left"):
        built(examples, out)
    monkeypatch.undo()
    assert len(written) == 5 and all(out not in p.parents for p in written)
    assert tree(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["repo", "site"]


def test_a_failed_swap_puts_the_previous_output_back(
    examples: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "site"
    built(examples, out)
    before = tree(out)
    real_rename = builder.os.rename

    def refuse_new(source: str | Path, target: str | Path) -> None:
        if Path(source).name.endswith(".new"):
            raise OSError(18, "Invalid cross-device link")
        real_rename(source, target)

    monkeypatch.setattr(builder.os, "rename", refuse_new)
    with pytest.raises(OSError, match="cross-device"):
        built(examples, out)
    assert tree(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["repo", "site"]


@pytest.mark.parametrize(
    ("where", "message"),
    [
        (".", "would replace the repository itself"),
        ("..", "would replace the repository itself"),
        ("submissions/out", "is inside submissions/"),
        ("notes", "does not look like a catalog"),
        ("file.txt", "exists and is not a folder"),
    ],
)
def test_an_output_folder_that_is_not_a_catalog_is_refused(
    examples: Path, where: str, message: str
) -> None:
    (examples / "notes").mkdir()
    (examples / "notes/keep.txt").write_text("mine\n")
    (examples / "file.txt").write_text("mine\n")
    with pytest.raises(builder.CatalogError, match=message):
        built(examples, examples / where)
    assert (examples / "notes/keep.txt").read_text() == "mine\n"


@pytest.mark.parametrize(
    ("given", "published"),
    [
        ("/", "/"),
        ("/oin-catalog", "/oin-catalog/"),
        ("https://acme.github.io/oin/", "https://acme.github.io/oin/"),
    ],
)
def test_base_urls(examples: Path, tmp_path: Path, given: str, published: str) -> None:
    built(examples, tmp_path / "site", base_url=given)
    index = read_json(tmp_path / "site/index.json")
    assert index["base_url"] == published
    assert errors(index) == []


@pytest.mark.parametrize("given", ["oin-catalog/", "javascript:alert(1)//", "/a b/", '/"x"/'])
def test_bad_base_urls_are_refused(examples: Path, tmp_path: Path, given: str) -> None:
    with pytest.raises(builder.CatalogError, match="base URL"):
        built(examples, tmp_path / "site", base_url=given)


def test_names_sort_case_insensitively_then_by_slug(repo: ScratchRepo, tmp_path: Path) -> None:
    repo.add_submission("zz-first", name="alpha Notes")
    repo.add_submission("aa-second", name="Beta Notes")
    repo.add_submission("mm-third", name="Alpha Board")
    catalog = built(repo.root, tmp_path / "site")
    assert catalog.published == ["mm-third", "zz-first", "aa-second"]
    assert catalog.notices and "not a git repository" in catalog.notices[0]


def test_the_embedded_data_cannot_close_its_script_element(
    repo: ScratchRepo, tmp_path: Path
) -> None:
    hostile = "Notes </script><script>alert(1)</script> & <!-- 'single' sign-on"
    repo.add_submission("acme-notes")
    path = repo.root / "submissions/acme-notes/submission.yaml"
    lines = path.read_text().splitlines(keepends=True)
    at = next(i for i, line in enumerate(lines) if line.startswith("  description:"))
    lines[at] = f"  description: {json.dumps(hostile + ' The Okta integration adds SSO.')}\n"
    path.write_text("".join(lines))
    assert repo.lint().errors == 0
    built(repo.root, tmp_path / "site")
    page = (tmp_path / "site/index.html").read_text()
    block = page.split('<script type="application/json" id="catalog-data">', 1)[1]
    data = block.split("</script>", 1)[0]
    assert "<" not in data and ">" not in data and "&" not in data and "'" not in data
    assert json.loads(data)["apps"][0]["description"].startswith(hostile)
    assert "<script>alert" not in page
    assert "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_pages_carry_no_inline_code_and_load_only_their_own_files(
    examples: Path, tmp_path: Path
) -> None:
    built(examples, tmp_path / "site")
    pages = {n: d.decode() for n, d in tree(tmp_path / "site").items() if n.endswith(".html")}
    assert len(pages) == 6
    for name, page in pages.items():
        assert not re.search(r"\son[a-z]+\s*=", page, re.IGNORECASE), name
        assert " style=" not in page and "<style" not in page, name
        scripts = re.findall(r"<script\b[^>]*>", page)
        assert all('src="' in s or 'type="application/json"' in s for s in scripts), name
        assert f'content="{escape(site.CSP)}"' in page, name
        loaded = re.findall(r'<(?:script|img|link)\b[^>]*\b(?:src|href)="([^"]*)"', page)
        assert loaded and all(not re.match(r"[a-z]+:|//|/", url) for url in loaded), name


def test_the_about_page_links_the_github_repository(examples: Path, tmp_path: Path) -> None:
    git(examples, "remote", "add", "origin", "https://github.com/acme/oin-catalog.git")
    built(examples, tmp_path / "site")
    about = (tmp_path / "site/about.html").read_text()
    assert 'href="https://github.com/acme/oin-catalog#quick-start-for-isvs"' in about


def test_an_empty_repository_builds_an_empty_catalog(repo: ScratchRepo, tmp_path: Path) -> None:
    catalog = built(repo.root, tmp_path / "site")
    assert catalog.published == []
    index = read_json(tmp_path / "site/index.json")
    assert index["apps"] == [] and errors(index) == []
    assert ">0 integrations</p>" in (tmp_path / "site/index.html").read_text()


def _vague_description(root: Path) -> None:
    """SignalWatch's description no longer says what the Okta integration does: a warning."""
    path = root / "submissions/signalwatch/submission.yaml"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    start = next(i for i, line in enumerate(lines) if line.startswith("  description:"))
    end = next(i for i in range(start + 1, len(lines)) if not lines[i].startswith("    "))
    vague = "SignalWatch is the security analytics platform loved by security teams everywhere."
    lines[start:end] = [f"  description: {vague}\n"]
    path.write_text("".join(lines), encoding="utf-8")


def test_the_build_runs_the_rules_that_can_fail_it(examples: Path, tmp_path: Path) -> None:
    """A warning neither fails the build nor appears in its report; the same rule configured
    as an error does both."""
    _vague_description(examples)
    (examples / "submissions/ledgerly/oidc.yaml").write_text("redirect_uris: [http://x]\n")
    source = DiskSource(examples)
    linted = engine.lint(source, load_config(source, frozenset(BY_ID)))
    warned = {d.rule for d in linted.diagnostics if d.severity is Severity.WARNING}
    assert "description-mentions-okta" in warned
    with pytest.raises(builder.InvalidSubmissions) as failed:
        built(examples, tmp_path / "site")
    assert failed.value.slugs == ["ledgerly"]
    assert {d.severity for d in failed.value.report.diagnostics} == {Severity.ERROR}
    config = examples / ".oin-gitops.yaml"
    config.write_text(config.read_text() + "rules:\n  description-mentions-okta: error\n")
    with pytest.raises(builder.InvalidSubmissions) as failed:
        built(examples, tmp_path / "site")
    assert failed.value.slugs == ["ledgerly", "signalwatch"]
