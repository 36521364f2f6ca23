"""The CLI reference (docs/cli.md), generated from the commands' own ``--help``.

Run ``python -m touchdose.cli._docs > docs/cli.md`` after changing a command;
``tests/cli/test_docs.py`` fails while the page is stale.
"""

from __future__ import annotations

import typer
from typer.testing import CliRunner

from touchdose.cli import app

_ENV = {"COLUMNS": "100", "NO_COLOR": "1", "TERM": "dumb", "_TYPER_FORCE_DISABLE_TERMINAL": "1"}


def _help(args: list[str]) -> str:
    result = CliRunner().invoke(app, [*args, "--help"], env=_ENV, terminal_width=100, prog_name="touchdose")
    return "\n".join(line.rstrip() for line in result.output.splitlines()).strip()


def command_names() -> list[str]:
    """Every sub-command, in alphabetical order."""
    group = typer.main.get_command(app)
    if not isinstance(group, typer.core.TyperGroup):  # a Typer app with several commands is a group
        raise TypeError("the touchdose CLI is expected to be a command group")
    return sorted(group.commands)


def cli_reference() -> str:
    """The Markdown page: the root help, then each command's help."""
    parts = [
        "# CLI reference",
        "",
        "Generated from `--help` by `python -m touchdose.cli._docs > docs/cli.md`; do not edit by hand.",
        "",
        "## touchdose",
        "",
        "```",
        _help([]),
        "```",
    ]
    for name in command_names():
        parts += ["", f"## touchdose {name}", "", "```", _help([name]), "```"]
    return "\n".join(parts) + "\n"


if __name__ == "__main__":
    print(cli_reference(), end="")
