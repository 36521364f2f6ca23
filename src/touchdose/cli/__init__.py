"""The ``touchdose`` command.

Each sub-command lives in its own module under ``touchdose.cli`` and registers
itself on :data:`app`; this file only wires them together. Commands stay thin:
they parse options, call the library, and render.
"""

from __future__ import annotations

# Importing a command module registers its command(s) on ``app``.
from touchdose.cli import analyze as _analyze  # noqa: F401
from touchdose.cli import cohort as _cohort  # noqa: F401
from touchdose.cli import createuser as _createuser  # noqa: F401
from touchdose.cli import evidence as _evidence  # noqa: F401
from touchdose.cli import export as _export  # noqa: F401
from touchdose.cli import importfile as _importfile  # noqa: F401
from touchdose.cli import meta as _meta  # noqa: F401
from touchdose.cli import report as _report  # noqa: F401
from touchdose.cli import serve as _serve  # noqa: F401
from touchdose.cli import simulate as _simulate  # noqa: F401
from touchdose.cli import worker as _worker  # noqa: F401
from touchdose.cli._app import app

__all__ = ["app", "main"]


def main() -> None:
    """Console-script entry point."""
    app()
