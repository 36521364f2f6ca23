"""Issue 13, the authentication half: each finding of the outside probe as a test named after it
(``test_finding_<N>_...``), failing on the code before the fix. The data half (CSV formulas, read
auditing, secure delete, file modes, ``touchdose import``) is tested elsewhere."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.contrib.messages import get_messages
from django.test import Client as HttpClient
from django.urls import reverse
from tests.web.conftest import World

from touchdose.web import services
from touchdose.web.middleware import SESSION_SEEN, SESSION_STARTED
from touchdose.web.passwords import PASSWORD_MAX, PASSWORD_MIN

PASSWORD = "calm-waters-over-stones-2026"


@pytest.fixture
def ann(db: Any) -> User:
    return services.account_signup(username="ann", email="ann@example.org", password=PASSWORD, role="client")


# --- Finding 10: password policy and idle sessions -------------------------------------------------


def signup(password: str, username: str = "cleo") -> Any:
    data = {"role": "client", "username": username, "password1": password, "password2": password}
    return HttpClient().post(reverse("signup"), data)


@pytest.mark.parametrize(
    ("password", "says"),
    [
        ("lark-7-fern", f"at least {PASSWORD_MIN} characters"),  # 11 characters: was allowed (10)
        (" " * 20, "only spaces"),
        ("\t \n" * 7, "only spaces"),
        ("long-passphrase-" * 9, f"at most {PASSWORD_MAX} are allowed"),  # 144 characters
    ],
)
def test_finding_10_password_policy_refuses(db: Any, password: str, says: str) -> None:
    response = signup(password)
    assert response.status_code == 200
    assert says in response.content.decode()
    assert not User.objects.filter(username="cleo").exists()


@pytest.mark.parametrize("length", [PASSWORD_MIN, PASSWORD_MAX])
def test_finding_10_password_policy_allows_12_to_128_characters(db: Any, length: int) -> None:
    password = ("wren-oak-" * 20)[:length]
    assert signup(password).status_code == 302
    assert User.objects.get(username="cleo").check_password(password)


def test_finding_10_the_password_change_form_applies_the_policy_too(ann: User) -> None:
    http = HttpClient()
    http.force_login(ann)
    data = {"old_password": PASSWORD, "new_password1": " " * 16, "new_password2": " " * 16}
    response = http.post(reverse("password_change"), data)
    assert response.status_code == 200 and "only spaces" in response.content.decode()
    ann.refresh_from_db()
    assert ann.check_password(PASSWORD)


def age_session(http: HttpClient, *, seen_ago: int, started_ago: int | None = None) -> None:
    session = http.session
    now = int(time.time())
    session[SESSION_SEEN] = now - seen_ago
    session[SESSION_STARTED] = now - (started_ago if started_ago is not None else seen_ago)
    session.save()


def test_finding_10_an_idle_session_ends(ann: User, settings: Any) -> None:
    assert settings.SESSION_IDLE_SECONDS == 30 * 60  # the documented default
    http = HttpClient()
    assert http.post(reverse("login"), {"username": "ann", "password": PASSWORD}).status_code == 302
    age_session(http, seen_ago=29 * 60)
    assert http.get(reverse("home")).status_code == 200  # still within the idle limit
    age_session(http, seen_ago=31 * 60)
    response = http.get(reverse("home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert "_auth_user_id" not in http.session
    page = http.get(response["Location"]).content.decode()
    assert "logged out after 30 minutes without activity" in page


def test_finding_10_activity_keeps_a_session_but_not_past_the_absolute_limit(
    ann: User, settings: Any
) -> None:
    http = HttpClient()
    http.force_login(ann)
    age_session(http, seen_ago=5 * 60, started_ago=settings.SESSION_COOKIE_AGE - 60)
    assert http.get(reverse("home")).status_code == 200
    assert http.session[SESSION_SEEN] >= int(time.time()) - 2  # the request counted as activity
    age_session(http, seen_ago=60, started_ago=settings.SESSION_COOKIE_AGE + 60)
    assert http.get(reverse("home")).status_code == 302


def settings_of(tmp_path: Path, names: str, **env: str) -> subprocess.CompletedProcess[str]:
    """Import the settings in a fresh interpreter with only ``env`` set; print the named values."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("TOUCHDOSE_") and k != "DATABASE_URL"}
    clean.update({"TOUCHDOSE_DATA_DIR": str(tmp_path), **env})
    code = f"import touchdose.web.settings as s; print(*(getattr(s, n) for n in {names.split()!r}))"
    return subprocess.run([sys.executable, "-c", code], env=clean, capture_output=True, text=True)


def test_finding_10_the_idle_limit_is_a_typed_setting(tmp_path: Path) -> None:
    five = settings_of(tmp_path, "SESSION_IDLE_SECONDS", TOUCHDOSE_SESSION_IDLE_MINUTES="5")
    assert five.stdout.strip() == "300"
    refused = settings_of(tmp_path, "SESSION_IDLE_SECONDS", TOUCHDOSE_SESSION_IDLE_MINUTES="0")
    assert refused.returncode != 0
    assert "TOUCHDOSE_SESSION_IDLE_MINUTES = 0 is too small" in refused.stderr


# --- Finding 14: revoking someone else's token --------------------------------------------------


def test_finding_14_revoking_a_token_that_is_not_yours_does_not_say_revoked(world: World) -> None:
    token, raw = services.api_token_create(actor=world.users["client_a"], name="laptop")
    http = world.http("client_b")
    response = http.post(reverse("api_tokens"), {"revoke": str(token.pk)})
    assert response.status_code == 404
    assert not [m for m in get_messages(response.wsgi_request) if "revoked" in str(m)]
    assert "revoked" not in http.get(reverse("api_tokens")).content.decode().lower()
    assert services.api_token_user(raw) == world.users["client_a"]  # still works
