"""The one YAML loader: positions on every node, risky YAML refused, never an exception.

``parse(data, path)`` returns a ``Document`` or a ``Diagnostic``. It parses with libyaml
(``yamlio.fast``) and falls back to ruamel.yaml (``yamlio.careful``) whenever the fast path
declines, so every diagnostic, and every refusal, comes from the careful parser;
``careful=True`` skips the fast path (tests compare both on every fixture).
"""

from __future__ import annotations

from oin_gitops.diagnostics import Diagnostic, Severity
from oin_gitops.yamlio import careful as _careful
from oin_gitops.yamlio import fast as _fast
from oin_gitops.yamlio.careful import scalar_span
from oin_gitops.yamlio.checks import MAX_BYTES, MAX_DEPTH, YamlProblem, _problem, decode
from oin_gitops.yamlio.document import Document, Pointer

__all__ = [
    "MAX_BYTES",
    "MAX_DEPTH",
    "Document",
    "Pointer",
    "YamlProblem",
    "decode",
    "parse",
    "scalar_span",
]


def _load(text: str, careful: bool) -> object:
    if not careful and _fast.AVAILABLE:
        try:
            return _fast.load(text)
        except _fast.Fallback:
            pass
    return _careful.load(text)


def parse(data: bytes, path: str, *, careful: bool = False) -> Document | Diagnostic:
    """Parse ``data`` read from ``path``; bad input becomes a ``Diagnostic``, never an exception."""
    try:
        if len(data) > MAX_BYTES:
            raise _problem(
                "file-too-large",
                f"the file is {len(data):,} bytes; YAML files may be at most {MAX_BYTES:,} bytes",
                "Shorten the file; no submission needs this much YAML.",
                1,
                1,
            )
        text = decode(data)
        loaded = _load(text, careful)
        if loaded is None:
            raise _problem("file-empty", "the file is empty", _empty_help(path), 1, 1)
        if not isinstance(loaded, dict):
            raise _problem(
                "yaml-not-mapping",
                f"the top level of the file is a {_kind_name(loaded)}, not a mapping of keys",
                "Start the file with 'key: value' lines.",
                1,
                1,
            )
        return Document(path, loaded, text.split("\n", 1)[0], text)
    except YamlProblem as problem:
        return Diagnostic(
            path=path,
            rule=problem.rule,
            severity=Severity.ERROR,
            message=problem.message,
            help=problem.help,
            line=problem.line,
            column=problem.column,
        )


def _empty_help(path: str) -> str:
    folder, _, name = path.rpartition("/")
    if name != "submission.yaml":
        return "Fill in the file, or delete it if the protocol does not apply."
    # `oin-gitops new` refuses an existing folder, so it scaffolds into a scratch repository.
    slug = folder.rpartition("/")[2] or "SLUG"
    return (
        f"Fill in submission.yaml: run 'oin-gitops new {slug} --protocol saml --repo "
        f"/tmp/oin-scaffold' and copy /tmp/oin-scaffold/submissions/{slug}/submission.yaml over "
        "this file, then replace its TODO values (or copy the submission.yaml of an example "
        "under submissions/ and edit it)."
    )


def _kind_name(value: object) -> str:
    if isinstance(value, list):
        return "list"
    if isinstance(value, str):
        return "text value"
    return type(value).__name__ if not isinstance(value, (int, float)) else "number"
