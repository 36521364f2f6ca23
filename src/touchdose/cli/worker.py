"""``touchdose worker`` and ``touchdose remind``: the background jobs that send reminders and
recompute a client's results after a write (docs/reminders.md, docs/performance.md).
``touchdose serve`` starts one worker itself in the embedded default; a clinic runs
``touchdose worker`` as its own service (one or several, beside the web servers)."""

from __future__ import annotations

import contextlib
import os

import typer
from rich.console import Console
from rich.table import Table

from touchdose.cli._app import ExitStatus, app


def _django(console: Console) -> None:
    from touchdose.cli.serve import setup_django

    try:
        setup_django(collect_static=False)
    except Exception as error:  # ImproperlyConfigured, database unreachable: say it plainly
        console.print(f"[red]Cannot start:[/red] {error}")
        raise typer.Exit(ExitStatus.ERROR) from None


#: How much lower the worker's CPU priority is than the web pages' (Unix nice steps): its jobs
#: (an e-mail due this minute, results the next page would otherwise compute) can wait a few
#: milliseconds for a page on the same machine; a page should not wait for them.
WORKER_NICENESS = 10


@app.command()
def worker(
    batch: bool = typer.Option(False, "--batch", help="Run the jobs that are due now, then stop."),
) -> None:
    """Run the job worker: sends each reminder when it comes due and recomputes a client's
    results after each write (stop with Ctrl+C or SIGTERM)."""
    console = Console(stderr=True)
    _django(console)
    from touchdose.web.reminders.worker import run_worker

    with contextlib.suppress(AttributeError, OSError):  # no os.nice (Windows)
        os.nice(WORKER_NICENESS)
    console.print("touchdose worker: sending reminders and refreshing results as they come due"
                  + (" (batch)" if batch else ""))  # fmt: skip
    run_worker(batch=batch)


@app.command()
def remind(
    dry_run: bool = typer.Option(
        False, "--dry-run", help="Only list what would be sent now; send nothing, change nothing."
    ),
) -> None:
    """List (--dry-run) or send the reminders that are due now. No addresses, no health data."""
    console = Console()
    _django(Console(stderr=True))
    from touchdose.web.reminders import selectors, services

    due = selectors.due_now()
    table = Table(title=f"{len(due)} reminder(s) due now", title_justify="left")
    for column in ("reminder", "client", "kind", "due (client's time)", "now it would"):
        table.add_column(column)
    for item in due:
        table.add_row(str(item.reminder_id), str(item.client_id), item.kind, item.local_due, item.outcome)
    console.print(table)
    if dry_run:
        return
    counts = services.send_due()
    console.print(", ".join(f"{state}: {n}" for state, n in sorted(counts.items())) or "nothing was due")
