"""kgraph: an open, curated knowledge graph of the IRGC Quds Force and its network.

>>> import kgraph
>>> kg = kgraph.open()                       # the bundled graph, embedded store  # doctest: +SKIP
>>> kg.entity("Ghaani").label                                                   # doctest: +SKIP
'Esmail Qaani'

The public surface is exactly ``__all__`` (pinned by ``tests/test_public_api.py``):
``open`` and :class:`KnowledgeGraph`, the typed values of :mod:`kgraph.model`, dates, named
queries, :func:`validate` and the exception tree of :mod:`kgraph.errors`.
Validation (pySHACL + owlready2) is imported only when :func:`validate` is called, and the
graph, its values and query results on first use, so ``import kgraph`` stays light.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from kgraph.dates import DateSpan, Interval, parse_date
from kgraph.errors import (
    AmbiguousName,
    DateError,
    InputError,
    KGraphError,
    LimitExceeded,
    NotFound,
    ParseError,
    QueryRefused,
    QuerySyntaxError,
    QueryTimeout,
    ReasonerError,
    RemoteStoreError,
    SheetError,
    StoreError,
    UnknownEntity,
    ValidationFailed,
)
from kgraph.lazy import lazy_getattr

if TYPE_CHECKING:
    from kgraph.graph import KnowledgeGraph, open
    from kgraph.model import (
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
    )
    from kgraph.query.named import NamedQuery
    from kgraph.query.results import Row, SelectResult
    from kgraph.validate.report import ValidationReport

#: public names imported on first use (PEP 562), so that ``import kgraph`` — and every process
#: that only needs a part of it, such as the build's child process — does not load rdflib
_LAZY: dict[str, str] = {
    "KnowledgeGraph": "kgraph.graph", "open": "kgraph.graph",
    **{name: "kgraph.model" for name in (
        "Claim", "Entity", "Event", "Evidence", "Grade", "Holding", "Membership",
        "Organization", "Person", "Place", "Post", "Ref", "SourceDocument", "Stats",
        "TimelineEntry")},
    "NamedQuery": "kgraph.query.named",
    "Row": "kgraph.query.results", "SelectResult": "kgraph.query.results",
}


__getattr__ = lazy_getattr(__name__, _LAZY, globals())


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


__version__ = "0.1.0"

__all__ = [
    "AmbiguousName",
    "Claim",
    "DateError",
    "DateSpan",
    "Entity",
    "Event",
    "Evidence",
    "Grade",
    "Holding",
    "InputError",
    "Interval",
    "KGraphError",
    "KnowledgeGraph",
    "LimitExceeded",
    "Membership",
    "NamedQuery",
    "NotFound",
    "Organization",
    "ParseError",
    "Person",
    "Place",
    "Post",
    "QueryRefused",
    "QuerySyntaxError",
    "QueryTimeout",
    "ReasonerError",
    "Ref",
    "RemoteStoreError",
    "Row",
    "SelectResult",
    "SheetError",
    "SourceDocument",
    "Stats",
    "StoreError",
    "TimelineEntry",
    "UnknownEntity",
    "ValidationFailed",
    "__version__",
    "open",
    "parse_date",
    "validate",
]


def validate(
    paths: Sequence[Path | str] | None = None, *, reasoner: bool = True
) -> ValidationReport:
    """Validate curated files (default: the project's ontology/ and data/) with the SHACL
    shapes and, when ``reasoner`` is true, the OWL consistency check (HermiT).

    Returns a :class:`kgraph.validate.report.ValidationReport`; raises
    :class:`ParseError` for unreadable input. See ``kgraph validate --help``.
    """
    from kgraph.validate import validate as _validate

    return _validate([Path(p) for p in paths] if paths is not None else None, reasoner=reasoner)
