"""A large synthetic fact sheet for timing ``kgraph add`` (docs/performance.md, curation).

Reads the prefLabels of a data folder (e.g. one made by ``bench/generate.py``), then writes a
YAML sheet of ``--statements`` statements about those entities and some new ones: relation
facts, dated roles and a share of graded claims. Everything is made up; the seed fixes it.

    python bench/curate_sheet.py --data /tmp/kgbench-1m/data --statements 10000 \\
        --out /tmp/bench-sheet.yaml

``--time PROJECT`` then adds the sheet to the project folder PROJECT (ontology/, shapes/, data/)
with ``add_sheet(..., dry_run=True)`` and prints its phases (``AddResult.timings``) as JSON,
the figures of docs/performance.md ("Curation"); ``--no-reasoner`` skips the OWL check.
"""

from __future__ import annotations

import argparse
import json
import random
import time
from pathlib import Path

import pyoxigraph as ox

PREF = "http://www.w3.org/2004/02/skos/core#prefLabel"
TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
KGO = "https://w3id.org/kgraph/ontology#"
ORG_KINDS = {"MilitaryUnit", "ArmedGroup", "ArmedForcesBranch"}


def _existing(data: Path) -> tuple[list[str], list[str]]:
    labels: dict[str, str] = {}
    kinds: dict[str, str] = {}
    for path in sorted(data.glob("*.trig")):
        for q in ox.parse(path=str(path), format=ox.RdfFormat.TRIG):
            if q.predicate.value == PREF:
                labels[q.subject.value] = q.object.value
            elif q.predicate.value == TYPE and q.object.value.startswith(KGO):
                kinds[q.subject.value] = q.object.value[len(KGO):]
    persons = sorted(labels[i] for i, k in kinds.items() if k == "Person" and i in labels)
    orgs = sorted(labels[i] for i, k in kinds.items() if k in ORG_KINDS and i in labels)
    return persons, orgs


def make_sheet(data: Path, statements: int, seed: int = 11) -> str:
    rng = random.Random(seed)
    persons, orgs = _existing(data)
    new_groups = [f"Bench Sheet Group {i}" for i in range(max(1, statements // 20))]
    new_people = [f"Bench Sheet Person {i}" for i in range(max(1, statements // 20))]
    out = ["source:", "  id: bench-sheet", "  kind: news article",
           '  title: "Bench: a synthetic sheet"', "  date: 2024-03-01", "entities:",
           "  - {name: Bench sheet officials, type: anonymous source}"]
    out += [f"  - {{name: {n}, type: armed group}}" for n in new_groups]
    out += [f"  - {{name: {n}, type: person}}" for n in new_people]
    out.append("statements:")
    claims = ["claims:"]
    relations = ["sponsors", "funds", "arms", "trains", "supports", "manages"]
    for i in range(statements):
        quote = json.dumps(f"Bench quote {i}: a synthetic sentence standing for the source text.")
        roll = rng.random()
        if roll < 0.1:
            s, o = rng.choice(persons + new_people), rng.choice(orgs + new_groups)
            claims += [f"  - text: {json.dumps(f'Bench claim {i}')}", f"    subject: {s}",
                       "    relation: funds", f"    object: {o}",
                       "    by: Bench sheet officials", "    status: alleged", "    grade: F3",
                       "    grade note: synthetic", f"    quote: {quote}"]
        elif roll < 0.3:
            s, o = rng.choice(persons + new_people), rng.choice(orgs + new_groups)
            start = rng.randint(1990, 2015)
            out += [f"  - subject: {s}", "    relation: member of", f"    object: {o}",
                    f"    from: {start}", f"    to: {start + rng.randint(0, 8)}",
                    f"    quote: {quote}"]
        else:
            s, o = rng.choice(orgs + new_groups), rng.choice(orgs + new_groups)
            if s == o:
                o = new_groups[0] if s != new_groups[0] else orgs[0]
            out += [f"  - subject: {s}", f"    relation: {rng.choice(relations)}",
                    f"    object: {o}", f"    quote: {quote}"]
    return "\n".join(out + claims) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--statements", type=int, default=10_000)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--time", type=Path, metavar="PROJECT",
                        help="then time add_sheet (dry run) of the sheet into PROJECT")
    parser.add_argument("--no-reasoner", action="store_true")
    args = parser.parse_args()
    args.out.write_text(make_sheet(args.data, args.statements), encoding="utf-8")
    print(f"wrote {args.out} ({args.out.stat().st_size / 1e6:.1f} MB)")
    if args.time is not None:
        from kgraph.curate.add import add_sheet

        started = time.perf_counter()
        result = add_sheet(args.out, root=args.time, dry_run=True, reasoner=not args.no_reasoner)
        print(json.dumps({
            "new_triples": result.new_quads, "validation": result.validation,
            "timings": {k: round(v, 2) for k, v in result.timings.items()},
            "total": round(sum(result.timings.values()), 2),
            "wall": round(time.perf_counter() - started, 2),
        }, indent=2))


if __name__ == "__main__":
    main()
