"""The ASGI application: ``create_app(kg_or_config, ...) -> Starlette``.

Routes (see docs/server.md): ``/sparql`` (SPARQL 1.1 Protocol), ``/graphs`` (Graph Store
Protocol), ``/id/{x}`` → 303 → ``/page/{x}`` | ``/data/{x}.{ttl,jsonld,nt,rdf,trig,nq}``,
``/ontology``, ``/.well-known/void``, ``/dumps/``, ``/``, ``/search``, ``/query``, ``/static``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import shutil
import tempfile
from collections.abc import AsyncIterator, Awaitable, Callable, MutableMapping
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from kgraph.errors import KGraphError, NotFound
from kgraph.server import describe, linked_data, querypage, sparql
from kgraph.server.config import ServerConfig
from kgraph.server.errors import SECURITY_HEADERS, HTTPProblem, error_response
from kgraph.server.pages import STATIC
from kgraph.server.state import ServerState
from kgraph.server.workers import WorkerPool

log = logging.getLogger("kgraph.server")

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

HTML_PREFIXES = ("/page/", "/search", "/query", "/ontology", "/dumps/")
JSON_ROUTES = ("/sparql", "/graphs", "/data/", "/.well-known/")
_EXTRA_HEADERS = [(k.lower().encode(), v.encode()) for k, v in SECURITY_HEADERS.items()]


def wants_html(request: Request) -> bool:
    path = request.url.path
    if path.startswith(JSON_ROUTES):
        return False
    accept = request.headers.get("accept", "")
    return path == "/" or path.startswith(HTML_PREFIXES) or "text/html" in accept


async def kgraph_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, KGraphError)
    cors = (
        request.url.path.startswith(("/sparql", "/graphs", "/data/"))
        and request.method in ("GET", "HEAD", "POST")
        and exc.status not in (401, 403)
    )
    if wants_html(request) and request.method in ("GET", "HEAD"):
        response = linked_data.error_page(exc.status, exc)
        response.status_code = exc.status if 300 <= exc.status <= 599 else 500
        return response
    return error_response(exc, cors=cors)


async def http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    if exc.status_code == 404:
        err: KGraphError = NotFound(f"nothing at {request.url.path[:200]!r}")
    elif exc.status_code == 405:
        err = HTTPProblem(405, "method-not-allowed", f"{request.method} is not allowed here")
    else:
        err = HTTPProblem(exc.status_code, "http-error", str(exc.detail).splitlines()[0])
    return await kgraph_error(request, err)


async def internal_error(request: Request, exc: Exception) -> Response:
    log.error(
        "unexpected %s on %s %s", type(exc).__name__, request.method, request.url.path, exc_info=exc
    )
    return error_response(KGraphError("internal error; the server log has the details"))


class GuardMiddleware:
    """URL length (414), NUL and control characters (400), security headers on everything."""

    def __init__(self, app: ASGIApp, max_url: int) -> None:
        self.app = app
        self.max_url = max_url

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        raw = scope.get("raw_path") or scope["path"].encode()
        qs = scope.get("query_string", b"")
        problem: KGraphError | None = None
        if len(raw) + len(qs) + 1 > self.max_url:
            problem = HTTPProblem(
                414,
                "uri-too-long",
                f"URL longer than {self.max_url} bytes",
                hint="send long queries by POST",
            )
        else:
            path: str = scope["path"]
            if any(ord(c) < 32 or ord(c) == 127 for c in path) or b"%00" in qs.lower():
                problem = HTTPProblem(400, "bad-request", "control characters in the URL")
            elif "/../" in path + "/" or "/./" in path + "/" or "\\" in path:
                problem = NotFound("no such path")
        if problem is not None:
            response = error_response(problem)
            await response(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {k.lower() for k, _ in headers}
                headers += [(k, v) for k, v in _EXTRA_HEADERS if k not in present]
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


class FastQueryMiddleware:
    """The hot path: ``GET /sparql?query=...`` answered without Starlette's request machinery.

    Same checks, same workers, same answers and errors as the routed handler
    (:func:`kgraph.server.sparql.answer_query`); everything else goes on to the app.
    """

    def __init__(self, app: ASGIApp, state: ServerState) -> None:
        self.app = app
        self.state = state

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] == "http"
            and scope["method"] == "GET"
            and scope["path"] == "/sparql"
            and b"query=" in scope.get("query_string", b"")
            and b"update=" not in scope.get("query_string", b"")
        ):
            await self._answer(scope, receive, send)
            return
        await self.app(scope, receive, send)

    async def _answer(self, scope: Scope, receive: Receive, send: Send) -> None:
        accept: str | None = None
        for key, value in scope["headers"]:
            if key == b"accept":
                accept = value.decode("latin-1")
                break
        try:
            params = sparql.parse_form(scope["query_string"])
            query = sparql._one(params, "query") or ""
            body, media, headers = await sparql.answer_query(self.state, query, params, accept)
        except KGraphError as exc:
            await error_response(exc, cors=exc.status not in (401, 403))(scope, receive, send)
            return
        except Exception as exc:  # never a traceback to the client
            log.error("unexpected %s on GET /sparql", type(exc).__name__, exc_info=exc)
            await error_response(KGraphError("internal error; the server log has the details"))(
                scope, receive, send
            )
            return
        raw = [
            (b"content-type", media.encode()),
            (b"content-length", str(len(body)).encode()),
            *((k.lower().encode(), v.encode()) for k, v in headers.items()),
        ]
        await send({"type": "http.response.start", "status": 200, "headers": raw})
        await send({"type": "http.response.body", "body": body})


def _config_from(kg_or_config: Any, overrides: dict[str, Any]) -> tuple[ServerConfig, Any]:
    if isinstance(kg_or_config, ServerConfig):
        cfg = kg_or_config
        kg = None
    elif isinstance(kg_or_config, str | Path):
        cfg = ServerConfig(store_path=Path(kg_or_config))
        kg = None
    else:
        path = getattr(kg_or_config, "store_path", None)
        if path is None:
            raise KGraphError(
                "this knowledge graph has no built store directory to serve",
                hint="open it with kgraph.open() (embedded Oxigraph) and try again",
            )
        cfg = ServerConfig(store_path=Path(path))
        kg = kg_or_config
    values = {k: v for k, v in overrides.items() if v is not None}
    if values:
        from dataclasses import replace

        cfg = replace(cfg, **values)
    return cfg, kg


def _no_remote_graph_loading() -> None:
    """rdflib would fetch FROM / FROM NAMED IRIs over the network; switch that off for good."""
    try:
        import rdflib.plugins.sparql as rdflib_sparql
    except ImportError:  # pragma: no cover - rdflib is a dependency
        return
    rdflib_sparql.SPARQL_LOAD_GRAPHS = False


def _private_copy(store_path: Path) -> Path:
    """With a token the server writes: never to the shared build cache, always to a copy."""
    target = Path(tempfile.mkdtemp(prefix="kgraph-serve-")) / "store"
    shutil.copytree(store_path, target)
    return target


def create_app(
    kg_or_config: Any,
    *,
    base_iri: str | None = None,
    token: str | None = None,
    timeout: float | None = None,
    workers: int | None = None,
    **limits: Any,
) -> Starlette:
    """Build the ASGI app over a KnowledgeGraph, a built store directory or a ServerConfig."""
    cfg, kg = _config_from(
        kg_or_config,
        {"base_iri": base_iri, "token": token, "timeout": timeout, "workers": workers, **limits},
    )
    _no_remote_graph_loading()
    if cfg.token is not None:
        from dataclasses import replace

        cfg = replace(cfg, store_path=_private_copy(cfg.store_path))
    pool = WorkerPool(
        cfg.store_path,
        size=cfg.workers,
        queue_size=cfg.queue_size,
        timeout=cfg.timeout,
        memory_quads=cfg.memory_quads,
        memory_bytes=cfg.worker_memory_bytes,
    )
    state = ServerState(cfg, pool, kg)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await pool.start()
        warm = asyncio.get_running_loop().create_task(_warm_up(state))
        try:
            yield
        finally:
            warm.cancel()
            await pool.close()

    any_method = ["GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH"]
    routes = [
        Route("/", linked_data.home, name="home"),
        Route("/search", linked_data.search_page, name="search"),
        Route("/query", querypage.query_page, name="query_page"),
        Route("/sparql", _sparql, methods=any_method, name="sparql"),
        Route("/graphs", _graphs, methods=any_method, name="graphs"),
        Route("/id/{slug}", linked_data.entity_id, name="entity_id"),
        Route("/page/{slug}", linked_data.entity_page, name="entity_page"),
        Route("/data/{slug}.{ext}", linked_data.entity_data, name="entity_data"),
        Route("/graph/{slug}", linked_data.graph_iri, name="graph_iri"),
        Route("/ontology", linked_data.ontology, name="ontology"),
        Route("/ontology.{ext}", linked_data.ontology, name="ontology_file"),
        Route("/.well-known/void", describe.void, name="void"),
        Route("/dumps/", describe.dumps_index, name="dumps"),
        Route("/dumps/{name}", describe.dump_file, name="dump_file"),
        Route("/health", _health, name="health"),
        Mount("/static", StaticFiles(directory=str(STATIC)), name="static"),
    ]
    app = Starlette(
        routes=routes,
        lifespan=lifespan,
        exception_handlers={
            KGraphError: kgraph_error,
            HTTPException: http_error,
            Exception: internal_error,
        },
    )
    app.state.kgraph = state
    app.add_middleware(FastQueryMiddleware, state=state)
    app.add_middleware(GuardMiddleware, max_url=cfg.max_url_bytes)
    return app


async def _warm_up(state: ServerState) -> None:
    """Read the label table and the counts once, so the first visitor does not wait."""
    try:
        await linked_data.label_entries(state)
        await linked_data.stats(state)
    except Exception as exc:  # the pages will retry on demand
        log.info("warm-up skipped: %s", type(exc).__name__)


async def _sparql(request: Request) -> Response:
    if request.method == "OPTIONS":
        return await sparql.sparql_options(request)
    if request.method in ("GET", "HEAD", "POST"):
        return await sparql.sparql_endpoint(request)
    raise HTTPProblem(
        405,
        "method-not-allowed",
        f"{request.method} is not supported here",
        headers={"Allow": "GET, POST, OPTIONS"},
    )


async def _graphs(request: Request) -> Response:
    if request.method == "OPTIONS":
        return await sparql.sparql_options(request)
    return await sparql.graph_store(request)


async def _health(request: Request) -> Response:
    state: ServerState = request.app.state.kgraph
    await state.pool.run("ping", {}, timeout=5.0)
    return Response("ok\n", media_type="text/plain")


def run_server(
    app: Starlette, *, host: str = "127.0.0.1", port: int = 8000, log_level: str = "info"
) -> None:
    """Serve ``app`` with uvicorn the way ``kgraph serve`` does (one event loop, uvloop and
    httptools when installed, bounded connections and keep-alive)."""
    import uvicorn

    uvicorn.run(
        app,
        host=host,
        port=port,
        log_level=log_level,
        access_log=False,
        timeout_keep_alive=5,
        limit_concurrency=1024,
        backlog=2048,
        h11_max_incomplete_event_size=16 * 1024 + 8192,
        server_header=False,
    )
