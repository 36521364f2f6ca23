"""The Typer application object shared by every command module."""

from __future__ import annotations

import enum

import typer

from touchdose import __version__


class ExitStatus(enum.IntEnum):
    """Exit codes of the ``touchdose`` command (stable; scripts rely on them)."""

    OK = 0
    ERROR = 1
    BAD_INPUT = 2


app = typer.Typer(
    name="touchdose",
    help="Find out whether massage is helping, how gentle it has to be, and when to stop.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _version_callback(value: bool) -> None:
    if value:
        typer.echo(f"touchdose {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version_callback, is_eager=True, help="Show the version and exit."
    ),
) -> None:
    """Find out whether massage is helping, how gentle it has to be, and when to stop."""
