"""The clinic that ``benchmarks/load.py`` loads: the demo (client and therapist) plus simulated
clients with a year of diary and weekly sessions each, and therapists who each see a share of
them. Run by load.py in its own process, with the database chosen by the environment
(``TOUCHDOSE_DATA_DIR``, ``DATABASE_URL``), which it empties first::

    python benchmarks/load_world.py --clients 200 --days 365 --password PASSWORD

Prints one JSON line: the accounts the simulated users log in as. Rows are bulk-inserted (the
services' one-by-one writes would take minutes for 70 000 check-ins); every user has the same
password, hashed once with the app's own Argon2 settings.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from datetime import timedelta
from typing import Any

#: The simulated clients: every kind with a full year of data (none that stops early).
MIX = {"helps": 0.35, "no_effect": 0.3, "harmed_moderate": 0.2, "soothing": 0.15}
#: Clients each benchmark therapist sees (therapist k: clients k*CASELOAD ... (k+1)*CASELOAD - 1).
CASELOAD = 20
SEED = 14


def _empty_database() -> None:
    """A fresh database: the SQLite file removed, or PostgreSQL's public schema dropped."""
    from django.conf import settings
    from django.db import connection

    if settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        with connection.cursor() as cursor:
            cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
    else:
        connection.close()
        name = str(settings.DATABASES["default"]["NAME"])
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(name + suffix):
                os.remove(name + suffix)


def build(clients: int, days: int, password: str) -> dict[str, Any]:
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    from touchdose.painmodel import simulate_clients
    from touchdose.web.convert import CHECKIN_FIELDS, SESSION_FIELDS, stored_values
    from touchdose.web.demo import DEMO_CLIENT, DEMO_THERAPIST, DEMO_TIMEZONE, demo_load
    from touchdose.web.models import CheckIn, Client, MassageSession, Share, Therapist

    _empty_database()
    call_command("migrate", interactive=False, verbosity=0)
    call_command("createcachetable", verbosity=0)
    demo_load()
    hashed = make_password(password)
    User.objects.filter(username__in=[DEMO_CLIENT, DEMO_THERAPIST]).update(password=hashed)
    start = timezone.localdate() - timedelta(days=days + 1)
    simulated = simulate_clients(clients, seed=SEED, kind=MIX, days=days, start=start).clients
    with transaction.atomic():
        users = User.objects.bulk_create(
            [User(username=f"client{i:03d}", password=hashed) for i in range(clients)]
            + [User(username=f"therapist{k:02d}", password=hashed) for k in range(-(-clients // CASELOAD))]
        )
        rows = Client.objects.bulk_create(
            Client(user=u, timezone="UTC", intake_done=True, conditions=list(cf.client.conditions),
                   sensitivity=cf.client.sensitivity or "", max_pressure=cf.client.max_pressure)
            for u, cf in zip(users, simulated, strict=False)
        )  # fmt: skip
        therapists = Therapist.objects.bulk_create(Therapist(user=u) for u in users[clients:])
        Share.objects.bulk_create(
            Share(client=c, therapist=therapists[i // CASELOAD]) for i, c in enumerate(rows)
        )
        for row, cf in zip(rows, simulated, strict=True):
            MassageSession.objects.bulk_create(
                MassageSession(client=row, **stored_values(s, SESSION_FIELDS)) for s in cf.sessions
            )
            CheckIn.objects.bulk_create(
                CheckIn(client=row, **stored_values(c, CHECKIN_FIELDS)) for c in cf.checkins
            )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    demo = Client.objects.get(user__username=DEMO_CLIENT)
    return {
        "checkins": CheckIn.objects.count(),
        "sessions": MassageSession.objects.count(),
        "clients": [
            {"username": DEMO_CLIENT, "client_ids": [demo.pk], "timezone": DEMO_TIMEZONE},
            *({"username": r.user.username, "client_ids": [r.pk], "timezone": "UTC"} for r in rows),
        ],
        "therapists": [
            {
                "username": t.user.username,
                "client_ids": [c.pk for c in rows[k * CASELOAD : (k + 1) * CASELOAD]],
            }
            for k, t in enumerate(therapists)
        ],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--password", required=True)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "touchdose.web.settings")
    import django

    django.setup()
    started = time.perf_counter()
    world = build(args.clients, args.days, args.password)
    world["seconds"] = round(time.perf_counter() - started, 1)
    sys.stdout.write(json.dumps(world) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
