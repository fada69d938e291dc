"""``kgraph query``, ``kgraph show``, ``kgraph stats``, ``kgraph export``.

Each command opens the graph (``--graph``: a directory of curated files, a built store, or a
SPARQL endpoint URL; default the bundled graph) and makes one call into the library.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from kgraph.errors import InputError
from kgraph.graph import KnowledgeGraph
from kgraph.graph import open as open_graph
from kgraph.namespaces import PREFIXES

__all__ = ["export_command", "query_command", "show_command", "stats_command"]

_GRAPH = click.option(
    "--graph", "-g", "graph", envvar="KGRAPH_GRAPH", default=None, metavar="DIR|URL",
    help="Curated files, a built store or a SPARQL endpoint (default: the bundled graph).",
)
_TIMEOUT = click.option("--timeout", type=float, default=10.0, show_default=True,
                        help="Seconds to wait for a remote SPARQL server.")

TABLE_FORMATS = ("table", "csv", "tsv", "json", "xml")
GRAPH_FORMATS = ("ttl", "nt", "jsonld", "rdfxml", "trig", "nq")


def _open(graph: str | None, timeout: float) -> KnowledgeGraph:
    return open_graph(graph, timeout=timeout)


def short(value: object) -> str:
    """An IRI as a prefixed name when a known prefix fits; other values as text."""
    text = "" if value is None else str(value)
    for prefix, ns in PREFIXES.items():
        if text.startswith(ns) and "/" not in text[len(ns):] and "#" not in text[len(ns):]:
            return f"{prefix}:{text[len(ns):]}"
    return text


def render_table(variables: tuple[str, ...], rows: list[dict[str, Any]], width: int = 60) -> str:
    """A plain-text table, one line per row, cells cut at ``width`` characters."""
    cells = [[short(r.get(v)) for v in variables] for r in rows]
    cells = [[c if len(c) <= width else c[: width - 1] + "…" for c in row] for row in cells]
    widths = [max([len(v)] + [len(row[i]) for row in cells]) for i, v in enumerate(variables)]
    line = "  ".join(v.ljust(w) for v, w in zip(variables, widths, strict=True))
    out = [line, "  ".join("-" * w for w in widths)]
    out += ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) for row in cells]
    out.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(out)


def _parse_params(params: tuple[str, ...]) -> dict[str, str]:
    out: dict[str, str] = {}
    for p in params:
        if "=" not in p:
            raise InputError(f"--param {p!r} is not NAME=VALUE")
        k, v = p.split("=", 1)
        out[k.strip().lstrip("?$")] = v
    return out


@click.command("query")
@click.argument("query", required=False)
@click.option("--param", "-p", "params", multiple=True, metavar="NAME=VALUE",
              help="Bind a variable / named-query parameter (repeatable).")
@click.option("--format", "-f", "fmt", default=None,
              type=click.Choice(TABLE_FORMATS + GRAPH_FORMATS),
              help="Output format (default: table for SELECT/ASK, ttl for graphs).")
@click.option("--list", "list_", is_flag=True, help="List the named queries.")
@_GRAPH
@_TIMEOUT
def query_command(query: str | None, params: tuple[str, ...], fmt: str | None, list_: bool,
                  graph: str | None, timeout: float) -> None:
    """Run a SPARQL query: its text, a .rq file, or the name of a shipped query.

    \b
    Examples:
      kgraph query --list
      kgraph query holders-at-date -p organization="Qods Force" -p at=2019
      kgraph query 'SELECT ?u WHERE { ?u kgo:manages kg:iraqi-armed-groups }' -f csv
    """
    if list_:
        from kgraph.query.named import named_queries

        for q in named_queries().values():
            args = " ".join(f"{p.name}={p.type}" for p in q.params)
            click.echo(f"{q.name:<34} {q.title}" + (f"  [{args}]" if args else ""))
        return
    if not query:
        raise click.UsageError("give a query (text, file or name), or --list")
    text = query
    if query == "-":
        text = sys.stdin.read()
    elif query.endswith(".rq") and Path(query).is_file():
        text = Path(query).read_text(encoding="utf-8")
    with _open(graph, timeout) as kg:
        raw = kg.execute(text, **_parse_params(params))
        if raw.kind == "graph":
            fmt = fmt or "ttl"
            if fmt in TABLE_FORMATS:
                raise InputError(f"a graph result cannot be written as {fmt}",
                                 hint="use one of: " + ", ".join(GRAPH_FORMATS[:4]))
            click.echo(raw.serialize(fmt).decode(), nl=False)
            return
        fmt = fmt or "table"
        if fmt in GRAPH_FORMATS:
            raise InputError(f"a {raw.kind.upper()} result cannot be written as {fmt}",
                             hint="use table, csv, tsv, json or xml")
        if fmt != "table":
            click.echo(raw.serialize(fmt).decode(), nl=False)
            return
        if raw.kind == "ask":
            click.echo("yes" if raw.boolean else "no")
            return
        from kgraph.query.results import SelectResult, typed

        result = typed(raw)
        assert isinstance(result, SelectResult)
        click.echo(render_table(result.variables, result.to_dicts()))


@click.command("show")
@click.argument("name")
@click.option("--format", "-f", "fmt", type=click.Choice(["text", "json"]), default="text")
@_GRAPH
@_TIMEOUT
def show_command(name: str, fmt: str, graph: str | None, timeout: float) -> None:
    """Show an entity: its names, roles, relations with their sources, and the claims about it.

    NAME is a name (tolerant of spelling), a slug or an IRI.
    """
    with _open(graph, timeout) as kg:
        report = entity_report(kg, name)
    if fmt == "json":
        click.echo(json.dumps(report, indent=2, ensure_ascii=False, default=str))
    else:
        click.echo(render_report(report))


@click.command("stats")
@click.option("--format", "-f", "fmt", type=click.Choice(["text", "json"]), default="text")
@_GRAPH
@_TIMEOUT
def stats_command(fmt: str, graph: str | None, timeout: float) -> None:
    """Summarise the graph: triples, entities per class, graphs, claims per grade."""
    with _open(graph, timeout) as kg:
        stats = kg.stats()
    if fmt == "json":
        click.echo(json.dumps(stats.as_dict(), indent=2))
        return
    click.echo(f"triples   {stats.triples:>8,}  (asserted {stats.asserted:,}, "
               f"inferred {stats.inferred:,})")
    click.echo(f"entities  {stats.entities:>8,}")
    sections = [
        ("graphs", {short(g): n for g, n in stats.graphs.items()}),
        ("entities per class", stats.classes),
        ("claims per status", stats.claims_by_status),
        ("claims per grade (reliability A-F, credibility 1-6)", stats.claims_by_grade),
    ]
    for title, counts in sections:
        click.echo(f"\n{title}")
        for name, n in counts.items():
            click.echo(f"  {name:<40}{n:>8,}")


@click.command("export")
@click.option("--format", "-f", "fmt", default="trig", show_default=True,
              type=click.Choice(["ttl", "trig", "nt", "nq", "jsonld", "rdfxml"]))
@click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True), default=None,
              help="File to write (default: standard output).")
@click.option("--no-inferred", is_flag=True, help="Leave out the inferred graph.")
@click.option("--no-ontology", is_flag=True, help="Leave out the ontology graph.")
@_GRAPH
@_TIMEOUT
def export_command(fmt: str, output: str | None, no_inferred: bool, no_ontology: bool,
                   graph: str | None, timeout: float) -> None:
    """Export the whole dataset (ttl, nt and rdfxml merge the named graphs)."""
    with _open(graph, timeout) as kg:
        data = kg.export(fmt, output, inferred=not no_inferred, ontology=not no_ontology)
    if data is not None:
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()


def entity_report(kg: KnowledgeGraph, name: str) -> dict[str, Any]:
    """Everything ``kgraph show`` prints about an entity, as plain data."""
    import pyoxigraph as ox

    from kgraph.model import Event, Person

    ent = kg.entity(name)
    report: dict[str, Any] = {
        "iri": ent.iri, "label": ent.label, "kind": ent.kind, "variants": list(ent.variants),
        "description": ent.description,
    }
    if isinstance(ent, Person) and ent.birth:
        report["born"] = str(ent.birth)
    if isinstance(ent, Event) and ent.when:
        report["when"] = str(ent.when)
    report["roles"] = [
        {"role": m.role_text or (m.role.label if m.role else "member"),
         "organization": m.organization.label, "member": m.member.label,
         "from": str(m.start) if m.start else None, "until": str(m.end) if m.end else None,
         "source": m.source.label if m.source else None, "quote": m.quotes[0] if m.quotes else None}
        for m in kg.memberships(member=ent.iri) + kg.memberships(organization=ent.iri)
    ]
    # each fact once, with every source and quote that backs it (sorted: the same output
    # whatever order the engine answers in)
    backing: dict[tuple[str, str, str, bool], set[tuple[str, str]]] = {}  # (s, p, o, IRI?)
    node = ox.NamedNode(ent.iri)
    for binding in ({"subject": node}, {"object": node}):
        for sol in kg._select("evidence", **binding):
            key = (sol["subject"].value, sol["predicate"].value, sol["object"].value,
                   isinstance(sol["object"], ox.NamedNode))
            backing.setdefault(key, set()).add((
                kg.label(sol["source"].value) if sol["source"] else "",
                sol["quote"].value if sol["quote"] else "",
            ))
    facts: list[dict[str, Any]] = []
    for (s, p, o, iri), pairs in backing.items():
        evidence = [{"source": src or None, "quote": q or None} for src, q in sorted(pairs)]
        facts.append({
            "subject": kg.label(s), "predicate": kg.label(p),
            "object": kg.label(o) if iri else o,
            "source": evidence[0]["source"], "quote": evidence[0]["quote"],
            "evidence": evidence,
        })
    facts.sort(key=lambda f: (f["subject"] != ent.label, f["subject"], f["predicate"],
                              f["object"]))
    report["facts"] = facts
    report["claims"] = [
        {"status": c.status, "grade": c.grade, "text": c.text,
         "claimed_by": [r.label for r in c.claimed_by],
         "source": c.source.label if c.source else None,
         "quote": c.quotes[0] if c.quotes else None, "hedges": list(c.hedges)}
        for c in kg.claims(about=ent.iri)
    ]
    sources = {e["source"] for f in facts for e in f["evidence"] if e["source"]} | {
        r["source"] for r in report["roles"] if r["source"]}
    report["sources"] = sorted(sources)
    return report


def render_report(report: dict[str, Any]) -> str:
    """The terminal rendering of :func:`entity_report`."""
    import textwrap

    def wrap(text: str, indent: str = "    ", first: str | None = None) -> str:
        return textwrap.fill(text, width=96, initial_indent=indent if first is None else first,
                             subsequent_indent=indent)

    out = [f"{report['label']}  ({report['kind']})", f"  {report['iri']}"]
    if report.get("variants"):
        out.append("  also: " + "; ".join(report["variants"]))
    if report.get("born"):
        out.append(f"  born: {report['born']}")
    if report.get("when"):
        out.append(f"  when: {report['when']}")
    if report.get("description"):
        out.append(wrap(report["description"], "  "))
    if report["roles"]:
        out.append("\nROLES (sourced facts)")
        for r in report["roles"]:
            # dates as written ("in 1980", "Upon the death of Soleimani"), labelled so an
            # end is never read as a start
            span = "; ".join(f"{k}: {r[key]}" for k, key in (("start", "from"), ("end", "until"))
                             if r[key])
            out.append(f"  * {r['member']}: {r['role']}, {r['organization']}"
                       + (f" [{span}]" if span else ""))
            if r["quote"]:
                out.append(wrap(f"\"{r['quote']}\" — {r['source']}"))
    if report["facts"]:
        out.append("\nFACTS (each with its sources)")
        for f in report["facts"]:
            out.append(wrap(f"{f['subject']} {f['predicate']} {f['object']}", first="  * "))
            for e in f["evidence"]:
                if e["quote"]:
                    out.append(wrap(f"\"{e['quote']}\" — {e['source']}"))
                elif e["source"]:
                    out.append(wrap(f"— {e['source']}"))
    if report["claims"]:
        out.append("\nCLAIMS (attributed, not asserted; Admiralty grade)")
        for c in report["claims"]:
            who = ", ".join(c["claimed_by"]) or "?"
            out.append(wrap(f"[{c['status']} {c['grade']}] {c['text']} — claimed by {who}",
                            first="  * "))
            if c["quote"]:
                out.append(wrap(f"\"{c['quote']}\" — {c['source']}"))
    if report["sources"]:
        out.append("\nSOURCES")
        out += [f"  * {s}" for s in report["sources"]]
    return "\n".join(out)
