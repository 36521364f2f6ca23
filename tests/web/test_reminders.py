"""Reminder e-mails against a real SMTP server started in the test (aiosmtpd): the right local
times across a daylight-saving change, none once answered, none in quiet hours, none twice after a
worker restart, and nothing from the client's record in the text."""

from __future__ import annotations

import email
import re
import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from email.message import Message
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from aiosmtpd.controller import Controller
from django.test import override_settings
from django.urls import resolve
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from tests.web.conftest import make_client, make_therapist

from touchdose.web import services
from touchdose.web.models import AuditEvent, Client, Reminder
from touchdose.web.reminders import services as reminders
from touchdose.web.reminders.services import Choices
from touchdose.web.reminders.worker import run_worker

NEW_YORK = ZoneInfo("America/New_York")  # clocks go forward on Sunday 8 March 2026
NIGHT = {"quiet_start": time(22, 0), "quiet_end": time(8, 0)}
FOLLOWUPS = Choices(email_followups=True, **NIGHT)
#: For the tests on the real clock: with quiet hours they would pass or fail by the time of day
#: they run (after 22:00 in Stockholm a 24 h follow-up is "quiet until too late").
FOLLOWUPS_ANY_HOUR = Choices(email_followups=True)
BASE = "https://clinic.example"
#: Words from the test client's record (notes, goals, conditions, technique) and what they rate.
RECORD_WORDS = ("tender", "trapezius", "knees", "stairs", "bakery", "Hudson", "fibromyalgia", "myofascial")
RECORD_WORDS += ("neck", "pressure", "pain")


@dataclass
class Inbox:
    """What the SMTP server received, as parsed messages."""

    messages: list[Message] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(email.message_from_bytes(envelope.original_content))
        return "250 OK"

    def texts(self) -> list[str]:
        return [f"{m['Subject']}\n{m.get_payload(decode=True).decode()}" for m in self.messages]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def inbox() -> Iterator[Inbox]:
    box = Inbox()
    port = free_port()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        smtp = "django.core.mail.backends.smtp.EmailBackend"
        with override_settings(EMAIL_BACKEND=smtp, EMAIL_HOST="127.0.0.1", EMAIL_PORT=port, BASE_URL=BASE):
            yield box
    finally:
        controller.stop()


def client_in(zone: str, choices: Choices, now: datetime) -> Client:
    client = make_client("nina", tz=zone)
    client.user.email = "nina@example.org"
    client.user.save()
    reminders.choices_save(actor=client.user, client=client, choices=choices, now=now)
    return client


def log_session(client: Client, start: datetime, **extra: Any) -> Any:
    """Log a session as the web does, with the clock standing just after the session."""
    session = services.session_record(
        actor=None, client=client, start=start, pressure=2, minutes=60, technique=["swedish"], **extra
    )
    reminders.session_saved(session=session, now=start + timedelta(minutes=70))  # logged after it
    return session


def log_recent(client: Client, hours_ago: float, **extra: Any) -> Any:
    """A session that happened ``hours_ago``, logged now (the real clock)."""
    start = timezone.now() - timedelta(hours=hours_ago)
    return services.session_record(
        actor=None, client=client, start=start, pressure=2, minutes=60, technique=["swedish"], **extra
    )


def run_clock(start: datetime, end: datetime, step: timedelta = timedelta(minutes=15)) -> list[datetime]:
    """Deliver due reminders at every ``step`` from ``start`` to ``end``; when each e-mail went."""
    sent = []
    now = start.astimezone(UTC)  # steps of elapsed time (in a ZoneInfo they would be wall-clock)
    while now <= end:
        if reminders.send_due(now=now).get("sent"):
            sent.append(now)
        now += step
    return sent


@pytest.mark.django_db
def test_a_session_at_10_gives_one_24h_and_one_48h_email_at_local_times_across_dst(inbox: Inbox) -> None:
    start = datetime(2026, 3, 7, 10, 0, tzinfo=NEW_YORK)  # Saturday 10:00 EST
    client = client_in("America/New_York", FOLLOWUPS, start - timedelta(days=1))
    log_session(client, start)
    sent = run_clock(start, start + timedelta(days=3))
    local = [f"{t.astimezone(NEW_YORK):%a %H:%M %Z}" for t in sent]
    # The same time of day on the client's clock, though the clocks went forward in between.
    assert local == ["Sun 10:00 EDT", "Mon 10:00 EDT"]
    assert [(t - start.astimezone(UTC)) / timedelta(hours=1) for t in sent] == [23, 47]
    # Each reminder's stored job waits for exactly that moment (the worker takes it then).
    reminder_jobs = DBTaskResult.objects.filter(task_path=reminders.deliver_job.module_path)
    jobs = sorted(reminder_jobs.values_list("run_after", flat=True))
    assert jobs == [r.due_at for r in Reminder.objects.order_by("due_at")] == sent
    assert len(inbox.messages) == 2
    assert [m["To"] for m in inbox.messages] == ["nina@example.org"] * 2
    assert "a day after" in inbox.messages[0]["Subject"] and "two days" in inbox.messages[1]["Subject"]
    assert "Saturday 7 March at 10:00" in inbox.texts()[0]  # the session's own local time
    states = set(Reminder.objects.values_list("state", flat=True))
    assert states == {"sent"}
    assert AuditEvent.objects.filter(client_ref=client.pk, action="reminder_sent").count() == 2


@pytest.mark.django_db
def test_none_after_the_follow_up_is_answered(inbox: Inbox) -> None:
    start = datetime(2026, 3, 7, 10, 0, tzinfo=NEW_YORK)
    client = client_in("America/New_York", FOLLOWUPS, start - timedelta(days=1))
    log_session(client, start)
    # Answered early in the 24 h window (20 h after), before the reminder's time.
    services.checkin_record(actor=None, client=client, time=start + timedelta(hours=20), pain=4)
    sent = run_clock(start, start + timedelta(days=3))
    assert len(sent) == 1 and len(inbox.messages) == 1 and "two days" in inbox.messages[0]["Subject"]
    assert Reminder.objects.get(kind="followup_24").state == "skipped"
    assert Reminder.objects.get(kind="followup_24").reason == "answered"


@pytest.mark.django_db
def test_none_in_quiet_hours(inbox: Inbox) -> None:
    start = datetime(2026, 3, 7, 23, 0, tzinfo=NEW_YORK)  # 24 and 48 h later are 23:00: quiet
    client = client_in("America/New_York", FOLLOWUPS, start - timedelta(days=1))
    log_session(client, start)
    sent = run_clock(start, start + timedelta(days=3), step=timedelta(minutes=30))
    assert [f"{t.astimezone(NEW_YORK):%a %H:%M}" for t in sent] == ["Mon 08:00", "Tue 08:00"]
    night = [t for t in sent if t.astimezone(NEW_YORK).hour >= 22 or t.astimezone(NEW_YORK).hour < 8]
    assert night == []


@pytest.mark.django_db
def test_a_job_running_late_into_quiet_hours_waits_for_the_morning_or_lets_it_go(inbox: Inbox) -> None:
    start = datetime(2026, 3, 7, 19, 0, tzinfo=NEW_YORK)  # rating asked at 21:00
    choices = Choices(email_followups=True, email_rating=True, **NIGHT)
    client = client_in("America/New_York", choices, start - timedelta(days=1))
    log_session(client, start, therapist=make_therapist("tove"))
    rating = Reminder.objects.get(kind="rating")
    assert f"{rating.due_at.astimezone(NEW_YORK):%a %H:%M}" == "Sat 21:00"
    late = datetime(2026, 3, 7, 23, 30, tzinfo=NEW_YORK)  # the worker was down until 23:30
    assert reminders.deliver(reminder_id=rating.pk, now=late) == "scheduled"
    rating.refresh_from_db()
    assert f"{rating.due_at.astimezone(NEW_YORK):%a %H:%M}" == "Sun 08:00"  # a new job waits for it
    assert inbox.messages == []
    assert reminders.deliver(reminder_id=rating.pk, now=rating.due_at) == "sent"
    # A follow-up whose window would close before the quiet hours end is let go, not sent at night.
    followup = Reminder.objects.get(kind="followup_24")  # Sunday 19:00; its window closes Monday 08:00
    night = datetime(2026, 3, 8, 22, 30, tzinfo=NEW_YORK)
    assert reminders.deliver(reminder_id=followup.pk, now=night) == "skipped"
    assert len(inbox.messages) == 1


@pytest.mark.django_db(transaction=True)  # the worker commits and checks its connection as in production
def test_none_twice_after_a_worker_restart_in_the_middle(inbox: Inbox) -> None:
    now = timezone.now()
    client = client_in("Europe/Stockholm", Choices(email_followups=True, email_rating=True), now)
    therapist = make_therapist("tove")
    # A session the therapist logged 30 hours ago: its 24 h follow-up and its rating are both due.
    session = services.session_record(
        actor=None, client=client, therapist=therapist, start=now - timedelta(hours=30), pressure=2,
        minutes=45, technique=["swedish"],
    )  # fmt: skip
    assert sorted(Reminder.objects.values_list("kind", flat=True)) == ["followup_24", "followup_48", "rating"]
    run_worker(batch=True, max_tasks=1, signals=False)  # the worker stops after one job
    assert len(inbox.messages) == 1
    run_worker(batch=True, signals=False)  # a new worker: the other one, not the first again
    run_worker(batch=True, signals=False)  # and another: nothing left that is due
    subjects = sorted(m["Subject"] for m in inbox.messages)
    assert subjects == ["A one-minute follow-up, a day after your massage", "How was your massage?"]
    assert Reminder.objects.get(kind="followup_48").state == "scheduled"  # not due yet
    assert Reminder.objects.get(session=session, kind="rating").state == "sent"


@pytest.mark.django_db(transaction=True)  # the worker commits and checks its connection as in production
def test_a_worker_killed_mid_job_loses_nothing_and_repeats_nothing(inbox: Inbox) -> None:
    now = timezone.now()
    client = client_in("Europe/Stockholm", FOLLOWUPS_ANY_HOUR, now)
    first = log_recent(client, 30)
    log_recent(client, 29)
    # kill -9 while running the first session's job, before it claimed the row: the job stays
    # "running" for ever and the row "scheduled".
    job = DBTaskResult.objects.get(
        args_kwargs__args=[Reminder.objects.get(session=first, kind="followup_24").pk]
    )
    DBTaskResult.objects.filter(pk=job.pk).update(status="RUNNING")
    # kill -9 in the middle of sending the second one: the row stays "sending".
    second = Reminder.objects.exclude(session=first).get(kind="followup_24")
    Reminder.objects.filter(pk=second.pk).update(state="sending", claimed_at=now - timedelta(minutes=20))
    run_worker(batch=True, signals=False)
    assert len(inbox.messages) == 1  # the first is sent by its new job; the second is not risked twice
    assert Reminder.objects.get(session=first, kind="followup_24").state == "sent"
    second.refresh_from_db()
    assert (second.state, second.reason) == ("failed", "worker stopped while sending")
    run_worker(batch=True, signals=False)
    assert len(inbox.messages) == 1


@pytest.mark.django_db
def test_two_deliveries_of_one_reminder_send_one_email(inbox: Inbox) -> None:
    now = timezone.now()
    client = client_in("Europe/Stockholm", FOLLOWUPS_ANY_HOUR, now)
    log_recent(client, 30)
    reminder = Reminder.objects.get(kind="followup_24")
    outcomes = [reminders.deliver(reminder_id=reminder.pk) for _ in range(3)]
    assert outcomes == ["sent", "not mine", "not mine"]
    assert len(inbox.messages) == 1


@pytest.mark.django_db
def test_the_email_carries_no_value_from_the_clients_record(inbox: Inbox) -> None:
    start = datetime(2026, 3, 7, 10, 0, tzinfo=NEW_YORK)
    choices = Choices(
        email_followups=True, email_rating=True, email_checkin=True, checkin_time=time(19, 45), **NIGHT
    )
    client = client_in("America/New_York", choices, start - timedelta(days=1))
    services.client_intake_save(
        actor=None, client=client, conditions=["fibromyalgia"], personal_factors="night shifts at the bakery",
        goals="walk the dog to Hudson park",
    )  # fmt: skip
    therapist = make_therapist("tove")
    session = services.session_record(
        actor=None, client=client, therapist=therapist, start=start, pressure=3, minutes=55,
        technique=["myofascial_release"], regions=["neck"], note="trapezius very tender on the left",
    )  # fmt: skip
    reminders.session_saved(session=session, now=start + timedelta(minutes=60))
    services.checkin_record(
        actor=None, client=client, time=start - timedelta(hours=3), pain=7, fatigue=8, sleep_hours=4.5,
        mood=2, rescue_doses=3, note="knees ache after the stairs",
    )  # fmt: skip
    run_clock(start, start + timedelta(days=3))
    kinds = {m["Subject"] for m in inbox.messages}
    assert len(kinds) == 4  # rating, two follow-ups, daily check-ins
    for message, text in zip(inbox.messages, inbox.texts(), strict=True):
        for words in RECORD_WORDS:
            assert words.lower() not in text.lower(), (words, text)
        # Every number in the e-mail is the session's time or inside a link: none is a rating.
        bare = re.sub(r"https://\S+", "", text).replace("Saturday 7 March at 10:00", "")
        assert re.findall(r"\d", bare) == [], bare
        assert message["List-Unsubscribe"].strip().startswith("<https://clinic.example/reminders/stop/")
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


@pytest.mark.django_db
def test_each_email_links_to_its_own_form_and_the_link_opens_it(inbox: Inbox, client: Any) -> None:
    start = datetime(2026, 3, 7, 10, 0, tzinfo=NEW_YORK)
    choices = Choices(
        email_followups=True, email_rating=True, email_checkin=True, checkin_time=time(19, 45), **NIGHT
    )
    nina = client_in("America/New_York", choices, start - timedelta(days=1))
    session = log_session(nina, start, therapist=make_therapist("tove"))
    run_clock(start, start + timedelta(days=1, hours=12))
    opened = {}
    client.force_login(nina.user)
    for message in inbox.messages:
        body = message.get_payload(decode=True).decode()
        link = re.search(r"https://clinic\.example(/\S+)", body).group(1)  # the first link: the action
        match = resolve(link)
        opened[message["Subject"]] = (match.url_name, dict(match.kwargs))
        assert client.get(link).status_code == 200, link
    assert opened == {
        "A one-minute follow-up, a day after your massage": (
            "followup",
            {"session_id": session.pk, "hours": 24},
        ),
        "How was your massage?": ("session_rate", {"session_id": session.pk}),
        "Your check-in for today": ("checkin_new", {"client_id": nina.pk}),
    }


@pytest.mark.django_db
def test_the_unsubscribe_link_stops_those_emails_in_one_click(inbox: Inbox, client: Any) -> None:
    now = timezone.now()
    nina = client_in("Europe/Stockholm", Choices(email_followups=True, email_rating=True), now)
    log_recent(nina, 30)
    reminders.send_due()
    link = re.search(r"<https://clinic.example(\S+)>", inbox.messages[0]["List-Unsubscribe"].strip()).group(1)
    assert client.get(link).status_code == 200  # asks; a link checker's GET changes nothing
    assert nina.reminder_settings.email_followups is True
    response = client.post(link, {"List-Unsubscribe": "One-Click"})  # a mail app's POST, no cookie
    assert response.status_code == 200 and b"no more follow-up reminders" in response.content
    nina.reminder_settings.refresh_from_db()
    assert (nina.reminder_settings.email_followups, nina.reminder_settings.email_rating) == (False, True)
    assert Reminder.objects.get(kind="followup_48").state == "cancelled"
    assert client.post(link.replace("stop/", "stop/x")).status_code == 404  # a forged token
    assert AuditEvent.objects.filter(client_ref=nina.pk, action="unsubscribed").count() == 1


@pytest.mark.django_db(transaction=True)  # the worker commits and checks its connection as in production
def test_nothing_is_sent_before_the_client_chooses(inbox: Inbox) -> None:
    client = make_client("otto")
    client.user.email = "otto@example.org"
    client.user.save()
    log_recent(client, 30)
    assert Reminder.objects.count() == 0
    run_worker(batch=True, signals=False)
    assert inbox.messages == []


@pytest.mark.django_db
def test_the_dry_run_lists_what_would_be_sent_without_sending(inbox: Inbox) -> None:
    from touchdose.web.reminders.selectors import due_now

    now = timezone.now()
    client = client_in("Europe/Stockholm", FOLLOWUPS_ANY_HOUR, now)
    log_recent(client, 30)
    due = due_now()
    assert [(d.client_id, d.kind, d.outcome) for d in due] == [(client.pk, "followup_24", "send")]
    assert inbox.messages == [] and Reminder.objects.get(kind="followup_24").state == "scheduled"


def test_utc_is_what_is_stored() -> None:
    assert datetime(2026, 3, 8, 15, 0, tzinfo=UTC).astimezone(NEW_YORK).hour == 11
