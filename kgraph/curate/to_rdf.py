"""A resolved sheet -> the source's named graph and its additions to ``kgg:curation``.

What goes where follows docs/model.md:

* graph ``kgg:{source}``: every entity the sheet names (type, ``rdfs:label`` as the sheet spells
  it, ``skos:altLabel`` variants), each statement as a plain triple backed by a ``kgo:Evidence``
  node (or, for roles, a ``kgo:Membership`` node), event dates, claims;
* graph ``kgg:curation``: the ``kgo:SourceDocument``, the graph's registration, and the
  canonical ``skos:prefLabel`` (and curator description) of every entity the sheet creates.

IRIs are derived from content (slugs of the names, relation and source), so the same sheet always
gives the same IRIs. Dates are OWL-Time instants as blank nodes. Literals follow the data files'
convention: names and curator prose carry ``@en``; verbatim strings (quotes, date texts, hedges,
role texts, ranks) are plain.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Final

import pyoxigraph as ox

from kgraph.curate import dating
from kgraph.curate.relations import SOURCE_KINDS, Relation, squash
from kgraph.curate.resolve import Entity, Resolution, slugify
from kgraph.curate.sheet import At, ClaimRow, EntityRow, Sheet, StatementRow
from kgraph.curate.state import Term
from kgraph.errors import SheetError
from kgraph.namespaces import (
    CURATION_GRAPH,
    DCTERMS,
    KG,
    KGG,
    KGO,
    ORG,
    RDF,
    RDFS,
    SCHEMA,
    SKOS,
    TIME,
    XSD,
    is_slug,
)

RESERVED_SLUGS: Final = frozenset({"curation", "ontology", "inferred", "shapes"})
MAX_IRI_SLUG: Final = 120


def N(iri: str) -> ox.NamedNode:  # noqa: N802 - reads like the RDF it builds
    return ox.NamedNode(iri)


def text(value: str) -> ox.Literal:
    return ox.Literal(value)


def english(value: str) -> ox.Literal:
    return ox.Literal(value, language="en")


def xsd_date(value: object) -> ox.Literal:
    return ox.Literal(str(value), datatype=N(XSD + "date"))


A: Final = N(RDF + "type")
LABEL: Final = N(RDFS + "label")
PREF: Final = N(SKOS + "prefLabel")
ALT: Final = N(SKOS + "altLabel")
QUOTE: Final = N(KGO + "quote")
SOURCE: Final = N(KGO + "source")


def source_slug(sheet: Sheet) -> str:
    """The slug of the sheet's source: its ``id``, else the slug of its title or label."""
    src = sheet.source
    at = src.slug or src.title or src.label
    assert at is not None
    slug = at.value.strip() if src.slug else slugify(at.value)
    if not is_slug(slug) or slug in RESERVED_SLUGS:
        raise SheetError(
            f"{slug!r} cannot name a source (a slug of lower-case words joined by '-', "
            f"not one of {', '.join(sorted(RESERVED_SLUGS))})",
            sheet=sheet.path, line=at.line, field=at.field,
        )
    return slug


def _cap(slug: str) -> str:
    if len(slug) <= MAX_IRI_SLUG:
        return slug
    digest = hashlib.sha256(slug.encode()).hexdigest()[:10]
    return slug[: MAX_IRI_SLUG - 11].rstrip("-") + "-" + digest


def _local(iri: str) -> str:
    tail = re.split(r"[#/]", iri)[-1]
    return re.sub(r"(?<!^)(?=[A-Z])", "-", tail).lower()


@dataclass
class Built:
    """The RDF a sheet produces: quads for its source graph and for ``kgg:curation``."""

    slug: str
    graph: str
    document: str
    source_quads: set[ox.Quad] = field(default_factory=set)
    curation_quads: set[ox.Quad] = field(default_factory=set)
    new_entities: dict[str, str] = field(default_factory=dict)  # iri -> name
    #: IRIs of the nodes whose description the sheet changes (for incremental validation)
    touched: set[str] = field(default_factory=set)


class _Builder:
    def __init__(self, res: Resolution) -> None:
        self.res = res
        self.sheet = res.sheet
        slug = source_slug(self.sheet)
        self.out = Built(slug=slug, graph=KGG + slug, document=KG + "source-" + slug)
        self.g = N(self.out.graph)
        self.cur = N(CURATION_GRAPH)
        self.doc = N(self.out.document)
        self.labelled: dict[str, str] = {}  # iri -> the rdfs:label given in this graph

    # -- output helpers ------------------------------------------------------------------------
    def add(self, s: ox.NamedNode | ox.BlankNode, p: str, o: Term) -> None:
        self.out.source_quads.add(ox.Quad(s, N(p), o, self.g))
        if isinstance(s, ox.NamedNode):
            self.out.touched.add(s.value)

    def curate(self, s: ox.NamedNode | ox.BlankNode, p: str, o: Term) -> None:
        self.out.curation_quads.add(ox.Quad(s, N(p), o, self.cur))
        if isinstance(s, ox.NamedNode):
            self.out.touched.add(s.value)

    def date(self, at: At) -> dating.DateValue:
        return self.sheet.dates.get((at.line, at.field)) or dating.parse(at.value)

    def instant(self, at: At, curation: bool = False) -> ox.BlankNode:
        value = self.date(at)
        node = ox.BlankNode()
        put = self.curate if curation else self.add
        put(node, RDF + "type", N(TIME + "Instant"))
        put(node, KGO + "dateText", text(value.text))
        put(node, KGO + "precision", N(KGO + value.precision))
        if value.earliest:
            put(node, KGO + "earliest", xsd_date(value.earliest))
        if value.latest:
            put(node, KGO + "latest", xsd_date(value.latest))
        if value.earliest and value.earliest == value.latest and value.precision == "Day":
            put(node, TIME + "inXSDDate", xsd_date(value.earliest))
        elif value.precision == "Year" and value.earliest:
            put(node, TIME + "inXSDgYear",
                ox.Literal(f"{value.earliest.year:04d}", datatype=N(XSD + "gYear")))
        elif value.precision == "Month" and value.earliest:
            put(node, TIME + "inXSDgYearMonth",
                ox.Literal(f"{value.earliest.year:04d}-{value.earliest.month:02d}",
                           datatype=N(XSD + "gYearMonth")))
        if value.precision == "Relative":
            put(node, KGO + "relativeTo", self.doc)
        if value.note:
            put(node, KGO + "dateNote", english(value.note))
        return node

    def interval(self, start: At | None, end: At | None) -> ox.BlankNode:
        node = ox.BlankNode()
        self.add(node, RDF + "type", N(TIME + "Interval"))
        if start is not None:
            self.add(node, TIME + "hasBeginning", self.instant(start))
        if end is not None:
            self.add(node, TIME + "hasEnd", self.instant(end))
        return node

    # -- entities ------------------------------------------------------------------------------
    def name(self, entity: Entity, spelled: At) -> ox.NamedNode:
        """Describe ``entity`` in this graph (type, label as spelled here) and return its node."""
        node = N(entity.iri)
        for t in entity.types:
            if t.startswith(KGO):
                self.add(node, RDF + "type", N(t))
        spelling = spelled.value.strip()
        if spelling.startswith(("kg:", "<", KG)):
            return node
        first = self.labelled.setdefault(entity.iri, spelling)
        prop = RDFS + "label" if first == spelling else SKOS + "altLabel"
        self.add(node, prop, english(spelling))
        if entity.new and entity.iri not in self.out.new_entities:
            self.out.new_entities[entity.iri] = spelling
            self.curate(node, SKOS + "prefLabel", english(spelling))
        return node

    def entity(self, at: At, implied: str | None = None) -> ox.NamedNode:
        return self.name(self.res.entity(at, implied), at)

    def define(self, row: EntityRow, entity: Entity) -> None:
        node = N(entity.iri)
        self.add(node, RDF + "type", N(KGO + row.type_name))
        self.labelled.setdefault(entity.iri, row.name.value)
        label_prop = RDFS + "label" if self.labelled[entity.iri] == row.name.value else (
            SKOS + "altLabel")
        self.add(node, label_prop, english(row.name.value))
        for v in row.variants:
            if v.value != self.labelled[entity.iri]:
                self.add(node, SKOS + "altLabel", english(v.value))
        if entity.new:
            self.out.new_entities.setdefault(entity.iri, row.name.value)
            if self.out.new_entities[entity.iri] == row.name.value:
                self.curate(node, SKOS + "prefLabel", english(row.name.value))
            if row.description is not None and row.type_name != "AnonymousSource":
                self.curate(node, KGO + "description", english(row.description.value))
        if row.type_name == "AnonymousSource" and row.description is not None:
            # how this source characterises its unnamed claimant: part of the source's graph
            self.add(node, KGO + "description", english(row.description.value))
        if row.rank is not None:
            self.add(node, KGO + "rank", text(row.rank.value))
        if row.born is not None:
            self.add(node, KGO + "birthDate", self.instant(row.born))
        if row.date is not None:
            self.add(node, TIME + "hasTime", self.instant(row.date))
        elif row.start is not None or row.end is not None:
            self.add(node, TIME + "hasTime", self.interval(row.start, row.end))
        if row.quotes:  # an event is an n-ary node: it carries its quote and source
            for q in row.quotes:
                self.add(node, KGO + "quote", text(q.value))
            self.add(node, KGO + "source", self.doc)

    # -- source --------------------------------------------------------------------------------
    def source(self) -> None:
        src = self.sheet.source
        doc = self.doc
        kind = SOURCE_KINDS[squash(src.kind.value)]
        self.curate(doc, RDF + "type", N(KGO + kind))
        name = (src.title or src.label)
        assert name is not None
        if src.title is not None:
            self.curate(doc, DCTERMS + "title", english(src.title.value))
        if src.label is not None:
            self.curate(doc, RDFS + "label", english(src.label.value))
        self.curate(doc, SKOS + "prefLabel", english(name.value))
        if src.date is not None:
            self.curate(doc, KGO + "published", self.instant(src.date, curation=True))
        if src.url is not None:
            if not re.fullmatch(r"https?://[^\s<>\"{}|\\^`]+", src.url.value):
                raise SheetError(f"{src.url.value!r} is not an http(s) URL", sheet=self.sheet.path,
                                 line=src.url.line, field="url")
            self.curate(doc, SCHEMA + "url", N(src.url.value))
        if src.language is not None:
            self.curate(doc, KGO + "language", text(src.language.value))
        if src.description is not None:
            self.curate(doc, KGO + "description", english(src.description.value))
        if src.seed_file is not None:
            self.curate(doc, KGO + "seedFile", text(src.seed_file.value))
        if src.outlet is not None:
            self.curate(doc, KGO + "outlet", self.entity(src.outlet, "NewsOutlet"))
        for a in src.authors:
            self.curate(doc, SCHEMA + "author", self.entity(a, "Person"))
        for c in src.contributors:
            self.curate(doc, KGO + "contributor", self.entity(c, "Person"))
        for a in src.about:
            self.curate(doc, KGO + "about", self.entity(a))
        self.curate(self.cur, RDF + "type", N(KGO + "CurationGraph"))
        self.curate(self.g, RDF + "type", N(KGO + "SourceGraph"))
        self.curate(self.g, KGO + "graphOf", doc)

    # -- statements ----------------------------------------------------------------------------
    def _slug(self, iri: str) -> str:
        return iri[len(KG):] if iri.startswith(KG) else slugify(iri)

    def evidence(self, s: ox.NamedNode, p: str, o: ox.NamedNode, quotes: Iterable[At]) -> None:
        slug = _cap(f"ev-{self._slug(s.value)}-{_local(p)}-{self._slug(o.value)}-{self.out.slug}")
        ev = N(KG + slug)
        self.add(ev, RDF + "type", N(KGO + "Evidence"))
        self.add(ev, RDF + "subject", s)
        self.add(ev, RDF + "predicate", N(p))
        self.add(ev, RDF + "object", o)
        for q in quotes:
            self.add(ev, KGO + "quote", text(q.value))
        self.add(ev, KGO + "source", self.doc)

    def statement(self, row: StatementRow) -> None:
        subject, obj, rel = self.entity(row.subject), self.entity(row.object), row.rel
        if rel.kind == "membership":
            self.membership(row, subject, obj, rel)
            return
        s, o = (obj, subject) if rel.inverse else (subject, obj)
        self.add(s, rel.predicate, o)
        self.out.touched.add(o.value)
        self.evidence(s, rel.predicate, o, row.quotes)
        for area in row.areas:
            raise SheetError("'area' belongs on roles (commands, head of, ...)",
                             sheet=self.sheet.path, line=area.line, field="area")

    def membership(self, row: StatementRow, member: ox.NamedNode, org: ox.NamedNode,
                   rel: Relation) -> None:
        assert rel.role is not None
        # a second period of the same role in the same source is another membership
        period = "".join(f"-{word}-{slugify(at.value)}" for word, at in
                         (("from", row.start), ("to", row.end)) if at is not None)
        slug = _cap(f"{self._slug(member.value)}-{_local(rel.role).removesuffix('-role')}-"
                    f"{self._slug(org.value)}-{self.out.slug}{period}")
        m = N(KG + slug)
        self.add(m, RDF + "type", N(KGO + "Membership"))
        self.add(m, ORG + "member", member)
        self.add(m, ORG + "organization", org)
        self.add(m, ORG + "role", N(rel.role))
        self.out.touched |= {member.value, org.value}
        if row.role_text is not None:
            self.add(m, KGO + "roleText", text(row.role_text.value))
        if row.rank is not None:
            self.add(m, KGO + "rank", text(row.rank.value))
        for area in row.areas:
            self.add(m, KGO + "area", self.entity(area))
        if row.start is not None or row.end is not None:
            self.add(m, ORG + "memberDuring", self.interval(row.start, row.end))
        for q in row.quotes:
            self.add(m, KGO + "quote", text(q.value))
        self.add(m, KGO + "source", self.doc)

    def claim(self, row: ClaimRow) -> None:
        slug = _cap(f"claim-{self.out.slug}-{slugify(row.text.value)}")
        c = N(KG + slug)
        self.add(c, RDF + "type", N(KGO + "Claim"))
        self.add(c, KGO + "claimText", english(row.text.value))
        about: list[ox.NamedNode] = [self.entity(a) for a in row.about]
        if row.subject is not None and row.object is not None and row.rel is not None:
            s, o = self.entity(row.subject), self.entity(row.object)
            if row.rel.inverse:
                s, o = o, s
            self.add(c, RDF + "subject", s)
            self.add(c, RDF + "predicate", N(row.rel.predicate))
            self.add(c, RDF + "object", o)
            if not row.about:
                about = [s, o]
        for a in about:
            self.add(c, KGO + "about", a)
        for by in row.claimed_by:
            self.add(c, KGO + "claimedBy", self.entity(by))
        self.add(c, KGO + "status", N(KGO + row.status_name))
        for h in row.hedges:
            self.add(c, KGO + "hedge", text(h.value))
        self.add(c, KGO + "reliability", N(KGO + "Reliability" + row.reliability.value))
        self.add(c, KGO + "credibility", N(KGO + "Credibility" + row.credibility.value))
        self.add(c, KGO + "gradeNote", english(row.grade_note.value))
        for q in row.quotes:
            self.add(c, KGO + "quote", text(q.value))
        self.add(c, KGO + "source", self.doc)


def build(res: Resolution) -> Built:
    """The quads of ``res.sheet``: its source graph and its additions to ``kgg:curation``."""
    b = _Builder(res)
    for row in res.sheet.entities:
        b.define(row, res.defined[row.line])
    b.source()
    for st in res.sheet.statements:
        b.statement(st)
    for cl in res.sheet.claims:
        b.claim(cl)
    return b.out
