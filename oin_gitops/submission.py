"""A submission folder as rules see it: its entries, its parsed YAML, and the repository around it.

``load_submission`` lists a folder (never following symlinks), reads and parses each YAML file
through ``yamlio`` and validates it against its schema; what cannot be read becomes a diagnostic
and the file is simply absent from ``documents``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from oin_gitops import schema_check, yamlio
from oin_gitops.config import Config
from oin_gitops.diagnostics import Diagnostic, Severity
from oin_gitops.schemas import FILE_SCHEMAS, PROTOCOL_FILES
from oin_gitops.sources import DiskSource, Kind, Source, join

if TYPE_CHECKING:
    from oin_gitops.names import Known

SUBMISSIONS = "submissions"
EVIDENCE = "evidence"
SUBMISSION_FILE = "submission.yaml"
SLUG = re.compile(r"[a-z0-9][a-z0-9-]{1,62}")


# Anything but a letter or a digit: ``\w`` is exactly ``str.isalnum()`` plus the underscore.
_NOT_ALNUM = re.compile(r"[\W_]+")


def letters_and_digits(text: str) -> str:
    """``text`` keeping only the characters for which ``str.isalnum()`` holds."""
    return _NOT_ALNUM.sub("", text)


def normalise_name(name: str) -> str:
    """The form in which two app names (or slugs) collide: NFKC, casefolded, letters and digits.

    ``rules.characters.lookalike_key`` adds the names that only look alike."""
    return letters_and_digits(unicodedata.normalize("NFKC", name).casefold())


def not_regular(path: str, kind: Kind) -> Diagnostic:
    return Diagnostic(
        path=path,
        rule="file-not-regular",
        severity=Severity.ERROR,
        message=f"'{path}' is a {kind.value}; a submission may hold only regular files and folders",
        help="Replace it with a regular file (symbolic links, FIFOs and devices are never read).",
    )


def read_file(source: Source, path: str, limit: int) -> bytes | Diagnostic:
    """The bytes of a regular file no larger than ``limit``; anything else is a diagnostic."""
    kind = source.kind(path)
    if kind is not Kind.FILE:
        return not_regular(path, kind)
    size = source.size(path)
    if size > limit:
        return Diagnostic(
            path=path,
            rule="file-too-large",
            severity=Severity.ERROR,
            message=f"the file is {size:,} bytes; files of this kind may be at most {limit:,} bytes",
            help="Shrink the file; it is not read past the limit.",
        )
    try:
        return source.read(path)
    except OSError as exc:
        return Diagnostic(
            path=path,
            rule="file-unreadable",
            severity=Severity.ERROR,
            message=f"the file cannot be read: {exc.strerror or exc}",
            help="Check the file's permissions, or recreate it.",
        )


@dataclass
class Submission:
    """One folder under ``submissions/``: its entries (relative paths) and its parsed YAML."""

    slug: str
    source: Source
    config: Config
    entries: dict[str, Kind] = field(default_factory=dict)
    documents: dict[str, yamlio.Document] = field(default_factory=dict)

    @property
    def folder(self) -> str:
        return join(SUBMISSIONS, self.slug)

    def path(self, name: str) -> str:
        return join(self.folder, name)

    @property
    def general(self) -> yamlio.Document | None:
        return self.documents.get(SUBMISSION_FILE)

    @property
    def protocols(self) -> list[str]:
        """The protocol/tool files present, parsed or not, in the order the design lists them."""
        return [name for name in PROTOCOL_FILES if name in self.entries]

    @property
    def evidence_files(self) -> list[str]:
        """The regular files in ``evidence/`` (``evidence/x.pem``), in listing order."""
        prefix = EVIDENCE + "/"
        return [n for n, k in self.entries.items() if k is Kind.FILE and n.startswith(prefix)]

    @property
    def readable_evidence(self) -> list[str]:
        """The evidence files rules may read: the first ``limits.max_evidence_files`` of them
        (the ``evidence-limits`` rule reports the rest, which nothing reads)."""
        return self.evidence_files[: self.config.max_evidence_files]

    def size(self, name: str) -> int:
        return self.source.size(self.path(name))

    def read(self, name: str) -> bytes:
        """The bytes of a regular file of the folder; check ``entries`` and ``size`` first."""
        return self.source.read(self.path(name))

    def app_field(self, key: str) -> Any:
        general = self.general
        app = general.data.get("app") if general else None
        return app.get(key) if isinstance(app, dict) else None


def list_entries(source: Source, folder: str) -> dict[str, Kind]:
    """Entries of a submission folder and of its ``evidence/`` folder, never descending further."""
    entries: dict[str, Kind] = {}
    for name, kind in source.entries(folder).items():
        entries[name] = kind
        if name == EVIDENCE and kind is Kind.DIR:
            for inner, inner_kind in source.entries(join(folder, name)).items():
                entries[join(name, inner)] = inner_kind
    return entries


def load_submission(
    source: Source, slug: str, config: Config
) -> tuple[Submission, list[Diagnostic]]:
    submission = Submission(
        slug, source, config, entries=list_entries(source, join(SUBMISSIONS, slug))
    )
    problems: list[Diagnostic] = []
    for name, schema_name in FILE_SCHEMAS.items():
        if name not in submission.entries:
            continue
        document = load_yaml(source, submission.path(name))
        if isinstance(document, Diagnostic):
            problems.append(document)
            continue
        submission.documents[name] = document
        problems.extend(schema_check.validate(document, schema_name))
    return submission, problems


def load_yaml(source: Source, path: str) -> yamlio.Document | Diagnostic:
    data = read_file(source, path, yamlio.MAX_BYTES)
    return data if isinstance(data, Diagnostic) else yamlio.parse(data, path)


# A name or slug as the repository rules compare it: (text, normalised form, look-alike key).
Row = Sequence[str]
# The (slug, text) of the folders whose name (or slug) has a key: ``lookup(1, normalised)``,
# ``lookup(2, look-alike key)``.
Lookup = Callable[[int, str], list[tuple[str, str]]]


@dataclass
class Repository:
    """The linted submissions and a lazy view of every other folder in ``submissions/``.

    The other folders' names come from the source's name index where it has one (a
    ``DiskSource`` in a git work tree, see ``oin_gitops.names``), else from the folders."""

    source: Source
    config: Config
    submissions: list[Submission]
    slugs: list[str]
    _cache: dict[str, str | None] = field(default_factory=dict, repr=False)
    _known: Known | None = field(default=None, repr=False)
    _asked: bool = field(default=False, repr=False)

    def app_names(self) -> tuple[list[tuple[str, str]], Lookup | None]:
        """Every usable app name in ``submissions/``: (slug, name) of the linted folders (from
        their parsed submission.yaml) and of those the name index does not know (scanned for
        ``app.name`` only, see ``app_name_of``); and the index's lookup for all the others."""
        known = self._index()
        linted = {s.slug: s for s in self.submissions}
        unread = known.unread if known else [slug for slug in self.slugs if slug not in linted]
        names = [(slug, name) for slug in unread if (name := self._name(slug)) is not None]
        names += [
            (s.slug, name)
            for s in linted.values()
            if usable(name := s.app_field("name")) is not None
        ]
        return names, (known.names if known else None)

    def slug_names(self) -> tuple[list[tuple[str, str]], Lookup | None]:
        """Every folder's slug, as ``app_names`` gives names: (slug, slug) of the folders the
        name index does not list, and its lookup for the others."""
        known = self._index()
        unlisted = known.unlisted if known else self.slugs
        return [(slug, slug) for slug in unlisted], (known.slugs if known else None)

    def _index(self) -> Known | None:
        """What the source's name index knows (asked once for both repository rules)."""
        if not self._asked:
            index = self.source.names if isinstance(self.source, DiskSource) else None
            linted = {s.slug for s in self.submissions}
            self._known = index.known(self.slugs, linted) if index else None
            self._asked = True
        return self._known

    def _name(self, slug: str) -> str | None:
        if slug not in self._cache:
            self._cache[slug] = app_name_of(self.source, join(SUBMISSIONS, slug, SUBMISSION_FILE))
        return self._cache[slug]


def app_name_of(source: Source, path: str) -> str | None:
    """The app name in the submission.yaml at ``path`` as the repository rules compare it:
    read as a folder's files are read, scanned for ``app.name`` (``app_name_in``); None when
    it cannot be read, is no text, or is a placeholder."""
    data = read_file(source, path, yamlio.MAX_BYTES)
    return None if isinstance(data, Diagnostic) else usable(app_name_in(data, path))


def usable(name: object) -> str | None:
    """``name`` if the repository rules compare it: a string that is not a placeholder."""
    return name if isinstance(name, str) and not schema_check.is_placeholder(name) else None


_APP_BLOCK = re.compile(rb"^app:[ ]*(?:#[^\n]*)?\n((?:[ ]+[^\n]*\n|[ ]*\n|#[^\n]*\n)*)", re.M)
_NAME_LINE = re.compile(rb"^([ ]+)name:[ ]*([^\n]*)$", re.M)
_NOT_TEXT = re.compile(rb"~|null|true|false|[-+.0-9][-+.0-9_eExXoObB:]*|[0-9]{4}-.*", re.I)
_PLAIN_NAME = re.compile(rb"[^'\"#&*!|>%@`{\[\s][^#\n]*?")
# NEL, LINE SEPARATOR, PARAGRAPH SEPARATOR and a lone CR: line breaks to YAML, not to the scan.
_OTHER_BREAKS = (b"\xc2\x85", b"\xe2\x80\xa8", b"\xe2\x80\xa9")
_LONE_CR = re.compile(rb"\r(?!\n)")


def _other_breaks(data: bytes) -> bool:
    """Whether ``data`` holds a line break that the scan does not know (cheap for ASCII)."""
    if b"\r" in data and _LONE_CR.search(data):
        return True
    return not data.isascii() and any(sequence in data for sequence in _OTHER_BREAKS)


def app_name_in(data: bytes, path: str) -> str | None:
    """``app.name`` of a submission.yaml: read off the text when it is written the usual way
    (a block mapping, a plain one-line value), else from a full parse."""
    block = None if _other_breaks(data) else _APP_BLOCK.search(data)
    lines = _NAME_LINE.findall(block.group(1)) if block else []
    indents = {indent for indent, _ in lines}
    if len(lines) == 1 and len(indents) == 1:
        value: bytes = lines[0][1].rstrip()
        if _PLAIN_NAME.fullmatch(value) and b": " not in value and not _NOT_TEXT.fullmatch(value):
            try:
                return value.decode("utf-8")
            except UnicodeDecodeError:
                return None
    document = yamlio.parse(data, path)
    app = document.data.get("app") if isinstance(document, yamlio.Document) else None
    name = app.get("name") if isinstance(app, dict) else None
    return str(name) if isinstance(name, str) else None
