"""Named queries: the ``.rq`` files shipped in ``kgraph/queries/``.

Each file starts with a comment header::

    # title: Commanders of the Quds Force
    # description: Who commanded the Quds Force, with the dates of each command.
    # param: org iri The organisation (an IRI, slug or name)
    # param: at date The date (a period binds its first day)

and is run by its file name without ``.rq``: ``kg.query("quds-force-commanders")``.
A ``param`` line is ``name type description`` with type ``iri`` (an IRI, a slug or a name
looked up), ``date`` (any form :func:`kgraph.dates.parse_date` accepts), ``string``,
``integer`` or ``term``. Values are bound to the variable ``?name``, never written into the
text. The queries declare their own prefixes, so each file also runs as is elsewhere.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Final

from kgraph.errors import NotFound

__all__ = ["QUERIES_DIR", "NamedQuery", "Param", "load_named", "named_queries"]

QUERIES_DIR: Final = Path(__file__).resolve().parent.parent / "queries"
_NAME = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
_HEADER = re.compile(r"^#\s*(title|description|param|example)\s*:\s*(.*)$")


@dataclass(frozen=True, slots=True)
class Param:
    """A parameter of a named query."""

    name: str
    type: str
    description: str = ""


@dataclass(frozen=True, slots=True)
class NamedQuery:
    """A query shipped with kgraph."""

    name: str
    title: str
    description: str
    params: tuple[Param, ...]
    text: str
    examples: tuple[str, ...] = ()

    @property
    def param_names(self) -> frozenset[str]:
        return frozenset(p.name for p in self.params)


def _parse(path: Path) -> NamedQuery:
    text = path.read_text(encoding="utf-8")
    title, desc, params, examples = path.stem, [], [], []
    last = None
    for line in text.splitlines():
        if not line.startswith("#"):
            if line.strip():
                break
            continue
        m = _HEADER.match(line)
        if m:
            key, value = m[1], m[2].strip()
            last = key
            if key == "title":
                title = value
            elif key == "description":
                desc.append(value)
            elif key == "example":
                examples.append(value)
            else:
                parts = value.split(None, 2)
                if len(parts) >= 2:
                    params.append(Param(parts[0], parts[1].lower(), parts[2] if len(parts) > 2
                                        else ""))
        elif last == "description" and line.startswith("#  "):
            desc.append(line[1:].strip())
    return NamedQuery(
        name=path.stem, title=title, description=" ".join(desc), params=tuple(params),
        text=text, examples=tuple(examples),
    )


@cache
def named_queries(directory: Path = QUERIES_DIR) -> dict[str, NamedQuery]:
    """Every named query, by name."""
    return {p.stem: _parse(p) for p in sorted(directory.glob("*.rq")) if _NAME.match(p.stem)}


def is_query_name(text: str) -> bool:
    """True when ``text`` looks like a query name rather than SPARQL text."""
    return bool(_NAME.match(text))


def load_named(name: str) -> NamedQuery:
    """The named query ``name``; NotFound lists the known names."""
    queries = named_queries()
    try:
        return queries[name]
    except KeyError:
        raise NotFound(
            f"no named query {name!r}", hint="known queries: " + ", ".join(sorted(queries))
        ) from None
