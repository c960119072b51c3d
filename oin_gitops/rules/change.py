"""Rules about a change as a whole (a pull request): its scope, and submissions it removes.

They run only with ``oin-gitops lint --changed-since REF``; the PR's author comes from
``--author`` (the check workflow passes the pull request's author).
"""

from __future__ import annotations

from collections.abc import Iterator

from oin_gitops.changes import ChangeContext
from oin_gitops.diagnostics import Severity
from oin_gitops.rules.base import Finding, Rule, change_rule
from oin_gitops.sources import join
from oin_gitops.submission import SUBMISSIONS


@change_rule(
    id="pr-one-submission",
    summary="A pull request changes exactly one submission folder.",
    help="Split the change: open one pull request per submission folder.",
)
def pr_one_submission(context: ChangeContext) -> Iterator[Finding]:
    """Each submission is reviewed, approved and published on its own, so one pull request
    carries one folder. Maintainers may change several at once (tooling migrations).

    Passes: a pull request that edits ``submissions/acme-notes/`` only.
    Fails: a pull request that edits ``submissions/acme-notes/`` and ``submissions/acme-tasks/``.
    """
    slugs = context.change.slugs()
    if len(slugs) > 1 and not context.by_maintainer:
        listed = ", ".join(slugs)
        for slug in slugs:
            yield Finding(
                join(SUBMISSIONS, slug),
                f"this change touches {len(slugs)} submission folders ({listed}); "
                "a pull request may change exactly one",
            )


@change_rule(
    id="pr-outside-submissions",
    summary="Only maintainers change files outside submissions/.",
    help=(
        "Remove the change from this pull request (a submission may touch only its own "
        "folder), or ask a maintainer listed in .oin-gitops.yaml to make it."
    ),
)
def pr_outside_submissions(context: ChangeContext) -> Iterator[Finding]:
    """Tooling, workflows, schemas and configuration decide how every submission is checked
    and published; only the ``maintainers`` of ``.oin-gitops.yaml`` may change them. Checked
    when the author is known (``--author``, set by the check workflow).

    Passes: an ISV's pull request that edits only ``submissions/acme-notes/``.
    Fails: an ISV's pull request that also edits ``schemas/saml.schema.json``.
    """
    if context.change.author is None or context.by_maintainer:
        return
    maintainers = ", ".join(context.config.maintainers) or "none are configured"
    for path in context.change.outside():
        yield Finding(
            path,
            f"'{path}' is outside submissions/ and '{context.change.author}' is not a "
            f"maintainer (maintainers: {maintainers})",
        )


@change_rule(
    id="submission-removed",
    summary="A removed submission folder is reported, so reviewers see the removal.",
    severity=Severity.NOTICE,
    help=(
        "Removing a published integration takes it out of the catalog: the pull request must "
        "come from one of its owners and needs a QA reviewer's approval."
    ),
)
def submission_removed(context: ChangeContext) -> Iterator[Finding]:
    """Deleting ``submissions/<slug>/`` is how an integration is withdrawn from the catalog.

    Passes: a pull request that edits a folder. Fails (a notice): one that deletes
    ``submissions/acme-notes/``.
    """
    for slug in context.removed:
        yield Finding(
            join(SUBMISSIONS, slug),
            f"the submission folder '{slug}' is removed by this change",
        )


RULES: tuple[Rule, ...] = (pr_one_submission, pr_outside_submissions, submission_removed)
