"""Follow-ups and ratings: a follow-up is due exactly while its window (18-36 h or 36-60 h after the
session, analysis.response) is open and no check-in falls in it, "missing" only after the window
closed; the follow-up form names the session and is timed when sent; the rating page says what
was done; the home page has a card for each follow-up due and each session to rate."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from django.urls import reverse
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase
from tests.web.conftest import World, last_event, make_client

from touchdose.analysis.response import FOLLOWUP_24H_HOURS, FOLLOWUP_48H_HOURS
from touchdose.web import selectors, services
from touchdose.web.convert import CHECKIN_FIELDS

NOW = datetime(2026, 3, 1, 12, tzinfo=UTC)
WINDOWS = {24: FOLLOWUP_24H_HOURS, 48: FOLLOWUP_48H_HOURS}


class FollowUpsDue(TestCase):
    @settings(max_examples=30, deadline=None)
    @given(
        session_hours_ago=st.integers(0, 24 * 6),
        checkin_hours_after=st.lists(st.integers(0, 24 * 7), max_size=4),
    )
    def test_due_while_open_and_unanswered_missing_once_closed(
        self, session_hours_ago: int, checkin_hours_after: list[int]
    ) -> None:
        client = make_client("fu")
        start = NOW - timedelta(hours=session_hours_ago)
        services.session_record(
            actor=None, client=client, start=start, pressure=2, minutes=30, technique=["swedish"]
        )
        for h in checkin_hours_after:
            if start + timedelta(hours=h) <= NOW:
                services.checkin_record(actor=None, client=client, time=start + timedelta(hours=h), pain=4)
        answered = [h for h in checkin_hours_after if start + timedelta(hours=h) <= NOW]
        due = {f.hours: f for f in selectors.followups_due(client=client, now=NOW)}
        missing = {f.hours for f in selectors.followups_missing(client=client, now=NOW)}
        for hours, (low, high) in WINDOWS.items():
            unanswered = not any(low <= h < high for h in answered)
            assert (hours in due) == (low <= session_hours_ago < high and unanswered)
            assert (hours in missing) == (session_hours_ago >= high and unanswered)
        for followup in due.values():  # answering now (the form's time) clears it
            services.checkin_record(actor=None, client=client, time=NOW, pain=4)
            found = selectors.followup_of(session=followup.session, hours=followup.hours, now=NOW)
            assert found.state == "answered"
        assert selectors.followups_due(client=client, now=NOW) == []


def _session(world: World, hours_ago: float, **extra: Any) -> Any:
    return services.session_record(
        actor=None, client=world.client_a, therapist=world.therapist_linked, pressure=2, minutes=30,
        start=timezone.now() - timedelta(hours=hours_ago), technique=["swedish"], **extra,
    )  # fmt: skip


def test_the_follow_up_names_the_session_and_saves_only_its_answers_timed_now(world: World) -> None:
    world.checkin.delete()  # nothing in the window yet
    session = _session(world, 20, regions=["upper_back"])
    http = world.http("client_a")
    page = http.get(reverse("followup", args=[session.pk, 24])).content.decode()
    assert "24 h after yesterday&#x27;s massage at" in page or "24 h after today&#x27;s massage at" in page
    assert "Swedish" in page and "light pressure (2 of 5)" in page and "Upper back" in page
    assert last_event().action == "sessions_viewed" and last_event().object_ref == session.pk
    before = timezone.now()
    response = http.post(reverse("followup", args=[session.pk, 24]), {"pain": "3"})
    assert response.status_code == 302
    row = world.client_a.checkins.get()
    assert before <= row.time <= timezone.now()  # timed when sent, not backdated into the window
    stored = {name: getattr(row, name) for name in CHECKIN_FIELDS}
    assert stored == {**{name: None for name in CHECKIN_FIELDS}, "time": row.time, "pain": 3,
                      "flare": False, "note": "", "red_flags": []}  # fmt: skip
    assert last_event().action == "checkin_recorded"
    again = http.get(reverse("followup", args=[session.pk, 24])).content.decode()
    assert "You have answered this follow-up" in again and 'name="pain"' not in again


def test_an_early_or_closed_follow_up_saves_nothing_and_says_why(world: World) -> None:
    world.checkin.delete()
    http = world.http("client_a")
    early = _session(world, 2)
    page = http.post(reverse("followup", args=[early.pk, 24]), {"pain": "3"})
    assert page.status_code == 200 and "This follow-up opens" in page.content.decode()
    old = _session(world, 40)
    page = http.post(reverse("followup", args=[old.pk, 24]), {"pain": "3"})
    assert page.status_code == 200 and "The time for this follow-up has passed" in page.content.decode()
    assert world.client_a.checkins.count() == 0
    assert http.get(reverse("followup", args=[old.pk, 72])).status_code == 404


def test_home_shows_a_card_for_each_follow_up_due_and_each_session_to_rate(world: World) -> None:
    world.checkin.delete()
    http = world.http("client_a")
    fresh = _session(world, 20)
    home = http.get(reverse("home")).content.decode()
    # the therapist's session of the world fixture (24 h ago) and the fresh one: both to rate
    assert home.count(reverse("session_rate", args=[fresh.pk])) == 1
    assert reverse("session_rate", args=[world.therapist_session.pk]) in home
    assert reverse("followup", args=[fresh.pk, 24]) in home
    assert reverse("followup", args=[world.therapist_session.pk, 24]) in home
    assert "missing" not in home  # a session minutes or hours old is never "missing"
    http.post(reverse("followup", args=[fresh.pk, 24]), {"pain": "4"})
    http.post(reverse("session_rate", args=[fresh.pk]), {"pain_before": "5", "pain_after": "3"})
    home = http.get(reverse("home")).content.decode()
    assert reverse("followup", args=[fresh.pk, 24]) not in home
    assert reverse("session_rate", args=[fresh.pk]) not in home


def test_the_rating_page_says_what_was_done_and_saves_the_ratings(world: World) -> None:
    session = world.therapist_session
    http = world.http("client_a")
    page = http.get(reverse("session_rate", args=[session.pk])).content.decode()
    assert "What was done" in page and "Tove" in page and "30 minutes" in page and "Upper back" in page
    response = http.post(reverse("session_rate", args=[session.pk]), {"pain_before": "6", "pain_after": "3"})
    assert response.status_code == 302
    session.refresh_from_db()
    assert (session.pain_before, session.pain_after, session.minutes) == (6, 3, 30)
    assert last_event().action == "session_updated"


def test_a_rating_is_not_asked_for_a_week_later_nor_for_the_clients_own_session(world: World) -> None:
    old = _session(world, 24 * 8)
    to_rate = selectors.sessions_to_rate(client=world.client_a)
    assert world.therapist_session in to_rate
    assert old not in to_rate and world.own_session not in to_rate
