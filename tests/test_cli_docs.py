"""Every command of the ``kgraph`` CLI loads, and is documented in docs/cli.md with each option."""

from __future__ import annotations

from pathlib import Path

import click
import pytest

from kgraph.cli import COMMANDS, cli

DOC = Path(__file__).resolve().parent.parent / "docs" / "cli.md"


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_command_loads_as_a_click_command(name: str) -> None:
    command = cli.get_command(click.Context(cli), name)
    assert isinstance(command, click.Command)
    assert command.help, f"kgraph {name} has no help text"


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_command_and_option_is_documented(name: str) -> None:
    text = DOC.read_text(encoding="utf-8")
    assert f"## kgraph {name}" in text, f"docs/cli.md has no section for `kgraph {name}`"
    section = text.split(f"## kgraph {name}", 1)[1].split("\n## ", 1)[0]
    command = cli.get_command(click.Context(cli), name)
    assert command is not None
    for param in command.params:
        if isinstance(param, click.Option):
            longest = max(param.opts, key=len)
            assert longest in section, f"`kgraph {name}` option {longest} is not in docs/cli.md"
