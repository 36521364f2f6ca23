"""Writes. Each function is keyword-only, atomic, named ``<entity>_<action>``, and writes its audit
event in the same transaction. Records are validated by building the :mod:`touchdose.records`
record first, so the web obeys exactly the rules the files and the engine obey (a
:class:`~touchdose.records.RecordError` lists every broken field)."""

from __future__ import annotations

import enum
import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from touchdose.records import Acr2016Answers, CheckIn, ClientFile, ClientProfile, Session
from touchdose.web.audit import Action
from touchdose.web.models import (
    ApiToken,
    AuditEvent,
    Client,
    LoginThrottle,
    MassageSession,
    Share,
    ShareCode,
    Therapist,
)
from touchdose.web.models import CheckIn as CheckInRow

ROLES = ("client", "therapist")
#: Share codes: 8 characters from an alphabet without look-alikes (0/O, 1/I/L), shown as XXXX-XXXX.
#: 31**8 = 8.5e11 codes; with login rate limiting and a 24 h life, guessing one is hopeless.
SHARE_CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
SHARE_CODE_LENGTH = 8


class ShareCodeInvalid(ValueError):
    """The code is unknown, used or expired (one message for all three: no oracle)."""


def audit_record(
    *,
    actor: Any,
    client_ref: int | None,
    action: Action,
    object_type: str = "",
    object_ref: int | None = None,
) -> AuditEvent:
    user = actor if getattr(actor, "is_authenticated", False) else None
    return AuditEvent.objects.create(
        actor=user,
        actor_name=user.get_username() if user else "",
        client_ref=client_ref,
        action=str(action),
        object_type=object_type,
        object_ref=object_ref,
    )


# --- Accounts --------------------------------------------------------------------------------


@transaction.atomic
def account_signup(
    *, username: str, email: str, password: str, role: str, display_name: str = "", timezone_name: str = "UTC"
) -> AbstractBaseUser:
    if role not in ROLES:
        raise ValueError(f"account: role = {role!r} is not allowed (allowed: {', '.join(ROLES)})")
    user = get_user_model().objects.create_user(username=username, email=email, password=password)
    if role == "client":
        ClientProfile(id="c-new", timezone=timezone_name)  # validates the zone name
        client = Client.objects.create(user=user, timezone=timezone_name)
        audit_record(actor=user, client_ref=client.pk, action=Action.ACCOUNT_CREATED)
    else:
        Therapist.objects.create(user=user, display_name=display_name)
        audit_record(actor=user, client_ref=None, action=Action.ACCOUNT_CREATED)
    return user


@transaction.atomic
def account_delete(*, user: Any) -> None:
    """Delete the account and, for a client, every record (sessions, check-ins, shares cascade)."""
    client = getattr(user, "client", None)
    audit_record(actor=None, client_ref=client.pk if client else None, action=Action.ACCOUNT_DELETED)
    user.delete()


def _throttle_keys(username: str, address: str | None) -> list[str]:
    keys = ["u:" + hashlib.sha256(username.strip().lower().encode()).hexdigest()[:40]]
    if address:
        keys.append("a:" + hashlib.sha256(address.encode()).hexdigest()[:40])
    return keys


@transaction.atomic
def login_failure_record(*, username: str, address: str | None, now: datetime | None = None) -> None:
    now = now or timezone.now()
    window = timedelta(minutes=settings.LOGIN_WINDOW_MINUTES)
    for key in _throttle_keys(username, address):
        row, _ = LoginThrottle.objects.select_for_update().get_or_create(
            key=key, defaults={"window_start": now, "failures": 0}
        )
        if row.window_start < now - window:
            row.window_start, row.failures = now, 0
            row.save()
        LoginThrottle.objects.filter(pk=row.pk).update(failures=F("failures") + 1)


def login_is_locked(*, username: str, address: str | None, now: datetime | None = None) -> bool:
    """True while the account or the address has had too many recent failures."""
    now = now or timezone.now()
    since = now - timedelta(minutes=settings.LOGIN_WINDOW_MINUTES)
    limits = {"u": settings.LOGIN_MAX_FAILURES, "a": settings.LOGIN_MAX_FAILURES * 4}
    return any(
        LoginThrottle.objects.filter(key=key, window_start__gte=since, failures__gte=limits[key[0]]).exists()
        for key in _throttle_keys(username, address)
    )


@transaction.atomic
def login_success_record(*, username: str) -> None:
    LoginThrottle.objects.filter(key__in=_throttle_keys(username, None)).delete()


# --- Intake ----------------------------------------------------------------------------------


@transaction.atomic
def client_intake_save(*, actor: Any, client: Client, **fields: Any) -> Client:
    """Save the intake. ``fields``: timezone, conditions, acr2016 (dict or None), fiqr (list or None),
    preferred_pressure, max_pressure, sensitivity, avoid_regions, personal_factors, goals."""
    acr = fields.get("acr2016")
    ClientProfile(
        id=f"c-{client.pk}",
        timezone=fields.get("timezone", client.timezone),
        conditions=tuple(fields.get("conditions", ())),
        max_pressure=fields.get("max_pressure"),
        sensitivity=fields.get("sensitivity") or None,
        avoid_regions=tuple(fields.get("avoid_regions", ())),
        acr2016=Acr2016Answers(**{**acr, "wpi_regions": tuple(acr.get("wpi_regions", ()))}) if acr else None,
        fiqr=tuple(fields["fiqr"]) if fields.get("fiqr") else None,
    )
    for name, value in fields.items():
        setattr(client, name, value)
    client.intake_done = True
    client.save()
    audit_record(actor=actor, client_ref=client.pk, action=Action.INTAKE_SAVED)
    return client


# --- Sharing ---------------------------------------------------------------------------------


def _code_hash(code: str) -> str:
    normalized = code.replace("-", "").replace(" ", "").upper()
    return hashlib.sha256(normalized.encode()).hexdigest()


@transaction.atomic
def share_code_create(*, actor: Any, client: Client) -> str:
    """A new one-time code (returned once, stored only as a hash); earlier unused codes stop working."""
    now = timezone.now()
    ShareCode.objects.filter(client=client, used_at__isnull=True).update(expires_at=now)
    raw = "".join(secrets.choice(SHARE_CODE_ALPHABET) for _ in range(SHARE_CODE_LENGTH))
    ShareCode.objects.create(
        client=client, code_hash=_code_hash(raw), expires_at=now + timedelta(hours=settings.SHARE_CODE_HOURS)
    )
    audit_record(actor=actor, client_ref=client.pk, action=Action.SHARE_CODE_CREATED)
    return f"{raw[:4]}-{raw[4:]}"


@transaction.atomic
def share_code_redeem(*, actor: Any, therapist: Therapist, code: str) -> Share:
    now = timezone.now()
    row = (
        ShareCode.objects.select_for_update()
        .filter(code_hash=_code_hash(code), used_at__isnull=True, expires_at__gt=now)
        .first()
    )
    if row is None:
        raise ShareCodeInvalid("This code does not work: it may be mistyped, used or expired.")
    row.used_at = now
    row.save(update_fields=["used_at"])
    share = Share.objects.filter(
        client_id=row.client_id, therapist=therapist, revoked_at__isnull=True
    ).first()
    if share is None:
        try:
            with transaction.atomic():
                share = Share.objects.create(client_id=row.client_id, therapist=therapist)
        except IntegrityError:  # a concurrent redeem of another code for the same pair
            share = Share.objects.get(client_id=row.client_id, therapist=therapist, revoked_at__isnull=True)
    audit_record(
        actor=actor,
        client_ref=row.client_id,
        action=Action.SHARE_GRANTED,
        object_type="share",
        object_ref=share.pk,
    )
    return share


@transaction.atomic
def share_revoke(*, actor: Any, client: Client, share_id: int) -> None:
    """End a therapist's access now. Unknown or foreign share ids do nothing (no oracle)."""
    updated = Share.objects.filter(pk=share_id, client=client, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    if updated:
        audit_record(
            actor=actor,
            client_ref=client.pk,
            action=Action.SHARE_REVOKED,
            object_type="share",
            object_ref=share_id,
        )


# --- Check-ins -------------------------------------------------------------------------------

CHECKIN_FIELDS = (
    "time", "pain", "fatigue", "sleep_hours", "sleep_quality", "mood", "flare", "rescue_doses",
    "activity_minutes", "note",
)  # fmt: skip


def _checkin_values(fields: dict[str, Any]) -> dict[str, Any]:
    values = {name: fields.get(name) for name in CHECKIN_FIELDS}
    values["flare"] = bool(values["flare"])
    values["note"] = values["note"] or ""
    CheckIn(**values)  # raises RecordError listing every broken field
    return values


@transaction.atomic
def checkin_record(*, actor: Any, client: Client, **fields: Any) -> CheckInRow:
    row = CheckInRow.objects.create(client=client, **_checkin_values(fields))
    audit_record(
        actor=actor,
        client_ref=client.pk,
        action=Action.CHECKIN_RECORDED,
        object_type="checkin",
        object_ref=row.pk,
    )
    return row


@transaction.atomic
def checkin_update(*, actor: Any, checkin: CheckInRow, **fields: Any) -> CheckInRow:
    for name, value in _checkin_values(fields).items():
        setattr(checkin, name, value)
    checkin.save()
    audit_record(
        actor=actor,
        client_ref=checkin.client_id,
        action=Action.CHECKIN_UPDATED,
        object_type="checkin",
        object_ref=checkin.pk,
    )
    return checkin


@transaction.atomic
def checkin_delete(*, actor: Any, checkin: CheckInRow) -> None:
    audit_record(
        actor=actor,
        client_ref=checkin.client_id,
        action=Action.CHECKIN_DELETED,
        object_type="checkin",
        object_ref=checkin.pk,
    )
    checkin.delete()


# --- Sessions --------------------------------------------------------------------------------

SESSION_FIELDS = (
    "start", "pressure", "minutes", "technique", "regions", "pain_before", "pain_during_max", "pain_after",
    "relaxation_after", "adverse", "note",
)  # fmt: skip


def _session_values(fields: dict[str, Any]) -> dict[str, Any]:
    values = {name: fields.get(name) for name in SESSION_FIELDS}
    for name in ("technique", "regions", "adverse"):
        values[name] = list(values[name] or [])
    values["note"] = values["note"] or ""
    record = {k: tuple(v) if isinstance(v, list) else v for k, v in values.items()}
    Session(**record)  # raises RecordError listing every broken field
    return values


@transaction.atomic
def session_record(
    *, actor: Any, client: Client, therapist: Therapist | None = None, **fields: Any
) -> MassageSession:
    row = MassageSession.objects.create(client=client, therapist=therapist, **_session_values(fields))
    audit_record(
        actor=actor,
        client_ref=client.pk,
        action=Action.SESSION_RECORDED,
        object_type="session",
        object_ref=row.pk,
    )
    return row


@transaction.atomic
def session_update(*, actor: Any, session: MassageSession, **fields: Any) -> MassageSession:
    """Change some fields (e.g. the client's before/after ratings of a session the therapist logged)."""
    current = {name: getattr(session, name) for name in SESSION_FIELDS}
    for name, value in _session_values({**current, **fields}).items():
        setattr(session, name, value)
    session.save()
    audit_record(
        actor=actor,
        client_ref=session.client_id,
        action=Action.SESSION_UPDATED,
        object_type="session",
        object_ref=session.pk,
    )
    return session


@transaction.atomic
def session_delete(*, actor: Any, session: MassageSession) -> None:
    audit_record(
        actor=actor,
        client_ref=session.client_id,
        action=Action.SESSION_DELETED,
        object_type="session",
        object_ref=session.pk,
    )
    session.delete()


@transaction.atomic
def client_export(*, actor: Any, client: Client) -> dict[str, Any]:
    """Everything stored about the client: the docs/formats.md client file plus the account extras."""
    from touchdose.io import client_file_to_dict
    from touchdose.web.selectors import audit_events, client_file_for

    audit_record(actor=actor, client_ref=client.pk, action=Action.EXPORTED)
    data = client_file_to_dict(client_file_for(client))
    data["account"] = {
        "username": client.user.get_username(),
        "email": client.user.email,
        "preferred_pressure": client.preferred_pressure,
        "personal_factors": client.personal_factors,
        "goals": client.goals,
        "shared_with": [
            {"therapist": str(s.therapist), "granted_at": s.granted_at.isoformat(),
             "revoked_at": s.revoked_at.isoformat() if s.revoked_at else None}
            for s in client.shares.select_related("therapist__user")
        ],
        "audit": [
            {"time": e.time.isoformat(), "who": e.actor_name, "action": e.action, "object": e.object_type}
            for e in audit_events(client=client, limit=10_000)
        ],
    }  # fmt: skip
    return data


# --- API tokens and file import (issue 7) ------------------------------------------------------


class DataAction(enum.StrEnum):
    """Audit actions of the API tokens, the import and the downloads (same trail, same rules)."""

    API_TOKEN_CREATED = "api_token_created"
    API_TOKEN_REVOKED = "api_token_revoked"
    IMPORTED = "imported"
    REPORT_DOWNLOADED = "report_downloaded"


#: Personal API tokens: this prefix, then 32 random bytes (256 bits) in URL-safe base64.
API_TOKEN_PREFIX = "td_"
API_TOKEN_BYTES = 32
#: ``last_used_at`` is written at most this often per token (a busy script should not write on every call).
API_TOKEN_TOUCH_SECONDS = 60


def api_token_hash(raw: str) -> str:
    return hashlib.sha256(raw.strip().encode()).hexdigest()


@transaction.atomic
def api_token_create(*, actor: Any, name: str) -> tuple[ApiToken, str]:
    """A new token for ``actor``; the raw token is returned once and only its hash is stored."""
    name = name.strip()
    if not name or len(name) > 80:
        raise ValueError("token: name must be 1 to 80 characters (allowed: a short label such as 'laptop')")
    raw = API_TOKEN_PREFIX + secrets.token_urlsafe(API_TOKEN_BYTES)
    token = ApiToken.objects.create(user=actor, name=name, token_hash=api_token_hash(raw), prefix=raw[:10])
    client = getattr(actor, "client", None)
    audit_record(
        actor=actor, client_ref=client.pk if client else None, action=DataAction.API_TOKEN_CREATED,
        object_type="api_token", object_ref=token.pk,
    )  # fmt: skip
    return token, raw


@transaction.atomic
def api_token_revoke(*, actor: Any, token_id: int) -> bool:
    """Stop a token now. Only the owner's own tokens; unknown ids do nothing (no oracle)."""
    updated = ApiToken.objects.filter(pk=token_id, user=actor, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    if updated:
        client = getattr(actor, "client", None)
        audit_record(
            actor=actor, client_ref=client.pk if client else None, action=DataAction.API_TOKEN_REVOKED,
            object_type="api_token", object_ref=token_id,
        )  # fmt: skip
    return bool(updated)


def api_token_user(raw: str) -> Any:
    """The active user of an unrevoked token, or None; notes when the token was last used."""
    if not raw.startswith(API_TOKEN_PREFIX):
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(token_hash=api_token_hash(raw), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > timedelta(seconds=API_TOKEN_TOUCH_SECONDS):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


@dataclass(frozen=True)
class ImportResult:
    sessions_added: int
    checkins_added: int
    sessions_skipped: int  # already stored (same start time)
    checkins_skipped: int  # already stored (same time)


@transaction.atomic
def client_file_import(*, actor: Any, client: Client, cf: ClientFile) -> ImportResult:
    """Save a whole client file's sessions and check-ins, or nothing (one transaction).

    Each record goes through :func:`session_record` / :func:`checkin_record` (same validation, same
    audit). Records already stored at the same time are skipped, so importing a file twice is harmless.
    The profile in the file is not imported: the intake stays the client's own answers.
    """
    starts = set(client.sessions.values_list("start", flat=True))
    times = set(client.checkins.values_list("time", flat=True))
    new_sessions = [s for s in cf.sessions if s.start not in starts]
    new_checkins = [c for c in cf.checkins if c.time not in times]
    for s in new_sessions:
        fields = {name: getattr(s, name) for name in SESSION_FIELDS}
        session_record(actor=actor, client=client, **{k: list(v) if isinstance(v, tuple) else v
                                                      for k, v in fields.items()})  # fmt: skip
    for c in new_checkins:
        checkin_record(actor=actor, client=client, **{name: getattr(c, name) for name in CHECKIN_FIELDS})
    audit_record(actor=actor, client_ref=client.pk, action=DataAction.IMPORTED)
    return ImportResult(
        len(new_sessions), len(new_checkins),
        len(cf.sessions) - len(new_sessions), len(cf.checkins) - len(new_checkins),
    )  # fmt: skip
