"""Characters that deceive a reader: look-alikes, and invisible characters in public text.

``skeleton`` is the Unicode TS #39 confusables skeleton, computed from the data that the
``confusable-homoglyphs`` package keeps of Unicode's ``confusables.txt`` (read on first use, not
at import); ``lookalike_key`` is the form in which two app names look the same, which
``duplicate-name`` compares. The rule ``invisible-character`` refuses bidi controls and other
invisible format characters in every field the catalog publishes.
"""

from __future__ import annotations

import functools
import json
import os
import re
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from importlib import resources
from typing import Any

from oin_gitops.catalog import public
from oin_gitops.rules.base import Finding, submission_rule
from oin_gitops.rules.content import walk
from oin_gitops.schema_check import field_name
from oin_gitops.schemas import FILE_SCHEMAS
from oin_gitops.submission import Submission, letters_and_digits, normalise_name
from oin_gitops.yamlio import Pointer

# Unicode's tag characters (U+E0000-U+E007F): invisible, and U+E0000 is not even assigned.
_TAGS = range(0xE0000, 0xE0080)
# At most this many characters are named in one message.
_NAMED = 3
_LRM = "\u200e"  # LEFT-TO-RIGHT MARK


@functools.cache
def _prototypes() -> dict[int, str]:
    """Each confusable code point's prototype (one or more characters), from the package's data.

    ``confusables.json`` is ``confusables.txt`` made symmetric: for each line ``X ; P`` (the
    code point X looks like the prototype P), X lists P and P lists X. Sources are single code
    points and never prototypes, so X is a source when P is its only neighbour and P is a
    sequence or has other neighbours. Where two lone code points list only each other the
    direction is lost; the lower one is taken as the prototype, which groups the same strings.
    Right-to-left characters are stored between U+200E marks, which are dropped.
    """
    text = resources.files("confusable_homoglyphs").joinpath("confusables.json").read_text("utf-8")
    data = json.loads(text, object_hook=_character)  # entries as bare characters: less memory
    neighbours = {char.replace(_LRM, ""): len(entries) for char, entries in data.items()}
    prototypes: dict[int, str] = {}
    for char, entries in data.items():
        char = char.replace(_LRM, "")
        if len(char) != 1 or len(entries) != 1:
            continue
        target = entries[0].replace(_LRM, "")
        lone_pair = len(target) == 1 and neighbours.get(target) == 1
        if not lone_pair or target < char:
            prototypes[ord(char)] = target
    return prototypes


def _character(entry: dict[str, Any]) -> Any:
    """An entry ``{"c": character, "n": its name}`` as its character; the top object as is."""
    return entry["c"] if entry.keys() == {"c", "n"} else entry


def _ascii_prototypes() -> list[tuple[str, str]]:
    """The few ASCII characters that have a prototype (``0`` → ``O``, ``m`` → ``rn``...)."""
    return [(chr(code), prototype) for code, prototype in _prototypes().items() if code < 128]


# ``_ascii_prototypes()`` as written out: ASCII text (every slug, most names) takes its
# skeleton without reading the 900 kB data file, which costs more than linting a folder.
# tests/test_names.py checks that the data still says exactly this.
ASCII_PROTOTYPES = (
    ("`", "'"), ('"', "''"), ("|", "l"), ("1", "l"), ("I", "l"), ("0", "O"), ("%", "º/₀"), ("m", "rn"),
)  # fmt: skip


def lookalike_version() -> str:
    """What ``lookalike_key`` gives depends on besides the code: Unicode's version and the
    confusables data (named by its size and modification time, so it is not read)."""
    data = os.stat(str(resources.files("confusable_homoglyphs").joinpath("confusables.json")))
    return f"unicode {unicodedata.unidata_version}; confusables {data.st_size} {data.st_mtime_ns}"


def skeleton(text: str) -> str:
    """The TS #39 skeleton of ``text``: NFD, each character replaced by its prototype, NFD.

    Two strings whose skeletons are equal look alike: ``skeleton("pаypal")`` (a Cyrillic а) is
    ``"paypal"``. As in the specification, case is kept: ``lookalike_key`` folds it. ASCII
    text, most names, takes a shortcut to the same result (about four times faster): NFD
    leaves it as it is, and replacing the few ASCII characters that have a prototype is the
    same single pass, since no prototype holds one of them.
    """
    if text.isascii():
        for char, prototype in ASCII_PROTOTYPES:
            if char in text:
                text = text.replace(char, prototype)
        return unicodedata.normalize("NFD", text)
    decomposed = unicodedata.normalize("NFD", text)
    return unicodedata.normalize("NFD", decomposed.translate(_prototypes()))


@functools.lru_cache(maxsize=1 << 16)
def lookalike_key(name: str) -> str:
    """The form in which two names look the same whatever their case, spacing and punctuation.

    NFKC (fullwidth and other compatibility forms, as ``normalise_name``), the skeleton,
    casefolded, the skeleton again (so the capital I of "PayPaI" meets the l of "Paypal": ``I``
    → ``l`` before folding, ``L`` → ``l`` only after), recomposed (NFC, so an accent stays on
    its letter), then letters and digits only. Cached: each name is compared with every other.
    """
    folded = skeleton(skeleton(unicodedata.normalize("NFKC", name)).casefold())
    return letters_and_digits(unicodedata.normalize("NFC", folded))


def name_keys(name: str) -> tuple[str, str]:
    """The two forms in which names (or slugs) collide: ``normalise_name`` (the same letters
    and digits) and ``lookalike_key`` (letters and digits that look the same)."""
    return normalise_name(name), lookalike_key(name)


def many_name_keys(texts: Sequence[str]) -> list[tuple[str, str]]:
    """``name_keys`` of each of ``texts``, ten times faster for the ASCII ones (nearly all of a
    catalog's names and slugs), which go through every step joined into one string.

    For ASCII text NFKC, NFD and NFC change nothing, casefolding is ``lower()``, and the
    skeleton replaces the ``ASCII_PROTOTYPES``, each on its own, so each step gives the joined
    keys of the joined texts as long as a text holds no newline (the joint) and no ``%`` (whose
    prototype is not ASCII); those take ``name_keys``.
    """
    plain = [i for i, text in enumerate(texts) if text.isascii() and not _JOINT.search(text)]
    if not plain:
        return [name_keys(text) for text in texts]
    joined = "\n".join(texts[i] for i in plain)
    same = _letters_and_digits_by_line(joined.lower())
    alike = _letters_and_digits_by_line(_ascii_skeleton(_ascii_skeleton(joined).lower()))
    found = dict(zip(plain, zip(same, alike, strict=True), strict=True))
    return [found[i] if i in found else name_keys(text) for i, text in enumerate(texts)]


_JOINT = re.compile(r"[\n%]")
# Everything ``letters_and_digits`` drops but the newline that joins texts.
_NOT_ALNUM_BUT_JOINT = re.compile(r"[^\w\n]+|_+")


def _ascii_skeleton(text: str) -> str:
    for char, prototype in ASCII_PROTOTYPES:
        text = text.replace(char, prototype)
    return text


def _letters_and_digits_by_line(text: str) -> list[str]:
    return _NOT_ALNUM_BUT_JOINT.sub("", text).split("\n")


def lookalike_characters(name: str, other: str) -> list[str]:
    """The characters of ``name`` that make it look like ``other`` without being it: those that
    pass for another single character (beyond case) and that ``other`` does not hold in either
    case. (An m, which passes for "rn", is left to the reader.)"""
    theirs = other.casefold()
    found = (ch for ch in name if _confusable(ch) and ch.casefold() not in theirs)
    return list(dict.fromkeys(found))


def _confusable(ch: str) -> bool:
    key = lookalike_key(ch)
    return len(key) == 1 and key != normalise_name(ch)


def mixes_scripts(text: str) -> bool:
    """Whether ``text`` holds letters of more than one script (Latin and Cyrillic, say)."""
    from confusable_homoglyphs import categories  # only when a look-alike is reported

    return len(categories.unique_aliases(text) - {"COMMON", "INHERITED", "Unknown"}) > 1


def is_invisible(ch: str) -> bool:
    """A format character (category Cf: bidi controls, zero-width characters, the soft hyphen,
    U+FEFF) or a tag character: none shows as itself, and bidi controls reorder their
    neighbours."""
    return unicodedata.category(ch) == "Cf" or ord(ch) in _TAGS


def invisible_in(text: str) -> list[str]:
    """The distinct invisible characters of ``text``, in order of appearance."""
    if text.isascii():
        return []
    return list(dict.fromkeys(ch for ch in text if is_invisible(ch)))


def describe(chars: list[str]) -> str:
    """``U+0435 CYRILLIC SMALL LETTER IE and U+200B ZERO WIDTH SPACE``; at most ``_NAMED``."""
    named = [f"U+{ord(ch):04X} {unicodedata.name(ch, '(unassigned)')}" for ch in chars[:_NAMED]]
    if len(chars) > _NAMED:
        named.append(f"{len(chars) - _NAMED} more")
    return named[0] if len(named) == 1 else ", ".join(named[:-1]) + " and " + named[-1]


def shown(text: str) -> str:
    """``text`` for a message: invisible and control characters written as YAML escapes
    (``\\u202e``), so the message neither hides nor reorders them."""
    return "".join(_escape(ch) if _hidden(ch) else ch for ch in text)


def _hidden(ch: str) -> bool:
    return is_invisible(ch) or unicodedata.category(ch) == "Cc"


def _escape(ch: str) -> str:
    code = ord(ch)
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def published(data: Any, schema_name: str, pointers: list[Pointer]) -> list[Pointer]:
    """Those of ``pointers`` (to strings in ``data``) whose values the catalog would publish.

    ``catalog.public`` decides, from the schemas' ``x-oin-private`` marks; each string at a
    pointer is swapped for a token naming it (every other string for ""), so the tokens that
    come out of the filter name their pointers, even in lists the filter shortened.
    """
    tokens = {tuple(pointer): f"\0{index}" for index, pointer in enumerate(pointers)}
    kept = public.public_fields(_tokenised(data, (), tokens), schema_name)
    out = {value for _, value in walk(kept) if isinstance(value, str) and value}
    return [pointer for pointer, token in tokens.items() if token in out]


def _texts(data: Any) -> Iterator[str]:
    """Every string value of a parsed document, in no particular order."""
    stack = [data]
    while stack:
        value = stack.pop()
        if isinstance(value, str):
            yield value
        elif isinstance(value, dict):
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)


def _tokenised(value: Any, pointer: tuple[str | int, ...], tokens: Mapping[Any, str]) -> Any:
    if isinstance(value, dict):
        return {k: _tokenised(v, (*pointer, k), tokens) for k, v in value.items()}
    if isinstance(value, list):
        return [_tokenised(v, (*pointer, i), tokens) for i, v in enumerate(value)]
    return tokens.get(pointer, "") if isinstance(value, str) else value


@submission_rule(
    id="invisible-character",
    summary="Public text holds no bidi controls or other invisible format characters.",
    help=(
        "Delete the character; if your editor does not show it, retype the value instead of "
        "pasting it."
    ),
)
def invisible_character(submission: Submission) -> Iterator[Finding]:
    r"""A bidi control (U+061C, U+200E, U+200F, U+202A–U+202E, U+2066–U+2069) reorders the
    text around it, and the other format characters (Unicode category Cf: U+200B ZERO WIDTH
    SPACE, the joiners U+200C and U+200D, U+2060, U+FEFF, the soft hyphen U+00AD...) and the
    tag characters U+E0000–U+E007F do not show at all, so an app name or a description
    holding one reads differently from what it is: a name can pass for another's, or reverse
    its end. Every field the catalog publishes is checked (all but those the schemas mark
    ``x-oin-private``), whether the character is typed or written as a YAML escape such as
    ``"\u202e"``.

    Passes: ``name: Acme Notes``. Fails: ``name: "Acme Notes\u202e"`` (U+202E RIGHT-TO-LEFT
    OVERRIDE).
    """
    for name, document in submission.documents.items():
        if name not in FILE_SCHEMAS or not any(map(invisible_in, _texts(document.data))):
            continue  # the common case, checked without building a pointer per value
        suspects = {
            tuple(pointer): chars
            for pointer, value in walk(document.data)
            if isinstance(value, str) and (chars := invisible_in(value))
        }
        for pointer in published(document.data, FILE_SCHEMAS[name], list(suspects)):
            chars = suspects[tuple(pointer)]
            line, column = document.position(pointer)
            kind = "an invisible character" if len(chars) == 1 else "invisible characters"
            yield Finding(
                document.path,
                f"'{field_name(pointer)}' holds {describe(chars)}, {kind} that can disguise text",
                line,
                column,
            )
