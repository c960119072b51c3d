"""The static site: Jinja2 pages (autoescaped) and the stylesheet and script they load.

Every link is relative, so the site works under any base path and from ``file://``; the home
page carries the index data in a ``<script type="application/json">`` block (``tojson`` escapes
``<``, ``>``, ``&`` and ``'``, so no description can close it), because browsers refuse
``fetch`` on ``file://``. The Content-Security-Policy allows only the site's own script, style
and images: no inline script, no network.
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
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
    """What the pages show: the catalog's title, its apps (full records, sorted) and index."""

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


def _page(template: str, site: Site, root: str, **values: Any) -> bytes:
    page = environment().get_template(template)
    current = template.removesuffix(".html")
    text = page.render(title=site.title, root=root, site=site, current=current, **values)
    return text.encode("utf-8")


def static_file(name: str) -> bytes:
    return resources.files("oin_gitops.catalog").joinpath("static", name).read_bytes()


def render(site: Site) -> dict[str, bytes]:
    """Every page and asset of the site, by path relative to the catalog's root."""
    files = {
        "index.html": _page(
            "index.html",
            site,
            "",
            use_case_options=_use_case_options(site.apps),
            protocol_options=_protocol_options(site.apps),
            data=site.index,
        ),
        "about.html": _page("about.html", site, ""),
    }
    for app in site.apps:
        files[f"apps/{app['slug']}.html"] = _page("app.html", site, "../", app=app)
    for name in STATIC:
        files[f"assets/{name}"] = static_file(name)
    return files
