"""Issue 13, findings 11 and 12: what a deleted account leaves on disk, and who may read the files.

The SQLite test runs the real settings in a fresh process on a fresh data directory (the suite's
own database lives in memory): an account whose notes carry markers is deleted, and the markers
are then searched for in the bytes of the database file and its write-ahead log.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from axes.models import AccessAttempt
from django.core.cache import cache
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from tests.web.conftest import make_client, make_therapist

from touchdose.web import results, selectors, services
from touchdose.web.models import AuditEvent, Share

MARKERS = ("zq-note-marker-4417", "zq-session-marker-9021", "zq-goal-marker-3388", "zq-username-6650")

SCRIPT = r"""
import json, os, sys
from datetime import UTC, datetime, timedelta
import django
django.setup()
from django.core.management import call_command
from django.contrib.auth.models import User
from django.db import connection
from touchdose.web import selectors, services
from touchdose.web.models import Client

note, session_note, goal, username = sys.argv[1:5]
data = os.environ["TOUCHDOSE_DATA_DIR"]
call_command("migrate", interactive=False, verbosity=0)
user = User.objects.create(username=username)
client = Client.objects.create(user=user, timezone="UTC")
start = datetime(2026, 1, 5, 10, tzinfo=UTC)
for day in range(40):
    services.checkin_record(actor=user, client=client, time=start + timedelta(days=day), pain=5,
                            note=f"{note} day {day}")
services.session_record(actor=user, client=client, start=start, pressure=2, minutes=45, note=session_note)
services.client_intake_save(actor=user, client=client, goals=goal)
keeper = User.objects.create(username="stays")  # another account, so the file is not simply empty
Client.objects.create(user=keeper, timezone="UTC")

def files():
    return {name: open(os.path.join(data, name), "rb").read()
            for name in sorted(os.listdir(data)) if name.startswith("touchdose.sqlite3")}

def found():
    return sorted({m for blob in files().values() for m in sys.argv[1:5] if m.encode() in blob})

with connection.cursor() as cursor:
    cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
before = found()
services.account_delete(user=user)
modes = {name: oct(os.stat(os.path.join(data, name)).st_mode & 0o777) for name in os.listdir(data)}
print(json.dumps({"before": before, "after": found(), "modes": modes,
                  "dir": oct(os.stat(data).st_mode & 0o777)}))
"""


@pytest.fixture(scope="module")
def deleted_on_sqlite(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    data = tmp_path_factory.mktemp("rest") / "data"  # not there yet: the settings make it
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "TOUCHDOSE_MODE")}
    env |= {"TOUCHDOSE_DATA_DIR": str(data), "DJANGO_SETTINGS_MODULE": "touchdose.web.settings"}
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, *MARKERS], env=env, capture_output=True, text=True, umask=0o022,
        timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def test_finding_11_a_deleted_accounts_text_is_gone_from_the_sqlite_files(deleted_on_sqlite: Any) -> None:
    assert deleted_on_sqlite["before"] == sorted(MARKERS)  # the search does see text in the files
    assert deleted_on_sqlite["after"] == []


def test_finding_12_the_data_directory_is_0700_and_the_database_0600(deleted_on_sqlite: Any) -> None:
    assert deleted_on_sqlite["dir"] == "0o700"
    modes = deleted_on_sqlite["modes"]
    assert modes["touchdose.sqlite3"] == "0o600"
    assert all(mode == "0o600" for name, mode in modes.items() if name.startswith("touchdose.sqlite3"))


def test_finding_12_an_existing_database_is_narrowed_to_0600(tmp_path: Path) -> None:
    from touchdose.web.conf import private_sqlite_file

    path = tmp_path / "data" / "touchdose.sqlite3"
    path.parent.mkdir()
    path.write_bytes(b"")
    path.chmod(0o644)
    private_sqlite_file(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


@pytest.mark.django_db
def test_finding_11_secure_delete_is_on_for_every_sqlite_connection() -> None:
    if connection.vendor != "sqlite":
        pytest.skip("a SQLite pragma")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA secure_delete")
        assert cursor.fetchone() == (1,)


@pytest.mark.django_db
def test_finding_11_the_trail_of_a_deleted_client_no_longer_names_them() -> None:
    client = make_client("zq-username-6650")
    therapist = make_therapist("tove")
    Share.objects.create(client=client, therapist=therapist)
    services.share_code_create(actor=client.user, client=client)
    selectors.checkins_list(actor=therapist.user, client=client)
    assert set(AuditEvent.objects.values_list("actor_name", flat=True)) == {"zq-username-6650", "tove"}
    services.account_delete(user=client.user)
    trail = AuditEvent.objects.filter(client_ref=client.pk)
    assert trail.count() == 3  # the trail stays: who did what, and when
    assert {e.actor_name for e in trail} == {services.DELETED_ACCOUNT, "tove"}  # tove's look stays hers


@pytest.mark.django_db
def test_finding_11_a_deleted_clients_cached_results_and_failed_logins_go_with_the_account(
    client: Any, django_capture_on_commit_callbacks: Any
) -> None:
    person = make_client("zq-cached-7781")
    services.checkin_record(actor=person.user, client=person, time=timezone.now(), pain=6)
    selectors.client_analysis(actor=person.user, client=person)  # the results page fills the cache
    person.refresh_from_db()
    stored = results.key("analysis", client_id=person.pk, created=person.created_at,
                         version=person.records_version)  # fmt: skip
    assert cache.get(stored) is not None
    client.post(reverse("login"), {"username": "zq-cached-7781", "password": "wrong password 1"})
    assert AccessAttempt.objects.filter(username="zq-cached-7781").exists()
    with django_capture_on_commit_callbacks(execute=True):  # emptied once the deletion commits
        services.account_delete(user=person.user)
    assert cache.get(stored) is None
    assert not AccessAttempt.objects.filter(username="zq-cached-7781").exists()
