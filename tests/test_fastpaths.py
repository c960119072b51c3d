"""Lint results are identical with and without the fast paths: libyaml parsing, the compiled
schema check, the logo memo, the app-name scan and the process pool (on a repository big enough
to use the pool, with findings of many kinds)."""

from __future__ import annotations

import pytest

from oin_gitops import engine, schemas
from oin_gitops.rules import logo_image
from oin_gitops.yamlio import fast
from tests.conftest import SAML_YAML, ScratchRepo, png_bytes

BREAKS = [
    {},
    {"saml_yaml": SAML_YAML.replace("jit: false", "jit: maybe")},
    {"saml_yaml": SAML_YAML.replace("https://acme.example/docs", "http://acme.example/docs")},
    {"logo.png": png_bytes((300, 300))},
    {"saml_yaml": SAML_YAML + "relay_state: x\n"},
    {"saml_yaml": "acs_url: [unclosed\n"},
    {"notes.txt": "stray"},
]


@pytest.fixture
def big(repo: ScratchRepo) -> ScratchRepo:
    for index in range(engine.PARALLEL_MIN + 6):
        repo.add_submission(
            f"app-{index:03d}", name=f"App {index // 2}", **BREAKS[index % len(BREAKS)]
        )
    return repo


def test_every_fast_path_gives_the_same_report(
    big: ScratchRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    fast_report = big.lint()
    assert fast_report.errors > 50 and len({d.rule for d in fast_report.diagnostics}) >= 5
    monkeypatch.setattr(engine, "PARALLEL_MIN", 10**9)
    monkeypatch.setattr(fast, "AVAILABLE", False)
    monkeypatch.setattr(logo_image, "REMEMBER", False)
    monkeypatch.setattr(schemas, "screen", lambda name: None)
    careful_report = big.lint()
    assert careful_report == fast_report


def test_the_pool_is_used_for_many_folders(
    big: ScratchRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    used = []
    real = engine.ProcessPoolExecutor

    def spy(*args: object, **kwargs: object) -> object:
        used.append(kwargs.get("max_workers"))
        return real(*args, **kwargs)

    monkeypatch.setattr(engine, "ProcessPoolExecutor", spy)
    big.lint()
    assert used == ([] if engine.os.cpu_count() == 1 else [min(engine.os.cpu_count() or 1, 8)])


def test_the_generated_benchmark_repository_lints_the_same_without_fast_paths(
    tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from benchmarks import generate
    from oin_gitops.config import load_config
    from oin_gitops.rules import BY_ID
    from oin_gitops.sources import DiskSource

    root = tmp_path / "generated"
    generate.generate(engine.PARALLEL_MIN + 16, root, 3)
    source = DiskSource(root)
    config = load_config(source, frozenset(BY_ID))
    quick = engine.lint(source, config)
    assert quick.errors > 0
    monkeypatch.setattr(engine, "PARALLEL_MIN", 10**9)
    monkeypatch.setattr(fast, "AVAILABLE", False)
    monkeypatch.setattr(logo_image, "REMEMBER", False)
    monkeypatch.setattr(schemas, "screen", lambda name: None)
    assert engine.lint(source, config) == quick


def test_join_normalises_exactly_as_pure_posix_path() -> None:
    import itertools
    from pathlib import PurePosixPath

    from oin_gitops.sources import join

    atoms = ["", "a", ".", "..", "/", "a/", "/a", "a//b", "./a", "a/.", "b/./c", "//", ".a", "a."]
    for count in (1, 2, 3):
        for parts in itertools.product(atoms, repeat=count):
            kept = [part for part in parts if part]
            expected = str(PurePosixPath(*kept)) if kept else ""
            assert join(*parts) == expected, parts
