"""``kgraph validate``: check curated files against the SHACL shapes and the OWL ontology.

Exit status: 0 valid (warnings allowed), 1 violations or an inconsistency, 2 unreadable input
(the parse error, with file and line, goes to stderr).
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from kgraph.errors import KGraphError
from kgraph.validate import validate

__all__ = ["validate_command"]


@click.command("validate")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "turtle"]),
    default="text",
    show_default=True,
    help="text: grouped by file and entity, for curators; json: stable, for tools; "
    "turtle: the SHACL validation report graph.",
)
@click.option(
    "--no-reasoner",
    is_flag=True,
    help="Skip the OWL consistency check (HermiT; takes several seconds).",
)
@click.option(
    "--seeds",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=None,
    help="The folder of seed articles the quotes are checked against "
    "(default: $KGRAPH_SEEDS, else shared/seeds by the project).",
)
@click.option(
    "--shapes",
    type=click.Path(exists=True, path_type=Path),
    default=None,
    help="A shapes file or folder instead of the project's shapes/.",
)
def validate_command(
    paths: tuple[Path, ...], fmt: str, no_reasoner: bool, seeds: Path | None, shapes: Path | None
) -> None:
    """Check PATHS (default: the project's ontology/ and data/) with SHACL and OWL.

    Files may be Turtle, TriG, N-Triples, N-Quads, RDF/XML or JSON-LD; folders are read
    recursively. The project ontology is always added.

    Exit status: 0 valid (warnings allowed), 1 violations or an inconsistency,
    2 unreadable input (the file and line are named on stderr).
    """
    try:
        report = validate(list(paths) or None, reasoner=not no_reasoner, shapes=shapes, seeds=seeds)
    except KGraphError as exc:
        click.echo(f"kgraph: error: {exc}", err=True)
        sys.exit(exc.exit_code)
    if fmt == "json":
        click.echo(report.to_json(), nl=False)
    elif fmt == "turtle":
        click.echo(report.to_turtle(), nl=False)
    else:
        click.echo(report.to_text(), nl=False)
    if fmt != "text":
        click.echo(report.summary(), err=True)
    # sys.exit, not ctx.exit: the main group runs click with standalone_mode=False, where a
    # click Exit becomes a return value and the status would be lost.
    sys.exit(0 if report.conforms else 1)
