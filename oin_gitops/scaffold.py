"""Scaffold a new submission folder from the schemas, the single source of truth for the format.

Every field the ISV must fill gets a ``TODO`` placeholder (rule ``placeholder``) with the
schema's description and an example as a comment above it. A property is scaffolded when the
schema requires it or marks it ``x-oin-scaffold``; ``const`` and ``default`` values are written
as they are.
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path
from typing import Any

from oin_gitops import schemas
from oin_gitops.schemas import FILE_SCHEMAS
from oin_gitops.submission import SUBMISSION_FILE

PLACEHOLDER = "TODO"
PROTOCOLS = {name.removesuffix(".yaml"): name for name in schemas.PROTOCOL_FILES}
_WIDTH = 96


def _scalar(value: Any) -> str:
    if isinstance(value, str):
        plain = value and value[0].isalnum() and ": " not in value and " #" not in value
        return value if plain else json.dumps(value, ensure_ascii=False)
    return json.dumps(value)


def _comment(schema: dict[str, Any], indent: str) -> list[str]:
    text = schema.get("description", "").strip().rstrip(".")
    text += "." if text else ""
    items = schema.get("items") if isinstance(schema.get("items"), dict) else {}
    enum = schema.get("enum") or (items or {}).get("enum")
    if enum:
        text += " One of: " + ", ".join(str(v) for v in enum) + "."
    if schema.get("examples"):
        text += " Example: " + _scalar(schema["examples"][0])
    width = _WIDTH - len(indent) - 2
    wrapped = textwrap.wrap(text, width, break_long_words=False, break_on_hyphens=False)
    return [f"{indent}# {line}" for line in wrapped]


class _Writer:
    def __init__(self, schema_name: str) -> None:
        self.schema_name = schema_name
        self.lines: list[str] = []

    def resolve(self, schema: dict[str, Any]) -> dict[str, Any]:
        return schemas.resolve(schema, self.schema_name)

    def mapping(self, schema: dict[str, Any], indent: str, first_prefix: str | None = None) -> None:
        required = schema.get("required", [])
        properties = schema.get("properties", {})
        chosen = [
            (name, self.resolve(sub))
            for name, sub in properties.items()
            if name in required or (isinstance(sub, dict) and sub.get("x-oin-scaffold"))
        ]
        if not chosen and properties:
            name, sub = next(iter(properties.items()))
            chosen = [(name, self.resolve(sub))]
        for index, (name, sub) in enumerate(chosen):
            prefix = first_prefix if (index == 0 and first_prefix is not None) else indent
            self.lines.extend(_comment(sub, indent))
            self.value(name, sub, prefix, indent)

    def value(self, name: str, schema: dict[str, Any], prefix: str, indent: str) -> None:
        if "default" in schema or ("const" in schema and not isinstance(schema["const"], bool)):
            self.lines.append(
                f"{prefix}{name}: {_scalar(schema.get('const', schema.get('default')))}"
            )
        elif schema.get("type") == "object":
            self.lines.append(f"{prefix}{name}:")
            self.mapping(schema, indent + "  ")
        elif schema.get("type") == "array":
            self.sequence(name, schema, prefix, indent)
        else:
            self.lines.append(f"{prefix}{name}: {PLACEHOLDER}")

    def sequence(self, name: str, schema: dict[str, Any], prefix: str, indent: str) -> None:
        items = self.resolve(schema.get("items", {}))
        if items.get("type") == "object":
            self.lines.append(f"{prefix}{name}:")
            self.mapping(items, indent + "    ", first_prefix=indent + "  - ")
        else:
            self.lines.append(f"{prefix}{name}: [{PLACEHOLDER}]")


def scaffold(file_name: str) -> str:
    """The text of a new ``file_name`` (e.g. ``saml.yaml``) with placeholders to fill."""
    schema_name = FILE_SCHEMAS[file_name]
    schema = schemas.load(schema_name)
    writer = _Writer(schema_name)
    writer.lines.append(f"# yaml-language-server: $schema=../../schemas/{schema_name}.schema.json")
    writer.lines.extend(_comment({"description": schema.get("description", "")}, ""))
    writer.lines.append("")
    for name, sub in schema.get("properties", {}).items():
        if name in schema.get("required", []) or sub.get("x-oin-scaffold"):
            resolved = writer.resolve(sub)
            writer.lines.extend(_comment(resolved, ""))
            writer.value(name, resolved, "", "")
            writer.lines.append("")
    return "\n".join(writer.lines).rstrip("\n") + "\n"


def create(folder: Path, protocols: list[str]) -> list[Path]:
    """Write a new submission folder; refuses to touch an existing one."""
    folder.mkdir(parents=True, exist_ok=False)
    written = []
    for file_name in [SUBMISSION_FILE, *(PROTOCOLS[p] for p in protocols)]:
        path = folder / file_name
        path.write_text(scaffold(file_name), encoding="utf-8")
        written.append(path)
    return written
