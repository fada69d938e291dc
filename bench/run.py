"""Benchmark: kgraph vs raw pyoxigraph vs plain rdflib (in-memory Graph), in one run.

    python bench/run.py --sizes 10000 100000 1000000 --cap 120

For each size it generates synthetic data (bench/generate.py) and measures

* kgraph: first build (parse, infer, load, compact; peak memory of its processes together;
  ``--builds N`` builds N times from scratch and reports the median), re-open of the built
  store, entity lookup by name, then each benchmark query through ``kg.query(name, **bindings)``;
* raw pyoxigraph: the same query texts and bindings on the same built store;
* rdflib: ``Dataset`` parse of the same files (time, peak memory), then the same queries with
  ``initBindings``, in a child process killed when a query exceeds ``--cap`` seconds
  (reported as "> cap").

Query times are the median of repeated runs (at least 5 runs or 1 s). Prints a table and
writes ``bench/results.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

# name -> (named query, bindings as (kind, value)); "person"/"org" filled per dataset
QUERIES: dict[str, tuple[str, dict[str, Any]]] = {
    "role-at-date": ("holders-at-date", {"organization": "ORG", "at": "2005-06-01"}),
    "claims-about": ("claims-about", {"about": "PERSON"}),
    "4-hop-join": ("units-managing-groups", {"parent": "FORCE"}),
}


#: CPU-time medians of the last _median_time call (see docs/performance.md: on a shared
#: machine wall-clock times include waiting for a core; CPU time does not)
LAST_CPU: list[float] = [0.0]


def _median_time(fn: Any, min_runs: int = 5, min_total: float = 1.0) -> float:
    """Median wall-clock seconds of ``fn`` (CPU-time median left in LAST_CPU[0])."""
    times: list[float] = []
    cpu: list[float] = []
    start = time.perf_counter()
    while len(times) < min_runs or (time.perf_counter() - start < min_total and len(times) < 200):
        t = time.perf_counter()
        c = time.process_time()
        fn()
        cpu.append(time.process_time() - c)
        times.append(time.perf_counter() - t)
    LAST_CPU[0] = statistics.median(cpu)
    return statistics.median(times)


def _maxrss_mb() -> float:
    """Peak resident memory of this process or of any child it waited for."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, children) / 1024


def _tree_rss_bytes(root: int) -> int:
    """Resident memory of ``root`` and its child processes, now (from /proc)."""
    total = 0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as fh:
                parent = int(fh.read().rsplit(")", 1)[1].split()[1])
            if int(entry) == root or parent == root:
                with open(f"/proc/{entry}/statm") as fh:
                    total += int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, ValueError, IndexError):
            continue
    return total


class _PeakSampler:
    """The peak of :func:`_tree_rss_bytes` for this process, sampled every 50 ms: the build
    runs a child alongside its own loading, so their memory counts together."""

    def __init__(self) -> None:
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, _tree_rss_bytes(os.getpid()))
            self._stop.wait(0.05)

    def __enter__(self) -> _PeakSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


# ----------------------------------------------------------------------------- child: build
def child_build(data: str, cache: str) -> None:
    from kgraph.build import Inputs, build_embedded

    t = time.perf_counter()
    c = time.process_time()
    with _PeakSampler() as sampler:
        path, info = build_embedded(Inputs.from_dir(data), cache)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(json.dumps({"seconds": time.perf_counter() - t,
                      "cpu_seconds": time.process_time() - c + children.ru_utime
                      + children.ru_stime,
                      "peak_mb": max(sampler.peak / 2**20, _maxrss_mb()),
                      "phases": info.phases,
                      "quads": info.quads, "inferred": info.inferred, "path": str(path)}))


# ---------------------------------------------------------------------------- child: rdflib
def child_rdflib(data: str) -> None:
    import rdflib

    from kgraph.build import Inputs
    from kgraph.namespaces import ONTOLOGY_GRAPH, PREFIXES
    from kgraph.query.named import load_named

    inputs = Inputs.from_dir(data)
    t = time.perf_counter()
    ds = rdflib.Dataset(default_union=True)
    for f in inputs.ontology:
        ds.graph(rdflib.URIRef(ONTOLOGY_GRAPH)).parse(f, format="turtle")
    for f in inputs.data:
        ds.parse(f, format="trig")
    print(json.dumps({"load": time.perf_counter() - t, "peak_mb": _maxrss_mb(),
                      "triples": len(ds)}), flush=True)
    ns = {k: rdflib.Namespace(v) for k, v in PREFIXES.items()}
    for line in sys.stdin:
        job = json.loads(line)
        text = load_named(job["query"]).text
        binds = {rdflib.Variable(k): (rdflib.URIRef(v[1]) if v[0] == "iri" else
                                      rdflib.Literal(v[1], datatype=rdflib.XSD.date))
                 for k, v in job["bindings"].items()}

        def run(text: str = text, binds: Any = binds) -> int:
            return len(list(ds.query(text, initNs=ns, initBindings=binds)))

        rows = run()
        seconds = _median_time(run, min_runs=3, min_total=0.5)
        print(json.dumps({"name": job["name"], "seconds": seconds, "cpu_seconds": LAST_CPU[0],
                          "rows": rows}), flush=True)


def _child(args: list[str], **kw: Any) -> subprocess.Popen[str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.Popen([sys.executable, __file__, *args], env=env, text=True, **kw)


# ----------------------------------------------------------------------------------- main
def bench_size(triples: int, cap: float, workdir: Path, builds: int = 1) -> dict[str, Any]:
    import pyoxigraph as ox

    from bench.generate import generate
    from kgraph.graph import open as kg_open
    from kgraph.query.named import load_named
    from kgraph.store.remote import inject_values

    data = workdir / f"data-{triples}"
    counts = generate(triples, data)
    cache = workdir / f"cache-{triples}"
    out: dict[str, Any] = {"target_triples": triples, **counts}

    runs = []
    for _ in range(max(1, builds)):
        shutil.rmtree(cache, ignore_errors=True)  # measure a first build, each time
        proc = _child(["--child-build", str(data), str(cache)], stdout=subprocess.PIPE)
        stdout, _ = proc.communicate()
        runs.append(json.loads(stdout.strip().splitlines()[-1]))
    runs.sort(key=lambda r: r["seconds"])
    build = runs[len(runs) // 2]  # the median build (the upper one of an even count)
    out["build"] = build
    out["build_runs"] = [{k: r[k] for k in ("seconds", "cpu_seconds", "peak_mb")} for r in runs]
    out["triples"] = build["quads"]

    t = time.perf_counter()
    kg = kg_open(Path(build["path"]))
    out["reopen_s"] = time.perf_counter() - t

    # a person with claims and an organisation with memberships, picked from the data
    person = next(iter(kg.query(
        "SELECT ?p (COUNT(*) AS ?n) WHERE { ?c kgo:about ?p } GROUP BY ?p ORDER BY DESC(?n) ?p "
        "LIMIT 1")))[0]
    org = next(iter(kg.query(
        "SELECT ?o (COUNT(*) AS ?n) WHERE { ?m org:organization ?o } GROUP BY ?o "
        "ORDER BY DESC(?n) ?o LIMIT 1")))[0]
    fill = {"PERSON": str(person), "ORG": str(org),
            "FORCE": "https://w3id.org/kgraph/id/quds-force-bench"}
    name = kg.label(str(person))
    t = time.perf_counter()
    kg.entity(name)  # first lookup builds the name index
    out["name_index_s"] = time.perf_counter() - t
    lower = name.lower()
    out["lookup_ms"] = _median_time(lambda: kg.resolve(lower)) * 1000
    out["lookup_cpu_ms"] = LAST_CPU[0] * 1000
    out["entity_ms"] = _median_time(lambda: kg.entity(lower)) * 1000

    raw_store = kg.store.raw  # type: ignore[attr-defined]
    results: dict[str, dict[str, Any]] = {}
    jobs = []
    for label, (qname, params) in QUERIES.items():
        binds = {k: fill.get(v, v) for k, v in params.items()}
        kg_binds: dict[str, Any] = dict(binds)
        n_rows = len(kg.query(qname, **kg_binds))  # type: ignore[arg-type]
        kg_s = _median_time(lambda q=qname, b=kg_binds: kg.query(q, **b))
        kg_cpu = LAST_CPU[0]
        text = load_named(qname).text
        subs = {}
        typed: dict[str, tuple[str, str]] = {}
        for k, v in binds.items():
            if k == "at":
                subs[ox.Variable(k)] = ox.Literal(v, datatype=ox.NamedNode(
                    "http://www.w3.org/2001/XMLSchema#date"))
                typed[k] = ("date", v)
            else:
                subs[ox.Variable(k)] = ox.NamedNode(v)
                typed[k] = ("iri", v)

        values_text = inject_values(text, {k.value: v for k, v in subs.items()})

        def raw(text: str = values_text) -> int:
            # the same query text kgraph sends, run by pyoxigraph directly
            sols = raw_store.query(text, use_default_graph_as_union=True)
            return len([tuple(s) for s in sols])

        def raw_subs(text: str = text, subs: Any = subs) -> int:
            sols = raw_store.query(text, use_default_graph_as_union=True, substitutions=subs)
            return len([tuple(s) for s in sols])

        raw_s = _median_time(raw)
        raw_cpu = LAST_CPU[0]
        subs_s = _median_time(raw_subs, min_runs=3, min_total=0.3)
        results[label] = {"rows": n_rows, "kgraph_ms": kg_s * 1000, "pyoxigraph_ms": raw_s * 1000,
                          "kgraph_cpu_ms": kg_cpu * 1000, "pyoxigraph_cpu_ms": raw_cpu * 1000,
                          "pyoxigraph_substitutions_ms": subs_s * 1000}
        jobs.append({"name": label, "query": qname, "bindings": typed})
    out["queries"] = results

    # holders() through the typed API, for reference
    out["holders_api_ms"] = _median_time(lambda: kg.holders(fill["ORG"], at="2005-06-01")) * 1000
    out["load_average"] = os.getloadavg()

    # rdflib in a child process, one query at a time, killed past the cap
    out["rdflib"] = rdflib_run(data, jobs, cap)
    for label, r in out["rdflib"].get("queries", {}).items():
        results[label]["rdflib_ms"] = r
    kg.close()
    return out


def rdflib_run(data: Path, jobs: list[dict[str, Any]], cap: float) -> dict[str, Any]:
    proc = _child(["--child-rdflib", str(data)], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    assert proc.stdin and proc.stdout
    res: dict[str, Any] = {"queries": {}}
    try:
        res.update(json.loads(proc.stdout.readline()))
        for job in jobs:
            proc.stdin.write(json.dumps(job) + "\n")
            proc.stdin.flush()
            line = _readline(proc, cap * 4)  # median of >= 3 runs plus the first
            if line is None:
                res["queries"][job["name"]] = f"> {cap:g} s"
                proc.kill()
                # restart for the queries left (reload), if any
                rest = jobs[jobs.index(job) + 1:]
                if rest:
                    more = rdflib_run(data, rest, cap)
                    res["queries"].update(more["queries"])
                break
            r = json.loads(line)
            res["queries"][job["name"]] = r["seconds"] * 1000
            res.setdefault("cpu", {})[job["name"]] = r.get("cpu_seconds", 0) * 1000
    finally:
        proc.kill()
        proc.wait()
    return res


def _readline(proc: subprocess.Popen[str], timeout: float) -> str | None:
    import selectors

    sel = selectors.DefaultSelector()
    assert proc.stdout
    sel.register(proc.stdout, selectors.EVENT_READ)
    ready = sel.select(timeout)
    sel.close()
    if not ready:
        return None
    return proc.stdout.readline() or None


def _fmt(v: Any) -> str:
    if isinstance(v, str):
        return v
    if v is None:
        return "-"
    return f"{v:.3f}" if v < 10 else f"{v:.0f}"


def report(all_results: list[dict[str, Any]]) -> str:
    lines = []
    for r in all_results:
        b = r["build"]
        lines.append(
            f"\n== {r['triples']:,} quads ({r['sources']} sources) ==\n"
            f"kgraph build {b['seconds']:.2f} s, peak {b['peak_mb']:.0f} MB "
            f"({b['inferred']:,} inferred); re-open {r['reopen_s'] * 1000:.1f} ms; "
            f"name index {r['name_index_s'] * 1000:.0f} ms; lookup {r['lookup_ms']:.4f} ms; "
            f"holders() {r['holders_api_ms']:.2f} ms\n"
            f"rdflib load {r['rdflib'].get('load', float('nan')):.1f} s, "
            f"peak {r['rdflib'].get('peak_mb', float('nan')):.0f} MB"
        )
        lines.append(f"load average {r.get('load_average')}; kgraph build CPU "
                     f"{b.get('cpu_seconds', 0):.1f} s")
        if len(r.get("build_runs", [])) > 1:
            lines.append("builds (median reported): " + ", ".join(
                f"{x['seconds']:.2f} s / {x['peak_mb']:.0f} MB" for x in r["build_runs"]))
        lines.append(f"{'query':<16}{'rows':>7}{'kgraph ms':>12}{'pyoxigraph ms':>15}"
                     f"{'overhead':>10}{'rdflib ms':>12}{'speed-up':>10}"
                     f"{'kgraph cpu':>12}{'oxi cpu':>10}{'rdflib cpu':>12}")
        for name, q in r["queries"].items():
            rd = q.get("rdflib_ms")
            speed = f"{rd / q['kgraph_ms']:.0f}x" if isinstance(rd, float) else \
                (f"> {float(rd[2:-2]) * 1000 / q['kgraph_ms']:.0f}x" if isinstance(rd, str)
                 else "-")
            rcpu = r["rdflib"].get("cpu", {}).get(name)
            lines.append(
                f"{name:<16}{q['rows']:>7}{_fmt(q['kgraph_ms']):>12}{_fmt(q['pyoxigraph_ms']):>15}"
                f"{q['kgraph_ms'] / q['pyoxigraph_ms']:>9.2f}x{_fmt(rd):>12}{speed:>10}"
                f"{_fmt(q.get('kgraph_cpu_ms')):>12}{_fmt(q.get('pyoxigraph_cpu_ms')):>10}"
                f"{_fmt(rcpu):>12}"
            )
    return "\n".join(lines)


def measure_validation() -> dict[str, float]:
    """Seconds to validate the bundled graph (SHACL + quotes; and with the OWL reasoner)."""
    try:
        from kgraph.validate import validate
    except ImportError:
        return {}
    out = {}
    for reasoner in (False, True):
        t = time.perf_counter()
        validate(reasoner=reasoner)
        out["with_reasoner_s" if reasoner else "shacl_s"] = round(time.perf_counter() - t, 2)
    return out


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child-build":
        return child_build(sys.argv[2], sys.argv[3])
    if len(sys.argv) > 1 and sys.argv[1] == "--child-rdflib":
        return child_rdflib(sys.argv[2])
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--cap", type=float, default=120.0, help="rdflib per-query cap (s)")
    parser.add_argument("--out", type=Path, default=HERE / "results.json")
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument("--builds", type=int, default=1,
                        help="first builds per size; the median is reported, all are listed")
    args = parser.parse_args()
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="kgbench-"))
    results = []
    for size in args.sizes:
        r = bench_size(size, args.cap, workdir, args.builds)
        results.append(r)
        print(report([r]), flush=True)
    validation = measure_validation()
    print(f"\nvalidation of the bundled graph: {validation}")
    args.out.write_text(json.dumps({"machine": {"cpus": os.cpu_count()}, "results": results,
                                    "validation": validation}, indent=2, default=str))
    print(f"\nwrote {args.out}")


if __name__ == "__main__":
    main()
