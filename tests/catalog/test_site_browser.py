"""The built site in real Chromium: served under /oin-catalog/ by a local HTTP server, and from
file://. Search, filters, app pages, logos, keyboard focus, axe-core, and a clean console.

Needs Chromium (Debian's ``chromium``) and axe-core (``npm install --prefix .cache/node
axe-core@4``); without them the tests skip, unless OIN_GITOPS_REQUIRE_BROWSER is set (as
``.ci/run`` does), when they fail.
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.catalog.conftest import ROOT, built, example_repo
from tests.conftest import ScratchRepo

AXE = ROOT / ".cache/node/node_modules/axe-core/axe.min.js"
ARTIFACTS = ROOT / "tests/artifacts"
BASE_PATH = "/oin-catalog/"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ALL = ["brightdesk", "ledgerly", "ledgerly-workflows", "signalwatch"]
VISIBLE_CARDS = "els => els.filter(e => !e.hidden).map(e => e.dataset.slug)"


def _unavailable(reason: str) -> None:
    if os.environ.get("OIN_GITOPS_REQUIRE_BROWSER"):
        pytest.fail(f"{reason} (OIN_GITOPS_REQUIRE_BROWSER is set: CI must not skip)")
    pytest.skip(reason)


def chromium_path() -> str | None:
    """Debian's chromium, or another Chromium build on PATH ($OIN_GITOPS_CHROMIUM wins)."""
    override = os.environ.get("OIN_GITOPS_CHROMIUM")
    if override:
        return override if Path(override).is_file() else None
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    return None


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The examples' catalog, built under www/oin-catalog/ (git dates fixed)."""
    work = tmp_path_factory.mktemp("browser")
    repo = example_repo(work / "repo")
    out = work / "www" / BASE_PATH.strip("/")
    built(repo, out)
    return out


@pytest.fixture(scope="module")
def base_url(site: Path) -> Iterator[str]:
    handler = functools.partial(_QuietHandler, directory=str(site.parent))
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}{BASE_PATH}"
    httpd.shutdown()
    httpd.server_close()
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("Playwright is not installed (pip install -e '.[test]')")
    executable = chromium_path()
    if executable is None:
        _unavailable("Chromium is not installed (apt-get install chromium)")
    # Each launch gets a fresh temporary user-data dir from Playwright.
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@dataclass
class Watch:
    """What a page said that it should not have: console errors, exceptions, dialogs, and
    requests that left the site (the site fetches nothing from the network)."""

    problems: list[str] = field(default_factory=list)


@pytest.fixture
def watch() -> Watch:
    return Watch()


def _guard(watch: Watch) -> Any:
    def route(route: Any) -> None:
        url = urlsplit(route.request.url)
        if url.scheme == "file" or (url.scheme == "http" and url.hostname == "127.0.0.1"):
            route.continue_()
        else:
            watch.problems.append(f"request to {route.request.url}")
            route.abort()

    return route


def _watched(browser: Any, watch: Watch, **options: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 800}, **options)
    context.route("**/*", _guard(watch))
    opened = context.new_page()
    opened.on(
        "console",
        lambda message: (
            watch.problems.append(f"console {message.type}: {message.text}")
            if message.type in ("error", "warning")
            else None
        ),
    )
    opened.on("pageerror", lambda error: watch.problems.append(f"page error: {error}"))
    opened.on("dialog", lambda dialog: (watch.problems.append("dialog"), dialog.dismiss()))
    yield opened
    context.close()
    assert watch.problems == []


@pytest.fixture
def page(browser: Any, watch: Watch) -> Iterator[Any]:
    yield from _watched(browser, watch)


@pytest.fixture
def axe_page(browser: Any, watch: Watch) -> Iterator[Any]:
    """A page that lets axe-core in: injecting it is an inline script, which the site's own
    Content-Security-Policy refuses (``test_the_policy_refuses_inline_script``)."""
    yield from _watched(browser, watch, bypass_csp=True)


def _visible(page: Any) -> list[str]:
    slugs: list[str] = page.eval_on_selector_all("li.card", VISIBLE_CARDS)
    return slugs


def _status(page: Any) -> str:
    text: str = page.inner_text("#result-count")
    return text


def _open_home(page: Any, url: str) -> None:
    page.goto(url)
    page.wait_for_selector("#controls:not([hidden])")


def _check_search(page: Any) -> None:
    assert _visible(page) == ALL and _status(page) == "4 integrations"
    page.fill("#search", "expense")
    assert _visible(page) == ["ledgerly", "ledgerly-workflows"]
    assert _status(page) == "2 of 4 integrations match"
    page.fill("#search", "EXPENSE connector")
    assert _visible(page) == ["ledgerly-workflows"]
    page.fill("#search", "nothing like this")
    assert _visible(page) == [] and _status(page) == "No integration matches"
    assert page.is_visible("#no-results")
    page.click("#clear")
    assert _visible(page) == ALL and not page.is_visible("#no-results")


def _check_logos(page: Any, expected: int) -> None:
    page.wait_for_load_state("load")
    images = page.eval_on_selector_all(
        "img", "els => els.map(e => [e.alt, e.complete && e.naturalWidth > 0])"
    )
    assert len(images) == expected
    assert [alt for alt, loaded in images if not loaded] == []
    assert all(alt.endswith(" logo") for alt, _ in images)


def test_search_narrows_the_list(page: Any, base_url: str) -> None:
    _open_home(page, base_url + "index.html")
    live = page.get_attribute("#result-count", "aria-live")
    assert live == "polite" and page.get_attribute("#result-count", "role") == "status"
    assert page.inner_text("label[for=search]") == "Search by name or description"
    _check_search(page)


def test_each_filter_narrows_the_list(page: Any, base_url: str) -> None:
    _open_home(page, base_url + "index.html")
    page.select_option("#use-case", "Centralized Logging")
    assert _visible(page) == ["signalwatch"]
    page.select_option("#use-case", "Single Sign-On")
    assert _visible(page) == ["brightdesk", "ledgerly"]
    page.select_option("#use-case", "")
    page.select_option("#protocol", "scim")
    assert _visible(page) == ["brightdesk"]
    page.select_option("#protocol", "workflows")
    assert _visible(page) == ["ledgerly-workflows"]
    page.select_option("#use-case", "Automation")
    page.select_option("#protocol", "oidc")
    assert _visible(page) == ["ledgerly"]
    page.fill("#search", "brightdesk")
    assert _visible(page) == [] and _status(page) == "No integration matches"
    page.click("#clear")
    assert _visible(page) == ALL
    assert page.evaluate("document.activeElement.id") == "search"


def test_an_app_page_shows_its_fields(page: Any, base_url: str) -> None:
    _open_home(page, base_url + "index.html")
    page.click("li.card[data-slug=brightdesk] a.card-link")
    page.wait_for_url("**/oin-catalog/apps/brightdesk.html")
    assert page.inner_text("h1") == "BrightDesk"
    main = page.inner_text("main")
    for text in (
        "BrightDesk is a help-desk platform",
        "Automation",
        "Zero Trust",
        "Single Sign-On",
        "Lifecycle Management",
        "Single sign-on with SAML 2.0",
        "IdP-initiated: from the Okta End-User Dashboard",
        "SP-initiated: from the app's own sign-in page",
        "Provisioning with SCIM 2.0",
        "Push groups",
        "Import the user schema",
        "Bearer token",
        "+1 415 555 0142",
        "2024-01-15",
    ):
        assert text in main, text
    links = dict(
        page.eval_on_selector_all("main a", "els => els.map(e => [e.textContent.trim(), e.href])")
    )
    assert links["SAML configuration guide"] == (
        "https://docs.brightdesk.example/okta/saml-configuration-guide"
    )
    assert links["SCIM configuration guide"].endswith("/okta/scim-provisioning-guide")
    assert links["support@brightdesk.example"] == "mailto:support@brightdesk.example"
    assert links["+1 415 555 0142"] == "tel:+14155550142"
    assert (
        links["Visit the website of BrightDesk"] == "https://brightdesk.example/integrations/okta"
    )
    assert links["All integrations"] == base_url + "index.html"
    for private in ("oin-escalations", "isvtest", "runscope", "sealed:", "brightdesk-dev"):
        assert private not in page.content()
    ledgerly = page.goto(base_url + "apps/ledgerly.html")
    assert ledgerly is not None and ledgerly.ok
    assert "2024-01-15" in page.inner_text("main") and "2024-06-20" in page.inner_text("main")


def test_every_logo_loads(page: Any, base_url: str) -> None:
    _open_home(page, base_url + "index.html")
    _check_logos(page, len(ALL))
    for slug in ALL:
        page.goto(f"{base_url}apps/{slug}.html")
        _check_logos(page, 1)


def test_tab_from_the_top_reaches_the_search_box_with_visible_focus(
    page: Any, base_url: str
) -> None:
    _open_home(page, base_url + "index.html")
    reached = []
    for _ in range(12):
        page.keyboard.press("Tab")
        reached.append(
            page.evaluate("document.activeElement.id || document.activeElement.textContent")
        )
        if reached[-1] == "search":
            break
    assert reached[-1] == "search", reached
    assert reached[0] == "Skip to main content"
    outline = page.evaluate(
        "(() => { const s = getComputedStyle(document.activeElement);"
        " return [s.outlineStyle, parseFloat(s.outlineWidth)]; })()"
    )
    assert outline[0] != "none" and outline[1] >= 2


@pytest.mark.parametrize("path", ["index.html", "apps/brightdesk.html", "about.html"])
def test_axe_finds_no_serious_or_critical_violation(
    axe_page: Any, base_url: str, path: str
) -> None:
    page = axe_page
    if not AXE.is_file():
        _unavailable(
            f"axe-core is not installed ({AXE}; npm install --prefix .cache/node axe-core@4)"
        )
    page.goto(base_url + path)
    page.wait_for_load_state("load")
    page.add_script_tag(path=str(AXE))
    results = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    found = [
        (violation["id"], violation["impact"], [node["target"] for node in violation["nodes"]])
        for violation in results["violations"]
        if violation["impact"] in ("serious", "critical")
    ]
    assert found == []


def test_the_policy_refuses_inline_script(browser: Any, base_url: str) -> None:
    from playwright.sync_api import Error

    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(base_url + "index.html")
        with pytest.raises(Error, match="Content Security Policy"):
            page.add_script_tag(content="window.injected = true")
        assert page.evaluate("window.injected === undefined")
    finally:
        context.close()


def test_from_file_url(page: Any, site: Path) -> None:
    _open_home(page, (site / "index.html").as_uri())
    _check_search(page)
    _check_logos(page, len(ALL))
    page.click("li.card[data-slug=signalwatch] a.card-link")
    page.wait_for_url("**/apps/signalwatch.html")
    assert page.inner_text("h1") == "SignalWatch"
    assert "okta.userRisk.manage" in page.inner_text("main")
    _check_logos(page, 1)
    page.click("text=Submit an integration")
    page.wait_for_url("**/about.html")
    assert page.inner_text("h1") == "Submit an integration"


def test_without_javascript_every_app_is_listed(browser: Any, base_url: str) -> None:
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(base_url + "index.html")
        assert _visible(page) == ALL
        assert not page.is_visible("#controls")
        assert page.inner_text("#result-count") == "4 integrations"
    finally:
        context.close()


def test_screenshots(page: Any, base_url: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shots = {"catalog-home.png": "index.html", "catalog-app-brightdesk.png": "apps/brightdesk.html"}
    for name, path in shots.items():
        page.goto(base_url + path)
        page.wait_for_load_state("load")
        page.screenshot(path=str(ARTIFACTS / name), full_page=True)
        assert (ARTIFACTS / name).stat().st_size > 10_000


def test_a_hostile_description_stays_text(page: Any, tmp_path: Path, watch: Watch) -> None:
    repo = ScratchRepo(tmp_path / "repo")
    repo.add_submission("acme-notes")
    path = repo.root / "submissions/acme-notes/submission.yaml"
    hostile = "</script><script>alert(1)</script><img src=x onerror=alert(2)> SSO with Okta"
    lines = path.read_text().splitlines(keepends=True)
    at = next(i for i, line in enumerate(lines) if line.startswith("  description:"))
    lines[at] = f"  description: {json.dumps(hostile)}\n"
    path.write_text("".join(lines))
    built(repo.root, tmp_path / "site")
    _open_home(page, (tmp_path / "site/index.html").as_uri())
    assert page.inner_text("li.card p.card-description") == hostile
    page.fill("#search", "onerror")
    assert _visible(page) == ["acme-notes"]
    page.goto((tmp_path / "site/apps/acme-notes.html").as_uri())
    assert page.inner_text("p.description") == hostile
    assert page.eval_on_selector_all("img", "els => els.length") == 1
