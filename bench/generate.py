"""Deterministic synthetic data of the same shape as kgraph's curated data.

Writes ``data/*.trig`` (one file and one named graph per synthetic source document, plus
``data/curation.trig``) into a directory, following docs/model.md: persons, military units
under a force, armed groups, posts, memberships with dated intervals (day, month, year and
approximate precision, some open-ended, some undated), relation facts backed by evidence
nodes, events with participants and dates, and graded claims, all in per-source graphs; the
canonical labels, source descriptions and graph registry in ``kgg:curation``.

    python bench/generate.py --triples 100000 --out /tmp/kgbench-100k

The ontology is not generated: a build of the output uses the bundled ``ontology/``.
Entity names are pronounceable pseudo-names ("Ramin Dazeki 12"); the seed fixes everything.
"""

from __future__ import annotations

import argparse
import random
from dataclasses import dataclass
from pathlib import Path

PREFIXES = """@prefix kg: <https://w3id.org/kgraph/id/> .
@prefix kgg: <https://w3id.org/kgraph/graph/> .
@prefix kgo: <https://w3id.org/kgraph/ontology#> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix time: <http://www.w3.org/2006/time#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix dcterms: <http://purl.org/dc/terms/> .

"""

SYLLABLES = ["ra", "mi", "na", "za", "de", "ke", "qa", "so", "lei", "ha", "mid", "re", "za",
             "far", "sha", "ri", "ba", "gh", "ni", "mo", "ja", "va"]
RELATIONS = ["kgo:manages", "kgo:sponsors", "kgo:funds", "kgo:arms", "kgo:trains",
             "kgo:supports", "kgo:inConflictWith", "kgo:cooperatesWith"]
ROLES = ["kgo:CommanderRole", "kgo:DeputyCommanderRole", "kgo:HeadRole", "kgo:MemberRole"]
STATUSES = ["kgo:Reported", "kgo:Alleged", "kgo:Disputed", "kgo:Denied"]
EVENT_KINDS = ["kgo:Meeting", "kgo:Attack", "kgo:Strike", "kgo:Statement"]

#: approximate triples one source graph contributes (measured; keeps --triples honest)
TRIPLES_PER_SOURCE = 585


def _name(rng: random.Random, words: int = 2) -> str:
    return " ".join(
        "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()
        for _ in range(words)
    )


def _q(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


@dataclass
class Pools:
    persons: list[str]
    units: list[str]
    groups: list[str]
    places: list[str]
    labels: dict[str, str]
    kinds: dict[str, str]


def _pools(rng: random.Random, n_sources: int) -> Pools:
    n_persons = max(20, n_sources * 6)
    n_units = max(5, n_sources // 2)
    n_groups = max(5, n_sources // 2)
    n_places = max(5, n_sources // 5)
    labels: dict[str, str] = {}
    kinds: dict[str, str] = {}

    def make(prefix: str, n: int, kind: str, words: int) -> list[str]:
        out = []
        for i in range(n):
            slug = f"{prefix}-{i}"
            labels[slug] = f"{_name(rng, words)} {i}"
            kinds[slug] = kind
            out.append(slug)
        return out

    persons = make("person", n_persons, "kgo:Person", 2)
    units = make("unit", n_units, "kgo:MilitaryUnit", 1)
    groups = make("group", n_groups, "kgo:ArmedGroup", 2)
    places = make("place", n_places, "kgo:City", 1)
    labels["quds-force-bench"] = "Bench Force"
    kinds["quds-force-bench"] = "kgo:ArmedForcesBranch"
    return Pools(persons, units, groups, places, labels, kinds)


def _instant(rng: random.Random, year: int) -> str:
    kind = rng.random()
    if kind < 0.3:
        month, day = rng.randint(1, 12), rng.randint(1, 28)
        d = f"{year}-{month:02d}-{day:02d}"
        return (f'[ a time:Instant ; kgo:dateText "{d}" ; kgo:precision kgo:Day ; '
                f'time:inXSDDate "{d}"^^xsd:date ; kgo:earliest "{d}"^^xsd:date ; '
                f'kgo:latest "{d}"^^xsd:date ]')
    if kind < 0.5:
        month = rng.randint(1, 12)
        last = 28 if month == 2 else 30 if month in (4, 6, 9, 11) else 31
        return (f'[ a time:Instant ; kgo:dateText "{year}-{month:02d}" ; kgo:precision kgo:Month'
                f' ; kgo:earliest "{year}-{month:02d}-01"^^xsd:date ; '
                f'kgo:latest "{year}-{month:02d}-{last}"^^xsd:date ]')
    if kind < 0.85:
        return (f'[ a time:Instant ; kgo:dateText "{year}" ; kgo:precision kgo:Year ; '
                f'time:inXSDgYear "{year}"^^xsd:gYear ; kgo:earliest "{year}-01-01"^^xsd:date ;'
                f' kgo:latest "{year}-12-31"^^xsd:date ]')
    decade = year - year % 10
    return (f'[ a time:Instant ; kgo:dateText "early {decade}s" ; kgo:precision kgo:Approximate'
            f' ; kgo:earliest "{decade}-01-01"^^xsd:date ; kgo:latest "{decade + 3}-12-31"'
            f'^^xsd:date ]')


def _source_graph(rng: random.Random, i: int, pools: Pools) -> tuple[str, set[str]]:
    """The TriG text of source ``i`` and the slugs it names."""
    src = f"source-{i}"
    lines = [f"kgg:{src} {{"]
    named: set[str] = set()

    def describe(slug: str) -> None:
        if slug in named:
            return
        named.add(slug)
        label = _q(pools.labels[slug])
        lines.append(f"  kg:{slug} a {pools.kinds[slug]} ; rdfs:label {label}@en .")

    def evidence(subject: str, pred: str, obj: str, n: int) -> None:
        subject_label = pools.labels.get(subject, subject)
        lines.append(
            f"  kg:ev-{src}-{n} a kgo:Evidence ; rdf:subject kg:{subject} ; "
            f"rdf:predicate {pred} ; rdf:object kg:{obj} ;\n"
            f"    kgo:quote {_q(f'{subject_label} and {pools.labels[obj]}, source {i}')}"
            f" ; kgo:source kg:{src} ."
        )

    # the units' place in the force: a fixed tree (unit-i under unit-(i // 8), the first
    # eight under the force), as in real data, where sub-organisation has no cycles
    for k in range(2):
        unit = rng.choice(pools.units)
        n = int(unit.split("-")[1])
        parent = "quds-force-bench" if n < 8 else f"unit-{n // 8}"
        describe(unit)
        describe(parent)
        lines.append(f"  kg:{unit} org:subOrganizationOf kg:{parent} .")
        evidence(unit, "org:subOrganizationOf", parent, 100 + k)
    # memberships
    for k in range(14):
        person = rng.choice(pools.persons)
        org = rng.choice(pools.units if rng.random() < 0.6 else pools.groups)
        role = rng.choice(ROLES)
        describe(person)
        describe(org)
        m = f"m-{src}-{k}"
        start_year = rng.randint(1980, 2020)
        parts = [f"  kg:{m} a kgo:Membership ; org:member kg:{person} ; org:organization "
                 f"kg:{org} ; org:role {role} ;",
                 f"    kgo:roleText {_q('role ' + str(k))} ; kgo:source kg:{src} ;",
                 f"    kgo:quote {_q(f'{pools.labels[person]} served in {pools.labels[org]}')}"]
        if role in ("kgo:CommanderRole", "kgo:DeputyCommanderRole") and rng.random() < 0.5:
            post = f"post-{org}-{role.split(':')[1].lower()}"
            parts[-1] += f" ; kgo:post kg:{post}"
            lines.append(f"  kg:{post} a kgo:Post ; org:postIn kg:{org} ; org:role {role} ; "
                         f"rdfs:label {_q(role.split(':')[1] + ' of ' + pools.labels[org])}@en .")
        r = rng.random()
        if r < 0.85:
            end = ""
            if rng.random() < 0.6:
                end = f" ; time:hasEnd {_instant(rng, min(2024, start_year + rng.randint(1, 12)))}"
            parts[-1] += (f" ;\n    org:memberDuring [ a time:Interval ; "
                          f"time:hasBeginning {_instant(rng, start_year)}{end} ]")
        lines.append("\n".join(parts) + " .")
    # relation facts with evidence
    for k in range(6):
        a = rng.choice(pools.units) if k < 3 else rng.choice(pools.persons)
        b = rng.choice(pools.groups)
        rel = rng.choice(RELATIONS)
        describe(a)
        describe(b)
        lines.append(f"  kg:{a} {rel} kg:{b} .")
        evidence(a, rel, b, k)
    # events
    for k in range(3):
        ev = f"event-{src}-{k}"
        kind = rng.choice(EVENT_KINDS)
        place = rng.choice(pools.places)
        describe(place)
        who = rng.sample(pools.persons, 3)
        for w in who:
            describe(w)
        prop = "kgo:attendee" if kind == "kgo:Meeting" else "kgo:perpetrator"
        lines.append(
            f"  kg:{ev} a {kind} ; rdfs:label {_q(f'Event {k} of source {i}')} ; "
            f"kgo:location kg:{place} ;\n    {prop} " + ", ".join(f"kg:{w}" for w in who)
            + f" ;\n    time:hasTime {_instant(rng, rng.randint(1990, 2024))} ;"
            f" kgo:source kg:{src} ; kgo:quote {_q(f'the event {k} of source {i}')} ."
        )
        for n, w in enumerate(who):
            evidence(ev, prop, w, 200 + k * 10 + n)
    # claims
    for k in range(5):
        about = rng.choice(pools.persons)
        describe(about)
        claimant = rng.choice(pools.persons)
        describe(claimant)
        rel, cred = rng.choice("ABCDEF"), rng.randint(1, 6)
        lines.append(
            f"  kg:claim-{src}-{k} a kgo:Claim ; kgo:claimText "
            f"{_q(f'{pools.labels[about]} did thing {k}')} ;\n"
            f"    kgo:about kg:{about} ; kgo:claimedBy kg:{claimant} ; kgo:source kg:{src} ;\n"
            f"    kgo:quote {_q(f'it is said {pools.labels[about]} did thing {k}')} ; "
            f"kgo:status {rng.choice(STATUSES)} ;\n"
            f"    kgo:reliability kgo:Reliability{rel} ; kgo:credibility kgo:Credibility{cred} ;"
            f" kgo:gradeNote \"synthetic\" ."
        )
    lines.append("}")
    return "\n".join(lines) + "\n", named


def generate(triples: int, out: Path, seed: int = 7) -> dict[str, int]:
    """Write about ``triples`` triples of synthetic data into ``out/data``; return counts."""
    rng = random.Random(seed)
    n_sources = max(1, triples // TRIPLES_PER_SOURCE)
    pools = _pools(rng, n_sources)
    data = out / "data"
    data.mkdir(parents=True, exist_ok=True)
    for old in data.glob("*.trig"):
        old.unlink()
    named_all: set[str] = set()
    # several sources per file keeps the file count sane at 1M
    per_file = 50
    for start in range(0, n_sources, per_file):
        chunk = [
            _source_graph(rng, i, pools) for i in range(start, min(n_sources, start + per_file))
        ]
        for _, named in chunk:
            named_all |= named
        (data / f"sources-{start // per_file:04d}.trig").write_text(
            PREFIXES + "\n".join(text for text, _ in chunk)
        )
    cur = [PREFIXES, "kgg:curation {", "  kgg:curation a kgo:CurationGraph .",
           ]
    for i in range(n_sources):
        cur.append(f"  kgg:source-{i} a kgo:SourceGraph ; kgo:graphOf kg:source-{i} .")
        cur.append(f"  kg:source-{i} a kgo:NewsArticle ; rdfs:label {_q(f'Source {i}')}@en .")
    for slug in sorted(named_all):
        cur.append(f"  kg:{slug} skos:prefLabel {_q(pools.labels[slug])}@en .")
    cur.append("}")
    (data / "curation.trig").write_text("\n".join(cur) + "\n")
    return {"sources": n_sources, "entities": len(named_all)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--triples", type=int, default=10_000)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    print(generate(args.triples, args.out, args.seed))


if __name__ == "__main__":
    main()
