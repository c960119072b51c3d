"""``oin-gitops catalog build|serve|preview`` through the real entry point: output and exit codes."""

from __future__ import annotations

import threading
import urllib.request
from collections.abc import Callable
from http.server import ThreadingHTTPServer
from pathlib import Path

import pytest

from oin_gitops.catalog import serve as server
from oin_gitops.cli import main
from tests.catalog.conftest import GOLDEN_DIR, copy_examples, tree

Run = Callable[..., tuple[int, str, str]]


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Run:
    def invoke(*argv: str, cwd: Path | None = None) -> tuple[int, str, str]:
        if cwd is not None:
            monkeypatch.chdir(cwd)
        with pytest.raises(SystemExit) as exited:
            main(list(argv))
        captured = capsys.readouterr()
        return int(exited.value.code or 0), captured.out, captured.err

    return invoke


def test_build(run: Run, examples: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    code, stdout, stderr = run("catalog", "build", "--out", str(out), cwd=examples)
    assert (code, stdout, stderr) == (0, f"Built the catalog of 4 apps into {out}.\n", "")
    assert (out / "index.html").is_file()


def test_a_rebuild_reuses_the_previous_build_unless_full(
    run: Run, examples: Path, tmp_path: Path
) -> None:
    out = tmp_path / "site"
    run("catalog", "build", "--out", str(out), cwd=examples)
    before = tree(out)
    code, stdout, _ = run("catalog", "build", "--out", str(out))
    assert (code, stdout) == (
        0,
        f"Built the catalog of 4 apps into {out} (4 unchanged since the previous build).\n",
    )
    code, stdout, _ = run("catalog", "build", "--out", str(out), "--full")
    assert (code, stdout) == (0, f"Built the catalog of 4 apps into {out}.\n")
    assert tree(out) == before


def test_build_fails_on_lint_errors_and_leaves_the_output(
    run: Run, examples: Path, tmp_path: Path
) -> None:
    out = tmp_path / "site"
    run("catalog", "build", "--out", str(out), "--repo", str(examples))
    before = tree(out)
    (examples / "submissions/signalwatch/api-service.yaml").write_text("scopes: []\n")
    code, stdout, stderr = run("catalog", "build", "--out", str(out), "--repo", str(examples))
    assert (code, stdout) == (1, "")
    assert "submissions/signalwatch/api-service.yaml" in stderr
    assert stderr.endswith(f"the catalog was not built: lint found 3 errors; {out} is unchanged.\n")
    assert tree(out) == before


def test_skip_invalid_and_the_history_notice(run: Run, tmp_path: Path) -> None:
    root = copy_examples(tmp_path / "plain")
    (root / "submissions/signalwatch/api-service.yaml").write_text("scopes: []\n")
    out = tmp_path / "site"
    code, stdout, stderr = run(
        "catalog", "build", "--out", str(out), "--repo", str(root), "--skip-invalid"
    )
    assert (code, stdout) == (0, f"Built the catalog of 3 apps into {out}.\n")
    assert stderr.splitlines() == [
        f"oin-gitops: notice: {root} is not a git repository (or git is not installed): the "
        "catalog has no dates or versions.",
        "oin-gitops: skipped signalwatch: it has lint errors.",
    ]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--out", "."], "would replace the repository itself"),
        (["--out", "site", "--base-url", "oin/"], "is neither a path starting with '/'"),
    ],
)
def test_build_usage_errors(run: Run, examples: Path, argv: list[str], message: str) -> None:
    code, _, stderr = run("catalog", "build", *argv, cwd=examples)
    assert code == 2 and message in stderr


def test_build_outside_a_repository(run: Run, tmp_path: Path) -> None:
    code, _, stderr = run("catalog", "build", "--out", "site", cwd=tmp_path)
    assert code == 2 and "no oin-gitops repository" in stderr


@pytest.mark.parametrize("slug", ["brightdesk", "ledgerly-workflows"])
def test_preview(run: Run, tmp_path: Path, slug: str) -> None:
    root = copy_examples(tmp_path / "repo")
    code, stdout, stderr = run("catalog", "preview", slug, "--repo", str(root))
    assert (code, stderr) == (0, "")
    assert stdout == (GOLDEN_DIR / f"preview-{slug}.md").read_text(encoding="utf-8")


def test_preview_counts_lint_errors(run: Run, tmp_path: Path) -> None:
    root = copy_examples(tmp_path / "repo")
    (root / "submissions/ledgerly/oidc.yaml").write_text("jit: maybe\n")
    code, stdout, _ = run("catalog", "preview", "ledgerly", "--repo", str(root))
    assert code == 0
    assert (
        "\n> ⚠️ lint reports 5 errors in this submission: the catalog publishes it only " in stdout
    )


def test_preview_of_an_unknown_slug(run: Run, tmp_path: Path) -> None:
    root = copy_examples(tmp_path / "repo")
    code, _, stderr = run("catalog", "preview", "nope", "--repo", str(root))
    assert code == 2 and "no submission folder nope" in stderr


def _one_request(fetched: dict[str, bytes]) -> Callable[[ThreadingHTTPServer], None]:
    """A ``serve_forever`` that answers one real request for index.html, then is interrupted."""

    def serve(self: ThreadingHTTPServer) -> None:
        def fetch() -> None:
            opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
            with opener.open(server.address(self) + "index.html", timeout=10) as response:
                fetched["index.html"] = response.read()

        client = threading.Thread(target=fetch)
        client.start()
        self.handle_request()
        client.join()
        raise KeyboardInterrupt

    return serve


def test_serve_builds_into_a_temporary_folder(
    run: Run, examples: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fetched: dict[str, bytes] = {}
    monkeypatch.setattr(ThreadingHTTPServer, "serve_forever", _one_request(fetched))
    code, stdout, stderr = run("catalog", "serve", "--port", "0", "--repo", str(examples))
    assert code == 0 and stdout.endswith("Stopped.\n")
    assert '"GET /index.html HTTP/1.1" 200' in stderr  # the request log
    assert stdout.startswith("Serving the catalog at http://127.0.0.1:")
    assert b'<script type="application/json" id="catalog-data">' in fetched["index.html"]


def test_serve_an_existing_catalog(
    run: Run, examples: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run("catalog", "build", "--out", str(tmp_path / "site"), "--repo", str(examples))
    fetched: dict[str, bytes] = {}
    monkeypatch.setattr(ThreadingHTTPServer, "serve_forever", _one_request(fetched))
    code, _, _ = run("catalog", "serve", "--out", str(tmp_path / "site"), "--port", "0")
    assert code == 0
    assert fetched["index.html"] == (tmp_path / "site/index.html").read_bytes()


def test_serve_refuses_a_folder_that_is_not_a_catalog(run: Run, tmp_path: Path) -> None:
    code, _, stderr = run("catalog", "serve", "--out", str(tmp_path))
    assert code == 2 and "holds no index.json" in stderr
