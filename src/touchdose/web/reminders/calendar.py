"""The private calendar feed as iCalendar (RFC 5545), built with the ``icalendar`` library.

Each event is a follow-up to answer (from the moment its reminder aims at to the end of its
window) or a rating to give, with an alarm at its start, or the next session of the engine's plan
(a whole day, with an alarm the evening before). Like the e-mails, an event says only what
to do and links to it: calendars are synced to servers nobody here controls."""

from __future__ import annotations

from datetime import datetime, timedelta

from icalendar import Alarm, Calendar, Event

from touchdose.web.reminders import links
from touchdose.web.reminders.selectors import PLANNED, CalendarEvent

SUMMARY = {
    "followup_24": "touchdose: one-minute follow-up (a day after your massage)",
    "followup_48": "touchdose: one-minute follow-up (two days after your massage)",
    "rating": "touchdose: rate your massage",
    PLANNED: "touchdose: next massage, as planned",
}
#: The alarm of a timed event: at its start. Of the next planned session (a whole day): the
#: evening before, 18:00 on the phone's clock (time to book it or to say it is not happening).
ALARM_AT_START = timedelta(0)
ALARM_DAY_BEFORE = -timedelta(hours=6)
#: Phone calendars ask again about this often (RFC 7986 REFRESH-INTERVAL; many apps decide themselves).
REFRESH = timedelta(hours=1)


def calendar_bytes(*, client_id: int, events: list[CalendarEvent], now: datetime, host: str) -> bytes:
    cal = Calendar()
    cal.add("prodid", "-//touchdose//reminders//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", "touchdose")
    cal.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", REFRESH)
    for item in events:
        cal.add_component(_event(item, client_id=client_id, now=now, host=host))
    return cal.to_ical()


def _event(item: CalendarEvent, *, client_id: int, now: datetime, host: str) -> Event:
    link = links.reminder_link(kind=item.kind, client_id=client_id, session_id=item.session_id)
    event = Event()
    event.add("uid", f"{item.uid}@{host}")
    event.add("dtstamp", now)
    event.add("dtstart", item.start)  # a date: a whole-day event (VALUE=DATE)
    event.add("dtend", item.end)
    event.add("summary", SUMMARY[item.kind])
    event.add("description", f"Open: {link}")
    event.add("url", link)
    event.add("transp", "TRANSPARENT")  # a reminder, not a busy slot
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", SUMMARY[item.kind])
    alarm.add("trigger", ALARM_AT_START if isinstance(item.start, datetime) else ALARM_DAY_BEFORE)
    event.add_component(alarm)
    return event
