"""Content negotiation: pick a format from Accept, then ``format=``, else answer 406."""

from __future__ import annotations

from dataclasses import dataclass

from kgraph.server.errors import HTTPProblem

#: media type -> result format key (SELECT / ASK)
RESULT_TYPES: dict[str, str] = {
    "application/sparql-results+json": "json",
    "application/json": "json",
    "application/sparql-results+xml": "xml",
    "application/xml": "xml",
    "text/xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
}
#: media type -> RDF format key (CONSTRUCT / DESCRIBE / graphs / entity data)
RDF_TYPES: dict[str, str] = {
    "text/turtle": "ttl",
    "application/x-turtle": "ttl",
    "application/n-triples": "nt",
    "text/plain": "nt",
    "application/ld+json": "jsonld",
    "application/json": "jsonld",
    "application/rdf+xml": "rdf",
    "application/xml": "rdf",
    "text/xml": "rdf",
    "application/trig": "trig",
    "application/n-quads": "nq",
}
#: names accepted in ``format=`` (and file extensions)
FORMAT_NAMES: dict[str, str] = {
    "json": "json",
    "srj": "json",
    "xml": "xml",
    "srx": "xml",
    "csv": "csv",
    "tsv": "tsv",
    "turtle": "ttl",
    "ttl": "ttl",
    "ntriples": "nt",
    "n-triples": "nt",
    "nt": "nt",
    "jsonld": "jsonld",
    "json-ld": "jsonld",
    "rdfxml": "rdf",
    "rdf/xml": "rdf",
    "rdf": "rdf",
    "trig": "trig",
    "nquads": "nq",
    "n-quads": "nq",
    "nq": "nq",
}
RESULT_DEFAULT = "json"
RDF_DEFAULT = "ttl"


@dataclass(frozen=True, slots=True)
class AcceptItem:
    media: str
    q: float
    order: int


def parse_accept(header: str | None) -> list[AcceptItem]:
    """Accept header items, best first (by q, then specificity, then order)."""
    if not header:
        return []
    items: list[AcceptItem] = []
    for order, part in enumerate(header.split(",")[:64]):
        fields = [f.strip() for f in part.split(";")]
        media = fields[0].lower()
        if not media or "/" not in media:
            continue
        q = 1.0
        for param in fields[1:]:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = max(0.0, min(1.0, float(value)))
                except ValueError:
                    q = 0.0
        items.append(AcceptItem(media, q, order))

    def specificity(item: AcceptItem) -> int:
        return 0 if item.media == "*/*" else 1 if item.media.endswith("/*") else 2

    return sorted(items, key=lambda i: (-i.q, -specificity(i), i.order))


def choose(
    accept: str | None,
    table: dict[str, str],
    default: str,
    fmt_param: str | None = None,
    *,
    extra: dict[str, str] | None = None,
) -> str:
    """The format key to answer with. ``extra`` maps more media types (e.g. text/html)."""
    options = dict(table)
    if extra:
        options.update(extra)
    allowed = set(options.values())
    items = parse_accept(accept)
    wildcard_ok = not items
    for item in items:
        if item.q <= 0:
            continue
        if item.media in options:
            return options[item.media]
        if item.media in ("*/*", "application/*", "text/*"):
            wildcard_ok = True
            break
    if fmt_param:
        key = FORMAT_NAMES.get(fmt_param.lower()) or table.get(fmt_param.lower())
        if key is None or key not in allowed:
            raise HTTPProblem(
                406,
                "not-acceptable",
                f"format={fmt_param!r} is not available here",
                hint="available: " + ", ".join(sorted(set(table))),
            )
        return key
    if wildcard_ok:
        return default
    raise HTTPProblem(
        406,
        "not-acceptable",
        "none of the media types in Accept can be produced here",
        hint="available: " + ", ".join(sorted(set(table))),
    )
