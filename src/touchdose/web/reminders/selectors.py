"""Reminder reads: a client's choices, whether a reminder is still wanted and unanswered, what
would be sent now (for an operator), and the events of a client's calendar feed."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import QuerySet
from django.utils import timezone

from touchdose.analysis.response import FOLLOWUP_24H_HOURS, FOLLOWUP_48H_HOURS
from touchdose.records import SESSION_RATINGS
from touchdose.web import selectors as web_selectors
from touchdose.web.audit import Action
from touchdose.web.models import CheckIn, Client, MassageSession, Reminder, ReminderSettings
from touchdose.web.reminders import mail, schedule

Kind, State = Reminder.Kind, Reminder.State
#: The follow-up reminders: kind, the hour aimed at, and the window a check-in answers it in
#: (the windows are the engine's: :mod:`touchdose.analysis.response`).
FOLLOWUPS = ((Kind.FOLLOWUP_24, 24.0, FOLLOWUP_24H_HOURS), (Kind.FOLLOWUP_48, 48.0, FOLLOWUP_48H_HOURS))
WINDOW_OF = {kind: window for kind, _, window in FOLLOWUPS}
#: A session's rating is asked for at most this long after it (later, memory is not data).
RATING_ASK_DAYS = 7


def settings_of(client: Client) -> ReminderSettings | None:
    return ReminderSettings.objects.filter(client=client).first()


def zone_of(client: Client) -> ZoneInfo:
    return ZoneInfo(client.timezone)


def quiet_of(prefs: ReminderSettings | None) -> schedule.QuietHours | None:
    if prefs is None or prefs.quiet_start is None or prefs.quiet_end is None:
        return None
    return schedule.QuietHours(prefs.quiet_start, prefs.quiet_end)


def wants(prefs: ReminderSettings | None, kind: str) -> bool:
    """Whether the client has the e-mails of this kind of reminder switched on."""
    return prefs is not None and bool(getattr(prefs, "email_" + mail.GROUP_OF_KIND[kind]))


def rated(session: MassageSession) -> bool:
    """Whether the client has given any of a session's ratings (:data:`touchdose.records.SESSION_RATINGS`)."""
    return any(getattr(session, name) is not None for name in SESSION_RATINGS)


def followup_window(session: MassageSession, kind: str) -> tuple[datetime, datetime]:
    """When a check-in answers the follow-up ``kind`` of ``session``: ``[opens, closes)``."""
    low, high = WINDOW_OF[Kind(kind)]
    return session.start + timedelta(hours=low), session.start + timedelta(hours=high)


def followup_deadline(session: MassageSession, kind: str) -> datetime:
    """The last moment a follow-up reminder is worth sending (an hour left to answer it)."""
    return followup_window(session, kind)[1] - schedule.ANSWER_TIME


def day_bounds(day: object, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """The client's local day as ``[start, end)`` in UTC (23 or 25 hours long on a clock change)."""
    start = schedule.checkin_due(day, time(0, 0), zone)  # type: ignore[arg-type]
    return start, schedule.checkin_due(day + timedelta(days=1), time(0, 0), zone)  # type: ignore[operator]


def verdict(reminder: Reminder, prefs: ReminderSettings | None, now: datetime) -> tuple[str, str] | None:
    """Why not to send ``reminder`` at ``now``: ``(state, reason)``, where state "scheduled" means
    postpone to the end of the quiet hours. None: send it. Checked at send time, so nothing goes out
    once answered."""
    client, zone = reminder.client, zone_of(reminder.client)
    if not wants(prefs, reminder.kind):
        return State.CANCELLED, "turned off"
    if reminder.kind == Kind.CHECKIN:
        start, deadline = day_bounds(reminder.day, zone)
        answered = CheckIn.objects.filter(client=client, time__gte=start, time__lt=deadline).exists()
    elif reminder.kind == Kind.RATING:
        assert reminder.session is not None  # a rating reminder always belongs to a session
        answered = rated(reminder.session)
        deadline = reminder.session.start + timedelta(days=RATING_ASK_DAYS)
    else:
        assert reminder.session is not None
        opens, closes = followup_window(reminder.session, reminder.kind)
        answered = CheckIn.objects.filter(client=client, time__gte=opens, time__lt=closes).exists()
        deadline = followup_deadline(reminder.session, reminder.kind)
    if answered:
        return State.SKIPPED, "answered"
    if now > deadline:
        return State.SKIPPED, "too late"
    if not client.user.email:
        return State.FAILED, "no e-mail address"
    quiet = quiet_of(prefs)
    if quiet is not None and schedule.is_quiet(now, zone, quiet):
        if quiet.ends_after(now, zone) <= deadline:
            return State.SCHEDULED, "quiet hours"
        return State.SKIPPED, "quiet until too late"
    return None


@dataclass(frozen=True)
class Due:
    """One reminder due now, as an operator sees it: no address, no health value."""

    reminder_id: int
    client_id: int
    kind: str
    due_at: datetime
    local_due: str
    outcome: str  # "send", or what would happen instead and why


def due_now(*, now: datetime | None = None) -> list[Due]:
    """Every scheduled reminder due by ``now`` and what sending it now would do."""
    now = now or timezone.now()
    rows = Reminder.objects.filter(state=State.SCHEDULED, due_at__lte=now).select_related(
        "client__user", "session"
    )
    found = []
    for reminder in rows:
        prefs = settings_of(reminder.client)
        decided = verdict(reminder, prefs, now)
        outcome = "send" if decided is None else f"{State(decided[0]).label} ({decided[1]})"
        if decided is not None and decided[0] == State.SCHEDULED:
            outcome = f"wait ({decided[1]})"
        local_time = reminder.due_at.astimezone(zone_of(reminder.client))
        local = f"{local_time:%Y-%m-%d %H:%M} {reminder.client.timezone}"
        found.append(Due(reminder.pk, reminder.client_id, reminder.kind, reminder.due_at, local, outcome))
    return found


def reminders_of(client: Client) -> QuerySet[Reminder]:
    return Reminder.objects.filter(client=client)


# --- the calendar feed -----------------------------------------------------------------------------


def feed_token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def settings_by_feed_token(raw: str) -> ReminderSettings | None:
    """The settings (and client) whose calendar URL carries ``raw``; None for an unknown or reset one."""
    if not raw or len(raw) > 100:
        return None
    return (
        ReminderSettings.objects.select_related("client").filter(feed_token_hash=feed_token_hash(raw)).first()
    )


@dataclass(frozen=True)
class CalendarEvent:
    """One event of the feed: a follow-up to answer or a rating to give (a link and a time), or
    the next session of the plan (a whole day: the plan says the day, not the hour)."""

    uid: str
    kind: str
    start: datetime | date
    end: datetime | date
    session_id: int | None
    session_start: datetime | None


#: The kind of the feed's event for the next session of the engine's plan.
PLANNED = "plan"


#: Past sessions whose follow-ups still appear in the feed (a calendar keeps recent history).
FEED_DAYS_BACK = 14


def calendar_events(*, client: Client, now: datetime | None = None) -> list[CalendarEvent]:
    """The follow-ups of the client's recent sessions that are still open or ahead, each from the
    moment its reminder is aimed at to the end of its window, the ratings still to give, and the
    next session of the engine's plan (read from the results cache; the read is audited as a
    calendar app's)."""
    now = now or timezone.now()
    prefs = settings_of(client)
    zone, quiet = zone_of(client), quiet_of(prefs)
    return [*_session_events(client, now, zone, quiet), *_planned_event(client, now, zone)]


def _planned_event(client: Client, now: datetime, zone: ZoneInfo) -> list[CalendarEvent]:
    results = web_selectors.client_analyses(actor=None, clients=[client], action=Action.CALENDAR_READ)
    last = client.sessions.order_by("-start").values_list("start", flat=True).first()
    day = schedule.next_session_day(results[client.pk].analysis.plan, last, now.astimezone(zone).date(), zone)
    if day is None:
        return []
    return [CalendarEvent(f"{PLANNED}-{client.pk}", PLANNED, day, day + timedelta(days=1), None, None)]


def _session_events(
    client: Client, now: datetime, zone: ZoneInfo, quiet: schedule.QuietHours | None
) -> list[CalendarEvent]:
    sessions = client.sessions.filter(start__gte=now - timedelta(days=FEED_DAYS_BACK), start__lte=now)
    times = list(
        client.checkins.filter(time__gte=now - timedelta(days=FEED_DAYS_BACK)).values_list("time", flat=True)
    )
    events = []
    for session in sessions.order_by("start"):
        for kind, hours, _ in FOLLOWUPS:
            opens, closes = followup_window(session, kind)
            if closes <= now or any(opens <= t < closes for t in times):
                continue
            start = schedule.followup_due(session.start, hours, WINDOW_OF[kind], zone, quiet) or opens
            events.append(
                CalendarEvent(f"{kind}-{session.pk}", kind, start, closes, session.pk, session.start)
            )
        if session.therapist_id and not rated(session):
            start = schedule.rating_due(session.start, session.minutes, zone, quiet)
            end = session.start + timedelta(days=RATING_ASK_DAYS)
            if end > now:
                hour = start + timedelta(hours=1)
                events.append(
                    CalendarEvent(f"rating-{session.pk}", Kind.RATING, start, hour, session.pk, session.start)
                )
    return events
