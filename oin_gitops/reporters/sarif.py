"""SARIF 2.1.0 for code-scanning tools: the rule registry as the driver's rules, one result
per diagnostic. Keys are in a fixed order and the output is byte-for-byte deterministic.

SARIF viewers show ``message.text`` to people, so submission text in it is ``safe.visible``
(``\\x1b``, ``\\u202e``), and the log is written by ``safe.json_text``; artifact URIs are
percent-encoded.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from oin_gitops import __version__
from oin_gitops.diagnostics import Diagnostic, Report, Severity
from oin_gitops.reporters import safe
from oin_gitops.reporters.context import Context
from oin_gitops.rules import RULES, Rule

VERSION = "2.1.0"
SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
URI_BASE = "%SRCROOT%"
LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.NOTICE: "note"}


def _absolute(url: str | None) -> str | None:
    """SARIF's URI properties must be absolute; a repository-relative link is left out."""
    return url if url and url.startswith(("https://", "http://")) else None


def descriptor(rule: Rule, context: Context) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "id": rule.id,
        "name": rule.id,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": rule.doc},
        "help": {"text": rule.help},
    }
    help_uri = _absolute(context.rule_url(rule.id))
    if help_uri:
        entry["helpUri"] = help_uri
    entry["defaultConfiguration"] = {"level": LEVELS[rule.severity]}
    if rule.guideline:
        entry["properties"] = {"tags": [rule.guideline]}
    return entry


def region(diagnostic: Diagnostic) -> dict[str, int] | None:
    """Where in the file, as far as known; None for findings about a whole file or folder."""
    if diagnostic.line is None:
        return None
    span = {"startLine": diagnostic.line}
    if diagnostic.column is not None:
        span["startColumn"] = diagnostic.column
    if diagnostic.end_line is not None:
        span["endLine"] = diagnostic.end_line
    if diagnostic.column is not None and diagnostic.end_column is not None:
        span["endColumn"] = diagnostic.end_column
    return span


def message(diagnostic: Diagnostic, rule: Rule | None) -> str:
    """The message, and the finding's own help when it says more than the rule's; submission
    text is made ``safe.visible``, the line break before the help is the reporter's own."""
    text = safe.visible(diagnostic.message)
    if diagnostic.help and (rule is None or diagnostic.help != rule.help):
        return f"{text}\nHow to fix: {safe.visible(diagnostic.help)}"
    return text


def result(
    diagnostic: Diagnostic,
    index: dict[str, int],
    rules: Sequence[Rule],
    context: Context | None = None,
) -> dict[str, Any]:
    context = context or Context()
    entry: dict[str, Any] = {"ruleId": diagnostic.rule}
    position = index.get(diagnostic.rule)
    if position is not None:
        entry["ruleIndex"] = position
    entry["level"] = LEVELS[diagnostic.severity]
    rule = rules[position] if position is not None else None
    entry["message"] = {"text": message(diagnostic, rule)}
    physical: dict[str, Any] = {
        "artifactLocation": {"uri": safe.url_quote(diagnostic.path), "uriBaseId": URI_BASE}
    }
    span = region(diagnostic)
    if span:
        physical["region"] = span
    entry["locations"] = [{"physicalLocation": physical}]
    if diagnostic.guideline:
        entry["properties"] = guideline_properties(diagnostic.guideline, context)
    return entry


def guideline_properties(guideline: str, context: Context) -> dict[str, Any]:
    """The OIN guideline a result enforces, as a tag, with a link to its row of the rules
    reference's traceability table when the reference has an absolute URL."""
    properties: dict[str, Any] = {"tags": [guideline]}
    help_uri = _absolute(context.rule_url(guideline))
    if help_uri:
        properties["helpUri"] = help_uri
    return properties


def driver(context: Context, rules: Sequence[Rule]) -> dict[str, Any]:
    tool: dict[str, Any] = {"name": "oin-gitops", "version": __version__}
    # The tool ships in the repository it checks (action.yml, oin_gitops/ at the top level).
    information_uri = _absolute(context.repository_url)
    if information_uri:
        tool["informationUri"] = information_uri
    tool["rules"] = [descriptor(rule, context) for rule in rules]
    return tool


def render(report: Report, context: Context | None = None, rules: Sequence[Rule] = RULES) -> str:
    """The SARIF log; ``rules`` is the registry, replaceable so goldens need not track it."""
    context = context or Context()
    index = {rule.id: position for position, rule in enumerate(rules)}
    log = {
        "$schema": SCHEMA,
        "version": VERSION,
        "runs": [
            {
                "tool": {"driver": driver(context, rules)},
                "columnKind": "unicodeCodePoints",
                "results": [result(d, index, rules, context) for d in report.diagnostics],
            }
        ],
    }
    return safe.json_text(log) + "\n"
