"""Private fields never reach the catalog: a unique marker goes into every private value of every
example (and into the evidence), the copies stay lint-clean, and no output byte holds a marker.

The private fields are found through the schemas (``schemas.marked``), so a private field added
to a schema is covered as soon as an example fills it; the coverage check below fails until one
does.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

from ruamel.yaml import YAML

from oin_gitops import engine, schemas
from oin_gitops.config import load_config
from oin_gitops.diagnostics import Severity
from oin_gitops.rules import BY_ID
from oin_gitops.schemas import FILE_SCHEMAS
from oin_gitops.sources import DiskSource
from tests.catalog.conftest import built, copy_examples, tree

T = TypeVar("T")
KEY_ID = "45352f54b2d3daf3"  # the repository's key, which the examples are sealed to
# Always true: nothing to mark.
NOT_TEXT = {
    ("scim", ("tests", "manual_test_plan_passed")),
    ("submission", ("attestations", "multi_tenant")),
}
OAUTH2_SCIM = """\
  mode: oauth2
  oauth2:
    authorize_endpoint: https://auth.brightdesk.example/oauth/authorize
    token_endpoint: https://auth.brightdesk.example/oauth/token
    client_id: replaced-by-a-marker
    client_secret: "sealed:v2:45352f54b2d3daf3:AAAA"
    scopes: [scim.read, scim.write]
"""
ENTITLEMENTS = """\
entitlements:
  resource_types:
    - resource_type: Role
      endpoint: /Roles
      schema_mapping: {id: id, display_name: displayName}
"""


class Markers:
    """Unique, same-length tokens that fit every private field's pattern (lowercase letters and
    digits, a multiple of 4 long so they are valid base64 too)."""

    def __init__(self) -> None:
        self.issued: list[str] = []

    def new(self) -> str:
        token = f"mk{len(self.issued):02d}q7f3a9c2"
        self.issued.append(token)
        return token


def _value_for(key: tuple[str, ...], original: str, token: str) -> str:
    """A marked value that still passes the schema and the rules for the field at ``key``."""
    field = key[-1]
    if field in ("password", "api_token", "client_secret"):
        # Canonical base64, long enough for lint's minimum box (it cannot open the box).
        return f"sealed:v2:{KEY_ID}:{token}{'A' * 200}"
    if field == "escalation":
        return f"{token}@{original.rpartition('@')[2]}"
    if field == "username":
        return f"{token}@okta.com"
    if field == "url":
        return f"{original.rstrip('/')}/{token}"
    if field == "instructions":
        return f"{original}\n{token}"
    if field == "okta_org":
        return f"https://{token}.okta.com"
    if field.startswith("runscope_"):
        return f"https://www.runscope.com/radar/{token}/5c0e8a3b/history/8e2b4c6d"
    if field == "test_suite":
        return f"evidence/{token}.flopack"
    if field == "github" and "/" in original:
        return f"{original.partition('/')[0]}/{token}"
    return token


def _leaves(
    node: Any, path: tuple[str, ...] = ()
) -> Iterator[tuple[Any, str | int, str, tuple[str, ...]]]:
    """(parent, key, value, path of mapping keys) of every string under ``node``."""
    items = node.items() if isinstance(node, dict) else enumerate(node)
    for key, value in items:
        inner = (*path, key) if isinstance(key, str) else path
        if isinstance(value, str):
            yield node, key, value, inner
        elif isinstance(value, dict | list):
            yield from _leaves(value, inner)


def _private_nodes(data: Any, pointer: tuple[str, ...]) -> Iterator[tuple[Any, str | int]]:
    """(parent, key) of each value at ``pointer``, ``*`` standing for every item of a list."""
    nodes: list[tuple[Any, str | int]] = [({"": data}, "")]
    for part in pointer:
        found: list[tuple[Any, str | int]] = []
        for parent, key in nodes:
            value = parent[key]
            if part == "*" and isinstance(value, list):
                found += [(value, index) for index in range(len(value))]
            elif isinstance(value, dict) and part in value:
                found.append((value, part))
        nodes = found
    return iter(nodes)


def _mark_document(
    data: Any, schema: str, markers: Markers, covered: set[tuple[str, tuple[str, ...]]]
) -> dict[str, str]:
    """Put a marker into every private string of ``data``; returns {original: marked} of
    ``test_suite`` values (files to rename)."""
    renamed: dict[str, str] = {}
    for pointer in schemas.marked(schema, "x-oin-private"):
        for parent, key in _private_nodes(data, pointer):
            value = parent[key]
            targets = [(parent, key, value, ())] if isinstance(value, str) else []
            if isinstance(value, dict | list):
                targets = list(_leaves(value))
            for holder, slot, original, inner in targets:
                field = tuple(p for p in (*pointer, *inner) if p != "*")
                holder[slot] = _value_for(field, original, markers.new())
                covered.add((schema, field))
                if field == ("test_suite",):
                    renamed[original] = holder[slot]
    return renamed


def _edit_yaml(path: Path, edit: Callable[[Any], T]) -> T:
    """Apply ``edit`` to the file's data, keeping its comments; returns what ``edit`` returns."""
    yaml = YAML()
    yaml.width = 4096
    data = yaml.load(path.read_text(encoding="utf-8"))
    result = edit(data)
    buffer = io.StringIO()
    yaml.dump(data, buffer)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return result


def _with_oauth2_and_entitlements(root: Path) -> None:
    """brightdesk's SCIM with OAuth 2.0 and entitlements, so those private fields exist too."""
    scim = root / "submissions/brightdesk/scim.yaml"
    text = scim.read_text(encoding="utf-8").replace("  mode: bearer\n", OAUTH2_SCIM)
    text = text.replace(
        "  manual_test_plan_passed: true\n",
        "  manual_test_plan_passed: true\n"
        "  runscope_entitlements_url: https://www.runscope.com/radar/x/y/history/z\n",
    )
    scim.write_text(text + ENTITLEMENTS, encoding="utf-8")


def marked_examples(root: Path) -> tuple[list[str], set[tuple[str, tuple[str, ...]]]]:
    """The examples at ``root`` with every private value marked; the markers and the fields."""
    copy_examples(root)
    _with_oauth2_and_entitlements(root)
    markers = Markers()
    covered: set[tuple[str, tuple[str, ...]]] = set()
    for folder in sorted((root / "submissions").iterdir()):
        for name, schema in FILE_SCHEMAS.items():
            if (folder / name).is_file():
                renamed = _edit_yaml(
                    folder / name,
                    lambda data, s=schema: _mark_document(data, s, markers, covered),
                )
                for old, new in renamed.items():
                    (folder / old).rename(folder / new)
        for evidence in sorted((folder / "evidence").glob("*")):
            suite = json.loads(evidence.read_text(encoding="utf-8"))
            suite["description"] = markers.new()
            evidence.write_text(json.dumps(suite, indent=2), encoding="utf-8")
    return markers.issued, covered


def _private_leaves(schema: str) -> set[tuple[str, ...]]:
    marked = schemas.marked(schema, "x-oin-private")
    leaves = {p for p in marked if not any(o[: len(p)] == p and o != p for o in marked)}
    return {tuple(part for part in p if part != "*") for p in leaves}


def test_no_private_value_appears_anywhere_in_the_catalog(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    markers, _ = marked_examples(root)
    public = "pubmarker9z8y"
    _edit_yaml(
        root / "submissions/signalwatch/submission.yaml",
        lambda data: data["app"].__setitem__(
            "description", data["app"]["description"] + " " + public
        ),
    )
    source = DiskSource(root)
    report = engine.lint(source, load_config(source, frozenset(BY_ID)))
    assert [d for d in report.diagnostics if d.severity is Severity.ERROR] == []
    catalog = built(root, tmp_path / "site")
    assert catalog.published == ["brightdesk", "ledgerly", "ledgerly-workflows", "signalwatch"]
    output = tree(tmp_path / "site")
    found = {m: sorted(n for n, data in output.items() if m.encode() in data) for m in markers}
    assert {m: files for m, files in found.items() if files} == {}
    assert any(public.encode() in data for data in output.values()), "the search finds nothing"
    assert len(markers) >= 20


def test_every_private_text_field_of_every_schema_was_marked(tmp_path: Path) -> None:
    _, covered = marked_examples(tmp_path / "repo")
    expected = {
        (schema, leaf)
        for schema in FILE_SCHEMAS.values()
        for leaf in _private_leaves(schema)
        if (schema, leaf) not in NOT_TEXT
    }
    assert expected - covered == set()
