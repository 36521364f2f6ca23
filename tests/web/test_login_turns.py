"""Login turns (docs/performance.md "The login"): one attempt at a time per account name, and on
SQLite without a transaction, whose write lock would make every page wait for a password hash."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

from django.db import connection

from touchdose.web import services
from touchdose.web.turns import turn_file


def test_a_name_takes_turns_and_other_names_do_not_wait(settings: Any, tmp_path: Path) -> None:
    settings.DATA_DIR = tmp_path
    order: list[str] = []

    def other(name: str) -> None:
        with turn_file(name):
            order.append(name)

    with turn_file("ann"):
        same, different = (
            threading.Thread(target=other, args=("ann",)),
            threading.Thread(target=other, args=("bo",)),
        )
        same.start()
        different.start()
        different.join(timeout=10)
        time.sleep(0.3)
        order.append("first")
    same.join(timeout=10)
    assert order == ["bo", "first", "ann"]


def test_on_sqlite_a_turn_opens_no_transaction(db: Any, settings: Any, tmp_path: Path) -> None:
    settings.DATA_DIR = tmp_path
    before = len(connection.atomic_blocks)
    with services.login_turn(username="ann"):
        inside = len(connection.atomic_blocks)
    assert inside == before + (0 if connection.vendor == "sqlite" else 1)
