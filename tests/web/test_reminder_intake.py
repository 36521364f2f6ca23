"""Reminders are chosen at intake: a short section of the intake form (channels and times), every
reminder off until the client ticks it; the Reminders page keeps the full settings. The intake
and the reminders are saved together or not at all."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from html.parser import HTMLParser
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone
from tests.web.conftest import World

from touchdose.web import services
from touchdose.web.models import AuditEvent, Client, Reminder, ReminderSettings


class FormReader(HTMLParser):
    """What a browser sends for the page's own POST form (the first with no ``action``: it posts to
    the page) when the person changes nothing:
    text inputs' values, ticked boxes and radios, each select's selected option."""

    def __init__(self) -> None:
        super().__init__()
        self.data: dict[str, list[str]] = {}
        self.select: str | None = None
        self.in_form = self.done = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "form" and a.get("method") == "post" and not a.get("action") and not self.done:
            self.in_form = True
        if not self.in_form:
            return
        name = a.get("name") or ""
        if tag == "input" and name:
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                return
            self.data.setdefault(name, []).append(
                a.get("value") or ("on" if a.get("type") == "checkbox" else "")
            )
        elif tag == "textarea" and name:
            self.data.setdefault(name, []).append("")
        elif tag == "select":
            self.select = name
        elif tag == "option" and self.select and "selected" in a:
            self.data.setdefault(self.select, []).append(a.get("value") or "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self.select = None
        if tag == "form" and self.in_form:
            self.in_form, self.done = False, True


def as_browser(page: str, **changes: Any) -> dict[str, Any]:
    reader = FormReader()
    reader.feed(page)
    data: dict[str, Any] = {k: v if len(v) > 1 else v[0] for k, v in reader.data.items()}
    for name, value in changes.items():
        if value is None:
            data.pop(name, None)  # an unticked box is not sent
        else:
            data[name] = value
    return data


def intake_page(http: HttpClient, client: Client) -> str:
    response = http.get(reverse("intake", args=[client.pk]))
    assert response.status_code == 200
    return response.content.decode()


def post_intake(http: HttpClient, client: Client, **changes: Any) -> Any:
    data = as_browser(intake_page(http, client), **changes)
    return http.post(reverse("intake", args=[client.pk]), data)


R = "reminders-"


@pytest.mark.django_db
def test_the_intake_offers_reminders_all_off(world: World) -> None:
    page = intake_page(world.http("client_a"), world.client_a)
    assert 'id="intake-reminders"' in page and reverse("reminder_settings") in page
    for name in ("email_followups", "email_rating", "email_checkin", "calendar"):
        assert f'name="{R}{name}"' in page
    sent = as_browser(page)
    assert not any(f"{R}{name}" in sent for name in ("email_followups", "email_rating", "email_checkin"))
    assert sent[f"{R}checkin_time"] == "20:00" and sent[f"{R}email"] == "anna@example.org"


@pytest.mark.django_db
def test_an_intake_saved_as_it_came_chooses_no_reminder(world: World) -> None:
    http = world.http("client_a")
    response = post_intake(http, world.client_a, goals="sleep through the night")
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert Client.objects.get(pk=world.client_a.pk).goals == "sleep through the night"
    # The client had a session a day ago: nothing is planned for it, no settings row is made.
    assert not ReminderSettings.objects.exists() and not Reminder.objects.exists()
    assert "Nothing is sent until you choose here." in http.get(reverse("reminder_settings")).content.decode()


@pytest.mark.django_db
def test_reminders_ticked_at_intake_are_saved_and_planned_with_it(world: World) -> None:
    http = world.http("client_a")
    response = post_intake(
        http, world.client_a, **{f"{R}email_followups": "on", f"{R}email_rating": "on",
                                 f"{R}quiet_start": "22:00", f"{R}quiet_end": "07:00"},
    )  # fmt: skip
    assert response.status_code == 302 and response["Location"] == reverse("home")
    prefs = ReminderSettings.objects.get(client=world.client_a)
    assert (prefs.email_followups, prefs.email_rating, prefs.email_checkin) == (True, True, False)
    assert (prefs.quiet_start, prefs.quiet_end) == (time(22, 0), time(7, 0))
    # The therapist's session of a day ago: its follow-ups and its rating are now planned (the
    # session of three days ago is past its windows). Whether one was answered is checked when it
    # is due: the 24 h one was, by the check-in of two hours ago.
    kinds = sorted(Reminder.objects.filter(client=world.client_a).values_list("kind", flat=True))
    assert kinds == ["followup_24", "followup_48", "rating"]
    actions = AuditEvent.objects.filter(client_ref=world.client_a.pk).values_list("action", flat=True)
    assert {"intake_saved", "reminders_changed"} <= set(actions)
    # The intake shows them as chosen; the Reminders page has the same choices.
    again = as_browser(intake_page(http, world.client_a))
    assert again[f"{R}email_followups"] == "on" and f"{R}email_checkin" not in again
    settings_page = as_browser(http.get(reverse("reminder_settings")).content.decode())
    assert settings_page["email_followups"] == "on" and settings_page["quiet_end"] == "07:00"


@pytest.mark.django_db
def test_bad_reminder_times_save_neither_the_intake_nor_the_reminders(world: World) -> None:
    http = world.http("client_a")
    before = Client.objects.get(pk=world.client_a.pk).goals
    response = post_intake(
        http, world.client_a, goals="a new goal",
        **{f"{R}email_checkin": "on", f"{R}checkin_time": "23:30", f"{R}quiet_start": "22:00"},
    )  # fmt: skip
    assert response.status_code == 200
    page = response.content.decode()
    assert "checkin_time 23:30 is inside the quiet hours 22:00-08:00" in page
    assert Client.objects.get(pk=world.client_a.pk).goals == before
    assert not ReminderSettings.objects.exists() and not Reminder.objects.exists()


@pytest.mark.django_db
def test_a_bad_intake_saves_no_reminder_either(world: World) -> None:
    http = world.http("client_a")
    response = post_intake(http, world.client_a, timezone="Mars/Olympus", **{f"{R}email_followups": "on"})
    assert response.status_code == 200
    assert not ReminderSettings.objects.exists() and not Reminder.objects.exists()


@pytest.mark.django_db
def test_the_calendar_ticked_at_intake_shows_its_private_link_once(world: World) -> None:
    http = world.http("client_a")
    response = post_intake(http, world.client_a, **{f"{R}calendar": "on"})
    assert response["Location"] == reverse("reminder_settings")
    page = http.get(response["Location"]).content.decode()
    assert "Your private calendar link is ready" in page and "webcal://" in page
    assert ReminderSettings.objects.get(client=world.client_a).feed_token_hash
    assert (
        "Your private calendar link is ready" not in http.get(reverse("reminder_settings")).content.decode()
    )
    # Once the link exists the intake no longer offers it (a new one is made on the Reminders page).
    assert f'name="{R}calendar"' not in intake_page(http, world.client_a)


@pytest.mark.django_db
def test_an_intake_posted_without_the_section_keeps_the_reminders(world: World) -> None:
    http = world.http("client_a")
    post_intake(http, world.client_a, **{f"{R}email_followups": "on"})
    data = {k: v for k, v in as_browser(intake_page(http, world.client_a)).items() if not k.startswith(R)}
    assert http.post(reverse("intake", args=[world.client_a.pk]), data).status_code == 302
    assert ReminderSettings.objects.get(client=world.client_a).email_followups is True
    assert Client.objects.get(pk=world.client_a.pk).user.email == "anna@example.org"


@pytest.mark.django_db
def test_a_new_time_zone_at_intake_moves_the_chosen_reminders_to_the_new_local_times(world: World) -> None:
    stockholm, new_york = ZoneInfo("Europe/Stockholm"), ZoneInfo("America/New_York")
    # A session whose 48 h follow-up is due at 12:00 in Stockholm: 06:00 in New York, still quiet there.
    noon = datetime.combine(timezone.now().astimezone(stockholm).date(), time(12, 0), tzinfo=stockholm)
    target = noon if noon > timezone.now() + timedelta(hours=1) else noon + timedelta(days=1)
    session = services.session_record(
        actor=None, client=world.client_a, start=target - timedelta(hours=48), pressure=2, minutes=60,
        technique=["swedish"],
    )  # fmt: skip
    http = world.http("client_a")
    night = {f"{R}email_followups": "on", f"{R}quiet_start": "22:00", f"{R}quiet_end": "07:00"}
    post_intake(http, world.client_a, timezone="Europe/Stockholm", **night)
    before = Reminder.objects.get(session=session, kind="followup_48", state="scheduled")
    assert f"{before.due_at.astimezone(stockholm):%H:%M}" == "12:00"
    post_intake(http, world.client_a, timezone="America/New_York")  # the section as it was
    before.refresh_from_db()
    after = Reminder.objects.get(session=session, kind="followup_48", state="scheduled")
    assert before.state == "cancelled" and after.pk != before.pk
    assert f"{after.due_at.astimezone(new_york):%H:%M}" == "07:00"  # the end of the quiet hours there
