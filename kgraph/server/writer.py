"""Updates and Graph Store writes — only with a bearer token, never on the shared store.

With a token the server serves a private copy of the built store (made at start-up), so the
built cache is never changed. A write waits until every query worker is idle, stops them, runs
``kgraph.server.writer_main`` in a child process with a memory limit and a time limit, then
starts fresh workers that see the change.
"""

from __future__ import annotations

import asyncio
import contextlib
import resource
import subprocess
import sys
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from kgraph.errors import InputError, NotFound, QueryTimeout
from kgraph.security import check_rdf_xml
from kgraph.server import protocol
from kgraph.server.negotiation import RDF_TYPES
from kgraph.server.state import ServerState
from kgraph.server.workers import WRITER_SCRIPT, _package_root, _unwrap


def _limit_memory(limit: int) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


async def _run_writer(state: ServerState, request: tuple[Any, ...], timeout: float) -> Any:
    import os

    env = dict(os.environ)
    env["PYTHONPATH"] = _package_root()
    limit = state.config.upload_memory_bytes
    frame = protocol.encode(request)
    loop = asyncio.get_running_loop()

    def run() -> bytes:
        proc = subprocess.Popen(
            [sys.executable, WRITER_SCRIPT, str(state.config.store_path)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=env,
            preexec_fn=lambda: _limit_memory(limit),  # noqa: PLW1509 - no threads in the child
        )
        try:
            out, _ = proc.communicate(frame, timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.communicate()
            raise
        return out

    async with state.write_lock, state.pool.exclusive():
        try:
            out = await loop.run_in_executor(None, run)
        except subprocess.TimeoutExpired:
            raise QueryTimeout(f"the write ran longer than {timeout:g} s and was stopped") from None
    for key in ("labels", "stats", "dumps"):  # derived from the data: recompute on demand
        state.cache.pop(key, None)
    if len(out) < protocol.HEADER.size:
        raise InputError("the data could not be loaded (too large or malformed)")
    return _unwrap(protocol.decode(out[protocol.HEADER.size :]))


async def apply_update(state: ServerState, update: str) -> None:
    await _run_writer(state, ("update", update), state.config.timeout)


async def graph_write(
    request: Request, state: ServerState, graph: str | None, method: str
) -> Response:
    from kgraph.server.sparql import media_of, read_body

    if method == "DELETE":
        result = await _run_writer(state, ("delete", graph, b"", ""), state.config.timeout)
        if result == "missing":
            raise NotFound(f"no graph {graph!r} in this dataset")
        return Response(status_code=204)
    media = media_of(request)
    fmt = RDF_TYPES.get(media)
    if fmt is None or media in ("text/plain", "application/json", "text/xml"):
        from kgraph.server.errors import HTTPProblem

        raise HTTPProblem(
            415,
            "unsupported-media-type",
            f"cannot load data of type {media or '(none)'!r}",
            hint="send Turtle, N-Triples, JSON-LD, RDF/XML, TriG or N-Quads",
        )
    data = await read_body(request, state.config.max_upload_bytes)
    if fmt == "rdf":
        check_rdf_xml(data)
    with contextlib.suppress(UnicodeDecodeError):
        data.decode("utf-8")
    kind = "put" if method == "PUT" else "post"
    result = await _run_writer(state, (kind, graph, data, fmt), max(state.config.timeout, 60.0))
    return Response(status_code=201 if result == "created" else 204)
