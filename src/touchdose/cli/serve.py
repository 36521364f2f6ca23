"""``touchdose serve``: the web app under a production WSGI server: gunicorn with several processes
on Unix-likes, waitress (one process) where gunicorn cannot run (:mod:`touchdose.cli._servers`)."""

from __future__ import annotations

import os
import signal
import sys

import typer
from rich.console import Console

from touchdose.cli import _servers
from touchdose.cli._app import ExitStatus, app

DEFAULT_HOST, DEFAULT_PORT = "127.0.0.1", 8000


def setup_django(*, migrate: bool = True, collect_static: bool = True) -> None:
    """Load the settings and apps, create or update the database, collect the static files."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "touchdose.web.settings")
    import django
    from django.core.management import call_command

    django.setup()
    if migrate:
        call_command("migrate", interactive=False, verbosity=0)
        call_command("createcachetable", verbosity=0)  # only with TOUCHDOSE_CACHE=database
    if collect_static:
        call_command("collectstatic", interactive=False, verbosity=0)


@app.command()
def serve(
    host: str = typer.Option(DEFAULT_HOST, help="Address to listen on (0.0.0.0 for every network)."),
    port: int = typer.Option(DEFAULT_PORT, min=1, max=65535, help="Port to listen on."),
    demo: bool = typer.Option(
        False, "--demo", help="Load a simulated client and therapist with months of history."
    ),
    workers: int | None = typer.Option(
        None, min=1, max=64,
        help="Web processes (default: one per core, at least 2 on PostgreSQL). Needs gunicorn.",
    ),
    threads: int | None = typer.Option(
        None, min=1, max=64,
        help=f"Threads per web process (default: {_servers.GUNICORN_THREADS} under gunicorn, "
        f"{_servers.WAITRESS_THREADS} under waitress).",
    ),
    server: str = typer.Option(
        "auto", help="auto (gunicorn on Unix-likes, else waitress), gunicorn or waitress (one process)."
    ),
    worker: bool | None = typer.Option(
        None,
        "--worker/--no-worker",
        help="Also run the one job worker that sends reminders (default: on in the embedded mode, "
        "off in production, where `touchdose worker` runs as its own service).",
    ),
) -> None:
    """Run the touchdose web app (database created and updated on start)."""
    console = Console()
    try:
        kind = _servers.chosen(server)
    except ValueError as error:
        console.print(f"[red]Cannot start:[/red] {error}")
        raise typer.Exit(ExitStatus.BAD_INPUT) from None
    if kind == "waitress" and workers not in (None, 1):
        console.print("[red]Cannot start:[/red] --workers needs gunicorn; waitress runs one process")
        raise typer.Exit(ExitStatus.BAD_INPUT)
    try:
        setup_django()
    except Exception as error:  # ImproperlyConfigured, database unreachable: say it plainly
        console.print(f"[red]Cannot start:[/red] {error}")
        raise typer.Exit(ExitStatus.ERROR) from None
    from django.conf import settings
    from django.db import connections

    url = f"http://{'localhost' if host in ('127.0.0.1', '0.0.0.0') else host}:{port}/"
    if demo:
        from touchdose.web.demo import demo_load

        logins = demo_load()
        console.print("[bold]Demo accounts[/bold] (password changes every start):")
        console.print(f"  client:    {logins.client_username}  password: {logins.password}")
        console.print(f"  therapist: {logins.therapist_username}  password: {logins.password}")
    postgres = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
    processes = workers or (_servers.default_workers(postgres=postgres) if kind == "gunicorn" else 1)
    console.print(
        f"touchdose is running at [bold]{url}[/bold]  ({kind}, {processes} "
        f"{'process' if processes == 1 else 'processes'}; data: {settings.DATA_DIR}; Ctrl+C stops it)"
    )
    from contextlib import nullcontext

    from touchdose.web.reminders.worker import embedded_worker
    from touchdose.web.wsgi import application

    # SIGTERM (a service manager stopping us) ends the server like Ctrl+C does, so the worker
    # below is stopped with it instead of being left behind (gunicorn handles it the same way).
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(0))
    # Exactly one job worker for the whole server, never one per web process: started here, in
    # the one process that starts the web processes.
    with embedded_worker() if (not settings.PRODUCTION if worker is None else worker) else nullcontext():
        if kind == "gunicorn":
            _servers.run_gunicorn(
                application, host=host, port=port, workers=processes,
                threads=threads or _servers.GUNICORN_THREADS,
                trusted_proxies=settings.TRUSTED_PROXIES if settings.BEHIND_HTTPS_PROXY else (),
                before_fork=connections.close_all,
            )  # fmt: skip
        else:
            _servers.run_waitress(
                application, host=host, port=port, threads=threads or _servers.WAITRESS_THREADS
            )
