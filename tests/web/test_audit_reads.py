"""Issue 13, finding 6: every page that shows a client's records writes an audit event (the intake
form, the check-in form with "same as last time", the edit forms, the delete confirmations, the
home page's follow-ups, the therapist's session form, the audit page itself), and so do sign-ins,
sign-outs, failed sign-ins and password changes (never a password, never a name typed that is not
the account's own)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client as HttpClient
from django.urls import reverse
from tests.web.conftest import World, make_client

from touchdose.web.models import AuditEvent

#: (persona, URL name, its arguments from the world, action, the record it names or None)
READS: list[tuple[str, str, Callable[[World], list[int]], str, Callable[[World], int] | None]] = [
    ("client_a", "intake", lambda w: [w.client_a.pk], "intake_viewed", None),
    ("client_a", "checkin_new", lambda w: [w.client_a.pk], "checkins_viewed", lambda w: w.checkin.pk),
    ("client_a", "checkin_edit", lambda w: [w.checkin.pk], "checkins_viewed", lambda w: w.checkin.pk),
    ("client_a", "checkin_delete", lambda w: [w.checkin.pk], "checkins_viewed", lambda w: w.checkin.pk),
    ("client_a", "session_edit", lambda w: [w.own_session.pk], "sessions_viewed", lambda w: w.own_session.pk),
    ("client_a", "session_delete", lambda w: [w.own_session.pk], "sessions_viewed",
     lambda w: w.own_session.pk),
    ("client_a", "session_edit", lambda w: [w.therapist_session.pk], "sessions_viewed",
     lambda w: w.therapist_session.pk),
    ("therapist_linked", "session_edit", lambda w: [w.therapist_session.pk], "sessions_viewed",
     lambda w: w.therapist_session.pk),
    ("client_a", "home", lambda w: [], "followups_viewed", None),
    ("client_a", "audit_log", lambda w: [w.client_a.pk], "audit_viewed", None),
]  # fmt: skip


@pytest.mark.parametrize(("persona", "name", "args", "action", "record"), READS)
def test_finding_6_each_read_of_a_record_is_audited(
    world: World, persona: str, name: str, args: Any, action: str, record: Any
) -> None:
    http = world.http(persona)
    before = AuditEvent.objects.count()
    response = http.get(reverse(name, args=args(world)))
    assert response.status_code == 200
    new = AuditEvent.objects.order_by("id")[before:]
    wanted = (world.users[persona].pk, world.client_a.pk, action, record(world) if record else None)
    assert wanted in [(e.actor_id, e.client_ref, e.action, e.object_ref) for e in new]


def test_finding_6_the_audit_page_shows_its_own_look(world: World) -> None:
    response = world.http("client_a").get(reverse("audit_log", args=[world.client_a.pk]))
    assert "looked at this list" in response.content.decode()


PASSWORD = "a long enough passphrase 1"


@pytest.fixture
def signed_up(db: Any) -> Any:
    client = make_client("petra")
    client.user.set_password(PASSWORD)
    client.user.save()
    return client


def events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action))


def test_finding_6_sign_in_and_sign_out_are_audited_on_the_clients_trail(signed_up: Any) -> None:
    http = HttpClient()
    response = http.post(reverse("login"), {"username": "petra", "password": PASSWORD})
    assert response.status_code == 302
    http.post(reverse("logout"))
    for action in ("logged_in", "logged_out"):
        (event,) = events(action)
        assert (event.actor_id, event.actor_name, event.client_ref) == (
            signed_up.user.pk, "petra", signed_up.pk,
        )  # fmt: skip


def test_finding_6_a_failed_sign_in_names_only_the_accounts_own_username(signed_up: Any) -> None:
    http = HttpClient()
    http.post(reverse("login"), {"username": "petra", "password": "wrong wrong wrong"})
    http.post(reverse("login"), {"username": PASSWORD, "password": "petra"})  # swapped fields
    named, nameless = sorted(events("login_failed"), key=lambda e: e.actor_name, reverse=True)
    assert (named.actor_id, named.actor_name, named.client_ref) == (signed_up.user.pk, "petra", signed_up.pk)
    assert (nameless.actor_id, nameless.actor_name, nameless.client_ref) == (None, "", None)
    stored = [str(value) for row in AuditEvent.objects.values_list() for value in row]
    assert not any(secret in value for value in stored for secret in (PASSWORD, "wrong wrong"))
    audit_page = HttpClient()
    audit_page.force_login(signed_up.user)
    text = audit_page.get(reverse("audit_log", args=[signed_up.pk])).content.decode()
    assert "failed to sign in" in text


def test_finding_6_a_password_change_is_audited(signed_up: Any) -> None:
    http = HttpClient()
    http.force_login(signed_up.user)
    new = "another long passphrase 2"
    response = http.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert response.status_code == 302
    (event,) = events("password_changed")
    assert (event.actor_id, event.client_ref) == (signed_up.user.pk, signed_up.pk)
