"""Typed answers of SPARQL queries.

A SELECT gives a :class:`SelectResult`: a sequence of :class:`Row` s with ``variables``. A row
is indexed by variable name (``row["who"]`` or ``row.who``) or position and gives rdflib
terms (``URIRef``, ``Literal``, ``BNode`` or ``None`` when unbound); ``row.asdict()`` gives
plain Python values (IRIs as ``str``, literals as ``int``/``date``/``str``...).
``result.to_dicts()`` and ``result.to_df()`` (pandas, when installed) convert the whole
answer. ASK gives a ``bool``; CONSTRUCT and DESCRIBE give an ``rdflib.Graph``.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, overload

import rdflib

from kgraph.namespaces import PREFIXES
from kgraph.store.base import RawResult
from kgraph.store.terms import to_python, to_rdflib

__all__ = ["Row", "SelectResult", "graph_from", "typed"]


class Row:
    """One solution of a SELECT."""

    __slots__ = ("_names", "_terms")

    def __init__(self, names: tuple[str, ...], terms: tuple[Any, ...]) -> None:
        self._names = names
        self._terms = terms

    @overload
    def __getitem__(self, key: int | str) -> rdflib.term.Identifier | None: ...
    @overload
    def __getitem__(self, key: slice) -> tuple[rdflib.term.Identifier | None, ...]: ...

    def __getitem__(
        self, key: int | str | slice
    ) -> rdflib.term.Identifier | None | tuple[rdflib.term.Identifier | None, ...]:
        if isinstance(key, slice):  # row[:2], like a tuple
            return tuple(None if t is None else to_rdflib(t) for t in self._terms[key])
        if isinstance(key, str):
            try:
                key = self._names.index(key.lstrip("?$"))
            except ValueError:
                raise KeyError(key) from None
        term = self._terms[key]
        return None if term is None else to_rdflib(term)

    def __getattr__(self, name: str) -> rdflib.term.Identifier | None:
        if name.startswith("_"):
            raise AttributeError(name)
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None

    def get(self, key: str, default: Any = None) -> Any:
        value = self[key] if key in self._names else None
        return default if value is None else value

    def value(self, key: str) -> object:
        """The plain Python value of ``key`` (None when unbound)."""
        return to_python(self._terms[self._names.index(key)])

    def asdict(self) -> dict[str, object]:
        """Plain Python values by variable name (unbound variables are None)."""
        return {n: to_python(t) for n, t in zip(self._names, self._terms, strict=True)}

    def keys(self) -> tuple[str, ...]:
        return self._names

    @property
    def terms(self) -> tuple[Any, ...]:
        """The raw pyoxigraph terms."""
        return self._terms

    def __iter__(self) -> Iterator[rdflib.term.Identifier | None]:
        return (self[i] for i in range(len(self._names)))

    def __len__(self) -> int:
        return len(self._names)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Row) and (self._names, self._terms) == (other._names,
                                                                         other._terms)

    def __hash__(self) -> int:
        return hash((self._names, self._terms))

    def __repr__(self) -> str:
        return "Row(" + ", ".join(f"{k}={v!r}" for k, v in self.asdict().items()) + ")"


class SelectResult(Sequence[Row]):
    """The rows of a SELECT, in order."""

    def __init__(self, variables: Sequence[str], rows: list[Row]) -> None:
        self.variables = tuple(variables)
        self.rows = rows

    @overload
    def __getitem__(self, i: int) -> Row: ...
    @overload
    def __getitem__(self, i: slice) -> list[Row]: ...
    def __getitem__(self, i: int | slice) -> Row | list[Row]:
        return self.rows[i]

    def __len__(self) -> int:
        return len(self.rows)

    def to_dicts(self) -> list[dict[str, object]]:
        """Every row as a dict of plain Python values."""
        return [r.asdict() for r in self.rows]

    def column(self, name: str) -> list[object]:
        """The plain values of one variable, in row order."""
        i = self.variables.index(name)
        return [to_python(r.terms[i]) for r in self.rows]

    def to_df(self) -> Any:
        """A pandas DataFrame of plain values (needs pandas)."""
        try:
            import pandas as pd
        except ImportError as exc:  # pragma: no cover - depends on the environment
            raise ImportError("to_df() needs pandas: pip install pandas") from exc
        return pd.DataFrame(self.to_dicts(), columns=list(self.variables))

    def __repr__(self) -> str:
        return f"<SelectResult {len(self.rows)} rows {list(self.variables)}>"


def graph_from(raw: RawResult) -> rdflib.Graph:
    """An rdflib Graph of a CONSTRUCT/DESCRIBE answer."""
    graph = rdflib.Graph()
    for prefix, ns in PREFIXES.items():
        graph.bind(prefix, ns)
    for t in raw.triples():
        graph.add((to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object)))
    return graph


def typed(raw: RawResult) -> SelectResult | bool | rdflib.Graph:
    """The typed form of a raw answer."""
    if raw.kind == "ask":
        return bool(raw.boolean)
    if raw.kind == "graph":
        return graph_from(raw)
    names = raw.variables
    n = len(names)
    rows = [Row(names, tuple(sol[i] for i in range(n))) for sol in raw.solutions()]
    return SelectResult(names, rows)
