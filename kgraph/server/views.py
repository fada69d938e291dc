"""Turn query rows (plain term tuples from the workers) into what the templates show."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from kgraph.namespaces import KGG, KGO, PREFIXES, SCHEMA

Row = dict[str, Any]

TYPE_TO_SCHEMA = {
    "Person": "Person",
    "Organization": "Organization",
    "Place": "Place",
    "Event": "Event",
    "SourceDocument": "CreativeWork",
    "NewsArticle": "NewsArticle",
    "AnalysisArticle": "AnalysisNewsArticle",
}


def value(term: Any) -> str | None:
    return None if term is None else str(term[1])


def lang(term: Any) -> str:
    return str(term[2]) if term is not None and term[0] == "literal" else ""


def local_name(iri: str) -> str:
    for sep in ("#", "/"):
        if sep in iri:
            tail = iri.rsplit(sep, 1)[1]
            if tail:
                return tail
    return iri


def curie(iri: str) -> str:
    best = ""
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns) and len(ns) > len(best):
            best = ns
            name = prefix
    return f"{name}:{iri[len(best) :]}" if best else iri


@dataclass
class Linker:
    """Local paths for IRIs this server answers for; other IRIs stay absolute."""

    prefixes: tuple[str, ...]

    def href(self, iri: str | None) -> str | None:
        if not iri:
            return None
        for base in self.prefixes:
            if iri.startswith(base + "id/"):
                return "/page/" + iri[len(base) + 3 :]
            if iri.startswith(base + "ontology"):
                return "/ontology" + iri[len(base) + 8 :]
            if iri.startswith(base + "graph/"):
                return "/graphs?graph=" + iri
        if iri.startswith(("http://", "https://")):
            return iri
        return None


def grade_text(
    relnote: str | None, rellabel: str | None, crednote: str | None, credlabel: str | None
) -> str | None:
    """'F3 — reliability cannot be judged / possibly true' from the two grade concepts."""
    if not relnote and not crednote:
        return None

    def short(label: str | None) -> str:
        return (label or "").split(": ", 1)[-1]

    code = f"{relnote or '?'}{crednote or '?'}"
    return f"{code} — {short(rellabel)} / {short(credlabel)}"


@dataclass
class Support:
    graph: str
    source: str | None
    source_label: str | None
    quote: str | None
    grade: str | None


@dataclass
class Link:
    iri: str
    label: str
    supports: list[Support] = field(default_factory=list)


@dataclass
class LinkGroup:
    direction: str
    prop: str
    label: str
    links: list[Link]


def graph_label(g: str | None) -> str:
    if not g:
        return "default graph"
    if g.startswith(KGG):
        return g[len(KGG) :]
    return g


def link_groups(rows: list[Row]) -> list[LinkGroup]:
    groups: dict[tuple[str, str], dict[str, Link]] = defaultdict(dict)
    labels: dict[tuple[str, str], str] = {}
    for row in rows:
        direction, prop, other = value(row["dir"]), value(row["p"]), value(row["other"])
        if not (direction and prop and other) or row["other"][0] not in ("uri", "literal"):
            continue
        key = (direction, prop)
        labels[key] = value(row.get("plabel")) or local_name(prop)
        if row["other"][0] == "literal":
            link = groups[key].setdefault("literal:" + other, Link("", other))
        else:
            link = groups[key].setdefault(
                other, Link(other, value(row.get("otherlabel")) or local_name(other))
            )
        support = Support(
            graph_label(value(row.get("g"))),
            value(row.get("src")),
            value(row.get("srclabel")),
            value(row.get("quote")),
            None,
        )
        if support not in link.supports:
            link.supports.append(support)
    out = [
        LinkGroup(d, p, labels[(d, p)], sorted(links.values(), key=lambda lk: lk.label.lower()))
        for (d, p), links in groups.items()
    ]
    return sorted(out, key=lambda g: (g.direction != "out", g.label.lower()))


@dataclass
class TimelineItem:
    sort_key: str
    start: str
    end: str
    kind: str
    text: str
    org: str | None
    org_label: str | None
    member: str | None
    member_label: str | None
    source: str | None
    source_label: str | None
    quote: str | None


def timeline(rows: list[Row], x: str) -> list[TimelineItem]:
    items: dict[str, TimelineItem] = {}
    for row in rows:
        m = value(row["m"])
        if m is None or m in items:
            continue
        start_text = value(row.get("starttext")) or ""
        end_text = value(row.get("endtext")) or ""
        role = value(row.get("roletext")) or value(row.get("rolelabel")) or "member"
        items[m] = TimelineItem(
            sort_key=value(row.get("start")) or "9999",
            start=start_text,
            end=end_text,
            kind=value(row.get("side")) or "member",
            text=role,
            org=value(row.get("orgn")),
            org_label=value(row.get("orglabel")) or local_name(value(row.get("orgn")) or ""),
            member=value(row.get("member")),
            member_label=value(row.get("memberlabel"))
            or local_name(value(row.get("member")) or ""),
            source=value(row.get("src")),
            source_label=value(row.get("srclabel")),
            quote=value(row.get("quote")),
        )
    return sorted(items.values(), key=lambda i: (i.sort_key, i.text))


@dataclass
class EventItem:
    iri: str
    label: str
    role: str
    date: str
    sort_key: str
    source: str | None
    source_label: str | None


def events(rows: list[Row]) -> list[EventItem]:
    items: dict[tuple[str, str], EventItem] = {}
    for row in rows:
        iri = value(row["event"])
        role = value(row.get("rolelabel")) or "participant"
        if iri is None or (iri, role) in items:
            continue
        items[(iri, role)] = EventItem(
            iri,
            value(row.get("eventlabel")) or local_name(iri),
            role,
            value(row.get("datetext")) or "",
            value(row.get("earliest")) or "9999",
            value(row.get("src")),
            value(row.get("srclabel")),
        )
    return sorted(items.values(), key=lambda e: (e.sort_key, e.label))


@dataclass
class ClaimItem:
    iri: str
    text: str
    by: list[tuple[str, str]]
    status: str
    quotes: list[str]
    hedges: list[str]
    grade: str | None
    grade_note: str | None
    source: str | None
    source_label: str | None


def claims(rows: list[Row]) -> list[ClaimItem]:
    items: dict[str, ClaimItem] = {}
    for row in rows:
        iri = value(row["claim"])
        if iri is None:
            continue
        item = items.get(iri)
        if item is None:
            item = items[iri] = ClaimItem(
                iri,
                value(row.get("text")) or "",
                [],
                value(row.get("statuslabel")) or local_name(value(row.get("status")) or ""),
                [],
                [],
                grade_text(
                    value(row.get("relnote")),
                    value(row.get("rellabel")),
                    value(row.get("crednote")),
                    value(row.get("credlabel")),
                ),
                value(row.get("gradenote")),
                value(row.get("src")),
                value(row.get("srclabel")),
            )
        by = value(row.get("by"))
        if by:
            pair = (by, value(row.get("bylabel")) or value(row.get("bylabel2")) or local_name(by))
            if pair not in item.by:
                item.by.append(pair)
        for attr, key in (("quotes", "quote"), ("hedges", "hedge")):
            text = value(row.get(key))
            if text and text not in getattr(item, attr):
                getattr(item, attr).append(text)
    return sorted(items.values(), key=lambda c: c.text)


@dataclass
class About:
    pref: str
    names: list[tuple[str, str]]  # (name, graphs)
    types: list[tuple[str, str]]  # (iri, label)
    descriptions: list[str]


def about(rows: list[Row], iri: str) -> About:
    pref = ""
    names: dict[str, set[str]] = defaultdict(set)
    types: dict[str, str] = {}
    descriptions: list[str] = []
    for row in rows:
        p, o, g = value(row["p"]), value(row["o"]), value(row.get("g"))
        if p is None or o is None:
            continue
        if p.endswith("core#prefLabel"):
            pref = pref or o
            names[o].add(graph_label(g))
        elif p.endswith(("rdf-schema#label", "core#altLabel")):
            names[o].add(graph_label(g))
        elif p.endswith("#type"):
            if o.startswith(KGO) or o.startswith(SCHEMA):
                types[o] = value(row.get("olabel")) or local_name(o)
        elif o not in descriptions:
            descriptions.append(o)
    if not pref:
        pref = next(iter(sorted(names)), local_name(iri))
    return About(
        pref,
        [(n, ", ".join(sorted(gs))) for n, gs in sorted(names.items())],
        sorted(types.items(), key=lambda t: t[1]),
        descriptions,
    )


def schema_type(types: list[tuple[str, str]]) -> str:
    names = {local_name(t) for t, _ in types}
    for kgo_name, schema_name in TYPE_TO_SCHEMA.items():
        if kgo_name in names:
            return schema_name
    return "Thing"


def schema_org(
    iri: str, info: About, page_url: str, groups: list[LinkGroup], subunits: list[tuple[str, str]]
) -> dict[str, Any]:
    """The schema.org JSON-LD embedded in an entity page."""
    doc: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": schema_type(info.types),
        "@id": iri,
        "name": info.pref,
        "url": page_url,
    }
    alternates = [n for n, _ in info.names if n != info.pref]
    if alternates:
        doc["alternateName"] = alternates
    if info.descriptions:
        doc["description"] = info.descriptions[0]
    if subunits:
        doc["subOrganization"] = [{"@id": u, "name": lab} for u, lab in subunits]
    return doc
