"""Find an entity by IRI, slug or name, tolerant of case, accents and transliteration.

Names come from ``skos:prefLabel``, ``rdfs:label`` and ``skos:altLabel``. Each name gets two
keys:

* the *plain* key: accents stripped (unidecode), case folded, punctuation dropped, titles
  dropped ("Brig. Gen.", "Major General", "Ayatollah"...);
* the *sound* key: the plain key with the usual Persian/Arabic transliteration variants
  collapsed, by this table (applied in order, per word):

  ==========  =======  ========================================
  spelling    becomes  example
  ==========  =======  ========================================
  ``gh``      ``q``    Ghaani → Qaani
  ``kh``      ``h``    Khamenei / Hamenei
  ``ck``/``k`` ``q``   Kassem → Qassem
  ``ou``      ``u``    Qouds → Quds
  ``o``       ``u``    Qods → Quds, Soleimani → Suleimani
  ``ee``      ``i``    Raeesi → Raisi
  ``e``       ``i``    Rezaei → Rizaii
  ``y``       ``i``    Seyyed → Siid (after doubling collapses)
  ``w``       ``v``    Navwab → Navvab
  ``dh``/``z`` ``z``   Dhul / Zul
  ``th``      ``s``
  doubled     single   Qassem → Qasem, Navvab → Navab
  ==========  =======  ========================================

A name matches when its plain key, then its sound key, equals the query's; failing that, when
the query's words are all words of exactly one entity's name ("Soleimani" for "Qasem
Soleimani"). Several entities on the same step → :class:`~kgraph.errors.AmbiguousName` with
the candidates; none → :class:`~kgraph.errors.UnknownEntity` with the closest names
(rapidfuzz).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Final

from rapidfuzz import fuzz, process
from unidecode import unidecode

from kgraph.errors import AmbiguousName, UnknownEntity
from kgraph.namespaces import KG, is_slug

__all__ = ["NameIndex", "plain_key", "sound_key"]

_TITLES: Final = frozenset(
    [
        "brig", "brigadier", "gen", "general", "maj", "major", "lt", "lieutenant", "col",
        "colonel", "capt", "captain", "sgt", "adm", "admiral", "ayatollah", "hojatoleslam",
        "dr", "mr", "mrs", "ms", "prof", "sheikh", "shaykh", "the",
    ]
)
_PUNCT = re.compile(r"[^a-z0-9]+")
_SOUND: Final = (
    ("gh", "q"),
    ("kh", "h"),
    ("ck", "q"),
    ("k", "q"),
    ("ou", "u"),
    ("o", "u"),
    ("ee", "i"),
    ("e", "i"),
    ("y", "i"),
    ("w", "v"),
    ("dh", "z"),
    ("th", "s"),
)
_DOUBLE = re.compile(r"(.)\1+")


def _words(text: str) -> list[str]:
    text = unidecode(text).casefold().replace("'", "").replace("\u2019", "")
    words = _PUNCT.sub(" ", text).split()
    kept = [w for w in words if w not in _TITLES]
    return kept or words


def plain_key(text: str) -> str:
    """Case-, accent- and punctuation-free form of a name, titles dropped."""
    return " ".join(_words(text))


def _sound_word(word: str) -> str:
    for a, b in _SOUND:
        word = word.replace(a, b)
    return _DOUBLE.sub(r"\1", word)


def sound_key(text: str) -> str:
    """The plain key with transliteration variants collapsed (see the module table)."""
    return " ".join(_sound_word(w) for w in _words(text))


@dataclass
class NameIndex:
    """All names of all entities, keyed for lookup. Build once per open graph."""

    labels: dict[str, str] = field(default_factory=dict)  # iri -> canonical label
    _plain: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    _sound: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    _words: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    _names: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    _choices: list[str] = field(default_factory=list)
    _choice_iris: list[str] = field(default_factory=list)

    @classmethod
    def build(cls, names: Iterable[tuple[str, str, bool]]) -> NameIndex:
        """Index ``(iri, name, is_canonical)`` triples."""
        index = cls()
        for iri, name, canonical in names:
            if canonical:
                index.labels[iri] = name
            else:
                index.labels.setdefault(iri, name)
            index._add(iri, name)
        for iri, names_of in index._names.items():
            for n in names_of:
                index._choices.append(n)
                index._choice_iris.append(iri)
        return index

    def _add(self, iri: str, name: str) -> None:
        if name in self._names[iri]:
            return
        self._names[iri].add(name)
        p = plain_key(name)
        s = sound_key(name)
        self._plain[p].add(iri)
        self._sound[s].add(iri)
        for w in s.split():
            self._words[w].add(iri)

    def __len__(self) -> int:
        return len(self.labels)

    def __contains__(self, iri: object) -> bool:
        return iri in self.labels

    def names_of(self, iri: str) -> set[str]:
        return set(self._names.get(iri, ()))

    def _candidates(self, name: str) -> set[str]:
        if name in self.labels:
            return {name}
        if is_slug(name) and KG + name in self.labels:
            return {KG + name}
        p = plain_key(name)
        if not p:
            return set()
        if hits := self._plain.get(p):
            return self._prefer_canonical(hits, p, plain_key)
        s = sound_key(name)
        if hits := self._sound.get(s):
            return self._prefer_canonical(hits, s, sound_key)
        words = s.split()
        sets = [self._words.get(w, set()) for w in words]
        if sets and all(sets):
            return set.intersection(*sets)
        return set()

    def _prefer_canonical(self, hits: set[str], key: str, keyf: Any) -> set[str]:
        """Among several hits, the one whose canonical label has this key, if only one."""
        if len(hits) > 1:
            best = {i for i in hits if keyf(self.labels[i]) == key}
            if len(best) == 1:
                return best
        return set(hits)

    def resolve(self, name: str) -> str:
        """The IRI of the one entity called ``name``; raises AmbiguousName / UnknownEntity."""
        hits = self._candidates(name)
        if len(hits) == 1:
            return next(iter(hits))
        if hits:
            raise AmbiguousName(name, sorted((i, self.labels[i]) for i in hits))
        raise UnknownEntity(name, self.suggest(name))

    def search(self, text: str, limit: int = 10) -> list[str]:
        """IRIs of entities whose names fit ``text``: exact, then word matches, then fuzzy."""
        found: list[str] = []
        for iri in sorted(self._candidates(text), key=lambda i: self.labels[i]):
            found.append(iri)
        if len(found) < limit:
            s = sound_key(text)
            words = s.split()
            if words:
                prefix_hits = {
                    iri for iri, names in self._names.items()
                    if any(sound_key(n).startswith(s) or all(
                        any(x.startswith(w) for x in sound_key(n).split()) for w in words)
                        for n in names)
                }
                for iri in sorted(prefix_hits - set(found), key=lambda i: self.labels[i]):
                    found.append(iri)
        if len(found) < limit:
            for iri in self._fuzzy(text, limit * 3):
                if iri not in found:
                    found.append(iri)
        return found[:limit]

    def _fuzzy(self, text: str, limit: int) -> list[str]:
        if not self._choices:
            return []
        scored = process.extract(
            sound_key(text), [sound_key(c) for c in self._choices], scorer=fuzz.WRatio,
            limit=limit, score_cutoff=60,
        )
        out: list[str] = []
        for _, _, idx in scored:
            iri = self._choice_iris[idx]
            if iri not in out:
                out.append(iri)
        return out

    def suggest(self, name: str, limit: int = 5) -> list[str]:
        """The canonical labels of the entities closest to ``name``."""
        return [self.labels[i] for i in self._fuzzy(name, limit * 3)][:limit]
