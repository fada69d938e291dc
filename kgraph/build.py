"""From curated files to a ready store: parse, infer, load, cache.

A build reads ``ontology/*.ttl`` into the graph ``kgg:ontology`` and ``data/*.trig`` into the
named graphs they declare, then materialises what the ontology entails (:mod:`kgraph.infer`)
into ``kgg:inferred``.

The embedded store of a build lives in a cache directory named by the *content hash* of its
inputs (every file's name and bytes, the inference rules, the kgraph and pyoxigraph versions):
``$KGRAPH_CACHE`` or ``~/.cache/kgraph``, then ``<hash>/``. A build is written into a
temporary directory and renamed into place only when complete, with a marker file holding the
hash, so a crash mid-build leaves no half store. Opening checks the marker and probes the
store; a cache that is missing its marker, has the wrong one, or does not open is deleted and
rebuilt, never trusted. A finished build deletes the builds of the same project it supersedes,
unless a process still has them open (:mod:`kgraph.prune`).
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import json
import os
import shutil
import time
import uuid
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

import pyoxigraph as ox

import kgraph
from kgraph.errors import ParseError, StoreError
from kgraph.infer import RULES_DIR, infer
from kgraph.namespaces import INFERRED_GRAPH, ONTOLOGY_GRAPH
from kgraph.prune import prune_superseded

__all__ = [
    "MARKER",
    "BuildInfo",
    "Inputs",
    "build_embedded",
    "build_in_memory",
    "bundled_root",
    "cache_root",
    "content_hash",
    "populate",
]

#: file in a finished store directory holding the build's hash and figures
MARKER: Final = "kgraph-build.json"
#: bump when the layout of a built store changes
BUILD_FORMAT: Final = 1


def bundled_root() -> Path:
    """The directory holding the bundled ``ontology/`` and ``data/`` ($KGRAPH_ROOT overrides)."""
    env = os.environ.get("KGRAPH_ROOT")
    if env:
        return Path(env)
    package = Path(__file__).resolve().parent
    for candidate in (package / "_bundled", package.parent):
        if (candidate / "ontology").is_dir() or (candidate / "data").is_dir():
            return candidate
    return package.parent


def cache_root() -> Path:
    """Where built stores live: $KGRAPH_CACHE or ~/.cache/kgraph."""
    env = os.environ.get("KGRAPH_CACHE")
    if env:
        return Path(env)
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "kgraph"


@dataclass(frozen=True)
class Inputs:
    """The files a build reads: ontology files (Turtle) and data files (TriG)."""

    ontology: tuple[Path, ...]
    data: tuple[Path, ...]
    root: Path | None = None

    @classmethod
    def from_dir(cls, path: str | Path | None = None) -> Inputs:
        """The inputs under ``path`` (default: the bundled graph).

        ``path`` holds ``ontology/*.ttl`` and ``data/*.trig``; a directory without
        ``ontology/`` uses the bundled ontology, and one without ``data/`` is read as a
        directory of ``.trig`` files itself.
        """
        root = Path(path) if path is not None else bundled_root()
        if not root.is_dir():
            raise StoreError(f"no such directory: {root}")
        onto_dir = root / "ontology"
        if not onto_dir.is_dir():
            onto_dir = bundled_root() / "ontology"
        data_dir = root / "data" if (root / "data").is_dir() else root
        ontology = tuple(sorted(onto_dir.glob("*.ttl"))) if onto_dir.is_dir() else ()
        data = tuple(sorted(data_dir.glob("*.trig")))
        return cls(ontology=ontology, data=data, root=root)

    @property
    def files(self) -> tuple[Path, ...]:
        return self.ontology + self.data


def content_hash(inputs: Inputs) -> str:
    """The cache key: a SHA-256 over every input file (name and bytes), the rules and versions."""
    h = hashlib.sha256()
    h.update(f"kgraph {kgraph.__version__} pyoxigraph {ox.__version__} "
             f"format {BUILD_FORMAT}\n".encode())
    groups: list[tuple[str, Iterable[Path]]] = [
        ("ontology", inputs.ontology),
        ("data", inputs.data),
        ("rules", sorted(RULES_DIR.glob("*.rq"))),
    ]
    for kind, files in groups:
        for f in files:
            h.update(f"{kind}/{f.name}\n".encode())
            with open(f, "rb") as fh:
                h.update(hashlib.file_digest(fh, "sha256").digest())
    return h.hexdigest()


@dataclass(frozen=True)
class BuildInfo:
    """What the marker file of a finished build says."""

    hash: str
    quads: int
    inferred: int
    seconds: float
    files: tuple[str, ...] = field(default_factory=tuple)
    #: when each phase ended, in seconds from the start of the build
    phases: dict[str, float] = field(default_factory=dict)


def _parse_error(exc: SyntaxError, source: Path) -> ParseError:
    message = exc.msg if hasattr(exc, "msg") and exc.msg else str(exc)
    return ParseError(
        message, source=str(source), line=exc.lineno, column=exc.offset,
        hint="fix the file and run again",
    )


def populate(store: ox.Store, inputs: Inputs, *, bulk: bool = False) -> None:
    """Parse every input into ``store``: ontology files into kgg:ontology, data as declared."""
    for f in inputs.ontology:
        load_file(store, f, ontology=True, bulk=bulk)
    for f in inputs.data:
        load_file(store, f, bulk=bulk)


def load_file(store: ox.Store, path: Path, *, ontology: bool = False, bulk: bool = False) -> None:
    """Parse one input file into ``store`` (an ontology file into kgg:ontology); a syntax
    error becomes a :class:`ParseError` naming the file, line and column."""
    fmt = ox.RdfFormat.TURTLE if ontology else ox.RdfFormat.TRIG
    graph = ox.NamedNode(ONTOLOGY_GRAPH) if ontology else None
    try:
        if bulk:
            store.bulk_load(path=str(path), format=fmt, to_graph=graph)
        else:
            store.load(path=str(path), format=fmt, to_graph=graph)
    except SyntaxError as exc:
        raise _parse_error(exc, path) from None


def build_in_memory(inputs: Inputs) -> ox.Store:
    """A complete build (inputs + inferences) in an in-memory pyoxigraph store."""
    store = ox.Store()
    populate(store, inputs)
    infer(store)
    return store


def read_marker(path: Path) -> BuildInfo | None:
    """The marker of a finished build in ``path``, or None when absent or unreadable."""
    try:
        doc = json.loads((path / MARKER).read_text())
        return BuildInfo(
            hash=str(doc["hash"]), quads=int(doc["quads"]), inferred=int(doc["inferred"]),
            seconds=float(doc["seconds"]), files=tuple(doc.get("files", ())),
            phases={str(k): float(v) for k, v in doc.get("phases", {}).items()},
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _probe(path: Path) -> bool:
    """True when the store in ``path`` opens and answers."""
    try:
        store = ox.Store.read_only(str(path))
        ok = bool(store.query("ASK { GRAPH ?g { ?s ?p ?o } }"))
        del store
        return ok
    except (OSError, SyntaxError, RuntimeError):
        return False


#: inputs larger than this (bytes) are parsed and inferred in a child process (see below)
CHILD_PROCESS_BYTES: Final = 8_000_000
#: input bytes the child parses between two sends (the first send starts the parent's load)
CHUNK_INPUT_BYTES: Final = 4_000_000
#: lines of N-Quads per file the child sends of what inference added
BULK_CHUNK_LINES: Final = 100_000


def _build_in_process(directory: Path, inputs: Inputs, phases: dict[str, float]) -> tuple[int, int]:
    """Parse, infer and bulk-load in one process, in one bulk load (for small inputs)."""
    started = time.perf_counter()
    memory = ox.Store()
    populate(memory, inputs)
    phases["parsed"] = time.perf_counter() - started
    inferred = infer(memory)
    phases["inferred"] = time.perf_counter() - started
    quads = len(memory)
    data = memory.dump(format=ox.RdfFormat.N_QUADS) or b""
    del memory
    _load_into(directory, [data])
    phases["loaded"] = time.perf_counter() - started
    return quads, inferred


def _load_into(directory: Path, parts: Iterable[bytes | Path], *, yielding: bool = False) -> None:
    """Bulk-load N-Quads ``parts`` (bytes or files, deleted once loaded) into a new store.

    Files are read by a parser that keeps the blank node labels they hold (see
    :mod:`kgraph.store.lines`): the parts of one dataset may split a blank node's statements.
    With ``yielding``, the parts are loaded in a thread at a lower CPU priority (and so are the
    loader's own threads), so that the process producing them keeps its core.

    A store loaded in several parts holds them as overlapping layers that every lookup must
    visit; it is compacted into one at the end (at 1M quads, 1.5 s that make the role-at-date
    query ~20% faster, see docs/performance.md).
    """
    import sys
    import threading

    holder = [ox.Store(str(directory))]
    loads = [0]

    def load(part: bytes | Path) -> None:
        if isinstance(part, Path):
            holder[0].bulk_extend(ox.parse(path=str(part), format=ox.RdfFormat.N_QUADS,
                                           lenient=True, rename_blank_nodes=False))
            part.unlink()
        else:
            holder[0].bulk_load(part, format=ox.RdfFormat.N_QUADS, lenient=True)
        loads[0] += 1

    try:
        if not yielding:
            for part in parts:
                load(part)
        else:
            failure: list[BaseException] = []

            def background() -> None:
                if sys.platform.startswith("linux"):  # there the nice value is per thread
                    with contextlib.suppress(OSError):
                        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 10)
                try:
                    for part in parts:
                        load(part)
                except BaseException as exc:  # handed to the caller below
                    failure.append(exc)

            worker = threading.Thread(target=background, name="kgraph-bulk-load")
            worker.start()
            worker.join()
            if failure:
                raise failure[0]
        if loads[0] > 1:
            holder[0].optimize()
        holder[0].flush()
    finally:
        holder.clear()  # close the store before the directory is renamed or removed
        gc.collect()


def _build_in_child(directory: Path, inputs: Inputs, phases: dict[str, float]) -> tuple[int, int]:
    """Parse and infer in a child process while this one bulk-loads what the child sends.

    The child parses the inputs into an in-memory store a few megabytes at a time and, after
    each step, writes the graphs it has completed to a file of N-Quads, which this process
    bulk-loads while the child goes on parsing and then inferring; then it writes what each
    inference rule added, as soon as the rule has run. Blank node labels travel unchanged from
    the child's store to this one (see :func:`_load_into`). The child's memory is returned
    when it exits.
    """
    import subprocess
    import sys
    import tempfile

    parts = Path(tempfile.mkdtemp(prefix=directory.name + ".parts-", dir=directory.parent))
    spec = json.dumps({"ontology": [str(p) for p in inputs.ontology],
                       "data": [str(p) for p in inputs.data], "out": str(parts),
                       "chunk_bytes": CHUNK_INPUT_BYTES, "chunk_lines": BULK_CHUNK_LINES})
    errors = open(parts / "stderr.txt", "w+b")  # noqa: SIM115 - closed below
    proc = subprocess.Popen(
        [sys.executable, "-m", "kgraph.build", "--stream"], stdin=subprocess.PIPE,
        stdout=subprocess.PIPE, stderr=errors,
    )
    answer: dict[str, object] = {}
    started = time.perf_counter()
    clock = time.monotonic()  # the clock both processes read (CLOCK_MONOTONIC)

    def messages() -> Iterator[Path]:
        assert proc.stdin is not None and proc.stdout is not None
        proc.stdin.write(spec.encode())
        proc.stdin.close()
        for raw in proc.stdout:
            message = json.loads(raw)
            if "chunk" in message:
                yield Path(message["chunk"])
            elif "parsed" in message:  # the child's own clock: this process may be behind
                phases["parsed"] = float(message["at"]) - clock
            else:
                answer.update(message)
                if "final" in message:
                    phases["inferred"] = float(message["at"]) - clock
                return

    try:
        _load_into(directory, messages(), yielding=True)
        phases["loaded"] = time.perf_counter() - started
        proc.wait()
        if "error" in answer:
            raise ParseError(str(answer["error"]), source=_str(answer.get("source")),
                             line=_int(answer.get("line")), column=_int(answer.get("column")),
                             hint="fix the file and run again")
        if "final" not in answer or proc.returncode != 0:
            errors.seek(0)
            tail = errors.read().decode(errors="replace").strip()[-500:]
            raise StoreError(f"the build process failed: {tail or proc.returncode}")
        return int(str(answer["quads"])), int(str(answer["inferred"]))
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        errors.close()
        shutil.rmtree(parts, ignore_errors=True)


def _str(value: object) -> str | None:
    return None if value is None else str(value)


def _int(value: object) -> int | None:
    return None if value is None else int(str(value))


def _build_into(directory: Path, inputs: Inputs, phases: dict[str, float]) -> tuple[int, int]:
    """Build a store in ``directory``: quads and inferred counts (and into ``phases``, when the
    parse, the inference and the load ended).

    The inputs are parsed into an in-memory store, where the inference rules run (queries in
    memory are several times faster than on disk), and bulk-loaded into the on-disk store.
    Big inputs are parsed and inferred in a child process, alongside the load.
    """
    size = sum(f.stat().st_size for f in inputs.files)
    if size > CHILD_PROCESS_BYTES:
        return _build_in_child(directory, inputs, phases)
    return _build_in_process(directory, inputs, phases)


def _graph_lines(store: ox.Store, graph: ox.NamedNode | ox.BlankNode | ox.DefaultGraph) -> bytes:
    """The statements of one graph of ``store`` as N-Quads lines."""
    data = store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=graph) or b""
    if isinstance(graph, ox.DefaultGraph):
        return data
    # pyoxigraph writes one statement per line, each ending " .\n" (no line holds another
    # newline), so the graph name goes before each of those ends (as_quad_lines does the same
    # for text of unknown form, after checking it)
    return data.replace(b" .\n", f" {graph} .\n".encode())


def _child_main() -> None:
    """``python -m kgraph.build --stream``: the child side of :func:`_build_in_child`."""
    import sys

    spec = json.loads(sys.stdin.read())
    inputs = Inputs(ontology=tuple(Path(p) for p in spec["ontology"]),
                    data=tuple(Path(p) for p in spec["data"]))
    out = Path(spec["out"])
    memory = ox.Store()
    sent_graphs: dict[ox.NamedNode | ox.BlankNode, int] = {}  # graph -> statements sent
    counts = {"files": 0, "lines": 0}

    def send(message: dict[str, object]) -> None:
        sys.stdout.write(json.dumps(message) + "\n")
        sys.stdout.flush()

    def write(data: bytes) -> None:
        if data:
            path = out / f"chunk-{counts['files']:05d}.nq"
            path.write_bytes(data)
            counts["files"] += 1
            counts["lines"] += data.count(b"\n")
            send({"chunk": str(path)})

    def send_graphs(graphs: Iterable[ox.NamedNode | ox.BlankNode]) -> None:
        parts = []
        for g in graphs:
            lines = _graph_lines(memory, g)
            sent_graphs[g] = lines.count(b"\n")
            parts.append(lines)
        write(b"".join(parts))

    def send_new_graphs() -> None:
        send_graphs(g for g in memory.named_graphs() if g not in sent_graphs)

    try:
        for f in inputs.ontology:
            load_file(memory, f, ontology=True)
        parsed = 0
        for f in inputs.data:
            load_file(memory, f)
            parsed += f.stat().st_size
            if parsed >= spec["chunk_bytes"]:
                send_new_graphs()
                parsed = 0
    except ParseError as exc:
        send({"error": exc.message.split(": ", 1)[-1], "source": exc.source,
              "line": exc.line, "column": exc.column})
        return
    send_new_graphs()
    write(_graph_lines(memory, ox.DefaultGraph()))
    if counts["lines"] != len(memory):
        # a graph went on in a later file, after it was sent: send those graphs again whole
        # (a quad loaded twice is stored once, and blank node labels are the same both times)
        sizes = memory.query("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } "
                             "GROUP BY ?g")
        assert isinstance(sizes, ox.QuerySolutions)
        send_graphs(row[0] for row in sizes if isinstance(row[0], ox.NamedNode | ox.BlankNode)
                    and int(row[1].value) != sent_graphs.get(row[0]))
    send({"parsed": len(memory), "at": time.monotonic()})
    step = max(1, int(spec["chunk_lines"]))

    def send_added(quads: set[ox.Quad]) -> None:
        ordered = list(quads)
        for i in range(0, len(ordered), step):
            write(ox.serialize(ordered[i:i + step], format=ox.RdfFormat.N_QUADS) or b"")

    inferred = infer(memory, on_added=send_added)
    send({"final": True, "quads": len(memory), "inferred": inferred,
          "at": time.monotonic()})


def build_embedded(
    inputs: Inputs, cache_dir: str | Path | None = None, *, force: bool = False
) -> tuple[Path, BuildInfo]:
    """The directory of a finished embedded store for ``inputs``, building it if needed."""
    key = content_hash(inputs)
    cache = Path(cache_dir) if cache_dir is not None else cache_root()
    target = cache / key[:24]
    if not force and target.is_dir():
        info = read_marker(target)
        if info is not None and info.hash == key and _probe(target):
            return target, info
    if target.exists():  # stale, corrupt or forced: never trusted
        shutil.rmtree(target, ignore_errors=True)
    cache.mkdir(parents=True, exist_ok=True)
    tmp = cache / f".build-{key[:12]}-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    started = time.perf_counter()
    try:
        phases: dict[str, float] = {}
        quads, inferred = _build_into(tmp, inputs, phases)
        gc.collect()
        info = BuildInfo(
            hash=key, quads=quads, inferred=inferred,
            seconds=round(time.perf_counter() - started, 3),
            files=tuple(str(f) for f in inputs.files),
            phases={k: round(v, 3) for k, v in phases.items()},
        )
        (tmp / MARKER).write_text(json.dumps(info.__dict__ | {"files": list(info.files)}))
        try:
            tmp.rename(target)
        except OSError:
            # another process finished the same build first: use theirs
            if read_marker(target) is None:
                raise
            shutil.rmtree(tmp, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    prune_superseded(cache, target, info.files, MARKER)
    return target, info


def graphs_of(store: ox.Store) -> Sequence[str]:
    """The named graph IRIs of a pyoxigraph store, inferred and ontology graphs included."""
    names = [g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode)]
    return sorted(names, key=lambda g: (g in (ONTOLOGY_GRAPH, INFERRED_GRAPH), g))


if __name__ == "__main__":
    _child_main()
