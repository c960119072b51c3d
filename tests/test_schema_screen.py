"""The compiled schema check (``schemas.screen``) never accepts what the Python validator refuses.

``schema_check.validate`` skips the Python validator when the compiled one says "valid", so a
document the compiled one accepts and the Python one refuses would lose its schema errors. Both
are run on every YAML file the project ships or tests with, and on many thousands of mutations of
them (types swapped, keys dropped and added, text with newlines, non-ASCII digits and look-alike
dates): the compiled one may refuse more (it then costs time, not an error), never accept more.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import jsonschema_rs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from oin_gitops import schemas, yamlio
from tests.conftest import SAML_YAML, SEALED, SUBMISSION_YAML

ROOT = Path(__file__).resolve().parent.parent


def _documents() -> list[tuple[str, str, Any]]:
    found = []
    for path in sorted([*ROOT.glob("submissions/*/*.yaml"), *ROOT.glob("tests/**/*.yaml")]):
        name = schemas.FILE_SCHEMAS.get(path.name)
        if name is None:
            continue
        document = yamlio.parse(path.read_bytes(), str(path))
        if isinstance(document, yamlio.Document):
            found.append((path.relative_to(ROOT).as_posix(), name, document.data))
    return found


DOCUMENTS = _documents()


def _verdicts(name: str, data: Any) -> tuple[bool, bool]:
    assert schemas.screen(name) is not None, "jsonschema-rs is a dependency: it must be there"
    return schemas.screened_valid(name, data), schemas.validator(name).is_valid(data)


def test_the_validators_agree_on_every_shipped_and_tested_file() -> None:
    assert len(DOCUMENTS) > 150
    names = {name for _, name, _ in DOCUMENTS}
    assert names == set(schemas.FILE_SCHEMAS.values())
    verdicts = {path: _verdicts(name, data) for path, name, data in DOCUMENTS}
    assert [path for path, (fast, careful) in verdicts.items() if fast and not careful] == []
    # The screen decides the common case: it accepts nearly every valid file.
    valid = [fast for fast, careful in verdicts.values() if careful]
    assert sum(valid) >= 0.9 * len(valid)
    refused = sum(not _verdicts(name, data)[1] for _, name, data in DOCUMENTS)
    assert refused >= 5  # the schema's fail cases are among them


SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False),
    st.text(max_size=30),
    st.sampled_from(
        [
            "",
            "https://acme.example/sso\n",
            "acme-notes\n",
            "٣٤",
            "2024-02-30",
            "2024-1-05",
            "２０２４-01-05",
            "ops@acme.example",
            "ops@",
            "@acme.example",
            "Acme\u00a0Notes",
            "sealed:v2:abc:AAAA",
            "1.0",
            "isvtest@okta.com",
            "\x1f",
            "a\x1cb",
            "\x85",
            "\u3000",
            "\u00e9app.x",
            "\ufeff",
        ]
    ),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=12), inner, max_size=3)
    ),
    max_leaves=6,
)


def _containers(data: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [path]
    children = (
        data.items()
        if isinstance(data, dict)
        else enumerate(data)
        if isinstance(data, list)
        else ()
    )
    for key, value in children:
        found.extend(_containers(value, (*path, key)))
    return found


def _at(data: Any, path: tuple[Any, ...]) -> Any:
    for part in path:
        data = data[part]
    return data


@st.composite
def mutated(draw: st.DrawFn) -> tuple[str, Any]:
    _, name, original = draw(st.sampled_from(DOCUMENTS))
    data = copy.deepcopy(_plain(original))
    for _ in range(draw(st.integers(1, 3))):
        paths = _containers(data)
        target = _at(data, draw(st.sampled_from(paths)))
        if isinstance(target, dict) and target:
            key = draw(st.sampled_from(sorted(target, key=str)))
            action = draw(st.sampled_from(["replace", "drop", "add"]))
            if action == "replace":
                target[key] = draw(VALUES)
            elif action == "drop":
                del target[key]
            else:
                target[draw(st.text(max_size=12))] = draw(VALUES)
        elif isinstance(target, list) and target:
            index = draw(st.integers(0, len(target) - 1))
            if draw(st.booleans()):
                target[index] = draw(VALUES)
            else:
                target.append(copy.deepcopy(target[index]))
    return name, data


def _plain(data: Any) -> Any:
    if isinstance(data, dict):
        return {key: _plain(value) for key, value in data.items()}
    if isinstance(data, list):
        return [_plain(value) for value in data]
    return data


@settings(max_examples=3000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_the_compiled_check_never_accepts_what_the_python_validator_refuses(
    case: tuple[str, Any],
) -> None:
    name, data = case
    fast, careful = _verdicts(name, data)
    assert careful or not fast, f"{name}: accepted by jsonschema-rs, refused by jsonschema"


def test_a_value_outside_printable_ascii_goes_to_the_python_validator() -> None:
    # Found by the property test: Python's \s matches U+001F (and U+0085), jsonschema-rs's
    # does not, so jsonschema-rs alone accepted a value Python's pattern refuses.
    saml = _plain(yamlio.parse(SAML_YAML.encode(), "saml.yaml").data)
    general = _plain(
        yamlio.parse(SUBMISSION_YAML.format(name="Acme", sealed=SEALED).encode(), "s").data
    )
    general["app"]["description"] = "\x85"
    for name, data in (("saml", {**saml, "audience": "\x1f"}), ("submission", general)):
        assert schemas.screen(name)(data)  # jsonschema-rs alone would pass it
        assert not schemas.validator(name).is_valid(data)
        assert not schemas.screened_valid(name, data)


@pytest.mark.parametrize(
    ("value", "valid"),
    [("2024-02-29", True), ("2023-02-29", False), ("2024-13-01", False), ("24-01-01", False)],
)
def test_dates_are_checked_by_both(value: str, valid: bool) -> None:
    schema = {"type": "string", "format": "date"}
    screen = jsonschema_rs.validator_for(schema, validate_formats=True)
    careful = schemas.Draft202012Validator(
        schema, format_checker=schemas.Draft202012Validator.FORMAT_CHECKER
    )
    assert (screen.is_valid(value), careful.is_valid(value)) == (valid, valid)
