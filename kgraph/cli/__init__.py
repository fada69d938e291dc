"""The ``kgraph`` command line: thin commands over the library.

Each command parses its arguments, calls one library function and turns
:class:`kgraph.errors.KGraphError` into a message on stderr and the error's ``exit_code``.
Commands are imported lazily, so ``kgraph --help`` stays fast and a broken optional part
(the server's extras, say) cannot stop the others from running.
"""

from __future__ import annotations

import importlib
import sys

import click

from kgraph.errors import KGraphError

#: command name -> ("module:attribute" of a click command, one-line help for `kgraph --help`)
COMMANDS: dict[str, tuple[str, str]] = {
    "validate": ("kgraph.cli.validate:validate_command", "Check curated files: SHACL + OWL."),
    "query": ("kgraph.cli.query:query_command", "Run a SPARQL query (text, file or named)."),
    "show": ("kgraph.cli.query:show_command", "Show an entity: facts, claims, sources."),
    "stats": ("kgraph.cli.query:stats_command", "Summarise the graph: classes, sources, grades."),
    "export": ("kgraph.cli.query:export_command", "Export the whole dataset in an RDF format."),
    "serve": ("kgraph.cli.serve:serve_command", "Serve the SPARQL endpoint and linked data."),
    "publish": ("kgraph.cli.serve:publish_command", "Write the linked-data site as static files."),
    "add": ("kgraph.cli.curate:add_command", "Add a source from a YAML/CSV fact sheet."),
    "merge": ("kgraph.cli.curate:merge_command", "Merge two entities that are one."),
    "diff": ("kgraph.cli.curate:diff_command", "Compare two states of the graph."),
}


class LazyGroup(click.Group):
    """A click group whose sub-commands are imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return None
        module_name, attr = target[0].split(":")
        command = getattr(importlib.import_module(module_name), attr)
        if not isinstance(command, click.Command):
            raise TypeError(f"{target[0]} is not a click command")
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, COMMANDS[name][1]) for name in self.list_commands(ctx)]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="kgraph")
def cli() -> None:
    """kgraph: a curated knowledge graph of the IRGC Quds Force and its network.

    Every statement is traceable to a source document and a quoted sentence; allegations are
    graded claims, never facts. Run `kgraph COMMAND --help` for each command.
    """


def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``kgraph`` console script: library errors become clean exits.

    With ``standalone_mode=False`` click *returns* the code given to ``ctx.exit(n)``; it is
    passed on to the process here, so a command's exit status is never lost.
    """
    try:
        result = cli.main(args=argv, standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        sys.exit(1)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except KGraphError as exc:
        click.echo(f"kgraph: error: {exc}", err=True)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        sys.exit(130)
    if isinstance(result, int) and not isinstance(result, bool) and result != 0:
        sys.exit(result)
