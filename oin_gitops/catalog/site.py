"""The static site: Jinja2 pages (autoescaped) and the stylesheet and script they load.

An app's page depends on that app alone, so the build renders it where the app's folder is
linted (``app_page``); ``write`` streams the pages that list every app, and the assets.

Every link is relative, so the site works under any base path and from ``file://``; the home
page carries the index data in a ``<script type="application/json">`` block (``tojson`` escapes
``<``, ``>``, ``&`` and ``'``, so no description can close it), because browsers refuse
``fetch`` on ``file://``. The Content-Security-Policy allows only the site's own script, style
and images: no inline script, no network.
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2

from oin_gitops.catalog import labels
from oin_gitops.catalog.public import PROTOCOLS, guides

STATIC = ("catalog.css", "catalog.js", "favicon.svg")
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "base-uri 'none'; form-action 'none'"
)


@dataclass(frozen=True)
class Site:
    """What the pages listing every app show: the catalog's title, its apps (their summaries,
    sorted) and index."""

    title: str
    apps: Sequence[Mapping[str, Any]]
    index: Mapping[str, Any]
    repository_url: str | None = None


@functools.cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("oin_gitops.catalog", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        auto_reload=False,  # the package's templates do not change during a build
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.globals.update(
        labels=labels,
        label=labels.label,
        contact=labels.contact,
        https=labels.https,
        guide_name=labels.guide_name,
        guides=guides,
        csp=CSP,
    )
    return env


def _use_case_options(apps: Sequence[Mapping[str, Any]]) -> list[tuple[str, int]]:
    counts = Counter(use_case for app in apps for use_case in app["use_cases"])
    return sorted(counts.items(), key=lambda item: (item[0].casefold(), item[0]))


def _protocol_options(apps: Sequence[Mapping[str, Any]]) -> list[tuple[str, int]]:
    counts = Counter(protocol for app in apps for protocol in app["protocols"])
    return [(protocol, counts[protocol]) for protocol in PROTOCOLS.values() if counts[protocol]]


def _values(template: str, title: str, root: str, **values: Any) -> dict[str, Any]:
    return {"title": title, "root": root, "current": template.removesuffix(".html"), **values}


def _chunks(template: str, title: str, root: str, **values: Any) -> Iterator[bytes]:
    page = environment().get_template(template)
    for text in page.generate(_values(template, title, root, **values)):
        yield text.encode("utf-8")


def static_file(name: str) -> bytes:
    return resources.files("oin_gitops.catalog").joinpath("static", name).read_bytes()


def app_page(title: str, app: Mapping[str, Any]) -> bytes:
    """The page of one app (``apps/<slug>.html``) from its full record."""
    page = environment().get_template("app.html")
    return page.render(_values("app.html", title, "../", app=app)).encode("utf-8")


def write(site: Site, out: Path) -> None:
    """Write the pages listing every app, the about page and the assets into ``out``, each
    page streamed as Jinja2 renders it."""
    pages = {
        "index.html": _chunks(
            "index.html",
            site.title,
            "",
            site=site,
            use_case_options=_use_case_options(site.apps),
            protocol_options=_protocol_options(site.apps),
            data=site.index,
        ),
        "about.html": _chunks("about.html", site.title, "", site=site),
    }
    for name, chunks in pages.items():
        with (out / name).open("wb") as handle:
            handle.writelines(chunks)
    (out / "assets").mkdir(exist_ok=True)
    for name in STATIC:
        (out / "assets" / name).write_bytes(static_file(name))
