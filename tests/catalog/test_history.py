"""Dates and versions from a real git history with commits at fixed dates; the fallbacks."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from oin_gitops.catalog.history import GitHistory
from oin_gitops.catalog.public import History
from tests.catalog.conftest import built, commit, copy_examples, errors, git, read_json


def _dates(out: Path) -> dict[str, tuple[str | None, str | None, int | None]]:
    index = read_json(out / "index.json")
    return {
        app["slug"]: (app["first_published"], app["last_updated"], app["versions"])
        for app in index["apps"]
    }


def test_dates_and_versions_come_from_the_folders_commits(examples: Path, tmp_path: Path) -> None:
    catalog = built(examples, tmp_path / "site")
    assert catalog.notices == []
    assert _dates(tmp_path / "site") == {
        "brightdesk": ("2024-01-15", "2024-01-15", 1),
        "ledgerly": ("2024-01-15", "2024-06-20", 2),
        "ledgerly-workflows": ("2024-03-02", "2024-03-02", 1),
        "signalwatch": ("2024-03-02", "2024-03-02", 1),
    }


def test_committer_dates_count_not_author_dates(examples: Path) -> None:
    (examples / "submissions/signalwatch/api-service.yaml").write_text(
        (examples / "submissions/signalwatch/api-service.yaml").read_text() + "\n"
    )
    git(examples, "add", "--all")
    git(examples, "commit", "--quiet", "--no-gpg-sign", "-m", "x", date="2024-09-09T23:30:00-05:00")
    # Rewrite the commit with an older author date: only the committer date counts.
    git(
        examples,
        "commit",
        "--quiet",
        "--amend",
        "--no-edit",
        "--no-gpg-sign",
        "--date=2020-01-01T00:00:00+00:00",
        date="2024-09-09T23:30:00-05:00",
    )
    history = GitHistory(examples)
    # The committer's own time zone decides the day, as %cs prints it.
    assert history.of("signalwatch") == History("2024-03-02", "2024-09-09", 2)


def test_a_folder_removed_and_added_again_keeps_its_first_date(
    examples: Path, tmp_path: Path
) -> None:
    folder = examples / "submissions/brightdesk"
    kept = tmp_path / "kept"
    folder.rename(kept)
    commit(examples, "Remove BrightDesk", "2024-07-01T00:00:00+00:00")
    kept.rename(folder)
    commit(examples, "BrightDesk is back", "2024-08-01T00:00:00+00:00")
    assert GitHistory(examples).of("brightdesk") == History("2024-01-15", "2024-08-01", 3)


def test_an_uncommitted_folder_has_no_dates(examples: Path, tmp_path: Path) -> None:
    (examples / "submissions/signalwatch").rename(examples / "submissions/signal-watch")
    catalog = built(examples, tmp_path / "site")
    assert catalog.notices == []
    assert _dates(tmp_path / "site")["signal-watch"] == (None, None, None)


def test_a_shallow_clone_falls_back_with_a_notice(examples: Path, tmp_path: Path) -> None:
    clone = tmp_path / "clone"
    subprocess.run(
        ["git", "clone", "--quiet", "--depth", "1", f"file://{examples}", str(clone)],
        check=True,
        capture_output=True,
    )
    assert git(clone, "rev-parse", "--is-shallow-repository").strip() == "true"
    catalog = built(clone, tmp_path / "site")
    assert len(catalog.notices) == 1 and "shallow clone" in catalog.notices[0]
    assert set(_dates(tmp_path / "site").values()) == {(None, None, None)}
    assert errors(read_json(tmp_path / "site/index.json")) == []


def test_no_repository_falls_back_with_a_notice(tmp_path: Path) -> None:
    root = copy_examples(tmp_path / "plain")
    catalog = built(root, tmp_path / "site")
    assert len(catalog.notices) == 1 and "not a git repository" in catalog.notices[0]
    assert set(_dates(tmp_path / "site").values()) == {(None, None, None)}


def test_no_git_at_all_falls_back(examples: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")
    history = GitHistory(examples)
    assert history.notice is not None and history.of("brightdesk") == History()
    assert history.repository_url() is None


@pytest.mark.parametrize(
    ("remote", "url"),
    [
        ("https://github.com/acme/oin-catalog.git", "https://github.com/acme/oin-catalog"),
        ("https://github.com/acme/oin-catalog", "https://github.com/acme/oin-catalog"),
        (
            "https://x-access-token:ghs_secret@github.com/acme/oin-catalog.git",
            "https://github.com/acme/oin-catalog",
        ),
        ("git@github.com:acme/oin-catalog.git", "https://github.com/acme/oin-catalog"),
        ("ssh://git@github.com/acme/oin-catalog.git", "https://github.com/acme/oin-catalog"),
        ("https://gitlab.example/acme/oin-catalog.git", None),
        ("/srv/git/oin-catalog", None),
    ],
)
def test_the_repository_address_is_github_only_and_never_carries_credentials(
    examples: Path, remote: str, url: str | None
) -> None:
    git(examples, "remote", "add", "origin", remote)
    assert GitHistory(examples).repository_url() == url
