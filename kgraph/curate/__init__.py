"""Safe curation: add a source from a fact sheet, merge two entities, diff two states.

* :func:`kgraph.curate.add.add_sheet` — read a YAML/CSV fact sheet, resolve its names, turn it
  into the source's named graph, validate it with the whole graph and write ``data/`` atomically;
* :func:`kgraph.curate.merge.merge_entities` — join two entities that are one;
* :func:`kgraph.curate.diff.diff_states` — statements added and removed between two states;
* :func:`kgraph.curate.conflicts.conflicts` — sources that contradict each other.

The sheet format is documented in ``docs/sheet-format.md``, the workflow in ``docs/curating.md``.
"""

from __future__ import annotations
