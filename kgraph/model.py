"""Typed, immutable values for what the graph describes.

Every value is a frozen dataclass. Entities carry their IRI, canonical label
(``skos:prefLabel``), name variants (``rdfs:label`` as sources spell it, ``skos:altLabel``)
and kinds (class IRIs, most specific first). Relations between values are :class:`Ref`\\ s
(IRI + label), so values stay small and never form cycles.

Facts and claims never mix: a :class:`Membership` or :class:`Evidence` is sourced fact, a
:class:`Claim` is something a source attributes to someone, with its status and grade.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from kgraph.dates import Certainty, DateSpan, Interval
from kgraph.namespaces import KG, KGO

__all__ = [
    "IRI",
    "Certainty",
    "Claim",
    "DateSpan",
    "Entity",
    "Event",
    "Evidence",
    "Grade",
    "Holding",
    "Interval",
    "Membership",
    "Organization",
    "Person",
    "Place",
    "Post",
    "Ref",
    "SourceDocument",
    "Stats",
    "TimelineEntry",
    "local_name",
]


class IRI(str):
    """An IRI (a ``str``): bind it in a query to mean the resource, not a string literal."""

    __slots__ = ()

    @property
    def iri(self) -> str:
        return str(self)


def local_name(iri: str) -> str:
    """The part of an IRI after its last '#' or '/'."""
    cut = max(iri.rfind("#"), iri.rfind("/"))
    return iri[cut + 1:] if cut >= 0 else iri


@dataclass(frozen=True, slots=True)
class Ref:
    """A pointer to a resource: its IRI and a human label."""

    iri: str
    label: str

    @property
    def slug(self) -> str | None:
        return self.iri[len(KG):] if self.iri.startswith(KG) else None

    def __str__(self) -> str:
        return self.label


@dataclass(frozen=True, slots=True)
class Entity:
    """Anything with an IRI in ``kg:``: a person, organisation, place, event, post, source..."""

    iri: str
    label: str
    variants: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    description: str | None = None

    @property
    def slug(self) -> str | None:
        """The slug of a ``kg:`` IRI (``esmail-qaani``), else None."""
        return self.iri[len(KG):] if self.iri.startswith(KG) else None

    @property
    def kind(self) -> str:
        """The local name of the most specific kgo: class ("ArmedGroup", "Person"...)."""
        for k in self.kinds:
            if k.startswith(KGO):
                return local_name(k)
        return local_name(self.kinds[0]) if self.kinds else "Thing"

    @property
    def kind_names(self) -> frozenset[str]:
        """Local names of every kgo: class of the entity (inferred superclasses included)."""
        return frozenset(local_name(k) for k in self.kinds if k.startswith(KGO))

    @property
    def ref(self) -> Ref:
        return Ref(self.iri, self.label)

    def __str__(self) -> str:
        return self.label


@dataclass(frozen=True, slots=True)
class Person(Entity):
    birth: DateSpan | None = None
    rank: str | None = None


@dataclass(frozen=True, slots=True)
class Organization(Entity):
    pass


@dataclass(frozen=True, slots=True)
class Place(Entity):
    pass


@dataclass(frozen=True, slots=True)
class Post(Entity):
    organization: Ref | None = None
    role: Ref | None = None


@dataclass(frozen=True, slots=True)
class Event(Entity):
    """An event; ``when`` is its time (start of its interval if it has one), ``until`` its end."""

    when: DateSpan | None = None
    until: DateSpan | None = None


@dataclass(frozen=True, slots=True)
class SourceDocument(Entity):
    title: str | None = None
    outlet: Ref | None = None
    authors: tuple[Ref, ...] = ()
    published: DateSpan | None = None
    seed_file: str | None = None


@dataclass(frozen=True, slots=True)
class Grade:
    """An Admiralty grade: reliability A (best) .. F, or credibility 1 (best) .. 6.

    ``rank`` orders grades from best (1) to worst (6); "F"/"6" (cannot be judged) rank last.
    """

    iri: str
    notation: str
    label: str = ""

    @property
    def rank(self) -> int:
        n = self.notation.upper()
        return "ABCDEF".index(n) + 1 if n in "ABCDEF" else int(n) if n.isdigit() else 99

    def __str__(self) -> str:
        return self.notation


@dataclass(frozen=True, slots=True)
class Membership:
    """A sourced role: ``member`` held ``role`` in ``organization`` from ``start`` to ``end``."""

    iri: str
    member: Ref
    organization: Ref
    role: Ref | None
    post: Ref | None = None
    areas: tuple[Ref, ...] = ()
    role_text: str | None = None
    rank: str | None = None
    start: DateSpan | None = None
    end: DateSpan | None = None
    dated: bool = False
    quotes: tuple[str, ...] = ()
    source: Ref | None = None
    graph: str | None = None

    @property
    def interval(self) -> Interval:
        return Interval(self.start, self.end)

    def __str__(self) -> str:
        title = self.role_text or (self.role.label if self.role else "member")
        return f"{self.member.label}: {title}, {self.organization.label}"


@dataclass(frozen=True, slots=True)
class Holding:
    """An answer of ``holders``/``posts`` at a date: the membership and how sure it is."""

    membership: Membership
    certainty: Certainty

    @property
    def member(self) -> Ref:
        return self.membership.member


@dataclass(frozen=True, slots=True)
class Evidence:
    """The source and quote(s) backing one fact (subject, predicate, object)."""

    iri: str
    subject: str
    predicate: str
    object: str
    quotes: tuple[str, ...]
    source: Ref | None
    graph: str | None = None


@dataclass(frozen=True, slots=True)
class Claim:
    """Something a source attributes to someone; never asserted as fact."""

    iri: str
    text: str
    status: str
    about: tuple[Ref, ...] = ()
    claimed_by: tuple[Ref, ...] = ()
    source: Ref | None = None
    quotes: tuple[str, ...] = ()
    hedges: tuple[str, ...] = ()
    reliability: Grade | None = None
    credibility: Grade | None = None
    note: str | None = None
    subject: str | None = None
    predicate: str | None = None
    object: str | None = None
    graph: str | None = None

    @property
    def grade(self) -> str:
        """The Admiralty grade as written: "F3"."""
        return f"{self.reliability or '?'}{self.credibility or '?'}"

    def __str__(self) -> str:
        return f"[{self.status} {self.grade}] {self.text}"


TimelineKind = Literal["birth", "role-start", "role-end", "role", "event", "publication"]


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    """One dated line of an entity's timeline."""

    when: DateSpan | None
    kind: TimelineKind
    label: str
    ref: Ref | None = None
    membership: Membership | None = None

    def __str__(self) -> str:
        return f"{self.when or '(undated)'}  {self.label}"


@dataclass(frozen=True)
class Stats:
    """Counts: triples, entities per class, triples per graph, claims per grade and status."""

    triples: int
    asserted: int
    inferred: int
    entities: int
    classes: dict[str, int] = field(default_factory=dict)
    graphs: dict[str, int] = field(default_factory=dict)
    claims_by_grade: dict[str, int] = field(default_factory=dict)
    claims_by_status: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, object]:
        return {
            "triples": self.triples,
            "asserted": self.asserted,
            "inferred": self.inferred,
            "entities": self.entities,
            "classes": dict(self.classes),
            "graphs": dict(self.graphs),
            "claims_by_grade": dict(self.claims_by_grade),
            "claims_by_status": dict(self.claims_by_status),
        }
