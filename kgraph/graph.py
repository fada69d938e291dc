"""The knowledge graph as a Python object: :func:`open` and :class:`KnowledgeGraph`.

::

    import kgraph
    kg = kgraph.open()                      # the bundled graph, embedded store, cached build
    kg = kgraph.open("path/to/dir")         # another directory of curated files
    kg = kgraph.open("http://host/query")   # any SPARQL 1.1 server
    kg = kgraph.open(backend="memory")      # rdflib in memory, for small experiments

    qaani = kg.entity("Ghaani")             # Person(iri=..., label='Esmail Qaani', ...)
    kg.holders("Quds Force", at="2019")     # who commanded / belonged, certain or possible
    kg.claims(about=qaani, min_reliability="C")
    kg.query("quds-force-commanders")       # a named query; typed rows

Every method works the same on every backend; all questions read the dataset with the
default graph as the union of its graphs (docs/model.md).
"""

from __future__ import annotations

import builtins
import datetime as _dt
import threading
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import replace
from functools import cached_property
from pathlib import Path
from types import TracebackType
from typing import IO, TYPE_CHECKING, Any, Literal, cast

import pyoxigraph as ox
import rdflib

from kgraph import dates as _dates
from kgraph.build import (
    MARKER,
    BuildInfo,
    Inputs,
    build_embedded,
    build_in_memory,
    read_marker,
)
from kgraph.dates import DateSpan, holds_on
from kgraph.errors import DateError, InputError, NotFound, StoreError, UnknownEntity
from kgraph.lookup import NameIndex
from kgraph.model import (
    IRI,
    Claim,
    Entity,
    Event,
    Evidence,
    Grade,
    Holding,
    Membership,
    Organization,
    Person,
    Place,
    Post,
    Ref,
    SourceDocument,
    Stats,
    TimelineEntry,
    local_name,
)
from kgraph.namespaces import (
    CURATION_GRAPH,
    INFERRED_GRAPH,
    KG,
    KGO,
    ONTOLOGY_GRAPH,
    ORG,
    RDF,
    RDFS,
    SKOS,
    TIME,
    is_slug,
)
from kgraph.query.named import NamedQuery, is_query_name, load_named, named_queries
from kgraph.query.results import Row, SelectResult, typed
from kgraph.store.base import RawResult, Store, Term, rdf_format
from kgraph.store.lines import as_quad_lines, split_blank
from kgraph.store.memory import MemoryStore
from kgraph.store.oxigraph import EmbeddedStore
from kgraph.store.remote import RemoteStore
from kgraph.store.terms import from_python, to_python

if TYPE_CHECKING:
    from kgraph.curate.conflicts import Conflict

__all__ = ["KnowledgeGraph", "open"]

_TYPE = RDF + "type"
_GRADE_ORDER = "ABCDEF"
_STATUSES = ("Reported", "Alleged", "Disputed", "Denied")

#: local names of the kgo: classes that decide the Python type of an entity
_PERSON = {"Person"}
_ORG = {"Organization"}
_PLACE = {"Place"}
_EVENT = {"Event"}
_POST = {"Post"}
_SOURCE = {"SourceDocument", "NewsArticle", "AnalysisArticle"}


# --------------------------------------------------------------------------- security hook
def _check_query(text: str) -> None:
    """The single call site of the query guard (SERVICE, LOAD, remote FROM, depth...)."""
    from kgraph.security import check_query

    check_query(text)


_CHECKED: dict[str, bool] = {}


def _check_cached(text: str) -> None:
    if text not in _CHECKED:
        _check_query(text)
        if len(_CHECKED) < 4096:
            _CHECKED[text] = True


# --------------------------------------------------------------------------- small helpers
def _iri(term: Any) -> str | None:
    return term.value if isinstance(term, ox.NamedNode) else None


def _text(term: Any) -> str | None:
    return term.value if isinstance(term, ox.Literal | ox.NamedNode) else None


def _date(term: Any) -> _dt.date | None:
    if isinstance(term, ox.Literal):
        try:
            return _dt.date.fromisoformat(term.value[:10])
        except ValueError:
            return None
    return None


def _informative(span: DateSpan) -> tuple[int, int, str, str]:
    """Sort key: the span with more known bounds, then the narrower, then by text, first."""
    known = (span.earliest is not None) + (span.latest is not None)
    width = (span.latest - span.earliest).days if span.earliest and span.latest else 1 << 30
    return (-known, width, span.text or "", span.note or "")


def _span(earliest: Any, latest: Any, text: Any, precision: Any, note: Any = None) -> DateSpan:
    prec = _iri(precision)
    try:
        return DateSpan(
            _date(earliest), _date(latest), _text(text) or "",
            local_name(prec).lower() if prec else "unknown", _text(note),
        )
    except DateError:
        return DateSpan(None, None, _text(text) or "", "unknown", _text(note))


class KnowledgeGraph:
    """One open knowledge graph on one store. Use :func:`open` to get one.

    ``at`` is the date of an :meth:`as_of` view (None for the graph itself): every time-aware
    question uses it when not given a date.
    """

    def __init__(
        self,
        store: Store,
        *,
        inputs: Inputs | None = None,
        build: BuildInfo | None = None,
        at: DateSpan | None = None,
    ) -> None:
        self.store = store
        self.inputs = inputs
        self.build_info = build
        self.at = at
        self._lock = threading.Lock()
        self._entities: dict[str, Entity] = {}

    # -- life cycle ------------------------------------------------------------------------
    @property
    def backend(self) -> str:
        """"embedded", "memory" or "remote"."""
        return self.store.backend

    @property
    def store_path(self) -> Path | None:
        """The directory of the built embedded store (None for memory and remote)."""
        return self.store.path

    def close(self) -> None:
        """Release the store. The object is unusable afterwards."""
        self.store.close()

    def __enter__(self) -> KnowledgeGraph:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        where = self.store_path or getattr(self.store, "endpoint", None) or "memory"
        view = f" as of {self.at}" if self.at else ""
        return f"<KnowledgeGraph {self.backend} {where}{view}>"

    def as_of(self, date: DateSpan | _dt.date | str) -> KnowledgeGraph:
        """A view of the graph on ``date``: time-aware questions default to that date.

        ``holders``, ``posts``, ``network`` and ``timeline`` answer as of the date (roles that
        had not begun or had surely ended are left out; ``timeline`` stops at the date);
        named queries with an ``at`` parameter get it bound. Entities, claims and sources
        are the same as in the whole graph.
        """
        view = KnowledgeGraph(self.store, inputs=self.inputs, build=self.build_info,
                              at=DateSpan.of(date))
        view.__dict__["names"] = self.names
        view.__dict__["_merges"] = self._merges
        view._entities = self._entities
        view._lock = self._lock
        return view

    # -- SPARQL ----------------------------------------------------------------------------
    def queries(self) -> list[NamedQuery]:
        """The named queries shipped with kgraph, by name."""
        return list(named_queries().values())

    def query(
        self, text_or_name: str, /, **bindings: object
    ) -> SelectResult | bool | rdflib.Graph:
        """Run SPARQL text or a named query with ``bindings`` bound to variables.

        Bound values never become query text: they go to the engine as terms (pyoxigraph
        substitutions, rdflib initBindings, or the strict VALUES writer for a remote server).
        A ``str`` binds a string literal, :class:`kgraph.model.IRI` / ``rdflib.URIRef`` / an
        Entity an IRI; for named queries, ``iri`` parameters also accept a slug or a name and
        ``date`` parameters any date form. SELECT gives a :class:`SelectResult`, ASK a bool,
        CONSTRUCT/DESCRIBE an ``rdflib.Graph``.
        """
        return typed(self.execute(text_or_name, **bindings))

    def execute(self, text_or_name: str, /, **bindings: object) -> RawResult:
        """Like :meth:`query` but returns the backend's :class:`RawResult` (for serialising)."""
        named: NamedQuery | None = None
        if is_query_name(text_or_name.strip()):
            named = load_named(text_or_name.strip())
            text = named.text
            _check_cached(text)
        else:
            text = text_or_name
            _check_query(text)
        terms = self._bindings(named, bindings)
        return self.store.execute(text, bindings=terms)

    def _bindings(self, named: NamedQuery | None, values: Mapping[str, object]) -> dict[str, Term]:
        types = {p.name: p.type for p in named.params} if named else {}
        out: dict[str, Term] = {}
        for name, value in values.items():
            if value is None:
                continue
            kind = types.get(name)
            if named is not None and kind is None:
                raise InputError(
                    f"the query {named.name!r} has no parameter {name!r}",
                    hint="parameters: " + (", ".join(sorted(types)) or "none"),
                )
            out[name] = self._term(value, kind)
        if named is not None and self.at is not None and "at" in types and "at" not in out:
            out["at"] = self._term(self.at, "date")
        return out

    def _term(self, value: object, kind: str | None) -> Term:
        if kind == "iri" and isinstance(value, str) and not isinstance(value, IRI):
            return ox.NamedNode(self.resolve(value))
        if kind == "date" and isinstance(value, str | DateSpan | _dt.date):
            span = DateSpan.of(value)
            if span.earliest is None:
                raise DateError(f"the date {value!r} has no known first day")
            return from_python(span.earliest)
        if kind == "date" and isinstance(value, DateSpan):
            return from_python(value.earliest)
        return from_python(value)

    def _select(self, name: str, **bindings: Term | None) -> Iterator[ox.QuerySolution]:
        """Run one of kgraph's own named queries with terms already made."""
        named = load_named(name)
        terms = {k: v for k, v in bindings.items() if v is not None}
        return self.store.execute(named.text, bindings=terms).solutions()

    def describe(self, iri: str) -> list[tuple[Any, Any, Any, Any]]:
        """Every quad about ``iri`` — outgoing, incoming, and the blank nodes it points to
        (dates) — as rdflib ``(subject, predicate, object, graph)`` tuples."""
        node = ox.NamedNode(self.resolve(iri))
        raw = self.store.execute(
            "SELECT ?s ?p ?o ?g ?x WHERE {"
            " { GRAPH ?g { ?x ?p ?o } BIND(?x AS ?s) }"
            " UNION { GRAPH ?g { ?s ?p ?x } BIND(?x AS ?o) }"
            " UNION { GRAPH ?g { ?x ?q ?b . ?b ?p ?o } FILTER(isBlank(?b)) BIND(?b AS ?s) }"
            " UNION { GRAPH ?g { ?x ?q ?b . ?b ?r ?c . ?c ?p ?o }"
            "         FILTER(isBlank(?b) && isBlank(?c)) BIND(?c AS ?s) }"
            " UNION { GRAPH ?g { ?x ?q ?b . ?b ?r ?c . ?c ?t ?d . ?d ?p ?o }"
            "         FILTER(isBlank(?b) && isBlank(?c) && isBlank(?d)) BIND(?d AS ?s) }"
            "}",
            bindings={"x": node},
        )
        from kgraph.store.terms import to_rdflib

        seen: set[tuple[Any, ...]] = set()
        out: list[tuple[Any, Any, Any, Any]] = []
        for sol in raw.solutions():
            quad = tuple(to_rdflib(sol[i]) for i in range(4))
            if quad not in seen:
                seen.add(quad)
                out.append(cast(tuple[Any, Any, Any, Any], quad))
        return out

    # -- names and entities ----------------------------------------------------------------
    @cached_property
    def names(self) -> NameIndex:
        """The name index (built on first use)."""
        rows = (
            (sol[0].value, sol[1].value, sol[2].value == "true")
            for sol in self._select("entity-names")
        )
        return NameIndex.build(rows)

    @cached_property
    def _term_labels(self) -> dict[str, str]:
        """Labels of ontology terms (classes, roles, statuses, grades): the skos:prefLabel, else
        the rdfs:label (the smallest if several), whatever order the engine answers in."""
        raw = self.store.execute(
            "SELECT ?t ?p ?l WHERE { GRAPH ?g { ?t ?p ?l } "
            "VALUES ?p { <" + RDFS + "label> <" + SKOS + "prefLabel> } "
            "FILTER(isIRI(?t) && ?g = <" + ONTOLOGY_GRAPH + "> "
            "&& (lang(?l) = '' || langMatches(lang(?l), 'en'))) }"
        )
        best: dict[str, tuple[bool, str]] = {}
        for sol in raw.solutions():
            rank = (sol[1].value != SKOS + "prefLabel", sol[2].value)
            best[sol[0].value] = min(best.get(sol[0].value, rank), rank)
        return {term: label for term, (_, label) in best.items()}

    def label(self, iri: str) -> str:
        """The canonical label of any IRI (entities, ontology terms), else its local name."""
        return self.names.labels.get(iri) or self._term_labels.get(iri) or local_name(iri)

    def ref(self, iri: str) -> Ref:
        return Ref(iri, self.label(iri))

    def resolve(self, name_or_iri: object) -> str:
        """The IRI of an entity given an Entity, IRI, slug or name (see :mod:`kgraph.lookup`)."""
        iri_attr = getattr(name_or_iri, "iri", None)
        if isinstance(iri_attr, str):
            return iri_attr
        if isinstance(name_or_iri, ox.NamedNode):
            return name_or_iri.value
        if not isinstance(name_or_iri, str):
            raise InputError(f"not a name or IRI: {name_or_iri!r}")
        text = str(name_or_iri).strip()
        if text.startswith(("http://", "https://", "urn:")):
            return self._kept(text)
        if text.startswith("kg:") and is_slug(text[3:]):
            return self._kept(KG + text[3:])
        if text.startswith("kgo:"):
            return KGO + text[4:]
        return self.names.resolve(text)

    def _kept(self, iri: str) -> str:
        """Follow a merge: an IRI merged away (``kgraph merge``) resolves to the one kept."""
        if not iri.startswith(KG):
            return iri
        return self._merges.get(iri, iri)

    @cached_property
    def _merges(self) -> dict[str, str]:
        """Old IRI -> kept IRI for every merge (one query on first use, like the name index)."""
        out: dict[str, str] = {}
        for row in self._select("merges"):
            old, kept = row["old"], row["kept"]
            if isinstance(old, ox.NamedNode) and isinstance(kept, ox.NamedNode):
                out.setdefault(old.value, kept.value)
        return out

    def entity(self, name_or_iri: object) -> Entity:
        """The entity with that IRI, slug or name, as a typed value (Person, Organization...)."""
        iri = self.resolve(name_or_iri)
        cached = self._entities.get(iri)
        if cached is not None:
            return cached
        value = self._make_entity(iri)
        with self._lock:
            self._entities[iri] = value
        return value

    def find(self, text: str, limit: int = 10) -> list[Entity]:
        """Entities whose names fit ``text`` (a search box): best matches first."""
        return [self.entity(i) for i in self.names.search(text, limit)]

    def _make_entity(self, iri: str) -> Entity:
        facts: dict[str, list[Any]] = defaultdict(list)
        asserted_types: list[str] = []
        inferred_types: list[str] = []
        for sol in self._select("entity-facts", entity=ox.NamedNode(iri)):
            p, o, g = sol["property"].value, sol["value"], sol["graph"]
            if p == _TYPE and isinstance(o, ox.NamedNode):
                (inferred_types if g.value == INFERRED_GRAPH else asserted_types).append(o.value)
            else:
                facts[p].append(o)
        if not asserted_types and not facts and iri not in self.names:
            raise UnknownEntity(iri, self.names.suggest(local_name(iri)))
        kinds = tuple(dict.fromkeys(asserted_types + inferred_types))
        names = {local_name(k) for k in kinds if k.startswith(KGO)}
        label = self.names.labels.get(iri) or self.label(iri)
        variants = tuple(sorted(
            {o.value for p in (RDFS + "label", SKOS + "altLabel") for o in facts.get(p, [])
             if isinstance(o, ox.Literal)} - {label}
        ))
        desc = next((o.value for o in facts.get(KGO + "description", [])), None)
        base: dict[str, Any] = {
            "iri": iri, "label": label, "variants": variants, "kinds": kinds, "description": desc,
        }
        if names & _PERSON:
            dates = self._dates(iri)
            rank = next((o.value for o in facts.get(KGO + "rank", [])), None)
            return Person(**base, birth=dates.get((KGO + "birthDate", "at")), rank=rank)
        if names & _SOURCE:
            dates = self._dates(iri)
            title = next((o.value for o in facts.get("http://purl.org/dc/terms/title", [])), None)
            outlet = next((self.ref(o.value) for o in facts.get(KGO + "outlet", [])
                           if isinstance(o, ox.NamedNode)), None)
            authors = tuple(self.ref(o.value) for o in facts.get("https://schema.org/author", [])
                            if isinstance(o, ox.NamedNode))
            seed = next((o.value for o in facts.get(KGO + "seedFile", [])), None)
            return SourceDocument(**base, title=title, outlet=outlet, authors=authors,
                                  published=dates.get((KGO + "published", "at")), seed_file=seed)
        if names & _EVENT:
            dates = self._dates(iri)
            when = dates.get((TIME + "hasTime", "at")) or dates.get((TIME + "hasTime", "start"))
            return Event(**base, when=when, until=dates.get((TIME + "hasTime", "end")))
        if names & _POST:
            org = next((self.ref(o.value) for o in facts.get(ORG + "postIn", [])
                        if isinstance(o, ox.NamedNode)), None)
            role = next((self.ref(o.value) for o in facts.get(ORG + "role", [])
                         if isinstance(o, ox.NamedNode)), None)
            return Post(**base, organization=org, role=role)
        if names & _ORG:
            return Organization(**base)
        if names & _PLACE:
            return Place(**base)
        return Entity(**base)

    def _dates(self, iri: str) -> dict[tuple[str, str], DateSpan]:
        """The entity's dates by (property, part). Where sources give it several (an event
        dated by two articles), the most informative: most bounds known, then the narrowest,
        then by text — the same answer whatever order the engine returns them in."""
        out: dict[tuple[str, str], DateSpan] = {}
        for sol in self._select("entity-dates", entity=ox.NamedNode(iri)):
            key = (sol["property"].value, sol["part"].value)
            span = _span(sol["earliest"], sol["latest"], sol["text"], sol["precision"],
                         sol["note"])
            if key not in out or _informative(span) < _informative(out[key]):
                out[key] = span
        return out

    # -- roles over time -------------------------------------------------------------------
    def memberships(
        self,
        *,
        member: object | None = None,
        organization: object | None = None,
        post: object | None = None,
    ) -> list[Membership]:
        """Sourced memberships, narrowed by member, organisation and/or post; by start date."""
        b = {
            "member": ox.NamedNode(self.resolve(member)) if member is not None else None,
            "organization": ox.NamedNode(self.resolve(organization))
            if organization is not None else None,
        }
        # ?post is optional in the query: binding it would not filter, so filter here
        post_iri = self.resolve(post) if post is not None else None
        acc: dict[str, dict[str, Any]] = {}
        for sol in self._select("memberships", **b):
            m = sol["membership"]
            key = m.value
            row = acc.get(key)
            if row is None:
                row = acc[key] = {"sol": sol, "quotes": [], "areas": []}
            q, a = sol["quote"], sol["area"]
            if q is not None and q.value not in row["quotes"]:
                row["quotes"].append(q.value)
            if a is not None and a.value not in row["areas"]:
                row["areas"].append(a.value)
        out = [self._membership(r["sol"], r["quotes"], r["areas"]) for r in acc.values()]
        if post_iri is not None:
            out = [m for m in out if m.post is not None and m.post.iri == post_iri]
        out.sort(key=lambda m: ((m.start or DateSpan(None, None)).sort_key(), m.member.label,
                                m.organization.label, m.iri))
        return out

    def _membership(self, sol: ox.QuerySolution, quotes: list[str], areas: list[str]
                    ) -> Membership:
        def ref(name: str) -> Ref | None:
            t = sol[name]
            return self.ref(t.value) if isinstance(t, ox.NamedNode) else None

        start = end = None
        if sol["start"] is not None:
            start = _span(sol["startEarliest"], sol["startLatest"], sol["startText"],
                          sol["startPrecision"])
        if sol["end"] is not None:
            end = _span(sol["endEarliest"], sol["endLatest"], sol["endText"],
                        sol["endPrecision"])
        member, org = ref("member"), ref("organization")
        assert member is not None and org is not None
        return Membership(
            iri=sol["membership"].value, member=member, organization=org, role=ref("role"),
            post=ref("post"), areas=tuple(self.ref(a) for a in sorted(areas)),
            role_text=_text(sol["roleText"]), rank=_text(sol["rank"]), start=start, end=end,
            dated=sol["interval"] is not None, quotes=tuple(sorted(quotes)), source=ref("source"),
            graph=_iri(sol["graph"]),
        )

    def _at(self, at: DateSpan | _dt.date | str | None) -> DateSpan | None:
        if at is None:
            return self.at
        return DateSpan.of(at)

    @staticmethod
    def _holding(m: Membership, at: DateSpan | None) -> Holding | None:
        if at is None:  # "ever": every sourced role certainly held at some time
            return Holding(m, "certain")
        if not m.dated:
            return Holding(m, "possible")
        verdict = holds_on(m.interval, at)
        return Holding(m, verdict) if verdict else None

    def holders(
        self,
        post_or_org: object,
        *,
        at: DateSpan | _dt.date | str | None = None,
        certainty: Literal["possible", "certain"] = "possible",
        role: object | None = None,
    ) -> list[Holding]:
        """Who held the post, or belonged to the organisation, on ``at`` (default: ever).

        Each answer says whether it held "certain"ly (every reading of the dates agrees) or
        only "possible" (some reading allows it; undated roles are always only possible).
        ``certainty="certain"`` keeps the certain ones; ``role`` narrows by role (IRI, e.g.
        ``kgo:CommanderRole``, or its label).
        """
        if certainty not in ("possible", "certain"):
            raise InputError(f"certainty must be 'possible' or 'certain', not {certainty!r}")
        iri = self.resolve(post_or_org)
        when = self._at(at)
        ent = self.entity(iri)
        ms = self.memberships(post=iri) if isinstance(ent, Post) else \
            self.memberships(organization=iri)
        role_iri = self._role_iri(role) if role is not None else None
        out: list[Holding] = []
        for m in ms:
            if role_iri and (m.role is None or m.role.iri != role_iri):
                continue
            h = self._holding(m, when)
            if h and (certainty == "possible" or h.certainty == "certain"):
                out.append(h)
        return out

    def _role_iri(self, role: object) -> str:
        text = str(getattr(role, "iri", role))
        if text.startswith(("http://", "https://")):
            return text
        if text.startswith("kgo:"):
            return KGO + text[4:]
        wanted = text.casefold().replace(" ", "")
        for iri, lab in self._term_labels.items():
            if iri.startswith(KGO) and wanted in (lab.casefold().replace(" ", ""),
                                                  local_name(iri).casefold()):
                return iri
        return KGO + text[:1].upper() + text[1:]

    def posts(
        self, person: object, *, at: DateSpan | _dt.date | str | None = None
    ) -> list[Holding]:
        """A person's (or organisation's) roles over time, in start order; on ``at`` if given."""
        when = self._at(at)
        out = []
        for m in self.memberships(member=person):
            h = self._holding(m, when)
            if h:
                out.append(h)
        return out

    def timeline(self, entity: object) -> list[TimelineEntry]:
        """The dated life of an entity: birth, roles (start and end), events, in order.

        Undated roles and events come last. In an :meth:`as_of` view, nothing after the date.
        """
        iri = self.resolve(entity)
        ent = self.entity(iri)
        entries: list[TimelineEntry] = []
        if isinstance(ent, Person) and ent.birth:
            entries.append(TimelineEntry(ent.birth, "birth", f"{ent.label} born", ent.ref))
        if isinstance(ent, SourceDocument) and ent.published:
            entries.append(TimelineEntry(ent.published, "publication", f"{ent.label} published",
                                         ent.ref))
        if isinstance(ent, Event) and ent.when:
            entries.append(TimelineEntry(ent.when, "event", ent.label, ent.ref))
        roles = self.memberships(member=iri)
        if not isinstance(ent, Person):
            roles += [m for m in self.memberships(organization=iri) if m not in roles]
        for m in roles:
            title = str(m)
            if m.start is not None:
                entries.append(TimelineEntry(m.start, "role-start", f"{title} (from)",
                                             m.organization, m))
            if m.end is not None:
                entries.append(TimelineEntry(m.end, "role-end", f"{title} (until)",
                                             m.organization, m))
            if m.start is None and m.end is None:
                entries.append(TimelineEntry(None, "role", title, m.organization, m))
        # one entry per event: its most informative date (see _dates), then the first link
        events: dict[str, tuple[tuple[int, int, str, str], str, DateSpan | None]] = {}
        for sol in self._select("events-of", entity=ox.NamedNode(iri)):
            ev = sol["event"].value
            if ev == iri:
                continue
            when = None
            if any(sol[k] is not None for k in ("earliest", "latest", "text")):
                when = _span(sol["earliest"], sol["latest"], sol["text"], sol["precision"])
            rank = _informative(when) if when else (1, 1 << 30, "", "")
            link = local_name(sol["link"].value)
            if ev not in events or (rank, link) < events[ev][:2]:
                events[ev] = (rank, link, when)
        for ev, (_, link, when) in events.items():
            entries.append(TimelineEntry(when, "event", f"{self.label(ev)} ({link})",
                                         self.ref(ev)))
        if self.at is not None and self.at.latest is not None:
            limit = self.at.latest
            entries = [e for e in entries if e.when is None or e.when.earliest is None
                       or e.when.earliest <= limit]
        entries.sort(key=lambda e: ((e.when or DateSpan(None, None)).sort_key(), e.kind,
                                    e.label))
        return entries

    # -- provenance and claims -------------------------------------------------------------
    def sources(
        self, subject: object, predicate: object | None = None, object: object | None = None
    ) -> list[Evidence]:
        """The sources and quotes backing statements about ``subject``.

        Evidence nodes for (subject, predicate, object) — any predicate/object when not given
        — and, when the subject is itself sourced (a membership, an event, a claim), its own
        source and quotes (predicate and object empty).
        """
        s = ox.NamedNode(self.resolve(subject))
        p = ox.NamedNode(self._predicate_iri(predicate)) if predicate is not None else None
        o: Term | None = None
        if object is not None:
            if isinstance(object, str) and not isinstance(object, IRI) and not object.startswith(
                    ("http://", "https://")):
                try:
                    o = ox.NamedNode(self.resolve(object))
                except NotFound:
                    o = ox.Literal(object)
            else:
                o = from_python(object) if not isinstance(object, str) else ox.NamedNode(
                    str(object))
        acc: dict[str, dict[str, Any]] = {}
        for sol in self._select("evidence", subject=s, predicate=p, object=o):
            key = sol["evidence"].value
            row = acc.setdefault(key, {"sol": sol, "quotes": []})
            q = sol["quote"]
            if q is not None and q.value not in row["quotes"]:
                row["quotes"].append(q.value)
        out = [
            Evidence(
                iri=k, subject=r["sol"]["subject"].value, predicate=r["sol"]["predicate"].value,
                object=r["sol"]["object"].value, quotes=tuple(sorted(r["quotes"])),
                source=self.ref(r["sol"]["source"].value) if r["sol"]["source"] else None,
                graph=_iri(r["sol"]["graph"]),
            )
            for k, r in acc.items()
        ]
        if p is None and o is None:
            raw = self.store.execute(
                "SELECT ?source ?quote ?graph ?s WHERE { GRAPH ?graph { ?s kgo:source ?source } "
                "OPTIONAL { ?s kgo:quote ?quote } }",
                bindings={"s": s},
            )
            own: dict[tuple[str, str | None], list[str]] = {}
            for sol in raw.solutions():
                k = (sol[0].value, _iri(sol[2]))
                own.setdefault(k, [])
                if sol[1] is not None and sol[1].value not in own[k]:
                    own[k].append(sol[1].value)
            for (src, graph), quotes in own.items():
                out.append(Evidence(iri=s.value, subject=s.value, predicate="", object="",
                                    quotes=tuple(sorted(quotes)), source=self.ref(src),
                                    graph=graph))
        out.sort(key=lambda e: (e.predicate, e.object, e.source.label if e.source else ""))
        return out

    def _predicate_iri(self, predicate: object) -> str:
        text = str(getattr(predicate, "iri", predicate))
        for prefix, ns in (("kgo:", KGO), ("org:", ORG), ("rdfs:", RDFS), ("skos:", SKOS)):
            if text.startswith(prefix):
                return ns + text[len(prefix):]
        if text.startswith(("http://", "https://")):
            return text
        return KGO + text

    def conflicts(self) -> list[Conflict]:
        """Where sources contradict each other — different holders of one role at once,
        different dates for one thing, facts another source denies — each side with its
        provenance (see :mod:`kgraph.curate.conflicts`). Both sides stay in the graph."""
        from kgraph.curate.conflicts import conflicts

        return conflicts(self)

    def claims(
        self,
        *,
        about: object | None = None,
        status: str | Iterable[str] | None = None,
        claimed_by: object | None = None,
        source: object | None = None,
        min_reliability: str | None = None,
        min_credibility: int | str | None = None,
    ) -> list[Claim]:
        """Claims, filtered: about an entity, by status(es), by claimant, by source document,
        by minimum Admiralty grade.

        Reliability runs A (best) .. E, then F ("cannot be judged"), which counts as below E:
        ``min_reliability="C"`` keeps A, B and C. Credibility runs 1 (best) .. 6, 6 ("cannot
        be judged") last: ``min_credibility=3`` keeps 1, 2 and 3.
        """
        statuses = self._statuses(status)
        rel_max = self._grade_limit(min_reliability, "reliability")
        cred_max = self._grade_limit(min_credibility, "credibility")
        b = {
            "about": ox.NamedNode(self.resolve(about)) if about is not None else None,
            "claimant": ox.NamedNode(self.resolve(claimed_by)) if claimed_by is not None
            else None,
        }
        src = self.resolve(source) if source is not None else None
        acc: dict[str, ox.QuerySolution] = {}
        for sol in self._select("claims", **b):
            acc.setdefault(sol["claim"].value, sol)
        out: list[Claim] = []
        for key, sol in acc.items():
            c = self._claim(key, sol)
            if statuses and c.status not in statuses:
                continue
            if src and (c.source is None or c.source.iri != src):
                continue
            if rel_max and (c.reliability is None or c.reliability.rank > rel_max):
                continue
            if cred_max and (c.credibility is None or c.credibility.rank > cred_max):
                continue
            out.append(c)
        out.sort(key=lambda c: (c.source.label if c.source else "", c.iri))
        return out

    def _statuses(self, status: str | Iterable[str] | None) -> set[str]:
        if status is None:
            return set()
        items = [status] if isinstance(status, str) else list(status)
        out = set()
        for s in items:
            name = local_name(s).strip().capitalize()
            if name not in _STATUSES:
                raise InputError(f"unknown claim status {s!r}",
                                 hint="use one of: " + ", ".join(_STATUSES))
            out.add(name)
        return out

    @staticmethod
    def _grade_limit(value: int | str | None, scale: str) -> int | None:
        if value is None:
            return None
        text = str(value).strip().upper()
        if scale == "reliability" and len(text) == 1 and text in _GRADE_ORDER:
            return _GRADE_ORDER.index(text) + 1
        if scale == "credibility" and text in {"1", "2", "3", "4", "5", "6"}:
            return int(text)
        allowed = "A..F" if scale == "reliability" else "1..6"
        raise InputError(f"not a {scale} grade: {value!r}", hint=f"use {allowed}")

    def _claim(self, iri: str, sol: ox.QuerySolution) -> Claim:
        def grade(kind: str) -> Grade | None:
            t = sol[kind]
            if not isinstance(t, ox.NamedNode):
                return None
            notation = _text(sol[kind + "Notation"]) or local_name(t.value)[-1]
            return Grade(t.value, notation, self.label(t.value))

        def many(name: str) -> tuple[str, ...]:
            t = sol[name]
            return tuple(v for v in t.value.split("\x1f") if v) if t is not None else ()

        status = local_name(sol["status"].value) if sol["status"] is not None else "Reported"
        return Claim(
            iri=iri, text=_text(sol["text"]) or "", status=status,
            about=tuple(self.ref(a) for a in sorted(many("topics"))),
            claimed_by=tuple(self.ref(a) for a in sorted(many("claimants"))),
            source=self.ref(sol["source"].value) if sol["source"] is not None else None,
            quotes=tuple(sorted(many("quotes"))), hedges=tuple(sorted(many("hedges"))),
            reliability=grade("reliability"), credibility=grade("credibility"),
            note=_text(sol["note"]), subject=_iri(sol["subject"]),
            predicate=_iri(sol["predicate"]), object=_text(sol["object"]),
            graph=_iri(sol["graph"]),
        )

    # -- networks --------------------------------------------------------------------------
    def network(
        self,
        *,
        at: DateSpan | _dt.date | str | None = None,
        kinds: Iterable[str] | None = None,
        certainty: Literal["possible", "certain"] = "possible",
    ) -> Any:
        """A networkx MultiDiGraph of ties between persons and organisations.

        See :func:`kgraph.network.build_network`.
        """
        from kgraph.network import build_network

        return build_network(self, at=self._at(at), kinds=kinds, certainty=certainty)

    # -- summary and export ----------------------------------------------------------------
    def stats(self) -> Stats:
        """Counts per class, per graph, claims per grade and status."""
        per_graph = {
            sol[0].value: int(sol[1].value)
            for sol in self.store.execute(
                "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
            ).solutions()
        }
        classes = {
            local_name(sol[0].value): int(sol[1].value)
            for sol in self.store.execute(
                "SELECT ?c (COUNT(DISTINCT ?x) AS ?n) WHERE { ?x a ?c "
                "FILTER(STRSTARTS(STR(?c), STR(kgo:)) && STRSTARTS(STR(?x), STR(kg:))) } "
                "GROUP BY ?c"
            ).solutions()
        }
        entities = next(
            int(sol[0].value)
            for sol in self.store.execute(
                "SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE { ?x a ?c "
                "FILTER(STRSTARTS(STR(?x), STR(kg:))) }"
            ).solutions()
        )
        by_grade: dict[str, int] = defaultdict(int)
        by_status: dict[str, int] = defaultdict(int)
        for c in self.claims():
            by_grade[c.grade] += 1
            by_status[c.status] += 1
        total = sum(per_graph.values())
        inferred = per_graph.get(INFERRED_GRAPH, 0)
        return Stats(
            triples=total, asserted=total - inferred, inferred=inferred, entities=entities,
            classes=dict(sorted(classes.items(), key=lambda kv: (-kv[1], kv[0]))),
            graphs=dict(sorted(per_graph.items())),
            claims_by_grade=dict(sorted(by_grade.items())),
            claims_by_status=dict(sorted(by_status.items())),
        )

    def export(
        self,
        format: str = "trig",
        destination: str | Path | IO[bytes] | None = None,
        *,
        inferred: bool = True,
        ontology: bool = True,
    ) -> bytes | None:
        """Write the dataset as ttl, trig, nt, nq, jsonld or rdfxml.

        Graph formats (ttl, nt, rdfxml) get the union of the graphs; dataset formats keep
        them. ``inferred=False`` / ``ontology=False`` leave out kgg:inferred / kgg:ontology.
        Returns the bytes when ``destination`` is None.
        """
        import io

        fmt = rdf_format(format)
        skip = set()
        if not inferred:
            skip.add(INFERRED_GRAPH)
        if not ontology:
            skip.add(ONTOLOGY_GRAPH)
        buf = io.BytesIO()
        if not skip:
            self.store.dump(buf, fmt)
        else:
            nq = io.BytesIO()
            self.store.dump(nq, ox.RdfFormat.N_QUADS)
            quads: Iterable[Any] = (
                q for q in ox.parse(nq.getvalue(), format=ox.RdfFormat.N_QUADS)
                if not (isinstance(q.graph_name, ox.NamedNode) and q.graph_name.value in skip)
            )
            if not fmt.supports_datasets:
                quads = (ox.Triple(q.subject, q.predicate, q.object) for q in quads)
            from kgraph.namespaces import PREFIXES

            ox.serialize(quads, buf, format=fmt, prefixes=PREFIXES)
        data = buf.getvalue()
        if destination is None:
            return data
        if isinstance(destination, str | Path):
            Path(destination).write_bytes(data)
        else:
            destination.write(data)
        return None

    def graphs(self) -> list[str]:
        """The named graphs of the dataset (sources, curation, ontology, inferred)."""
        return self.store.graphs()

    def source_graphs(self) -> list[str]:
        """The graphs holding curated statements (not kgg:ontology, not kgg:inferred)."""
        return [g for g in self.graphs() if g not in (ONTOLOGY_GRAPH, INFERRED_GRAPH)]


# ------------------------------------------------------------------------------------ open
def _is_url(source: object) -> bool:
    return isinstance(source, str) and source.startswith(("http://", "https://"))


def open(  # noqa: A001 - the public name the issue asks for
    source: str | Path | None = None,
    *,
    backend: Literal["embedded", "memory", "remote"] | None = None,
    cache_dir: str | Path | None = None,
    read_only: bool = True,
    rebuild: bool = False,
    load: bool = False,
    data: str | Path | None = None,
    timeout: float = 10.0,
    union_default_graph: bool = True,
    update_endpoint: str | None = None,
    store_endpoint: str | None = None,
) -> KnowledgeGraph:
    """Open a knowledge graph.

    * ``open()``: the bundled graph in the embedded store, built into the cache on first use
      and rebuilt only when its inputs change (``cache_dir`` or $KGRAPH_CACHE pick the cache).
    * ``open(path)``: another directory of curated files (``ontology/``, ``data/``), or a
      built store directory (one holding ``kgraph-build.json``), opened as is.
    * ``open("http://host/query")``: a SPARQL 1.1 server. ``load=True`` first loads the
      bundled graph (or ``data``) into it, replacing the graphs it has of the same names.
      ``timeout`` bounds every request. The server must answer with the union of its graphs
      as default graph (``oxigraph serve --union-default-graph``), or pass
      ``union_default_graph=False`` to have kgraph ask for it through the protocol.
    * ``open(backend="memory")``: an rdflib in-memory dataset, for small experiments.

    The built embedded store is opened read-only (several processes may share it) unless
    ``read_only=False``.
    """
    if _is_url(source) or backend == "remote":
        if not _is_url(source):
            raise InputError("the remote backend needs the URL of a SPARQL endpoint")
        store = RemoteStore(
            str(source), update_endpoint=update_endpoint, store_endpoint=store_endpoint,
            timeout=timeout, union_default_graph=union_default_graph,
            read_only=read_only and not load,
        )
        inputs = None
        if load:
            inputs = Inputs.from_dir(data)
            _copy_build(build_in_memory(inputs), store)
        return KnowledgeGraph(store, inputs=inputs)
    path = Path(source) if source is not None else None
    if path is not None and (path / MARKER).is_file():
        info = read_marker(path)
        return KnowledgeGraph(EmbeddedStore(path, read_only=read_only), build=info)
    inputs = Inputs.from_dir(path)
    if backend == "memory":
        mem = MemoryStore()
        _copy_build(build_in_memory(inputs), mem)
        return KnowledgeGraph(mem, inputs=inputs)
    if backend not in (None, "embedded"):
        raise InputError(f"unknown backend {backend!r}", hint="use embedded, memory or remote")
    target, info = build_embedded(inputs, cache_dir, force=rebuild)
    try:
        store_ = EmbeddedStore(target, read_only=read_only)
    except StoreError:
        target, info = build_embedded(inputs, cache_dir, force=True)
        store_ = EmbeddedStore(target, read_only=read_only)
    return KnowledgeGraph(store_, inputs=inputs, build=info)


def _copy_build(source: ox.Store, target: Store) -> None:
    """Copy every named graph of a built in-memory store into another store.

    Each graph is replaced by its statements that mention no blank node; then every statement
    that mentions one, in whichever graph, is added in one load — a store gives each load's
    blank nodes fresh identities, and the inferred graph speaks of the source graphs' blank
    nodes (see :mod:`kgraph.store.lines`).
    """
    blank: list[bytes] = []
    for g in source.named_graphs():
        if not isinstance(g, ox.NamedNode):
            continue
        data = source.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=g) or b""
        plain, with_blank = split_blank(data.splitlines(keepends=True))
        target.replace_graph(g.value, b"".join(plain))
        if with_blank:
            blank.append(as_quad_lines(b"".join(with_blank), g.value))
    if blank:
        target.load(b"".join(blank), ox.RdfFormat.N_QUADS)


def _unused(*_: object) -> None:  # keep imports used by type checkers only
    _ = (builtins, Sequence, Row, replace, to_python, _dates, Entity, CURATION_GRAPH)
