"""Guards that run before untrusted input reaches a parser or the query engine.

Every SPARQL text kgraph is asked to run — by the library, the CLI or the HTTP server — goes
through :func:`check_query` first. It is a small lexer, not a parser: it skips strings, IRIs and
comments, then looks at the keywords and brackets that are left. It refuses:

* ``SERVICE`` (federated queries would make the server fetch any URL) and ``LOAD``;
* ``FROM`` / ``FROM NAMED`` naming anything but a project graph, and any ``file:`` IRI anywhere;
* SPARQL Update (``INSERT``, ``DELETE``, ``CLEAR``, ``DROP`` …) unless ``allow_update``;
* brackets nested deeper than ``max_depth`` (pyoxigraph's recursive parser aborts the whole
  process on a few thousand levels, so this must be caught before the engine sees the text);
* regular expressions (the pattern of ``REGEX``/``REPLACE``) longer than ``max_regex_length``.
  Their run time is bounded by the engine: Oxigraph's regex crate is linear-time, no
  backtracking.

:func:`check_rdf_xml` refuses any DTD in RDF/XML (billion laughs, external entities) before an
XML parser ever runs.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Final, NamedTuple

from kgraph.errors import InputError, LimitExceeded, QueryRefused
from kgraph.namespaces import BASE

__all__ = [
    "DEFAULT_MAX_DEPTH",
    "DEFAULT_MAX_REGEX_LENGTH",
    "QueryInfo",
    "analyze_query",
    "check_query",
    "check_rdf_xml",
]

DEFAULT_MAX_DEPTH: Final = 200
DEFAULT_MAX_REGEX_LENGTH: Final = 1000
DEFAULT_MAX_QUERY_CHARS: Final = 1_000_000

#: Keywords that only occur in SPARQL Update requests.
UPDATE_KEYWORDS: Final = frozenset(
    {"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"}
)
QUERY_FORMS: Final = frozenset({"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"})

# One alternation; the first group that matches names the token kind. Strings and IRIs come
# before punctuation so that a '{' inside "..." or a '#' inside <...> is never seen.
_TOKEN_RE: Final = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<name>[^\W\d][\w\-\u00b7]*(?:\.+[\w\-\u00b7]+)*(?::(?:[\w\-.:%\u00b7]|\\.)*)?
            |:(?:[\w\-.:%\u00b7]|\\.)*)
  | (?P<var>[?$][\w\u00b7\u0300-\u036f\u203f-\u2040]*)
  | (?P<open>[{(\[])
  | (?P<close>[})\]])
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*(?:'''|\Z)
              |\"\"\"(?:[^"\\]|\\.|"(?!""))*(?:\"\"\"|\Z)
              |'(?:[^'\\\n\r]|\\.)*'?
              |"(?:[^"\\\n\r]|\\.)*"?)
  | (?P<comment>\#[^\n\r]*)
  | (?P<number>[0-9]+(?:\.[0-9]*)?(?:[eE][+-]?[0-9]+)?)
  | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)


class Token(NamedTuple):
    kind: str
    text: str
    pos: int


@dataclass(frozen=True, slots=True)
class QueryInfo:
    """What the lexer learned about a SPARQL request without parsing it.

    ``form`` is ``SELECT``, ``ASK``, ``CONSTRUCT`` or ``DESCRIBE`` for a query, ``UPDATE`` for an
    update and ``None`` when the text names neither (the engine's parser will say why).
    """

    form: str | None
    is_update: bool
    depth: int
    from_graphs: tuple[str, ...]
    from_named_graphs: tuple[str, ...]


def _tokens(text: str) -> Iterator[Token]:
    for m in _TOKEN_RE.finditer(text):
        kind = m.lastgroup or "other"
        if kind in ("ws", "comment"):
            continue
        if kind == "name":
            value = m.group()
            kind = "pname" if ":" in value else "word"
            yield Token(kind, value, m.start())
            continue
        yield Token(kind, m.group(), m.start())


def _line_col(text: str, pos: int) -> str:
    line = text.count("\n", 0, pos) + 1
    col = pos - (text.rfind("\n", 0, pos) + 1) + 1
    return f"line {line}, column {col}"


def _unescape_string(tok: str) -> str:
    for quote in ('"""', "'''", '"', "'"):
        if tok.startswith(quote):
            body = tok[len(quote) :]
            if body.endswith(quote):
                body = body[: -len(quote)]
            return body
    return tok


def analyze_query(text: str, *, max_depth: int = DEFAULT_MAX_DEPTH) -> QueryInfo:
    """Lex ``text`` and report its form, update keywords, nesting depth and FROM graphs.

    Raises :class:`QueryRefused` for nesting deeper than ``max_depth`` (checked as the lexer
    goes, so a 100,000-deep query costs no more than reading it once).
    """
    return _scan(text, max_depth=max_depth, refuse=False)


def _scan(
    text: str,
    *,
    max_depth: int,
    refuse: bool,
    allow_update: bool = True,
    max_regex_length: int = DEFAULT_MAX_REGEX_LENGTH,
) -> QueryInfo:
    """One pass over the tokens: what the query is, and (``refuse``) what it may not do."""
    prefixes: dict[str, str] = {}
    base = ""
    form: str | None = None
    is_update = False
    depth = max_seen = 0
    from_graphs: list[str] = []
    from_named: list[str] = []
    toks = _tokens(text)
    pending: list[Token] = []
    regex_depth: int | None = None  # bracket depth at which a REGEX/REPLACE call opened
    expect_call = False

    def take() -> Token | None:
        if pending:
            return pending.pop()
        return next(toks, None)

    def resolve(tok: Token) -> str:
        if tok.kind == "iri":
            iri = tok.text[1:-1]
            if base and not re.match(r"^[A-Za-z][A-Za-z0-9+.\-]*:", iri):
                return base + iri
            return iri
        prefix, _, local = tok.text.partition(":")
        return prefixes.get(prefix, prefix + ":") + local

    while (tok := take()) is not None:
        kind = tok.kind
        if kind == "open":
            depth += 1
            if depth > max_depth:
                raise QueryRefused(
                    f"query nested deeper than {max_depth} levels at {_line_col(text, tok.pos)}",
                    hint="flatten the query; the nesting limit protects the server",
                )
            max_seen = max(max_seen, depth)
            if expect_call and tok.text == "(":
                regex_depth = depth
            expect_call = False
            continue
        expect_call = False
        if kind == "close":
            if regex_depth is not None and depth == regex_depth:
                regex_depth = None
            depth = max(0, depth - 1)
            continue
        if refuse:
            if kind == "iri" and tok.text[1:6].lower() == "file:":
                raise QueryRefused(
                    f"file: IRIs are not allowed ({_line_col(text, tok.pos)})",
                    hint="kgraph never reads local files on behalf of a query",
                )
            if (
                kind == "string"
                and regex_depth is not None
                and len(_unescape_string(tok.text)) > max_regex_length
            ):
                raise QueryRefused(
                    f"regular expression longer than {max_regex_length} characters "
                    f"at {_line_col(text, tok.pos)}",
                    hint="shorten the pattern; long patterns are refused to bound matching time",
                )
        if kind != "word":
            continue
        word = tok.text.upper()
        if word == "PREFIX":
            name, iri = take(), take()
            if name is not None and iri is not None and iri.kind == "iri":
                prefixes[name.text.rstrip(":")] = resolve(iri)
                if refuse and iri.text[1:6].lower() == "file:":
                    pending.append(iri)
        elif word == "BASE":
            iri = take()
            if iri is not None and iri.kind == "iri":
                base = resolve(iri)
                if refuse and iri.text[1:6].lower() == "file:":
                    pending.append(iri)
        elif word in QUERY_FORMS:
            form = form or word
        elif word == "FROM":
            nxt = take()
            target = from_graphs
            if nxt is not None and nxt.kind == "word" and nxt.text.upper() == "NAMED":
                target = from_named
                nxt = take()
            if nxt is not None and nxt.kind in ("iri", "pname"):
                target.append(resolve(nxt))
                if refuse and nxt.kind == "iri":
                    pending.append(nxt)  # seen again by the file: check
            elif nxt is not None:
                pending.append(nxt)
        elif word in ("REGEX", "REPLACE"):
            expect_call = True
        elif refuse and word == "SERVICE":
            raise QueryRefused(
                f"SERVICE (federated query) is not allowed ({_line_col(text, tok.pos)})",
                hint="kgraph never contacts other servers; query each endpoint separately",
            )
        elif refuse and word == "LOAD":
            raise QueryRefused(
                f"LOAD is not allowed ({_line_col(text, tok.pos)})",
                hint="kgraph never fetches data from the network; add files to data/ instead",
            )
        if word in UPDATE_KEYWORDS:
            is_update = True
            if refuse and not allow_update:
                raise QueryRefused(
                    f"SPARQL Update ({word}) is not allowed here ({_line_col(text, tok.pos)})",
                    hint="the store is read-only; updates need a configured bearer token",
                )
    if is_update:
        form = "UPDATE"
    return QueryInfo(form, is_update, max_seen, tuple(from_graphs), tuple(from_named))


def check_query(
    text: str,
    *,
    max_depth: int = DEFAULT_MAX_DEPTH,
    allow_update: bool = False,
    graph_prefixes: Sequence[str] = (BASE,),
    max_regex_length: int = DEFAULT_MAX_REGEX_LENGTH,
    max_chars: int = DEFAULT_MAX_QUERY_CHARS,
) -> QueryInfo:
    """Refuse a SPARQL query or update that kgraph will not run; return what was learned.

    Raises :class:`kgraph.errors.QueryRefused` (HTTP 400) for SERVICE, LOAD, ``file:`` IRIs,
    FROM / FROM NAMED outside ``graph_prefixes``, updates unless ``allow_update``, and nesting
    deeper than ``max_depth`` and regex patterns longer than ``max_regex_length``;
    :class:`kgraph.errors.LimitExceeded` (HTTP 413) for a text longer than ``max_chars``.
    """
    if len(text) > max_chars:
        raise LimitExceeded(f"query longer than {max_chars} characters")
    if "\x00" in text:
        raise QueryRefused("query contains a NUL character")
    info = _scan(
        text,
        max_depth=max_depth,
        refuse=True,
        allow_update=allow_update,
        max_regex_length=max_regex_length,
    )
    for iri in info.from_graphs + info.from_named_graphs:
        if iri.lower().startswith("file:") or not any(iri.startswith(p) for p in graph_prefixes):
            raise QueryRefused(
                f"FROM <{iri}> names a graph outside this knowledge graph",
                hint="FROM and FROM NAMED may only name the project's graphs "
                f"({', '.join(graph_prefixes)}…); kgraph never fetches remote data",
            )
    return info


_DTD_MARKERS: Final = (b"<!doctype", b"<!entity")


def check_rdf_xml(data: bytes) -> None:
    """Refuse RDF/XML that carries a DTD or entity declaration, before any XML parser runs.

    NUL bytes are dropped before looking so that UTF-16 and UTF-32 encodings are caught too.
    """
    probe = data.replace(b"\x00", b"").lower()
    for marker in _DTD_MARKERS:
        if marker in probe:
            raise InputError(
                "RDF/XML with a DOCTYPE or ENTITY declaration is refused",
                hint="remove the DTD; entity expansion is never performed (billion laughs, XXE)",
            )
