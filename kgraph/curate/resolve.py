"""Names in a sheet -> entity IRIs: existing entities by label or variant, new ones minted.

Resolution of a name the sheet *uses* (a subject, an object, a claimant), by
:class:`kgraph.lookup.NameIndex` (the project's one name lookup):

1. an IRI (``https://w3id.org/kgraph/id/x`` or ``kg:x``) is taken as it is (a merged-away IRI is
   followed to the entity it became);
2. a name the sheet defines (its ``entities``, by name or variant) is that entity;
3. a name of an entity in the graph (prefLabel, rdfs:label, altLabel) up to case, accents, titles
   and transliteration ("Ghaani" = "Qaani"), or whose words are all in exactly one entity's
   name ("Qaani" = "Esmail Qaani"), is that entity;
4. several entities fitting a name is an error that lists them, never a guess; no entity at all
   is an error that suggests the closest names.

An entity the sheet *defines* is the existing entity with the same name or variant (up to case,
accents, titles and transliteration) and a compatible type, or a new one whose slug is minted from
its name (:func:`slugify`, made unique with ``-2``, ``-3``...). The same sheet on the same data
always mints the same slugs, and once added, its names resolve to them.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Final

from unidecode import unidecode

from kgraph.curate.sheet import At, EntityRow, Sheet
from kgraph.curate.state import DataState
from kgraph.errors import AmbiguousName, SheetError, UnknownEntity
from kgraph.lookup import NameIndex, plain_key, sound_key
from kgraph.namespaces import KG, KGO, SKOS

MAX_SLUG: Final = 80


@lru_cache(maxsize=1 << 16)
def _keys(name: str) -> tuple[str, str]:
    """The lookup's plain and sound keys of ``name``: a 1M-triple graph has ~137,000 labels
    but only ~22,000 different ones (a name is repeated as prefLabel, rdfs:label, altLabel)."""
    return plain_key(name), sound_key(name)


def normalise(name: str) -> str:
    """The key names are compared by (the lookup's plain key: accents, case, titles dropped)."""
    return plain_key(name)


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
class Names:
    """Every name of every entity: exact keys for definitions, the lookup for references."""

    names: list[tuple[str, str, bool]] = field(default_factory=list)  # (iri, name, canonical)
    plain: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    sound: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    _lookup: NameIndex | None = None

    words: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))

    def add(self, iri: str, name: str, canonical: bool = False) -> None:
        self.names.append((iri, name, canonical))
        plain, sound = _keys(name)
        self.plain[plain].add(iri)
        self.sound[sound].add(iri)
        for w in sound.split():
            self.words[w].add(iri)
        self._lookup = None

    def candidates(self, name: str) -> set[str]:
        """The lookup's matching steps (plain key, sound key, all words), without building its
        fuzzy suggestions: cheap enough to ask for every name of a large sheet."""
        if hits := self.same_name(name):
            return hits
        sets = [self.words.get(w, set()) for w in _keys(name)[1].split()]
        if sets and all(sets):
            return set.intersection(*sets)
        return set()

    def same_name(self, name: str) -> set[str]:
        """Entities whose name is ``name`` up to case, accents, titles and transliteration."""
        plain, sound = _keys(name)
        return set(self.plain.get(plain) or self.sound.get(sound) or ())

    @property
    def lookup(self) -> NameIndex:
        if self._lookup is None:
            self._lookup = NameIndex.build(self.names)
        return self._lookup

    def label(self, iri: str) -> str:
        return self.lookup.labels.get(iri, iri)


def graph_names(state: DataState) -> Names:
    """Every label (prefLabel, rdfs:label, altLabel) of every kg: entity in the data."""
    names = Names()
    redirects = state.redirects()
    for iri, label, prop in state.names():
        names.add(redirects.get(iri, iri), label, canonical=prop == SKOS + "prefLabel")
    return names


@dataclass
class Resolution:
    """The sheet's names resolved: the entities it defines and a resolver for the names it uses."""

    sheet: Sheet
    state: DataState
    index: Names
    defined: dict[int, Entity]  # EntityRow.line -> entity
    local: Names  # the sheet's own entity names -> IRIs
    extra: dict[str, Entity] = field(default_factory=dict)  # implied entities (outlet, author)
    _types: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # IRI -> the sheet's entity (defined first, then implied): a sheet of 10,000 statements
    # asks this for every name it uses
    _by_iri: dict[str, Entity] = field(default_factory=dict, init=False)

    def __post_init__(self) -> None:
        for e in (*self.defined.values(), *self.extra.values()):
            self._by_iri.setdefault(e.iri, e)

    def entity(self, at: At, implied_type: str | None = None) -> Entity:
        """The entity ``at`` names; ``implied_type`` mints a new one instead of failing."""
        if implied_type is None:
            iri = self.iri(at)
        else:  # outlet, author: the same name, or a lookup hit of a fitting type, or a new one
            same = self.local.same_name(at.value) or self.index.same_name(at.value)
            iri = next(iter(same)) if len(same) == 1 else self.iri(at, allow_unknown=True)
            if iri is not None and not same and not _compatible(
                self.state, KGO + implied_type, self._kgo_types(iri)
            ):
                iri = None
        if iri is None:
            assert implied_type is not None
            key = normalise(at.value)
            if key not in self.extra:
                slug = _unique_slug(slugify(at.value), self.state, self._taken())
                self.extra[key] = Entity(KG + slug, True, (KGO + implied_type,))
                self._by_iri.setdefault(self.extra[key].iri, self.extra[key])
            return self.extra[key]
        known = self._by_iri.get(iri)
        if known is not None:
            return known
        return Entity(iri, False, self._kgo_types(iri))

    def _kgo_types(self, iri: str) -> tuple[str, ...]:
        known = self._by_iri.get(iri)
        if known is not None:
            return known.types
        if iri not in self._types:
            self._types[iri] = tuple(sorted(t for t in self.state.types_of(iri)
                                            if t.startswith(KGO)))
        return self._types[iri]

    def _taken(self) -> set[str]:
        return {iri[len(KG):] for iri in self._by_iri}

    def iri(self, at: At, allow_unknown: bool = False) -> str | None:
        name = at.value
        direct = _as_iri(name)
        if direct is not None:
            direct = self.state.redirects().get(direct, direct)
            if self.state.exists(direct) or any(e.iri == direct for e in self.defined.values()):
                return direct
            raise self._error(f"no entity has the IRI {name!r}", at)
        local = self.local.candidates(name)  # the sheet's own names first
        if len(local) > 1:
            raise self._ambiguous(name, [(i, self.local.label(i)) for i in sorted(local)], at)
        if local:
            return next(iter(local))
        key = normalise(name)
        if key in self.extra:
            return self.extra[key].iri
        try:
            return self.index.lookup.resolve(name)
        except AmbiguousName as exc:
            raise self._ambiguous(name, exc.candidates, at) from exc
        except UnknownEntity:
            pass
        if allow_unknown:
            return None
        suggestions = self.local.lookup.suggest(name) + self.index.lookup.suggest(name)
        raise SheetError(
            f"no entity is called {name!r}, in the graph or in the sheet's entities",
            sheet=self.sheet.path, line=at.line, field=at.field,
            hint=("define it under 'entities' (name and type)"
                  + (", or did you mean: " + ", ".join(dict.fromkeys(suggestions)) + "?"
                     if suggestions else "")),
        )

    def _ambiguous(self, name: str, candidates: Iterable[tuple[str, str]], at: At) -> SheetError:
        listed = "; ".join(f"{label} <{iri}>" for iri, label in candidates)
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


def resolve_sheet(sheet: Sheet, state: DataState, index: Names | None = None) -> Resolution:
    """Resolve the entities ``sheet`` defines; names it uses resolve through the result."""
    index = graph_names(state) if index is None else index
    defined: dict[int, Entity] = {}
    local = Names()
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
                candidates |= index.same_name(n.value)
        if len(candidates) > 1:
            labels = "; ".join(f"{index.label(i)} <{i}>" for i in sorted(candidates))
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
            local.add(entity.iri, n.value, canonical=n is row.name)
    return Resolution(sheet=sheet, state=state, index=index, defined=defined, local=local)


