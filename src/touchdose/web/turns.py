"""A turn per account name across the processes of one machine, without the database: SQLite's
login turns (:func:`touchdose.web.services.login_turn`), where a transaction would lock the
whole database for the length of a password hash."""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None  # type: ignore[assignment]

#: Lock files for SQLite's login turns: a name's turn is one of these (a fixed number of files,
#: however many names are tried; two names rarely share one, and then only wait for each other).
LOGIN_TURN_FILES = 256


@contextmanager
def turn_file(username: str) -> Iterator[None]:
    """Hold the turn of ``username`` (a lock file in the data directory) while the block runs."""
    bucket = int(hashlib.sha256(username.encode()).hexdigest(), 16) % LOGIN_TURN_FILES
    folder = settings.DATA_DIR / "login-turns"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd = os.open(folder / f"{bucket:03d}", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        if fcntl is not None:
            fcntl.flock(fd, fcntl.LOCK_EX)  # per open file: other threads and processes wait
            yield
        else:  # Windows: waitress's one process; a lock per file in it
            with _WINDOWS_TURNS.setdefault(bucket, threading.Lock()):
                yield
    finally:
        os.close(fd)  # releases the lock


_WINDOWS_TURNS: dict[int, threading.Lock] = {}
