"""Every link a reminder e-mail or the calendar feed carries, built here and only here (so a page
that moves is a one-line change). Links are absolute (``settings.BASE_URL``): the worker that
sends them has no request to take the host from."""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.urls import reverse

#: The follow-up form and the rating page belong to the client pages (``followup`` with the
#: session and the hours, ``session_rate`` with the session); the daily check-in reminder opens
#: the check-in form, the calendar's next planned session the client's results and plan.
FOLLOWUP_PAGE, RATING_PAGE, CHECKIN_PAGE, PLAN_PAGE = "followup", "session_rate", "checkin_new", "dashboard"
#: The hours of each follow-up, as the ``followup`` page takes them.
FOLLOWUP_HOURS = {"followup_24": 24, "followup_48": 48}
KINDS = (*FOLLOWUP_HOURS, "rating", "checkin", "plan")
#: Salt of the signed unsubscribe token (a signature made for anything else never matches).
UNSUBSCRIBE_SALT = "touchdose.reminders.unsubscribe"


def absolute(path: str) -> str:
    return settings.BASE_URL + path


def reminder_link(*, kind: str, client_id: int, session_id: int | None) -> str:
    """Where a reminder of ``kind`` (a :class:`~touchdose.web.models.Reminder.Kind` value) leads."""
    if kind in FOLLOWUP_HOURS:
        return absolute(reverse(FOLLOWUP_PAGE, args=[session_id, FOLLOWUP_HOURS[kind]]))
    if kind == "rating":
        return absolute(reverse(RATING_PAGE, args=[session_id]))
    if kind == "checkin":
        return absolute(reverse(CHECKIN_PAGE, args=[client_id]))
    if kind == "plan":
        return absolute(reverse(PLAN_PAGE, args=[client_id]))
    raise ValueError(f"reminder link: kind {kind!r} (allowed: {', '.join(KINDS)})")


def settings_link() -> str:
    return absolute(reverse("reminder_settings"))


def unsubscribe_token(*, client_id: int, kind: str) -> str:
    """A signed, unguessable token naming the client and the kind of reminder to stop."""
    return signing.dumps({"c": client_id, "k": kind}, salt=UNSUBSCRIBE_SALT, compress=True)


def unsubscribe_read(token: str) -> tuple[int, str] | None:
    """``(client id, kind)`` of a valid token, else None (a forged or damaged link)."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("c"), int) or not isinstance(data.get("k"), str):
        return None
    return data["c"], data["k"]


def unsubscribe_link(*, client_id: int, kind: str) -> str:
    return absolute(reverse("reminder_unsubscribe", args=[unsubscribe_token(client_id=client_id, kind=kind)]))


def calendar_link(token: str) -> str:
    return absolute(reverse("calendar_feed", args=[token]))


def calendar_subscribe_link(token: str) -> str:
    """The same feed as a ``webcal://`` address, which phones open in their calendar app."""
    return "webcal://" + calendar_link(token).split("://", 1)[1]
