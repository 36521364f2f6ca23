"""When reminders are due: the client's time zone, a daylight-saving change, quiet hours
(touchdose.web.reminders.schedule, pure)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from touchdose.analysis.pause import Pause
from touchdose.analysis.plan import Plan
from touchdose.analysis.response import FOLLOWUP_24H_HOURS, FOLLOWUP_48H_HOURS
from touchdose.web.reminders.schedule import (
    QuietHours,
    checkin_due,
    followup_due,
    next_checkin_day,
    next_session_day,
    rating_due,
)

NEW_YORK = ZoneInfo("America/New_York")  # clocks go forward on Sunday 8 March 2026, 02:00 -> 03:00
NIGHT = QuietHours(time(22, 0), time(8, 0))


def local(moment: datetime | None, zone: ZoneInfo = NEW_YORK) -> str:
    assert moment is not None
    return f"{moment.astimezone(zone):%a %d %H:%M %Z}"


def test_a_session_at_10_is_followed_up_at_10_the_next_days_on_the_local_clock() -> None:
    session = datetime(2026, 3, 7, 10, 0, tzinfo=NEW_YORK)  # Saturday 10:00 EST
    due24 = followup_due(session, 24, FOLLOWUP_24H_HOURS, NEW_YORK, NIGHT)
    due48 = followup_due(session, 48, FOLLOWUP_48H_HOURS, NEW_YORK, NIGHT)
    # The clocks moved forward in between: still 10:00 on the local clock, 23 and 47 hours later.
    assert (local(due24), local(due48)) == ("Sun 08 10:00 EDT", "Mon 09 10:00 EDT")
    assert due24 is not None and due48 is not None
    assert ((due24 - session).total_seconds(), (due48 - session).total_seconds()) == (23 * 3600, 47 * 3600)


def test_autumn_change_keeps_the_local_time_25_hours_later() -> None:
    session = datetime(2026, 10, 31, 10, 0, tzinfo=NEW_YORK)  # clocks go back on 1 November
    due24 = followup_due(session, 24, FOLLOWUP_24H_HOURS, NEW_YORK, None)
    assert local(due24) == "Sun 01 10:00 EST"
    assert due24 is not None and (due24 - session).total_seconds() == 25 * 3600


def test_a_session_an_hour_before_the_skipped_hour_is_followed_up_an_hour_later_on_the_new_clock() -> None:
    session = datetime(2026, 3, 7, 2, 30, tzinfo=NEW_YORK)  # 02:30 does not exist on Sunday 8 March
    due24 = followup_due(session, 24, FOLLOWUP_24H_HOURS, NEW_YORK, None)
    assert local(due24) == "Sun 08 03:30 EDT"
    assert due24 is not None and (due24 - session).total_seconds() == 24 * 3600


def test_the_same_instant_is_followed_up_at_each_clients_own_local_time() -> None:
    session = datetime(2026, 3, 28, 15, 0, tzinfo=UTC)  # 16:00 in Stockholm, 11:00 in New York (EDT)
    stockholm = ZoneInfo("Europe/Stockholm")  # clocks go forward on Sunday 29 March
    in_stockholm = followup_due(session, 24, FOLLOWUP_24H_HOURS, stockholm, None)
    in_new_york = followup_due(session, 24, FOLLOWUP_24H_HOURS, NEW_YORK, None)
    assert local(in_stockholm, stockholm) == "Sun 29 16:00 CEST"  # 23 hours later
    assert local(in_new_york) == "Sun 29 11:00 EDT"  # no change there: 24 hours later


def test_a_late_session_waits_for_the_quiet_hours_to_end() -> None:
    session = datetime(2026, 3, 7, 23, 0, tzinfo=NEW_YORK)  # 24 h later is 23:00: quiet
    due24 = followup_due(session, 24, FOLLOWUP_24H_HOURS, NEW_YORK, NIGHT)
    due48 = followup_due(session, 48, FOLLOWUP_48H_HOURS, NEW_YORK, NIGHT)
    assert (local(due24), local(due48)) == ("Mon 09 08:00 EDT", "Tue 10 08:00 EDT")
    assert not NIGHT.contains(due24.astimezone(NEW_YORK).time())  # type: ignore[union-attr]


def test_when_the_quiet_end_is_too_late_to_answer_it_goes_before_the_quiet_hours() -> None:
    stockholm = ZoneInfo("Europe/Stockholm")
    late_night = QuietHours(time(21, 0), time(9, 0))
    session = datetime(2026, 6, 1, 2, 0, tzinfo=stockholm)  # 24 h later is 02:00; window ends 14:00
    # Quiet hours end at 09:00, 31 h after: fine. Now a session at 21:30: 24 h later is 21:30,
    # quiet ends 09:00 = 35.5 h after, less than an hour before the window closes: send at 20:59.
    assert local(followup_due(session, 24, FOLLOWUP_24H_HOURS, stockholm, late_night), stockholm) == (
        "Tue 02 09:00 CEST"
    )
    evening = datetime(2026, 6, 1, 21, 30, tzinfo=stockholm)
    assert local(followup_due(evening, 24, FOLLOWUP_24H_HOURS, stockholm, late_night), stockholm) == (
        "Tue 02 20:59 CEST"
    )


def test_quiet_hours_longer_than_12_hours_are_refused() -> None:
    with pytest.raises(ValueError, match=r"quiet hours 18:00-08:00 last 14 hours \(allowed: at most 12\)"):
        QuietHours(time(18, 0), time(8, 0))
    assert QuietHours(time(8, 0), time(8, 0)).contains(time(3, 0)) is False  # equal: none


def test_rating_reminder_an_hour_after_the_session_or_after_the_quiet_hours() -> None:
    evening = datetime(2026, 3, 7, 20, 30, tzinfo=NEW_YORK)
    assert local(rating_due(evening, 60, NEW_YORK, None)) == "Sat 07 22:30 EST"
    assert local(rating_due(evening, 60, NEW_YORK, NIGHT)) == "Sun 08 08:00 EDT"


def test_daily_check_in_keeps_its_local_time_across_the_change() -> None:
    eight = time(20, 0)
    before, after = (
        checkin_due(date(2026, 3, 7), eight, NEW_YORK),
        checkin_due(date(2026, 3, 8), eight, NEW_YORK),
    )
    assert (local(before), local(after)) == ("Sat 07 20:00 EST", "Sun 08 20:00 EDT")
    assert (after - before).total_seconds() == 23 * 3600
    # A time the change skips is taken an hour later on the new clock.
    assert local(checkin_due(date(2026, 3, 8), time(2, 30), NEW_YORK)) == "Sun 08 03:30 EDT"
    now = datetime(2026, 3, 8, 1, 0, tzinfo=UTC)  # Saturday 20:00 EST: today's moment has come
    assert next_checkin_day(now, eight, NEW_YORK) == date(2026, 3, 8)


def plan(**fields: Any) -> Plan:
    return Plan(
        **{"pressure": 2, "minutes": 30, "sessions_per_week": 2, "avoid_regions": (), "why": ()} | fields
    )


def test_the_next_planned_session_is_the_plans_spacing_after_the_last_one() -> None:
    last = datetime(2026, 3, 8, 2, 30, tzinfo=UTC)  # Saturday 21:30 in New York: its day counts
    today = date(2026, 3, 8)
    assert next_session_day(plan(), last, today, NEW_YORK) == date(2026, 3, 7) + timedelta(days=4)
    assert next_session_day(plan(sessions_per_week=1), last, today, NEW_YORK) == date(2026, 3, 14)
    # Overdue: today, not a day that has passed.
    assert next_session_day(plan(), last, date(2026, 3, 20), NEW_YORK) == date(2026, 3, 20)


def test_a_break_due_now_puts_the_next_session_after_it() -> None:
    last = datetime(2026, 3, 7, 15, 0, tzinfo=UTC)
    due = Pause(after_sessions=0, days=10, verdict_expected=date(2026, 4, 1), power=0.8, why=())
    later = Pause(after_sessions=2, days=10, verdict_expected=date(2026, 4, 1), power=0.8, why=())
    assert next_session_day(plan(pause=due), last, date(2026, 3, 7), NEW_YORK) == date(2026, 3, 17)
    assert next_session_day(plan(pause=later), last, date(2026, 3, 7), NEW_YORK) == date(2026, 3, 11)


def test_nothing_is_planned_when_massage_stops_or_has_not_started() -> None:
    last = datetime(2026, 3, 7, 15, 0, tzinfo=UTC)
    today = date(2026, 3, 7)
    stopped = plan(pressure=None, minutes=0, sessions_per_week=0, stop=True)
    assert next_session_day(stopped, last, today, NEW_YORK) is None
    assert next_session_day(None, last, today, NEW_YORK) is None
    assert next_session_day(plan(), None, today, NEW_YORK) is None
