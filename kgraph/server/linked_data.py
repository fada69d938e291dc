"""Linked data for people and crawlers: /id → 303 → /page or /data, the ontology, search.

Content negotiation follows 'Cool URIs for the Semantic Web' (303 variant): ``/id/{slug}``
names the thing and answers 303 See Other to ``/page/{slug}`` (HTML) or
``/data/{slug}.{ext}`` (RDF), with ``Vary: Accept`` and ``Link: rel=alternate`` both ways.
Slugs are validated (``kgraph.namespaces.is_slug``) and the IRI is passed to the store as a
bound term (``substitutions``), never pasted into query text.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from kgraph.errors import KGraphError, NotFound
from kgraph.namespaces import ONTOLOGY_GRAPH, is_slug
from kgraph.server import queries, views
from kgraph.server.errors import SECURITY_HEADERS
from kgraph.server.negotiation import RDF_TYPES, choose
from kgraph.server.pages import render
from kgraph.server.results import RDF_FORMATS
from kgraph.server.search import Entry, fold, search
from kgraph.server.sparql import CORS_READ, media_type_of, with_charset
from kgraph.server.state import ServerState, state_of

HTML_TYPES = {"text/html": "html", "application/xhtml+xml": "html"}
DATA_EXTS = ("ttl", "jsonld", "nt", "rdf", "trig", "nq")


def _slug(request: Request) -> str:
    slug = str(request.path_params.get("slug", ""))
    if not is_slug(slug):
        raise NotFound(f"no entity {slug[:80]!r} here", hint="entity names are lower-case-words")
    return slug


def alternates(slug: str) -> str:
    links = [f'</page/{slug}>; rel="alternate"; type="text/html"']
    links += [
        f'</data/{slug}.{ext}>; rel="alternate"; type="{RDF_FORMATS[ext][1]}"' for ext in DATA_EXTS
    ]
    return ", ".join(links)


def linker(state: ServerState) -> views.Linker:
    return views.Linker(state.graph_prefixes)


def template_helpers(state: ServerState) -> dict[str, Any]:
    return {"href": linker(state).href, "curie": views.curie, "title": state.config.title}


async def entity_exists(state: ServerState, iri: str) -> bool:
    rows = await state.pool.run(
        "rows",
        {
            "query": "SELECT ?x ?p WHERE { { ?x ?p ?o } UNION { ?s ?p ?x } } LIMIT 1",
            "bindings": {"x": ("uri", iri)},
        },
    )
    return bool(rows)


async def merged_into(state: ServerState, iri: str) -> str | None:
    """The entity ``iri`` was merged into, when it is one of this site's entities."""
    for row in await _rows(state, "merged_into", iri):
        kept = views.value(row.get("kept"))
        if kept and kept.startswith(state.config.id_prefix) and kept != iri:
            return kept
    return None


async def entity_id(request: Request) -> Response:
    """303 See Other from the thing to the document that describes it."""
    state = state_of(request)
    slug = _slug(request)
    iri = state.config.id_prefix + slug
    if not await entity_exists(state, iri):
        raise NotFound(f"no entity {iri} in this graph")
    kept = await merged_into(state, iri)
    if kept is not None:
        # merged away by `kgraph merge`: the old IRI keeps working, permanently moved
        return RedirectResponse(
            "/id/" + kept[len(state.config.id_prefix):], status_code=301,
            headers={**SECURITY_HEADERS, "Access-Control-Allow-Origin": "*"},
        )
    fmt = choose(request.headers.get("accept"), RDF_TYPES, "html", None, extra=HTML_TYPES)
    target = f"/page/{slug}" if fmt == "html" else f"/data/{slug}.{fmt}"
    return RedirectResponse(
        target,
        status_code=303,
        headers={
            **SECURITY_HEADERS,
            "Vary": "Accept",
            "Link": alternates(slug),
            "Access-Control-Allow-Origin": "*",
        },
    )


async def entity_data(request: Request) -> Response:
    state = state_of(request)
    slug = _slug(request)
    ext = str(request.path_params.get("ext", ""))
    if ext not in DATA_EXTS:
        raise NotFound(f"no format .{ext[:20]} here", hint="use one of " + ", ".join(DATA_EXTS))
    iri = state.config.id_prefix + slug
    if not await entity_exists(state, iri):
        raise NotFound(f"no entity {iri} in this graph")
    result = await state.pool.run(
        "quads",
        {
            "query": queries.text("entity_data"),
            "bindings": {"x": ("uri", iri)},
            "format": ext,
            "max_triples": state.config.max_triples,
            "prefixes": state.prefixes,
        },
    )
    headers = {**CORS_READ, **SECURITY_HEADERS, "Link": alternates(slug)}
    return Response(result["body"], media_type=with_charset(media_type_of(ext)), headers=headers)


async def _rows(state: ServerState, name: str, iri: str | None = None) -> list[dict[str, Any]]:
    args: dict[str, Any] = {"query": queries.text(name)}
    if iri is not None:
        args["bindings"] = {"x": ("uri", iri)}
    rows: list[dict[str, Any]] = await state.pool.run("rows", args)
    return rows


async def entity_page(request: Request) -> Response:
    state = state_of(request)
    slug = _slug(request)
    iri = state.config.id_prefix + slug
    names = ("about", "links", "memberships", "events", "claims", "subunits")
    bound = {"x": ("uri", iri)}
    rows: dict[str, list[dict[str, Any]]] = await state.pool.run(
        "many",
        {"jobs": {n: {"query": queries.text("entity_" + n), "bindings": bound} for n in names}},
    )
    if not rows["about"] and not rows["links"]:
        raise NotFound(f"no entity {iri} in this graph")
    info = views.about(rows["about"], iri)
    groups = views.link_groups(rows["links"])
    timeline = views.timeline(rows["memberships"], iri)
    events = views.events(rows["events"])
    claims = views.claims(rows["claims"])
    subunits = [
        (views.value(r["unit"]) or "", views.value(r.get("unitlabel")) or "")
        for r in rows["subunits"]
    ]
    page_url = str(request.url_for("entity_page", slug=slug))
    jsonld = views.schema_org(iri, info, page_url, groups, subunits)
    return render(
        "entity.html",
        headers={"Link": alternates(slug), "Vary": "Accept"},
        slug=slug,
        iri=iri,
        info=info,
        groups=groups,
        timeline=timeline,
        events=events,
        claims=claims,
        subunits=subunits,
        jsonld=jsonld,
        **template_helpers(state),
    )


async def label_entries(state: ServerState) -> list[Entry]:
    entries: list[Entry] | None = state.cache.get("labels")
    if entries is None:
        rows = await _rows(state, "labels")
        entries = []
        for r in rows:
            iri, pref, label = (views.value(r.get(k)) for k in ("x", "pref", "label"))
            if iri and pref and label:
                kind = views.local_name(views.value(r.get("type")) or "")
                entries.append(Entry(iri, pref, label, fold(label), kind))
        state.cache["labels"] = entries
    return entries


async def search_page(request: Request) -> Response:
    state = state_of(request)
    q = (request.query_params.get("q") or "").strip()[:200]
    hits = search(await label_entries(state), q) if q else []
    accept = request.headers.get("accept", "")
    if "application/json" in accept and "text/html" not in accept:
        body = {
            "query": q,
            "hits": [
                {"iri": h.iri, "label": h.label, "matched": h.matched, "type": h.type} for h in hits
            ],
        }
        return Response(
            json.dumps(body),
            media_type="application/json",
            headers={**CORS_READ, **SECURITY_HEADERS},
        )
    return render("search.html", q=q, hits=hits, **template_helpers(state))


async def stats(state: ServerState) -> dict[str, int]:
    counts: dict[str, int] | None = state.cache.get("stats")
    if counts is None:
        rows = await _rows(state, "stats")
        counts = {}
        for r in rows:
            key, n = views.value(r.get("key")), views.value(r.get("n"))
            if key and n:
                counts[key] = int(n)
        counts["quads"] = int(await state.pool.run("count", {}))
        state.cache["stats"] = counts
    return counts


async def home(request: Request) -> Response:
    state = state_of(request)
    counts = await stats(state)
    order = [
        "people",
        "organizations",
        "events",
        "places",
        "claims",
        "sources",
        "evidence",
        "graphs",
        "quads",
    ]
    shown = [(k, counts.get(k, 0)) for k in order]
    entries = await label_entries(state)
    people = sorted({(e.iri, e.pref) for e in entries if e.type == "Person"}, key=lambda t: t[1])
    return render("home.html", counts=shown, featured=people[:40], **template_helpers(state))


async def ontology(request: Request) -> Response:
    """The ontology at its own IRI: HTML documentation, or RDF by negotiation (200, Vary)."""
    state = state_of(request)
    ext = request.path_params.get("ext")
    if ext is None:
        fmt = choose(request.headers.get("accept"), RDF_TYPES, "html", None, extra=HTML_TYPES)
    elif ext in DATA_EXTS:
        fmt = ext
    else:
        raise NotFound(f"no format .{str(ext)[:20]} here")
    links = ", ".join(
        ['</ontology>; rel="alternate"; type="text/html"']
        + [f'</ontology.{e}>; rel="alternate"; type="{RDF_FORMATS[e][1]}"' for e in DATA_EXTS]
    )
    if fmt != "html":
        result = await state.pool.run(
            "graph",
            {
                "graph": ONTOLOGY_GRAPH,
                "format": fmt,
                "max_triples": state.config.max_triples,
                "prefixes": state.prefixes,
            },
        )
        if result is None:
            raise NotFound("the ontology graph is not in this store")
        return Response(
            result["body"],
            media_type=with_charset(media_type_of(fmt)),
            headers={**CORS_READ, **SECURITY_HEADERS, "Vary": "Accept", "Link": links},
        )
    rows = await _rows(state, "ontology_terms")
    terms: dict[str, dict[str, Any]] = {}
    for r in rows:
        iri = views.value(r["term"]) or ""
        t = terms.setdefault(
            iri,
            {
                "iri": iri,
                "name": views.local_name(iri),
                "kind": views.value(r["kind"]),
                "label": None,
                "comment": None,
                "parents": [],
                "domains": [],
                "ranges": [],
            },
        )
        for key, field in (("label", "label"), ("comment", "comment")):
            if t[field] is None and r.get(key) is not None:
                t[field] = views.value(r[key])
        for key, field in (("parent", "parents"), ("domain", "domains"), ("range", "ranges")):
            v = views.value(r.get(key))
            if v and v not in t[field]:
                t[field].append(v)
    for t in terms.values():
        t["label"] = t["label"] or t["name"]
    ordered = sorted(terms.values(), key=lambda t: str(t["name"]).lower())
    return render(
        "ontology.html",
        headers={"Vary": "Accept", "Link": links},
        iri=state.config.ontology_iri,
        classes=[t for t in ordered if t["kind"] == "class"],
        properties=[t for t in ordered if t["kind"] != "class"],
        **template_helpers(state),
    )


async def graph_iri(request: Request) -> Response:
    """A named graph's IRI dereferences to its content (Graph Store Protocol GET)."""
    slug = _slug(request)
    state = state_of(request)
    target = "/graphs?graph=" + quote(state.config.graph_prefix + slug, safe="")
    return RedirectResponse(target, status_code=303, headers={**SECURITY_HEADERS, "Vary": "Accept"})


def error_page(status: int, exc: KGraphError) -> Response:
    return render("error.html", status=status, message=exc.message, hint=exc.hint, title="kgraph")
