"""Names in a sheet -> entity IRIs: existing entities by label or variant, new ones minted.

Resolution of a name the sheet *uses* (a subject, an object, a claimant):

1. an IRI (``https://w3id.org/kgraph/id/x`` or ``kg:x``) is taken as it is;
2. a name the sheet defines (its ``entities``, by name or variant) is that entity;
3. a name that matches labels in the graph after normalisation (case, accents, punctuation,
   a leading "the") is that entity; a merged-away IRI is followed to the one it became;
4. otherwise the closest spelling (edit similarity >= :data:`FUZZY_CUTOFF`) is taken when it
   points at exactly one entity ("Esmail Ghaani" -> Esmail Qaani);
5. several entities fitting a name is an error that lists them, never a guess; no entity at
   all is an error that suggests the closest names.

An entity the sheet *defines* is the existing entity with exactly that name (or variant) and a
compatible type, or a new one with a minted slug (:func:`slugify`, made unique with ``-2``...).
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Final

from rapidfuzz import fuzz, process
from unidecode import unidecode

from kgraph.curate.sheet import At, EntityRow, Sheet
from kgraph.curate.state import DataState
from kgraph.errors import SheetError
from kgraph.namespaces import KG, KGO, RDFS, SKOS

FUZZY_CUTOFF: Final = 88.0
#: two fuzzy matches within this many points of each other are equally good: ambiguous
FUZZY_TIE: Final = 4.0
MAX_SLUG: Final = 80


def normalise(name: str) -> str:
    """The key names are compared by: ASCII, case-folded, punctuation-free, no leading 'the'."""
    text = unidecode(name).casefold()
    text = re.sub(r"['`\u2019\u00b4]", "", text)
    text = re.sub(r"[^a-z0-9]+", " ", text).strip()
    return re.sub(r"^the ", "", text)


def slugify(name: str) -> str:
    """A docs/model.md slug for ``name``: 'Esmail Qaani' -> 'esmail-qaani'."""
    text = unidecode(name).casefold()
    text = re.sub(r"['`\u2019\u00b4]", "", text)
    slug = re.sub(r"[^a-z0-9]+", "-", text).strip("-")
    if not slug:
        slug = "entity-" + hashlib.sha256(name.encode()).hexdigest()[:8]
    if len(slug) > MAX_SLUG:
        digest = hashlib.sha256(slug.encode()).hexdigest()[:8]
        slug = slug[: MAX_SLUG - 9].rstrip("-") + "-" + digest
    return slug


def _as_iri(text: str) -> str | None:
    t = text.strip()
    if t.startswith("<") and t.endswith(">"):
        t = t[1:-1]
    if t.startswith(KG):
        return t
    if t.startswith("kg:") and re.fullmatch(r"kg:[a-z0-9]+(-[a-z0-9]+)*", t):
        return KG + t[3:]
    return None


@dataclass(frozen=True)
class Entity:
    """A resolved entity: its IRI, whether the sheet creates it, and its kgo classes."""

    iri: str
    new: bool
    types: tuple[str, ...]
    row: EntityRow | None = None


@dataclass
class NameIndex:
    """Normalised name -> entity IRIs, plus a display label per IRI."""

    keys: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    display: dict[str, str] = field(default_factory=dict)

    def add(self, iri: str, label: str, preferred: bool = False) -> None:
        key = normalise(label)
        if key:
            self.keys[key].add(iri)
        if preferred or iri not in self.display:
            self.display[iri] = label

    def exact(self, name: str) -> set[str]:
        return set(self.keys.get(normalise(name), ()))

    def fuzzy(self, name: str) -> list[tuple[str, float]]:
        """(iri, score) of the closest names at or above the cutoff, best first."""
        key = normalise(name)
        hits = process.extract(key, list(self.keys), scorer=fuzz.ratio,
                               score_cutoff=FUZZY_CUTOFF, limit=10)
        best: dict[str, float] = {}
        for k, score, _ in hits:
            for iri in self.keys[k]:
                best[iri] = max(best.get(iri, 0.0), float(score))
        return sorted(best.items(), key=lambda kv: (-kv[1], kv[0]))

    def suggestions(self, name: str, limit: int = 5) -> list[str]:
        hits = process.extract(normalise(name), list(self.keys), scorer=fuzz.WRatio,
                               score_cutoff=60, limit=limit * 3)
        out: list[str] = []
        for k, _, _ in hits:
            for iri in sorted(self.keys[k]):
                label = self.display.get(iri, iri)
                if label not in out:
                    out.append(label)
        return out[:limit]


def graph_index(state: DataState) -> NameIndex:
    """Every label (prefLabel, rdfs:label, altLabel) of every kg: entity in the data."""
    index = NameIndex()
    redirects = state.redirects()
    for iri, label, prop in state.names():
        index.add(redirects.get(iri, iri), label, preferred=prop == SKOS + "prefLabel")
    for old, new in redirects.items():  # the old slug still names the entity it became
        index.add(new, old[len(KG):].replace("-", " "))
    return index


@dataclass
class Resolution:
    """The sheet's names resolved: the entities it defines and a resolver for the names it uses."""

    sheet: Sheet
    state: DataState
    index: NameIndex
    defined: dict[int, Entity]  # EntityRow.line -> entity
    local: NameIndex  # the sheet's own entity names -> IRIs
    extra: dict[str, Entity] = field(default_factory=dict)  # implied entities (outlet, author)

    def entity(self, at: At, implied_type: str | None = None) -> Entity:
        """The entity ``at`` names; ``implied_type`` mints a new one instead of failing."""
        iri = self.iri(at, allow_unknown=implied_type is not None)
        if iri is None:
            assert implied_type is not None
            key = normalise(at.value)
            if key not in self.extra:
                slug = _unique_slug(slugify(at.value), self.state, self._taken())
                self.extra[key] = Entity(KG + slug, True, (KGO + implied_type,))
            return self.extra[key]
        for e in self.defined.values():
            if e.iri == iri:
                return e
        for e in self.extra.values():
            if e.iri == iri:
                return e
        return Entity(iri, False, tuple(sorted(t for t in self.state.types_of(iri)
                                                if t.startswith(KGO))))

    def _taken(self) -> set[str]:
        return {e.iri[len(KG):] for e in (*self.defined.values(), *self.extra.values())}

    def iri(self, at: At, allow_unknown: bool = False) -> str | None:
        name = at.value
        direct = _as_iri(name)
        if direct is not None:
            direct = self.state.redirects().get(direct, direct)
            if self.state.exists(direct) or any(e.iri == direct for e in self.defined.values()):
                return direct
            raise self._error(f"no entity has the IRI {name!r}", at)
        hits = self.local.exact(name)
        if not hits:
            hits = {e.iri for k, e in self.extra.items() if k == normalise(name)}
        if not hits:
            hits = self.index.exact(name)
        if len(hits) == 1:
            return next(iter(hits))
        if len(hits) > 1:
            raise self._ambiguous(name, sorted(hits), at)
        fuzzy = self.local.fuzzy(name) or self.index.fuzzy(name)
        if fuzzy:
            top = fuzzy[0][1]
            close = [iri for iri, score in fuzzy if score >= top - FUZZY_TIE]
            if len(close) == 1:
                return close[0]
            raise self._ambiguous(name, close, at)
        if allow_unknown:
            return None
        suggestions = self.local.suggestions(name) + self.index.suggestions(name)
        raise SheetError(
            f"no entity is called {name!r}, in the graph or in the sheet's entities",
            sheet=self.sheet.path, line=at.line, field=at.field,
            hint=("define it under 'entities' (name and type)"
                  + (", or did you mean: " + ", ".join(dict.fromkeys(suggestions)) + "?"
                     if suggestions else "")),
        )

    def _label(self, iri: str) -> str:
        return self.local.display.get(iri) or self.index.display.get(iri) or iri

    def _ambiguous(self, name: str, iris: Iterable[str], at: At) -> SheetError:
        listed = "; ".join(f"{self._label(i)} <{i}>" for i in iris)
        return SheetError(
            f"{name!r} is ambiguous: it could be any of {listed}",
            sheet=self.sheet.path, line=at.line, field=at.field,
            hint="write the full name or the IRI (kg:slug) of the one you mean",
        )

    def _error(self, message: str, at: At) -> SheetError:
        return SheetError(message, sheet=self.sheet.path, line=at.line, field=at.field)


def _unique_slug(base: str, state: DataState, taken: set[str]) -> str:
    slug, n = base, 1
    while slug in taken or state.exists(KG + slug):
        n += 1
        slug = f"{base}-{n}"
    return slug


def _compatible(state: DataState, sheet_type: str, existing: Iterable[str]) -> bool:
    kgo_types = [t for t in existing if t.startswith(KGO)]
    if not kgo_types:
        return True
    return any(state.is_a(t, sheet_type) or state.is_a(sheet_type, t) for t in kgo_types)


def resolve_sheet(sheet: Sheet, state: DataState, index: NameIndex | None = None) -> Resolution:
    """Resolve the entities ``sheet`` defines; names it uses resolve through the result."""
    index = graph_index(state) if index is None else index
    defined: dict[int, Entity] = {}
    local = NameIndex()
    taken: set[str] = set()
    by_key: dict[str, Entity] = {}
    for row in sheet.entities:
        sheet_type = KGO + row.type_name
        names = (row.name, *row.variants)
        same = next((by_key[normalise(n.value)] for n in names if normalise(n.value) in by_key),
                    None)
        if same is not None:  # the same entity defined twice (same type: sheet.py checked)
            defined[row.line] = same
            continue
        if row.slug is not None:
            iri = _as_iri(row.slug.value) or KG + row.slug.value
            slug = iri[len(KG):]
            from kgraph.namespaces import is_slug

            if not is_slug(slug):
                raise SheetError(f"{row.slug.value!r} is not a slug (lower-case words joined "
                                 "by '-')", sheet=sheet.path, line=row.slug.line, field="id")
            candidates = {iri}
        else:
            candidates = set()
            for n in names:
                candidates |= index.exact(n.value)
        if len(candidates) > 1:
            labels = "; ".join(f"{index.display.get(i, i)} <{i}>" for i in sorted(candidates))
            raise SheetError(
                f"{row.name.value!r} already names several entities: {labels}",
                sheet=sheet.path, line=row.name.line, field="name",
                hint="give the entity an 'id' (the slug of the one you mean, or a new one)",
            )
        if candidates:
            iri = next(iter(candidates))
            existing = state.types_of(iri)
            if not _compatible(state, sheet_type, existing):
                shown = ", ".join(sorted(t[len(KGO):] for t in existing if t.startswith(KGO)))
                raise SheetError(
                    f"{row.name.value!r} is already <{iri}>, a {shown}; the sheet says "
                    f"{row.type_name}",
                    sheet=sheet.path, line=row.type.line, field="type",
                    hint="fix the type, or give the new entity its own 'id'",
                )
            entity = Entity(iri, not existing and not state.exists(iri),
                            tuple(sorted({sheet_type} | existing)), row)
        else:
            slug = _unique_slug(slugify(row.name.value), state, taken)
            entity = Entity(KG + slug, True, (sheet_type,), row)
        taken.add(entity.iri[len(KG):])
        defined[row.line] = entity
        for n in names:
            by_key[normalise(n.value)] = entity
            local.add(entity.iri, n.value, preferred=n is row.name)
    return Resolution(sheet=sheet, state=state, index=index, defined=defined, local=local)


LABEL: Final = RDFS + "label"
