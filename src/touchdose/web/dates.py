"""One way to write a date and a time on every page (issue 10: five formats became one).

Times are shown in the time zone that is active (the client's, :func:`views.pages.show_in_zone_of`).
Templates use the filters of ``{% load td %}`` (:mod:`touchdose.web.templatetags.td`).
"""

from __future__ import annotations

from datetime import date, datetime

from django.utils import timezone
from django.utils.dateformat import format as django_format

#: A day: "Tue 3 Mar 2026".
DAY = "D j M Y"
#: A moment: "Tue 3 Mar 2026, 10:00".
MOMENT = "D j M Y, H:i"
#: A time of day: "10:00".
CLOCK = "H:i"
#: Within this many days a session is named by its weekday ("Tuesday's massage").
WEEKDAY_DAYS = 6


def day(value: date | datetime) -> str:
    """A day, or the local day of a moment: "Tue 3 Mar 2026"."""
    return django_format(timezone.localtime(value) if isinstance(value, datetime) else value, DAY)


def moment(value: datetime) -> str:
    return django_format(timezone.localtime(value), MOMENT)


def massage(start: datetime, now: datetime | None = None) -> str:
    """The massage that started at ``start``, named as a person would: "today's massage at
    10:00", "yesterday's massage at 10:00", "Tuesday's massage at 10:00" within a week, else
    "the massage of Tue 3 Mar 2026 at 10:00"."""
    local = timezone.localtime(start)
    days = (timezone.localtime(now or timezone.now()).date() - local.date()).days
    clock = django_format(local, CLOCK)
    if days == 0:
        return f"today's massage at {clock}"
    if days == 1:
        return f"yesterday's massage at {clock}"
    if 1 < days <= WEEKDAY_DAYS:
        return f"{django_format(local, 'l')}'s massage at {clock}"
    return f"the massage of {day(local)} at {clock}"
