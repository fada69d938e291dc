"""The embedded backend: a pyoxigraph (RocksDB) store in a directory, or in memory.

Queries run with the default graph as the union of all named graphs, bound values go through
pyoxigraph ``substitutions=`` (never into the query text), and the project's prefixes are
predeclared so ad-hoc queries may use ``kgo:``, ``kg:``, ``org:``... without PREFIX lines.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox

from kgraph.errors import InputError, QueryRefused, StoreError
from kgraph.namespaces import PREFIXES
from kgraph.store.base import RawResult, Term, query_syntax_error
from kgraph.store.remote import inject_values

__all__ = ["EmbeddedStore", "open_read_only"]


class EmbeddedStore:
    """A pyoxigraph store: on disk (``path``) or in memory (``path=None``)."""

    backend = "embedded"

    def __init__(
        self,
        path: str | Path | None = None,
        *,
        read_only: bool = False,
        store: ox.Store | None = None,
    ) -> None:
        self.path = Path(path) if path is not None else None
        self.read_only = read_only
        if store is not None:
            self._store: ox.Store | None = store
            return
        try:
            if self.path is None:
                self._store = ox.Store()
            elif read_only:
                self._store = ox.Store.read_only(str(self.path))
            else:
                self._store = ox.Store(str(self.path))
        except OSError as exc:
            raise StoreError(
                f"cannot open the store in {self.path}: {exc}",
                hint="delete the directory to have it rebuilt, or check its permissions",
            ) from exc

    @property
    def raw(self) -> ox.Store:
        """The underlying pyoxigraph Store."""
        if self._store is None:
            raise StoreError("the store is closed")
        return self._store

    def execute(
        self,
        query: str,
        *,
        default_graph_union: bool = True,
        default_graph: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
        bindings: Mapping[str, Term] | None = None,
    ) -> RawResult:
        kwargs: dict[str, object] = {"prefixes": PREFIXES}
        if default_graph is not None:
            kwargs["default_graph"] = [ox.NamedNode(g) for g in default_graph]
        else:
            kwargs["use_default_graph_as_union"] = default_graph_union
        if named_graphs is not None:
            kwargs["named_graphs"] = [ox.NamedNode(g) for g in named_graphs]
        text = query
        if bindings:
            # Bound values join as a VALUES block opening the outermost WHERE group, written
            # by the strict term writer (the same as on a remote server). Oxigraph evaluates
            # this one-row block first, which is tens of times faster than its substitutions
            # on large data; a query with no WHERE group falls back to substitutions.
            try:
                text = inject_values(query, bindings)
            except InputError:  # no WHERE group, or a blank node
                kwargs["substitutions"] = {ox.Variable(k): v for k, v in bindings.items()}
        try:
            answer = self.raw.query(text, **kwargs)  # type: ignore[arg-type]
        except SyntaxError as exc:
            raise query_syntax_error(exc) from None
        except RuntimeError as exc:
            raise StoreError(f"the query failed: {exc}") from exc
        except OSError as exc:
            raise StoreError(f"the store failed while answering a query: {exc}") from exc
        return RawResult.from_pyoxigraph(answer)

    def update(self, update: str) -> None:
        if self.read_only:
            raise QueryRefused("this store is open read-only: updates are refused")
        try:
            self.raw.update(update, prefixes=PREFIXES)
        except SyntaxError as exc:
            raise query_syntax_error(exc) from None

    def load(self, data: bytes, format: ox.RdfFormat, *, graph: str | None = None) -> None:
        if self.read_only:
            raise QueryRefused("this store is open read-only: loading is refused")
        to_graph = ox.NamedNode(graph) if graph else None
        self.raw.load(data, format=format, to_graph=to_graph)

    def replace_graph(self, graph: str, ntriples: bytes) -> None:
        if self.read_only:
            raise QueryRefused("this store is open read-only: loading is refused")
        g = ox.NamedNode(graph)
        self.raw.remove_graph(g) if self.raw.contains_named_graph(g) else None
        self.raw.load(ntriples, format=ox.RdfFormat.N_TRIPLES, to_graph=g)

    def graphs(self) -> list[str]:
        return sorted(g.value for g in self.raw.named_graphs() if isinstance(g, ox.NamedNode))

    def quad_count(self) -> int:
        return len(self.raw)

    def dump(self, output: BinaryIO, format: ox.RdfFormat, *, graph: str | None = None) -> None:
        if graph is not None:
            self.raw.dump(output, format=format, from_graph=ox.NamedNode(graph), prefixes=PREFIXES)
        elif format.supports_datasets:
            self.raw.dump(output, format=format, prefixes=PREFIXES)
        else:
            # a graph format: write the union of all graphs (named graphs are lost)
            triples = (
                ox.Triple(q.subject, q.predicate, q.object)
                for q in self.raw.quads_for_pattern(None, None, None)
            )
            ox.serialize(triples, output, format=format, prefixes=PREFIXES)

    def close(self) -> None:
        self._store = None


def open_read_only(path: str | Path) -> EmbeddedStore:
    """Open a built store directory read-only; several processes may do so at once."""
    return EmbeddedStore(path, read_only=True)
