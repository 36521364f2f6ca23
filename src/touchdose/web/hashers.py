"""Password hashing that stays slow for an attacker without starving the pages.

Argon2 with Django's parameters (about 0.2 s of CPU and 100 MiB per hash, on purpose) runs in
threads kept for it (one per core), at the lowest CPU priority: a log-in waits for one of them,
the pages' threads go first when they want a core, the hash takes the cycles they leave, and
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

#: How much lower the hashing thread's priority is than the pages' (Unix nice steps; 19, the most
#: there is: Linux then weighs a page's thread 68 times a hashing thread). Argon2 runs its 8 lanes
#: in 8 threads that inherit it, and at the 5 steps we had, eight of them outweighed a page's thread.
#: Not Linux's idle class: with any other work on the machine it would stop log-ins altogether.
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
    """Lower the calling thread's priority (Linux: per thread; the threads Argon2 starts for its
    lanes inherit it); elsewhere leave it as it is."""
    with contextlib.suppress(AttributeError, OSError):  # no setpriority (Windows) or per-thread priority
        tid = threading.get_native_id()
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
