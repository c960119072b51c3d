"""``labels sync``: every label the bot manages exists with its colour and description."""

from __future__ import annotations

from github import GithubException
from github.Repository import Repository

from oin_gitops.github.client import explain
from oin_gitops.review.labels import LABELS


def sync_repository_labels(repo: Repository) -> list[str]:
    """Create missing labels and fix colours and descriptions; report what changed."""
    try:
        existing = {label.name: label for label in repo.get_labels()}
        done = []
        for name, (color, description) in LABELS.items():
            label = existing.get(name)
            if label is None:
                repo.create_label(name, color, description)
                done.append(f"created {name}")
            elif (label.color.lower(), label.description or "") != (color.lower(), description):
                label.edit(name, color, description)
                done.append(f"updated {name}")
        return done or ["every label is up to date"]
    except GithubException as exc:
        raise explain(exc, "manage the repository's labels") from None
