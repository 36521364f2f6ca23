"""The API access matrix: every endpoint, the four personas of the web app (plus anonymous), each
authenticated by a personal token and by the browser session. Each persona gets exactly what the
pages give it (``touchdose.web.access``): the rest is 401 (not signed in), 404 (not yours; we do
not confirm the record exists) or 403 (you may read but not change). Also right after a share or a
token is revoked."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client as HttpClient

from touchdose.web import services
from touchdose.web.models import AuditEvent, CheckIn, MassageSession

from .conftest import PERSONAS, World, last_event

A, B, TL, TS, ANON = PERSONAS
API = "/api/v1"

NEW_SESSION = {"start": "2026-03-02T10:00:00+01:00", "pressure": 2, "minutes": 40, "technique": ["swedish"]}
NEW_CHECKIN = {"time": "2026-03-02T20:00:00+01:00", "pain": 4}

# (method, path template, body, expected status for client_a, client_b, therapist_linked,
#  therapist_stranger, anonymous). {client} is client A, {session} the session A logged, {tsession}
#  the one the linked therapist logged (which that therapist may correct or delete, but never rate),
#  {checkin} A's check-in.
MATRIX: list[tuple[str, str, dict[str, Any] | None, tuple[int, int, int, int, int]]] = [
    ("get", "/me", None, (200, 200, 200, 200, 401)),
    ("get", "/clients", None, (200, 200, 200, 200, 401)),
    ("get", "/evidence", None, (200, 200, 200, 200, 401)),
    ("get", "/clients/{client}", None, (200, 404, 200, 404, 401)),
    ("get", "/clients/{client}/analysis", None, (200, 404, 200, 404, 401)),
    ("get", "/clients/{client}/sessions", None, (200, 404, 200, 404, 401)),
    ("get", "/clients/{client}/checkins", None, (200, 404, 200, 404, 401)),
    ("post", "/clients/{client}/sessions", NEW_SESSION, (201, 404, 201, 404, 401)),
    ("post", "/clients/{client}/sessions", {**NEW_SESSION, "pain_after": 2}, (201, 404, 403, 404, 401)),
    ("post", "/clients/{client}/checkins", NEW_CHECKIN, (201, 404, 403, 404, 401)),
    ("patch", "/clients/{client}/profile", {"contraindications": ["dvt"]}, (200, 404, 403, 404, 401)),
    ("get", "/sessions/{session}", None, (200, 404, 200, 404, 401)),
    ("patch", "/sessions/{session}", {"pain_after": 3}, (200, 404, 403, 404, 401)),
    ("patch", "/sessions/{tsession}", {"pain_after": 3}, (200, 404, 403, 404, 401)),
    ("patch", "/sessions/{tsession}", {"pressure": 4}, (403, 404, 200, 404, 401)),
    ("delete", "/sessions/{session}", None, (204, 404, 403, 404, 401)),
    ("delete", "/sessions/{tsession}", None, (204, 404, 204, 404, 401)),
    ("get", "/checkins/{checkin}", None, (200, 404, 200, 404, 401)),
    ("patch", "/checkins/{checkin}", {"pain": 3}, (200, 404, 403, 404, 401)),
    ("delete", "/checkins/{checkin}", None, (204, 404, 403, 404, 401)),
]


def tokens_for(world: World) -> dict[str, str]:
    return {p: services.api_token_create(actor=world.users[p], name="test")[1] for p in PERSONAS[:4]}


def http_for(world: World, persona: str, how: str, tokens: dict[str, str]) -> HttpClient:
    if persona == ANON or how == "session":
        return world.http(persona)
    return HttpClient(headers={"authorization": f"Bearer {tokens[persona]}"})


def call(http: HttpClient, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
    kwargs: dict[str, Any] = {}
    if body is not None:
        kwargs = {"data": json.dumps(body), "content_type": "application/json"}
    return getattr(http, method)(API + path, **kwargs)


def fill(world: World, template: str) -> str:
    return template.format(
        client=world.client_a.pk,
        session=world.own_session.pk,
        tsession=world.therapist_session.pk,
        checkin=world.checkin.pk,
    )


@pytest.mark.parametrize("how", ["token", "session"])
@pytest.mark.parametrize("persona_index", range(len(PERSONAS)), ids=PERSONAS)
@pytest.mark.parametrize(
    ("method", "template", "body", "expected"), MATRIX, ids=[f"{m} {t}" for m, t, *_ in MATRIX]
)
def test_access_matrix(world: World, how: str, persona_index: int, method: str, template: str,
                       body: dict[str, Any] | None, expected: tuple[int, ...]) -> None:  # fmt: skip
    persona = PERSONAS[persona_index]
    tokens = tokens_for(world)
    before = (MassageSession.objects.count(), CheckIn.objects.count())
    response = call(http_for(world, persona, how, tokens), method, fill(world, template), body)
    assert response.status_code == expected[persona_index], response.content
    if response.status_code >= 400:
        assert isinstance(response.json()["detail"], str)  # the error body of every refusal
    if response.status_code in (401, 403, 404) and method != "get":
        assert (MassageSession.objects.count(), CheckIn.objects.count()) == before  # refused = unchanged


def test_client_lists_per_persona(world: World) -> None:
    tokens = tokens_for(world)
    seen = {}
    for persona in PERSONAS[:4]:
        rows = call(http_for(world, persona, "token", tokens), "get", "/clients").json()
        seen[persona] = [(r["id"], r["can_write"]) for r in rows]
    assert seen == {
        A: [(world.client_a.pk, True)],
        B: [(world.client_b.pk, True)],
        TL: [(world.client_a.pk, False)],
        TS: [],
    }


def test_therapist_session_is_logged_as_theirs(world: World) -> None:
    tokens = tokens_for(world)
    response = call(
        http_for(world, TL, "token", tokens), "post", fill(world, "/clients/{client}/sessions"), NEW_SESSION
    )
    assert response.status_code == 201
    row = MassageSession.objects.get(pk=response.json()["id"])
    assert row.therapist == world.therapist_linked and row.client == world.client_a
    assert response.json()["logged_by_therapist"] is True


def test_share_revocation_takes_effect_at_once(world: World) -> None:
    tokens = tokens_for(world)
    http = http_for(world, TL, "token", tokens)
    assert call(http, "get", fill(world, "/clients/{client}/checkins")).status_code == 200
    services.share_revoke(actor=world.users[A], client=world.client_a, share_id=world.share.pk)
    for method, template, body, _ in MATRIX[3:]:
        assert call(http, method, fill(world, template), body).status_code == 404, (method, template)
    assert call(http, "get", "/clients").json() == []


def test_token_revocation_takes_effect_at_once(world: World) -> None:
    token, raw = services.api_token_create(actor=world.users[A], name="script")
    http = HttpClient(headers={"authorization": f"Bearer {raw}"})
    assert call(http, "get", "/me").json()["client_id"] == world.client_a.pk
    assert services.api_token_revoke(actor=world.users[A], token_id=token.pk)
    response = call(http, "get", "/me")
    assert response.status_code == 401
    assert "token" in response.json()["detail"]


def test_someone_elses_token_cannot_be_revoked(world: World) -> None:
    token, raw = services.api_token_create(actor=world.users[A], name="script")
    assert not services.api_token_revoke(actor=world.users[B], token_id=token.pk)
    http = HttpClient(headers={"authorization": f"Bearer {raw}"})
    assert call(http, "get", "/me").status_code == 200


def test_token_of_inactive_account_is_refused(world: World) -> None:
    _, raw = services.api_token_create(actor=world.users[A], name="script")
    world.users[A].is_active = False
    world.users[A].save()
    assert call(HttpClient(headers={"authorization": f"Bearer {raw}"}), "get", "/me").status_code == 401


@pytest.mark.parametrize("header", ["Bearer td_not-a-real-token", "Bearer ", "Basic dXNlcjpwYXNz", "td_x"])
def test_bad_tokens_are_401(world: World, header: str) -> None:
    assert call(HttpClient(headers={"authorization": header}), "get", "/me").status_code == 401


def test_tokens_are_stored_hashed(world: World) -> None:
    token, raw = services.api_token_create(actor=world.users[A], name="script")
    token.refresh_from_db()
    assert raw not in (token.token_hash, token.prefix) and len(token.token_hash) == 64
    assert token.prefix == raw[:10] and raw.startswith("td_") and len(raw) > 40


def test_tokens_endpoints_take_the_session_only(world: World) -> None:
    tokens = tokens_for(world)
    assert call(http_for(world, A, "token", tokens), "get", "/tokens").status_code == 401
    assert call(http_for(world, A, "token", tokens), "post", "/tokens", {"name": "x"}).status_code == 401
    http = world.http(A)
    made = call(http, "post", "/tokens", {"name": "phone"})
    assert made.status_code == 201 and made.json()["token"].startswith("td_")
    listed = call(http, "get", "/tokens").json()
    assert "token" not in listed[0] and {t["name"] for t in listed} == {"phone", "test"}
    assert call(world.http(B), "delete", f"/tokens/{made.json()['id']}").status_code == 404
    assert call(http, "delete", f"/tokens/{made.json()['id']}").status_code == 204
    assert last_event().action == "api_token_revoked"


class TestCsrf:
    """The browser session must carry the CSRF token on every change; a token caller needs none."""

    def test_session_post_without_csrf_is_refused(self, world: World) -> None:
        http = HttpClient(enforce_csrf_checks=True)
        http.force_login(world.users[A])
        before = CheckIn.objects.count()
        response = call(http, "post", fill(world, "/clients/{client}/checkins"), NEW_CHECKIN)
        assert response.status_code == 403 and "CSRF" in response.json()["detail"]
        assert CheckIn.objects.count() == before

    def test_session_post_with_csrf_works(self, world: World) -> None:
        http = HttpClient(enforce_csrf_checks=True)
        http.force_login(world.users[A])
        http.get("/")  # sets the csrftoken cookie
        http.get(f"/clients/{world.client_a.pk}/checkin/")
        csrf = http.cookies["csrftoken"].value
        response = http.post(API + fill(world, "/clients/{client}/checkins"), json.dumps(NEW_CHECKIN),
                             content_type="application/json", headers={"X-CSRFToken": csrf})  # fmt: skip
        assert response.status_code == 201

    def test_session_get_needs_no_csrf(self, world: World) -> None:
        http = HttpClient(enforce_csrf_checks=True)
        http.force_login(world.users[A])
        assert call(http, "get", "/me").status_code == 200

    def test_token_post_needs_no_csrf(self, world: World) -> None:
        _, raw = services.api_token_create(actor=world.users[A], name="x")
        http = HttpClient(enforce_csrf_checks=True, headers={"authorization": f"Bearer {raw}"})
        assert call(http, "post", fill(world, "/clients/{client}/checkins"), NEW_CHECKIN).status_code == 201


class TestAudit:
    """API reads and writes leave the same audit events as the pages, naming who and which record."""

    def test_read_of_one_session_is_audited(self, world: World) -> None:
        tokens = tokens_for(world)
        call(http_for(world, TL, "token", tokens), "get", fill(world, "/sessions/{session}"))
        event = last_event()
        assert (event.actor, event.action, event.client_ref, event.object_ref) == (
            world.users[TL], "sessions_viewed", world.client_a.pk, world.own_session.pk)  # fmt: skip

    def test_write_is_audited(self, world: World) -> None:
        tokens = tokens_for(world)
        response = call(
            http_for(world, A, "token", tokens),
            "post",
            fill(world, "/clients/{client}/checkins"),
            NEW_CHECKIN,
        )
        event = last_event()
        assert (event.action, event.object_ref) == ("checkin_recorded", response.json()["id"])

    def test_refused_read_leaves_no_read_event(self, world: World) -> None:
        tokens = tokens_for(world)
        before = AuditEvent.objects.count()
        call(http_for(world, TS, "token", tokens), "get", fill(world, "/clients/{client}/checkins"))
        assert AuditEvent.objects.count() == before
