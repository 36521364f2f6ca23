"""The audit trail: its vocabulary, its words, writing an event and reading a client's trail.

Reads (:mod:`touchdose.web.selectors`) and changes (:mod:`touchdose.web.services`) both record
their event here, a change in the same transaction as the change itself. No health value is ever
stored in an event: only who, when, which client, what kind of action and which record.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from django.db import models
from django.db.models import QuerySet

from touchdose.web.models import AuditEvent, CheckIn, Client, MassageSession


class Action(models.TextChoices):
    """One kind of read or change: the value stored in ``AuditEvent.action`` and the words the
    client's audit page shows after the name of who did it ("tove looked at the diary")."""

    # reads
    DASHBOARD_VIEWED = "dashboard_viewed", "looked at the results"
    CHECKINS_VIEWED = "checkins_viewed", "looked at the diary"
    SESSIONS_VIEWED = "sessions_viewed", "looked at the sessions"
    CLIENT_LISTED = "client_listed", "saw you in their client list"
    INTAKE_VIEWED = "intake_viewed", "looked at the intake answers"
    EXPORTED = "exported", "downloaded the data"
    REPORT_DOWNLOADED = "report_downloaded", "downloaded the report"
    AUDIT_VIEWED = "audit_viewed", "looked at this list"
    FOLLOWUPS_VIEWED = "followups_viewed", "looked at the follow-ups and ratings due"
    COHORT_ANALYSED = "cohort_analysed", "included the records in an analysis of many clients"
    # the account (issue 13, finding 6): who signed in and out, and who tried
    LOGGED_IN = "logged_in", "signed in"
    LOGGED_OUT = "logged_out", "signed out"
    LOGIN_FAILED = "login_failed", "failed to sign in (a wrong password)"
    PASSWORD_CHANGED = "password_changed", "changed the password"
    # changes
    ACCOUNT_CREATED = "account_created", "created the account"
    ACCOUNT_DELETED = "account_deleted", "deleted the account"
    INTAKE_SAVED = "intake_saved", "saved the intake answers"
    CHECKIN_RECORDED = "checkin_recorded", "added a check-in"
    CHECKIN_UPDATED = "checkin_updated", "changed a check-in"
    CHECKIN_DELETED = "checkin_deleted", "deleted a check-in"
    SESSION_RECORDED = "session_recorded", "added a session"
    SESSION_UPDATED = "session_updated", "changed a session"
    SESSION_DELETED = "session_deleted", "deleted a session"
    SHARE_CODE_CREATED = "share_code_created", "made a sharing code"
    SHARE_GRANTED = "share_granted", "was given access"
    SHARE_REVOKED = "share_revoked", "access was removed"
    IMPORTED = "imported", "imported a file"
    API_TOKEN_CREATED = "api_token_created", "made an API token"
    API_TOKEN_REVOKED = "api_token_revoked", "revoked an API token"
    # reminders (docs/reminders.md): the system's own events have no actor
    REMINDERS_CHANGED = "reminders_changed", "changed the reminders"
    REMINDER_SENT = "reminder_sent", "sent a reminder e-mail (a link and a time, no health data)"
    UNSUBSCRIBED = "unsubscribed", "stopped reminder e-mails from a link in one"
    CALENDAR_LINK_MADE = "calendar_link_made", "made a new private calendar link (the old one stopped)"
    CALENDAR_LINK_REMOVED = "calendar_link_removed", "turned the calendar link off"
    CALENDAR_READ = "calendar_read", "a calendar app read the calendar (follow-ups, the next planned session)"


#: The ``object_type`` of an event about one stored record.
OBJECT_TYPES: dict[type[models.Model], str] = {MassageSession: "session", CheckIn: "checkin"}


def record(
    *,
    actor: Any,
    client_ref: int | None,
    action: Action,
    object_type: str = "",
    object_ref: int | None = None,
) -> AuditEvent:
    """Write one event. ``actor`` is the signed-in user, or None for the system (import, demo)."""
    user = actor if getattr(actor, "is_authenticated", False) else None
    return AuditEvent.objects.create(
        actor=user,
        actor_name=user.get_username() if user else "",
        client_ref=client_ref,
        action=action.value,
        object_type=object_type,
        object_ref=object_ref,
    )


def record_many(*, actor: Any, client_refs: Iterable[int], action: Action) -> None:
    """Write the same event for many clients in one query (a caseload listing every client)."""
    user = actor if getattr(actor, "is_authenticated", False) else None
    name = user.get_username() if user else ""
    AuditEvent.objects.bulk_create(
        [AuditEvent(actor=user, actor_name=name, client_ref=ref, action=action.value) for ref in client_refs]
    )


def record_about(*, actor: Any, row: MassageSession | CheckIn, action: Action) -> AuditEvent:
    """Write an event about one session or check-in of a client."""
    return record(
        actor=actor, client_ref=row.client_id, action=action, object_type=OBJECT_TYPES[type(row)],
        object_ref=row.pk,
    )  # fmt: skip


def events_of(*, client: Client, limit: int | None = 200) -> QuerySet[AuditEvent]:
    """The client's trail, newest first (reading it is not itself recorded); ``limit=None``: all
    of it, for a page to show a part at a time."""
    events = AuditEvent.objects.filter(client_ref=client.pk).select_related("actor__therapist")
    return events if limit is None else events[:limit]


def words_for(action: str) -> str:
    """The words for a stored action; a value no longer in :class:`Action` is shown as stored."""
    return Action(action).label if action in Action.values else action


@dataclass(frozen=True)
class AuditLine:
    """Events in a row by the same person doing the same thing, for the client's audit page."""

    newest: datetime
    oldest: datetime
    who: str
    you: bool
    words: str
    times: int


def lines_of(events: Iterable[AuditEvent], *, viewer: Any) -> list[AuditLine]:
    """``events`` (newest first) as lines: a run of the same action by the same person is one
    line with its count ("looked at the results (12 times)")."""
    lines: list[AuditLine] = []
    for event in events:
        who = event.actor_name
        if event.actor is not None:  # a therapist by the name their clients know them by
            who = str(getattr(event.actor, "therapist", "") or who)
        you = event.actor_id is not None and event.actor_id == getattr(viewer, "pk", None)
        words = words_for(event.action)
        last = lines[-1] if lines else None
        if last is not None and (last.who, last.you, last.words) == (who, you, words):
            lines[-1] = replace(last, oldest=event.time, times=last.times + 1)
        else:
            lines.append(AuditLine(event.time, event.time, who, you, words, 1))
    return lines
