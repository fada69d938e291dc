"""kgraph: an open, curated knowledge graph of the IRGC Quds Force and its network."""

from __future__ import annotations

__version__ = "0.1.0"
__all__ = ["__version__"]
