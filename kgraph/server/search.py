"""Search over labels and variants, forgiving of transliteration ('Ghaani' finds Qaani).

The label table (every entity's canonical label and each label or variant) is read once from
the store and searched in memory: a few thousand strings, microseconds per query.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from rapidfuzz import fuzz
from unidecode import unidecode

_FOLDS = (("gh", "q"), ("kh", "k"), ("ou", "u"), ("ee", "i"), ("'", ""), ("`", ""))
_WORD = re.compile(r"[a-z0-9]+")


def fold(text: str) -> str:
    """Lower-case ASCII with common transliteration variants folded together."""
    ascii_text = unidecode(unicodedata.normalize("NFKC", text)).lower()
    for a, b in _FOLDS:
        ascii_text = ascii_text.replace(a, b)
    return " ".join(_WORD.findall(ascii_text))


@dataclass(frozen=True, slots=True)
class Entry:
    iri: str
    pref: str
    label: str
    folded: str
    type: str


@dataclass(frozen=True, slots=True)
class Hit:
    iri: str
    label: str
    matched: str
    type: str
    score: float


def score(query: str, entry: Entry) -> float:
    if not query:
        return 0.0
    if query == entry.folded:
        return 100.0
    if query in entry.folded:
        return 95.0 if re.search(rf"\b{re.escape(query)}\b", entry.folded) else 90.0
    whole = fuzz.ratio(query, entry.folded)
    words = entry.folded.split()
    qwords = query.split()
    if len(qwords) == 1 and words:
        best_word = max(fuzz.ratio(query, w) for w in words)
        return max(whole, best_word - 5)
    return max(whole, fuzz.token_set_ratio(query, entry.folded) - 5)


def search(entries: list[Entry], text: str, *, limit: int = 25, cutoff: float = 68.0) -> list[Hit]:
    query = fold(text)[:200]
    best: dict[str, Hit] = {}
    for entry in entries:
        s = score(query, entry)
        if s < cutoff:
            continue
        current = best.get(entry.iri)
        if current is None or s > current.score:
            best[entry.iri] = Hit(entry.iri, entry.pref, entry.label, entry.type, s)
    return sorted(best.values(), key=lambda h: (-h.score, h.label))[:limit]
