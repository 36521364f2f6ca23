"""The reminders page and the private calendar feed: it parses with ``icalendar``, has the
follow-ups as events with alarms, a reset ends the old URL, and no token ever shows another
client's events. Only the token's hash is stored."""

from __future__ import annotations

import hashlib
import re
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
from django.test import Client as HttpClient
from django.urls import resolve, reverse
from django.utils import timezone
from icalendar import Calendar
from tests.web.conftest import World

from touchdose.analysis.pause import days_between_sessions
from touchdose.web import selectors as web_selectors
from touchdose.web import services
from touchdose.web.models import AuditEvent, Reminder, ReminderSettings


def calendar_url(http: HttpClient) -> str:
    """Make a new calendar link as the signed-in client; the page shows it once."""
    page = http.post(reverse("calendar_link_reset"), follow=True).content.decode()
    match = re.search(r"<code class=\"token\">https?://[^/]+(/calendar/[^<]+\.ics)</code>", page)
    assert match, page[-1500:]
    assert "webcal://" in page  # the one-tap "add to my calendar" link
    return match.group(1)


def events_of(body: bytes) -> list[Any]:
    return list(Calendar.from_ical(body).walk("VEVENT"))


@pytest.mark.django_db
def test_the_feed_has_the_due_follow_ups_as_events_with_alarms(world: World) -> None:
    http = world.http("client_a")
    url = calendar_url(http)
    # world: a session the therapist logged a day ago (its 24 h follow-up answered by the check-in
    # of 2 hours ago, the 48 h one ahead, a rating to give) and the client's own session 3 days ago
    # (its windows have closed).
    response = HttpClient().get(url)  # a phone calendar: no login, no cookie
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    events = events_of(response.content)
    summaries = sorted(str(e["SUMMARY"]) for e in events)
    assert summaries == [
        "touchdose: next massage, as planned",
        "touchdose: one-minute follow-up (two days after your massage)",
        "touchdose: rate your massage",
    ]
    session = world.therapist_session
    two_days = next(e for e in events if "two days" in str(e["SUMMARY"]))
    assert two_days.decoded("DTSTART") == (session.start + timedelta(hours=48)).replace(microsecond=0)
    assert two_days.decoded("DTEND") == (session.start + timedelta(hours=60)).replace(microsecond=0)
    assert str(two_days["URL"]).startswith("http")
    assert all(len(list(e.walk("VALARM"))) == 1 for e in events)
    text = response.content.decode()
    assert "swedish" not in text and "upper_back" not in text  # what was done is not in a calendar


@pytest.mark.django_db
def test_each_event_links_to_its_follow_up_form_or_rating_page(world: World) -> None:
    http = world.http("client_a")
    url = calendar_url(http)
    session = world.therapist_session
    opened = {}
    for event in events_of(HttpClient().get(url).content):
        link = str(event["URL"])
        assert f"Open: {link}" == str(event["DESCRIPTION"])
        path = urlsplit(link).path
        match = resolve(path)
        opened[str(event["SUMMARY"])] = (match.url_name, dict(match.kwargs))
        assert http.get(path).status_code == 200, path
    assert opened == {
        "touchdose: one-minute follow-up (two days after your massage)": (
            "followup",
            {"session_id": session.pk, "hours": 48},
        ),
        "touchdose: rate your massage": ("session_rate", {"session_id": session.pk}),
        "touchdose: next massage, as planned": ("dashboard", {"client_id": world.client_a.pk}),
    }


@pytest.mark.django_db
def test_a_follow_up_is_in_the_feed_until_answered(world: World) -> None:
    url = calendar_url(world.http("client_a"))
    services.checkin_delete(actor=None, checkin=world.checkin)  # the 24 h follow-up is open again

    def summaries() -> list[str]:
        return [str(e["SUMMARY"]) for e in events_of(HttpClient().get(url).content)]

    assert any("a day after" in s for s in summaries())
    services.checkin_record(actor=None, client=world.client_a, time=timezone.now(), pain=3)
    assert not any("a day after" in s for s in summaries())


@pytest.mark.django_db
def test_a_reset_ends_the_old_url_and_only_a_hash_is_stored(world: World) -> None:
    http = world.http("client_a")
    old = calendar_url(http)
    assert HttpClient().get(old).status_code == 200
    new = calendar_url(http)
    assert HttpClient().get(old).status_code == 404
    assert HttpClient().get(new).status_code == 200
    token = new.split("/")[-1].removesuffix(".ics")
    stored = ReminderSettings.objects.get(client=world.client_a).feed_token_hash
    assert stored == hashlib.sha256(token.encode()).hexdigest() and token not in stored
    http.post(reverse("calendar_link_remove"))
    assert HttpClient().get(new).status_code == 404
    actions = list(AuditEvent.objects.filter(client_ref=world.client_a.pk).values_list("action", flat=True))
    assert actions.count("calendar_link_made") == 2 and "calendar_link_removed" in actions


@pytest.mark.django_db
def test_another_clients_token_never_shows_this_clients_events(world: World) -> None:
    url_a = calendar_url(world.http("client_a"))
    url_b = calendar_url(world.http("client_b"))
    assert events_of(HttpClient().get(url_b).content) == []  # client B has no sessions yet
    # B has a session too: B's feed has B's events, never A's.
    b_session = services.session_record(
        actor=None, client=world.client_b, start=timezone.now() - timedelta(hours=20), pressure=1,
        minutes=30, technique=["swedish"],
    )  # fmt: skip
    a_events = events_of(HttpClient().get(url_a).content)
    b_events = events_of(HttpClient().get(url_b).content)
    a_uids, b_uids = ({str(e["UID"]).split("@")[0] for e in events} for events in (a_events, b_events))
    assert b_uids == {
        f"followup_24-{b_session.pk}",
        f"followup_48-{b_session.pk}",
        f"plan-{world.client_b.pk}",
    }
    assert a_uids and not a_uids & b_uids
    a_sessions = {world.own_session.pk, world.therapist_session.pk}
    b_links = {urlsplit(str(e["URL"])).path for e in b_events}
    assert b_links == {
        reverse("followup", args=[b_session.pk, 24]),
        reverse("followup", args=[b_session.pk, 48]),
        reverse("dashboard", args=[world.client_b.pk]),
    }
    assert not any(f"/sessions/{pk}/" in link for link in b_links for pk in a_sessions)
    for guess in ("", "x", url_a.split("/")[-1][:-5] + "x", "a" * 43):
        assert HttpClient().get(f"/calendar/{guess}.ics").status_code == 404


@pytest.mark.django_db
def test_each_calendar_read_is_audited_and_the_page_says_when_it_was_last_read(world: World) -> None:
    http = world.http("client_a")
    url = calendar_url(http)
    assert "No calendar app has read it yet." in http.get(reverse("reminder_settings")).content.decode()
    for _ in range(3):
        HttpClient().get(url)
    reads = AuditEvent.objects.filter(client_ref=world.client_a.pk, action="calendar_read")
    assert reads.count() == 3 and {r.actor for r in reads} == {None}  # a calendar app, no one signed in
    assert "A calendar app last read it" in http.get(reverse("reminder_settings")).content.decode()


def plan_of(client: Any) -> Any:
    return web_selectors.client_analysis(actor=None, client=client).analysis.plan


@pytest.mark.django_db
def test_the_next_planned_session_is_a_whole_day_event_from_the_engines_plan(world: World) -> None:
    url = calendar_url(world.http("client_a"))
    plan = plan_of(world.client_a)
    assert plan is not None and plan.pressure is not None and plan.pause is None  # the world's plan
    zone = ZoneInfo(world.client_a.timezone)
    last_day = world.therapist_session.start.astimezone(zone).date()
    expected = max(last_day + timedelta(days=days_between_sessions(plan.sessions_per_week)),
                   timezone.now().astimezone(zone).date())  # fmt: skip
    event = next(e for e in events_of(HttpClient().get(url).content) if "planned" in str(e["SUMMARY"]))
    assert event.decoded("DTSTART") == expected and event.decoded("DTEND") == expected + timedelta(days=1)
    assert not isinstance(event.decoded("DTSTART"), datetime)  # a day, not an hour
    (alarm,) = event.walk("VALARM")
    assert alarm.decoded("TRIGGER") == -timedelta(hours=6)  # 18:00 the evening before
    assert str(event["UID"]).startswith(f"plan-{world.client_a.pk}@")
    # A new session moves it: the plan is read again once the records changed (the cache's version).
    later = timezone.now() - timedelta(minutes=90)
    services.session_record(
        actor=None, client=world.client_a, start=later, pressure=2, minutes=30, technique=["swedish"]
    )
    moved = next(e for e in events_of(HttpClient().get(url).content) if "planned" in str(e["SUMMARY"]))
    step = days_between_sessions(plan_of(world.client_a).sessions_per_week)
    assert moved.decoded("DTSTART") == later.astimezone(zone).date() + timedelta(days=step)


@pytest.mark.django_db
def test_no_planned_session_without_a_session_to_count_from(world: World) -> None:
    url_b = calendar_url(world.http("client_b"))
    assert events_of(HttpClient().get(url_b).content) == []  # client B: a plan, no session yet


@pytest.mark.django_db
def test_choosing_reminders_plans_them_and_turning_off_cancels(world: World) -> None:
    http = world.http("client_a")
    page = http.get(reverse("reminder_settings")).content.decode()
    assert "Nothing is sent until you choose here" in page
    chosen = {
        "email": "anna@example.org",
        "email_followups": "on",
        "email_rating": "on",
        "email_checkin": "on",
    }
    chosen |= {"checkin_time": "20:00", "quiet_start": "22:00", "quiet_end": "07:30"}
    assert http.post(reverse("reminder_settings"), chosen).status_code == 302
    live = Reminder.objects.filter(client=world.client_a, state="scheduled")
    assert sorted(live.values_list("kind", flat=True)) == ["checkin", "followup_24", "followup_48", "rating"]
    assert AuditEvent.objects.filter(client_ref=world.client_a.pk, action="reminders_changed").exists()
    http.post(reverse("reminder_settings"), {"email": "anna@example.org"})
    assert live.count() == 0
    assert Reminder.objects.filter(client=world.client_a, state="cancelled").count() == 4


@pytest.mark.django_db
def test_bad_choices_are_named(world: World) -> None:
    http = world.http("client_a")
    cases = [
        ({"email_checkin": "on", "email": "a@example.org"}, "checkin_time is needed"),
        ({"email_followups": "on"}, "Give the address the reminders should go to."),
        ({"quiet_start": "18:00", "quiet_end": "08:00"}, "last 14 hours (allowed: at most 12)"),
        (
            {
                "email_checkin": "on",
                "email": "a@example.org",
                "checkin_time": "23:00",
                "quiet_start": "22:00",
                "quiet_end": "07:00",
            },
            "checkin_time 23:00 is inside the quiet hours",
        ),
    ]
    for data, message in cases:
        response = http.post(reverse("reminder_settings"), data)
        assert response.status_code == 200 and message in response.content.decode(), message
    assert not ReminderSettings.objects.filter(client=world.client_a).exists()


@pytest.mark.django_db
def test_a_new_session_is_planned_with_the_clients_choices(world: World) -> None:
    from touchdose.web.reminders.services import Choices, choices_save

    choices_save(actor=None, client=world.client_b, choices=Choices(email_followups=True))
    session = services.session_record(
        actor=None, client=world.client_b, start=timezone.now() - timedelta(hours=1), pressure=2, minutes=30,
        technique=["swedish"],
    )  # fmt: skip
    due = dict(Reminder.objects.filter(session=session).values_list("kind", "due_at"))
    assert due == {
        "followup_24": session.start + timedelta(hours=24),
        "followup_48": session.start + timedelta(hours=48),
    }
    services.session_update(actor=None, session=session, start=session.start - timedelta(minutes=30))
    live = Reminder.objects.filter(session=session).exclude(state="cancelled")
    assert sorted(r.due_at for r in live) == [session.start + timedelta(hours=h) for h in (24, 48)]
