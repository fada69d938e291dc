"""Shared helpers for the server tests: the built bundled store, apps, a real server process."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pyoxigraph as ox

ROOT = Path(__file__).resolve().parents[1]
KGRAPH = ROOT / ".venv" / "bin" / "kgraph"
QAANI = "https://w3id.org/kgraph/id/esmail-qaani"
KGG = "https://w3id.org/kgraph/graph/"
#: a query that runs for minutes on any non-trivial store (a triple cross product)
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


def built_store_path() -> Path:
    """The bundled graph, built into the cache by the library (kgraph.open)."""
    import kgraph.graph

    kg = kgraph.graph.open()
    path = kg.store_path
    assert path is not None
    return Path(path)


def read_store(path: Path) -> ox.Store:
    return ox.Store.read_only(str(path))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@contextlib.contextmanager
def serve_process(
    *args: str, env: dict[str, str] | None = None, wait_path: str = "/health"
) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """Run a real `kgraph serve` on a free port; yield (base URL, process)."""
    port = free_port()
    # `python -m kgraph` from the checkout: the same as the console script, whatever the install
    cmd = [sys.executable, "-m", "kgraph", "serve", "--port", str(port), *args]
    pythonpath = str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")
    full_env = {**os.environ, "PYTHONPATH": pythonpath, **(env or {})}
    log = tempfile.TemporaryFile()  # noqa: SIM115 - closed in the finally below
    proc = subprocess.Popen(
        cmd, env=full_env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            if proc.poll() is not None:
                log.seek(0)
                out = log.read().decode(errors="replace")
                raise RuntimeError(f"kgraph serve exited early:\n{out}")
            try:
                if httpx.get(base + wait_path, timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("kgraph serve did not come up within 120 s")
            time.sleep(0.2)
        yield base, proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


def python() -> str:
    return sys.executable


def process_gone(pid: int, within: float = 3.0) -> bool:
    """True once ``pid`` no longer runs (gone, or a zombie that burns no CPU)."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
        except FileNotFoundError:
            return True
        if stat.rsplit(")", 1)[1].split()[0] in ("Z", "X"):
            return True
        time.sleep(0.05)
    return False
