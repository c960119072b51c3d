"""After a publish: the ``oin/publish`` status on the merged commit, and the merged pull
requests synced (their state becomes ``oin/published`` from that status)."""

from __future__ import annotations

from oin_gitops.github.facts import PUBLISH_CONTEXT
from oin_gitops.github.sync import Outcome, Syncer, recheck

DESCRIPTIONS = {
    "success": "Published to the catalog.",
    "failure": "Publishing the catalog failed; the previous catalog stays online.",
}


def mark_published(
    syncer: Syncer, sha: str, succeeded: bool, target_url: str | None = None
) -> list[Outcome]:
    """Record the publish result on ``sha``, sync every merged pull request of that commit, and
    re-read the open pull requests the merge may have changed."""
    state = "success" if succeeded else "failure"
    commit = syncer.reader.repo.get_commit(sha)
    current = [s for s in commit.get_combined_status().statuses if s.context == PUBLISH_CONTEXT]
    if not current or current[0].state != state:
        extra = {"target_url": target_url} if target_url else {}
        commit.create_status(
            state, description=DESCRIPTIONS[state], context=PUBLISH_CONTEXT, **extra
        )
    merged = [syncer.sync(pr.number) for pr in commit.get_pulls() if pr.merged]
    # The base moved: approvals of open pull requests must hold for the new tree.
    return merged + recheck(syncer, {outcome.number for outcome in merged})
