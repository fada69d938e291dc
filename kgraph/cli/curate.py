"""``kgraph add``, ``kgraph merge`` and ``kgraph diff``: the curation commands.

Each is a thin shell over :mod:`kgraph.curate`; errors are :class:`kgraph.errors.KGraphError`s
that ``kgraph.cli.main`` turns into a message and an exit code.
"""

from __future__ import annotations

import json
from pathlib import Path

import click


def _root(data_dir: Path | None) -> tuple[Path, Path]:
    from kgraph.load import project_root

    if data_dir is None:
        root = project_root()
        return root, root / "data"
    return data_dir.resolve().parent, data_dir.resolve()


@click.command("add")
@click.argument("sheet", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Validate and print the diff; write nothing.")
@click.option("--data-dir", type=click.Path(file_okay=False, path_type=Path),
              help="The data/ folder to add to (default: the project's; its parent must hold "
              "ontology/ and shapes/).")
@click.option("--replace", is_flag=True,
              help="Replace the source's graph with the sheet instead of adding to it.")
@click.option("--full-validation", is_flag=True,
              help="Validate the whole graph, not only what the sheet touches (slower).")
@click.option("--no-reasoner", is_flag=True, help="Skip the OWL consistency check.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True)
def add_command(sheet: Path, dry_run: bool, data_dir: Path | None, replace: bool,
                full_validation: bool, no_reasoner: bool, fmt: str) -> None:
    """Add a source from a YAML or CSV fact sheet (see docs/sheet-format.md).

    Names are resolved to existing entities (an ambiguous name is an error), new entities get
    new slugs, everything is validated with the whole graph, and data/ is written atomically.
    """
    from kgraph.curate.add import add_sheet

    root, data = _root(data_dir)
    result = add_sheet(sheet, root=root, data_dir=data, dry_run=dry_run, replace=replace,
                       full_validation=full_validation, reasoner=not no_reasoner)
    if fmt == "json":
        click.echo(json.dumps({
            "sheet": result.sheet, "source": result.source, "graph": result.graph,
            "written": result.written, "new_triples": result.new_quads,
            "new_entities": result.new_entities, "validation": result.validation,
            "files": {f"data/{f.name}": f.status for f in result.files},
            "diff": result.diff() if dry_run else None,
        }, indent=2))
        return
    if dry_run and result.changed:
        click.echo(result.diff(), nl=False)
    click.echo(result.summary())


@click.command("merge")
@click.argument("keep")
@click.argument("drop")
@click.option("--reason", required=True, help="Why the two are one (recorded in kgg:curation).")
@click.option("--data-dir", type=click.Path(file_okay=False, path_type=Path),
              help="The data/ folder (default: the project's).")
@click.option("--dry-run", is_flag=True, help="Print the diff; write nothing.")
@click.option("--no-reasoner", is_flag=True, help="Skip the OWL consistency check.")
def merge_command(keep: str, drop: str, reason: str, data_dir: Path | None, dry_run: bool,
                  no_reasoner: bool) -> None:
    """Merge entity DROP into KEEP (names, IRIs or slugs).

    Every reference in every source graph is rewritten to KEEP, DROP's names become variants,
    and DROP's IRI stays resolvable (owl:sameAs KEEP), with the reason recorded.
    """
    from kgraph.curate.merge import merge_entities

    root, data = _root(data_dir)
    result = merge_entities(keep, drop, reason=reason, root=root, data_dir=data,
                            dry_run=dry_run, reasoner=not no_reasoner)
    if dry_run:
        click.echo(result.diff(), nl=False)
    click.echo(result.summary())


@click.command("diff")
@click.argument("old")
@click.argument("new", required=False, default=None)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True)
@click.option("--repo", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="The git repository for revisions (default: the project).")
def diff_command(old: str, new: str | None, fmt: str, repo: Path | None) -> None:
    """Statements added and removed between two states of the graph.

    OLD and NEW are git revisions (HEAD~1, main, a commit), dump files (.trig, .nq) or data
    folders. NEW defaults to the working tree's data/.
    """
    from kgraph.curate.diff import diff_states, read_graph_state

    base = repo
    if base is None:
        from kgraph.load import project_root

        base = project_root()
    before = read_graph_state(old, base)
    after = read_graph_state(new if new is not None else str(base / "data"), base)
    result = diff_states(before, after)
    click.echo(result.to_json() if fmt == "json" else result.to_text(), nl=fmt == "json")
