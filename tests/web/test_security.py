"""docs/design.md "Security and privacy", proved: strong hashing, login rate limiting, CSRF, cookie
flags, no health data in logs or error pages, an audit event for every read and change,
export of everything, account deletion, and access ending at revocation."""

from __future__ import annotations

import io
import json
import logging
import logging.config
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import User
from django.test import Client as HttpClient
from django.urls import reverse
from tests.web.conftest import World, last_event

from touchdose.web import selectors, services
from touchdose.web.audit import Action
from touchdose.web.logfilter import WITHHELD
from touchdose.web.models import AuditEvent, CheckIn, MassageSession, Share

PASSWORD = "calm-waters-2026"
SECRET_NOTE = "NOTE-7f3a-private"


@pytest.fixture
def ann(db: Any) -> User:
    return services.account_signup(username="ann", email="ann@example.org", password=PASSWORD, role="client")


def test_passwords_are_hashed_with_argon2(ann: User) -> None:
    ann.refresh_from_db()
    assert ann.password.startswith("argon2$argon2id$")
    assert PASSWORD not in ann.password


def test_signup_form_hashes_with_argon2(db: Any) -> None:
    HttpClient().post(
        reverse("signup"),
        {"role": "therapist", "username": "tess", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert User.objects.get(username="tess").password.startswith("argon2$")


def login(http: HttpClient, password: str) -> Any:
    return http.post(reverse("login"), {"username": "ann", "password": password})


def test_login_is_rate_limited(ann: User, settings: Any) -> None:
    http = HttpClient()
    for _ in range(settings.LOGIN_MAX_FAILURES - 1):
        assert login(http, "wrong-password").status_code == 200
    assert login(http, "wrong-password").status_code == 429  # the last failure the window allows
    refused = login(http, PASSWORD)  # even the right password, until the window has passed
    assert refused.status_code == 429
    assert "Too many attempts" in refused.content.decode()
    assert "_auth_user_id" not in http.session


def test_a_good_login_before_the_limit_works_and_resets_the_count(ann: User, settings: Any) -> None:
    http = HttpClient()
    for _ in range(settings.LOGIN_MAX_FAILURES - 1):
        login(http, "wrong-password")
    assert login(http, PASSWORD).status_code == 302
    http.post(reverse("logout"))
    for _ in range(settings.LOGIN_MAX_FAILURES - 1):
        assert login(http, "wrong-password").status_code == 200  # counting starts again


def test_guessing_sharing_codes_is_rate_limited(world: World, settings: Any) -> None:
    http = world.http("therapist_stranger")
    for _ in range(settings.LOGIN_MAX_FAILURES):
        http.post(reverse("link_client"), {"code": "AAAA-AAAA"})
    code = services.share_code_create(actor=world.users["client_b"], client=world.client_b)
    response = http.post(reverse("link_client"), {"code": code})
    assert response.status_code == 429
    assert not Share.objects.filter(client=world.client_b).exists()


def test_forms_need_a_csrf_token(world: World) -> None:
    http = HttpClient(enforce_csrf_checks=True)
    http.force_login(world.users["client_a"])
    before = CheckIn.objects.count()
    response = http.post(
        reverse("checkin_new", args=[world.client_a.pk]), {"pain": "3", "time": "2026-01-05T10:00"}
    )
    assert response.status_code == 403
    assert CheckIn.objects.count() == before


def test_session_cookie_flags(ann: User) -> None:
    http = HttpClient()
    login(http, PASSWORD)
    cookie = http.cookies["sessionid"]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"


def test_pages_are_not_cached_and_not_framed(world: World) -> None:
    response = world.http("client_a").get(reverse("dashboard", args=[world.client_a.pk]))
    assert response["Cache-Control"] == "no-store"
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_not_found_page_echoes_nothing(world: World) -> None:
    response = world.http("client_b").get(f"/clients/{world.client_a.pk}/checkins/?note={SECRET_NOTE}")
    body = response.content.decode()
    assert response.status_code == 404
    assert SECRET_NOTE not in body and f"/clients/{world.client_a.pk}/checkins/" not in body
    assert "nothing here, or you do not have access" in body
    assert 'aria-label="Main"' in body  # a way on: the menu, with the visitor's own pages
    assert reverse("checkin_list", args=[world.client_b.pk]) in body


def test_server_error_page_and_log_hold_no_health_data(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(**kwargs: Any) -> Any:
        raise RuntimeError(f"pain 9 and note {SECRET_NOTE}")  # a bug that quotes a health value

    monkeypatch.setattr(selectors, "client_analysis", broken)
    logging.config.dictConfig(django_settings.LOGGING)  # the configured logging, whatever ran before
    handler = next(h for h in logging.getLogger().handlers if h.get_name() == "console")
    stream = io.StringIO()
    old = handler.setStream(stream)  # type: ignore[attr-defined]
    try:
        http = world.http("client_a")
        http.raise_request_exception = False
        response = http.get(reverse("dashboard", args=[world.client_a.pk]))
    finally:
        handler.setStream(old)  # type: ignore[attr-defined]
    assert response.status_code == 500
    assert SECRET_NOTE not in response.content.decode()
    logged = stream.getvalue()
    assert "Internal Server Error" in logged and "RuntimeError" in logged and WITHHELD in logged
    assert SECRET_NOTE not in logged


def test_saving_a_check_in_logs_no_values(world: World, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    world.http("client_a").post(
        reverse("checkin_new", args=[world.client_a.pk]),
        {"pain": "7", "time": "2026-01-05T10:00", "note": SECRET_NOTE},
    )
    assert CheckIn.objects.filter(note=SECRET_NOTE).exists()
    assert SECRET_NOTE not in caplog.text


def test_every_read_and_change_is_audited(world: World) -> None:
    therapist, client_a = world.users["therapist_linked"], world.client_a
    world.http("therapist_linked").get(reverse("dashboard", args=[client_a.pk]))
    event = last_event()
    assert (event.actor, event.client_ref, event.action) == (therapist, client_a.pk, Action.DASHBOARD_VIEWED)
    world.http("therapist_linked").get(reverse("checkin_list", args=[client_a.pk]))
    assert last_event().action == Action.CHECKINS_VIEWED
    world.http("therapist_linked").get(reverse("session_list", args=[client_a.pk]))
    assert last_event().action == Action.SESSIONS_VIEWED
    world.http("client_a").post(
        reverse("checkin_new", args=[client_a.pk]), {"pain": "3", "time": "2026-01-05T10:00"}
    )
    event = last_event()
    assert (event.actor, event.action, event.object_type) == (
        client_a.user,
        Action.CHECKIN_RECORDED,
        "checkin",
    )
    world.http("client_a").post(reverse("session_delete", args=[world.own_session.pk]))
    assert (last_event().action, last_event().object_ref) == (Action.SESSION_DELETED, world.own_session.pk)
    world.http("client_a").post(reverse("share_revoke", args=[client_a.pk, world.share.pk]))
    assert last_event().action == Action.SHARE_REVOKED


def test_a_refused_read_is_not_audited_as_a_read(world: World) -> None:
    stranger = world.http("therapist_stranger")  # signing in is itself an event (finding 6)
    before = AuditEvent.objects.count()
    stranger.get(reverse("dashboard", args=[world.client_a.pk]))
    assert AuditEvent.objects.count() == before


def test_audit_events_hold_no_health_values(world: World) -> None:
    world.http("client_a").post(
        reverse("checkin_new", args=[world.client_a.pk]),
        {"pain": "7", "time": "2026-01-05T10:00", "note": SECRET_NOTE},
    )
    for event in AuditEvent.objects.all():
        row = [event.actor_name, event.action, event.object_type, event.client_ref, event.object_ref]
        assert SECRET_NOTE not in json.dumps(row, default=str)


def test_the_client_can_export_everything(world: World) -> None:
    response = world.http("client_a").get(reverse("export", args=[world.client_a.pk]))
    assert response["Content-Disposition"].startswith("attachment")
    data = json.loads(response.content)
    assert data["client"]["id"] == f"c-{world.client_a.pk}"
    assert len(data["checkins"]) == world.client_a.checkins.count() == 1
    assert len(data["sessions"]) == 2
    assert data["account"]["shared_with"][0]["therapist"] == "Tove"
    assert any(e["action"] == "checkin_recorded" for e in data["account"]["audit"])
    assert last_event().action == Action.EXPORTED


def test_deleting_the_account_removes_every_record(world: World) -> None:
    client_a = world.client_a
    user = world.users["client_a"]
    user.set_password(PASSWORD)
    user.save()
    http = world.http("client_a")
    assert http.post(reverse("account_delete"), {"password": "not-it"}).status_code == 200
    assert User.objects.filter(pk=user.pk).exists()
    response = http.post(reverse("account_delete"), {"password": PASSWORD})
    assert response.status_code == 200 and "deleted" in response.content.decode()
    assert not User.objects.filter(pk=user.pk).exists()
    assert not CheckIn.objects.filter(client_id=client_a.pk).exists()
    assert not MassageSession.objects.filter(client_id=client_a.pk).exists()
    assert not Share.objects.filter(client_id=client_a.pk).exists()
    assert world.http("therapist_linked").get(reverse("dashboard", args=[client_a.pk])).status_code == 404
    event = AuditEvent.objects.filter(client_ref=client_a.pk, action=Action.ACCOUNT_DELETED).get()
    assert event.actor is None


def test_revocation_takes_effect_on_the_next_request(world: World) -> None:
    http = world.http("therapist_linked")
    url = reverse("dashboard", args=[world.client_a.pk])
    assert http.get(url).status_code == 200
    world.http("client_a").post(reverse("share_revoke", args=[world.client_a.pk, world.share.pk]))
    assert http.get(url).status_code == 404
    assert http.post(reverse("session_new", args=[world.client_a.pk]), {}).status_code == 404
