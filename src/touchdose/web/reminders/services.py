"""Reminder writes: planning the rows, the job that sends one (claimed atomically first), the
client's choices, the calendar token, unsubscribing.

Sending exactly once: a job claims its row with one conditional UPDATE
(``state: scheduled -> sending``). On SQLite the write lock makes that UPDATE atomic; on
PostgreSQL a second, concurrent UPDATE waits for the first and then finds the state changed, so
it updates nothing. Only the claimer sends, and nobody claims a row twice. A claimed row returns
to ``scheduled`` only by its claimer's own hand (postponed out of the quiet hours, or a retry after
the mail server refused it). A worker killed between the claim and the end of the SMTP
conversation leaves a ``sending`` row; :func:`recover` marks it failed rather than risk a second
e-mail (docs/reminders.md).
"""

from __future__ import annotations

import logging
import secrets
import smtplib
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django_tasks import task
from django_tasks_db.models import DBTaskResult

from touchdose.analysis.response import FOLLOWUP_48H_HOURS
from touchdose.web import audit
from touchdose.web.audit import Action
from touchdose.web.models import Client, MassageSession, Reminder, ReminderSettings
from touchdose.web.reminders import mail, schedule
from touchdose.web.reminders.selectors import (
    FOLLOWUPS,
    RATING_ASK_DAYS,
    feed_token_hash,
    followup_deadline,
    quiet_of,
    rated,
    settings_of,
    verdict,
    zone_of,
)

log = logging.getLogger(__name__)
Kind, State = Reminder.Kind, Reminder.State

#: A job may run this much before its row's due time (clocks of several machines differ).
CLAIM_SLACK = timedelta(minutes=1)
#: The mail server refused or could not be reached: try again after these waits, then give up.
RETRY_WAITS = (timedelta(minutes=5), timedelta(minutes=30))
#: A row claimed longer ago than this belongs to a worker that died while sending.
STALE_CLAIM = timedelta(minutes=10)
#: Calendar tokens: 32 random bytes (256 bits); only the SHA-256 is stored.
FEED_TOKEN_BYTES = 32


@dataclass(frozen=True)
class Choices:
    """What the client chose on the reminders page (all off, no times: nothing is sent)."""

    email_followups: bool = False
    email_checkin: bool = False
    email_rating: bool = False
    checkin_time: time | None = None
    quiet_start: time | None = None
    quiet_end: time | None = None

    def __post_init__(self) -> None:
        if self.email_checkin and self.checkin_time is None:
            raise ValueError("reminders: checkin_time is needed for daily check-in e-mails (allowed: HH:MM)")
        if (self.quiet_start is None) != (self.quiet_end is None):
            raise ValueError("reminders: quiet hours need both quiet_start and quiet_end (allowed: HH:MM)")
        quiet = self.quiet()
        if quiet and self.checkin_time and self.email_checkin and quiet.contains(self.checkin_time):
            raise ValueError(
                f"reminders: checkin_time {self.checkin_time:%H:%M} is inside the quiet hours "
                f"{quiet.start:%H:%M}-{quiet.end:%H:%M} (allowed: a time outside them)"
            )

    def quiet(self) -> schedule.QuietHours | None:
        if self.quiet_start is None or self.quiet_end is None:
            return None
        return schedule.QuietHours(self.quiet_start, self.quiet_end)  # raises if longer than allowed


# --- the job ---------------------------------------------------------------------------------------


@task()
def deliver_job(reminder_id: int) -> str:
    """The background job of one reminder (stored by django-tasks' database backend)."""
    return deliver(reminder_id=reminder_id)


def _enqueue(reminder: Reminder) -> None:
    """Store the job that sends ``reminder`` at its due time (same database, same transaction)."""
    deliver_job.using(run_after=reminder.due_at).enqueue(reminder.pk)


def _create(**fields: Any) -> Reminder:
    reminder = Reminder.objects.create(**fields)
    _enqueue(reminder)
    return reminder


# --- planning ------------------------------------------------------------------------------------


def _plan_session(session: MassageSession, prefs: ReminderSettings, now: datetime) -> None:
    zone, quiet = zone_of(session.client), quiet_of(prefs)
    live = set(
        Reminder.objects.filter(session=session).exclude(state=State.CANCELLED).values_list("kind", flat=True)
    )
    if prefs.email_followups:
        for kind, hours, window in FOLLOWUPS:
            due = schedule.followup_due(session.start, hours, window, zone, quiet)
            if kind in live or due is None or now > followup_deadline(session, kind):
                continue
            _create(client=session.client, session=session, kind=kind, due_at=max(due, now))
    if prefs.email_rating and session.therapist_id and not rated(session) and Kind.RATING not in live:
        due = schedule.rating_due(session.start, session.minutes, zone, quiet)
        if now < session.start + timedelta(days=RATING_ASK_DAYS):
            _create(client=session.client, session=session, kind=Kind.RATING, due_at=max(due, now))


def _plan_checkin(client: Client, prefs: ReminderSettings, now: datetime) -> None:
    if not prefs.email_checkin or prefs.checkin_time is None:
        return
    zone = zone_of(client)
    day = schedule.next_checkin_day(now, prefs.checkin_time, zone)
    if (
        not Reminder.objects.filter(client=client, kind=Kind.CHECKIN, day=day)
        .exclude(state=State.CANCELLED)
        .exists()
    ):
        due = schedule.checkin_due(day, prefs.checkin_time, zone)
        _create(client=client, kind=Kind.CHECKIN, day=day, due_at=due)


def _cancel(rows: Any, reason: str) -> int:
    return int(rows.filter(state=State.SCHEDULED).update(state=State.CANCELLED, reason=reason))


@transaction.atomic
def session_saved(*, session: MassageSession, now: datetime | None = None) -> None:
    """(Re)plan a session's follow-up and rating reminders after it was logged or changed (its time
    may have moved); what was already sent or answered stays as it is."""
    _cancel(Reminder.objects.filter(session=session), "session changed")
    prefs = settings_of(session.client)
    if prefs is not None:
        _plan_session(session, prefs, now or timezone.now())


@transaction.atomic
def choices_save(
    *, actor: Any, client: Client, choices: Choices, email: str | None = None, now: datetime | None = None
) -> ReminderSettings:
    """Save the client's choices and plan again: what no longer fits is cancelled, the recent
    sessions' follow-ups and the next check-in are scheduled as now chosen."""
    now = now or timezone.now()
    if email is not None and email != client.user.email:
        client.user.email = email
        client.user.save(update_fields=["email"])
    prefs, _ = ReminderSettings.objects.get_or_create(client=client)
    for name, value in vars(choices).items():
        setattr(prefs, name, value)
    prefs.chosen_at = now
    prefs.save()
    _cancel(Reminder.objects.filter(client=client), "choices changed")
    since = now - timedelta(hours=max(FOLLOWUP_48H_HOURS[1], RATING_ASK_DAYS * 24))
    for session in client.sessions.filter(start__gte=since, start__lte=now):
        _plan_session(session, prefs, now)
    _plan_checkin(client, prefs, now)
    audit.record(actor=actor, client_ref=client.pk, action=Action.REMINDERS_CHANGED)
    return prefs


@transaction.atomic
def unsubscribe(*, client_id: int, group: str) -> bool:
    """Turn off the e-mails of ``group`` (a key of :data:`mail.GROUP_WORDS`) from a signed link."""
    prefs = ReminderSettings.objects.select_for_update().filter(client_id=client_id).first()
    if prefs is None or group not in mail.GROUP_WORDS:
        return False
    groups = ("followups", "checkin", "rating") if group == "all" else (group,)
    for name in groups:
        setattr(prefs, "email_" + name, False)
    prefs.save()
    kinds = [kind for kind, g in mail.GROUP_OF_KIND.items() if g in groups]
    _cancel(Reminder.objects.filter(client_id=client_id, kind__in=kinds), "unsubscribed")
    audit.record(actor=None, client_ref=client_id, action=Action.UNSUBSCRIBED)
    return True


# --- sending -------------------------------------------------------------------------------------


def _finish(reminder: Reminder, state: str, reason: str, now: datetime) -> None:
    Reminder.objects.filter(pk=reminder.pk, state=State.SENDING).update(
        state=state, reason=reason, finished_at=now
    )
    if reminder.kind == Kind.CHECKIN and state in (State.SENT, State.SKIPPED, State.FAILED):
        prefs = settings_of(reminder.client)
        if prefs is not None:
            _plan_checkin(reminder.client, prefs, max(now, reminder.due_at) + timedelta(minutes=1))


def _release(reminder: Reminder, due_at: datetime, reason: str) -> None:
    """Give a claimed row back to the schedule at ``due_at`` with a new job (the claimer only)."""
    with transaction.atomic():
        Reminder.objects.filter(pk=reminder.pk, state=State.SENDING).update(
            state=State.SCHEDULED, due_at=due_at, reason=reason, claimed_at=None
        )
        reminder.due_at = due_at
        _enqueue(reminder)


def deliver(*, reminder_id: int, now: datetime | None = None) -> str:
    """Send one reminder if it is due, wanted and unanswered; return what happened (a state).

    Safe to call twice, from two workers at once, or long after: only the caller whose UPDATE
    claims the row goes on. The e-mail is sent outside any transaction (no lock held while a
    mail server answers)."""
    now = now or timezone.now()
    claimed = Reminder.objects.filter(
        pk=reminder_id, state=State.SCHEDULED, due_at__lte=now + CLAIM_SLACK
    ).update(state=State.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    if not claimed:
        return "not mine"
    reminder = Reminder.objects.select_related("client__user", "session").get(pk=reminder_id)
    prefs = settings_of(reminder.client)
    decided = verdict(reminder, prefs, now)
    if decided is not None:
        state, reason = decided
        if state == State.SCHEDULED:
            _release(reminder, quiet_of(prefs).ends_after(now, zone_of(reminder.client)), reason)  # type: ignore[union-attr]
        else:
            _finish(reminder, state, reason, now)
        return state
    return _send(reminder, now)


def _send(reminder: Reminder, now: datetime) -> str:
    message = mail.reminder_message(
        kind=reminder.kind, to=reminder.client.user.email, client_id=reminder.client_id,
        session_id=reminder.session_id, session_start=reminder.session.start if reminder.session else None,
        zone=zone_of(reminder.client),
    )  # fmt: skip
    try:
        message.send()
    except (smtplib.SMTPException, OSError) as error:
        # The class only: an SMTP error text can contain the address.
        log.warning("reminder %s: the mail server did not take it (%s)", reminder.pk, type(error).__name__)
        if reminder.attempts <= len(RETRY_WAITS):
            _release(reminder, now + RETRY_WAITS[reminder.attempts - 1], "mail server: retry")
            return State.SCHEDULED
        _finish(reminder, State.FAILED, "mail server refused", now)
        return State.FAILED
    with transaction.atomic():
        _finish(reminder, State.SENT, "", now)
        audit.record(actor=None, client_ref=reminder.client_id, action=Action.REMINDER_SENT)
    return State.SENT


def send_due(*, now: datetime | None = None) -> dict[str, int]:
    """Deliver every reminder due by ``now`` (what the jobs do, all at once): ``{state: count}``."""
    now = now or timezone.now()
    counts: dict[str, int] = {}
    for reminder_id in Reminder.objects.filter(state=State.SCHEDULED, due_at__lte=now).values_list(
        "pk", flat=True
    ):
        outcome = deliver(reminder_id=reminder_id, now=now)
        counts[outcome] = counts.get(outcome, 0) + 1
    return counts


@transaction.atomic
def recover(*, now: datetime | None = None) -> dict[str, int]:
    """At a worker's start: give every scheduled row a waiting job again (a worker that died took
    its running jobs with it; a second job for a row is harmless, the claim decides), mark rows left
    ``sending`` by a dead worker failed (never sent twice), and plan each wanted daily check-in."""
    now = now or timezone.now()
    stale = Reminder.objects.filter(state=State.SENDING, claimed_at__lt=now - STALE_CLAIM).update(
        state=State.FAILED, reason="worker stopped while sending", finished_at=now
    )
    waiting = _waiting_reminder_ids()
    requeued = 0
    for reminder in Reminder.objects.filter(state=State.SCHEDULED).exclude(pk__in=waiting):
        _enqueue(reminder)
        requeued += 1
    for prefs in ReminderSettings.objects.filter(email_checkin=True).select_related("client"):
        _plan_checkin(prefs.client, prefs, now)
    return {"requeued": requeued, "failed_stale": stale}


def _waiting_reminder_ids() -> set[int]:
    rows = DBTaskResult.objects.filter(status="READY", task_path=deliver_job.module_path)
    return {row["args"][0] for row in (r.args_kwargs for r in rows) if row.get("args")}


# --- calendar token ------------------------------------------------------------------------------


@transaction.atomic
def feed_token_reset(*, actor: Any, client: Client) -> str:
    """A new secret calendar token (returned once, stored as a hash); the old URL stops at once."""
    raw = secrets.token_urlsafe(FEED_TOKEN_BYTES)
    prefs, _ = ReminderSettings.objects.get_or_create(client=client)
    prefs.feed_token_hash, prefs.feed_created_at = feed_token_hash(raw), timezone.now()
    prefs.save(update_fields=["feed_token_hash", "feed_created_at"])
    audit.record(actor=actor, client_ref=client.pk, action=Action.CALENDAR_LINK_MADE)
    return raw


@transaction.atomic
def feed_token_remove(*, actor: Any, client: Client) -> None:
    if ReminderSettings.objects.filter(client=client, feed_token_hash__isnull=False).update(
        feed_token_hash=None, feed_created_at=None
    ):
        audit.record(actor=actor, client_ref=client.pk, action=Action.CALENDAR_LINK_REMOVED)


def feed_read_note(*, prefs: ReminderSettings, now: datetime | None = None) -> None:
    """Note when a calendar app last read the feed (the Reminders page shows it, so the client sees
    the subscription works). The read itself is audited where the feed reads the plan
    (:func:`touchdose.web.reminders.selectors.calendar_events`)."""
    ReminderSettings.objects.filter(pk=prefs.pk).update(feed_read_at=now or timezone.now())
