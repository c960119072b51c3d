"""Rules across submissions: what must be unique in the whole repository.

Two names (or slugs) collide when they are equal after ``normalise_name`` (NFKC, casefolded,
letters and digits only) or when they look alike: equal ``lookalike_key``, built on the
Unicode TS #39 confusables skeleton (see ``characters``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from oin_gitops.rules.base import Finding, repository_rule
from oin_gitops.rules.characters import (
    describe,
    lookalike_characters,
    lookalike_key,
    mixes_scripts,
    shown,
)
from oin_gitops.submission import Repository, normalise_name


@dataclass
class Taken:
    """Who holds each name (slug → name), and the slugs by normalised form and look-alike key."""

    names: dict[str, str] = field(default_factory=dict)
    same: defaultdict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    alike: defaultdict[str, list[str]] = field(default_factory=lambda: defaultdict(list))

    @classmethod
    def of(cls, pairs: Iterable[tuple[str, str]]) -> Taken:
        taken = cls()
        for slug, name in pairs:
            taken.names[slug] = name
            taken.same[normalise_name(name)].append(slug)
            taken.alike[lookalike_key(name)].append(slug)
        return taken

    def clash(self, slug: str, name: str) -> tuple[str, bool] | None:
        """The first other slug whose name collides with ``name``, and whether it only looks
        alike (a plain duplicate is reported as such even when it also looks alike)."""
        for table, key, only_alike in (
            (self.same, normalise_name, False),
            (self.alike, lookalike_key, True),
        ):
            others = [s for s in table.get(key(name), []) if s != slug]
            if others:
                return others[0], only_alike
        return None


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
    taken = Taken.of((slug, slug) for slug in repository.slugs)
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
    taken = Taken.of(repository.app_names())
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
            theirs = taken.names[other]
            message = (
                f"the app name '{shown(name)}' looks like '{shown(theirs)}' of "
                f"submissions/{other}{looks_like(name, theirs)}"
            )
        else:
            message = f"the app name '{shown(name)}' is already used by submissions/{other}"
        line, column = general.position(("app", "name"))
        yield Finding(general.path, message, line, column)
