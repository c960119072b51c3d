"""A build over a previous build reuses the files of the apps that did not change, and writes
every byte a full build writes; whatever the apps' files are made with besides their folders
(the code, the templates, the base URL, git history) makes them again."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from oin_gitops import engine
from oin_gitops.catalog import build as builder
from oin_gitops.catalog import manifest
from tests.catalog.conftest import FIRST, SECOND, THIRD, built, commit, read_json, tree

APPS = ["brightdesk", "ledgerly", "ledgerly-workflows", "signalwatch"]


@pytest.fixture(params=["here", "pool"])
def where(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Each test runs with the apps made in this process, and in pool workers."""
    if request.param == "pool":
        monkeypatch.setattr(engine, "PARALLEL_MIN", 1)
        monkeypatch.setattr(engine.os, "cpu_count", lambda: 2)
    return str(request.param)


def _same_as_full(root: Path, out: Path, tmp_path: Path, **options: str) -> builder.Catalog:
    """Build over ``out``, build from scratch beside it, and check both hold the same bytes."""
    catalog = built(root, out, **options)
    fresh = tmp_path / "fresh"
    shutil.rmtree(fresh, ignore_errors=True)
    full = built(root, fresh, **options, full=True)
    assert full.reused == 0
    assert (catalog.published, catalog.skipped) == (full.published, full.skipped)
    incremental, complete = tree(out), tree(fresh)
    assert sorted(incremental) == sorted(complete)
    assert [name for name in complete if incremental[name] != complete[name]] == []
    return catalog


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_a_rebuild_reuses_every_app(examples: Path, tmp_path: Path, where: str) -> None:
    out = tmp_path / "site"
    assert built(examples, out).reused == 0
    assert _same_as_full(examples, out, tmp_path).reused == len(APPS)


def test_edited_added_and_removed_apps(examples: Path, tmp_path: Path, where: str) -> None:
    out = tmp_path / "site"
    built(examples, out)
    _edit(examples / "submissions/ledgerly/submission.yaml", "expense reports", "receipts")
    shutil.copytree(examples / "submissions/signalwatch", examples / "submissions/beacon-alerts")
    _edit(examples / "submissions/beacon-alerts/submission.yaml", "SignalWatch", "Beacon Alerts")
    shutil.rmtree(examples / "submissions/brightdesk")
    catalog = _same_as_full(examples, out, tmp_path)
    assert catalog.published == ["beacon-alerts", "ledgerly", "ledgerly-workflows", "signalwatch"]
    assert catalog.reused == 2  # ledgerly-workflows and signalwatch
    assert not list((out / "logos").glob("brightdesk-*"))


def test_a_changed_logo_gets_a_new_name(examples: Path, tmp_path: Path, where: str) -> None:
    out = tmp_path / "site"
    built(examples, out)
    logo = examples / "submissions/signalwatch/logo.png"
    logo.write_bytes((examples / "submissions/brightdesk/logo.png").read_bytes())
    assert _same_as_full(examples, out, tmp_path).reused == len(APPS) - 1
    assert len(list((out / "logos").glob("signalwatch-*"))) == 1


def test_history_alone_makes_an_app_again(examples: Path, tmp_path: Path, where: str) -> None:
    out = tmp_path / "site"
    built(examples, out)
    path = examples / "submissions/signalwatch/submission.yaml"
    original = path.read_text(encoding="utf-8")
    _edit(path, "SignalWatch", "SignalWatch Pro")
    commit(examples, "SignalWatch Pro", "2024-07-01T08:00:00+00:00")
    path.write_text(original, encoding="utf-8")
    commit(examples, "Back to SignalWatch", "2024-07-02T08:00:00+00:00")
    catalog = _same_as_full(examples, out, tmp_path)
    assert catalog.reused == len(APPS) - 1
    app = read_json(out / "apps/signalwatch.json")["app"]
    assert (app["last_updated"], app["versions"]) == ("2024-07-02", 3)


@pytest.mark.parametrize(
    "change", ["base URL", "settings", "title"], ids=lambda change: change.replace(" ", "-")
)
def test_what_every_app_is_made_with_makes_them_all_again(
    examples: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, change: str
) -> None:
    out = tmp_path / "site"
    built(examples, out)
    options = {}
    if change == "base URL":
        options["base_url"] = "/elsewhere/"
    elif change == "settings":  # what a change of code, template or schema does
        real = manifest.settings_digest
        monkeypatch.setattr(manifest, "settings_digest", lambda *a: real(*a)[::-1])
    else:
        _edit(examples / ".oin-gitops.yaml", "Okta Integration Network", "Acme Integrations")
    assert _same_as_full(examples, out, tmp_path, **options).reused == 0


def test_the_settings_cover_templates_and_schemas(tmp_path: Path) -> None:
    first = manifest.settings_digest("Catalog", "/")
    assert manifest.settings_digest("Catalog", "/") == first
    assert manifest.settings_digest("Catalog", "/other/") != first
    folders = [tmp_path / "package", tmp_path / "schemas"]
    for folder, source in zip(folders, manifest.code_folders(), strict=True):
        shutil.copytree(source, folder, ignore=shutil.ignore_patterns("__pycache__"))
    copied = manifest.settings_digest("Catalog", "/", folders)
    assert copied == first
    for changed in ("package/catalog/templates/app.html", "schemas/saml.schema.json"):
        (tmp_path / changed).write_bytes((tmp_path / changed).read_bytes() + b" ")
        assert manifest.settings_digest("Catalog", "/", folders) != copied
        copied = manifest.settings_digest("Catalog", "/", folders)


def test_files_that_changed_in_the_previous_output_are_made_again(
    examples: Path, tmp_path: Path, where: str
) -> None:
    out = tmp_path / "site"
    built(examples, out)
    (out / "apps/ledgerly.html").write_text("defaced\n")
    next((out / "logos").glob("signalwatch-*")).unlink()
    (out / "apps/brightdesk.json").unlink()
    (out / "apps/brightdesk.json").symlink_to(out / "apps/ledgerly-workflows.json")
    assert _same_as_full(examples, out, tmp_path).reused == 1


@pytest.mark.parametrize(
    "manifest_text",
    ["not json", "[]", '{"manifest_version": 2}', "{}"],
    ids=["text", "list", "version", "empty"],
)
def test_an_unusable_manifest_means_a_full_build(
    examples: Path, tmp_path: Path, manifest_text: str
) -> None:
    out = tmp_path / "site"
    built(examples, out)
    (out / manifest.NAME).write_text(manifest_text)
    assert _same_as_full(examples, out, tmp_path).reused == 0


def test_manifest_entries_are_checked(examples: Path, tmp_path: Path) -> None:
    """A manifest naming files outside an app's own (or with malformed hashes) reuses nothing
    of that app; the other apps are still reused."""
    out = tmp_path / "site"
    built(examples, out)
    data = json.loads((out / manifest.NAME).read_bytes())
    files = data["apps"]["brightdesk"]["files"]
    logo = next(name for name in files if name.startswith("logos/"))
    files["../../repo/submissions/brightdesk/logo.png"] = files.pop(logo)
    data["apps"]["ledgerly"]["key"] = "not a hash"
    (out / manifest.NAME).write_text(json.dumps(data))
    assert _same_as_full(examples, out, tmp_path).reused == len(APPS) - 2


def test_an_app_failing_a_repository_rule_is_left_out(
    examples: Path, tmp_path: Path, where: str
) -> None:
    """Its files were made where its folder was linted; the duplicate name found afterwards
    removes them again."""
    shutil.copytree(examples / "submissions/signalwatch", examples / "submissions/signal-watch")
    catalog = built(examples, tmp_path / "site", skip_invalid=True)
    assert catalog.skipped == ["signal-watch", "signalwatch"]
    names = sorted(tree(tmp_path / "site"))
    assert [name for name in names if "signal" in name] == []


def test_the_dates_of_the_fixture(examples: Path, tmp_path: Path) -> None:
    """The fixture's history, which the tests above rely on."""
    built(examples, tmp_path / "site")
    dates = {
        app["slug"]: (app["first_published"], app["last_updated"], app["versions"])
        for app in read_json(tmp_path / "site/index.json")["apps"]
    }
    assert dates["signalwatch"] == (SECOND[:10], SECOND[:10], 1)
    assert dates["ledgerly"] == (FIRST[:10], THIRD[:10], 2)
