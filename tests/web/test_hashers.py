"""Log-ins hash with Argon2id at OWASP's cost in a thread of lower priority (docs/performance.md
"The login"): Django's hash format both ways, a password hashed at another cost made again at
its log-in, the work done by that thread, one per process, one per core, a forked web process
making its own."""

from __future__ import annotations

import os
import sys
import threading
from typing import Any

import pytest
from django.contrib.auth.hashers import Argon2PasswordHasher, check_password, get_hasher, make_password
from django.contrib.auth.models import User
from django.test import Client as HttpClient
from django.test import override_settings

from touchdose.web import hashers


def test_the_hashes_are_argon2id_at_owasps_cost_in_djangos_format() -> None:
    # OWASP Password Storage Cheat Sheet, Argon2id: m=19456 (19 MiB), t=2, p=1 (docs/security.md)
    assert get_hasher("default").__class__ is hashers.Argon2Hasher
    made = make_password("correct horse battery")
    assert made.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")
    assert Argon2PasswordHasher().verify("correct horse battery", made)  # Django's own checks it
    assert not hashers.Argon2Hasher().must_update(made)
    assert not check_password("correct horse batter", made)


def test_a_password_hashed_at_djangos_cost_still_checks_and_is_rehashed_at_the_log_in(db: Any) -> None:
    django = Argon2PasswordHasher()  # m=102400, t=2, p=8: what every account had before
    user = User.objects.create(username="ann", password=django.encode("staple battery horse", django.salt()))
    assert "$m=102400,t=2,p=8$" in user.password and hashers.Argon2Hasher().must_update(user.password)
    response = HttpClient().post("/accounts/login/", {"username": "ann", "password": "staple battery horse"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert "$m=19456,t=2,p=1$" in user.password and check_password("staple battery horse", user.password)


def test_a_clinic_may_choose_djangos_cost() -> None:
    with override_settings(TOUCHDOSE_ARGON2="django"):
        made = make_password("correct horse battery")
        assert "$m=102400,t=2,p=8$" in made and not hashers.Argon2Hasher().must_update(made)
    # back at OWASP's cost, that hash is made again at its owner's next log-in
    assert hashers.Argon2Hasher().must_update(made) and check_password("correct horse battery", made)


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
