"""The fast path (libyaml) and the careful path (ruamel.yaml) give the same result for every
YAML file the tests and examples hold: the same diagnostic, or the same data at the same
positions."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest

from oin_gitops import yamlio
from oin_gitops.rules.content import walk
from oin_gitops.yamlio import fast

ROOT = Path(__file__).resolve().parent.parent
CORPUS = sorted(
    {
        *ROOT.glob("tests/**/*.yaml"),
        *ROOT.glob("tests/**/*.yml"),
        *ROOT.glob("submissions/**/*.yaml"),
        ROOT / ".oin-gitops.yaml",
    }
)
EXTRA = {
    "scalars": b"a: [1, 0x1F, 0o17, 017, 1_000, -3, +4, 1.5, 1e3, .inf, -.Inf, .nan, true, True, yes, no, null, ~, 2024-01-02, 2024-01-02T10:00:00Z, 2024-1-2, '12:30', 1.10, 0b101, abc, 1.0.0, .5, 5.]\n",
    "empty-values": b"a:\nb: ~\nc: []\nd: {}\ne: ''\n",
    "flow": b"x: {a: [1, {b: c}], 'd': \"e\"}\n",
    "block-scalars": b"a: |\n  one\n  two\nb: >-\n  three\n  four\n",
    "date-key": b"2024-01-02: x\n",
    "comments": b"# c\na: 1 # trailing\n# end\n",
    "deep": b"a: " + b"[" * 40 + b"]" * 40 + b"\n",
}


def _kind(value: Any) -> str:
    for kind in (bool, int, float, str, dict, list):
        if isinstance(value, kind):
            return kind.__name__
    return type(value).__name__


def _same(one: Any, other: Any) -> bool:
    """Equal values of the same basic kind (library subclasses of str, int and float aside)."""
    if _kind(one) != _kind(other):
        return False
    if isinstance(one, float) and math.isnan(one):
        return math.isnan(other)
    if isinstance(one, dict):
        return list(one) == list(other) and all(_same(one[k], other[k]) for k in one)
    if isinstance(one, list):
        return len(one) == len(other) and all(_same(a, b) for a, b in zip(one, other, strict=True))
    return bool(one == other)


def _compare(data: bytes) -> None:
    quick = yamlio.parse(data, "x.yaml")
    careful = yamlio.parse(data, "x.yaml", careful=True)
    if isinstance(careful, yamlio.Document):
        assert isinstance(quick, yamlio.Document)
        assert _same(careful.data, quick.data)
        for pointer, _ in walk(careful.data):
            for key in (False, True):
                assert quick.position(pointer, key=key) == careful.position(pointer, key=key), (
                    pointer
                )
    else:
        assert quick == careful


@pytest.mark.skipif(not fast.AVAILABLE, reason="PyYAML was built without libyaml")
@pytest.mark.parametrize("path", CORPUS, ids=lambda p: str(p.relative_to(ROOT)))
def test_fast_and_careful_agree_on_every_file(path: Path) -> None:
    _compare(path.read_bytes())


@pytest.mark.skipif(not fast.AVAILABLE, reason="PyYAML was built without libyaml")
@pytest.mark.parametrize("name", sorted(EXTRA))
def test_fast_and_careful_agree_on_edge_cases(name: str) -> None:
    _compare(EXTRA[name])


def test_the_fast_path_is_really_taken() -> None:
    document = yamlio.parse(b"a: {b: [1, two]}\n", "x.yaml")
    assert isinstance(document, yamlio.Document)
    assert type(document.data) is (fast.Mapping if fast.AVAILABLE else dict) or not fast.AVAILABLE


def _parsed_name(data: bytes) -> str | None:
    document = yamlio.parse(data, "submission.yaml", careful=True)
    app = document.data.get("app") if isinstance(document, yamlio.Document) else None
    name = app.get("name") if isinstance(app, dict) else None
    return name if isinstance(name, str) else None


NAME_CASES = [
    b"app:\n  name: Acme Notes\n",
    b"app:\n  name: Acme Notes   \n  website: x\n",
    b"app:\n  name: 'Quoted: Name'\n",
    b'app:\n  name: "Acme \\u00e9"\n',
    b"app:\n  name: Acme # comment\n",
    b"app:\n  name: Acme: Notes\n",
    b"app: {name: Flow}\n",
    b"app:\n  website: x\n  name: Later\n",
    b"app:\n  name: ~\n",
    b"app:\n  name: 2024-01-02\n",
    b"app:\n  name: 12\n",
    b"app:\n  name: true\n",
    b"app:\n  nested:\n    name: inner\n  name: outer\n",
    b"app:\n  name: >-\n    Folded\n    name\n",
    b"owners:\n  name: not the app\n",
    b"app:\n# comment\n\n  name: Spaced\n",
    b"app:\n\tname: Tabbed\n",
]


@pytest.mark.parametrize(
    "data", NAME_CASES + [p.read_bytes() for p in CORPUS if p.name == "submission.yaml"]
)
def test_the_app_name_scan_agrees_with_a_full_parse(data: bytes) -> None:
    from oin_gitops.submission import app_name_in

    assert app_name_in(data, "submission.yaml") == _parsed_name(data)
