"""Backends that hold the dataset: embedded Oxigraph, in-memory rdflib, a remote SPARQL server.

All three implement :class:`kgraph.store.base.Store`; the layers above never see which one
they talk to.
"""

from __future__ import annotations

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
