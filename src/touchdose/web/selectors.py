"""Reads. Every read of a client's health records writes an audit event (docs/design.md "Security").

The functions that return health data take the ``actor`` (the signed-in user) for that reason.
"""

from __future__ import annotations

import threading
import warnings
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from datetime import time as dt_time
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from touchdose.analysis.caseload import Attention, attention
from touchdose.analysis.engine import analyze_client
from touchdose.analysis.response import FOLLOWUP_24H_HOURS, FOLLOWUP_48H_HOURS
from touchdose.analysis.safety import Safety
from touchdose.analysis.verdict import VERDICT_STATES
from touchdose.io import client_file_to_dict
from touchdose.records import SESSION_RATINGS as SESSION_RATING_FIELDS
from touchdose.records import ClientFile, ClientProfile
from touchdose.reports.charts import Chart, web_charts
from touchdose.reports.clinician import ClinicianReport, build_report
from touchdose.web import audit, convert, results
from touchdose.web.audit import Action
from touchdose.web.models import ApiToken, AuditEvent, Client, MassageSession, Share, Therapist
from touchdose.web.models import CheckIn as CheckInRow
from touchdose.web.results import ClientResults

#: A follow-up stays on the home page until answered, but not for ever: after this many days
#: past the session it is no longer asked for (a week-old memory of "24 h after" is not data).
FOLLOWUP_ASK_DAYS = 7


# --- Lookups used by the access module (no audit: they decide access, they show nothing) ------


def account_by_username(username: str) -> Any:
    """The account with exactly this username, or None (to name a failed login's own account)."""
    model = get_user_model()
    return model._default_manager.filter(**{model.USERNAME_FIELD: username}).first()


def client_by_id(client_id: int) -> Client | None:
    return Client.objects.select_related("user").filter(pk=client_id).first()


def session_by_id(session_id: int) -> MassageSession | None:
    return MassageSession.objects.filter(pk=session_id).first()


def checkin_by_id(checkin_id: int) -> CheckInRow | None:
    return CheckInRow.objects.filter(pk=checkin_id).first()


def share_is_active(*, client: Client, therapist: Therapist) -> bool:
    return Share.objects.filter(client=client, therapist=therapist, revoked_at__isnull=True).exists()


def active_shares(*, client: Client) -> QuerySet[Share]:
    return Share.objects.filter(client=client, revoked_at__isnull=True).select_related("therapist__user")


# --- Records -----------------------------------------------------------------------------------


def checkins_list(*, actor: Any, client: Client) -> QuerySet[CheckInRow]:
    audit.record(actor=actor, client_ref=client.pk, action=Action.CHECKINS_VIEWED)
    return client.checkins.all()


def sessions_list(*, actor: Any, client: Client) -> QuerySet[MassageSession]:
    audit.record(actor=actor, client_ref=client.pk, action=Action.SESSIONS_VIEWED)
    return client.sessions.select_related("therapist__user").all()


def checked_in_today(*, client: Client) -> bool:
    """Whether the client has a check-in dated today (in the time zone now active).

    A range of times, not ``time__date``: a date computed from every row's time could not use
    the (client, time) index (docs/performance.md)."""
    today = timezone.localdate()
    zone = timezone.get_current_timezone()
    start = datetime.combine(today, dt_time.min, tzinfo=zone)
    end = datetime.combine(today + timedelta(days=1), dt_time.min, tzinfo=zone)
    return client.checkins.filter(time__gte=start, time__lt=end).exists()


def latest_checkin(*, actor: Any, client: Client) -> CheckInRow | None:
    """Yesterday's answers, for today's check-in to offer "same as last time" (shown only to the
    client themselves; audited as a read of that check-in)."""
    last = client.checkins.order_by("-time").first()
    if last is not None:
        audit.record_about(actor=actor, row=last, action=Action.CHECKINS_VIEWED)
    return last


def intake_read(*, actor: Any, client: Client) -> Client:
    """The client row whose intake answers a form is about to show (audited as an intake read)."""
    audit.record(actor=actor, client_ref=client.pk, action=Action.INTAKE_VIEWED)
    return client


def audit_trail(*, actor: Any, client: Client) -> QuerySet[AuditEvent]:
    """The client's whole trail for their audit page, newest first; this look is itself recorded
    (and so is the first line the page shows)."""
    audit.record(actor=actor, client_ref=client.pk, action=Action.AUDIT_VIEWED)
    return audit.events_of(client=client, limit=None)


def client_file_for(client: Client) -> ClientFile:
    """Everything stored about a client as the engine's :class:`~touchdose.records.ClientFile`."""
    return convert.client_file_of(client, client.sessions.all(), client.checkins.all())


# --- Follow-ups and ratings --------------------------------------------------------------------

#: The follow-ups the client is asked for, by hours after the session: the window in which a
#: check-in answers it ([opens, closes) hours after the start; the engine's, analysis.response).
FOLLOWUP_WINDOWS = {24: FOLLOWUP_24H_HOURS, 48: FOLLOWUP_48H_HOURS}
#: A session a therapist logged is waiting for the client's ratings for this many days; later a
#: memory of "pain just before" is not data (the reminders use the same limit).
RATING_ASK_DAYS = 7


@dataclass(frozen=True)
class FollowUp:
    """One follow-up of one session and where it stands at ``now``.

    ``state`` is "early" (its window has not opened), "due" (open and unanswered), "answered"
    (a check-in falls in the window) or "missing" (the window closed without one).
    """

    session: MassageSession
    hours: int
    opens: datetime
    closes: datetime
    state: str

    @property
    def label(self) -> str:
        return f"{self.hours} h"


def _followup(session: MassageSession, hours: int, times: list[datetime], now: datetime) -> FollowUp:
    low, high = FOLLOWUP_WINDOWS[hours]
    opens, closes = session.start + timedelta(hours=low), session.start + timedelta(hours=high)
    if any(opens <= t < closes for t in times):
        state = "answered"
    elif now < opens:
        state = "early"
    else:
        state = "due" if now < closes else "missing"
    return FollowUp(session, hours, opens, closes, state)


def followups_many(*, clients: Iterable[Client], now: datetime | None = None) -> dict[int, list[FollowUp]]:
    """Every follow-up of each client's sessions of the last :data:`FOLLOWUP_ASK_DAYS` days, newest
    session first, by client id (two queries in all; lookups: what pages show is a count or a link)."""
    now = now or timezone.now()
    since = now - timedelta(days=FOLLOWUP_ASK_DAYS)
    ids = [c.pk for c in clients]
    sessions: dict[int, list[MassageSession]] = {pk: [] for pk in ids}
    times: dict[int, list[datetime]] = {pk: [] for pk in ids}
    recent = MassageSession.objects.filter(client_id__in=ids, start__gte=since, start__lte=now)
    for session in recent.order_by("-start", "-pk"):
        sessions[session.client_id].append(session)
    answered = CheckInRow.objects.filter(client_id__in=[pk for pk in ids if sessions[pk]], time__gte=since)
    for client_id, time in answered.values_list("client_id", "time"):
        times[client_id].append(time)
    return {
        pk: [_followup(s, hours, times[pk], now) for s in sessions[pk] for hours in FOLLOWUP_WINDOWS]
        for pk in ids
    }


def followups_due_many(
    *, clients: Iterable[Client], now: datetime | None = None
) -> dict[int, list[FollowUp]]:
    """:func:`followups_due` for many clients at once (two queries in all), by client id."""
    found = followups_many(clients=clients, now=now)
    return {pk: [f for f in each if f.state == "due"] for pk, each in found.items()}


def followups_of(*, client: Client, now: datetime | None = None) -> list[FollowUp]:
    """Every follow-up of the client's recent sessions (:func:`followups_many`)."""
    return followups_many(clients=[client], now=now)[client.pk]


def followups_due(*, client: Client, now: datetime | None = None) -> list[FollowUp]:
    """The follow-ups whose window is open now and that no check-in answers yet."""
    return [f for f in followups_of(client=client, now=now) if f.state == "due"]


def followups_missing(*, client: Client, now: datetime | None = None) -> list[FollowUp]:
    """The follow-ups of recent sessions whose window closed without a check-in."""
    return [f for f in followups_of(client=client, now=now) if f.state == "missing"]


def followup_of(*, session: MassageSession, hours: int, now: datetime | None = None) -> FollowUp:
    """One follow-up of ``session`` (``hours`` one of :data:`FOLLOWUP_WINDOWS`), for its form."""
    now = now or timezone.now()
    low, high = FOLLOWUP_WINDOWS[hours]
    times = list(
        session.client.checkins.filter(
            time__gte=session.start + timedelta(hours=low), time__lt=session.start + timedelta(hours=high)
        ).values_list("time", flat=True)
    )
    return _followup(session, hours, times, now)


def session_rated(session: MassageSession) -> bool:
    """Whether the client has given any of the session's ratings."""
    return any(getattr(session, name) is not None for name in SESSION_RATING_FIELDS)


@dataclass(frozen=True)
class HomeDue:
    """What the client's home page asks for: the follow-ups due and the sessions to rate."""

    followups: list[FollowUp]
    to_rate: list[MassageSession]


def home_due(*, actor: Any, client: Client, now: datetime | None = None) -> HomeDue:
    """:func:`followups_due` and :func:`sessions_to_rate` for the home page (audited: the page
    shows the sessions' dates and who logged them)."""
    audit.record(actor=actor, client_ref=client.pk, action=Action.FOLLOWUPS_VIEWED)
    return HomeDue(followups_due(client=client, now=now), sessions_to_rate(client=client, now=now))


def sessions_to_rate(*, client: Client, now: datetime | None = None) -> list[MassageSession]:
    """Sessions a therapist logged in the last :data:`RATING_ASK_DAYS` days that the client has
    not rated yet, newest first."""
    now = now or timezone.now()
    recent = client.sessions.filter(
        therapist__isnull=False, start__lte=now, start__gte=now - timedelta(days=RATING_ASK_DAYS)
    ).select_related("therapist__user")
    return [s for s in recent.order_by("-start") if not session_rated(s)]


# --- The engine's results (one selector for every page, the API and the report) -----------------


def client_analysis(*, actor: Any, client: Client) -> ClientResults:
    """The engine's analysis of the client and its warnings in words (audited as a results view).

    From the cache when nothing was written to the client's records since it was computed
    (:mod:`touchdose.web.results`); otherwise computed now and kept for the next page.
    """
    audit.record(actor=actor, client_ref=client.pk, action=Action.DASHBOARD_VIEWED)
    return _results_of([client.pk])[client.pk]


def client_safety(*, actor: Any, client: Client) -> Safety | None:
    """The safety screening of the client's (cached) analysis, for the client's home page, or None
    when nothing was found (docs/safety.md). Audited as a look at the results: it is one."""
    audit.record(actor=actor, client_ref=client.pk, action=Action.DASHBOARD_VIEWED)
    found = _results_of([client.pk]).get(client.pk)
    verdict = found.analysis.verdict if found is not None else None
    if verdict is None or verdict.safety is None or verdict.safety.level is None:
        return None
    return verdict.safety


def client_analyses(
    *, actor: Any, clients: Iterable[Client], action: Action = Action.CLIENT_LISTED, stale_ok: bool = False
) -> dict[int, ClientResults]:
    """:func:`client_analysis` for many clients at once, by client id: one query for their
    versions, one cache round trip, and the records of only those not cached (a caseload).

    ``stale_ok``: a client whose current analysis is not cached yet gets the newest one stored
    (its ``version`` is then below the client's ``records_version``: the job worker is computing
    the current one); the engine runs here only for a client with no analysis stored at all."""
    ids = [c.pk for c in clients]
    audit.record_many(actor=actor, client_refs=ids, action=action)
    return _results_of(ids, stale_ok=stale_ok)


def refresh_results(*, client_id: int) -> bool:
    """Compute and cache the client's current analysis and charts if they are not cached yet
    (the job run after each write, off the request path). True if the engine ran."""
    row = Client.objects.filter(pk=client_id).first()
    if row is None:  # the account was deleted since the write
        return False
    current = _key("analysis", row)
    if isinstance(results.get_many([current]).get(current), ClientResults):
        return False
    found = _results_of([client_id])[client_id]
    client_charts(client=row, found=found)
    return True


def _results_of(ids: list[int], *, stale_ok: bool = False) -> dict[int, ClientResults]:
    # The rows are read afresh, version and profile in one query, before the records: an entry
    # stored under version v is then never older than v (a write commits records and version together).
    rows = {c.pk: c for c in Client.objects.filter(pk__in=ids)}
    keys = {pk: _key("analysis", row) for pk, row in rows.items()}
    found = results.get_many(keys.values())
    out = {pk: found[k] for pk, k in keys.items() if isinstance(found.get(k), ClientResults)}
    if stale_ok and len(out) < len(rows):
        out |= _latest_of([row for pk, row in rows.items() if pk not in out])
    missing = [rows[pk] for pk in ids if pk in rows and pk not in out]
    files = _client_files(missing)
    fresh = {row.pk: _analysed(row, cf) for row, cf in files}
    results.put_many({k: value for pk, value in fresh.items() for k in (keys[pk], _latest_key(rows[pk]))})
    # One client computed (a results page after a write): its charts come next in this thread,
    # from the same records, without reading them again.
    _just_read.files = {(row.pk, row.records_version): cf for row, cf in files} if len(files) == 1 else {}
    return {**out, **fresh}


#: The records of the one client whose analysis this thread computed last, for its charts.
_just_read = threading.local()


def _key(kind: str, row: Client) -> str:
    return results.key(kind, client_id=row.pk, created=row.created_at, version=row.records_version)


def _latest_key(row: Client) -> str:
    return results.latest_key(client_id=row.pk, created=row.created_at)


#: How long after a write the caseload may show the analysis before it, marked as updating. The
#: job worker looks for jobs every few seconds (``TOUCHDOSE_WORKER_INTERVAL``) and the engine takes
#: well under a second, so a write still not refreshed after this has no worker running: compute.
STALE_GRACE = timedelta(minutes=2)


def _latest_of(rows: list[Client]) -> dict[int, ClientResults]:
    """The newest analysis stored for each of ``rows`` (an older version), for the clients written
    to within :data:`STALE_GRACE` and not about their safety since (:func:`_may_stand_in`)."""
    since = timezone.now() - STALE_GRACE
    recent = [row for row in rows if row.records_changed_at is not None and row.records_changed_at >= since]
    keys = {row.pk: (_latest_key(row), row) for row in recent}
    found = results.get_many(k for k, _ in keys.values())
    return {pk: found[k] for pk, (k, row) in keys.items() if _may_stand_in(found.get(k), row)}


def _may_stand_in(entry: object, row: Client) -> bool:
    """An older analysis may stand in for the current one: made after the client's last word on
    their safety, and never for a version above the row's (records rolled back since)."""
    return isinstance(entry, ClientResults) and row.safety_version <= entry.version <= row.records_version


def _client_files(rows: list[Client]) -> list[tuple[Client, ClientFile]]:
    """Each client's records as a ClientFile, with two queries for all of them."""
    if not rows:
        return []
    sessions: dict[int, list[MassageSession]] = {row.pk: [] for row in rows}
    checkins: dict[int, list[CheckInRow]] = {row.pk: [] for row in rows}
    for s in MassageSession.objects.filter(client__in=rows).order_by("start", "pk"):
        sessions[s.client_id].append(s)
    for c in CheckInRow.objects.filter(client__in=rows).order_by("time", "pk"):
        checkins[c.client_id].append(c)
    return [(row, convert.client_file_of(row, sessions[row.pk], checkins[row.pk])) for row in rows]


def _analysed(row: Client, cf: ClientFile) -> ClientResults:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        analysis = analyze_client(cf)
    notes = tuple(sorted({str(w.message) for w in caught}))
    return ClientResults(client_id=row.pk, version=row.records_version, analysis=analysis, notes=notes)


def client_charts(*, client: Client, found: ClientResults) -> tuple[Chart, ...]:
    """The results page's charts for the analysis ``found`` (cached beside it, same version)."""
    row = Client.objects.filter(pk=client.pk).first()
    if row is None:
        return ()
    entry = _key("charts", row) if row.records_version == found.version else None
    cached = results.get_many([entry]).get(entry) if entry else None
    if isinstance(cached, tuple):
        return cached
    cf = getattr(_just_read, "files", {}).pop((row.pk, found.version), None)
    if cf is None:
        ((_, cf),) = _client_files([row])
    drawn = web_charts(cf, found.analysis)
    if entry:
        results.put_many({entry: drawn})
    return drawn


@dataclass(frozen=True)
class CaseloadRow:
    """One client of a therapist's caseload: the cached results, how soon they need attention, and
    the follow-ups they still owe."""

    client: Client
    results: ClientResults
    attention: Attention
    followups: tuple[FollowUp, ...]

    @property
    def updating(self) -> bool:
        """The analysis shown is of records older than the client's latest write (the job
        worker is computing the current one)."""
        return self.results.version < self.client.records_version


@dataclass(frozen=True)
class Caseload:
    """Every client who shares with a therapist, most urgent first, and a count by verdict."""

    rows: tuple[CaseloadRow, ...]
    by_verdict: dict[str, int]


def caseload(*, actor: Any, therapist: Therapist, now: datetime | None = None) -> Caseload:
    """The therapist's home: each shared client from the results cache (the engine runs only for a
    client whose records changed), ordered by :func:`touchdose.analysis.caseload.attention`.

    A fixed number of queries whatever the number of clients (cache warm): the shares, the
    clients' record versions, the recent sessions and check-ins, one audit insert.
    """
    shares = Share.objects.filter(therapist=therapist, revoked_at__isnull=True).select_related("client__user")
    clients = [share.client for share in shares]
    found = client_analyses(actor=actor, clients=clients, stale_ok=True)
    due = followups_due_many(clients=clients, now=now)
    rows = [
        CaseloadRow(c, found[c.pk], attention(found[c.pk].analysis, followups_due=len(due[c.pk])),
                    tuple(due[c.pk]))
        for c in clients
        if c.pk in found
    ]  # fmt: skip
    rows.sort(key=lambda r: (*r.attention.sort_key(), r.client.user.get_username()))
    states = Counter(r.results.analysis.verdict.state for r in rows if r.results.analysis.verdict is not None)
    return Caseload(tuple(rows), {s: states[s] for s in VERDICT_STATES if states[s]})


# --- Many clients at once (issue 15) -----------------------------------------------------------

#: Clients read from the database per query batch for a cohort analysis (their rows prefetched).
COHORT_BATCH = 200


def cohort_client_files(*, actor: Any) -> Iterator[ClientFile]:
    """Every client's records, one client at a time, for ``touchdose cohort database:``.

    Each client's audit trail records that their records went into an analysis of many clients.
    Rows are fetched a batch of clients at a time (three queries per batch), never all at once.
    """
    clients = Client.objects.order_by("pk").prefetch_related("sessions", "checkins")
    for client in clients.iterator(chunk_size=COHORT_BATCH):
        audit.record(actor=actor, client_ref=client.pk, action=Action.COHORT_ANALYSED)
        yield convert.client_file_of(client, client.sessions.all(), client.checkins.all())


# --- API and downloads (issue 7) ---------------------------------------------------------------


def clients_for_user(*, actor: Any) -> list[tuple[Client, bool]]:
    """The clients ``actor`` may see, as ``(client, can_write)``: their own account, then every
    client who shares with them (the same rule as :func:`touchdose.web.access.get_client_for_user`)."""
    found: list[tuple[Client, bool]] = []
    own = getattr(actor, "client", None) if getattr(actor, "is_authenticated", False) else None
    if own is not None:
        found.append((own, True))
    therapist = getattr(actor, "therapist", None) if getattr(actor, "is_authenticated", False) else None
    if therapist is not None:
        shares = Share.objects.filter(therapist=therapist, revoked_at__isnull=True).select_related("client")
        found += [(share.client, False) for share in shares.order_by("client_id")]
    for client, _ in found:
        audit.record(actor=actor, client_ref=client.pk, action=Action.CLIENT_LISTED)
    return found


def client_profile_read(*, actor: Any, client: Client) -> ClientProfile:
    """The client's profile (the intake answers the engine uses)."""
    audit.record(actor=actor, client_ref=client.pk, action=Action.INTAKE_VIEWED)
    return convert.profile_of_row(client)


def session_read(*, actor: Any, session: MassageSession) -> MassageSession:
    audit.record_about(actor=actor, row=session, action=Action.SESSIONS_VIEWED)
    return session


def checkin_read(*, actor: Any, checkin: CheckInRow) -> CheckInRow:
    audit.record_about(actor=actor, row=checkin, action=Action.CHECKINS_VIEWED)
    return checkin


def client_file_download(*, actor: Any, client: Client) -> ClientFile:
    """Everything stored about the client as a client file, for "download my data"."""
    audit.record(actor=actor, client_ref=client.pk, action=Action.EXPORTED)
    return client_file_for(client)


def api_tokens_of(*, user: Any) -> QuerySet[ApiToken]:
    """The user's tokens, newest first (hashes are never shown; the prefix tells them apart)."""
    return ApiToken.objects.filter(user=user)


def clinician_report(*, actor: Any, client: Client) -> ClinicianReport:
    """The clinician report of :mod:`touchdose.reports.clinician`."""
    audit.record(actor=actor, client_ref=client.pk, action=Action.REPORT_DOWNLOADED)
    found = _results_of([client.pk])[client.pk]
    cf = client_file_for(client)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the report states its own limits (data summary, caution)
        return build_report(cf, found.analysis, generated=timezone.now())


@transaction.atomic
def client_export(*, actor: Any, client: Client) -> dict[str, Any]:
    """Everything stored about the client: the docs/formats.md client file plus the account extras."""
    audit.record(actor=actor, client_ref=client.pk, action=Action.EXPORTED)
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
            for e in audit.events_of(client=client, limit=10_000)
        ],
    }  # fmt: skip
    return data
