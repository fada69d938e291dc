"""The public surface of kgraph is exactly what ``kgraph.__all__`` lists, and it stays light.

Adding or removing a public name is a decision: this test makes it a visible one.
"""

from __future__ import annotations

import subprocess
import sys

import kgraph

PUBLIC = {
    "AmbiguousName", "Claim", "DateError", "DateSpan", "Entity", "Event", "Evidence", "Grade",
    "Holding", "InputError", "Interval", "KGraphError", "KnowledgeGraph", "LimitExceeded",
    "Membership", "NamedQuery", "NotFound", "Organization", "ParseError", "Person", "Place",
    "Post", "QueryRefused", "QuerySyntaxError", "QueryTimeout", "ReasonerError", "Ref",
    "RemoteStoreError", "Row", "SelectResult", "SheetError", "SourceDocument", "Stats",
    "StoreError", "TimelineEntry", "UnknownEntity", "ValidationFailed", "__version__", "open",
    "parse_date", "validate",
}


def test_all_is_exactly_the_public_names() -> None:
    assert set(kgraph.__all__) == PUBLIC
    assert len(kgraph.__all__) == len(set(kgraph.__all__)), "a name is listed twice"


def test_the_public_names_load_on_first_use() -> None:
    code = (
        "import sys, kgraph; kg_open = kgraph.open; row = kgraph.Row; "
        "print(kg_open.__module__, row.__module__, 'rdflib' in sys.modules, "
        "'open' in dir(kgraph))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["kgraph.graph", "kgraph.query.results", "True", "True"]
    try:
        kgraph.NoSuchName  # type: ignore[attr-defined]  # noqa: B018
    except AttributeError as exc:
        assert "NoSuchName" in str(exc)
    else:
        raise AssertionError("an unknown name must raise AttributeError")


def test_every_public_name_exists_and_is_documented() -> None:
    for name in kgraph.__all__:
        obj = getattr(kgraph, name)
        if name != "__version__":
            assert obj.__doc__, f"kgraph.{name} has no docstring"


def test_every_exception_is_a_kgraph_error_with_an_exit_code_and_status() -> None:
    errors = [getattr(kgraph, n) for n in kgraph.__all__ if n.endswith(("Error", "Failed"))]
    errors += [kgraph.NotFound, kgraph.UnknownEntity, kgraph.AmbiguousName, kgraph.QueryRefused,
               kgraph.QueryTimeout, kgraph.LimitExceeded]
    for cls in errors:
        assert issubclass(cls, kgraph.KGraphError), cls
        assert isinstance(cls.exit_code, int) and cls.exit_code > 0
        assert 300 <= cls.status < 600


def test_import_kgraph_does_not_load_heavy_optional_parts() -> None:
    # Validation (pySHACL, owlready2), the server (Starlette, uvicorn, Jinja2), analysis
    # (networkx, pandas) and even the graph itself (rdflib, SPARQLWrapper) load only when used.
    code = (
        "import sys, kgraph; heavy = ['pyshacl', 'owlready2', 'starlette', 'uvicorn', "
        "'jinja2', 'networkx', 'pandas', 'rdflib', 'SPARQLWrapper']; "
        "print(','.join(m for m in heavy if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
