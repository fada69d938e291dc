"""Self-descriptions: the SPARQL Service Description, VoID + DCAT, and the dumps."""

from __future__ import annotations

import asyncio
import gzip
import hashlib
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, Response

from kgraph.errors import NotFound
from kgraph.server.errors import SECURITY_HEADERS
from kgraph.server.negotiation import RDF_TYPES, choose
from kgraph.server.pages import render, render_text
from kgraph.server.state import ServerState, state_of

DUMP_FORMATS = {"trig": ("application/trig", "TriG"), "nq": ("application/n-quads", "N-Quads")}


_ROOT_RE = re.compile(
    r"^https?://[A-Za-z0-9.\-]+(:[0-9]{1,5})?$|^https?://\[[0-9a-fA-F:.]+\](:[0-9]{1,5})?$"
)


def _root(request: Request) -> str:
    """The server's own URL from the request, only if it is a plain scheme://host[:port]."""
    root = str(request.base_url).rstrip("/")
    return root if _ROOT_RE.match(root) else "http://127.0.0.1"


def _rdf_response(turtle: str, request: Request) -> Response:
    """Answer Turtle as is, or convert it to the negotiated RDF format."""
    import pyoxigraph as ox

    from kgraph.server.results import RDF_FORMATS

    fmt = choose(
        request.headers.get("accept"), RDF_TYPES, "ttl", request.query_params.get("format")
    )
    headers = {**SECURITY_HEADERS, "Vary": "Accept", "Access-Control-Allow-Origin": "*"}
    media = RDF_FORMATS[fmt][1]
    if fmt == "ttl":
        return Response(turtle, media_type=media + "; charset=utf-8", headers=headers)
    triples = ox.parse(turtle.encode(), format=ox.RdfFormat.TURTLE)
    body = ox.serialize(triples, format=RDF_FORMATS[fmt][0]) or b""
    return Response(body, media_type=media, headers=headers)


async def service_description(request: Request) -> Response:
    state = state_of(request)
    turtle = render_text(
        "service.ttl",
        endpoint=_root(request) + "/sparql",
        base=state.config.base_iri,
        writable=state.config.writable,
    )
    return _rdf_response(turtle, request)


@dataclass(frozen=True, slots=True)
class DumpFile:
    name: str
    format: str
    media: str
    size: int
    sha256: str


def dumps_dir(state: ServerState) -> Path:
    if state.config.dumps_dir is not None:
        return state.config.dumps_dir
    store = Path(state.config.store_path)
    return store.parent / "dumps" / store.name


def _compress_and_hash(raw: Path, target: Path) -> str:
    digest = hashlib.sha256()
    tmp = target.with_suffix(target.suffix + ".part")
    with raw.open("rb") as src, gzip.GzipFile(tmp, "wb", mtime=0) as gz:
        shutil.copyfileobj(src, gz)
    with tmp.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    tmp.replace(target)
    sha = digest.hexdigest()
    target.with_name(target.name + ".sha256").write_text(f"{sha}  {target.name}\n")
    return sha


async def ensure_dumps(state: ServerState) -> list[DumpFile]:
    """Write kgraph.trig.gz and kgraph.nq.gz (+ .sha256) once per store; reuse them after."""
    cached: list[DumpFile] | None = state.cache.get("dumps")
    if cached is not None:
        return cached
    lock: asyncio.Lock = state.cache.setdefault("dumps_lock", asyncio.Lock())
    async with lock:
        if "dumps" in state.cache:
            return list(state.cache["dumps"])
        directory = dumps_dir(state)
        directory.mkdir(parents=True, exist_ok=True)
        store_mtime = max(
            (p.stat().st_mtime for p in Path(state.config.store_path).iterdir()), default=0.0
        )
        files: list[DumpFile] = []
        loop = asyncio.get_running_loop()
        for ext, (media, label) in DUMP_FORMATS.items():
            target = directory / f"kgraph.{ext}.gz"
            sha_file = directory / f"kgraph.{ext}.gz.sha256"
            if not (
                target.exists() and sha_file.exists() and target.stat().st_mtime >= store_mtime
            ):
                with tempfile.TemporaryDirectory(dir=directory) as tmp:
                    raw = Path(tmp) / f"kgraph.{ext}"
                    await state.pool.run(
                        "dump",
                        {"path": str(raw), "format": ext, "prefixes": state.prefixes},
                        timeout=max(state.config.timeout, 300.0),
                    )
                    await loop.run_in_executor(None, _compress_and_hash, raw, target)
            sha = sha_file.read_text().split()[0]
            files.append(DumpFile(target.name, label, media, target.stat().st_size, sha))
        state.cache["dumps"] = files
        return files


async def dumps_index(request: Request) -> Response:
    state = state_of(request)
    files = await ensure_dumps(state)
    from kgraph.server.linked_data import template_helpers

    return render("dumps.html", files=files, **template_helpers(state))


async def dump_file(request: Request) -> Response:
    state = state_of(request)
    name = str(request.path_params.get("name", ""))
    files = {f.name: f for f in await ensure_dumps(state)}
    headers = {**SECURITY_HEADERS, "Access-Control-Allow-Origin": "*"}
    if name in files:
        return FileResponse(dumps_dir(state) / name, media_type="application/gzip", headers=headers)
    if name.endswith(".sha256") and name[: -len(".sha256")] in files:
        return FileResponse(
            dumps_dir(state) / name, media_type="text/plain; charset=utf-8", headers=headers
        )
    raise NotFound(f"no dump called {name[:80]!r}")


async def void(request: Request) -> Response:
    from kgraph.server.linked_data import stats

    state = state_of(request)
    counts = await stats(state)
    files = await ensure_dumps(state)
    turtle = render_text(
        "void.ttl",
        root=_root(request),
        base=state.config.base_iri,
        counts=counts,
        files=files,
    )
    return _rdf_response(turtle, request)
