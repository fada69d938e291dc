"""``kgraph diff OLD NEW``: statements added and removed between two states of the graph.

A state is a git revision of the project (its ``data/*.trig`` at that commit), a dump file
(``.trig``, ``.nq``) or a folder of TriG files. Blank nodes (dates) are compared by content
(:func:`kgraph.curate.serialize.canonical`), so a re-serialised file with the same statements
shows no change, and a changed date shows as its statement removed and added. Each statement
is written once, with its dates inline, under its named graph (the source) and counted for every
entity it mentions.
"""

from __future__ import annotations

import json
import subprocess
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from kgraph.curate.serialize import _plain, canonical, iri
from kgraph.curate.state import Term
from kgraph.errors import InputError, ParseError
from kgraph.namespaces import KG, RDF

_FORMATS = {".trig": ox.RdfFormat.TRIG, ".nq": ox.RdfFormat.N_QUADS,
            ".nt": ox.RdfFormat.N_TRIPLES, ".ttl": ox.RdfFormat.TURTLE}


@dataclass(frozen=True)
class GraphState:
    """One state of the graph: its quads (blank nodes canonical) and where they came from."""

    label: str
    quads: frozenset[ox.Quad]


def _parse(data: bytes, fmt: ox.RdfFormat, name: str) -> list[ox.Quad]:
    try:
        return list(ox.parse(data, fmt))
    except SyntaxError as exc:
        raise ParseError(str(exc), source=name) from exc


def _git(repo: Path, *args: str) -> bytes:
    try:
        return subprocess.run(["git", "-C", str(repo), *args], check=True,
                              capture_output=True).stdout
    except (subprocess.CalledProcessError, FileNotFoundError) as exc:
        stderr = getattr(exc, "stderr", b"") or b""
        raise InputError(f"git {' '.join(args)} failed: {stderr.decode(errors='replace').strip()}",
                         hint="give a git revision (HEAD~1, a branch, a commit), a dump file or "
                         "a folder of .trig files") from exc


def read_graph_state(spec: str, repo: Path) -> GraphState:
    """The graph at ``spec``: a path (file or folder) if one exists, else a git revision."""
    path = Path(spec)
    quads: list[ox.Quad] = []
    if path.is_file():
        fmt = _FORMATS.get(path.suffix.lower())
        if fmt is None:
            raise InputError(f"{spec}: not a dump kgraph can read", hint="use .trig or .nq")
        quads = _parse(path.read_bytes(), fmt, spec)
    elif path.is_dir():
        folder = path / "data" if (path / "data").is_dir() else path
        for f in sorted(folder.glob("*.trig")):
            if not f.name.startswith("."):
                quads += _parse(f.read_bytes(), ox.RdfFormat.TRIG, str(f))
    else:
        if spec.startswith("-"):
            raise InputError(f"{spec!r} is not a revision, file or folder")
        names = _git(repo, "ls-tree", "-r", "--name-only", spec, "--", "data/").decode()
        for name in sorted(n for n in names.splitlines() if n.endswith(".trig")):
            if Path(name).name.startswith("."):
                continue
            data = _git(repo, "show", f"{spec}:{name}")
            quads += _parse(data, ox.RdfFormat.TRIG, f"{spec}:{name}")
    return GraphState(spec, frozenset(canonical(quads)))


def _graph(q: ox.Quad) -> str:
    return "(default graph)" if isinstance(q.graph_name, ox.DefaultGraph) else iri(
        q.graph_name.value)


class _Printer:
    """Statements as one line each, blank nodes (dates) inline."""

    def __init__(self, quads: Iterable[ox.Quad]) -> None:
        self.props: dict[ox.BlankNode, list[tuple[str, Term]]] = defaultdict(list)
        for q in quads:
            if isinstance(q.subject, ox.BlankNode):
                self.props[q.subject].append((q.predicate.value, q.object))

    def term(self, t: Term, depth: int = 0) -> str:
        if isinstance(t, ox.BlankNode) and t in self.props and depth < 8:
            inner = sorted(
                ("a" if p == RDF + "type" else iri(p)) + " " + self.term(o, depth + 1)
                for p, o in self.props[t]
            )
            inner.sort(key=lambda s: not s.startswith("a "))
            return "[ " + " ; ".join(inner) + " ]"
        return _plain(t)

    def line(self, q: ox.Quad) -> str:
        pred = "a" if q.predicate.value == RDF + "type" else iri(q.predicate.value)
        return f"{self.term(q.subject)} {pred} {self.term(q.object)}"


@dataclass
class GraphDiff:
    """Statements added and removed, by source graph and by entity."""

    old: str
    new: str
    added: dict[str, list[str]] = field(default_factory=dict)  # graph -> statement lines
    removed: dict[str, list[str]] = field(default_factory=dict)
    entities: dict[str, dict[str, int]] = field(default_factory=dict)  # iri -> {added, removed}

    @property
    def counts(self) -> tuple[int, int]:
        return (sum(map(len, self.added.values())), sum(map(len, self.removed.values())))

    def to_dict(self) -> dict[str, object]:
        graphs = sorted(set(self.added) | set(self.removed))
        plus, minus = self.counts
        return {
            "old": self.old, "new": self.new, "added": plus, "removed": minus,
            "graphs": {g: {"added": self.added.get(g, []), "removed": self.removed.get(g, [])}
                       for g in graphs},
            "entities": {e: self.entities[e] for e in sorted(self.entities)},
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False)

    def to_text(self) -> str:
        plus, minus = self.counts
        graphs = sorted(set(self.added) | set(self.removed))
        if not graphs:
            return f"{self.old} -> {self.new}: no statement added or removed\n"
        out = [f"{self.old} -> {self.new}: +{plus} -{minus} statements in {len(graphs)} "
               f"graph(s)", ""]
        for g in graphs:
            add, rem = self.added.get(g, []), self.removed.get(g, [])
            out.append(f"graph {g}  (+{len(add)} -{len(rem)})")
            out += [f"  - {line}" for line in rem]
            out += [f"  + {line}" for line in add]
            out.append("")
        out.append("by entity:")
        width = max(len(iri(e)) for e in self.entities) if self.entities else 0
        for e in sorted(self.entities):
            c = self.entities[e]
            out.append(f"  {iri(e):<{width}}  +{c['added']} -{c['removed']}")
        return "\n".join(out) + "\n"


def diff_states(before: GraphState, after: GraphState) -> GraphDiff:
    """What changed from ``before`` to ``after`` (see the module doc)."""
    result = GraphDiff(before.label, after.label)
    for sign, quads, context in (("added", after.quads - before.quads, after.quads),
                                 ("removed", before.quads - after.quads, before.quads)):
        printer = _Printer(context)
        lines: dict[str, list[str]] = defaultdict(list)
        for q in quads:
            if isinstance(q.subject, ox.BlankNode):
                continue  # shown inline in the statement that uses it
            lines[_graph(q)].append(printer.line(q))
            for node in (q.subject, q.object):
                if isinstance(node, ox.NamedNode) and node.value.startswith(KG):
                    counts = result.entities.setdefault(node.value, {"added": 0, "removed": 0})
                    counts[sign] += 1
        target = result.added if sign == "added" else result.removed
        for g, ls in lines.items():
            target[g] = sorted(ls)
    return result
