"""The repository's configuration, ``.oin-gitops.yaml``, validated by ``config.schema.json``."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from oin_gitops import schema_check, yamlio
from oin_gitops.diagnostics import Diagnostic, Severity
from oin_gitops.sources import Kind, Source

CONFIG_FILE = ".oin-gitops.yaml"
RULE = "config"
OFF = "off"


class ConfigError(Exception):
    """The configuration is invalid; the CLI prints the diagnostics and exits 2."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        super().__init__("; ".join(d.message for d in diagnostics))
        self.diagnostics = diagnostics


@dataclass(frozen=True)
class Config:
    reviewers_initial: tuple[str, ...] = ()
    reviewers_qa: tuple[str, ...] = ()
    maintainers: tuple[str, ...] = ()
    public_key: str | None = None
    open_submissions_per_org: int = 10
    max_files_per_pr: int = 100
    max_evidence_files: int = 20
    max_evidence_bytes: int = 10_000_000
    # Reserved example domains submissions may use here (the repository's fictional vendors).
    allowed_reserved_domains: tuple[str, ...] = ()
    rules: Mapping[str, str] = field(default_factory=dict)
    catalog_title: str = "Okta Integration Network"
    catalog_base_url: str = "/"
    present: bool = False

    def severity(self, rule: str, default: Severity) -> Severity | None:
        """The severity a rule reports at here, or None when the configuration turns it off."""
        setting = self.rules.get(rule)
        if setting is None:
            return default
        return None if setting == OFF else Severity(setting)


def _error(
    document: yamlio.Document, pointer: tuple[str, ...], message: str, help: str
) -> Diagnostic:
    line, column = document.position(pointer, key=True)
    return Diagnostic(document.path, RULE, Severity.ERROR, message, help, line, column)


def _refuse(name: str, message: str, help: str) -> ConfigError:
    return ConfigError([Diagnostic(name, RULE, Severity.ERROR, message, help)])


def load_config(source: Source, known_rules: frozenset[str], name: str = CONFIG_FILE) -> Config:
    """Read and validate the configuration ``name``; a missing file gives the defaults."""
    kind = source.kind(name)
    if kind is Kind.MISSING:
        return Config()
    if kind is not Kind.FILE:
        raise _refuse(
            name,
            f"the configuration is a {kind.value}, not a regular file",
            "Replace it with a regular file.",
        )
    if source.size(name) > yamlio.MAX_BYTES:
        raise _refuse(
            name, f"the configuration is larger than {yamlio.MAX_BYTES:,} bytes", "Shorten it."
        )
    document = yamlio.parse(source.read(name), name)
    if isinstance(document, Diagnostic):
        raise ConfigError([document])
    problems = [replace(d, rule=RULE) for d in schema_check.validate(document, "config")]
    problems += _unknown_rules(document, known_rules)
    if problems:
        raise ConfigError(problems)
    return _from_data(document.data)


# A credential in a public repository is never acceptable, so these stay errors everywhere.
FIXED_RULES = frozenset({"secret-sealed", "secret-in-plain-text"})


def _unknown_rules(document: yamlio.Document, known_rules: frozenset[str]) -> list[Diagnostic]:
    rules = document.data.get("rules") or {}
    unknown = [
        _error(
            document,
            ("rules", rule),
            f"'rules' names the unknown rule '{rule}'",
            "Run 'oin-gitops rules' for the list of rule ids.",
        )
        for rule in rules
        if rule not in known_rules
    ]
    fixed = [
        _error(
            document,
            ("rules", rule),
            f"'rules' may not change '{rule}': secrets in a public repository are always errors",
            f"Remove '{rule}' from 'rules'; fix the submissions it reports instead.",
        )
        for rule in rules
        if rule in FIXED_RULES and rules[rule] != "error"
    ]
    return unknown + fixed


def _from_data(data: Mapping[str, Any]) -> Config:
    reviewers = data.get("reviewers") or {}
    limits = data.get("limits") or {}
    catalog = data.get("catalog") or {}
    reserved_domains = data.get("reserved_domains") or {}
    return Config(
        reviewers_initial=tuple(reviewers.get("initial") or ()),
        reviewers_qa=tuple(reviewers.get("qa") or ()),
        maintainers=tuple(data.get("maintainers") or ()),
        public_key=data.get("public_key"),
        open_submissions_per_org=int(
            limits.get("open_submissions_per_org", Config.open_submissions_per_org)
        ),
        max_files_per_pr=int(limits.get("max_files_per_pr", Config.max_files_per_pr)),
        max_evidence_files=int(limits.get("max_evidence_files", Config.max_evidence_files)),
        max_evidence_bytes=int(limits.get("max_evidence_bytes", Config.max_evidence_bytes)),
        allowed_reserved_domains=tuple(reserved_domains.get("allow") or ()),
        rules={str(k): str(v) for k, v in (data.get("rules") or {}).items()},
        catalog_title=str(catalog.get("title", Config.catalog_title)),
        catalog_base_url=str(catalog.get("base_url", Config.catalog_base_url)),
        present=True,
    )
