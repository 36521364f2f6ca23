"""Web page timings on the demo client (four months of diary, weekly sessions).

Run from the repository root::

    .venv/bin/python benchmarks/web_pages.py

Uses a throw-away data directory (SQLite, WAL) and Django's test client, so it measures the
app (views, services, engine, charts), not the network. Prints the median wall-clock and CPU
time of each page over a few repeats: the check-in page and saving a check-in (the "under 30
seconds" path must feel instant), the dashboard uncached (after new data: analysis and three
SVG charts) and cached, and the therapist's client list.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable

REPEATS = 5


def timed(label: str, call: Callable[[], object], repeats: int = REPEATS) -> None:
    walls, cpus = [], []
    for _ in range(repeats):
        wall, cpu = time.perf_counter(), time.process_time()
        call()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    wall_ms, cpu_ms = 1000 * statistics.median(walls), 1000 * statistics.median(cpus)
    print(f"{label:<44} wall {wall_ms:8.1f} ms   cpu {cpu_ms:8.1f} ms")


def main() -> int:
    os.environ["TOUCHDOSE_DATA_DIR"] = tempfile.mkdtemp(prefix="touchdose-bench-")
    os.environ.pop("DATABASE_URL", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "touchdose.web.settings"
    import django

    django.setup()
    from django.core.cache import cache
    from django.core.management import call_command
    from django.test import Client as HttpClient
    from django.test.utils import setup_test_environment
    from django.utils import timezone

    from touchdose.web.demo import demo_load
    from touchdose.web.models import Client, Therapist

    call_command("migrate", verbosity=0)
    setup_test_environment()
    started = time.perf_counter()
    demo_load()
    print(
        f"{'demo load (accounts, intake, history)':<44} wall {1000 * (time.perf_counter() - started):8.1f} ms"
    )
    client = Client.objects.get(user__username="demo-client")
    therapist = Therapist.objects.get(user__username="demo-therapist")
    print(f"records: {client.checkins.count()} check-ins, {client.sessions.count()} sessions")
    as_client, as_therapist = HttpClient(), HttpClient()
    as_client.force_login(client.user)
    as_therapist.force_login(therapist.user)
    now = timezone.localtime().strftime("%Y-%m-%dT%H:%M")

    timed("GET check-in page", lambda: as_client.get(f"/clients/{client.pk}/checkin/"))
    timed(
        "POST a check-in",
        lambda: as_client.post(f"/clients/{client.pk}/checkin/", {"pain": "5", "time": now}),
    )

    def fresh_dashboard() -> object:
        cache.clear()
        return as_client.get(f"/clients/{client.pk}/")

    timed("GET dashboard, uncached (engine + 3 charts)", fresh_dashboard)
    timed("GET dashboard, cached", lambda: as_client.get(f"/clients/{client.pk}/"))
    timed("GET therapist client list (cached)", lambda: as_therapist.get("/therapist/"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
