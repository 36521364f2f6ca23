"""Template filters: one date format (:mod:`touchdose.web.dates`) and counts with their plural
(:mod:`touchdose.text`)."""

from __future__ import annotations

from datetime import date, datetime

from django import template

from touchdose import text
from touchdose.records import RED_FLAG_LABELS
from touchdose.web import dates

register = template.Library()


@register.filter
def day(value: date | datetime | None) -> str:
    """``{{ when|day }}``: "Tue 3 Mar 2026" (empty for None)."""
    return dates.day(value) if value else ""


@register.filter
def moment(value: datetime | None) -> str:
    """``{{ when|moment }}``: "Tue 3 Mar 2026, 10:00" (empty for None)."""
    return dates.moment(value) if value else ""


@register.filter
def massage(value: datetime | None) -> str:
    """``{{ session.start|massage }}``: "Tuesday's massage at 10:00"."""
    return dates.massage(value) if value else ""


@register.filter
def count(n: int, nouns: str) -> str:
    """``{{ n|count:"session" }}`` or ``{{ n|count:"session is,sessions are" }}``."""
    singular, _, plural = nouns.partition(",")
    return text.count(int(n), singular, plural or None)


@register.filter
def red_flag_words(codes: list[str] | None) -> str:
    """``{{ checkin.red_flags|red_flag_words }}``: the client's words for each red flag, joined
    (records.RED_FLAG_LABELS; empty when there are none)."""
    return "; ".join(RED_FLAG_LABELS.get(c, c) for c in codes or ())
