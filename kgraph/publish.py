"""``kgraph publish``: the linked-data site as static files, rendered by the live app.

Every page goes through the same ASGI application as ``kgraph serve`` (in-process, with
Starlette's TestClient), so the static site and the server cannot drift apart. Layout:

* ``index.html``, ``query/index.html``, ``ontology/index.html`` + ``ontology.{ttl,...}``
* ``page/{slug}/index.html`` and ``data/{slug}.{ttl,jsonld,nt,rdf,trig,nq}`` for every entity
* ``id/{slug}/index.html``: a no-script redirect (meta refresh) to the page, since static hosts
  cannot answer 303
* ``.well-known/void`` (Turtle), ``dumps/`` (gzipped TriG and N-Quads + ``.sha256``)
* ``static/`` (CSS, the query page's script)
"""

from __future__ import annotations

import html
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kgraph.errors import KGraphError
from kgraph.namespaces import is_slug

DATA_EXTS = ("ttl", "jsonld", "nt", "rdf", "trig", "nq")


@dataclass(frozen=True, slots=True)
class PublishReport:
    files: int
    bytes: int
    entities: int


def _write(root: Path, rel: str, body: bytes) -> int:
    target = (root / rel).resolve()
    if root.resolve() not in target.parents:
        raise KGraphError(f"refusing to write outside the site directory: {rel}")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(body)
    return len(body)


def publish(
    kg_or_config: Any,
    out_dir: str | Path,
    *,
    base_iri: str | None = None,
    site_url: str = "http://localhost",
    workers: int = 2,
) -> PublishReport:
    """Render the whole site into ``out_dir``; returns how many files and bytes were written.

    ``site_url`` is where the site will be served from (it appears in the VoID description's
    absolute links).
    """
    import warnings

    with warnings.catch_warnings():  # Starlette's note about httpx vs httpx2: not for users
        warnings.simplefilter("ignore")
        from starlette.testclient import TestClient

    from kgraph.server.app import create_app
    from kgraph.server.queries import text
    from kgraph.server.state import ServerState

    root = Path(out_dir)
    root.mkdir(parents=True, exist_ok=True)
    (root / ".kgraph-site").write_text("written by kgraph publish\n")
    app = create_app(kg_or_config, base_iri=base_iri, workers=workers)
    state: ServerState = app.state.kgraph
    files = 0
    size = 0

    def save(rel: str, body: bytes) -> None:
        nonlocal files, size
        size += _write(root, rel, body)
        files += 1

    with TestClient(app, base_url=site_url.rstrip("/")) as client:

        def get(path: str, accept: str = "*/*") -> bytes:
            response = client.get(path, headers={"accept": accept}, follow_redirects=False)
            if response.status_code != 200:
                raise KGraphError(f"rendering {path} answered {response.status_code}")
            body: bytes = response.content
            return body

        save("index.html", get("/", "text/html"))
        save("query/index.html", get("/query", "text/html"))
        save("ontology/index.html", get("/ontology", "text/html"))
        for ext in DATA_EXTS:
            save(f"ontology.{ext}", get(f"/ontology.{ext}"))
        save(".well-known/void", get("/.well-known/void", "text/turtle"))
        save("dumps/index.html", get("/dumps/", "text/html"))
        for dump in state.cache.get("dumps", []):
            save(f"dumps/{dump.name}", get(f"/dumps/{dump.name}"))
            save(f"dumps/{dump.name}.sha256", get(f"/dumps/{dump.name}.sha256"))
        rows = client.portal.call(state.pool.run, "rows", {"query": text("subjects")})  # type: ignore[union-attr]
        prefix = state.config.id_prefix
        slugs = sorted(
            {r["s"][1][len(prefix) :] for r in rows if r["s"] and r["s"][1].startswith(prefix)}
        )
        slugs = [s for s in slugs if is_slug(s)]
        for slug in slugs:
            save(f"page/{slug}/index.html", get(f"/page/{slug}", "text/html"))
            for ext in DATA_EXTS:
                save(f"data/{slug}.{ext}", get(f"/data/{slug}.{ext}"))
            target = html.escape(f"/page/{slug}")
            save(
                f"id/{slug}/index.html",
                (
                    '<!doctype html><meta charset="utf-8">'
                    f'<meta http-equiv="refresh" content="0; url={target}">'
                    f'<link rel="canonical" href="{target}"><a href="{target}">{target}</a>'
                ).encode(),
            )
    from kgraph.server.pages import STATIC

    (root / "static").mkdir(exist_ok=True)
    for path in STATIC.iterdir():
        if path.is_file():
            shutil.copyfile(path, root / "static" / path.name)
            files += 1
            size += path.stat().st_size
    return PublishReport(files, size, len(slugs))
