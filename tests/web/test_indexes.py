"""The client-and-time lookups use their indexes (docs/performance.md "Indexes"): the database's
own plan (EXPLAIN, SQLite or PostgreSQL, whichever the suite runs on) for each lookup the pages
make names the index, with a few thousand rows and fresh statistics (ANALYZE), as in use."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.db.models import Model, QuerySet
from django.utils import timezone
from tests.web.conftest import make_client

from touchdose.web import audit, selectors
from touchdose.web.models import AuditEvent, CheckIn, Client, MassageSession, Reminder
from touchdose.web.reminders.selectors import reminders_of

CLIENTS, DAYS = 30, 120


def index_named(model: type[Model], *fields: str) -> str:
    """The name of ``model``'s index on exactly ``fields`` (so a renamed index fails here)."""
    names = [ix.name for ix in model._meta.indexes if tuple(ix.fields) == fields]
    assert names, f"{model.__name__} has no index on {fields}"
    return names[0]


@pytest.fixture
def crowd(db: Any) -> list[Client]:
    """30 clients with four months each of diary, weekly sessions, reminders and audit events."""
    start = timezone.now() - timedelta(days=DAYS)
    clients = [make_client(f"c{i:02d}", tz="UTC") for i in range(CLIENTS)]
    days = [start + timedelta(days=d, hours=8) for d in range(DAYS)]
    CheckIn.objects.bulk_create(CheckIn(client=c, time=t, pain=5) for c in clients for t in days)
    MassageSession.objects.bulk_create(
        MassageSession(client=c, start=t, pressure=2, minutes=30, technique=["swedish"])
        for c in clients for t in days[::7]
    )  # fmt: skip
    Reminder.objects.bulk_create(
        Reminder(client=c, kind=Reminder.Kind.CHECKIN, due_at=t) for c in clients for t in days[::3]
    )
    viewed = audit.Action.DASHBOARD_VIEWED
    AuditEvent.objects.bulk_create(AuditEvent(client_ref=c.pk, action=viewed) for c in clients for _ in days)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return clients


def plan(rows: QuerySet[Any]) -> str:
    return rows.explain()


def assert_uses(rows: QuerySet[Any], index: str) -> None:
    found = plan(rows)
    assert index in found, f"the plan does not use {index}:\n{found}"


def test_a_clients_check_ins_and_sessions_in_a_time_range_use_the_client_time_index(
    crowd: list[Client],
) -> None:
    client, now = crowd[7], timezone.now()
    since = now - timedelta(days=7)
    checkins = index_named(CheckIn, "client", "time")
    sessions = index_named(MassageSession, "client", "start")
    assert_uses(client.checkins.filter(time__gte=since, time__lt=now), checkins)  # today, follow-ups
    assert_uses(CheckIn.objects.filter(client_id__in=[client.pk], time__gte=since), checkins)
    assert_uses(client.checkins.order_by("-time")[:1], checkins)  # the last check-in
    assert_uses(client.sessions.filter(start__gte=since, start__lte=now), sessions)  # to rate
    assert_uses(MassageSession.objects.filter(client_id__in=[client.pk], start__gte=since), sessions)


def test_a_clients_reminders_and_audit_trail_use_their_client_time_indexes(crowd: list[Client]) -> None:
    client = crowd[11]
    assert_uses(reminders_of(client), index_named(Reminder, "client", "due_at", "id"))
    assert_uses(audit.events_of(client=client, limit=50), index_named(AuditEvent, "client_ref", "time", "id"))


def test_checked_in_today_is_a_range_of_the_clients_own_day(db: Any) -> None:
    client = make_client("late", tz="Pacific/Auckland")
    zone = ZoneInfo(client.timezone)
    timezone.activate(zone)
    try:
        today = timezone.localdate()
        midnight = datetime(today.year, today.month, today.day, tzinfo=zone)
        CheckIn.objects.create(client=client, time=midnight - timedelta(minutes=5), pain=4)
        assert not selectors.checked_in_today(client=client)  # five minutes before: yesterday
        CheckIn.objects.create(client=client, time=midnight + timedelta(minutes=5), pain=4)
        assert selectors.checked_in_today(client=client)
    finally:
        timezone.deactivate()
