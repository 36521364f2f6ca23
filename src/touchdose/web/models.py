"""Database tables. Read and written only through ``selectors`` and ``services``.

Times are stored in UTC (USE_TZ); each client has an IANA time zone for display.
Vocabularies and ranges are not repeated here: the services build a
:mod:`touchdose.records` record before saving, so one set of rules applies everywhere.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q

#: The longest display name (a client's or a therapist's).
DISPLAY_NAME_MAX = 120


class Client(models.Model):
    """A person with chronic pain; owns every record below."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="client")
    #: The name the client's therapists see (the username when empty).
    display_name = models.CharField(max_length=DISPLAY_NAME_MAX, blank=True, default="")
    timezone = models.CharField(max_length=64, default="UTC")
    conditions = models.JSONField(default=list, blank=True)
    preferred_pressure = models.PositiveSmallIntegerField(null=True, blank=True)
    max_pressure = models.PositiveSmallIntegerField(null=True, blank=True)
    sensitivity = models.CharField(max_length=16, blank=True, default="")
    avoid_regions = models.JSONField(default=list, blank=True)
    acr2016 = models.JSONField(null=True, blank=True)
    fiqr = models.JSONField(null=True, blank=True)
    #: The intake's checklist (records.CONTRAINDICATIONS); the engine caps or stops the plan by it.
    contraindications = models.JSONField(default=list, blank=True)
    personal_factors = models.TextField(blank=True, default="")
    goals = models.TextField(blank=True, default="")
    intake_done = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    #: Goes up by one with every write to this client's records (profile, sessions, check-ins),
    #: in the same transaction (``services``). The cached analysis and charts are keyed by it, so a
    #: write makes the next page compute afresh and nothing else ever does (docs/performance.md).
    records_version = models.PositiveBigIntegerField(default=0)
    #: When ``records_version`` last went up: the caseload shows an older analysis (marked as
    #: updating) only for so long after a write (``selectors.STALE_GRACE``), then computes.
    records_changed_at = models.DateTimeField(null=True, blank=True)
    #: ``records_version`` of the last write carrying what the client says about their safety (red
    #: flags, contraindications): the caseload never shows an analysis older than it.
    safety_version = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:  # never a health value: the admin and logs show this
        return f"client {self.pk}"

    @property
    def name(self) -> str:
        """What pages call the client: their display name, else their username."""
        return self.display_name or self.user.get_username()

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Save every column but :data:`SERVICE_ONLY` (``records_version`` and its kin), which only
        ``services`` moves (with an UPDATE ... + 1): saving a row read before another request's
        write must not put an older version back, or that write's results would be served as current."""
        if not self._state.adding and kwargs.get("update_fields") is None:
            fields = self._meta.concrete_fields
            kwargs["update_fields"] = [
                f.attname for f in fields if not f.primary_key and f.attname not in SERVICE_ONLY
            ]
        super().save(*args, **kwargs)


#: Columns of :class:`Client` that only ``services.records_changed`` writes.
SERVICE_ONLY = ("records_version", "records_changed_at", "safety_version")


class Therapist(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="therapist")
    #: The name the therapist's clients see (the username when empty).
    display_name = models.CharField(max_length=DISPLAY_NAME_MAX, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        """What pages call the therapist: their display name, else their username."""
        return self.display_name or self.user.get_username()


class Share(models.Model):
    """A client lets a therapist see their records; active until ``revoked_at`` is set."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="shares")
    therapist = models.ForeignKey(Therapist, on_delete=models.CASCADE, related_name="shares")
    granted_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = (
            models.UniqueConstraint(
                fields=["client", "therapist"], condition=Q(revoked_at__isnull=True), name="one_active_share"
            ),
        )


class ShareCode(models.Model):
    """A one-time code; only its SHA-256 is stored, so a database leak cannot be replayed."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="share_codes")
    code_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)


class MassageSession(models.Model):
    # No index of its own: the (client, ...) index below serves every lookup by client.
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="sessions", db_index=False)
    therapist = models.ForeignKey(
        Therapist, on_delete=models.SET_NULL, null=True, blank=True, related_name="sessions"
    )
    start = models.DateTimeField()
    pressure = models.PositiveSmallIntegerField()
    minutes = models.PositiveSmallIntegerField()
    technique = models.JSONField(default=list)
    regions = models.JSONField(default=list, blank=True)
    pain_before = models.PositiveSmallIntegerField(null=True, blank=True)
    pain_during_max = models.PositiveSmallIntegerField(null=True, blank=True)
    pain_after = models.PositiveSmallIntegerField(null=True, blank=True)
    relaxation_after = models.PositiveSmallIntegerField(null=True, blank=True)
    adverse = models.JSONField(default=list, blank=True)
    note = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("-start",)
        indexes = (models.Index(fields=["client", "start"]),)

    def __str__(self) -> str:
        return f"session {self.pk}"


class CheckIn(models.Model):
    # No index of its own: the (client, ...) index below serves every lookup by client.
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="checkins", db_index=False)
    time = models.DateTimeField()
    pain = models.PositiveSmallIntegerField()
    fatigue = models.PositiveSmallIntegerField(null=True, blank=True)
    sleep_hours = models.FloatField(null=True, blank=True)
    sleep_quality = models.PositiveSmallIntegerField(null=True, blank=True)
    mood = models.PositiveSmallIntegerField(null=True, blank=True)
    flare = models.BooleanField(default=False)
    rescue_doses = models.PositiveSmallIntegerField(null=True, blank=True)
    activity_minutes = models.PositiveSmallIntegerField(null=True, blank=True)
    note = models.TextField(blank=True, default="")
    #: "Anything new or unusual?" (records.RED_FLAGS); any of them puts the safety message first.
    red_flags = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("-time",)
        indexes = (models.Index(fields=["client", "time"]),)

    def __str__(self) -> str:
        return f"check-in {self.pk}"


class AuditEvent(models.Model):
    """Who read or changed which client's records, and when. Never a health value.

    ``client_ref`` is a plain number, not a foreign key, so the trail outlives a deleted account.
    """

    time = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    actor_name = models.CharField(max_length=150, blank=True, default="")
    client_ref = models.BigIntegerField(null=True, blank=True)
    action = models.CharField(max_length=40)
    object_type = models.CharField(max_length=40, blank=True, default="")
    object_ref = models.BigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ("-time", "-id")
        # A client's trail, newest first, read straight from the index (docs/performance.md).
        indexes = (models.Index(fields=["client_ref", "time", "id"], name="audit_client_time"),)


class ApiToken(models.Model):
    """A personal API token. Only its SHA-256 is stored (the token has 256 random bits, so a
    fast hash is enough and a database leak cannot be replayed); shown once, revocable."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=80)
    token_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=12)  # the first characters, so the owner can tell tokens apart
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    #: The token stops working at this time (its owner chose how long it lives, at most a year).
    expires_at = models.DateTimeField()
    #: Set when the owner revokes it, or when the owner's password changes.
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-created_at", "-id")

    def __str__(self) -> str:
        return f"token {self.prefix}…"


# --- Reminders (docs/reminders.md) ---------------------------------------------------------------


class ReminderSettings(models.Model):
    """What a client wants to be reminded of, when, and how. Everything is off until the client
    chooses (``chosen_at``); the calendar feed exists while ``feed_token_hash`` is set (only the
    SHA-256 of the secret in its URL is stored, so a database leak does not open anyone's feed)."""

    client = models.OneToOneField(Client, on_delete=models.CASCADE, related_name="reminder_settings")
    email_followups = models.BooleanField(default=False)
    email_checkin = models.BooleanField(default=False)
    email_rating = models.BooleanField(default=False)
    checkin_time = models.TimeField(null=True, blank=True)  # the client's local time of day
    quiet_start = models.TimeField(null=True, blank=True)  # local; no e-mail from here ...
    quiet_end = models.TimeField(null=True, blank=True)  # ... to here (may wrap past midnight)
    chosen_at = models.DateTimeField(null=True, blank=True)
    feed_token_hash = models.CharField(max_length=64, null=True, blank=True, unique=True)
    feed_created_at = models.DateTimeField(null=True, blank=True)
    feed_read_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"reminder settings of client {self.client_id}"


class Reminder(models.Model):
    """One prompt to send at ``due_at``. The state moves only forward: scheduled -> sending (claimed
    by exactly one worker) -> sent | skipped | failed; or scheduled -> cancelled. So a restart
    neither loses a reminder (a scheduled row gets its job back) nor sends one twice (a claimed row
    is never claimed again)."""

    class Kind(models.TextChoices):
        FOLLOWUP_24 = "followup_24", "24-hour follow-up"
        FOLLOWUP_48 = "followup_48", "48-hour follow-up"
        CHECKIN = "checkin", "daily check-in"
        RATING = "rating", "rating of a session"

    class State(models.TextChoices):
        SCHEDULED = "scheduled", "scheduled"
        SENDING = "sending", "being sent"
        SENT = "sent", "sent"
        SKIPPED = "skipped", "not sent: already answered"
        CANCELLED = "cancelled", "cancelled"
        FAILED = "failed", "failed"

    # No index of its own: the (client, ...) index below serves every lookup by client.
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="reminders", db_index=False)
    session = models.ForeignKey(
        MassageSession, on_delete=models.CASCADE, null=True, blank=True, related_name="reminders"
    )
    kind = models.CharField(max_length=16, choices=Kind.choices)
    day = models.DateField(null=True, blank=True)  # the client's local day of a daily check-in
    due_at = models.DateTimeField(db_index=True)
    state = models.CharField(max_length=16, choices=State.choices, default=State.SCHEDULED)
    reason = models.CharField(max_length=40, blank=True, default="")  # why skipped/cancelled/failed
    attempts = models.PositiveSmallIntegerField(default=0)
    claimed_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("due_at", "id")
        indexes = (
            models.Index(fields=["state", "due_at"]),
            models.Index(fields=["client", "due_at", "id"], name="reminder_client_due"),
        )
        constraints = (
            models.UniqueConstraint(
                fields=["session", "kind"],
                condition=Q(session__isnull=False) & ~Q(state="cancelled"),
                name="one_live_reminder_per_session_kind",
            ),
            models.UniqueConstraint(
                fields=["client", "kind", "day"],
                condition=Q(day__isnull=False) & ~Q(state="cancelled"),
                name="one_live_checkin_reminder_per_day",
            ),
        )

    def __str__(self) -> str:  # never a health value
        return f"reminder {self.pk} ({self.kind}, {self.state})"
