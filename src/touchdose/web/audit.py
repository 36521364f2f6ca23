"""The audit trail's vocabulary: one named action per kind of read or change.

Events are written by :func:`touchdose.web.services.audit_record` (reads included, from the
selectors), in the same transaction as the change they describe. No health value is ever stored
in an event: only who, when, which client, what kind of action and which record.
"""

from __future__ import annotations

import enum


class Action(enum.StrEnum):
    # reads
    DASHBOARD_VIEWED = "dashboard_viewed"
    CHECKINS_VIEWED = "checkins_viewed"
    SESSIONS_VIEWED = "sessions_viewed"
    CLIENT_LISTED = "client_listed"
    INTAKE_VIEWED = "intake_viewed"
    EXPORTED = "exported"
    AUDIT_VIEWED = "audit_viewed"
    # changes
    ACCOUNT_CREATED = "account_created"
    ACCOUNT_DELETED = "account_deleted"
    INTAKE_SAVED = "intake_saved"
    CHECKIN_RECORDED = "checkin_recorded"
    CHECKIN_UPDATED = "checkin_updated"
    CHECKIN_DELETED = "checkin_deleted"
    SESSION_RECORDED = "session_recorded"
    SESSION_UPDATED = "session_updated"
    SESSION_DELETED = "session_deleted"
    SHARE_CODE_CREATED = "share_code_created"
    SHARE_GRANTED = "share_granted"
    SHARE_REVOKED = "share_revoked"
