"""The reminder e-mail. It carries a link and a time, never a health value: no pain, no notes, no
conditions, no pressure, not even the name of the condition the app is for (an e-mail passes
through servers nobody here controls, and may be read over a shoulder). Only
:func:`reminder_message` builds one, from plain values, so a test can check every word."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.mail import EmailMessage

from touchdose.web.reminders import links

#: Which e-mail setting each kind of reminder belongs to (and what an unsubscribe link stops).
GROUP_OF_KIND = {
    "followup_24": "followups",
    "followup_48": "followups",
    "checkin": "checkin",
    "rating": "rating",
}
GROUP_WORDS = {
    "followups": "follow-up reminders after a session",
    "checkin": "daily check-in reminders",
    "rating": "reminders to rate a session",
    "all": "all reminder e-mails",
}


@dataclass(frozen=True)
class Wording:
    subject: str
    lead: str  # the one sentence; "{when}" is the session's local time
    action: str  # what the link does


WORDING = {
    "followup_24": Wording(
        "A one-minute follow-up, a day after your massage",
        "It is about a day since your massage on {when}.",
        "Tell how you are now",
    ),
    "followup_48": Wording(
        "A one-minute follow-up, two days after your massage",
        "It is about two days since your massage on {when}.",
        "Tell how you are now",
    ),
    "checkin": Wording("Your check-in for today", "This is your daily check-in reminder.", "Check in"),
    "rating": Wording(
        "How was your massage?",
        "Your therapist logged your massage on {when}; only you can say how it felt.",
        "Rate the session",
    ),
}


def when_words(moment: datetime, zone: ZoneInfo) -> str:
    """'Saturday 7 March at 10:00' in the client's own time zone."""
    local = moment.astimezone(zone)
    return f"{local:%A} {local.day} {local:%B} at {local:%H:%M}"


def reminder_message(
    *, kind: str, to: str, client_id: int, session_id: int | None, session_start: datetime | None,
    zone: ZoneInfo,
) -> EmailMessage:  # fmt: skip
    """The e-mail for one reminder: one sentence, one link, how to stop them."""
    wording = WORDING[kind]
    group = GROUP_OF_KIND[kind]
    lead = wording.lead.format(when=when_words(session_start, zone) if session_start else "")
    stop = links.unsubscribe_link(client_id=client_id, kind=group)
    body = "\n".join(
        [
            lead,
            "",
            f"{wording.action}: {links.reminder_link(kind=kind, client_id=client_id, session_id=session_id)}",
            "",
            f"You get this because you asked for {GROUP_WORDS[group]}.",
            f"Stop them with one click: {stop}",
            f"Change your reminders: {links.settings_link()}",
        ]
    )
    headers = {
        "List-Unsubscribe": f"<{stop}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",  # RFC 8058: mail apps POST to the link
        "Auto-Submitted": "auto-generated",  # RFC 3834: no auto-replies to a reminder
    }
    return EmailMessage(wording.subject, body, settings.DEFAULT_FROM_EMAIL, [to], headers=headers)
