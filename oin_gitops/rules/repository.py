"""Rules across submissions: what must be unique in the whole repository.

Two names (or slugs) collide when they are equal after ``normalise_name`` (NFKC, casefolded,
letters and digits only) or when they look alike: equal ``lookalike_key``, built on the
Unicode TS #39 confusables skeleton (see ``characters``). The folders that are not linted
are compared through the repository's name index where it has one (``oin_gitops.names``),
without reading them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from oin_gitops.rules.base import Finding, repository_rule
from oin_gitops.rules.characters import (
    describe,
    lookalike_characters,
    many_name_keys,
    mixes_scripts,
    name_keys,
    shown,
)
from oin_gitops.submission import Lookup, Repository, Row

# Past this many lookups the names are indexed by key; below, scanning them costs less.
SCANS = 8


class Taken:
    """Who holds each name (or slug): the (slug, name) pairs given, and what ``lookup`` (the
    repository's name index) finds for the folders it knows.

    A pull request's folder asks twice, so the pairs are scanned; a full lint asks for every
    folder, so they are indexed by key once ``SCANS`` lookups have been made."""

    def __init__(self, pairs: list[tuple[str, str]], lookup: Lookup | None = None) -> None:
        keys = many_name_keys([name for _, name in pairs])
        self.rows: dict[str, Row] = {
            slug: (name, *key) for (slug, name), key in zip(pairs, keys, strict=True)
        }
        self._lookup = lookup
        self._found: dict[str, str] = {}  # names the lookup found
        self._lookups = 0
        self._by_key: tuple[dict[str, list[str]], dict[str, list[str]]] | None = None

    def name(self, slug: str) -> str:
        return self.rows[slug][0] if slug in self.rows else self._found[slug]

    def clash(self, slug: str, name: str) -> tuple[str, bool] | None:
        """The first other slug whose name collides with ``name``, and whether it only looks
        alike (a plain duplicate is reported as such even when it also looks alike)."""
        for position, key in enumerate(name_keys(name), 1):
            others = [s for s in self._holders(position, key) if s != slug]
            if others:
                return min(others), position == 2
        return None

    def _holders(self, position: int, key: str) -> list[str]:
        self._lookups += 1
        if self._by_key is None and self._lookups > SCANS:
            self._by_key = (defaultdict(list), defaultdict(list))
            for slug, (_, same, alike) in self.rows.items():
                self._by_key[0][same].append(slug)
                self._by_key[1][alike].append(slug)
        if self._by_key is None:
            holders = [slug for slug, row in self.rows.items() if row[position] == key]
        else:
            holders = list(self._by_key[position - 1].get(key, []))
        for slug, name in self._lookup(position, key) if self._lookup else []:
            self._found[slug] = name
            holders.append(slug)
        return holders


def looks_like(name: str, other: str) -> str:
    """Why ``name`` looks like ``other``: the look-alike characters of ``name``, or else those
    of ``other``, and whether that name mixes scripts; empty when there are none to name."""
    subject, holder, chars = "it", name, lookalike_characters(name, other)
    if not chars:
        subject, holder, chars = "that name", other, lookalike_characters(other, name)
    if not chars:
        return ""
    what = "mixes scripts" if mixes_scripts(holder) else "uses look-alike characters"
    return f" ({subject} {what}: {describe(chars)})"


@repository_rule(
    id="duplicate-slug",
    summary="No two submission folders have slugs that differ only in punctuation or look alike.",
    help="Choose a slug that differs from the other folder's in its letters or digits.",
)
def duplicate_slug(repository: Repository) -> Iterator[Finding]:
    """Slugs are compared as names are: letters and digits only, so ``acme-notes`` and
    ``acmenotes`` collide; and so do slugs that look alike in an address, such as
    ``acrne-notes`` (r, n) beside ``acme-notes`` or ``acme-n0tes`` (a zero) beside
    ``acme-notes``.

    Passes: ``acme-notes`` beside ``acme-tasks``. Fails: ``acme-notes`` beside ``acmenotes``.
    """
    taken = Taken(*repository.slug_names())
    for submission in repository.submissions:
        clash = taken.clash(submission.slug, submission.slug)
        if clash is not None:
            other, only_alike = clash
            verb = "looks like" if only_alike else "collides with"
            yield Finding(
                submission.folder,
                f"the slug '{shown(submission.slug)}' {verb} submissions/{shown(other)}",
            )


@repository_rule(
    id="duplicate-name",
    summary=(
        "No two integrations share an app name (ignoring case, spacing and punctuation) or "
        "have names that look alike."
    ),
    guideline="CAT-01",
    help="Choose a distinct 'app.name'; to update the existing integration, edit its folder instead.",
)
def duplicate_name(repository: Repository) -> Iterator[Finding]:
    """Names are compared after NFKC normalisation and casefolding, keeping letters and digits;
    and by their Unicode TS #39 confusables skeleton, so a name that only looks like another
    (a Cyrillic е for a Latin e, a Greek ο for an o, a zero for an O) collides with it too.

    Passes: "Acme Notes" beside "Acme Tasks". Fails: "Acme Notes" beside "ACME notes!", or
    "Acme Notes" beside "Acme Nоtes" with a Cyrillic о (U+043E).
    """
    taken = Taken(*repository.app_names())
    for submission in repository.submissions:
        general = submission.general
        name = submission.app_field("name")
        if general is None or not isinstance(name, str):
            continue
        clash = taken.clash(submission.slug, name)
        if clash is None:
            continue
        other, only_alike = clash
        if only_alike:
            theirs = taken.name(other)
            message = (
                f"the app name '{shown(name)}' looks like '{shown(theirs)}' of "
                f"submissions/{other}{looks_like(name, theirs)}"
            )
        else:
            message = f"the app name '{shown(name)}' is already used by submissions/{other}"
        line, column = general.position(("app", "name"))
        yield Finding(general.path, message, line, column)
