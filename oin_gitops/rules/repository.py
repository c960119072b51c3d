"""Rules across submissions: what must be unique in the whole repository."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from oin_gitops.rules.base import Finding, repository_rule
from oin_gitops.submission import Repository, normalise_name


@repository_rule(
    id="duplicate-slug",
    summary="No two submission folders have slugs that differ only in punctuation.",
    help="Choose a slug that differs from the other folder's in its letters or digits.",
)
def duplicate_slug(repository: Repository) -> Iterator[Finding]:
    """Slugs are compared as names are: letters and digits only, so ``acme-notes`` and
    ``acmenotes`` collide.

    Passes: ``acme-notes`` beside ``acme-tasks``. Fails: ``acme-notes`` beside ``acmenotes``.
    """
    groups: dict[str, list[str]] = defaultdict(list)
    for slug in repository.slugs:
        groups[normalise_name(slug)].append(slug)
    for submission in repository.submissions:
        others = [s for s in groups[normalise_name(submission.slug)] if s != submission.slug]
        if others:
            yield Finding(
                submission.folder,
                f"the slug '{submission.slug}' collides with submissions/{others[0]}",
            )


@repository_rule(
    id="duplicate-name",
    summary="No two integrations share an app name (ignoring case, spacing and punctuation).",
    guideline="CAT-01",
    help="Choose a distinct 'app.name'; to update the existing integration, edit its folder instead.",
)
def duplicate_name(repository: Repository) -> Iterator[Finding]:
    """Names are compared after NFKC normalisation and casefolding, keeping letters and digits.

    Passes: "Acme Notes" beside "Acme Tasks". Fails: "Acme Notes" beside "ACME notes!".
    """
    by_name: dict[str, list[str]] = defaultdict(list)
    for slug, name in repository.app_names():
        by_name[normalise_name(name)].append(slug)
    for submission in repository.submissions:
        general = submission.general
        name = submission.app_field("name")
        if general is None or not isinstance(name, str):
            continue
        others = [s for s in by_name.get(normalise_name(name), []) if s != submission.slug]
        if others:
            line, column = general.position(("app", "name"))
            yield Finding(
                general.path,
                f"the app name '{name}' is already used by submissions/{others[0]}",
                line,
                column,
            )
