"""The server's settings: one frozen value, every limit named in one place.

Defaults are the secure ones from the issue: read-only unless a bearer token is set, 30 s query
timeout, 1 MB query bodies, 64 MB uploads, 16 KB URLs, nesting depth 200, 100,000 rows and
1,000,000 triples per answer, binding to 127.0.0.1.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from kgraph.errors import InputError
from kgraph.namespaces import BASE


def _default_workers() -> int:
    # More workers than cores: a few runaway queries must not starve quick ones (each runaway
    # holds a worker until its time-out).
    return max(6, 2 * (os.cpu_count() or 1) + 2)


@dataclass(frozen=True, slots=True)
class ServerConfig:
    """Everything ``create_app`` needs besides the store."""

    store_path: Path
    base_iri: str = BASE
    token: str | None = None
    timeout: float = 30.0
    workers: int = field(default_factory=_default_workers)
    queue_size: int = 256
    max_query_bytes: int = 1_000_000
    max_upload_bytes: int = 64_000_000
    max_url_bytes: int = 16_384
    max_depth: int = 200
    max_rows: int = 100_000
    max_triples: int = 1_000_000
    max_regex_length: int = 1000
    upload_memory_bytes: int = 2_000_000_000
    #: workers copy a store of at most this many quads into memory (faster joins); 0 = never
    memory_quads: int = 1_000_000
    #: address-space limit of each query worker (a huge sort fails the worker, not the host)
    worker_memory_bytes: int = 4_000_000_000
    dumps_dir: Path | None = None
    title: str = "kgraph — the IRGC Quds Force knowledge graph"

    def __post_init__(self) -> None:
        if not self.base_iri.endswith("/"):
            object.__setattr__(self, "base_iri", self.base_iri + "/")
        if self.token is not None and len(self.token) < 16:
            raise InputError(
                "a bearer token must be at least 16 characters long",
                hint="generate one, e.g. `openssl rand -hex 24`",
            )

    @property
    def id_prefix(self) -> str:
        return self.base_iri + "id/"

    @property
    def graph_prefix(self) -> str:
        return self.base_iri + "graph/"

    @property
    def ontology_iri(self) -> str:
        return self.base_iri + "ontology"

    @property
    def writable(self) -> bool:
        return self.token is not None
