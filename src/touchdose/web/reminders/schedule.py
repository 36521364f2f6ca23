"""When a reminder is due: pure date arithmetic in the client's time zone (daylight saving
included) around the client's quiet hours. No Django, no database.

Every reminder aims at a time on the client's own wall clock: a session at 10:00 is followed up
the next day at 10:00 and the day after at 10:00 local time, also when the clocks change in
between (then the 24 h reminder comes 23 or 25 elapsed hours after the session). People remember
"the same time tomorrow", not an elapsed count of hours. The windows in which a check-in answers a
follow-up stay the engine's elapsed hours (18-36 h and 36-60 h: :mod:`touchdose.analysis.response`);
a one-hour shift keeps the reminder well inside them. A daily check-in is a time of day on the
local clock, whatever the offset.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from touchdose.analysis.pause import days_between_sessions
from touchdose.analysis.plan import Plan

#: Quiet hours may not cover more than this, so every follow-up window (18 h wide) keeps a time
#: outside them (our choice: half a day is the longest night anyone asked for in our tests).
QUIET_MAX_HOURS = 12
#: A follow-up e-mail leaves at least this long before its window closes, to be answered in it.
ANSWER_TIME = timedelta(hours=1)
#: The rating reminder: this long after the session ends (home, not on the table).
RATING_DELAY = timedelta(hours=1)
#: A reminder sent before quiet hours start leaves this long before them.
BEFORE_QUIET = timedelta(minutes=1)


@dataclass(frozen=True)
class QuietHours:
    """Local times of day with no e-mail: from ``start`` to ``end``, wrapping past midnight when
    ``end`` is earlier than ``start`` (22:00-08:00). Equal times mean no quiet hours."""

    start: time
    end: time

    def __post_init__(self) -> None:
        if self.hours() > QUIET_MAX_HOURS:
            raise ValueError(
                f"quiet hours {self.start:%H:%M}-{self.end:%H:%M} last {self.hours():g} hours "
                f"(allowed: at most {QUIET_MAX_HOURS})"
            )

    def hours(self) -> float:
        minutes = (_minutes(self.end) - _minutes(self.start)) % (24 * 60)
        return minutes / 60

    def contains(self, local: time) -> bool:
        start, end, now = _minutes(self.start), _minutes(self.end), _minutes(local)
        if start == end:
            return False
        if start < end:
            return start <= now < end
        return now >= start or now < end

    def ends_after(self, moment: datetime, zone: ZoneInfo) -> datetime:
        """``moment`` if it is outside the quiet hours, else the moment they end (aware, UTC)."""
        local = moment.astimezone(zone)
        if not self.contains(local.time()):
            return moment
        day = local.date()
        if self.start > self.end and local.time() >= self.start:
            day += timedelta(days=1)  # the quiet night that began this evening ends tomorrow
        return _at(day, self.end, zone)

    def starts_before(self, moment: datetime, zone: ZoneInfo) -> datetime:
        """For a ``moment`` inside the quiet hours: the last moment before they began."""
        local = moment.astimezone(zone)
        day = local.date()
        if self.start > self.end and local.time() < self.end:
            day -= timedelta(days=1)  # after midnight: the quiet night began yesterday evening
        return _at(day, self.start, zone) - BEFORE_QUIET


def _minutes(t: time) -> int:
    return t.hour * 60 + t.minute


def wall_clock_after(moment: datetime, hours: float, zone: ZoneInfo) -> datetime:
    """``hours`` after ``moment`` on the wall clock of ``zone`` (as a UTC instant): the same time of
    day ``hours // 24`` days later, whatever the clocks did in between. Python's arithmetic on a
    datetime with a ``ZoneInfo`` is wall-clock arithmetic; the offset is found again for the
    result (a time that a spring-forward change skips is taken with the offset before it)."""
    return (moment.astimezone(zone) + timedelta(hours=hours)).astimezone(UTC)


def _at(day: date, clock: time, zone: ZoneInfo) -> datetime:
    """``clock`` on ``day`` in ``zone`` as a UTC instant. A clock time that a spring-forward change
    skips (02:30 in most of Europe and America) is taken with the offset before the change, so it
    lands an hour later on the new clock (03:30); an autumn time that happens twice is the first."""
    return datetime.combine(day, clock, tzinfo=zone).astimezone(UTC)


def followup_due(
    session_start: datetime,
    target_hours: float,
    window: tuple[float, float],
    zone: ZoneInfo,
    quiet: QuietHours | None,
) -> datetime | None:
    """When to send a follow-up reminder: ``target_hours`` after the session on the client's wall
    clock (:func:`wall_clock_after`), or, if that falls in the quiet hours, the moment they end (or,
    when that is too late to answer inside the window, the moment before they begin). None when the
    window (elapsed hours after the session) has no time outside the quiet hours."""
    start = session_start.astimezone(UTC)
    opens = start + timedelta(hours=window[0])  # the engine's windows: elapsed hours
    closes = start + timedelta(hours=window[1])
    target = min(max(wall_clock_after(start, target_hours, zone), opens), closes - ANSWER_TIME)
    if quiet is None or not quiet.contains(target.astimezone(zone).time()):
        return target
    later = quiet.ends_after(target, zone)
    if later <= closes - ANSWER_TIME:
        return later
    earlier = quiet.starts_before(target, zone)
    return earlier if earlier >= opens else None


def rating_due(session_start: datetime, minutes: int, zone: ZoneInfo, quiet: QuietHours | None) -> datetime:
    """When to ask the client to rate a session a therapist logged: an hour after it ended, or when
    the quiet hours end."""
    moment = session_start.astimezone(UTC) + timedelta(minutes=minutes) + RATING_DELAY
    return quiet.ends_after(moment, zone) if quiet else moment


def checkin_due(day: date, clock: time, zone: ZoneInfo) -> datetime:
    """The daily check-in reminder of the local ``day`` at the local time ``clock``."""
    return _at(day, clock, zone)


def next_checkin_day(now: datetime, clock: time, zone: ZoneInfo) -> date:
    """The first local day whose check-in reminder is still ahead of ``now``."""
    day = now.astimezone(zone).date()
    return day if checkin_due(day, clock, zone) > now else day + timedelta(days=1)


def is_quiet(moment: datetime, zone: ZoneInfo, quiet: QuietHours | None) -> bool:
    return quiet is not None and quiet.contains(moment.astimezone(zone).time())


def next_session_day(
    plan: Plan | None, last_session: datetime | None, today: date, zone: ZoneInfo
) -> date | None:
    """The local day of the next session in the engine's plan: the last session's day plus the
    plan's spacing (:func:`~touchdose.analysis.pause.days_between_sessions`), or plus the planned
    break when it is due now (``plan.pause.after_sessions == 0``); today when that day has passed.
    None when nothing is planned: no plan, massage stopped or paused, or no session yet to count
    from (the first one is the client's and therapist's to book)."""
    if (
        plan is None
        or plan.stop
        or plan.pressure is None
        or plan.sessions_per_week < 1
        or last_session is None
    ):
        return None
    last_day = last_session.astimezone(zone).date()
    if plan.pause is not None and plan.pause.after_sessions == 0:
        day = last_day + timedelta(days=plan.pause.days)
    else:
        day = last_day + timedelta(days=days_between_sessions(plan.sessions_per_week))
    return max(day, today)
