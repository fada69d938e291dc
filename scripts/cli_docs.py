"""Regenerate docs/cli.md from the commands' own help: `python scripts/cli_docs.py`.

tests/test_cli_docs.py fails when a command or option is missing from docs/cli.md.
"""

from __future__ import annotations

from pathlib import Path

import click

from kgraph.cli import COMMANDS, cli

INTRO = """# The `kgraph` command line

Each command is a thin layer over one library call (see docs/api.md); errors are kgraph errors
with an exit status: 0 success, 1 invalid data or a failed operation, 2 bad input (unreadable
file, malformed query or date, bad sheet), 3 not found. This page is generated from the
commands' own `--help` by `python scripts/cli_docs.py`.
"""


def main() -> None:
    parts = [INTRO]
    for name in sorted(COMMANDS):
        command = cli.get_command(click.Context(cli), name)
        assert command is not None
        ctx = click.Context(command, info_name=f"kgraph {name}", parent=click.Context(cli))
        parts.append(f"## kgraph {name}\n\n```text\n{command.get_help(ctx).rstrip()}\n```\n")
    out = Path(__file__).resolve().parent.parent / "docs" / "cli.md"
    out.write_text("\n".join(parts), encoding="utf-8")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
