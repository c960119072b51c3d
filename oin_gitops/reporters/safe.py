"""Submission text made safe to print: the one escaping step every reporter shares.

Messages quote keys and values from YAML and paths name files and folders, so any of them may
hold characters a reader cannot see or a terminal or CI runner acts on. Rules keep the plain
text; reporters pass it through here on the way out:

- ``visible`` shows control characters (C0 including ESC, DEL, C1), bidi controls, the
  Unicode line and paragraph separators and lone surrogates as escapes, ``\\n``, ``\\x1b``,
  ``\\u202e``: nothing raw reaches a terminal, a log or a web page, and nothing is dropped.
  A line break a reporter writes itself is its own, never the submission's.
- ``inert`` keeps a line from being read as a GitHub workflow command: the runner acts on a
  line starting with ``::`` (after whitespace) and on ``##[`` anywhere in a line.
- ``json_text`` writes JSON whose every line is safe to print, yet decodes to the exact data.
- ``url_quote`` percent-encodes a path for a link, even a file name that is not UTF-8.

Backslashes are left as they are, so a submission that writes ``\\x1b`` itself looks the same
as an escaped ESC; that can mislead a reader about a character, never hide text or run a command.
"""

from __future__ import annotations

import json
import re
from urllib.parse import quote

# Characters JSON itself escapes (C0), and those it leaves raw.
_C0 = "\x00-\x1f"
_OTHERS = (
    "\x7f-\x9f"  # DEL and C1 (CSI, OSC, NEL ...)
    "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"  # bidi controls
    "\u2028\u2029"  # line and paragraph separators
    "\ud800-\udfff"  # lone surrogates: valid in YAML escapes, not encodable as UTF-8
)
UNSAFE = re.compile(f"[{_C0}{_OTHERS}]")
_UNSAFE_IN_JSON = re.compile(f"[{_OTHERS}]")
_SHORT = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}

# GitHub's runner: "::name ...::" at the start of a line (ActionCommand.TryParseV2, after
# TrimStart) and the legacy "##[name ...]" anywhere in a line (ActionCommand.TryParse).
_LEADING_COLONS = re.compile(r"^(\s*):(?=:)")
LEGACY_COMMAND = "##["


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    code = ord(char)
    return _SHORT.get(char) or (f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}")


def visible(text: str) -> str:
    """``text`` with every character in ``UNSAFE`` shown as an escape (``\\x1b``, ``\\u202e``)."""
    return UNSAFE.sub(_escape, text)


def inert(line: str) -> str:
    """``line`` (already ``visible``) as a line no runner reads as a command: the colon that
    would start ``::`` becomes ``\\x3a`` and the bracket of ``##[`` becomes ``\\x5b``."""
    return _LEADING_COLONS.sub(r"\1\\x3a", line).replace(LEGACY_COMMAND, "##\\x5b")


def json_text(document: object) -> str:
    """``document`` as indented JSON that decodes to exactly ``document``, in which no line
    holds a raw control, bidi or separator character or a ``##[``.

    ``json.dumps`` escapes C0 itself; the other ``UNSAFE`` characters become ``\\uXXXX`` and
    ``##[`` becomes ``##\\u005b``. ``#`` only ever occurs inside a JSON string, so the
    replacement is always a string escape. No line can start with ``::``: in indented JSON
    every line starts with a quote, a bracket, a brace, a number or a literal.
    """
    text = json.dumps(document, indent=2, ensure_ascii=False)
    text = _UNSAFE_IN_JSON.sub(lambda match: f"\\u{ord(match.group()):04x}", text)
    return text.replace(LEGACY_COMMAND, "##\\u005b")


def url_quote(text: str, keep: str = "/") -> str:
    """``text`` percent-encoded for a URL, leaving the characters in ``keep`` as they are.

    Python reads a file name that is not UTF-8 with lone surrogates (``surrogateescape``);
    those turn back into the name's own bytes, and any other lone surrogate into its escape,
    so no name can make a reporter fail.
    """
    try:
        data = text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        data = text.encode("utf-8", "backslashreplace")
    return quote(data, safe=keep)


def printable(text: str) -> str:
    """One line for a terminal or a CI log: ``visible``, then ``inert`` (a message that names
    a folder or quotes an error from a submission)."""
    return inert(visible(text))
