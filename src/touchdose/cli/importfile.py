"""``touchdose import``: a client file (JSON, CSV or a FHIR Bundle) into the web app's database.

The file is read by the one reader every entry point uses (:func:`touchdose.io.load_client_file`)
and saved by the web import's own service (:func:`touchdose.web.services.client_file_import`): the
same rules, the same audit event, one transaction. A bad file is rejected whole with the same list
of problems ``touchdose analyze`` prints, exit code 2, and nothing is written.
"""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console

from touchdose.cli._app import ExitStatus, app
from touchdose.cli.export import TIMEZONE_OPTION, database_client, database_failure, fail
from touchdose.io import FileRejected, load_client_file
from touchdose.io.problems import problems_from
from touchdose.records import RecordError
from touchdose.text import count

IMPORT_HELP = (
    "Import a client file (docs/formats.md JSON or CSV, or a FHIR Bundle as `export --format fhir` "
    "writes it) into a client of the web app's database: all of it or, if anything is wrong, nothing.\n\n"
    "Sessions and check-ins already stored at the same time are skipped, so importing twice is "
    "harmless; the profile in a file is not imported (the intake stays the client's own answers). "
    "A bad file is rejected with every problem listed (as `touchdose analyze` lists them) and exit code 2."
)


@app.command("import", help=IMPORT_HELP)
def import_file(
    file: Path = typer.Argument(
        ..., help="Client file (.json, .csv or a FHIR Bundle .json).", show_default=False
    ),
    client_id: str = typer.Option(
        ..., "--client", help="The web app's client to import into (e.g. c-12).", show_default=False
    ),
    timezone: str | None = TIMEZONE_OPTION,
) -> None:
    client = database_client(client_id)
    from django.db import DatabaseError

    from touchdose.web import convert, services

    try:
        profile = convert.profile_of_row(client)
        loaded = load_client_file(file, timezone=timezone or client.timezone, profile=profile)
        result = services.client_file_import(actor=None, client=client, cf=loaded.client_file)
    except FileRejected as e:
        raise fail(e.describe()) from None
    except RecordError as e:  # a rule of the database the reader does not know: still nothing written
        raise fail(FileRejected(str(file), problems_from(e, "file")).describe()) from None
    except OSError as e:
        raise fail(f"{file}: cannot read the file ({e.strerror or e})") from None
    except DatabaseError as e:
        raise database_failure(e) from None
    err = Console(stderr=True)
    for note in loaded.notes():
        err.print(f"Note: {note}", markup=False, highlight=False)
    skipped = result.sessions_skipped + result.checkins_skipped
    message = (
        f"Imported {count(result.sessions_added, 'session')} and {count(result.checkins_added, 'check-in')}"
        f" into {client_id}" + (f" ({skipped} already stored, skipped)" if skipped else "")
    )
    err.print(message, markup=False, highlight=False)
    raise typer.Exit(int(ExitStatus.OK))
