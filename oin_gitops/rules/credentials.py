"""Find credentials in a text: where each one starts and ends, and what kind it is, never more.

The maintained detector detect-secrets does most of the work: its format plugins (private keys,
AWS, GitHub, GitLab, Slack, Stripe and other tokens, JSON Web Tokens, passwords in URLs), its
keyword plugin (``password: ...``, ``api_key=...``), its Shannon entropy and its
false-positive heuristics (UUIDs, sequences, IDs). Small detectors of our own add what OIN
submissions hold: a password typed after a user name or after the word "password", API keys
such as ``<word>_live_...``, Okta API tokens, and the value of an Authorization header.

The plugins are built once per process by ``scanner()``, and detect-secrets is imported only
then: with ``requests`` it costs about 100 ms, which ``oin-gitops`` start-up should not pay.
"""

from __future__ import annotations

import base64
import binascii
import functools
import importlib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from enum import Enum
from typing import Any


class Scope(Enum):
    """How much of a text is scanned."""

    SKIP = "skip"  # nothing to find (sealed, enum, e-mail)
    FORMATS = "formats"  # one token (a URL, an ID): the token formats only
    TEXT = "text"  # free text: every detector


@dataclass(frozen=True)
class Hit:
    """A credential at ``text[start:end]``; ``kind`` names it for a message."""

    start: int
    end: int
    kind: str


GITLAB_MARKS = (
    *("glpat-", "gldt-", "glft-", "glsoat-", "glrt-", "glcbt-", "glimt-", "glptt-", "glagent-"),
    *("gloas-", "gr1348941"),
)
# detect-secrets format plugins (module, class), what each finds, and the marks (lower case)
# one of which is in every text it matches, so that most plugins are skipped with a substring
# test; tests pin each plugin on a sample. Left out: the Artifactory plugin (it takes
# capitalised words such as APEXCLOUDHUB for passwords), the public-IP plugin (an address is
# no credential) and the IBM, Cloudant and SoftLayer assignment plugins (no OIN use).
FORMAT_PLUGINS: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    ("private_key", "PrivateKeyDetector", "a private key", ("private key", "putty")),
    ("aws", "AWSKeyDetector", "an AWS access key", ("a3t", "abia", "acca", "akia", "asia", "aws")),
    (
        "github_token",
        "GitHubTokenDetector",
        "a GitHub token",
        ("ghp_", "gho_", "ghu_", "ghs_", "ghr_"),
    ),
    ("gitlab_token", "GitLabTokenDetector", "a GitLab token", GITLAB_MARKS),
    ("slack", "SlackDetector", "a Slack token or webhook", ("xox", "hooks.slack")),
    ("stripe", "StripeDetector", "a Stripe key", ("k_live_",)),
    ("jwt", "JwtTokenDetector", "a JSON Web Token", ("eyj",)),
    ("basic_auth", "BasicAuthDetector", "a password in a URL", ("@",)),
    ("openai", "OpenAIDetector", "an OpenAI key", ("t3blbkfj",)),
    ("sendgrid", "SendGridDetector", "a SendGrid key", ("sg.",)),
    ("twilio", "TwilioKeyDetector", "a Twilio key", ()),
    ("discord", "DiscordBotTokenDetector", "a Discord bot token", ()),
    ("telegram_token", "TelegramBotTokenDetector", "a Telegram bot token", ()),
    ("mailchimp", "MailchimpDetector", "a Mailchimp key", ("-us",)),
    ("npm", "NpmDetector", "an npm token", ("_authtoken",)),
    ("pypi_token", "PypiTokenDetector", "a PyPI token", ("pypi-",)),
    ("square_oauth", "SquareOAuthDetector", "a Square OAuth secret", ("sq0csp-",)),
    ("azure_storage_key", "AzureStorageKeyDetector", "an Azure storage key", ("accountkey=",)),
)
NAMED = "a password or key after its name"
PAIR = "a password after a user name"
RANDOM = "a random-looking key or token"

# Our own token formats.
PRIVATE_KEY = re.compile(r"-----BEGIN [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----")
PREFIXED_KEY = re.compile(
    r"(?<![A-Za-z0-9])[A-Za-z][A-Za-z0-9]{1,15}_(?:live|test|prod|sandbox)_[A-Za-z0-9]{20,}"
)
OKTA_TOKEN = re.compile(r"(?<![\w-])00[A-Za-z0-9_-]{40}(?![\w-])")
HEADER_TOKEN = re.compile(r"\b(?:Bearer|SSWS)\s+(?P<value>[A-Za-z0-9._~+/=-]{16,})")
BASIC_HEADER = re.compile(r"\bBasic\s+(?P<value>[A-Za-z0-9+/]{8,}={0,2})(?![\w+/=])")
# Every token format holds a run of 16 token characters or one of these marks (the formats
# that can be shorter: private keys, JWTs, npm tokens, Authorization headers), "xox" (Slack),
# or "://" and "@" (a password in a URL). These cheap tests rule out most text.
LONG_RUN = re.compile(r"[A-Za-z0-9_+/=-]{16}")
FORMAT_MARK = re.compile(r"PRIVATE KEY|PuTTY|eyJ|_authToken|Bearer|SSWS|Basic")

# A password after "password" or a user name; a token after "token".
PASSWORD_WORD = re.compile(
    r"\b(?:pass(?:word|wd|code)|pwd|pw|pass(?=\s*[:=]))\b(?P<sep>\s*(?:is\b|[:=]))?\s*"
    r"(?P<value>\S+)",
    re.IGNORECASE,
)
TOKEN_WORD = re.compile(r"(?:token|secret|key)\b\s*(?:is\b|[:=])\s*(?P<value>\S+)", re.I)
NAMED_WORDS = ("pass", "pw", "secret", "key", "token", "contrase")  # one is in each such text
# detect-secrets' keyword regexes all need a colon or an equals sign after the keyword (and
# the rest of its word, a closing quote or bracket): a line without one is not handed to it.
KEYWORD_HINT = re.compile(r"(?:pass|pwd|secret|key|contrase)[\w.\-\"'\])]*\s*[:=]", re.IGNORECASE)
# What a plugin without marks can match at all (its own regex is stricter): Twilio's
# AC/SK + 32, Discord's three dotted parts, Telegram's bot id and colon.
UNMARKED_GATES = {
    "TwilioKeyDetector": re.compile(r"(?i)\b(?:ac|sk)[a-z0-9]{32}"),
    "DiscordBotTokenDetector": re.compile(r"[\w-]{23,}\.[\w-]{6}\.[\w-]{27}"),
    "TelegramBotTokenDetector": re.compile(r"\d{8,10}:[\w-]{35}"),
}
EMAIL = r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
# A user name, then its password: "a / b", "a | b", "a:b", "a, b", "a and b", "a with b".
SEPARATOR = r"(?:[ \t]*[/|:,][ \t]*|[ \t]+(?:and|with)[ \t]+)(?P<value>\S+)"
EMAIL_PAIR = re.compile(rf"(?<![\w.+-]){EMAIL}{SEPARATOR}")
LOGIN_PAIR = re.compile(
    r"(?i:\b(?:log\s*(?:in|on)|sign\s*in|login|user\s*(?:name)?|account|credentials?))"
    rf"\s*(?:as\b|with\b|is\b|[:=])?\s*[\w.+-]{{2,64}}{SEPARATOR}"
)
LABEL = re.compile(r"[A-Za-z_]{2,20}[:=]")
# What a password is not: a URL or path, an e-mail, a field name, a template, one repeated mark.
NOT_A_PASSWORD = re.compile(
    rf"://|^//|^{EMAIL}$|^sealed:|^[A-Za-z_]+(?:\.[A-Za-z_]+)+$|^[<{{$%]|^(.)\1*$"
)
TOKEN = re.compile(r"[A-Za-z0-9._~+/=-]+")
STRIP_AFTER = ".,;:!?)]}'\"\u201d\u2019"
STRIP_BEFORE = "([{'\"\u201c\u2018"

# Candidates for the entropy test: base64 or hex runs outside URLs.
CANDIDATE = re.compile(r"[A-Za-z0-9+/_-]{20,}={0,2}")
HEX = re.compile(r"[0-9a-fA-F]+")
DIGEST_BEFORE = re.compile(
    r"(?:fingerprint|thumbprint|sha-?\d*|md5|hash|digest|checksum|commit)\W{0,20}$", re.I
)
# URLs and URNs: identifiers, read for a password in the URL only (by its format).
URL = re.compile(r"(?:[A-Za-z][A-Za-z0-9+.-]*://|(?i:urn):)[^\s<>\"'`]+")
SEALED = re.compile(r"sealed:v\d+:[0-9a-f]{16}:[A-Za-z0-9+/]*={0,2}")


def _classes(token: str) -> tuple[int, bool, bool]:
    """(how many of lower, upper, digit, symbol ``token`` has; a digit?; a symbol?)."""
    digit = any(c.isdigit() for c in token)
    symbol = any(not c.isalnum() and c not in "-_'" for c in token)
    lower = any(c.islower() for c in token)
    upper = any(c.isupper() for c in token)
    return lower + upper + digit + symbol, digit, symbol


def password_like(token: str, *, named: bool) -> bool:
    """Whether ``token`` looks like a password: after the word "password" (``named``) two
    classes of characters and a digit or symbol; after a user name alone, three and a digit."""
    if not 6 <= len(token) <= 128 or NOT_A_PASSWORD.search(token):
        return False
    classes, digit, symbol = _classes(token)
    if named:
        return classes >= 2 and (digit or symbol)
    return classes >= 3 and digit


def token_like(token: str) -> bool:
    """Whether ``token`` looks like an API token: 16 or more token characters, letters and
    digits."""
    if len(token) < 16 or not TOKEN.fullmatch(token) or NOT_A_PASSWORD.search(token):
        return False
    return any(c.isdigit() for c in token) and any(c.isalpha() for c in token)


def _basic_credential(value: str) -> bool:
    """Whether ``value`` is base64 of ``user:password`` (not a word such as "authentication")."""
    try:
        decoded = base64.b64decode(value + "=" * (-len(value) % 4), validate=True)
        return ":" in decoded.decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return False


def _word(text: str, start: int, end: int) -> tuple[int, str]:
    """The first word of ``text[start:end]`` without the punctuation around it, and its offset."""
    words = text[start:end].split(maxsplit=1)
    if not words:
        return start, ""
    offset = text.find(words[0], start)
    stripped = words[0].lstrip(STRIP_BEFORE)
    return offset + len(words[0]) - len(stripped), stripped.rstrip(STRIP_AFTER)


def mask(text: str, pattern: re.Pattern[str]) -> str:
    """``text`` with every match of ``pattern`` blanked out, offsets and line breaks kept."""
    return pattern.sub(lambda m: "\n".join(" " * len(line) for line in m.group().split("\n")), text)


def _formats_possible(text: str) -> tuple[bool, bool]:
    """(whether ``text`` has a run of 16 token characters, whether any format may match)."""
    if LONG_RUN.search(text):
        return True, True
    if FORMAT_MARK.search(text):
        return False, True
    return False, "xox" in text.lower() or ("://" in text and "@" in text)


# Our own formats: the regex (the secret is its group "value", if any), what it finds, its
# marks, and what the secret must look like.
OWN_FORMATS: tuple[
    tuple[re.Pattern[str], str, tuple[str, ...], Callable[[str], bool] | None], ...
] = (
    (PRIVATE_KEY, "a private key", ("private key",), None),
    (OKTA_TOKEN, "an Okta API token", ("00",), None),
    (
        PREFIXED_KEY,
        "a live or test API key",
        ("_live_", "_test_", "_prod_", "_sandbox_"),
        token_like,
    ),
    (HEADER_TOKEN, "a token in an Authorization header", ("bearer", "ssws"), token_like),
    (BASIC_HEADER, "a password in an Authorization header", ("basic",), _basic_credential),
)


# Texts up to this long are remembered, up to this many of them (a few MB at most).
MEMO_TEXT = 400
MEMO_SIZE = 20_000


class Scanner:
    """detect-secrets' plugins and the detectors that run them on a text. Each plugin is made
    the first time a text could match it, so linting clean text never imports detect-secrets
    (which imports ``requests``): one folder's lint starts fast."""

    def __init__(self) -> None:
        every = [marks for *_, marks in FORMAT_PLUGINS] + [own[2] for own in OWN_FORMATS]
        self.marks = {mark for marks in every for mark in marks}
        self._plugins: dict[str, Any] = {}
        # One memo per scope, keyed by the text (an enum's hash is slow Python code).
        self._memo: dict[Scope, dict[str, tuple[Hit, ...]]] = {scope: {} for scope in Scope}

    def _plugin(self, module: str, name: str) -> Any:
        if name not in self._plugins:
            self._plugins[name] = getattr(
                importlib.import_module(f"detect_secrets.plugins.{module}"), name
            )()
        return self._plugins[name]

    @functools.cached_property
    def keyword(self) -> Any:
        from detect_secrets.plugins import keyword

        return keyword.KeywordDetector()

    @functools.cached_property
    def keyword_regexes(self) -> Any:
        """The regexes detect-secrets applies to YAML and config files: `password: value`."""
        from detect_secrets.plugins import keyword
        from detect_secrets.util.filetype import FileType

        return keyword.REGEX_BY_FILETYPE[FileType.YAML]

    @functools.cached_property
    def base64(self) -> Any:
        from detect_secrets.plugins import high_entropy_strings as entropy

        return entropy.Base64HighEntropyString()  # 4.5 bits per character

    @functools.cached_property
    def hex(self) -> Any:
        from detect_secrets.plugins import high_entropy_strings as entropy

        return entropy.HexHighEntropyString()  # 3 bits per digit

    @functools.cached_property
    def heuristic(self) -> Any:
        from detect_secrets.filters import heuristic

        return heuristic

    def scan(self, text: str, scope: Scope) -> tuple[Hit, ...]:
        """Every credential in ``text``, left to right; of overlapping finds, the first.

        Short texts are remembered: the same comment, scope list or URL pattern recurs in
        folder after folder (``oin-gitops new`` writes the comments), and a scan is pure.
        """
        if scope is Scope.SKIP or len(text) < 8:
            return ()
        if len(text) > MEMO_TEXT:
            return self._scan(text, scope)
        memo = self._memo[scope]
        hits = memo.get(text)
        if hits is None:
            if len(memo) >= MEMO_SIZE:
                memo.clear()
            hits = memo[text] = self._scan(text, scope)
        return hits

    def _scan(self, text: str, scope: Scope) -> tuple[Hit, ...]:
        if "sealed:" in text:
            text = mask(text, SEALED)
        long_run, formats = _formats_possible(text)
        lowered = text.lower()
        hits = list(self._formats(text, lowered, long_run)) if formats else []
        if scope is Scope.TEXT:
            if any(word in lowered for word in NAMED_WORDS):
                hits += self._named(text)
            hits += self._pairs(text)
            if long_run:  # a random-looking string is such a run
                hits += self._random(text)
        kept: list[Hit] = []
        for hit in sorted(hits, key=lambda h: h.start):
            if not kept or hit.start >= kept[-1].end:
                kept.append(hit)
        return tuple(kept)

    def _formats(self, text: str, lowered: str, long_run: bool) -> Iterator[Hit]:
        present = {mark for mark in self.marks if mark in lowered}
        for module, name, kind, marks in FORMAT_PLUGINS:
            # A plugin without marks matches only a long run of token characters.
            if marks and present.isdisjoint(marks):
                continue
            if not marks and not (long_run and UNMARKED_GATES[name].search(text)):
                continue
            plugin = self._plugin(module, name)
            for regex in plugin.denylist:
                for m in regex.finditer(text):
                    # The plugin confirms its own match (a JWT must decode); the secret starts
                    # at the last group when there is one (the password of a URL).
                    if any(plugin.analyze_string(m.group())):
                        yield Hit(m.start(m.lastindex or 0), m.end(), kind)
        for regex, kind, marks, valid in OWN_FORMATS:
            if marks and present.isdisjoint(marks):
                continue
            group = "value" if "value" in regex.groupindex else 0
            for m in regex.finditer(text):
                if valid is None or valid(m[group]):
                    yield Hit(m.start(group), m.end(group), kind)

    def _named(self, text: str) -> Iterator[Hit]:
        """Passwords and keys written after their name: `password: ...`, `api_key=...`."""
        for m in PASSWORD_WORD.finditer(text):
            start, word = _word(text, m.start("value"), m.end("value"))
            if password_like(word, named=bool(m["sep"])):
                yield Hit(start, start + len(word), NAMED)
        for m in TOKEN_WORD.finditer(text):
            start, word = _word(text, m.start("value"), m.end("value"))
            if token_like(word):
                yield Hit(start, start + len(word), NAMED)
        offset = 0
        for line in text.split("\n"):  # the keyword plugin finds one secret per line
            if KEYWORD_HINT.search(line):
                for value in self.keyword.analyze_string(line, self.keyword_regexes):
                    found = line.find(value)
                    start, word = _word(line, found, found + len(value))
                    if found >= 0 and (password_like(word, named=True) or token_like(word)):
                        yield Hit(offset + start, offset + start + len(word), NAMED)
            offset += len(line) + 1

    def _pairs(self, text: str) -> Iterator[Hit]:
        """A password after a user name or e-mail address: `isvtest@okta.com / S3cret!`."""
        matches = list(LOGIN_PAIR.finditer(text))
        if "@" in text:
            matches += EMAIL_PAIR.finditer(text)
        for m in matches:
            start, word = _word(text, m.start("value"), m.end("value"))
            label = LABEL.match(word)  # `isvtest / password=S3cret!`: the password follows
            if label:
                start, word = start + label.end(), word[label.end() :]
            if password_like(word, named=False):
                yield Hit(start, start + len(word), PAIR)

    def _random(self, text: str) -> Iterator[Hit]:
        """Random-looking strings by detect-secrets' entropy limits, outside URLs."""
        urls = [m.span() for m in URL.finditer(text)] if ":" in text else []
        for m in CANDIDATE.finditer(text):
            if any(start <= m.start() < end for start, end in urls):
                continue
            line_start = text.rfind("\n", 0, m.start()) + 1
            line_end = text.find("\n", m.end())
            line = text[line_start : line_end if line_end >= 0 else len(text)]
            if self._random_looking(m.group(), line, text[max(0, m.start() - 60) : m.start()]):
                yield Hit(m.start(), m.end(), RANDOM)

    def _random_looking(self, token: str, line: str, before: str) -> bool:
        """Whether a candidate passes the entropy limit and none of the heuristics (a UUID, a
        sequence, an ``..._id`` value on its line, a hex digest named just before it)."""
        if not any(c.isdigit() for c in token) or not any(c.isalpha() for c in token):
            return False
        heuristic = self.heuristic
        if heuristic.is_sequential_string(token) or heuristic.is_potential_uuid(token):
            return False
        if heuristic.is_likely_id_string(token, line):
            return False
        hex_digits = HEX.fullmatch(token) is not None
        if hex_digits and DIGEST_BEFORE.search(before):
            return False
        plugin = self.hex if hex_digits else self.base64
        return bool(plugin.calculate_shannon_entropy(token) > plugin.entropy_limit)


@functools.cache
def scanner() -> Scanner:
    """The one scanner of this process (detect-secrets is imported as its plugins are needed)."""
    return Scanner()
