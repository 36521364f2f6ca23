"""The job run after every write to a client's records: their analysis and charts, computed off
the request path (docs/performance.md "After a write: the job worker recomputes, the caseload never waits").

:func:`touchdose.web.services.records_changed` calls :func:`after_write`, which stores the job in
the writer's transaction, so a write that rolls back leaves no job; an import of many records
stores one job per client (:func:`one_job_per_client`). The job worker (``touchdose worker``, or
the one started by ``touchdose serve``) runs it; the next page, the API or the therapist's
caseload then find the current results in the cache. A job whose results a page has already
computed does nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django_tasks import task

from touchdose.web import selectors

#: The clients written to inside :func:`one_job_per_client` (None outside it).
_written: ContextVar[set[int] | None] = ContextVar("refresh_written", default=None)


#: The refresh jobs' priority among the worker's jobs (django-tasks: higher first, default 0): a
#: reminder that has come due goes first, so an import's burst of refreshes never delays one.
REFRESH_PRIORITY = -10


@task(priority=REFRESH_PRIORITY)
def refresh_results_job(client_id: int) -> bool:
    """Compute and cache client ``client_id``'s current analysis and charts (True if the engine
    ran; False if they were cached already or the account is gone)."""
    return selectors.refresh_results(client_id=client_id)


def after_write(client_id: int) -> None:
    """Store the refresh job for a write to ``client_id``'s records (inside an import: once, at
    its end)."""
    pending = _written.get()
    if pending is None:
        refresh_results_job.enqueue(client_id)
    else:
        pending.add(client_id)


@contextmanager
def one_job_per_client() -> Iterator[None]:
    """Many writes, one refresh job per client written to, stored when the writes are done (in
    the same transaction as they are)."""
    token = _written.set(set())
    try:
        yield
    finally:
        written = _written.get() or set()
        _written.reset(token)
        for client_id in sorted(written):
            refresh_results_job.enqueue(client_id)
