"""Okta expressions in the expression fields of the protocol files, parsed for the rules.

SAML fields reference a tenant setting as ``org.<name>`` inside ``${...}``; OIDC fields as
``{app.<name>}``; SCIM fields as ``app.<name>`` in a whole-value expression such as
``'https://' + app.subdomain + '.acme.example/scim/v2'``. ``expressions`` finds every value of
an expression field, and ``code`` keeps only the expression code of a value (literal text and
quoted strings blanked), so a host name such as ``app.acme.example`` is never read as a variable.
For the ``${...}`` of SAML and the ``{...}`` of OIDC, ``Expression.syntax`` says what keeps an
expression from being read at all, and ``Expression.bare`` finds names written without a prefix.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Any

from oin_gitops import schemas
from oin_gitops.rules.base import Finding
from oin_gitops.schema_check import field_name, is_placeholder
from oin_gitops.submission import Submission
from oin_gitops.yamlio import Document

SAML, OIDC, SCIM = "saml.yaml", "oidc.yaml", "scim.yaml"
ANY = "*"
# Expression fields per file: (pointer pattern, whether the value is a URL).
FIELDS: dict[str, tuple[tuple[tuple[str, ...], bool], ...]] = {
    SAML: (
        (("acs_url",), True),
        (("acs_urls_indexed", ANY, "url"), True),
        (("audience",), False),  # an entity ID: http:// URIs and URNs are fine
        (("sp_initiate_url",), True),
        (("attribute_statements", ANY, "values", ANY), False),
    ),
    OIDC: (
        (("redirect_uris", ANY), True),
        (("initiate_login_uri",), True),
        (("post_logout_redirect_uris", ANY), True),
        (("sp_initiate_url",), True),
    ),
    SCIM: (
        (("base_url",), True),
        (("auth", "oauth2", "authorize_endpoint"), True),
        (("auth", "oauth2", "token_endpoint"), True),
    ),
}
MAX_LENGTH = 1024  # the schemas' longest expression field
VARIABLE_ROOTS = ("org", "app")

DOLLAR = re.compile(r"\$\{([^{}]*)\}")
BRACE = re.compile(r"\{([^{}]*)\}")
LITERAL = re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"")
WHOLE_EL = re.compile(r"['\"+]")
STATIC_URL = re.compile(r"\s*https?://[^\s'\"{}<>]*\s*", re.IGNORECASE)
BARE_VARIABLE = re.compile(r"\s*(?:org|app)\.[A-Za-z_]\w*\s*")
REFERENCE = re.compile(r"(?<![\w.])([A-Za-z_]\w*)\.([A-Za-z_]\w*)(\s*\()?")
NAMESPACE_CALL = re.compile(r"(?<![\w.:])([A-Za-z_]\w*):([A-Za-z_]\w*)\s*\(")
# Where SAML and OIDC expressions start; SCIM values are whole-value expressions instead.
OPENERS = {SAML: "${", OIDC: "{"}
# Operators and literals of the expression languages (JSTL EL in SAML, Okta EL elsewhere):
# words that are never a variable.
EL_WORDS = frozenset(
    {"and", "or", "not", "eq", "ne", "lt", "gt", "le", "ge", "div", "mod"}
    | {"true", "false", "null", "empty", "instanceof"}
)
# A name on its own: not after '.' or ':' (a property, an fn: function) and not followed by
# '.', '(' or ':name(' (a root such as org., a call, a namespace such as fn:).
BARE_NAME = re.compile(r"(?<![\w.:])[A-Za-z_]\w*(?!\w|\s*[.(]|:\w+\s*\()")
# org. or app. with no name after it, or with spaces around the dot.
PREFIX_ONLY = re.compile(r"(?<![\w.])(org|app)\s*\.(?!\s*[A-Za-z_])")
SPACED_PREFIX = re.compile(r"(?<![\w.])(org|app)(?:\s+\.\s*|\.\s+)([A-Za-z_]\w*)")
# Two names side by side with only spaces between them, e.g. org.sub domain.
SPACED_NAMES = re.compile(r"(?<![\w.:])([A-Za-z_][\w.]*)\s+(?=([A-Za-z_]\w*))")


def code(value: str, *, plain: bool = False) -> str:
    """``value`` with all but expression code blanked to spaces (offsets are kept).

    Code is what is inside ``${...}``, else inside ``{...}``, else the whole value when it is
    written as an expression (quotes or '+' in something other than a plain URL, a lone
    variable, or ``plain`` for SAML attribute values, which are expressions throughout).
    Quoted strings inside code are literal text.
    """
    if "${" in value:
        spans = [match.span(1) for match in DOLLAR.finditer(value)]
    elif BRACE.search(value):
        spans = [match.span(1) for match in BRACE.finditer(value)]
    elif plain or (
        not STATIC_URL.fullmatch(value)
        and (WHOLE_EL.search(value) or BARE_VARIABLE.fullmatch(value))
    ):
        spans = [(0, len(value))]
    else:
        spans = []
    kept = [" "] * len(value)
    for start, end in spans:
        kept[start:end] = value[start:end]
    return LITERAL.sub(lambda match: " " * len(match.group()), "".join(kept))


@dataclass(frozen=True)
class Reference:
    """``root.name`` in expression code, e.g. ``org.subdomain``; ``call`` for ``user.f(...)``."""

    root: str
    name: str
    call: bool

    def __str__(self) -> str:
        return f"{self.root}.{self.name}"


def references(text: str) -> list[Reference]:
    found = (Reference(m[1], m[2], m[3] is not None) for m in REFERENCE.finditer(text))
    return list(dict.fromkeys(found))


@dataclass(frozen=True)
class Span:
    """One ``${...}`` (SAML) or ``{...}`` (OIDC) of a value: as written, and its code."""

    written: str
    code: str


@dataclass(frozen=True)
class Bare:
    """A name used without the org./app. prefix, e.g. ``subdomain`` in ``${subdomain}``."""

    name: str
    span: Span

    @property
    def alone(self) -> bool:
        """Whether the name is all the expression holds (``${subdomain}``)."""
        return self.span.code.strip() == self.name


def spans(value: str, opener: str) -> tuple[list[Span], bool]:
    """The closed expressions of ``value``, and whether an ``opener`` is never closed."""
    found: list[Span] = []
    start = value.find(opener)
    while start != -1:
        inside = start + len(opener)
        close = value.find("}", inside)
        if close == -1 or "{" in value[inside:close]:
            return found, True
        code = LITERAL.sub(lambda match: " " * len(match.group()), value[inside:close])
        # An OIDC {...} written SAML-style as ${...} is shown as written.
        shown = start - 1 if value[start - 1 : start] == "$" and opener == "{" else start
        found.append(Span(value[shown : close + 1], code))
        start = value.find(opener, close + 1)
    return found, False


def syntax_problems(value: str, opener: str) -> list[str]:
    """What keeps the expressions of ``value`` from being read, each as a message's end."""
    found, unclosed = spans(value, opener)
    problems = [f"opens {opener} without a closing }}"] if unclosed else []
    for span in found:
        problem = _span_problem(span)
        if problem:
            problems.append(problem)
    return problems


def _span_problem(span: Span) -> str | None:
    if not span.code.strip():
        return f"has an empty expression {span.written}"
    prefix_only = PREFIX_ONLY.search(span.code)
    if prefix_only:
        return f"uses {prefix_only[1]}. without a tenant setting name in {span.written}"
    spaced = SPACED_PREFIX.search(span.code)
    if spaced:
        return f"has a space inside {span.written}; write {spaced[1]}.{spaced[2]} without spaces"
    for match in SPACED_NAMES.finditer(span.code):
        if EL_WORDS.isdisjoint(match.groups()):
            return f"has a space between {match[1]} and {match[2]} inside {span.written}"
    return None


@dataclass(frozen=True)
class Expression:
    """One value of an expression field, with its file's protocol."""

    document: Document
    file: str
    pointer: tuple[str | int, ...]
    value: str
    url: bool

    @property
    def field(self) -> str:
        return field_name(self.pointer)

    @property
    def attribute(self) -> bool:
        return self.pointer[0] == "attribute_statements"

    @functools.cached_property
    def code(self) -> str:
        return code(self.value, plain=self.attribute)

    @functools.cached_property
    def references(self) -> list[Reference]:
        return references(self.code)

    @functools.cached_property
    def variables(self) -> list[Reference]:
        return [ref for ref in self.references if ref.root in VARIABLE_ROOTS and not ref.call]

    @functools.cached_property
    def opener(self) -> str | None:
        """``${`` or ``{`` for the SAML and OIDC fields whose expressions are delimited."""
        return None if self.attribute else OPENERS.get(self.file)

    @functools.cached_property
    def syntax(self) -> list[str]:
        """Syntax problems of the value's expressions (see ``syntax_problems``)."""
        return syntax_problems(self.value, self.opener) if self.opener else []

    @functools.cached_property
    def bare(self) -> list[Bare]:
        """Names used without a prefix, once each, in a value whose expressions can be read."""
        if self.opener is None or self.syntax:
            return []
        found = {
            match.group(): Bare(match.group(), span)
            for span in spans(self.value, self.opener)[0]
            for match in BARE_NAME.finditer(span.code)
            if match.group() not in EL_WORDS
        }
        return list(found.values())

    @functools.cached_property
    def schema_accepts(self) -> bool:
        """Whether the value matches its field's schema pattern (else the schema reports it)."""
        return _schema_pattern(self.file, _schema_path(self.pointer)).search(self.value) is not None

    @functools.cached_property
    def is_expression(self) -> bool:
        """Whether the schema took the value as an expression rather than a static URL."""
        return "${" in self.value or bool(self.variables)

    def finding(self, message: str) -> Finding:
        line, column = self.document.position(self.pointer)
        return Finding(self.document.path, message, line, column)


def expressions(submission: Submission, *, placeholders: bool = False) -> list[Expression]:
    """Every text value of an expression field; placeholders only when asked for.

    The last submission's are remembered (a dozen rules read them in turn), so each value's
    code, references and syntax are worked out once.
    """
    remembered = _REMEMBERED.get(id(submission))
    if remembered is None or remembered[0] is not submission:
        every = [
            Expression(document, file, pointer, value, url)
            for file, fields in FIELDS.items()
            if (document := submission.documents.get(file)) is not None
            for pattern, url in fields
            for pointer, value in _resolve(document.data, pattern)
            # Longer values are the schema's maxLength error; never scan 64 KB of text.
            if isinstance(value, str) and len(value) <= MAX_LENGTH
        ]
        filled = [expression for expression in every if not is_placeholder(expression.value)]
        _REMEMBERED.clear()
        remembered = _REMEMBERED[id(submission)] = (submission, every, filled)
    return remembered[1] if placeholders else remembered[2]


_REMEMBERED: dict[int, tuple[Submission, list[Expression], list[Expression]]] = {}


def _schema_path(pointer: tuple[str | int, ...]) -> tuple[str, ...]:
    return tuple(
        part
        for key in pointer
        for part in (("items",) if isinstance(key, int) else ("properties", key))
    )


@functools.cache
def _schema_pattern(file: str, path: tuple[str, ...]) -> re.Pattern[str]:
    """The ``pattern`` of a field's schema, references followed; a field without one takes all."""
    node = schemas.subschema(schemas.FILE_SCHEMAS[file], path)
    return re.compile(node.get("pattern", ""))


def _resolve(data: Any, pattern: tuple[str, ...]) -> list[tuple[tuple[str | int, ...], Any]]:
    nodes: list[tuple[tuple[str | int, ...], Any]] = [((), data)]
    for part in pattern:
        following: list[tuple[tuple[str | int, ...], Any]] = []
        for pointer, node in nodes:
            if part == ANY and isinstance(node, list):
                following.extend(((*pointer, i), item) for i, item in enumerate(node))
            elif part != ANY and isinstance(node, dict) and part in node:
                following.append(((*pointer, part), node[part]))
        nodes = following
    return nodes
