"""Load benchmark: `kgraph serve` vs `oxigraph serve-read-only` (vs rdflib-endpoint), one run.

    .venv/bin/python bench/serve_load.py [--triples 100000] [--seconds 5] [--rdflib-endpoint BIN]

Everything is bounded and local: servers bind 127.0.0.1 on free ports, each measurement runs for
a fixed time, every process is stopped at the end. The data is the bundled graph plus a
synthetic extension in the same model (people, organisations, dated memberships with OWL-Time
bounds) up to about ``--triples`` quads, written once into one Oxigraph directory that every
server reads (rdflib-endpoint gets the same quads as an N-Quads file).

Two requests, each with a rotating bound value so that nothing is answered from a cache:

* entity lookup: ``SELECT ?p ?o WHERE { <person> ?p ?o }``
* as-of-date role query: who held a role in an organisation on a date (memberships whose
  interval may contain the date), as in kgraph's ``holders-at-date`` question.

The client is a minimal HTTP/1.1 keep-alive client on asyncio (one connection per concurrent
client), so that the client costs as little CPU as possible; it checks every status and, once
per request type, that all servers give the same number of rows.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import pyoxigraph as ox

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

KG = "https://w3id.org/kgraph/id/"
KGO = "https://w3id.org/kgraph/ontology#"
KGG = "https://w3id.org/kgraph/graph/"
ORG = "http://www.w3.org/ns/org#"
TIME = "http://www.w3.org/2006/time#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
XSD = "http://www.w3.org/2001/XMLSchema#"

ENTITY_QUERY = "SELECT ?p ?o WHERE { <%s> ?p ?o }"
ROLE_QUERY = """PREFIX org: <http://www.w3.org/ns/org#>
PREFIX kgo: <https://w3id.org/kgraph/ontology#>
PREFIX time: <http://www.w3.org/2006/time#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
SELECT ?member ?role WHERE {
  ?m org:organization <%s> ; org:member ?member ; org:role ?role ; org:memberDuring ?i .
  ?i time:hasBeginning ?b . ?b kgo:earliest ?start .
  OPTIONAL { ?i time:hasEnd ?e . ?e kgo:latest ?end }
  FILTER(?start <= "%s"^^xsd:date && (!BOUND(?end) || ?end >= "%s"^^xsd:date))
}"""


# ----------------------------------------------------------------------------------- data


def synthetic_quads(target: int, seed: int = 7) -> Iterator[ox.Quad]:
    """People, organisations and dated memberships in kgraph's model, about ``target`` quads."""
    rng = random.Random(seed)
    n = ox.NamedNode
    graph = n(KGG + "bench-synthetic")
    roles = [n(KGO + r) for r in ("CommanderRole", "DeputyCommanderRole", "MemberRole", "HeadRole")]
    n_orgs = max(10, target // 300)
    orgs = [n(f"{KG}bench-org-{i}") for i in range(n_orgs)]
    count = 0
    for i, org in enumerate(orgs):
        yield ox.Quad(org, n(RDF + "type"), n(KGO + "MilitaryUnit"), graph)
        yield ox.Quad(
            org, n(SKOS + "prefLabel"), ox.Literal(f"Bench unit {i}", language="en"), graph
        )
        if i:
            yield ox.Quad(org, n(ORG + "subOrganizationOf"), orgs[rng.randrange(i)], graph)
        count += 3
    person_i = 0
    while count < target:
        person = n(f"{KG}bench-person-{person_i}")
        yield ox.Quad(person, n(RDF + "type"), n(KGO + "Person"), graph)
        yield ox.Quad(
            person, n(SKOS + "prefLabel"), ox.Literal(f"Person {person_i}", language="en"), graph
        )
        yield ox.Quad(
            person, n(SKOS + "altLabel"), ox.Literal(f"P. {person_i}", language="en"), graph
        )
        count += 3
        for j in range(rng.randint(1, 3)):
            m = n(f"{KG}bench-membership-{person_i}-{j}")
            interval, begin, end = ox.BlankNode(), ox.BlankNode(), ox.BlankNode()
            start_year = rng.randint(1980, 2020)
            end_year = start_year + rng.randint(0, 15)
            quads = [
                (m, n(RDF + "type"), n(KGO + "Membership")),
                (m, n(ORG + "member"), person),
                (m, n(ORG + "organization"), orgs[rng.randrange(n_orgs)]),
                (m, n(ORG + "role"), rng.choice(roles)),
                (m, n(ORG + "memberDuring"), interval),
                (interval, n(RDF + "type"), n(TIME + "Interval")),
                (interval, n(TIME + "hasBeginning"), begin),
                (
                    begin,
                    n(KGO + "earliest"),
                    ox.Literal(f"{start_year}-01-01", datatype=n(XSD + "date")),
                ),
                (
                    begin,
                    n(KGO + "latest"),
                    ox.Literal(f"{start_year}-12-31", datatype=n(XSD + "date")),
                ),
                (begin, n(KGO + "dateText"), ox.Literal(str(start_year))),
            ]
            if rng.random() < 0.7:
                quads += [
                    (interval, n(TIME + "hasEnd"), end),
                    (
                        end,
                        n(KGO + "earliest"),
                        ox.Literal(f"{end_year}-01-01", datatype=n(XSD + "date")),
                    ),
                    (
                        end,
                        n(KGO + "latest"),
                        ox.Literal(f"{end_year}-12-31", datatype=n(XSD + "date")),
                    ),
                ]
            for s, p, o in quads:
                yield ox.Quad(s, p, o, graph)
            count += len(quads)
        person_i += 1


def build_store(directory: Path, target: int) -> tuple[Path, Path, list[str], list[str]]:
    """One Oxigraph directory (+ an N-Quads copy) with the bundled graph and synthetic data."""
    import kgraph.graph

    bundled = kgraph.graph.open().store_path
    assert bundled is not None
    source = ox.Store.read_only(str(bundled))
    store_dir = directory / "store"
    store = ox.Store(str(store_dir))
    store.bulk_extend(source.quads_for_pattern(None, None, None, None))
    have = len(store)
    store.bulk_extend(synthetic_quads(max(0, target - have)))
    store.flush()
    store.optimize()
    nq = directory / "data.nq"
    store.dump(str(nq), format=ox.RdfFormat.N_QUADS)
    people = [
        str(r["p"].value)
        for r in store.query(f"SELECT ?p WHERE {{ GRAPH ?g {{ ?p a <{KGO}Person> }} }}")
    ]
    orgs = [
        str(r["o"].value)
        for r in store.query(
            f"SELECT DISTINCT ?o WHERE {{ GRAPH ?g {{ ?m <{ORG}organization> ?o }} }}"
        )
    ]
    size = len(store)
    del store, source
    print(f"data: {size} quads, {len(people)} people, {len(orgs)} organisations", flush=True)
    return store_dir, nq, people, orgs


# -------------------------------------------------------------------------------- servers


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    name: str
    path: str  # the query path
    proc: subprocess.Popen[bytes]
    port: int


@contextlib.contextmanager
def started(
    name: str,
    cmd: list[str],
    port: int,
    path: str,
    env: dict[str, str] | None = None,
    ready_timeout: float = 300.0,
) -> Iterator[Server]:
    log = open(Path(tempfile.gettempdir()) / f"kgraph-bench-{name}.log", "wb")  # noqa: SIM115
    proc = subprocess.Popen(
        cmd,
        stdout=log,
        stderr=subprocess.STDOUT,
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + ready_timeout
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"{name} exited; see {log.name}")
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
                    q = urlencode({"query": "ASK {}"})
                    s.sendall(
                        f"GET {path}?{q} HTTP/1.1\r\nHost: x\r\nAccept: "
                        "application/sparql-results+json\r\nConnection: close\r\n\r\n".encode()
                    )
                    if s.recv(64).startswith(b"HTTP/1.1 200"):
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"{name} did not come up")
            time.sleep(0.3)
        yield Server(name, path, proc, port)
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


# --------------------------------------------------------------------------------- client


class Conn:
    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer = reader, writer

    async def get(self, target: str) -> tuple[int, bytes]:
        self.writer.write(
            f"GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            "Accept: application/sparql-results+json\r\n\r\n".encode()
        )
        head = await self.reader.readuntil(b"\r\n\r\n")
        lines = head.split(b"\r\n")
        status = int(lines[0].split(b" ", 2)[1])
        headers = {}
        for line in lines[1:]:
            if b":" in line:
                k, v = line.split(b":", 1)
                headers[k.strip().lower()] = v.strip()
        if b"content-length" in headers:
            body = await self.reader.readexactly(int(headers[b"content-length"]))
        elif headers.get(b"transfer-encoding", b"").lower() == b"chunked":
            parts = []
            while True:
                size = int((await self.reader.readuntil(b"\r\n")).split(b";")[0], 16)
                chunk = await self.reader.readexactly(size + 2)
                if size == 0:
                    break
                parts.append(chunk[:-2])
            body = b"".join(parts)
        else:
            body = await self.reader.read()
        return status, body


@dataclass
class Result:
    server: str
    request: str
    concurrency: int
    requests: int
    errors: int
    seconds: float
    latencies_ms: list[float]

    @property
    def throughput(self) -> float:
        return self.requests / self.seconds

    def pct(self, p: float) -> float:
        xs = sorted(self.latencies_ms)
        if not xs:
            return float("nan")
        return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]


def targets(server: Server, kind: str, people: list[str], orgs: list[str], n: int) -> list[str]:
    rng = random.Random(11)
    out = []
    for _ in range(n):
        if kind == "entity":
            q = ENTITY_QUERY % rng.choice(people)
        else:
            day = f"{rng.randint(1985, 2024)}-06-30"
            q = ROLE_QUERY % (rng.choice(orgs), day, day)
        out.append(server.path + "?" + urlencode({"query": q}))
    return out


async def measure(
    server: Server,
    kind: str,
    concurrency: int,
    seconds: float,
    people: list[str],
    orgs: list[str],
    warmup: float = 1.0,
) -> Result:
    reqs = targets(server, kind, people, orgs, 4096)
    conns = []
    for _ in range(concurrency):
        r, w = await asyncio.open_connection("127.0.0.1", server.port)
        conns.append(Conn(r, w))
    latencies: list[float] = []
    errors = 0
    done = 0
    start = time.perf_counter()
    measure_from = start + warmup
    stop_at = measure_from + seconds

    async def client(i: int) -> None:
        nonlocal errors, done
        conn = conns[i]
        k = i
        while True:
            t0 = time.perf_counter()
            if t0 >= stop_at:
                return
            status, _ = await conn.get(reqs[k % len(reqs)])
            t1 = time.perf_counter()
            k += concurrency
            if t0 >= measure_from:
                done += 1
                latencies.append((t1 - t0) * 1000)
                if status != 200:
                    errors += 1

    await asyncio.gather(*(client(i) for i in range(concurrency)))
    for c in conns:
        c.writer.close()
    return Result(server.name, kind, concurrency, done, errors, seconds, latencies)


async def row_counts(server: Server, people: list[str], orgs: list[str]) -> list[int]:
    """Rows answered for the first few requests of each kind (cross-server correctness)."""
    r, w = await asyncio.open_connection("127.0.0.1", server.port)
    conn = Conn(r, w)
    out = []
    for kind in ("entity", "role"):
        for target in targets(server, kind, people, orgs, 8):
            status, body = await conn.get(target)
            assert status == 200, (server.name, status, body[:200])
            out.append(len(json.loads(body)["results"]["bindings"]))
    w.close()
    return out


# ----------------------------------------------------------------------------------- main


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--triples", type=int, default=100_000)
    ap.add_argument("--seconds", type=float, default=5.0)
    ap.add_argument("--concurrency", type=int, nargs="+", default=[1, 8])
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument(
        "--rdflib-endpoint",
        default=shutil.which("rdflib-endpoint") or "",
        help="path of the rdflib-endpoint script (its own venv); empty to skip",
    )
    ap.add_argument("--rdflib-seconds", type=float, default=5.0)
    ap.add_argument("--json", type=Path, default=None, help="also write the results here")
    args = ap.parse_args()

    try:
        import uvloop

        uvloop.install()
    except ImportError:
        pass

    work = Path(tempfile.mkdtemp(prefix="kgraph-bench-"))
    results: list[Result] = []
    counts: dict[str, list[int]] = {}
    try:
        store_dir, nq, people, orgs = build_store(work, args.triples)
        kg_port, ox_port, rl_port = free_port(), free_port(), free_port()
        kgraph_cmd = [
            sys.executable,
            "-c",
            "import sys; from kgraph.server.app import create_app, run_server; "
            "run_server(create_app(sys.argv[1]), port=int(sys.argv[2]), log_level='warning')",
            str(store_dir),
            str(kg_port),
        ]
        oxigraph = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
        ox_cmd = [
            oxigraph,
            "serve-read-only",
            "--location",
            str(store_dir),
            "--bind",
            f"127.0.0.1:{ox_port}",
            "--union-default-graph",
        ]
        env = {"PYTHONPATH": str(ROOT)}
        servers: list[tuple[str, list[str], int, str, float]] = [
            ("kgraph serve", kgraph_cmd, kg_port, "/sparql", args.seconds),
            ("oxigraph serve-read-only", ox_cmd, ox_port, "/query", args.seconds),
        ]
        if args.rdflib_endpoint:
            rl_cmd = [
                args.rdflib_endpoint,
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(rl_port),
                str(nq),
            ]
            servers.append(("rdflib-endpoint", rl_cmd, rl_port, "/", args.rdflib_seconds))
        with contextlib.ExitStack() as stack:
            running = [
                (stack.enter_context(started(name, cmd, port, path, env=env)), seconds)
                for name, cmd, port, path, seconds in servers
            ]
            for server, _ in running:
                counts[server.name] = asyncio.run(row_counts(server, people, orgs))
            # The servers run side by side; each cell is measured on each server in turn,
            # `rounds` times, and the median round is kept: a burst of load from elsewhere on
            # the machine then hits every server alike.
            for kind in ("entity", "role"):
                for c in args.concurrency:
                    for server, seconds in running:
                        rounds = []
                        for _ in range(args.rounds):
                            rounds.append(
                                asyncio.run(measure(server, kind, c, seconds, people, orgs))
                            )
                        rounds.sort(key=lambda r: r.throughput)
                        res = rounds[len(rounds) // 2]
                        results.append(res)
                        print(
                            f"{server.name:26} {kind:7} c={c}: {res.throughput:8.0f} req/s  "
                            f"p50 {res.pct(50):6.2f} ms  p99 {res.pct(99):6.2f} ms  "
                            f"errors {res.errors}  (rounds: "
                            + ", ".join(f"{r.throughput:.0f}" for r in rounds)
                            + ")",
                            flush=True,
                        )
    finally:
        shutil.rmtree(work, ignore_errors=True)

    reference = counts.get("oxigraph serve-read-only")
    for name, got in counts.items():
        same = "same rows as oxigraph" if got == reference else f"DIFFERENT rows: {got}"
        print(f"correctness: {name}: {same}")
    print()
    print(
        "| request | concurrency | kgraph serve req/s (p50 / p99 ms) | oxigraph req/s "
        "(p50 / p99 ms) | kgraph / oxigraph | rdflib-endpoint req/s | kgraph / rdflib |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- |")
    by = {(r.server, r.request, r.concurrency): r for r in results}
    for kind in ("entity", "role"):
        for c in args.concurrency:
            k = by.get(("kgraph serve", kind, c))
            o = by.get(("oxigraph serve-read-only", kind, c))
            rl = by.get(("rdflib-endpoint", kind, c))
            if not (k and o):
                continue
            rl_text = f"{rl.throughput:.0f}" if rl else "–"
            ratio_rl = f"{k.throughput / rl.throughput:.0f}x" if rl and rl.throughput else "–"
            print(
                f"| {kind} | {c} | {k.throughput:.0f} ({k.pct(50):.2f} / {k.pct(99):.2f}) | "
                f"{o.throughput:.0f} ({o.pct(50):.2f} / {o.pct(99):.2f}) | "
                f"{k.throughput / o.throughput:.0%} | {rl_text} | {ratio_rl} |"
            )
    if args.json:
        args.json.write_text(
            json.dumps(
                [
                    {
                        "server": r.server,
                        "request": r.request,
                        "concurrency": r.concurrency,
                        "throughput": r.throughput,
                        "p50_ms": r.pct(50),
                        "p99_ms": r.pct(99),
                        "errors": r.errors,
                        "median_ms": statistics.median(r.latencies_ms) if r.latencies_ms else None,
                    }
                    for r in results
                ],
                indent=2,
            )
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
