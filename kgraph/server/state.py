"""What every route needs: the configuration and the worker pool."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

from starlette.requests import Request

from kgraph.namespaces import BASE, PREFIXES
from kgraph.server.config import ServerConfig
from kgraph.server.workers import WorkerPool


@dataclass
class ServerState:
    config: ServerConfig
    pool: WorkerPool
    kg: Any = None  # the KnowledgeGraph when the app was built from one
    prefixes: dict[str, str] = field(default_factory=lambda: dict(PREFIXES))
    cache: dict[str, Any] = field(default_factory=dict)
    write_lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    @property
    def graph_prefixes(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys((self.config.base_iri, BASE)))


def state_of(request: Request) -> ServerState:
    state: ServerState = request.app.state.kgraph
    return state
