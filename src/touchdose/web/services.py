"""Writes. Each function is keyword-only, atomic, named ``<entity>_<action>``, and writes its audit
event in the same transaction. Records are validated by building the :mod:`touchdose.records`
record first, so the web obeys exactly the rules the files and the engine obey (a
:class:`~touchdose.records.RecordError` lists every broken field)."""

from __future__ import annotations

import hashlib
import logging
import secrets
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, TypeVar

from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, OperationalError, connection, transaction
from django.db.models import F
from django.db.models.functions import Now
from django.utils import timezone

from touchdose import records
from touchdose.records import ClientFile, ClientProfile
from touchdose.web import access, audit, convert, refresh, results
from touchdose.web.audit import Action
from touchdose.web.convert import CHECKIN_FIELDS, SESSION_FIELDS
from touchdose.web.models import (
    DISPLAY_NAME_MAX,
    ApiToken,
    AuditEvent,
    Client,
    MassageSession,
    Share,
    ShareCode,
    Therapist,
)
from touchdose.web.models import CheckIn as CheckInRow
from touchdose.web.reminders import services as reminders
from touchdose.web.turns import turn_file

logger = logging.getLogger(__name__)
Row = TypeVar("Row", MassageSession, CheckInRow)
ROLES = ("client", "therapist")
#: Share codes: 8 characters from an alphabet without look-alikes (0/O, 1/I/L), shown as XXXX-XXXX.
#: 31**8 = 8.5e11 codes; with login rate limiting and a 24 h life, guessing one is hopeless.
SHARE_CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
SHARE_CODE_LENGTH = 8


class ShareCodeInvalid(ValueError):
    """The code is unknown, used or expired (one message for all three: no oracle)."""


# --- The version of a client's records (the results cache's key) ------------------------------


def records_changed(*, client_id: int, safety: bool = False) -> None:
    """Note a write to the client's records: ``records_version`` + 1, in the caller's transaction,
    so the cached analysis and charts of the old version are never served again
    (:mod:`touchdose.web.results`). Every write below that changes what the engine reads calls it.

    ``safety``: the write carries what the client says about their safety (the intake's
    contraindications, a check-in's red flags, or a check-in changed or deleted): the therapist's
    caseload then never shows an analysis from before it, not even while the job runs."""
    bump: dict[str, Any] = {"records_version": F("records_version") + 1, "records_changed_at": Now()}
    if safety:
        bump["safety_version"] = F("records_version") + 1
    Client.objects.filter(pk=client_id).update(**bump)
    refresh.after_write(client_id)  # the new analysis and charts, off the request path


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
        client = Client.objects.create(user=user, timezone=timezone_name, display_name=display_name.strip())
        audit.record(actor=user, client_ref=client.pk, action=Action.ACCOUNT_CREATED)
    else:
        Therapist.objects.create(user=user, display_name=display_name)
        audit.record(actor=user, client_ref=None, action=Action.ACCOUNT_CREATED)
    return user


@transaction.atomic
def account_name_save(*, actor: Any, name: str) -> str:
    """Set the name others see for ``actor`` (a client's therapists, a therapist's clients); empty
    means the username. Not a health record: no audit event, and no records version change."""
    name = name.strip()
    if len(name) > DISPLAY_NAME_MAX or any(ch in name for ch in "\n\r\t"):
        raise ValueError(f"name: at most {DISPLAY_NAME_MAX} characters on one line (allowed: any name)")
    account = access.client_of(actor) or access.therapist_of(actor)
    if account is None:
        raise PermissionDenied("Only a client or a therapist has a name shown to others.")
    account.display_name = name
    account.save(update_fields=["display_name"])
    return name


#: Who an event of a deleted account was by, on the audit page: no longer its username (finding 11).
DELETED_ACCOUNT = "a deleted account"


@transaction.atomic
def account_delete(*, user: Any) -> None:
    """Delete the account and, for a client, every record (sessions, check-ins, shares cascade).

    The trail stays (who looked at the records, and when) but no longer names the deleted account:
    its own events lose the username. On SQLite the freed pages are then wiped from the file
    (:func:`database_reclaim`, after the commit)."""
    client = getattr(user, "client", None)
    audit.record(actor=user, client_ref=client.pk if client else None, action=Action.ACCOUNT_DELETED)
    AuditEvent.objects.filter(actor=user).update(actor=None, actor_name=DELETED_ACCOUNT)
    axes_reset(username=user.get_username())  # failed log-ins keep the name for their window
    user.delete()
    if client is not None:  # the cached analyses hold health data too
        cached = {"client_id": client.pk, "created": client.created_at, "version": client.records_version}
        transaction.on_commit(lambda: results.forget(**cached))
    transaction.on_commit(database_reclaim)


def database_reclaim() -> None:
    """On SQLite, rewrite the database file without its free pages (``VACUUM``) and empty the
    write-ahead log, so deleted text is gone from the files, not just unlinked (the
    ``secure_delete`` pragma, settings.py, already zeroes freed pages). Nothing on PostgreSQL,
    whose autovacuum reclaims dead rows itself. A busy database leaves it for the next deletion."""
    if connection.vendor != "sqlite" or connection.in_atomic_block:
        return
    try:
        with connection.cursor() as cursor:
            cursor.execute("VACUUM")
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    except OperationalError:
        logger.warning("VACUUM after an account deletion did not run: the database was busy")


@transaction.atomic
def account_password_changed(*, user: Any) -> None:
    """Note on the trail that ``user``'s password was changed (by them, or through a reset link)."""
    client = access.client_of(user)
    audit.record(actor=user, client_ref=client.pk if client else None, action=Action.PASSWORD_CHANGED)


@contextmanager
def login_turn(*, username: str) -> Iterator[None]:
    """One login attempt's turn at an account, so concurrent attempts at one account run one after
    another and each counts the failures of those before it (:mod:`touchdose.web.throttle`).

    PostgreSQL: a transaction that first locks the account's row (an unknown name has no row and
    no turn; its attempts can open nothing). SQLite has no row locks: a transaction there takes
    the whole database's write lock, held for the length of the password hash, and every page's
    writes (sessions, audit events) would wait behind each log-in (docs/performance.md "The
    login"); the turn is a lock file of the account's name instead (SQLite's processes share one
    machine)."""
    if connection.vendor != "sqlite":
        with transaction.atomic():
            list(get_user_model().objects.select_for_update().filter(username=username).values_list("pk"))
            yield
        return
    with turn_file(username):
        yield


# --- Intake ----------------------------------------------------------------------------------

#: What the intake form stores: the engine's profile fields plus the client's own words for the
#: therapist. ``acr2016`` is a dict of :class:`~touchdose.records.Acr2016Answers` fields or None,
#: ``fiqr`` a list of the 21 item scores or None.
INTAKE_FIELDS = (*convert.PROFILE_FIELDS, "preferred_pressure", "personal_factors", "goals")


@transaction.atomic
def client_intake_save(*, actor: Any, client: Client, **fields: Any) -> Client:
    """Save the intake answers given in ``fields`` (a subset of :data:`INTAKE_FIELDS`; the others
    stay). The whole profile is checked before anything is saved."""
    convert.check_known("intake", fields, INTAKE_FIELDS)
    values = {**convert.stored_values(client, INTAKE_FIELDS), **fields}
    convert.profile_of(values, client_id=client.pk)  # raises RecordError listing every broken field
    for name, value in values.items():
        setattr(client, name, value)
    client.intake_done = True
    client.save()
    records_changed(client_id=client.pk, safety=True)
    audit.record(actor=actor, client_ref=client.pk, action=Action.INTAKE_SAVED)
    return client


@transaction.atomic
def intake_and_reminders_save(
    *, actor: Any, client: Client, reminder_choices: reminders.Choices | None, email: str | None,
    **fields: Any,
) -> Client:  # fmt: skip
    """The intake and the reminders chosen in its short section, saved together or not at all
    (``reminder_choices`` None: the section was left as it was, nothing is chosen)."""
    client_intake_save(actor=actor, client=client, **fields)
    if reminder_choices is not None:
        reminders.choices_save(actor=actor, client=client, choices=reminder_choices, email=email)
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
    audit.record(actor=actor, client_ref=client.pk, action=Action.SHARE_CODE_CREATED)
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
    audit.record(
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
        audit.record(
            actor=actor,
            client_ref=client.pk,
            action=Action.SHARE_REVOKED,
            object_type="share",
            object_ref=share_id,
        )


# --- Check-ins -------------------------------------------------------------------------------
# A check-in is the client's own diary: only the client writes it (access.require_client_rw).


@transaction.atomic
def checkin_record(*, actor: Any, client: Client, **fields: Any) -> CheckInRow:
    """A new check-in; fields not given take the record's default (a required one is refused)."""
    row = CheckInRow.objects.create(client=client, **convert.checkin_values(fields))
    records_changed(client_id=client.pk, safety=bool(row.red_flags))
    audit.record_about(actor=actor, row=row, action=Action.CHECKIN_RECORDED)
    return row


#: What "same as last time" copies: how the client felt (pain and the optional ratings, hours
#: slept). Never what happened (a flare, extra medicine, activity, a note, red flags): those are
#: said afresh or not at all (issue 10: a quick check-in once copied rescue doses nobody took).
CHECKIN_REPEATED = ("pain", "fatigue", "sleep_hours", "sleep_quality", "mood")


def checkin_repeated_values(source: CheckInRow) -> dict[str, Any]:
    """The values "same as last time" copies from ``source`` (the ones it has)."""
    return {name: getattr(source, name) for name in CHECKIN_REPEATED if getattr(source, name) is not None}


@transaction.atomic
def checkin_repeat(*, actor: Any, source: CheckInRow, time: datetime) -> CheckInRow:
    """A new check-in of ``source``'s client at ``time`` with :func:`checkin_repeated_values`."""
    return checkin_record(actor=actor, client=source.client, time=time, **checkin_repeated_values(source))


@transaction.atomic
def checkin_record_once(
    *, actor: Any, client: Client, time: datetime, **fields: Any
) -> tuple[CheckInRow, bool]:
    """A check-in sent from a phone's offline queue: ``(row, created)``. The entry carries the
    moment it was made; one already stored at that exact moment is the same entry sent again
    (its answer was lost on the way), so it is not saved twice."""
    found = client.checkins.filter(time=time).first()
    if found is not None:
        return found, False
    return checkin_record(actor=actor, client=client, time=time, **fields), True


@transaction.atomic
def checkin_update(*, actor: Any, checkin: CheckInRow, **fields: Any) -> CheckInRow:
    """Change the fields given; the others stay as stored (a form sends all, an API PATCH some)."""
    values = convert.checkin_values({**convert.stored_values(checkin, CHECKIN_FIELDS), **fields})
    return _saved(actor, checkin, values, Action.CHECKIN_UPDATED)


def _saved(actor: Any, row: Row, values: dict[str, Any], action: Action) -> Row:
    for name, value in values.items():
        setattr(row, name, value)
    row.save()
    records_changed(client_id=row.client_id, safety=isinstance(row, CheckInRow))
    audit.record_about(actor=actor, row=row, action=action)
    return row


@transaction.atomic
def checkin_delete(*, actor: Any, checkin: CheckInRow) -> None:
    audit.record_about(actor=actor, row=checkin, action=Action.CHECKIN_DELETED)
    checkin.delete()
    records_changed(client_id=checkin.client_id, safety=True)


# --- Sessions --------------------------------------------------------------------------------

#: What the client reports about a session. Only the client writes these; the therapist records
#: what they did (docs/design.md "Security and privacy").
SESSION_RATINGS = (*records.SESSION_RATINGS, "adverse")


def session_fields_check(*, actor: Any, logged_by_therapist: bool, fields: Iterable[str]) -> None:
    """Refuse (PermissionDenied) what ``actor`` may not write in a session: a therapist never writes
    the client's ratings; in a session a therapist logged, the client changes only their ratings.
    ``actor=None`` is the system (a file import, the demo, tests) and has no role."""
    if actor is None:
        return
    ratings = ", ".join(SESSION_RATINGS)
    if access.client_of(actor) is None:
        if set(fields) & set(SESSION_RATINGS):
            raise PermissionDenied(f"The client rates the session; a therapist does not set: {ratings}.")
    elif logged_by_therapist and set(fields) - set(SESSION_RATINGS):
        raise PermissionDenied(
            f"In a session your therapist logged you can change only your ratings: {ratings}."
        )


@transaction.atomic
def session_record(
    *, actor: Any, client: Client, therapist: Therapist | None = None, **fields: Any
) -> MassageSession:
    """A new session, logged by the client or (``therapist``) by their therapist. Fields not given
    take the record's default (a required one is refused)."""
    session_fields_check(actor=actor, logged_by_therapist=therapist is not None, fields=fields)
    row = MassageSession.objects.create(client=client, therapist=therapist, **convert.session_values(fields))
    records_changed(client_id=client.pk)
    audit.record_about(actor=actor, row=row, action=Action.SESSION_RECORDED)
    reminders.session_saved(session=row)
    return row


@transaction.atomic
def session_update(*, actor: Any, session: MassageSession, **fields: Any) -> MassageSession:
    """Change the fields given; the others stay as stored (e.g. the client's ratings of a session the
    therapist logged)."""
    session_fields_check(actor=actor, logged_by_therapist=session.therapist_id is not None, fields=fields)
    values = convert.session_values({**convert.stored_values(session, SESSION_FIELDS), **fields})
    row = _saved(actor, session, values, Action.SESSION_UPDATED)
    reminders.session_saved(session=row)  # its time may have moved; a rating may have come
    return row


@transaction.atomic
def session_delete(*, actor: Any, session: MassageSession) -> None:
    audit.record_about(actor=actor, row=session, action=Action.SESSION_DELETED)
    session.delete()
    records_changed(client_id=session.client_id)


# --- API tokens and file import (issue 7) ------------------------------------------------------


#: Personal API tokens: this prefix, then 32 random bytes (256 bits) in URL-safe base64.
API_TOKEN_PREFIX = "td_"
API_TOKEN_BYTES = 32
#: ``last_used_at`` is written at most this often per token (a busy script should not write on every call).
API_TOKEN_TOUCH_SECONDS = 60
#: How long a new token works unless its owner chooses otherwise, and the longest they may choose.
API_TOKEN_DAYS = 90
API_TOKEN_DAYS_MAX = 365


def api_token_hash(raw: str) -> str:
    return hashlib.sha256(raw.strip().encode()).hexdigest()


@transaction.atomic
def api_token_create(*, actor: Any, name: str, days: int = API_TOKEN_DAYS) -> tuple[ApiToken, str]:
    """A new token for ``actor`` that works for ``days`` days; the raw token is returned once and
    only its hash is stored."""
    name = name.strip()
    if not name or len(name) > 80:
        raise ValueError("token: name must be 1 to 80 characters (allowed: a short label such as 'laptop')")
    if not isinstance(days, int) or not 1 <= days <= API_TOKEN_DAYS_MAX:
        raise ValueError(f"token: days = {days!r} is not allowed (allowed: 1 to {API_TOKEN_DAYS_MAX})")
    raw = API_TOKEN_PREFIX + secrets.token_urlsafe(API_TOKEN_BYTES)
    token = ApiToken.objects.create(
        user=actor, name=name, token_hash=api_token_hash(raw), prefix=raw[:10],
        expires_at=timezone.now() + timedelta(days=days),
    )  # fmt: skip
    client = getattr(actor, "client", None)
    audit.record(
        actor=actor, client_ref=client.pk if client else None, action=Action.API_TOKEN_CREATED,
        object_type="api_token", object_ref=token.pk,
    )  # fmt: skip
    return token, raw


def _tokens_revoke(*, actor: Any, tokens: Any) -> int:
    """Revoke the active tokens among ``tokens`` (a query of ``actor``'s), one audit event each."""
    ids = list(tokens.filter(revoked_at__isnull=True).values_list("pk", flat=True))
    ApiToken.objects.filter(pk__in=ids).update(revoked_at=timezone.now())
    client = getattr(actor, "client", None)
    for token_id in ids:
        audit.record(
            actor=actor, client_ref=client.pk if client else None, action=Action.API_TOKEN_REVOKED,
            object_type="api_token", object_ref=token_id,
        )  # fmt: skip
    return len(ids)


@transaction.atomic
def api_token_revoke(*, actor: Any, token_id: int) -> bool:
    """Stop a token now. Only the owner's own tokens; unknown ids do nothing (no oracle)."""
    return bool(_tokens_revoke(actor=actor, tokens=ApiToken.objects.filter(pk=token_id, user=actor)))


@transaction.atomic
def api_tokens_revoke_all(*, user: Any) -> int:
    """Stop every token of ``user`` (their password changed: a token made with the old one must not
    outlive it, OWASP ASVS 3.3.3). Returns how many were active."""
    return _tokens_revoke(actor=user, tokens=ApiToken.objects.filter(user=user))


def api_token_user(raw: str) -> Any:
    """The active user of an unrevoked, unexpired token, or None; notes when it was last used."""
    if not raw.startswith(API_TOKEN_PREFIX):
        return None
    now = timezone.now()
    active = {"revoked_at__isnull": True, "expires_at__gt": now, "user__is_active": True}
    token = ApiToken.objects.select_related("user").filter(token_hash=api_token_hash(raw), **active).first()
    if token is None:
        return None
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
    with refresh.one_job_per_client():
        for s in new_sessions:
            session_record(actor=actor, client=client, **convert.stored_values(s, SESSION_FIELDS))
        for c in new_checkins:
            checkin_record(actor=actor, client=client, **convert.stored_values(c, CHECKIN_FIELDS))
    audit.record(actor=actor, client_ref=client.pk, action=Action.IMPORTED)
    return ImportResult(
        len(new_sessions), len(new_checkins),
        len(cf.sessions) - len(new_sessions), len(cf.checkins) - len(new_checkins),
    )  # fmt: skip
