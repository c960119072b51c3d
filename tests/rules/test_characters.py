"""Look-alike names (the TS #39 skeleton) and invisible characters in public text."""

from __future__ import annotations

import subprocess
import sys
import unicodedata

import pytest

from oin_gitops import yamlio
from oin_gitops.rules import characters
from oin_gitops.rules.characters import (
    describe,
    invisible_in,
    lookalike_characters,
    lookalike_key,
    shown,
    skeleton,
)
from oin_gitops.submission import app_name_in, letters_and_digits
from oin_gitops.yamlio import fast
from tests.conftest import (
    SAML_YAML,
    SEALED,
    SUBMISSION_YAML,
    ScratchRepo,
    edited_findings,
    rule_findings,
)

GENERAL = "submissions/acme-notes/submission.yaml"
SAML = "submissions/acme-notes/saml.yaml"
RULE = "invisible-character"

# (Latin, look-alike): equal skeletons, by Unicode's confusables data.
SKELETON_SAME = [
    ("cyrillic-a", "a", "\u0430"),
    ("cyrillic-ie", "e", "\u0435"),
    ("cyrillic-o", "o", "\u043e"),
    ("cyrillic-er", "p", "\u0440"),
    ("cyrillic-es", "c", "\u0441"),
    ("cyrillic-capital-ve", "B", "\u0412"),
    ("greek-omicron", "o", "\u03bf"),
    ("greek-capital-rho", "P", "\u03a1"),
    ("fullwidth-a", "a", "\uff41"),
    ("fullwidth-word", "Ace", "\uff21\uff43\uff45"),
    ("mathematical-bold-a", "a", "\U0001d41a"),
    ("rn-for-m", "rn", "m"),
    ("zero-for-o", "O", "0"),
    ("capital-i-for-l", "l", "I"),
    ("one-for-l", "l", "1"),
    ("whole-word", "paypal", "\u0440\u0430\u0443\u0440\u0430l"),
    ("composed-and-decomposed", "\u00e9", "e\u0301"),
]  # fmt: skip

SKELETON_DIFFERENT = [
    ("accent-kept", "e", "\u00e9"),
    ("case-kept", "Acme", "acme"),
    ("cl-is-not-d", "cl", "d"),
    ("different-letters", "Acme Notes", "Acme Tasks"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("plain", "alike"), [c[1:] for c in SKELETON_SAME], ids=[c[0] for c in SKELETON_SAME]
)
def test_skeletons_of_look_alikes_are_equal(plain: str, alike: str) -> None:
    assert skeleton(alike) == skeleton(plain)


@pytest.mark.parametrize(
    ("one", "other"),
    [c[1:] for c in SKELETON_DIFFERENT],
    ids=[c[0] for c in SKELETON_DIFFERENT],
)
def test_skeletons_of_different_text_differ(one: str, other: str) -> None:
    assert skeleton(one) != skeleton(other)


def test_a_skeleton_is_its_own_skeleton() -> None:
    text = "Acme N\u03bftes \u0412right\u0414esk G00gle PayPaI \uff41"
    assert skeleton(skeleton(text)) == skeleton(text)


LOOKALIKE_KEYS = [
    ("cyrillic-e-any-case", "BrightDesk", "brightd\u0435sk", True),
    ("capital-i-for-l", "Paypal", "PayPaI", True),
    ("zero-and-punctuation", "Acme Notes", "ACME-N0TES", True),
    ("one-for-l", "Ledgerly", "Ledger1y", True),
    ("rn-for-m", "Acme Notes", "Acrne Notes", True),
    ("mixed-fullwidth-and-cyrillic", "Acme", "\uff21c\uff4d\u0435", True),
    ("different", "Acme Notes", "Acme Tasks", False),
    ("accented", "Acme Notes", "Acm\u00e9 Notes", False),
]  # fmt: skip


@pytest.mark.parametrize(
    ("one", "other", "same"),
    [c[1:] for c in LOOKALIKE_KEYS],
    ids=[c[0] for c in LOOKALIKE_KEYS],
)
def test_lookalike_keys(one: str, other: str, same: bool) -> None:
    assert (lookalike_key(one) == lookalike_key(other)) is same


def test_lookalike_characters_name_the_swapped_ones() -> None:
    assert lookalike_characters("Br\u0456ghtD\u0435sk", "BrightDesk") == ["\u0456", "\u0435"]
    assert lookalike_characters("BrightDesk", "BrightD\u0435sk") == []
    assert lookalike_characters("G00gle", "Google") == ["0"]
    assert describe(["\u0435", "0"]) == "U+0435 CYRILLIC SMALL LETTER IE and U+0030 DIGIT ZERO"


def test_the_confusables_data_is_read_only_when_names_are_compared() -> None:
    code = (
        "import sys\n"
        "from oin_gitops import engine\n"
        "from oin_gitops.rules import characters\n"
        "assert characters._prototypes.cache_info().currsize == 0\n"
        "assert 'confusable_homoglyphs.confusables' not in sys.modules\n"
        "assert characters.skeleton('\\u0430') == 'a'\n"
        "assert characters._prototypes.cache_info().currsize == 1\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


INVISIBLE = [
    "\u061c", "\u200e", "\u200f", "\u202a", "\u202b", "\u202c", "\u202d", "\u202e",
    "\u2066", "\u2067", "\u2068", "\u2069",
    "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u180e",
    "\U000e0000", "\U000e0001", "\U000e0041", "\U000e007f",
]  # fmt: skip
VISIBLE = ["Acme Notes", "Acm\u00e9 Notizen f\u00fcr Teams", "\u05d0\u05e7\u05de\u05d4", "\u0410\u043a\u043c\u0435", "\U0001f4dd", "\u00a0"]  # fmt: skip


@pytest.mark.parametrize("char", INVISIBLE, ids=lambda c: f"U+{ord(c):04X}")
def test_invisible_characters(char: str) -> None:
    assert invisible_in(f"Acme{char}Notes{char}") == [char]


@pytest.mark.parametrize("text", VISIBLE)
def test_visible_text(text: str) -> None:
    assert invisible_in(text) == []


def test_shown_escapes_what_would_hide_or_reorder() -> None:
    assert shown("Acme\u202eNotes") == "Acme\\u202eNotes"
    assert shown("Acme\U000e0041") == "Acme\\U000e0041"
    assert shown("two\nlines") == "two\\u000alines"
    assert shown("Acm\u0435 Notes") == "Acm\u0435 Notes"


def holds(field: str, chars: str) -> str:
    kind = "an invisible character" if " and " not in chars else "invisible characters"
    return f"'{field}' holds {chars}, {kind} that can disguise text"


RLO = "U+202E RIGHT-TO-LEFT OVERRIDE"
ZWSP = "U+200B ZERO WIDTH SPACE"
DESCRIPTION = "description: Acme Notes gives teams shared notebooks; the Okta integration adds single sign-on."

SUBMISSION_EDITS = [
    ("rlo-escaped", "name: Acme Notes", 'name: "Acme Notes\\u202e"', [(4, 9, holds("app.name", RLO))]),
    ("zwsp-typed", "name: Acme Notes", "name: Acme\u200bNotes", [(4, 9, holds("app.name", ZWSP))]),
    ("tag-characters", "name: Acme Notes", 'name: "Acme Notes\\U000e0041\\U000e0000"',
     [(4, 9, holds("app.name", "U+E0041 TAG LATIN CAPITAL LETTER A and U+E0000 (unassigned)"))]),
    ("two-in-description", DESCRIPTION,
     'description: "Acme Notes gives teams shared\\u00adnotebooks\\u200d; the Okta integration."',
     [(6, 16, holds("app.description", "U+00AD SOFT HYPHEN and U+200D ZERO WIDTH JOINER"))]),
    ("list-item", "use_cases: [Automation]", 'use_cases: [Automation, "Zero\\u200bTrust"]',
     [(7, 27, holds("app.use_cases[1]", ZWSP))]),
    ("item-after-one-not-published", "use_cases: [Automation]",
     'use_cases: [Automation, 2024-01-01, "Zero\\u200bTrust"]',
     [(7, 39, holds("app.use_cases[2]", ZWSP))]),
    ("tenant-setting-label", "{label: Subdomain,", '{label: "Sub\\u2066domain",',
     [(10, 13, holds("tenant_settings[0].label", "U+2066 LEFT-TO-RIGHT ISOLATE"))]),
    ("public-contact", "- email: help@acme.example", '- email: "help@acme.example\\u200f"',
     [(13, 14, holds("support.contacts[0].email", "U+200F RIGHT-TO-LEFT MARK"))]),
    ("private-escalation", "escalation: oin-escalations@acme.example",
     'escalation: "oin-escalations@acme.example\\u200b"', []),
    ("private-test-account", "username: isvtest@okta.com", 'username: "isvtest@okta.com\\u202e"', []),
    ("private-owners", "okta_org: https://acme.okta.com", 'okta_org: "https://acme.okta.com\\u200b"', []),
    ("unknown-key-is-not-published", "logo: logo.png", 'logo: logo.png\n  "extra\\u200b": "x\\u200b"', []),
    ("visible-unicode", "name: Acme Notes", "name: Acm\u00e9 \u05d0\u05e7\u05de\u05d4 \u0410\u043a\u043c\u0435", []),
]  # fmt: skip


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [case[1:] for case in SUBMISSION_EDITS],
    ids=[case[0] for case in SUBMISSION_EDITS],
)
def test_invisible_character_in_submission_yaml(
    repo: ScratchRepo, old: str, new: str, expected: list[tuple[int, int, str]]
) -> None:
    assert edited_findings(repo, RULE, old, new) == [(GENERAL, *e) for e in expected]


def test_invisible_character_in_a_protocol_file(repo: ScratchRepo) -> None:
    old = "config_guide_url: https://acme.example/docs/okta-saml"
    new = 'config_guide_url: "https://acme.example/docs/okta-saml\\u202e"'
    assert rule_findings(repo, RULE, saml_yaml=SAML_YAML.replace(old, new)) == [
        (SAML, 4, 19, holds("config_guide_url", RLO))
    ]


# Names the fast scan of other folders (``app_name_in``) must read exactly as the parser does:
# YAML also breaks lines at a lone CR, NEL, LINE SEPARATOR and PARAGRAPH SEPARATOR.
SCANNED_NAMES = [
    "Acme\rNotes", "Acme Notes\r", "Acme\x85Notes", "Acme Notes\u2028", "\u2029Acme Notes",
    "Acme\u202eNotes", "Acm\u0435 Notes\ufeff", "Acme\u200bNotes\U000e0041", "Acme\u00a0Notes",
]  # fmt: skip


@pytest.mark.parametrize("newline", ["\n", "\r\n"], ids=["lf", "crlf"])
@pytest.mark.parametrize("name", SCANNED_NAMES, ids=lambda n: n.encode("unicode_escape").decode())
def test_the_name_scan_reads_what_the_parser_reads(
    name: str, newline: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = SUBMISSION_YAML.format(name=name, sealed=SEALED).replace("\n", newline)
    scanned = app_name_in(text.encode(), "submission.yaml")
    monkeypatch.setattr(fast, "AVAILABLE", False)
    document = yamlio.parse(text.encode(), "submission.yaml")
    parsed = document.data["app"]["name"] if isinstance(document, yamlio.Document) else None
    assert scanned == parsed


def test_letters_and_digits_keeps_exactly_what_isalnum_keeps() -> None:
    every = "".join(map(chr, range(sys.maxunicode + 1)))
    assert letters_and_digits(every) == "".join(ch for ch in every if ch.isalnum())


def test_the_ascii_shortcut_of_the_skeleton_is_the_full_mapping() -> None:
    def full(text: str) -> str:
        decomposed = unicodedata.normalize("NFD", text)
        return unicodedata.normalize("NFD", decomposed.translate(characters._prototypes()))

    printable = [chr(code) for code in range(32, 127)]
    texts = [a + b for a in printable for b in printable] + ["Acme Notes 100% |m|"]
    assert [skeleton(text) for text in texts] == [full(text) for text in texts]
