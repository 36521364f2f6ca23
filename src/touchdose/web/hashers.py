"""Password hashing that stays slow for an attacker without starving the pages.

Argon2 with Django's parameters (about 0.2 s of CPU and 100 MiB per hash, on purpose) runs in
threads kept for it (one per core), scheduled as idle work: a log-in waits for one of them, the
pages' threads always go first when they want a core, the hash takes every cycle they leave, and
no more hashes than cores hold their memory at once (docs/performance.md "The login"). The hash
is the same ``argon2`` hash as Django's, so stored passwords keep working whichever checks them.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from django.contrib.auth.hashers import Argon2PasswordHasher

#: Where Linux's idle scheduling class is missing: how much lower the hashing thread's priority
#: is than the pages' (Unix nice steps, the most there is).
HASH_NICENESS = 19


def _cores() -> int:
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


#: Hashes at once per web process: one per core it may use (more would only queue for the cores
#: while holding 100 MiB each; fewer would leave log-ins waiting on a quiet machine).
HASH_THREADS = _cores()

T = TypeVar("T")
_pool: tuple[int, ThreadPoolExecutor] | None = None
_lock = threading.Lock()


def _lower_priority() -> None:
    """Make the calling thread idle work (Linux's ``SCHED_IDLE``, per thread; the threads Argon2
    starts for its lanes inherit it). A nice value was not enough: Argon2 runs its 8 lanes in 8
    threads, and eight threads at nice 5 outweigh one page's thread. Elsewhere: the lowest
    priority there is, or the thread as it is."""
    tid = threading.get_native_id()
    try:
        os.sched_setscheduler(tid, os.SCHED_IDLE, os.sched_param(0))
        return
    except (AttributeError, OSError):  # not Linux
        pass
    with contextlib.suppress(AttributeError, OSError):  # no setpriority (Windows) or per-thread priority
        os.setpriority(os.PRIO_PROCESS, tid, os.getpriority(os.PRIO_PROCESS, tid) + HASH_NICENESS)


def _executor() -> ThreadPoolExecutor:
    """This process's hashing thread (a process forked by gunicorn makes its own)."""
    global _pool
    with _lock:
        if _pool is None or _pool[0] != os.getpid():
            executor = ThreadPoolExecutor(HASH_THREADS, "argon2", initializer=_lower_priority)
            _pool = (os.getpid(), executor)
        return _pool[1]


def in_hashing_thread(work: Callable[..., T], *args: Any) -> T:
    """``work(*args)`` run by the hashing thread; the caller waits for its result."""
    return _executor().submit(work, *args).result()


class Argon2Hasher(Argon2PasswordHasher):
    """Django's :class:`~django.contrib.auth.hashers.Argon2PasswordHasher` (same algorithm name,
    parameters and hashes) whose work is done by :func:`in_hashing_thread`."""

    def encode(self, password: str, salt: str) -> str:
        return in_hashing_thread(super().encode, password, salt)

    def verify(self, password: str, encoded: str) -> bool:
        return in_hashing_thread(super().verify, password, encoded)
