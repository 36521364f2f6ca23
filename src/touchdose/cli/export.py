"""``touchdose export``: a client's data as a docs/formats.md JSON or CSV file, or as a FHIR R4 Bundle.

The client comes from a file (JSON or CSV) or, with ``--client ID``, from the web app's database.
The export itself is :func:`touchdose.io.export_text` (the web app's download uses it too), written
with :func:`touchdose.io.write_atomically`. Also holds what ``touchdose report`` shares with it:
reading the client (a rejected input writes nothing).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import typer
from rich.console import Console

from touchdose.cli._app import ExitStatus, app
from touchdose.io import EXPORT_FORMATS, FileRejected, export_text, load_client_file, write_atomically
from touchdose.io.fhir import FhirInvalid
from touchdose.records import ClientFile


def fail(message: str, status: ExitStatus = ExitStatus.BAD_INPUT) -> typer.Exit:
    """Print ``message`` on stderr (never health data) and return the Exit to raise."""
    Console(stderr=True).print(message, markup=False, highlight=False, soft_wrap=True)
    return typer.Exit(int(status))


def database_client(client_id: str) -> Any:
    """The web app's client row for ``--client`` (``c-12`` or ``12``), Django set up; exit 2 if there
    is no such client, exit 1 if the database cannot be read."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "touchdose.web.settings")
    import django

    django.setup()
    from django.db import DatabaseError

    from touchdose.web import selectors

    number = client_id.removeprefix("c-")
    if not number.isdigit() or len(number) > 18:
        raise fail(f"--client = {client_id!r} is not allowed (allowed: a client id such as c-12 or 12)")
    try:
        client = selectors.client_by_id(int(number))
    except DatabaseError as e:
        raise database_failure(e) from None
    if client is None:
        raise fail(f"--client = {client_id!r}: no such client in the database")
    return client


def database_failure(e: Exception) -> typer.Exit:
    """The exit for a database that cannot be read or written (no health data in the message)."""
    return fail(f"cannot use the database ({type(e).__name__}); has `touchdose serve` set it up?",
                ExitStatus.ERROR)  # fmt: skip


def client_from_database(client_id: str) -> ClientFile:
    """The client's records from the web app's database (``c-12`` or ``12``), audited as an export."""
    client = database_client(client_id)
    from django.db import DatabaseError

    from touchdose.web import selectors

    try:
        return selectors.client_file_download(actor=None, client=client)
    except DatabaseError as e:
        raise database_failure(e) from None


#: Where the client comes from, the same for ``touchdose export`` and ``touchdose report``.
FILE_ARGUMENT = typer.Argument(None, help="Client file (.json or .csv).", show_default=False)
CLIENT_OPTION = typer.Option(
    None, "--client", help="A client of the web app's database (e.g. c-12) instead of FILE."
)
TIMEZONE_OPTION = typer.Option(None, help="Time zone for input times written without a UTC offset.")
CLIENT_JSON_OPTION = typer.Option(None, "--client-json", help="Profile for a CSV FILE (JSON).")


def load_client(
    file: Path | None, client_id: str | None, timezone: str | None, client_json: Path | None
) -> tuple[ClientFile, list[str]]:
    """Exactly one of FILE or ``--client``: the client file and what reading it assumed (notes),
    or exit 2 with every problem listed."""
    if (file is None) == (client_id is None):
        raise fail("give exactly one of FILE or --client ID")
    if client_id is not None:
        return client_from_database(client_id), []
    assert file is not None  # for mypy: checked just above
    from touchdose.cli.analyze import _profile_option  # one reader of --client-json

    try:
        loaded = load_client_file(file, timezone=timezone, profile=_profile_option(client_json))
        return loaded.client_file, loaded.notes()
    except FileRejected as e:
        raise fail(e.describe()) from None
    except OSError as e:
        raise fail(f"{file}: cannot read the file ({e.strerror or e})") from None


def _format_for(fmt: str | None, out: Path) -> str:
    chosen = (fmt or out.suffix.lstrip(".")).lower()
    if chosen not in EXPORT_FORMATS:
        raise fail(f"--format = {chosen!r} is not allowed (allowed: {', '.join(EXPORT_FORMATS)})")
    return chosen


EXPORT_HELP = (
    "Export a client's data: docs/formats.md JSON or CSV (they re-import unchanged) or a FHIR R4 Bundle.\n\n"
    "The FHIR Bundle (collection) has a pseudonymous Patient, pain (LOINC 72514-3) and sleep (93832-4) "
    "Observations, the questionnaires with their scores, and each massage as a Procedure with its dose; "
    "it is validated before it is written. CSV holds sessions and check-ins only (no profile)."
)


@app.command(help=EXPORT_HELP)
def export(
    file: Path | None = FILE_ARGUMENT,
    client_id: str | None = CLIENT_OPTION,
    fmt: str | None = typer.Option(
        None, "--format", help="csv, json or fhir (default: from the --out suffix, .csv or .json)."
    ),
    out: Path = typer.Option(
        ..., "--out", help="Where to write; '-' for standard output.", show_default=False
    ),
    timezone: str | None = TIMEZONE_OPTION,
    client_json: Path | None = CLIENT_JSON_OPTION,
) -> None:
    chosen = _format_for(fmt, out)
    cf, notes = load_client(file, client_id, timezone, client_json)
    for note in notes:
        Console(stderr=True).print(f"Note: {note}", markup=False, highlight=False)
    try:
        data = export_text(cf, chosen).encode("utf-8")
    except FhirInvalid as e:  # a bug, not the user's input: say so plainly
        raise fail(f"the FHIR export did not validate, nothing written: {e}", ExitStatus.ERROR) from None
    if str(out) == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    try:
        write_atomically(out, data)
    except OSError as e:
        raise fail(f"{out}: cannot write the file ({e.strerror or e})", ExitStatus.ERROR) from None
    note = " (the profile is not part of CSV: keep the JSON for it)" if chosen == "csv" else ""
    Console(stderr=True).print(f"Wrote {out} ({chosen}){note}", markup=False, highlight=False)
