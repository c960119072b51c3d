"""A stateful fake GitHub REST API on 127.0.0.1 for tests that drive PyGithub over real HTTP.

::

    from tests.fakegithub import FakeGitHub, Symlink, Submodule

    with FakeGitHub(token="t0k3n", read_only_tokens=("ro-token",)) as fake:
        fake.add_repo("okta/oin-catalog")                   # owner "okta" becomes an org
        base = fake.commit("okta/oin-catalog", {"README.md": b"hi\\n"})     # on main
        head = fake.commit("okta/oin-catalog", {"README.md": b"hi\\n", "submissions/a/x.yaml": b"k: v\\n"},
                           parent=base, branch=None)
        number = fake.open_pr("okta/oin-catalog", author="isv-dev", head_sha=head)
        gh = fake.github()        # PyGithub: retry=None, no throttling sleeps
        pr = gh.get_repo("okta/oin-catalog").get_pull(number)

Or use the ``fake_github`` fixture: in a test module, ``fake_github = fakegithub.fake_github``
(after ``from tests import fakegithub``; a plain import of the name needs ``# noqa: F401, F811``).
It also fails the test if any response the fake sent broke GitHub's OpenAPI schemas.

Scenario API: ``add_repo``, ``commit``, ``open_pr``, ``push``, ``set_draft``, ``close``,
``reopen``, ``merge``, ``review``, ``dismiss``, ``comment``, ``add_labels``, ``set_status``,
``add_team``, ``add_token`` (another account that may write; a login ending in ``[bot]`` is a
Bot), ``add_collaborator`` (comments show ``author_association`` COLLABORATOR), ``now``
(settable) / ``advance``, ``fail`` (fault injection; ``after_acting=True`` carries the request
out before failing it).
Assertions: ``labels_of``, ``comments_of``, ``statuses_of``, ``combined_state``, ``repo_labels``,
``pull_files``, ``files_at``, ``branch_head``, ``requests`` / ``writes()`` / ``clear_log()``,
``schema_violations``, ``internal_errors``.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from .gitobjects import Executable, Submodule, Symlink
from .server import DEFAULT_NOW, FakeGitHub, GitHubError, Recorded

__all__ = [
    "DEFAULT_NOW",
    "Executable",
    "FakeGitHub",
    "GitHubError",
    "Recorded",
    "Submodule",
    "Symlink",
    "fake_github",
]


@pytest.fixture
def fake_github() -> Iterator[FakeGitHub]:
    """A running ``FakeGitHub()`` (token ``t0k3n``, read-only token ``ro-token``).

    After the test, asserts that every response matched GitHub's vendored OpenAPI schemas and
    that no handler of the fake crashed.
    """
    with FakeGitHub(token="t0k3n", read_only_tokens=("ro-token",)) as fake:
        yield fake
    assert not fake.internal_errors, "\n".join(fake.internal_errors)
    assert not fake.schema_violations, "\n".join(fake.schema_violations)
