"""``kgraph serve``: a SPARQL 1.1 endpoint and linked-data site over the built store.

The package is split so that the query worker processes import almost nothing:
``worker_main`` and ``results`` need only pyoxigraph; ``app`` and the routes need Starlette
and Jinja2. Use :func:`kgraph.server.app.create_app` to build the ASGI application.
"""

from __future__ import annotations

from typing import Any

__all__ = ["ServerConfig", "create_app"]


def __getattr__(name: str) -> Any:
    if name == "create_app":
        from kgraph.server.app import create_app

        return create_app
    if name == "ServerConfig":
        from kgraph.server.config import ServerConfig

        return ServerConfig
    raise AttributeError(name)
