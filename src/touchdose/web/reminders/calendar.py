"""The private calendar feed as iCalendar (RFC 5545), built with the ``icalendar`` library.

Each event is a follow-up to answer (from the moment its reminder aims at to the end of its
window) or a rating to give, with an alarm at its start. Like the e-mails, an event says only what
to do and links to it: calendars are synced to servers nobody here controls."""

from __future__ import annotations

from datetime import datetime, timedelta

from icalendar import Alarm, Calendar, Event

from touchdose.web.reminders import links
from touchdose.web.reminders.selectors import CalendarEvent

SUMMARY = {
    "followup_24": "touchdose: one-minute follow-up (a day after your massage)",
    "followup_48": "touchdose: one-minute follow-up (two days after your massage)",
    "rating": "touchdose: rate your massage",
}
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
        link = links.reminder_link(kind=item.kind, client_id=client_id, session_id=item.session_id)
        event = Event()
        event.add("uid", f"{item.uid}@{host}")
        event.add("dtstamp", now)
        event.add("dtstart", item.start)
        event.add("dtend", item.end)
        event.add("summary", SUMMARY[item.kind])
        event.add("description", f"Open: {link}")
        event.add("url", link)
        event.add("transp", "TRANSPARENT")  # a reminder, not a busy slot
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", SUMMARY[item.kind])
        alarm.add("trigger", timedelta(0))
        event.add_component(alarm)
        cal.add_component(event)
    return cal.to_ical()
