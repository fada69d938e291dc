"""The kgraph ontology (ontology/*.ttl) says what docs/model.md says, and says it cleanly.

It parses; its header names it, its version and licence; every kgo: term has an English label and
comment; the classes, roles, statuses, grades and precisions of the data model exist with their
place in the hierarchy; inverse properties agree with each other; and every kgo: term that the
data, the shapes or the data-model document use is declared — which catches typos in any of them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import BNode, Dataset, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS
from rdflib.term import Node

from kgraph.load import load_files
from kgraph.namespaces import KGO, ONTOLOGY

ROOT = Path(__file__).resolve().parent.parent
ONTOLOGY_DIR = ROOT / "ontology"
MODEL_DOC = ROOT / "docs" / "model.md"
FIXTURES = Path(__file__).parent / "fixtures" / "owl"

K = Namespace(KGO)
ORG = Namespace("http://www.w3.org/ns/org#")
TIME = Namespace("http://www.w3.org/2006/time#")
VANN = Namespace("http://purl.org/vocab/vann/")
TERM_RE = re.compile(r"\bkgo:([A-Za-z][A-Za-z0-9]*)")


@pytest.fixture(scope="module")
def onto() -> Graph:
    graph = Graph()
    for path in sorted(ONTOLOGY_DIR.glob("*.ttl")):
        graph.parse(path, format="turtle")
    return graph


@pytest.fixture(scope="module")
def core() -> Graph:
    return Graph().parse(ONTOLOGY_DIR / "kgraph.ttl", format="turtle")


def kgo_terms(graph: Graph) -> set[URIRef]:
    """Every kgo: IRI the ontology declares (gives a type to)."""
    return {
        s for s in graph.subjects(RDF.type, None) if isinstance(s, URIRef) and s.startswith(KGO)
    }


def declared(graph: Graph, kind: URIRef) -> set[URIRef]:
    return {s for s in graph.subjects(RDF.type, kind) if isinstance(s, URIRef)}


def superclasses(graph: Graph, cls: Node) -> set[Node]:
    seen: set[Node] = set()
    todo = [cls]
    while todo:
        for sup in graph.objects(todo.pop(), RDFS.subClassOf):
            if sup not in seen:
                seen.add(sup)
                todo.append(sup)
    return seen


def english(graph: Graph, node: Node, prop: URIRef) -> list[str]:
    return [
        str(v)
        for v in graph.objects(node, prop)
        if isinstance(v, Literal) and v.language == "en" and str(v).strip()
    ]


def used_kgo_terms(graph: Graph) -> Iterator[URIRef]:
    for triple in graph.triples((None, None, None)):
        for term in triple:
            if isinstance(term, URIRef) and term.startswith(KGO) and term != URIRef(KGO):
                yield term


# --------------------------------------------------------------------------- the document


def test_every_ontology_file_parses_with_the_project_loader() -> None:
    loaded = load_files(sorted(ONTOLOGY_DIR.glob("*.ttl")))
    assert len(loaded.dataset) > 500  # the default graph holds the ontology


def test_header_names_the_ontology_its_version_and_licence(core: Graph) -> None:
    o = URIRef(ONTOLOGY)
    assert (o, RDF.type, OWL.Ontology) in core
    assert core.value(o, OWL.versionIRI) == URIRef(ONTOLOGY + "/0.1.0")
    assert str(core.value(o, OWL.versionInfo)) == "0.1.0"
    assert core.value(o, DCTERMS.license) == URIRef("https://creativecommons.org/licenses/by/4.0/")
    assert str(core.value(o, DCTERMS.creator)) == "kgraph contributors"
    assert str(core.value(o, VANN.preferredNamespacePrefix)) == "kgo"
    assert english(core, o, DCTERMS.title) and english(core, o, DCTERMS.description)


def test_ontology_imports_nothing(onto: Graph) -> None:
    """No owl:imports: the reasoner runs offline, so reused terms are declared locally."""
    assert list(onto.objects(None, OWL.imports)) == []


def test_reused_terms_are_declared_locally_with_their_types(onto: Graph) -> None:
    classes = declared(onto, OWL.Class)
    for term in (
        ORG.Membership,
        ORG.Post,
        ORG.Role,
        ORG.Organization,
        TIME.Instant,
        TIME.Interval,
        TIME.TemporalEntity,
        URIRef("http://www.w3.org/ns/prov#Agent"),
        URIRef("http://xmlns.com/foaf/0.1/Person"),
        URIRef("https://schema.org/Person"),
    ):
        assert term in classes, term
    object_properties = declared(onto, OWL.ObjectProperty)
    for prop in (
        ORG.member,
        ORG.organization,
        ORG.role,
        ORG.memberDuring,
        ORG.subOrganizationOf,
        ORG.transitiveSubOrganizationOf,
        TIME.hasTime,
        TIME.hasBeginning,
        TIME.hasEnd,
    ):
        assert prop in object_properties, prop
    annotations = declared(onto, OWL.AnnotationProperty)
    for prop in (SKOS.prefLabel, SKOS.altLabel, SKOS.notation, SKOS.definition, DCTERMS.title):
        assert prop in annotations, prop


# --------------------------------------------------------------------------- labels


def test_every_kgo_term_has_an_english_label_comment_and_defining_ontology(onto: Graph) -> None:
    missing = []
    for term in sorted(kgo_terms(onto)):
        for prop in (RDFS.label, RDFS.comment):
            if not english(onto, term, prop):
                missing.append(f"{term} lacks an English {prop}")
        if onto.value(term, RDFS.isDefinedBy) != URIRef(ONTOLOGY):
            missing.append(f"{term} lacks rdfs:isDefinedBy <{ONTOLOGY}>")
    assert missing == []


def test_no_kgo_term_is_punned(onto: Graph) -> None:
    """A kgo: IRI is a class, a property or an individual — never two (HermiT would balk)."""
    classes = declared(onto, OWL.Class)
    properties = (
        declared(onto, OWL.ObjectProperty)
        | declared(onto, OWL.DatatypeProperty)
        | declared(onto, OWL.AnnotationProperty)
    )
    individuals = {
        s for s, o in onto.subject_objects(RDF.type) if isinstance(s, URIRef) and o in classes
    }
    kgo = kgo_terms(onto)
    assert kgo & classes & properties == set()
    assert kgo & classes & individuals == set()
    assert kgo & properties & individuals == set()


# --------------------------------------------------------------------------- classes


ISSUE_CLASSES = [
    "Person",
    "Organization",
    "MilitaryUnit",
    "StaffSection",
    "LeadershipCouncil",
    "ArmedGroup",
    "PoliticalMovement",
    "GovernmentBody",
    "GovernmentOffice",
    "ResearchInstitute",
    "NewsOutlet",
    "Post",
    "Membership",
    "Place",
    "Event",
    "Attack",
    "Strike",
    "Killing",
    "Meeting",
    "Election",
    "Appointment",
    "War",
    "SourceDocument",
    "Claim",
]


@pytest.mark.parametrize("name", ISSUE_CLASSES)
def test_the_classes_named_in_the_issue_exist(onto: Graph, name: str) -> None:
    assert (K[name], RDF.type, OWL.Class) in onto


def doc_section(heading: str) -> str:
    text = MODEL_DOC.read_text(encoding="utf-8")
    start = text.index(heading)
    end = text.find("\n## ", start + 1)
    return text[start : end if end > 0 else len(text)]


def doc_bullet(text: str, marker: str) -> str:
    """The paragraph of ``text`` that starts with ``marker`` (up to the next blank line)."""
    start = text.index(marker)
    end = text.find("\n\n", start)
    return text[start : end if end > 0 else len(text)]


@pytest.mark.parametrize(
    ("marker", "root"),
    [
        ("Organisations (", "Organization"),
        ("Places (", "Place"),
        ("Events (", "Event"),
        ("Sources: ", "SourceDocument"),
    ],
)
def test_the_kinds_the_data_model_lists_are_subclasses_of_their_root(
    onto: Graph, marker: str, root: str
) -> None:
    """Each class docs/model.md lists under a heading is a subclass of that heading's class."""
    paragraph = doc_bullet(doc_section("## Classes"), marker)
    paragraph = paragraph.split("Properties:")[0]  # the Sources line goes on to properties
    names = {m for m in TERM_RE.findall(paragraph) if m[0].isupper() and m != root}
    assert names, paragraph
    for name in sorted(names):
        assert K[root] in superclasses(onto, K[name]), f"kgo:{name} is not a kgo:{root}"


def test_class_hierarchy_aligns_with_the_reused_vocabularies(onto: Graph) -> None:
    expected = {
        "Person": [
            "http://xmlns.com/foaf/0.1/Person",
            "https://schema.org/Person",
            "http://www.w3.org/ns/prov#Agent",
        ],
        "AnonymousSource": ["http://www.w3.org/ns/prov#Agent"],
        "Organization": [
            str(ORG.Organization),
            "https://schema.org/Organization",
            "http://www.w3.org/ns/prov#Agent",
        ],
        "Membership": [str(ORG.Membership)],
        "Post": [str(ORG.Post)],
        "Role": [str(ORG.Role)],
        "Place": ["https://schema.org/Place"],
        "Event": ["https://schema.org/Event", "http://www.w3.org/ns/prov#Activity"],
        "SourceDocument": ["http://www.w3.org/ns/prov#Entity", "https://schema.org/CreativeWork"],
        "Evidence": [KGO + "Attribution", str(RDF.Statement)],
        "Claim": [KGO + "Attribution", str(RDF.Statement)],
        "DroneStrike": [KGO + "Strike", KGO + "Attack", KGO + "Event"],
        "ArmedForcesBranch": [KGO + "ArmedForce", KGO + "Organization"],
        "SourceGraph": [KGO + "NamedGraph"],
        "CurationGraph": [KGO + "NamedGraph"],
    }
    for name, supers in expected.items():
        have = superclasses(onto, K[name])
        for sup in supers:
            assert URIRef(sup) in have, f"kgo:{name} should be a subclass of <{sup}>"


def all_disjoint_pairs(onto: Graph) -> set[frozenset[Node]]:
    pairs: set[frozenset[Node]] = set()
    for axiom in onto.subjects(RDF.type, OWL.AllDisjointClasses):
        members = list(Collection(onto, onto.value(axiom, OWL.members)))
        pairs |= {frozenset((a, b)) for a in members for b in members if a != b}
    pairs |= {frozenset(p) for p in onto.subject_objects(OWL.disjointWith)}
    return pairs


def test_top_level_classes_are_pairwise_disjoint(onto: Graph) -> None:
    top = [
        K.Person,
        K.Organization,
        K.AnonymousSource,
        K.Place,
        K.Event,
        K.SourceDocument,
        K.Attribution,
        K.Membership,
        K.Post,
        K.Role,
        TIME.TemporalEntity,
    ]
    pairs = all_disjoint_pairs(onto)
    missing = [
        (a, b) for i, a in enumerate(top) for b in top[i + 1 :] if frozenset((a, b)) not in pairs
    ]
    assert missing == []


def test_no_two_disjoint_classes_share_a_subclass(onto: Graph) -> None:
    """A class under two disjoint classes could have no members (checked by HermiT too)."""
    pairs = all_disjoint_pairs(onto)
    for cls in declared(onto, OWL.Class):
        supers = superclasses(onto, cls) | {cls}
        clashing = [p for p in pairs if p <= supers]
        assert clashing == [], cls


# --------------------------------------------------------------------------- properties


INVERSE_PAIRS = [
    (K.commands, K.commandedBy),
    (K.manages, K.managedBy),
    (K.sponsors, K.sponsoredBy),
    (K.funds, K.fundedBy),
    (K.arms, K.armedBy),
    (K.trains, K.trainedBy),
    (K.supports, K.supportedBy),
    (K.succeeded, K.succeededBy),
    (K.deputyCommanderOf, K.hasDeputyCommander),
    (K.founded, K.foundedBy),
    (ORG.subOrganizationOf, ORG.hasSubOrganization),
]


@pytest.mark.parametrize(("forward", "backward"), INVERSE_PAIRS)
def test_inverse_pairs_are_declared_both_ways(
    onto: Graph, forward: URIRef, backward: URIRef
) -> None:
    assert (forward, OWL.inverseOf, backward) in onto
    assert (backward, OWL.inverseOf, forward) in onto


def test_every_inverse_declaration_is_mirrored_and_swaps_domain_and_range(onto: Graph) -> None:
    for a, b in onto.subject_objects(OWL.inverseOf):
        assert (b, OWL.inverseOf, a) in onto, f"{b} does not declare itself the inverse of {a}"
        assert set(onto.objects(b, OWL.inverseOf)) == {a}, f"{b} has several inverses"
        for dom, rng in ((RDFS.domain, RDFS.range), (RDFS.range, RDFS.domain)):
            mine = {d for d in onto.objects(a, dom) if not isinstance(d, BNode)}
            theirs = {r for r in onto.objects(b, rng) if not isinstance(r, BNode)}
            if mine and theirs:
                assert mine == theirs, f"{a} {dom} {mine} but {b} {rng} {theirs}"


@pytest.mark.parametrize(
    "name", ["alliedWith", "cooperatesWith", "inConflictWith", "friendOf", "competesWith"]
)
def test_symmetric_relations(onto: Graph, name: str) -> None:
    assert (K[name], RDF.type, OWL.SymmetricProperty) in onto
    assert set(onto.objects(K[name], RDFS.domain)) == set(onto.objects(K[name], RDFS.range))


def test_transitive_relations(onto: Graph) -> None:
    assert (ORG.transitiveSubOrganizationOf, RDF.type, OWL.TransitiveProperty) in onto
    assert (ORG.subOrganizationOf, RDFS.subPropertyOf, ORG.transitiveSubOrganizationOf) in onto
    assert (K.locatedIn, RDF.type, OWL.TransitiveProperty) in onto
    assert (K.friendOf, RDFS.subPropertyOf, URIRef("http://xmlns.com/foaf/0.1/knows")) in onto


def test_event_roles_are_kinds_of_participant(onto: Graph) -> None:
    for name in ("perpetrator", "target", "victim", "attendee", "organizer", "planner"):
        assert (K[name], RDFS.subPropertyOf, K.participant) in onto, name
    assert (K.participant, RDFS.domain, K.Event) in onto


def test_single_valued_properties_are_functional(onto: Graph) -> None:
    functional = declared(onto, OWL.FunctionalProperty)
    for prop in (
        K.reliability,
        K.credibility,
        K.status,
        ORG.member,
        ORG.organization,
        K.earliest,
        K.latest,
    ):
        assert prop in functional, prop
    attribution_cardinality = [
        r
        for r in onto.objects(K.Attribution, RDFS.subClassOf)
        if onto.value(r, OWL.onProperty) == K.source
    ]
    assert [str(onto.value(r, OWL.cardinality)) for r in attribution_cardinality] == ["1"]


def test_every_domain_and_range_is_a_declared_class_or_datatype(onto: Graph) -> None:
    classes = declared(onto, OWL.Class)
    for prop, cls in list(onto.subject_objects(RDFS.domain)) + list(
        onto.subject_objects(RDFS.range)
    ):
        if isinstance(cls, BNode):
            members = list(Collection(onto, onto.value(cls, OWL.unionOf)))
            assert members and set(members) <= classes, prop
        elif not str(cls).startswith("http://www.w3.org/2001/XMLSchema#"):
            assert cls in classes, f"{prop}: {cls} is not a declared class"


# --------------------------------------------------------------------------- individuals


def test_roles_listed_in_the_data_model_are_role_individuals(onto: Graph) -> None:
    roles_text = doc_bullet(doc_section("## Classes"), "Roles and posts:")
    roles = [m for m in TERM_RE.findall(roles_text) if m.endswith("Role") and m != "Role"]
    assert len(roles) >= 13
    for name in roles:
        assert (K[name], RDF.type, K.Role) in onto, name
    all_roles = set(onto.subjects(RDF.type, K.Role))
    different = [
        set(Collection(onto, onto.value(a, OWL.distinctMembers)))
        for a in onto.subjects(RDF.type, OWL.AllDifferent)
    ]
    assert all_roles in different, "the roles are not declared pairwise different"


def test_claim_statuses_are_concepts_of_their_class(onto: Graph) -> None:
    for name in ("Reported", "Alleged", "Disputed", "Denied"):
        assert (K[name], RDF.type, K.ClaimStatus) in onto
    assert SKOS.Concept in superclasses(onto, K.ClaimStatus)
    assert {str(onto.value(s, SKOS.prefLabel)) for s in onto.subjects(RDF.type, K.ClaimStatus)} == {
        "reported",
        "alleged",
        "disputed",
        "denied",
    }


def test_date_precisions_exist(onto: Graph) -> None:
    text = doc_section("## Dates")
    line = next(line for line in text.splitlines() if "kgo:precision kgo:Approximate" in line)
    names = [m for m in TERM_RE.findall(line) if m != "precision"]
    assert names == [
        "Approximate",
        "Day",
        "Month",
        "Year",
        "Decade",
        "Approximate",
        "Relative",
        "Unknown",
    ]
    for name in set(names):
        assert (K[name], RDF.type, K.DatePrecision) in onto, name


def admiralty_words(kind: str) -> dict[str, str]:
    """The grade words docs/model.md gives: {"A": "completely reliable", ..., "1": ...}."""
    text = " ".join(doc_section("## Statements, evidence, claims").split())
    sentence = text[text.index("Admiralty scale") :]
    part = sentence[sentence.index(kind + " ") + len(kind) + 1 :]
    part = part.split(";")[0].split(".")[0]
    out = {}
    for item in part.split(","):
        code, words = item.strip().split(" ", 1)
        out[code] = words.strip()
    return out


@pytest.mark.parametrize(
    ("kind", "prefix", "scheme", "cls"),
    [
        ("reliability", "Reliability", K.ReliabilityScale, K.ReliabilityGrade),
        ("credibility", "Credibility", K.CredibilityScale, K.CredibilityGrade),
    ],
)
def test_admiralty_grades(onto: Graph, kind: str, prefix: str, scheme: URIRef, cls: URIRef) -> None:
    words = admiralty_words(kind)
    assert len(words) == 6
    assert (scheme, RDF.type, SKOS.ConceptScheme) in onto
    for code, meaning in words.items():
        grade = K[prefix + code]
        assert (grade, RDF.type, cls) in onto
        assert (grade, SKOS.inScheme, scheme) in onto
        assert str(onto.value(grade, SKOS.notation)) == code
        label = english(onto, grade, SKOS.prefLabel)
        assert len(label) == 1 and meaning.lower() in label[0].lower(), (grade, label, meaning)
        assert english(onto, grade, SKOS.definition), grade
    assert {str(onto.value(g, SKOS.notation)) for g in onto.subjects(RDF.type, cls)} == set(words)


# --------------------------------------------------------------------------- coverage


def terms_in_files(paths: list[Path]) -> dict[URIRef, list[str]]:
    found: dict[URIRef, list[str]] = {}
    for path in paths:
        dataset = Dataset()
        dataset.parse(path, format="trig" if path.suffix == ".trig" else "turtle")
        for s, p, o, _ in dataset.quads((None, None, None, None)):
            for term in (s, p, o):
                if isinstance(term, URIRef) and term.startswith(KGO) and term != URIRef(KGO):
                    found.setdefault(term, []).append(path.name)
    return found


def test_every_kgo_term_the_data_and_shapes_use_is_declared(onto: Graph) -> None:
    """A kgo: term in data/*.trig, shapes/*.ttl or the sample fixtures that the ontology does not
    declare is a typo or an undeclared addition (declare it in ontology/curation-terms.ttl)."""
    files = sorted((ROOT / "data").glob("*.trig")) + sorted((ROOT / "shapes").glob("*.ttl"))
    files += [FIXTURES / "sample.trig", FIXTURES / "dates.trig"]
    known = kgo_terms(onto)
    unknown = {
        str(term): sorted(set(where))
        for term, where in terms_in_files(files).items()
        if term not in known
    }
    assert unknown == {}


def test_every_kgo_term_in_the_data_model_document_is_declared(onto: Graph) -> None:
    """docs/model.md is the contract: each kgo: term it mentions exists, except the ones it
    names only to reject (written `kgo:x`? — no)."""
    text = MODEL_DOC.read_text(encoding="utf-8")
    rejected = set(re.findall(r"`kgo:([A-Za-z]+)`\? — no", text))
    mentioned = set(TERM_RE.findall(text)) - rejected
    known = {str(t)[len(KGO) :] for t in kgo_terms(onto)}
    assert sorted(mentioned - known) == []
