"""Running the job worker: ``touchdose worker`` in a clinic, or one worker started by
``touchdose serve`` in the embedded default (never one per web process).

The worker is django-tasks-db's own (``Worker`` of its ``db_worker`` command): it takes the next
due job with ``SELECT ... FOR UPDATE SKIP LOCKED`` on PostgreSQL and inside an exclusive
transaction on SQLite, so several workers never run one job twice. Before it starts,
:func:`~touchdose.web.reminders.services.recover` repairs what a stopped worker left behind.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.utils.crypto import get_random_string
from django_tasks_db.management.commands.db_worker import Worker

from touchdose.web.reminders import services


def run_worker(
    *, batch: bool = False, max_tasks: int | None = None, interval: float | None = None, signals: bool = True
) -> None:
    """Recover, then run jobs as they come due until stopped (SIGTERM/SIGINT finish the current
    job first). ``batch``: run what is due now and return (for an operator, cron, tests);
    ``max_tasks``: stop after that many jobs; ``signals``: take over SIGTERM/SIGINT (main thread)."""
    services.recover()
    worker = Worker(
        queue_names=["default"],
        interval=settings.WORKER_INTERVAL if interval is None else interval,
        batch=batch,
        backend_name="default",
        startup_delay=False,
        max_tasks=max_tasks,
        worker_id=f"{os.uname().nodename[:40]}-{os.getpid()}-{get_random_string(6)}",
        excluded_queue_names=[],
    )
    if signals:
        worker.configure_signals()
    worker.run()


#: The command that runs one worker: the same Python, the same settings and data directory.
WORKER_COMMAND = [sys.executable, "-c", "from touchdose.cli import main; main()", "worker"]


@contextmanager
def embedded_worker() -> Iterator[subprocess.Popen[bytes]]:
    """Exactly one worker process beside the web server, for as long as the ``with`` lasts.

    ``touchdose serve`` uses this in the embedded default: the web server may run several
    processes, but the jobs need only one worker, started here once (not in each web process).
    The child gets the parent's environment, so it finds the same database."""
    process = subprocess.Popen(WORKER_COMMAND, env=os.environ.copy())
    try:
        yield process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)  # finishes the job in hand, then exits
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
