"""Backends that hold the dataset: embedded Oxigraph, in-memory rdflib, a remote SPARQL server.

All three implement :class:`kgraph.store.base.Store`; the layers above never see which one
they talk to.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kgraph.lazy import lazy_getattr

if TYPE_CHECKING:
    from kgraph.store.base import RawResult, Store, Term
    from kgraph.store.memory import MemoryStore
    from kgraph.store.oxigraph import EmbeddedStore, open_read_only
    from kgraph.store.remote import RemoteStore

__all__ = [
    "EmbeddedStore",
    "MemoryStore",
    "RawResult",
    "RemoteStore",
    "Store",
    "Term",
    "open_read_only",
]

# imported on first use (PEP 562): a process that needs one module of the package (the build's
# child process reads kgraph.store.lines) does not load rdflib and SPARQLWrapper
_LAZY: dict[str, str] = {
    "RawResult": "kgraph.store.base", "Store": "kgraph.store.base", "Term": "kgraph.store.base",
    "MemoryStore": "kgraph.store.memory", "EmbeddedStore": "kgraph.store.oxigraph",
    "open_read_only": "kgraph.store.oxigraph", "RemoteStore": "kgraph.store.remote",
}


__getattr__ = lazy_getattr(__name__, _LAZY, globals())
