"""A Markdown card of how one submission will look in the catalog, for the pull request's job
summary.

It shows the same public record the catalog publishes. Every piece of text that comes from the
submission goes through ``escape_markdown``; a link's destination is only ever an https:// URL,
percent-encoded so it cannot end the link early.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from oin_gitops.catalog import labels
from oin_gitops.catalog.public import PROTOCOLS, History, app_record, guides, use_cases
from oin_gitops.reporters.markdown import escape_markdown
from oin_gitops.rules import logo_image
from oin_gitops.submission import Submission

_URL_SAFE = "!#$%&'*+,/:;=?@[]~"


def _link(text: str, url: object) -> str:
    """``text`` (already Markdown) linked to ``url`` when it is an https:// URL."""
    target = labels.https(url)
    return f"[{text}]({quote(target, safe=_URL_SAFE)})" if target else text


def _listing(value: Any, table: Mapping[str, str]) -> str:
    items = value if isinstance(value, list) else []
    return ", ".join(escape_markdown(labels.label(table, item)) for item in items)


def _logo_line(submission: Submission) -> str:
    logo = logo_image.examine(submission)
    if logo is None:
        return "**Logo:** none yet: add exactly one logo.png, logo.jpg, logo.jpeg or logo.gif."
    shape = ""
    if logo.format and logo.dimensions:
        width, height = logo.dimensions
        shape = f", a {width}×{height} {logo.format}"
    return (
        f"**Logo:** {escape_markdown(logo.name)}{shape}, shown beside the name on the "
        "catalog card and the app page."
    )


def _use_cases(submission: Submission, record: Mapping[str, Any]) -> str:
    listed = submission.app_field("use_cases")
    strings = [item for item in listed if isinstance(item, str)] if isinstance(listed, list) else []
    shown = []
    for name, added_for in use_cases(strings, submission.protocols):
        text = escape_markdown(name)
        if added_for:
            by = " and ".join(labels.PROTOCOL_NAMES[PROTOCOLS[f]] for f in added_for)
            text += f" (added for {escape_markdown(by)})"
        shown.append(text)
    return "**Use cases:** " + (", ".join(shown) or "none")


# The listed fields a protocol line shows: (words before the list, field, value labels).
LISTED_FIELDS: tuple[tuple[str, str, Mapping[str, str]], ...] = (
    ("sign-in flows", "sign_in_flows", labels.SIGN_IN_FLOW_NAMES),
    ("provisions", "objects", labels.SCIM_OBJECTS),
    ("user operations", "user_operations", labels.USER_OPERATIONS),
    ("group operations", "group_operations", labels.GROUP_OPERATIONS),
    ("scopes", "scopes", {}),
)


def _protocol(protocol: str, fields: Mapping[str, Any]) -> str:
    parts = []
    for words, field, table in LISTED_FIELDS:
        listed = _listing(fields.get(field), table)
        if listed:
            parts.append(f"{words}: {listed}")
    if "jit" in fields:
        parts.append("just-in-time provisioning: " + ("yes" if fields["jit"] is True else "no"))
    if isinstance(fields.get("connector"), str):
        version = fields.get("version")
        shown = f", version {escape_markdown(version)}" if isinstance(version, str) else ""
        parts.append(escape_markdown(fields["connector"]) + shown)
    title = escape_markdown(labels.label(labels.PROTOCOL_TITLES, protocol))
    return f"- {title}" + (": " + "; ".join(parts) if parts else "")


def _contacts(record: Mapping[str, Any]) -> list[str]:
    lines = []
    for entry in record["support_contacts"]:
        kind, text, _ = labels.contact(entry)
        shown = escape_markdown(text)
        lines.append(f"- {kind}: {_link(shown, text) if kind == 'Web' else shown}")
    return lines or ["- none yet: the catalog needs at least one public contact"]


def _section(title: str, lines: list[str]) -> list[str]:
    return [f"**{title}:**", "", *lines, ""]


def card(submission: Submission, errors: int = 0) -> str:
    """The card of ``submission``; ``errors`` is how many lint errors it has now."""
    record = app_record(submission, None, History())
    name = record["name"] or submission.slug
    lines = [f"### {escape_markdown(name)}", ""]
    if errors:
        plural = "s" if errors != 1 else ""
        lines += [
            f"> ⚠️ lint reports {errors} error{plural} in this submission: the catalog "
            "publishes it only once there are none.",
            "",
        ]
    lines += [
        f"Catalog preview of {escape_markdown(submission.folder)}.",
        "",
        _logo_line(submission),
        "",
        f"**Description:** {escape_markdown(record['description'] or 'none yet')}",
        "",
        _use_cases(submission, record),
        "",
    ]
    protocols = [_protocol(p, fields) for p, fields in record["details"].items()]
    lines += _section("Protocols and sign-in flows", protocols or ["- none yet"])
    lines += _section("Support contacts", _contacts(record))
    found = guides(record)
    guide_lines = [
        f"- {_link(escape_markdown(labels.guide_name(p, f)), url)}" for p, f, url in found
    ]
    lines += _section("Configuration guides", guide_lines or ["- none"])
    website = record["website"]
    shown = escape_markdown(website) if website else "none yet"
    lines.append(f"**Website:** {_link(shown, website)}")
    return "\n".join(lines) + "\n"
