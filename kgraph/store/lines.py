"""N-Triples and N-Quads lines, and the rule for moving blank nodes between stores.

Every load into a store (a pyoxigraph load or bulk load, an rdflib parse, a SPARQL Update or
Graph Store request to a server) gives the blank nodes it reads fresh identities. A blank node
whose statements are split over two loads becomes two nodes: the inferred graph's
``_:b a time:TemporalEntity`` would no longer be about the interval ``_:b`` of its source
graph. So whoever copies a dataset in parts either

* reads each part with a parser that keeps the labels (pyoxigraph's ``parse`` with
  ``rename_blank_nodes=False``) and adds the quads with ``bulk_extend``: labels written by
  one store's dump are that store's identities, so any split is safe (the embedded build);
* or sends the quads that mention no blank node in any parts it likes, and every quad that
  mentions one in a single load (copies into rdflib or a SPARQL server).
"""

from __future__ import annotations

from collections.abc import Iterable

__all__ = ["as_quad_lines", "has_blank_node", "split_blank"]


def has_blank_node(line: bytes) -> bool:
    """True when an N-Triples/N-Quads line may mention a blank node.

    A literal holding ``" _:"`` also counts: such a line only travels with the blank-node
    lines, which is always safe.
    """
    return line.startswith(b"_:") or b" _:" in line


def split_blank(lines: Iterable[bytes]) -> tuple[list[bytes], list[bytes]]:
    """The lines that mention no blank node, and those that (may) mention one."""
    plain: list[bytes] = []
    blank: list[bytes] = []
    for line in lines:
        if line.strip():
            (blank if has_blank_node(line) else plain).append(line)
    return plain, blank


def as_quad_lines(ntriples: bytes, graph: str) -> bytes:
    """N-Triples lines (``s p o .``) as N-Quads lines in ``graph``."""
    suffix = f" <{graph}> .\n".encode()
    if ntriples.count(b" .\n") == ntriples.count(b"\n") and ntriples.endswith(b" .\n"):
        # one statement per line, each ending " .": the form a store's dump writes (a line
        # holds no other newline, so the only " .\n" in it is its end)
        return ntriples.replace(b" .\n", suffix)
    return b"".join(line.rstrip()[:-1].rstrip() + suffix
                    for line in ntriples.splitlines() if line.strip())
