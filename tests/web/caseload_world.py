"""A therapist with 40 clients shaped like real use, for the caseload tests (web and browser).

36 simulated clients (helped, no effect, harmed, soothing, too little data) whose records end
yesterday, plus four written by hand: a severe flare still going on four days after a session, a
flare after yesterday's session, follow-ups due after a session two days ago, and a client who
shared but logged nothing.
Rows are bulk-inserted (the services' one-by-one writes would cost seconds).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta

from django.utils import timezone

from touchdose.painmodel.simulate import simulate_clients
from touchdose.records import CheckIn, ClientFile, Session
from touchdose.web.convert import CHECKIN_FIELDS, SESSION_FIELDS, profile_of_row, stored_values
from touchdose.web.models import CheckIn as CheckInRow
from touchdose.web.models import Client, MassageSession, Share, Therapist

MIX = {"helps": 0.3, "no_effect": 0.25, "harmed_moderate": 0.2, "soothing": 0.15, "too_little_data": 0.1}
#: The hand-written clients and what must be said about them.
SAFETY, FLARE, FOLLOWUPS, NEWCOMER = "zoe-severe-flare", "yann-flare", "xia-followups", "will-new"


def _shifted(cf: ClientFile, end: datetime) -> ClientFile:
    """The same records moved in time so that the last one is at ``end``."""
    last = max([c.time for c in cf.checkins] + [s.start for s in cf.sessions])
    delta = end - last
    return replace(cf, sessions=tuple(replace(s, start=s.start + delta) for s in cf.sessions),
                   checkins=tuple(replace(c, time=c.time + delta) for c in cf.checkins))  # fmt: skip


def _store(client: Client, cf: ClientFile) -> None:
    MassageSession.objects.bulk_create(
        [MassageSession(client=client, **stored_values(s, SESSION_FIELDS)) for s in cf.sessions])  # fmt: skip
    CheckInRow.objects.bulk_create(
        [CheckInRow(client=client, **stored_values(c, CHECKIN_FIELDS)) for c in cf.checkins])  # fmt: skip


def _diary(now: datetime, days: int) -> tuple[CheckIn, ...]:
    return tuple(CheckIn(time=now - timedelta(days=d, hours=3), pain=5, mood=6) for d in range(days, 0, -1))


def make_caseload(
    therapist: Therapist, make_client: Callable[..., Client], *, clients: int = 40
) -> dict[str, Client]:
    """Create ``clients`` clients sharing with ``therapist``; return them by username."""
    now = timezone.now().replace(microsecond=0)
    made: dict[str, Client] = {}
    simulated = simulate_clients(clients - 4, seed=40, days=100, kind=MIX).clients
    for i, cf in enumerate(simulated):
        made[f"client-{i + 1:02d}"] = client = make_client(f"client-{i + 1:02d}", tz="UTC")
        _store(client, _shifted(cf, now - timedelta(hours=20)))
    severe = tuple(CheckIn(time=now - timedelta(days=d, hours=3), pain=9, flare=True)
                   for d in range(4, -1, -1))  # fmt: skip
    hand = {
        SAFETY: ((*_diary(now, 20)[:-5], *severe),
                 (Session(start=now - timedelta(days=4, hours=10), pressure=4, minutes=60, pain_before=5),)),
        FLARE: (_diary(now, 20), (Session(start=now - timedelta(hours=30), pressure=4, minutes=60,
                                          pain_before=5, pain_after=5, adverse=("flare",)),)),
        FOLLOWUPS: (_diary(now, 20)[:-3], (Session(start=now - timedelta(hours=50), pressure=2, minutes=45,
                                                  pain_before=5, pain_after=4),)),
        NEWCOMER: ((), ()),
    }  # fmt: skip
    for name, (checkins, sessions) in hand.items():
        made[name] = client = make_client(name, tz="UTC")
        _store(client, ClientFile(profile_of_row(client), sessions, checkins))
    Share.objects.bulk_create([Share(client=c, therapist=therapist) for c in made.values()])
    return made

