"""``kgraph add``: a fact sheet -> a validated, atomically written source graph in ``data/``.

:func:`add_sheet` reads the sheet (:mod:`~kgraph.curate.sheet`), resolves its names against the
data on disk (:mod:`~kgraph.curate.resolve`), builds the source's named graph and its additions to
``kgg:curation`` (:mod:`~kgraph.curate.to_rdf`), then

* writes ``data/{source}.trig`` as the union of what the file already holds and the sheet's
  quads, in the deterministic layout of :mod:`~kgraph.curate.serialize` (re-adding a sheet
  changes nothing; one more fact changes a few lines);
* appends to ``data/curation.trig`` only the curation statements it does not hold yet (the rest
  of that hand-curated file is left byte for byte as it is);
* validates the new state (SHACL + OWL consistency) before writing anything: incrementally by
  default (:mod:`~kgraph.curate.incremental`), or over the whole graph with ``full=True``;
* writes both files atomically (:mod:`~kgraph.curate.atomic`), or with ``dry_run`` only reports
  the unified diff of what would change.
"""

from __future__ import annotations

import difflib
import gc
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from kgraph.curate import atomic
from kgraph.curate.resolve import resolve_sheet
from kgraph.curate.serialize import canonical, serialize_trig
from kgraph.curate.sheet import Sheet, load
from kgraph.curate.state import DataState, parse_file, read_state
from kgraph.curate.to_rdf import Built, build
from kgraph.errors import ValidationFailed
from kgraph.namespaces import CURATION_GRAPH

CURATION_FILE = "curation.trig"


@dataclass(frozen=True)
class FileChange:
    """One file of ``data/`` as it is and as it would be."""

    name: str
    before: str | None
    after: str

    @property
    def changed(self) -> bool:
        return self.before != self.after

    @property
    def status(self) -> str:
        if self.before is None:
            return "created"
        return "changed" if self.changed else "unchanged"

    def unified_diff(self) -> str:
        lines = difflib.unified_diff(
            (self.before or "").splitlines(keepends=True), self.after.splitlines(keepends=True),
            fromfile=f"a/data/{self.name}" if self.before is not None else "/dev/null",
            tofile=f"b/data/{self.name}",
        )
        return "".join(lines)


@dataclass(frozen=True)
class AddResult:
    """What ``kgraph add`` did (or, with ``dry_run``, would do)."""

    sheet: str
    source: str
    graph: str
    files: tuple[FileChange, ...]
    new_quads: int
    new_entities: dict[str, str]
    statements: int
    claims: int
    written: bool
    validation: str
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        return any(f.changed for f in self.files)

    def diff(self) -> str:
        return "".join(f.unified_diff() for f in self.files if f.changed)

    def summary(self) -> str:
        verb = "wrote" if self.written else ("would write" if self.changed else "nothing to write")
        lines = [
            f"sheet {self.sheet}: source {self.source} (graph <{self.graph}>)",
            f"  {self.statements} statements, {self.claims} claims, "
            f"{len(self.new_entities)} new entities, {self.new_quads} new triples",
            f"  validation: {self.validation}",
        ]
        for iri, name in sorted(self.new_entities.items()):
            lines.append(f"  new entity <{iri}> {name!r}")
        for f in self.files:
            lines.append(f"  data/{f.name}: {f.status}")
        lines.append(f"  {verb}")
        return "\n".join(lines)


def _source_file(state: DataState, data_dir: Path, built: Built) -> Path:
    return state.file_of_graph.get(built.graph, data_dir / f"{built.slug}.trig")


@dataclass(frozen=True)
class Plan:
    """What adding a sheet changes, as quads; :meth:`render` writes the files' new text (the
    slow half, which ``kgraph add`` does while the reasoner works)."""

    built: Built
    sheet_name: str
    src_name: str
    before_src: str | None
    src_quads: set[ox.Quad]
    before_cur: str | None
    add_cur: set[ox.Quad]
    new_quads: set[ox.Quad]

    def render(self) -> tuple[FileChange, FileChange]:
        """The new source file and the new curation file."""
        src_after = serialize_trig(self.src_quads)
        if self.before_cur is None:
            cur_after = serialize_trig(self.add_cur)
        elif self.add_cur:
            block = serialize_trig(self.add_cur, header=f"added by kgraph add: {self.sheet_name} "
                                   f"(source {self.built.slug})")
            cur_after = self.before_cur.rstrip("\n") + "\n\n" + block
        else:
            cur_after = self.before_cur
        return (FileChange(self.src_name, self.before_src, src_after),
                FileChange(CURATION_FILE, self.before_cur, cur_after))


def plan_change(state: DataState, data_dir: Path, built: Built, *, replace: bool = False,
                sheet_name: str = "") -> Plan:
    """The quads of the new source file and of the curation file's addition, and the quads
    that are new to the graph."""
    src_path = _source_file(state, data_dir, built)
    before_src = src_path.read_text("utf-8") if src_path.exists() else None
    old_src: set[ox.Quad] = set()
    if before_src is not None:
        old_src = canonical(parse_file(src_path))
        if replace:
            old_src = {q for q in old_src if q.graph_name != ox.NamedNode(built.graph)}
    new_src = canonical(built.source_quads)
    cur_path = data_dir / CURATION_FILE
    before_cur = cur_path.read_text("utf-8") if cur_path.exists() else None
    old_cur = canonical(state.quads(CURATION_GRAPH))
    add_cur = canonical(built.curation_quads) - old_cur
    return Plan(built=built, sheet_name=sheet_name, src_name=src_path.name,
                before_src=before_src, src_quads=old_src | new_src, before_cur=before_cur,
                add_cur=add_cur, new_quads=(new_src - old_src) | add_cur)


def plan_files(state: DataState, data_dir: Path, built: Built, *, replace: bool = False,
               sheet_name: str = "") -> tuple[FileChange, FileChange, set[ox.Quad]]:
    """The new source file, the new curation file, and the quads that are new to the graph."""
    plan = plan_change(state, data_dir, built, replace=replace, sheet_name=sheet_name)
    src, cur = plan.render()
    return src, cur, plan.new_quads


Validator = Callable[[DataState, Path, Built, tuple[FileChange, ...]], str]


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off for the duration (and back as it was after).

    ``kgraph add`` holds a million quads in dicts and lists while it allocates millions of
    short-lived objects; each of the collector's full passes walks them all. Measured on a
    10,000-statement sheet into 1M triples, the passes took half of reading, resolving,
    planning and cutting the neighbourhood (31 s -> 16 s). Cyclic garbage the run leaves is
    collected by the next pass after it.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def add_sheet(
    sheet: str | Path | Sheet,
    *,
    root: Path | None = None,
    data_dir: Path | None = None,
    dry_run: bool = False,
    replace: bool = False,
    full_validation: bool = False,
    reasoner: bool = True,
) -> AddResult:
    """Add the fact sheet ``sheet`` to the data of the project at ``root`` (or ``data_dir``).

    Raises :class:`~kgraph.errors.SheetError` for a bad sheet and
    :class:`~kgraph.errors.ValidationFailed` when the result would not validate; in both cases
    nothing is written.
    """
    with collector_paused():
        return _add_sheet(sheet, root=root, data_dir=data_dir, dry_run=dry_run,
                          replace=replace, full_validation=full_validation, reasoner=reasoner)


def _add_sheet(sheet: str | Path | Sheet, *, root: Path | None, data_dir: Path | None,
               dry_run: bool, replace: bool, full_validation: bool, reasoner: bool
               ) -> AddResult:
    from kgraph.curate.incremental import validate_full, validate_incremental
    from kgraph.load import project_root

    timings: dict[str, float] = {}
    t = time.perf_counter()
    base = (data_dir.parent if data_dir is not None else project_root()) if root is None else root
    data_dir = base / "data" if data_dir is None else data_dir
    parsed = sheet if isinstance(sheet, Sheet) else load(sheet)
    timings["read sheet"] = time.perf_counter() - t
    with atomic.locked(data_dir):
        if not dry_run:
            atomic.recover(data_dir)
        t = time.perf_counter()
        state = read_state(data_dir, base / "ontology")
        timings["load data"] = time.perf_counter() - t
        t = time.perf_counter()
        res = resolve_sheet(parsed, state)
        built = build(res)
        timings["resolve + build"] = time.perf_counter() - t
        t = time.perf_counter()
        plan = plan_change(state, data_dir, built, replace=replace,
                           sheet_name=Path(parsed.path).name)
        new_quads = plan.new_quads
        rendered: list[tuple[FileChange, FileChange]] = []
        render_time: list[float] = []

        def render() -> None:
            started = time.perf_counter()
            rendered.append(plan.render())
            render_time.append(time.perf_counter() - started)

        timings["serialize"] = time.perf_counter() - t
        full = full_validation or replace  # a replaced graph also loses statements
        # incremental validation writes out the files' text while the reasoner works
        overlapped = bool(new_quads) and not full
        if not overlapped:
            render()
        t = time.perf_counter()
        if new_quads or replace:
            if full:
                report = validate_full(base, data_dir, rendered[0], reasoner=reasoner)
            else:
                report = validate_incremental(state, base, new_quads, reasoner=reasoner,
                                              meanwhile=render)
            how = "full" if full else "incremental"
            if not report.conforms:
                raise ValidationFailed(
                    f"the sheet {parsed.path} would make the graph invalid; nothing was "
                    f"written ({how} validation):\n{report.to_text()}", report=report)
            validation = f"{how}, conforms ({report.summary()})"
        else:
            validation = "skipped: nothing new"
        # the phases add up to the wall time: the files' text counts as serialize, also when
        # it was written out during validation
        timings["validate"] = time.perf_counter() - t - (render_time[0] if overlapped else 0.0)
        timings["serialize"] += render_time[0]
        files = rendered[0]
        t = time.perf_counter()
        changed = {f.name: f.after.encode("utf-8") for f in files if f.changed}
        if changed and not dry_run:
            atomic.write_files(data_dir, changed)
        timings["write"] = time.perf_counter() - t
    return AddResult(
        sheet=parsed.path, source=built.slug, graph=built.graph, files=files,
        new_quads=len(new_quads), new_entities=dict(built.new_entities),
        statements=len(parsed.statements), claims=len(parsed.claims),
        written=bool(changed) and not dry_run, validation=validation, timings=timings,
    )
