"""Rules about the shape of a submission folder: its name, its files, and what they point to."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator

from oin_gitops.diagnostics import Severity
from oin_gitops.rules.base import Finding, submission_rule
from oin_gitops.schemas import FILE_SCHEMAS, PROTOCOL_FILES
from oin_gitops.sources import Kind
from oin_gitops.submission import EVIDENCE, SLUG, SUBMISSION_FILE, Submission

LOGO = re.compile(r"logo\.(?:png|jpg|jpeg|gif)")
EVIDENCE_SUFFIXES = (".pem", ".crt", ".cer", ".der", ".xml", ".flopack", ".folder", ".json")
# Values in YAML files that name another file of the folder.
FILE_REFERENCES = ((SUBMISSION_FILE, ("app", "logo")), ("workflows.yaml", ("test_suite",)))
SHOWN_SIZES = "200x200, 244x244, 244x156 or 156x244"
EXPORT_PNG = (
    f"Export the logo as a PNG of exactly {SHOWN_SIZES} pixels (square preferred) with a "
    "transparent background, save it as logo.png and set 'app.logo: logo.png'"
)
SVG_HELP = f"The OIN does not accept SVG logos. {EXPORT_PNG}."
# `oin-gitops new` refuses an existing folder, so it scaffolds into a scratch repository.
CREATE_SUBMISSION = (
    "Create submissions/{slug}/submission.yaml: run 'oin-gitops new {slug} --protocol saml "
    "--repo /tmp/oin-scaffold' and copy /tmp/oin-scaffold/submissions/{slug}/submission.yaml "
    "into the folder, then replace its TODO values (or copy the submission.yaml of an example "
    "under submissions/ and edit it)."
)


@submission_rule(
    id="slug-format",
    summary="The folder name is a valid slug: lowercase letters, digits and hyphens.",
    help="Rename the folder to 2-63 characters of a-z, 0-9 and '-', starting with a letter or digit.",
)
def slug_format(submission: Submission) -> Iterator[Finding]:
    """The folder name under ``submissions/`` is the integration's slug, used in catalog URLs.

    Passes: ``submissions/acme-notes/``. Fails: ``submissions/Acme_Notes/``.
    """
    if not SLUG.fullmatch(submission.slug):
        yield Finding(
            submission.folder,
            f"the folder name '{submission.slug}' is not a valid slug (pattern ^[a-z0-9][a-z0-9-]{{1,62}}$)",
        )


@submission_rule(
    id="submission-file",
    summary="Every submission folder has a submission.yaml.",
    guideline="CAT-01",
    help=CREATE_SUBMISSION.format(slug="SLUG"),
)
def submission_file(submission: Submission) -> Iterator[Finding]:
    """``submission.yaml`` holds the general settings every OIN submission needs. A file meant
    to be it under another name (``submission.yml``, ``Submission.yaml``) is to be renamed.

    Passes: a folder with ``submission.yaml``. Fails: a folder with only ``saml.yaml``.
    """
    if SUBMISSION_FILE in submission.entries:
        return
    misnamed = [name for name in submission.entries if _intended(name) == SUBMISSION_FILE]
    help = (
        _rename_help(misnamed[0], SUBMISSION_FILE)
        if misnamed
        else CREATE_SUBMISSION.format(slug=submission.slug)
    )
    yield Finding(submission.folder, f"the folder has no {SUBMISSION_FILE}", help=help)


@submission_rule(
    id="swa-not-accepted",
    summary="SWA (Secure Web Authentication) integrations are no longer accepted.",
    guideline="CAP-06",
    help="Delete swa.yaml and submit SAML or OIDC single sign-on instead.",
)
def swa_not_accepted(submission: Submission) -> Iterator[Finding]:
    """The OIN no longer accepts SWA app integrations for publication.

    Passes: a folder with ``saml.yaml``. Fails: a folder with ``swa.yaml``.
    """
    if "swa.yaml" in submission.entries:
        yield Finding(
            submission.path("swa.yaml"),
            "SWA integrations are no longer accepted for publication in the OIN",
        )


@submission_rule(
    id="unexpected-file",
    summary="A submission folder holds only the files the format allows.",
    help="Remove the file; see 'The submission format' in the README for the allowed files.",
)
def unexpected_file(submission: Submission) -> Iterator[Finding]:
    """Allowed: ``submission.yaml``, one file per protocol or tool, one logo, and ``evidence/``
    with certificates, SP metadata, Workflows test suites and test exports. A file whose name
    is an allowed one in other letter case or with ``.yml`` (``saml.yml``, ``Logo.png``) is
    to be renamed; a logo in another format (``logo.svg``, ``logo.webp``) exported as a PNG.

    Passes: ``evidence/idp-signing.pem``. Fails: ``notes.txt``, ``evidence/app.exe``,
    ``saml.yml``, ``Logo.png``, ``logo.svg``.
    """
    for name, kind in submission.entries.items():
        if name == "swa.yaml" or kind in (Kind.SYMLINK, Kind.OTHER, Kind.MISSING):
            continue
        reason = _unexpected(name, kind)
        if reason:
            help = _unexpected_help(name, kind, submission.entries)
            yield Finding(submission.path(name), reason, help=help)


@submission_rule(
    id="evidence-limits",
    summary="The evidence/ folder stays within the repository's count and size limits.",
    help=(
        "Keep only the evidence the guidelines ask for (certificates, SP metadata, test suites "
        "and test exports); the limits are 'limits.max_evidence_files' and "
        "'limits.max_evidence_bytes' in .oin-gitops.yaml."
    ),
)
def evidence_limits(submission: Submission) -> Iterator[Finding]:
    """Every evidence file is read by the linter and by the review bot (one API request each),
    so a folder's evidence is bounded: at most ``limits.max_evidence_files`` files (20 by
    default) of at most ``limits.max_evidence_bytes`` bytes together (10,000,000 by default).

    Passes: three certificates and one SP metadata file. Fails: 300 JSON test exports.
    """
    files = submission.evidence_files
    config = submission.config
    if len(files) > config.max_evidence_files:
        yield Finding(
            submission.path(EVIDENCE),
            f"evidence/ holds {len(files):,} files; at most {config.max_evidence_files:,} "
            "are allowed",
        )
    total = sum(submission.size(name) for name in files)
    if total > config.max_evidence_bytes:
        yield Finding(
            submission.path(EVIDENCE),
            f"evidence/ holds {total:,} bytes; at most {config.max_evidence_bytes:,} bytes "
            "are allowed",
        )


def _unexpected(name: str, kind: Kind) -> str | None:
    if name == EVIDENCE:
        return None if kind is Kind.DIR else f"'{EVIDENCE}' must be a folder"
    if name.startswith(EVIDENCE + "/"):
        if kind is Kind.DIR:
            return "folders inside evidence/ are not allowed"
        if not name.lower().endswith(EVIDENCE_SUFFIXES):
            return f"evidence files must end in one of {', '.join(EVIDENCE_SUFFIXES)}"
        return None
    if kind is Kind.DIR:
        return f"the folder '{name}' is not part of the submission format"
    if name in FILE_SCHEMAS or LOGO.fullmatch(name):
        return None
    intended = _intended(name)
    if intended:
        return f"'{name}' is not an allowed file name; did you mean '{intended}'?"
    if _stem(name) == "logo":
        return f"'{name}' is not an allowed logo: the logo must be a PNG, JPEG or GIF file"
    return f"'{name}' is not part of the submission format"


def _unexpected_help(name: str, kind: Kind, entries: dict[str, Kind]) -> str | None:
    """Help for a misnamed file or a logo in another format; None keeps the rule's help."""
    intended = _intended(name) if kind is Kind.FILE else None
    if intended:
        if intended in entries:
            return f"Delete '{name}' once what it holds is in '{intended}', which exists already."
        return _rename_help(name, intended)
    if kind is Kind.FILE and _stem(name) == "logo":
        return SVG_HELP if name.lower().endswith(".svg") else EXPORT_PNG + "."
    return None


def _stem(name: str) -> str:
    """The lower-case name of a top-level file without its extension."""
    base, dot, _ = name.rpartition(".")
    return "" if "/" in name else (base if dot else name).lower()


def _intended(name: str) -> str | None:
    """The allowed file name a misnamed top-level file was meant to have: the same name in
    other letter case, with ``.yml`` for ``.yaml`` (``Saml.yml``), or another extension on a
    YAML file's name (``oidc.json``, which is YAML too)."""
    if "/" in name:
        return None
    lower = name.lower()
    fixed = lower[: -len(".yml")] + ".yaml" if lower.endswith(".yml") else lower
    if fixed != name and (fixed in FILE_SCHEMAS or LOGO.fullmatch(fixed)):
        return fixed
    return next((known for known in FILE_SCHEMAS if _stem(known) == _stem(name)), None)


def _rename_help(name: str, intended: str) -> str:
    if name.lower() == intended:
        # On case-insensitive file systems (macOS, Windows) git sees a case-only rename
        # only when it makes it.
        return (
            f"Rename '{name}' to '{intended}' (file names are case-sensitive); on macOS or "
            f"Windows use 'git mv {name} {intended}' so that git sees the change."
        )
    if name.lower().endswith(".yml"):
        return f"Rename '{name}' to '{intended}' (the format uses the .yaml extension)."
    return f"Rename '{name}' to '{intended}'."


@submission_rule(
    id="protocol-file",
    summary="A submission declares at least one protocol or tool file.",
    guideline="CAP-01",
    help="Add one of " + ", ".join(PROTOCOL_FILES) + " (its presence turns the protocol on).",
)
def protocol_file(submission: Submission) -> Iterator[Finding]:
    """An integration needs at least one capability: SAML, OIDC, SCIM, a Workflows connector
    or an API service.

    Passes: a folder with ``scim.yaml``. Fails: a folder with only ``submission.yaml``.
    """
    if SUBMISSION_FILE in submission.entries and not submission.protocols:
        yield Finding(
            submission.path(SUBMISSION_FILE), "the submission declares no protocol or tool"
        )


@submission_rule(
    id="logo-file",
    summary="Exactly one logo file, named by 'app.logo'.",
    guideline="LOGO-01",
    help="Keep one of logo.png, logo.jpg, logo.jpeg or logo.gif and set 'app.logo' to its name.",
)
def logo_file(submission: Submission) -> Iterator[Finding]:
    """The catalog shows one logo per integration.

    Passes: ``logo.png`` with ``app.logo: logo.png``.
    Fails: ``logo.png`` and ``logo.gif`` together, or ``app.logo: logo.png`` with only ``logo.jpg``.
    """
    logos = sorted(name for name in submission.entries if LOGO.fullmatch(name))
    if len(logos) > 1:
        yield Finding(
            submission.folder,
            f"the folder has {len(logos)} logos ({', '.join(logos)}); keep exactly one",
        )
    general = submission.general
    named = submission.app_field("logo")
    help = None if logos else _misnamed_logo_help(submission.entries)
    if general is None or not isinstance(named, str) or not LOGO.fullmatch(named):
        if not logos and SUBMISSION_FILE in submission.entries:
            yield Finding(submission.folder, "the folder has no logo", help=help)
        return
    if named not in submission.entries:
        line, column = general.position(("app", "logo"))
        found = f"; the folder has {logos[0]}" if logos else ""
        yield Finding(
            general.path,
            f"'app.logo' names {named}, which is not in the folder{found}",
            line,
            column,
            help=help,
        )


def _misnamed_logo_help(entries: dict[str, Kind]) -> str | None:
    """With no allowed logo: how to fix a logo under another name or in another format."""
    for name in sorted(entries):
        if entries[name] is Kind.FILE and _stem(name) == "logo":
            return _unexpected_help(name, Kind.FILE, entries)
    return None


@submission_rule(
    id="file-reference",
    summary="Every file a YAML file names exists inside the submission folder.",
    help="Point the value at a regular file inside the submission folder, e.g. evidence/suite.flopack.",
)
def file_reference(submission: Submission) -> Iterator[Finding]:
    """Values such as ``test_suite`` name files; they may not leave the folder.

    Passes: ``test_suite: evidence/notes.flopack`` with that file present.
    Fails: ``test_suite: ../other/suite.flopack``.
    """
    for file_name, pointer in FILE_REFERENCES:
        document = submission.documents.get(file_name)
        if document is None or pointer == ("app", "logo"):
            continue  # the logo has its own rule
        try:
            value = document.get(pointer)
        except (KeyError, IndexError, TypeError):
            continue
        if not isinstance(value, str) or value.startswith("TODO"):
            continue
        problem = _reference_problem(submission, value)
        if problem:
            line, column = document.position(pointer)
            yield Finding(document.path, f"'{'.'.join(pointer)}' {problem}", line, column)


def _reference_problem(submission: Submission, value: str) -> str | None:
    normal = posixpath.normpath(value)
    if value.startswith("/") or "\\" in value or normal == ".." or normal.startswith("../"):
        return f"points outside the submission folder ({value})"
    kind = submission.entries.get(normal, Kind.MISSING)
    if kind is Kind.MISSING:
        return f"names {value}, which does not exist in the folder"
    if kind is not Kind.FILE:
        return f"names {value}, which is a {kind.value}, not a regular file"
    return None


@submission_rule(
    id="schema-comment",
    summary="Each YAML file starts with the yaml-language-server comment naming its schema.",
    severity=Severity.WARNING,
    help="Make the first line '# yaml-language-server: $schema=../../schemas/NAME.schema.json'.",
)
def schema_comment(submission: Submission) -> Iterator[Finding]:
    """The first-line comment gives editors completion and inline checks from the schema.

    Passes: ``# yaml-language-server: $schema=../../schemas/saml.schema.json`` atop ``saml.yaml``.
    Fails: ``saml.yaml`` without it, or naming ``oidc.schema.json``.
    """
    for name, document in submission.documents.items():
        expected = f"# yaml-language-server: $schema=../../schemas/{FILE_SCHEMAS[name]}.schema.json"
        if document.first_line.strip() != expected:
            yield Finding(document.path, f"the first line should be '{expected}'", 1, 1)
