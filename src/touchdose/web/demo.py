"""``touchdose serve --demo``: one simulated client with months of history and a therapist they
share with, so a newcomer sees a full dashboard. Everything is written through the services
(the same validation and audit trail as real entries)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from touchdose.painmodel import simulate_clients
from touchdose.records import ClientFile
from touchdose.web import convert, services
from touchdose.web.convert import CHECKIN_FIELDS, SESSION_FIELDS
from touchdose.web.models import Client, Share, Therapist

DEMO_CLIENT, DEMO_THERAPIST = "demo-client", "demo-therapist"
DEMO_DAYS = 120  # about four months: a baseline fortnight, then weekly sessions
DEMO_SEED = 2026
DEMO_KIND = "helps"  # a client massage helps once the pressure is right
DEMO_TIMEZONE = "Europe/Stockholm"


@dataclass(frozen=True)
class DemoLogins:
    client_username: str
    therapist_username: str
    password: str
    created: bool


def _simulated_client() -> ClientFile:
    start = timezone.localdate() - timedelta(days=DEMO_DAYS)
    result = simulate_clients(
        1, seed=DEMO_SEED, kind=DEMO_KIND, days=DEMO_DAYS, start=start, timezone=DEMO_TIMEZONE
    )
    return result.clients[0]


@transaction.atomic
def demo_load() -> DemoLogins:
    """Create the demo accounts and history once; later runs only set a fresh password."""
    password = secrets.token_urlsafe(9)
    users = get_user_model().objects
    existing = users.filter(username=DEMO_CLIENT).first()
    if existing is not None:
        for name in (DEMO_CLIENT, DEMO_THERAPIST):
            user = users.get(username=name)
            user.set_password(password)
            user.save()
        return DemoLogins(DEMO_CLIENT, DEMO_THERAPIST, password, created=False)
    client_user = services.account_signup(
        username=DEMO_CLIENT, email="", password=password, role="client", timezone_name=DEMO_TIMEZONE,
        display_name="Demo Client",  # therapists see clients by their display names (issue 10)
    )  # fmt: skip
    therapist_user = services.account_signup(
        username=DEMO_THERAPIST, email="", password=password, role="therapist", display_name="Demo Therapist"
    )
    client = Client.objects.get(user=client_user)
    therapist = Therapist.objects.get(user=therapist_user)
    Share.objects.create(client=client, therapist=therapist)
    _load_records(client, therapist, _simulated_client())
    return DemoLogins(DEMO_CLIENT, DEMO_THERAPIST, password, created=True)


def _load_records(client: Client, therapist: Therapist, cf: ClientFile) -> None:
    profile = cf.client
    services.client_intake_save(
        actor=client.user,
        client=client,
        timezone=DEMO_TIMEZONE,
        conditions=list(profile.conditions) or ["fibromyalgia"],
        max_pressure=profile.max_pressure,
        sensitivity=profile.sensitivity or "",
        avoid_regions=list(profile.avoid_regions),
        goals="Less pain on workdays; sleep better.",
    )
    for s in cf.sessions:  # the therapist logs what they did; the client rates it
        fields = convert.stored_values(s, SESSION_FIELDS)
        ratings = {name: fields.pop(name) for name in services.SESSION_RATINGS}
        row = services.session_record(actor=therapist.user, client=client, therapist=therapist, **fields)
        if any(value not in (None, []) for value in ratings.values()):
            services.session_update(actor=client.user, session=row, **ratings)
    for c in cf.checkins:
        fields = convert.stored_values(c, CHECKIN_FIELDS)
        services.checkin_record(actor=client.user, client=client, **fields)
