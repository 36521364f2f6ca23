"""Password hashing that stays slow for an attacker without starving the pages.

Argon2id at the minimum OWASP gives (19 MiB, 2 passes, 1 lane: about 15 ms of CPU per
hash here) by default, or Django's own (100 MiB, 2 passes, 8 lanes: about 150 ms) where a clinic
chooses them (``TOUCHDOSE_ARGON2``, docs/settings.md). The hash runs in threads kept for it (one
per core), at the lowest CPU priority: a log-in waits for one of them, the pages' threads go first
when they want a core, the hash takes the cycles they leave, and no more hashes than cores hold
their memory at once (docs/performance.md "The login"). The hash is Django's ``argon2`` format,
so a stored password made with other parameters still checks, and is made again with the chosen
ones at its owner's next log-in (Django's ``must_update``).
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, TypeVar

from django.conf import settings
from django.contrib.auth.hashers import Argon2PasswordHasher


@dataclass(frozen=True)
class Argon2Cost:
    """Argon2id's cost parameters: memory in KiB, passes over it, lanes."""

    memory_kib: int
    passes: int
    lanes: int


#: The choices of ``TOUCHDOSE_ARGON2``. ``owasp``: the minimum the OWASP Password Storage Cheat
#: Sheet gives for Argon2id, m=19456 (19 MiB), t=2, p=1 (docs/security.md "Authentication");
#: a log-in costs about 15 ms of CPU, so 50 people logging in beside their pages fit on two cores.
#: ``django``: Django 5.2's defaults (m=102400, t=2, p=8), about ten times the CPU and five times
#: the memory per guess, for an attacker and for the server.
ARGON2_COSTS = {
    "owasp": Argon2Cost(memory_kib=19456, passes=2, lanes=1),
    "django": Argon2Cost(memory_kib=102400, passes=2, lanes=8),
}
DEFAULT_ARGON2 = "owasp"

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
#: while holding their memory; fewer would leave log-ins waiting on a quiet machine).
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
    """Django's :class:`~django.contrib.auth.hashers.Argon2PasswordHasher` (same algorithm name
    and hash format) at the cost ``settings.TOUCHDOSE_ARGON2`` names, whose work is done by
    :func:`in_hashing_thread`."""

    @property
    def cost(self) -> Argon2Cost:
        return ARGON2_COSTS[settings.TOUCHDOSE_ARGON2]

    @property  # type: ignore[override]
    def memory_cost(self) -> int:
        return self.cost.memory_kib

    @property  # type: ignore[override]
    def time_cost(self) -> int:
        return self.cost.passes

    @property  # type: ignore[override]
    def parallelism(self) -> int:
        return self.cost.lanes

    def encode(self, password: str, salt: str) -> str:
        return in_hashing_thread(super().encode, password, salt)

    def verify(self, password: str, encoded: str) -> bool:
        return in_hashing_thread(super().verify, password, encoded)
