"""Read kgraph's RDF files into one rdflib ``Dataset``, with errors a curator can act on.

``load_files`` parses Turtle, TriG, N-Triples, N-Quads, RDF/XML and JSON-LD files (and directories,
recursively, in sorted order). Triple formats (``.ttl``, ``.nt``, ``.rdf``/``.owl``) go into the
default graph — that is where the ontology and the shapes live; quad formats (``.trig``, ``.nq``)
keep their named graphs, so every statement of ``data/x.trig`` stays in the graph it was written in.

Syntax is checked by pyoxigraph, whose errors carry a precise line and column; the parsed quads are
then copied into rdflib terms, so there is exactly one parser and it never disagrees with itself.
The loader never fetches anything: ``owl:imports`` are not followed, JSON-LD remote contexts are
refused, and RDF/XML with a DOCTYPE or ENTITY declaration is rejected before any parsing (that is
how "billion laughs" and XXE attacks are delivered).

For every named graph and every subject the loader records which file(s) it came from, so a
validation report can be grouped by file.
"""

from __future__ import annotations

import os
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import TypeVar

import pyoxigraph as ox
from rdflib import Dataset, Graph, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.term import Node

from kgraph.errors import InputError, ParseError
from kgraph.namespaces import PREFIXES
from kgraph.security import check_rdf_xml
from kgraph.store.terms import to_rdflib

__all__ = [
    "FORMATS",
    "LoadedGraph",
    "default_inputs",
    "load_files",
    "project_root",
]

#: file suffix -> (pyoxigraph format, keeps named graphs)
FORMATS: Mapping[str, tuple[ox.RdfFormat, bool]] = MappingProxyType(
    {
        ".ttl": (ox.RdfFormat.TURTLE, False),
        ".nt": (ox.RdfFormat.N_TRIPLES, False),
        ".rdf": (ox.RdfFormat.RDF_XML, False),
        ".owl": (ox.RdfFormat.RDF_XML, False),
        ".jsonld": (ox.RdfFormat.JSON_LD, True),
        ".trig": (ox.RdfFormat.TRIG, True),
        ".nq": (ox.RdfFormat.N_QUADS, True),
    }
)

_DOCTYPE_RE = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
_OX_POSITION_RE = re.compile(
    r"^Parser error (?:at line \d+ (?:between columns \d+ and \d+|column \d+)"
    r"|between line \d+ column \d+ and line \d+ column \d+): "
)


@dataclass(frozen=True)
class LoadedGraph:
    """The parsed files: one dataset plus where each graph and subject came from.

    ``graph_files`` maps each named graph to the files that wrote into it; ``subject_files`` maps
    every subject (in any graph) to its files; ``default_subject_files`` does the same for the
    subjects of default-graph statements only; ``statement_files`` maps each triple to its
    files. File names are as given (or as found walking a directory).
    """

    dataset: Dataset
    files: tuple[str, ...]
    graph_files: Mapping[URIRef, tuple[str, ...]]
    subject_files: Mapping[Node, tuple[str, ...]]
    default_subject_files: Mapping[Node, tuple[str, ...]]
    statement_files: Mapping[tuple[Node, Node, Node], tuple[str, ...]] = field(
        default_factory=lambda: MappingProxyType({}), repr=False
    )

    def files_stating(self, s: Node, p: Node, o: Node) -> tuple[str, ...]:
        """The files that state the triple (in any graph)."""
        return self.statement_files.get((s, p, o), ())

    def files_of(self, node: Node) -> tuple[str, ...]:
        """The files that state something about ``node`` (empty when none does)."""
        return self.subject_files.get(node, ())

    def is_quad_file(self, file: str) -> bool:
        """True when ``file`` is in a format with named graphs (TriG, N-Quads, JSON-LD)."""
        entry = FORMATS.get(Path(file).suffix.lower())
        return bool(entry and entry[1])


def project_root() -> Path:
    """The kgraph project directory (with ``ontology/``, ``data/``, ``shapes/``).

    ``$KGRAPH_HOME`` wins; otherwise the parent of the ``kgraph`` package when it holds
    ``ontology/`` and ``data/`` (a source checkout).
    """
    env = os.environ.get("KGRAPH_HOME")
    if env:
        root = Path(env).expanduser()
        if not root.is_dir():
            raise InputError(
                f"KGRAPH_HOME={env} is not a directory",
                hint="point KGRAPH_HOME at the kgraph project (the folder with ontology/, data/)",
            )
        return root
    here = Path(__file__).resolve().parent.parent
    if (here / "ontology").is_dir() and (here / "data").is_dir():
        return here
    raise InputError(
        "cannot find the kgraph project (no ontology/ and data/ next to the kgraph package)",
        hint="set KGRAPH_HOME to the project folder, or pass the files to read",
    )


def default_inputs(root: Path | None = None) -> list[Path]:
    """The project's ontology and curated data: ``root/ontology``, ``root/data`` (if present)."""
    base = project_root() if root is None else root
    return [p for p in (base / "ontology", base / "data") if p.exists()]


def load_files(paths: Sequence[Path]) -> LoadedGraph:
    """Parse ``paths`` (files or directories) into one dataset. Raises ParseError / InputError."""
    dataset = Dataset(default_union=False)
    for prefix, iri in PREFIXES.items():
        dataset.bind(prefix, iri, override=True, replace=True)
    graph_files: dict[URIRef, list[str]] = defaultdict(list)
    subject_files: dict[Node, list[str]] = defaultdict(list)
    default_subject_files: dict[Node, list[str]] = defaultdict(list)
    statement_files: dict[tuple[Node, Node, Node], tuple[str, ...]] = {}
    files = _expand(paths)
    contexts: dict[URIRef, Graph] = {}
    for path in files:
        name = str(path)
        fmt, keeps_graphs = _format_of(path)
        data = _read(path, fmt)
        seen_graphs: set[URIRef] = set()
        seen_subjects: set[Node] = set()
        seen_default: set[Node] = set()
        batch: list[tuple[Node, Node, Node, Graph]] = []
        for s, p, o, g in _parse(data, fmt, keeps_graphs, name):
            if g is None:
                seen_default.add(s)
                key = DATASET_DEFAULT_GRAPH_ID
            else:
                seen_graphs.add(g)
                key = g
            if key not in contexts:
                contexts[key] = dataset.graph(key)
            batch.append((s, p, o, contexts[key]))
            seen_subjects.add(s)
            known = statement_files.get((s, p, o), ())
            if name not in known:
                statement_files[(s, p, o)] = (*known, name)
        dataset.addN(batch)
        for graph in seen_graphs:
            graph_files[graph].append(name)
        for subject in seen_subjects:
            subject_files[subject].append(name)
        for subject in seen_default:
            default_subject_files[subject].append(name)
    return LoadedGraph(
        dataset=dataset,
        files=tuple(str(f) for f in files),
        graph_files=_freeze(graph_files),
        subject_files=_freeze(subject_files),
        default_subject_files=_freeze(default_subject_files),
        statement_files=MappingProxyType(statement_files),
    )


_K = TypeVar("_K", bound=Node)


def _freeze(table: Mapping[_K, list[str]]) -> Mapping[_K, tuple[str, ...]]:
    return MappingProxyType({k: tuple(v) for k, v in table.items()})


def _expand(paths: Iterable[Path]) -> list[Path]:
    """Files to read: each file as given, each directory's RDF files recursively, sorted."""
    out: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = sorted(
                p
                for p in path.rglob("*")
                if p.is_file()
                and p.suffix.lower() in FORMATS
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
            out.extend(found)
        elif path.is_file():
            out.append(path)
        elif path.exists():
            raise InputError(f"{path}: not a regular file or directory")
        else:
            raise InputError(f"{path}: no such file or directory")
    seen: set[Path] = set()
    unique = []
    for path in out:  # a file named twice (or inside a folder also named) is read once
        key = path.resolve()
        if key not in seen:
            seen.add(key)
            unique.append(path)
    return unique


def _format_of(path: Path) -> tuple[ox.RdfFormat, bool]:
    entry = FORMATS.get(path.suffix.lower())
    if entry is None:
        known = ", ".join(sorted(FORMATS))
        raise InputError(
            f"{path}: unknown RDF file type {path.suffix or '(no extension)'!r}",
            hint=f"kgraph reads {known}",
        )
    return entry


def _read(path: Path, fmt: ox.RdfFormat) -> bytes:
    """The file's bytes, checked to be UTF-8 (and, for RDF/XML, free of DTD declarations)."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read the file ({exc.strerror or exc})") from exc
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, column = _position(data, exc.start)
        raise ParseError(
            f"the file is not UTF-8 text (byte 0x{data[exc.start]:02X} cannot start or "
            "continue a UTF-8 character)",
            source=str(path),
            line=line,
            column=column,
            hint="save the file as UTF-8 (it looks like Latin-1 or Windows-1252)",
        ) from exc
    if fmt == ox.RdfFormat.RDF_XML:
        match = _DOCTYPE_RE.search(data)
        if match:
            line, column = _position(data, match.start())
            raise ParseError(
                f"RDF/XML with a <!{match.group(1).decode().upper()} declaration is refused: "
                "DTDs and entities can expand without limit or read local files",
                source=str(path),
                line=line,
                column=column,
                hint="remove the DOCTYPE/ENTITY declaration and write the values out in full",
            )
        try:  # the shared guard also catches declarations hidden by UTF-16 NUL bytes
            check_rdf_xml(data)
        except InputError as exc:
            raise ParseError(exc.message, source=str(path), hint=exc.hint) from exc
    return data


def _position(data: bytes, offset: int) -> tuple[int, int]:
    """1-based line and column (in characters) of byte ``offset``."""
    before = data[:offset]
    line = before.count(b"\n") + 1
    start = before.rfind(b"\n") + 1
    column = len(before[start:].decode("utf-8", errors="replace")) + 1
    return line, column


def _parse(
    data: bytes, fmt: ox.RdfFormat, keeps_graphs: bool, name: str
) -> Iterable[tuple[Node, URIRef, Node, URIRef | None]]:
    try:
        parser = ox.parse(data, fmt, rename_blank_nodes=True)
        quads = list(parser)
    except SyntaxError as exc:
        raise _parse_error(exc, name) from exc
    except ValueError as exc:  # unsupported format combination; not a user error in practice
        raise ParseError(str(exc), source=name) from exc
    for quad in quads:
        graph = quad.graph_name
        g: URIRef | None
        if isinstance(graph, ox.DefaultGraph):
            g = None
        elif isinstance(graph, ox.NamedNode):
            g = URIRef(graph.value)
        else:
            raise ParseError(
                "a named graph is written as a blank node; give the graph an IRI (kgg:slug)",
                source=name,
            )
        if g is not None and not keeps_graphs:  # pragma: no cover - triple formats have none
            g = None
        yield (
            _term(quad.subject, name),
            URIRef(quad.predicate.value),
            _term(quad.object, name),
            g,
        )


def _term(term: object, name: str) -> Node:
    try:
        return to_rdflib(term)
    except TypeError:
        raise ParseError(
            "RDF 1.2 triple terms (<< ... >>) are not supported by kgraph; use an evidence node",
            source=name,
        ) from None


def _parse_error(exc: SyntaxError, name: str) -> ParseError:
    """Turn pyoxigraph's SyntaxError into a ParseError with file, line, column and plain words."""
    text = str(exc.msg if exc.msg else exc)
    message = _OX_POSITION_RE.sub("", text)
    message = _plain(message)
    line = exc.lineno if isinstance(exc.lineno, int) and exc.lineno > 0 else None
    column = exc.offset if isinstance(exc.offset, int) and exc.offset > 0 else None
    if line is None:
        found = re.search(r"line (\d+)", text)
        line = int(found.group(1)) if found else None
    return ParseError(message, source=name, line=line, column=column, hint=_hint(message))


_PLAIN = (
    ("A dot is expected at the end of statements", "a statement is missing its final '.'"),
    ("Unexpected end of file", "the file ends in the middle of a statement"),
    (
        "Line jumps are not allowed in string literals",
        "a string is not closed on its line (a missing quote?)",
    ),
    (
        "No LoadDocumentCallback has been set to load remote contexts",
        "JSON-LD remote @context is refused: kgraph never fetches anything",
    ),
    ("No scheme found in an absolute IRI", "a relative IRI, and kgraph files have no base IRI"),
    ("Invalid IRI code point", "an IRI contains a character IRIs may not contain"),
)


def _plain(message: str) -> str:
    for parser_words, plain in _PLAIN:
        if parser_words in message:
            return f"{plain} ({message})"
    return message


def _hint(message: str) -> str | None:
    lowered = message.lower()
    if "prefix" in lowered and "declared" in lowered:
        return "add the missing @prefix line at the top of the file (see docs/model.md)"
    if "relative iri" in lowered:
        return "write the full IRI <https://w3id.org/kgraph/id/slug> or a prefixed name kg:slug"
    if "string" in lowered or "quote" in lowered or "end of file" in lowered:
        return (
            'close the quote; for text on several lines use """..."""; '
            "check for an unclosed bracket or brace before this position"
        )
    if "'.'" in message or "dot" in lowered:
        return "end each statement with ' .' (and separate properties with ' ;')"
    if "iri" in lowered:
        return (
            "IRIs may not contain spaces, quotes or <>; kgraph IRIs are kg:slug (lower-case-words)"
        )
    return None
