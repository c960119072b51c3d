"""The YAML loader: every hostile input is a positioned diagnostic, never an exception."""

from __future__ import annotations

from pathlib import Path

import pytest

from oin_gitops import yamlio
from oin_gitops.diagnostics import Diagnostic

FIXTURES = Path(__file__).parent / "fixtures" / "yaml"

HOSTILE = [
    (
        "syntax-error",
        "yaml-syntax",
        4,
        1,
        "the YAML cannot be parsed: found unexpected end of stream while scanning a quoted scalar that starts on line 2, column 9",
    ),
    (
        "duplicate-key",
        "yaml-duplicate-key",
        4,
        3,
        "the key 'name' appears twice in the same mapping (first on line 2)",
    ),
    (
        "duplicate-key-flow",
        "yaml-duplicate-key",
        1,
        43,
        "the key 'okta_org' appears twice in the same mapping (first on line 1)",
    ),
    ("python-tag", "yaml-tag", 2, 9, "the tag '!!python/object/apply:os.system' is not allowed"),
    ("custom-tag", "yaml-tag", 2, 9, "the tag '!secret' is not allowed"),
    ("anchor", "yaml-anchor", 3, 7, "the anchor '&c' is not allowed"),
    ("billion-laughs", "yaml-anchor", 1, 4, "the anchor '&a' is not allowed"),
    (
        "multiple-documents",
        "yaml-multiple-documents",
        2,
        1,
        "the file holds more than one YAML document",
    ),
    (
        "latin-1",
        "file-encoding",
        2,
        12,
        "the file is not valid UTF-8 (byte 0xe9 cannot be decoded)",
    ),
    ("utf-16", "file-encoding", 1, 1, "the file is UTF-16 text; YAML files must be UTF-8"),
    (
        "nul-byte",
        "file-encoding",
        2,
        13,
        "the file contains a NUL byte, so it is binary data, not YAML text",
    ),
    (
        "control-character",
        "file-encoding",
        2,
        15,
        "the file contains the control character U+001B, which YAML does not allow",
    ),
    (
        "tab-indent",
        "yaml-syntax",
        2,
        1,
        "a tab character is used for indentation, which YAML forbids",
    ),
    (
        "big-integer",
        "yaml-number-range",
        3,
        12,
        "this unquoted number is too large to use",
    ),
    ("big-float", "yaml-number-range", 2, 29, "this unquoted number is too large to use"),
    ("deep-nesting", "yaml-too-deep", 4, 38, "the YAML is nested more than 32 levels deep"),
    ("empty", "file-empty", 1, 1, "the file is empty"),
    ("comments-only", "file-empty", 1, 1, "the file is empty"),
    (
        "top-level-list",
        "yaml-not-mapping",
        1,
        1,
        "the top level of the file is a list, not a mapping of keys",
    ),
    (
        "top-level-scalar",
        "yaml-not-mapping",
        1,
        1,
        "the top level of the file is a text value, not a mapping of keys",
    ),
    (
        "invalid-date",
        "yaml-syntax",
        1,
        11,
        "this unquoted value looks like a date but is not a valid one",
    ),
    (
        "number-key",
        "yaml-key-type",
        2,
        3,
        "the key '1' is read as a number, date, boolean or null, not text",
    ),
    ("complex-key", "yaml-key-type", 1, 3, "a mapping key must be text, not a list or mapping"),
]


def _problem(data: bytes) -> Diagnostic:
    result = yamlio.parse(data, "submissions/acme/x.yaml")
    assert isinstance(result, Diagnostic), f"expected a diagnostic, got {result!r}"
    return result


@pytest.mark.parametrize(
    ("fixture", "rule", "line", "column", "message"), HOSTILE, ids=[c[0] for c in HOSTILE]
)
def test_hostile_fixture(fixture: str, rule: str, line: int, column: int, message: str) -> None:
    found = _problem((FIXTURES / f"{fixture}.yaml").read_bytes())
    assert (found.rule, found.line, found.column, found.message) == (rule, line, column, message)
    assert found.path == "submissions/acme/x.yaml"
    assert found.help


def test_every_fixture_is_in_the_table() -> None:
    assert sorted(p.stem for p in FIXTURES.glob("*.yaml")) == sorted(c[0] for c in HOSTILE)


def test_file_over_the_size_cap() -> None:
    data = b"description: " + b"x" * yamlio.MAX_BYTES + b"\n"
    found = _problem(data)
    assert (found.rule, found.line, found.column) == ("file-too-large", 1, 1)
    assert (
        found.message == f"the file is {len(data):,} bytes; YAML files may be at most 65,536 bytes"
    )


@pytest.mark.parametrize("opener", [b"[", b"{a: "])
def test_very_deep_nesting_never_recurses(opener: bytes) -> None:
    found = _problem(b"a: " + opener * 12_000)
    assert (found.rule, found.line) == ("yaml-too-deep", 1)


def test_huge_digit_string_is_refused_not_crashed() -> None:
    found = _problem(b"index: " + b"9" * 5000 + b"\n")
    assert found.rule == "yaml-number-range"
    assert found.message == "this unquoted number is too large to use"


def test_bom_is_accepted_and_yaml_1_2_keeps_words_as_text() -> None:
    document = yamlio.parse(b"\xef\xbb\xbfjit: yes\ncountry: NO\nversion: 1.10\n", "x.yaml")
    assert isinstance(document, yamlio.Document)
    assert document.data == {"jit": "yes", "country": "NO", "version": 1.1}


POSITIONS_SOURCE = b"""\
# comment
app:
  name: Acme
  use_cases:
    - Automation
    - Zero Trust
support:
  contacts: [{email: a@acme.example}, {url: https://acme.example}]
"""


@pytest.mark.parametrize(
    ("pointer", "key", "expected"),
    [
        ((), False, (2, 1)),
        (("app",), True, (2, 1)),
        (("app", "name"), True, (3, 3)),
        (("app", "name"), False, (3, 9)),
        (("app", "use_cases", 1), False, (6, 7)),
        (("support", "contacts", 1, "url"), False, (8, 45)),
        (("support", "contacts", 1, "url"), True, (8, 40)),
        (("app", "missing", "deeper"), False, (3, 3)),
        (("app", "use_cases", 7), False, (5, 5)),
    ],
)
def test_positions_are_one_based_and_fall_back_to_the_nearest_parent(
    pointer, key, expected
) -> None:
    document = yamlio.parse(POSITIONS_SOURCE, "x.yaml")
    assert isinstance(document, yamlio.Document)
    assert document.position(pointer, key=key) == expected


SPAN_SOURCE = 'a: 1\nb:\n  c: "x"\n  d: [1, two, {e: f}]\ntest:\n  password: |\n    multi\n    line\n  other: z\n'


@pytest.mark.parametrize(
    ("pointer", "expected"),
    [
        (("a",), "1"),
        (("b", "c"), '"x"'),
        (("b", "d", 1), "two"),
        (("b", "d", 2, "e"), "f"),
        (("test", "password"), "|\n    multi\n    line"),
        (("test", "other"), "z"),
        (("b",), None),
        (("missing",), None),
    ],
)
def test_scalar_span_finds_exactly_the_value_text(pointer, expected) -> None:
    span = yamlio.scalar_span(SPAN_SOURCE, pointer)
    assert (SPAN_SOURCE[span[0] : span[1]] if span else None) == expected


@pytest.mark.parametrize(
    "key", ["~", "null", "NULL", "true", "False", "+1", "-1", ".5", "0x1F", "0o17", "2024-01-01"]
)
@pytest.mark.parametrize("careful", [False, True])
def test_every_typed_key_is_refused_by_both_parsers(key: str, careful: bool) -> None:
    # Each starts with a character of checks._TYPED_START: the quick test must let it through.
    found = yamlio.parse(f"{key}: 1\n".encode(), "x.yaml", careful=careful)
    assert isinstance(found, Diagnostic) and found.rule == "yaml-key-type", found
    assert found.message == f"the key '{key}' is read as a number, date, boolean or null, not text"


@pytest.mark.parametrize("key", ["yes", "on", "nan", "Todo", "x1", "_1"])
def test_keys_that_start_like_text_are_text(key: str) -> None:
    found = yamlio.parse(f"{key}: 1\n".encode(), "x.yaml")
    assert isinstance(found, yamlio.Document) and found.data == {key: 1}


def test_typed_plain_values_resolve_alike_in_both_parsers() -> None:
    # fast._scalar skips ruamel's resolver for a first character no implicit type starts with.
    text = (
        b"a: .inf\nb: ~\nc: +1\nd: 0o17\ne: -.5\nf: True\ng: null\nh: yes\ni: x1\nj: 2024-01-02\n"
    )
    fast, careful = yamlio.parse(text, "x.yaml"), yamlio.parse(text, "x.yaml", careful=True)
    assert isinstance(fast, yamlio.Document) and isinstance(careful, yamlio.Document)
    assert dict(fast.data) == dict(careful.data)
    assert [fast.data[k] for k in "abcdefghi"] == [
        float("inf"),
        None,
        1,
        15,
        -0.5,
        True,
        None,
        "yes",
        "x1",
    ]
