"""Persona fixtures for the web tests (and the API tests): client A, client B, a therapist A
shares with, and a therapist nobody shares with. Each persona comes with a logged-in Django
test client; client A has a check-in, a session they logged and a session their therapist logged.

Users are created without a password (``force_login``) so the suite does not spend seconds
on Argon2; ``test_security.py`` checks the real hashing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.test import Client as HttpClient
from django.utils import timezone

from touchdose.web import services
from touchdose.web.models import AuditEvent, CheckIn, Client, MassageSession, Share, Therapist

PERSONAS = ("client_a", "client_b", "therapist_linked", "therapist_stranger", "anonymous")


@dataclass
class World:
    """Everyone and everything the access tests need, by name."""

    users: dict[str, User]
    client_a: Client
    client_b: Client
    therapist_linked: Therapist
    therapist_stranger: Therapist
    share: Share
    checkin: CheckIn
    own_session: MassageSession
    therapist_session: MassageSession

    def http(self, persona: str) -> HttpClient:
        http = HttpClient()
        if persona != "anonymous":
            http.force_login(self.users[persona])
        return http


def make_user(username: str) -> User:
    user = User.objects.create(username=username, email=f"{username}@example.org")
    user.set_unusable_password()
    user.save()
    return user


def make_client(username: str, tz: str = "Europe/Stockholm") -> Client:
    return Client.objects.create(user=make_user(username), timezone=tz)


def make_therapist(username: str) -> Therapist:
    return Therapist.objects.create(user=make_user(username), display_name=username.title())


@pytest.fixture(autouse=True)
def empty_cache() -> None:
    """Each test starts without cached analyses or charts (they live in the process's memory)."""
    cache.clear()


@pytest.fixture
def world(db: Any) -> World:
    client_a, client_b = make_client("anna"), make_client("bea")
    linked, stranger = make_therapist("tove"), make_therapist("sam")
    share = Share.objects.create(client=client_a, therapist=linked)
    now = timezone.now()
    checkin = services.checkin_record(
        actor=client_a.user, client=client_a, time=now - timedelta(hours=2), pain=5
    )
    own = services.session_record(
        actor=client_a.user, client=client_a, start=now - timedelta(days=3), pressure=2, minutes=45,
        technique=["swedish"], pain_before=6, pain_after=4,
    )  # fmt: skip
    by_therapist = services.session_record(
        actor=linked.user, client=client_a, therapist=linked, start=now - timedelta(days=1), pressure=2,
        minutes=30, technique=["swedish"], regions=["upper_back"],
    )  # fmt: skip
    users = {
        "client_a": client_a.user,
        "client_b": client_b.user,
        "therapist_linked": linked.user,
        "therapist_stranger": stranger.user,
    }
    return World(users, client_a, client_b, linked, stranger, share, checkin, own, by_therapist)


def last_event() -> AuditEvent:
    """The newest audit event (practice 10: assert audit events explicitly)."""
    event = AuditEvent.objects.order_by("-id").first()
    assert event is not None, "no audit event was written"
    return event


#: The REST API's root, for the API tests.
API = "/api/v1"


@pytest.fixture
def http(world: World) -> HttpClient:
    """An HTTP client that calls the API with a personal token of ``client_a``."""
    raw = services.api_token_create(actor=world.users["client_a"], name="t")[1]
    return HttpClient(headers={"authorization": f"Bearer {raw}"})


def send(http: HttpClient, method: str, path: str, body: Any = None) -> Any:
    """One API call: ``method`` on ``API + path`` with ``body`` as JSON when given."""
    if body is None:
        return getattr(http, method)(API + path)
    return getattr(http, method)(API + path, data=json.dumps(body), content_type="application/json")
