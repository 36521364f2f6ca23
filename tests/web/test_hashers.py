"""Log-ins hash with Django's Argon2 in a thread of lower priority (docs/performance.md "The
login"): the same hashes as Django's own hasher, the work done by that thread, one per process,
one per core, a forked web process making its own."""

from __future__ import annotations

import os
import sys
import threading

import pytest
from django.contrib.auth.hashers import Argon2PasswordHasher, check_password, get_hasher, make_password

from touchdose.web import hashers


def test_the_hashes_are_djangos_argon2_both_ways() -> None:
    ours, django = hashers.Argon2Hasher(), Argon2PasswordHasher()
    assert get_hasher("default").__class__ is hashers.Argon2Hasher
    made = make_password("correct horse battery")
    assert made.startswith("argon2$argon2id$") and django.verify("correct horse battery", made)
    assert not django.must_update(made) and not ours.must_update(made)
    theirs = django.encode("staple battery horse", django.salt())
    assert check_password("staple battery horse", theirs) and not check_password("staple battery", theirs)


def _where() -> tuple[str, int]:
    tid = threading.get_native_id()
    return threading.current_thread().name, os.getpriority(os.PRIO_PROCESS, tid)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="per-thread priority is Linux's")
def test_the_work_is_done_by_one_thread_of_the_lowest_priority() -> None:
    name, priority = hashers.in_hashing_thread(_where)
    assert name.startswith("argon2")
    assert priority == min(19, _where()[1] + hashers.HASH_NICENESS) == 19
    assert hashers.in_hashing_thread(threading.get_native_id) != threading.get_native_id()
    assert hashers._executor()._max_workers == hashers.HASH_THREADS == len(os.sched_getaffinity(0))


@pytest.mark.skipif(not hasattr(os, "fork"), reason="gunicorn forks its web processes")
def test_a_forked_process_makes_its_own_hashing_thread() -> None:
    parent = hashers.in_hashing_thread(threading.get_native_id)
    pid = os.fork()
    if pid == 0:  # the child: the parent's thread does not exist here; a new one must answer
        try:
            ok = hashers._executor().submit(threading.get_native_id).result(timeout=30) != parent
        finally:
            os._exit(0 if ok else 1)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
