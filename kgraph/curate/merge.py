"""``kgraph merge KEEP DROP --reason TEXT``: two entities that turn out to be one.

:func:`merge_entities`

* rewrites every reference to DROP, in every graph of every ``data/`` file, to KEEP;
* keeps every name: in each graph, DROP's ``rdfs:label`` becomes a ``skos:altLabel`` of KEEP
  when KEEP already has a label there, and DROP's canonical name becomes a variant of KEEP's;
* records the merge in ``kgg:curation``: ``DROP owl:sameAs KEEP`` (so the old IRI still
  resolves, in the lookup, the API and the server) with ``skos:changeNote`` giving the date and
  the reason;
* validates the result over the whole graph (SHACL + OWL) and writes the changed files
  atomically, in the deterministic layout of :mod:`kgraph.curate.serialize` (comments in the
  rewritten files are not kept: put editorial notes in ``kgo:description`` or the merge reason).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from kgraph.curate import atomic
from kgraph.curate.add import CURATION_FILE, FileChange
from kgraph.curate.incremental import validate_full
from kgraph.curate.resolve import _as_iri, graph_names
from kgraph.curate.serialize import canonical, serialize_trig
from kgraph.curate.state import DataState, Term, data_files, parse_file, read_state
from kgraph.errors import InputError, UnknownEntity, ValidationFailed
from kgraph.namespaces import CURATION_GRAPH, KG, KGO, OWL, RDFS, SKOS

LABEL = ox.NamedNode(RDFS + "label")
PREF = ox.NamedNode(SKOS + "prefLabel")
ALT = ox.NamedNode(SKOS + "altLabel")
DESCRIPTION = ox.NamedNode(KGO + "description")
SAME_AS = ox.NamedNode(OWL + "sameAs")
CHANGE_NOTE = ox.NamedNode(SKOS + "changeNote")


@dataclass(frozen=True)
class MergeResult:
    keep: str
    drop: str
    reason: str
    files: tuple[FileChange, ...]
    references: int
    written: bool

    def diff(self) -> str:
        return "".join(f.unified_diff() for f in self.files if f.changed)

    def summary(self) -> str:
        lines = [f"merged <{self.drop}> into <{self.keep}>: {self.references} statements "
                 f"rewritten", f"  reason: {self.reason}"]
        lines += [f"  data/{f.name}: {f.status}" for f in self.files if f.changed]
        lines.append("  wrote" if self.written else "  would write")
        return "\n".join(lines)


def _entity_iri(name: str, state: DataState) -> str:
    direct = _as_iri(name)
    if direct is not None:
        if not state.exists(direct):
            raise UnknownEntity(name)
        return direct
    return graph_names(state).lookup.resolve(name)


def _layout(before: str | None, old: list[ox.Quad], new: list[ox.Quad], keep: str,
            drop: str) -> str:
    """The rewritten file: the original text edited token by token when that means exactly
    the rewritten statements (comments and layout kept), else the canonical layout."""
    if before is None or not new:
        return serialize_trig(new) if new else ""
    keep_node = ox.NamedNode(keep)
    relabel = {name for name, prop in (("skos:prefLabel", PREF), ("rdfs:label", LABEL))
               if any(q.subject == keep_node and q.predicate == prop for q in old)}
    text = gentle_rewrite(before, keep, drop, relabel)
    try:
        same = canonical(ox.parse(text.encode(), ox.RdfFormat.TRIG)) == canonical(new)
    except SyntaxError:
        same = False
    return text if same else serialize_trig(new)


def rewrite(quads: list[ox.Quad], keep: ox.NamedNode, drop: ox.NamedNode
            ) -> tuple[list[ox.Quad], int]:
    """``quads`` with ``drop`` replaced by ``keep``, names turned into variants (module doc)."""
    def sub(t: Term) -> Term:
        return keep if t == drop else t

    keep_has: dict[tuple[Term, ox.NamedNode], bool] = {}
    for q in quads:
        if q.subject == keep and q.predicate in (LABEL, PREF, DESCRIPTION):
            keep_has[(q.graph_name, q.predicate)] = True
    out: list[ox.Quad] = []
    changed = 0
    for q in quads:
        if drop not in (q.subject, q.object, q.graph_name):
            out.append(q)
            continue
        changed += 1
        predicate = q.predicate
        if q.subject == drop and keep_has.get((q.graph_name, predicate)):
            if predicate == DESCRIPTION:
                continue  # KEEP's own description wins
            predicate = ALT  # DROP's name stays, as a variant of KEEP
        out.append(ox.Quad(sub(q.subject), predicate, sub(q.object),
                           q.graph_name))
    return out, changed


_TOKEN = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\''
    r'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|#[^\n]*|<[^>\s]*>|[^\s"\'<#]+|\s+|.',
    re.S,
)


def gentle_rewrite(text: str, keep: str, drop: str, relabel: set[str]) -> str:
    """``text`` with every reference to ``drop`` replaced by ``keep``, token by token (strings
    and comments untouched, the layout kept). In a statement whose subject was ``drop``, a
    predicate in ``relabel`` (prefixed, e.g. ``skos:prefLabel``) becomes ``skos:altLabel``.
    The caller checks the result means what the full rewrite means."""
    slug_re = re.compile(r"(?<![\w:-])kg:" + re.escape(drop[len(KG):]) + r"(?![\w-])")
    out: list[str] = []
    last = "."  # the last significant token: a subject follows '.', '{' or '}'
    subject_was_drop = False
    expect_predicate = False
    for m in _TOKEN.finditer(text):
        tok = m.group()
        if tok.isspace() or tok.startswith("#"):
            out.append(tok)
            continue
        if tok.startswith(("'", '"')):
            out.append(tok)
            last, expect_predicate = tok, False
            continue
        new = f"<{keep}>" if tok == f"<{drop}>" else slug_re.sub("kg:" + keep[len(KG):], tok)
        at_subject = last.endswith((".", "{", "}")) and not last.startswith(("'", '"'))
        if at_subject:
            subject_was_drop = new != tok
            expect_predicate = True
        elif expect_predicate:
            if subject_was_drop and tok in relabel:
                new = "skos:altLabel"
            expect_predicate = False
        if tok.endswith(";"):
            expect_predicate = True
        out.append(new)
        last = tok
    return "".join(out)


def merge_entities(keep: str, drop: str, *, reason: str, root: Path | None = None,
                   data_dir: Path | None = None, dry_run: bool = False, reasoner: bool = True,
                   today: dt.date | None = None) -> MergeResult:
    """Merge entity ``drop`` into ``keep`` (names, slugs or IRIs); see the module doc."""
    from kgraph.load import project_root

    if not reason.strip():
        raise InputError("a merge needs a reason (--reason)")
    base = (data_dir.parent if data_dir is not None else project_root()) if root is None else root
    data_dir = base / "data" if data_dir is None else data_dir
    with atomic.locked(data_dir):
        if not dry_run:
            atomic.recover(data_dir)
        state = read_state(data_dir, base / "ontology")
        keep_iri, drop_iri = _entity_iri(keep, state), _entity_iri(drop, state)
        if keep_iri == drop_iri:
            raise InputError(f"{keep!r} and {drop!r} are already the same entity <{keep_iri}>")
        if not drop_iri.startswith(KG) or not keep_iri.startswith(KG):
            raise InputError("only kg: entities can be merged")
        k, d = ox.NamedNode(keep_iri), ox.NamedNode(drop_iri)
        when = (today or dt.date.today()).isoformat()
        record = [
            ox.Quad(d, SAME_AS, k, ox.NamedNode(CURATION_GRAPH)),
            ox.Quad(d, CHANGE_NOTE, ox.Literal(
                f"Merged into {keep_iri} on {when}: {reason.strip()}", language="en"),
                ox.NamedNode(CURATION_GRAPH)),
        ]
        files: list[FileChange] = []
        total = 0
        cur_path = data_dir / CURATION_FILE
        paths = data_files(data_dir)
        if cur_path not in paths:
            paths.append(cur_path)
        for path in paths:
            before = path.read_text("utf-8") if path.exists() else None
            quads = parse_file(path) if before is not None else []
            new, changed = rewrite(quads, k, d)
            total += changed
            if not changed and path.name != CURATION_FILE:
                continue
            after = _layout(before, quads, new, keep_iri, drop_iri)
            if path.name == CURATION_FILE:
                block = serialize_trig(record, header=f"merged by kgraph merge: {drop_iri}")
                after = after.rstrip("\n") + "\n\n" + block if after.strip() else block
            files.append(FileChange(path.name, before, after))
        if total == 0:
            raise UnknownEntity(drop)
        report = validate_full(base, data_dir, files, reasoner=reasoner)
        if not report.conforms:
            raise ValidationFailed(
                f"merging <{drop_iri}> into <{keep_iri}> would make the graph invalid; nothing "
                f"was written:\n{report.to_text()}", report=report)
        changed_files = {f.name: f.after.encode("utf-8") for f in files if f.changed}
        if not dry_run:
            atomic.write_files(data_dir, changed_files)
    return MergeResult(keep_iri, drop_iri, reason.strip(), tuple(files), total,
                       written=not dry_run)
