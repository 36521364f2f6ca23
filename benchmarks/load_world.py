"""The clinic that ``benchmarks/load.py`` loads: the demo (client and therapist) plus simulated
clients with a year of diary and weekly sessions each, and therapists who each see a share of
them. Run by load.py in its own processes, in two steps::

    python benchmarks/load_world.py simulate --clients 200 --days 365 --out rows.pickle
    python benchmarks/load_world.py build --rows rows.pickle --password PASSWORD

``simulate`` runs the pain model of this checkout and saves the rows as plain values (numbers,
text, dates, lists). ``build`` empties the database the environment names
(``TOUCHDOSE_DATA_DIR``, ``DATABASE_URL``), makes its tables, loads the app's demo and writes the
rows; it imports only the web app's models and demo, so it runs on older code too (load.py's
"old" configuration, with ``PYTHONPATH`` at that code), and it stores only the fields that code's
models have. Both runs of load.py thus serve the same clients and the same diaries. ``build``
prints one JSON line: the accounts the simulated users log in as. Rows are bulk-inserted (the
services' one-by-one writes would take minutes for 70 000 check-ins); every user has the same
password, hashed once with that code's own password settings.
"""

from __future__ import annotations

import argparse
import enum
import json
import os
import pickle
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

#: The simulated clients: every kind with a full year of data (none that stops early).
MIX = {"helps": 0.35, "no_effect": 0.3, "harmed_moderate": 0.2, "soothing": 0.15}
#: Clients each benchmark therapist sees (therapist k: clients k*CASELOAD ... (k+1)*CASELOAD - 1).
CASELOAD = 20
SEED = 14


def plain(value: Any) -> Any:
    """``value`` with the package's own types (enums, tuples) turned into Python's, so that the
    rows unpickle under any version of the package."""
    if isinstance(value, enum.Enum):
        return plain(value.value)
    if isinstance(value, bool) or value is None or isinstance(value, (date, datetime)):
        return value
    if isinstance(value, str):
        return str(value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    raise TypeError(f"load_world: cannot store {type(value).__name__} as a plain value")


def simulate(clients: int, days: int) -> list[dict[str, Any]]:
    """Each simulated client's profile, sessions and check-ins, as plain row values."""
    from django.utils import timezone

    from touchdose.painmodel import simulate_clients
    from touchdose.web.convert import CHECKIN_FIELDS, SESSION_FIELDS, stored_values

    start = timezone.localdate() - timedelta(days=days + 1)
    simulated = simulate_clients(clients, seed=SEED, kind=MIX, days=days, start=start).clients
    return [
        {
            "client": plain({"timezone": "UTC", "intake_done": True, "conditions": cf.client.conditions,
                             "sensitivity": cf.client.sensitivity or "",
                             "max_pressure": cf.client.max_pressure}),
            "sessions": [plain(stored_values(s, SESSION_FIELDS)) for s in cf.sessions],
            "checkins": [plain(stored_values(c, CHECKIN_FIELDS)) for c in cf.checkins],
        }
        for cf in simulated
    ]  # fmt: skip


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


def _columns(model: Any, values: dict[str, Any]) -> dict[str, Any]:
    """The values this code's ``model`` has a column for (older code has fewer)."""
    names = {f.name for f in model._meta.concrete_fields}
    return {k: v for k, v in values.items() if k in names}


def build(rows: list[dict[str, Any]], password: str) -> dict[str, Any]:
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.db import connection, transaction

    from touchdose.web.demo import DEMO_CLIENT, DEMO_THERAPIST, DEMO_TIMEZONE, demo_load
    from touchdose.web.models import CheckIn, Client, MassageSession, Share, Therapist

    _empty_database()
    call_command("migrate", interactive=False, verbosity=0)
    call_command("createcachetable", verbosity=0)
    demo_load()
    hashed = make_password(password)
    User.objects.filter(username__in=[DEMO_CLIENT, DEMO_THERAPIST]).update(password=hashed)
    clients = len(rows)
    with transaction.atomic():
        users = User.objects.bulk_create(
            [User(username=f"client{i:03d}", password=hashed) for i in range(clients)]
            + [User(username=f"therapist{k:02d}", password=hashed) for k in range(-(-clients // CASELOAD))]
        )
        made = Client.objects.bulk_create(
            Client(user=u, **_columns(Client, r["client"])) for u, r in zip(users, rows, strict=False)
        )
        therapists = Therapist.objects.bulk_create(Therapist(user=u) for u in users[clients:])
        Share.objects.bulk_create(
            Share(client=c, therapist=therapists[i // CASELOAD]) for i, c in enumerate(made)
        )
        for client, r in zip(made, rows, strict=True):
            MassageSession.objects.bulk_create(
                MassageSession(client=client, **_columns(MassageSession, s)) for s in r["sessions"]
            )
            CheckIn.objects.bulk_create(CheckIn(client=client, **_columns(CheckIn, c)) for c in r["checkins"])
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    demo = Client.objects.get(user__username=DEMO_CLIENT)
    return {
        "checkins": CheckIn.objects.count(),
        "sessions": MassageSession.objects.count(),
        "clients": [
            {"username": DEMO_CLIENT, "client_ids": [demo.pk], "timezone": DEMO_TIMEZONE},
            *({"username": c.user.username, "client_ids": [c.pk], "timezone": "UTC"} for c in made),
        ],
        "therapists": [
            {
                "username": t.user.username,
                "client_ids": [c.pk for c in made[k * CASELOAD : (k + 1) * CASELOAD]],
            }
            for k, t in enumerate(therapists)
        ],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    steps = parser.add_subparsers(dest="step", required=True)
    sim = steps.add_parser("simulate", help="simulate the clients and save their rows")
    sim.add_argument("--clients", type=int, default=200)
    sim.add_argument("--days", type=int, default=365)
    sim.add_argument("--out", type=Path, required=True)
    make = steps.add_parser("build", help="empty the database and write the demo and the rows")
    make.add_argument("--rows", type=Path, required=True)
    make.add_argument("--password", required=True)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "touchdose.web.settings")
    import django

    django.setup()
    started = time.perf_counter()
    if args.step == "simulate":
        args.out.write_bytes(pickle.dumps(simulate(args.clients, args.days)))
        return 0
    world = build(pickle.loads(args.rows.read_bytes()), args.password)  # our own file, just written
    world["seconds"] = round(time.perf_counter() - started, 1)
    sys.stdout.write(json.dumps(world) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
