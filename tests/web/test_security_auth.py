"""Issue 13, the authentication half: each finding of the outside probe as a test named after it
(``test_finding_<N>_...``), failing on the code before the fix. The data half (CSV formulas, read
auditing, secure delete, file modes, ``touchdose import``) is tested elsewhere."""

from __future__ import annotations

import http.client
import os
import re
import secrets
import sqlite3
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import timedelta
from email.message import Message
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.contrib.messages import get_messages
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone
from tests.web.conftest import World
from tests.web.test_serve import TOUCHDOSE, environment, free_port, wait_for

from touchdose.web import services
from touchdose.web.middleware import SESSION_SEEN, SESSION_STARTED
from touchdose.web.models import ApiToken
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


@dataclass
class Answer:
    status: int
    headers: Message
    text: str


@dataclass
class Http:
    """Plain HTTP to a local server from a chosen loopback address (one address per person)."""

    port: int
    source: str

    def send(self, method: str, path: str, body: str | None = None, cookie: str = "") -> Answer:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120,
                                                source_address=(self.source, 0))  # fmt: skip
        headers = {"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"}
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        answer = Answer(response.status, response.headers, response.read().decode())
        connection.close()
        return answer

    def get(self, path: str) -> Answer:
        return self.send("GET", path)

    def post(self, path: str, body: str, cookie: str) -> Answer:
        return self.send("POST", path, body, cookie)


# --- Findings 1 and 9: every login path throttled, atomically, per account name and address ------

STRANGER, HOME = "203.0.113.9", "198.51.100.7"  # two addresses (documentation ranges)
WRONG = "not-the-password-1"


def from_address(address: str) -> HttpClient:
    return HttpClient(REMOTE_ADDR=address)


def log_in(http: HttpClient, username: str, password: str, path: str = "/accounts/login/") -> Any:
    return http.post(path, {"username": username, "password": password})


@pytest.fixture
def root(db: Any) -> User:
    return User.objects.create_superuser(username="root", email="root@example.org", password=PASSWORD)


def test_finding_1_the_admin_login_is_rate_limited(root: User, settings: Any) -> None:
    http = from_address(STRANGER)
    limit = settings.LOGIN_MAX_FAILURES
    answers = [log_in(http, "root", WRONG, "/admin/login/").status_code for _ in range(limit)]
    assert answers == [200] * (limit - 1) + [429]
    refused = log_in(http, "root", PASSWORD, "/admin/login/")  # the right one, within the window
    assert refused.status_code == 429 and "Too many attempts" in refused.content.decode()
    assert "_auth_user_id" not in http.session
    assert log_in(from_address(HOME), "root", PASSWORD, "/admin/login/").status_code == 302


def test_finding_1_api_tokens_are_rate_limited(ann: User, settings: Any) -> None:
    _, raw = services.api_token_create(actor=ann, name="script")
    limit = settings.LOGIN_MAX_FAILURES * 4
    guesser = from_address(STRANGER)
    for n in range(limit):
        assert guesser.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer td_guess{n}").status_code == 401
    refused = guesser.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}")  # not even looked at
    assert refused.status_code == 429 and "Too many attempts" in refused.json()["detail"]
    assert from_address(HOME).get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200


def test_finding_9_a_stranger_cannot_lock_a_client_out(ann: User) -> None:
    stranger = from_address(STRANGER)
    for _ in range(40):
        log_in(stranger, "ann", WRONG)
    assert log_in(stranger, "ann", PASSWORD).status_code == 429  # the stranger is locked out ...
    assert log_in(from_address(HOME), "ann", PASSWORD).status_code == 302  # ... the client is not


def test_finding_9_one_address_does_not_lock_out_everyone_behind_it(ann: User, settings: Any) -> None:
    clinic = from_address(STRANGER)
    for n in range(settings.LOGIN_MAX_FAILURES * 5):  # a neighbour mistypes many names
        log_in(clinic, f"someone{n}", WRONG)
    assert log_in(clinic, "ann", PASSWORD).status_code == 302


def test_finding_9_the_home_made_throttle_table_is_gone(db: Any) -> None:
    from django.db import connection

    assert "touchdose_loginthrottle" not in connection.introspection.table_names()


# --- Finding 3: password resets and sign-ups -----------------------------------------------------


def test_finding_3_password_resets_are_rate_limited(ann: User, settings: Any, mailoutbox: list[Any]) -> None:
    http = from_address(STRANGER)
    for _ in range(settings.PASSWORD_RESETS_PER_ADDRESS):
        assert http.post(reverse("password_reset"), {"email": "ann@example.org"}).status_code == 302
    assert len(mailoutbox) == settings.PASSWORD_RESETS_PER_ADDRESS
    refused = http.post(reverse("password_reset"), {"email": "ann@example.org"})
    assert refused.status_code == 429 and "Too many attempts" in refused.content.decode()
    assert len(mailoutbox) == settings.PASSWORD_RESETS_PER_ADDRESS  # nothing more sent
    assert from_address(HOME).post(reverse("password_reset"), {"email": "ann@example.org"}).status_code == 302
    assert len(mailoutbox) == settings.PASSWORD_RESETS_PER_ADDRESS + 1


def test_finding_3_sign_ups_are_rate_limited(db: Any, settings: Any) -> None:
    http = from_address(STRANGER)

    def sign_up(n: int) -> Any:
        data = {"role": "client", "username": f"bot{n}", "password1": PASSWORD, "password2": PASSWORD}
        answer = http.post(reverse("signup"), data)
        http.post(reverse("logout"))
        return answer

    limit = settings.SIGNUPS_PER_ADDRESS
    assert [sign_up(n).status_code for n in range(limit)] == [302] * limit
    assert sign_up(99).status_code == 429
    assert not User.objects.filter(username="bot99").exists()
    assert User.objects.filter(username__startswith="bot").count() == settings.SIGNUPS_PER_ADDRESS


def test_finding_3_the_throttle_keeps_no_password_or_e_mail(db: Any) -> None:
    from axes.models import AccessAttempt

    data = {"role": "client", "username": "cleo", "email": "cleo@example.org", "password1": PASSWORD,
            "password2": PASSWORD}  # fmt: skip
    from_address(STRANGER).post(reverse("signup"), data)
    from_address(STRANGER).post(reverse("password_reset"), {"email": "cleo@example.org"})
    log_in(from_address(STRANGER), "cleo", WRONG)
    kept = " ".join(f"{a.username} {a.get_data} {a.post_data}" for a in AccessAttempt.objects.all())
    assert AccessAttempt.objects.count() == 3
    assert PASSWORD not in kept and WRONG not in kept and "cleo@example.org" not in kept


@pytest.mark.slow
def test_finding_9_concurrent_wrong_passwords_get_at_most_the_limit_of_checks(tmp_path: Path) -> None:
    """The probe's race, through the real ``touchdose serve`` (2 processes x 4 threads on SQLite):
    40 wrong passwords at once make exactly 5 password checks (axes counts each failed check and
    nothing else, ``AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT``); the client, from elsewhere,
    then logs in."""
    env = environment(tmp_path)
    made = subprocess.run([*TOUCHDOSE, "createuser", "ann", "--password", PASSWORD], env=env,
                          capture_output=True, text=True)  # fmt: skip
    assert made.returncode == 0, made.stderr
    port = free_port()
    server = subprocess.Popen(
        [*TOUCHDOSE, "serve", "--port", str(port), "--server", "gunicorn", "--workers", "2", "--no-worker"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    try:
        wait_for(f"http://127.0.0.1:{port}/accounts/login/", server)
        form = Http(port, "127.0.0.3").get("/accounts/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text).group(1)  # type: ignore[union-attr]
        cookie = form.headers["Set-Cookie"].split(";", 1)[0]

        def attempt(password: str, source: str) -> tuple[int, str]:
            answer = Http(port, source).post(
                "/accounts/login/", f"csrfmiddlewaretoken={token}&username=ann&password={password}", cookie
            )
            return answer.status, answer.text

        with ThreadPoolExecutor(max_workers=40) as pool:
            answers = [status for status, _ in pool.map(lambda _: attempt(WRONG, "127.0.0.3"), range(40))]
        with sqlite3.connect(tmp_path / "touchdose.sqlite3") as database:
            (checks,) = database.execute(
                "SELECT SUM(failures_since_start) FROM axes_accessattempt WHERE username = 'ann'"
            ).fetchone()
        assert checks == 5, answers  # each password check that failed is counted, nothing else
        assert answers.count(200) == 4 and answers.count(429) == 36, answers  # the 5th check says 429
        assert attempt(PASSWORD, "127.0.0.3")[0] == 429  # the guesser's pair stays locked ...
        assert attempt(PASSWORD, "127.0.0.4")[0] == 302  # ... the client, elsewhere, is not
    finally:
        server.terminate()
        server.wait(timeout=30)


# --- Finding 8: API tokens end with the password, expire, and show when they were last used ------


def bearer(raw: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_finding_8_a_password_change_revokes_every_api_token(ann: User) -> None:
    _, first = services.api_token_create(actor=ann, name="laptop")
    _, second = services.api_token_create(actor=ann, name="phone")
    http = HttpClient()
    http.force_login(ann)
    new = "quiet-forest-path-2027"
    data = {"old_password": PASSWORD, "new_password1": new, "new_password2": new}
    assert http.post(reverse("password_change"), data).status_code == 302
    assert HttpClient().get("/api/v1/me", **bearer(first)).status_code == 401
    assert HttpClient().get("/api/v1/me", **bearer(second)).status_code == 401
    ann.refresh_from_db()
    http.force_login(ann)
    assert http.get(reverse("api_tokens")).content.decode().count("revoked ") == 2


def test_finding_8_a_password_reset_and_the_admin_revoke_them_too(ann: User, mailoutbox: list[Any]) -> None:
    _, raw = services.api_token_create(actor=ann, name="laptop")
    http = HttpClient()
    http.post(reverse("password_reset"), {"email": "ann@example.org"})
    link = re.search(r"http://testserver(/accounts/password/reset/\S+)", mailoutbox[0].body).group(1)  # type: ignore[union-attr]
    new = "quiet-forest-path-2027"
    form = http.get(link)["Location"]
    assert http.post(form, {"new_password1": new, "new_password2": new}).status_code == 302
    assert services.api_token_user(raw) is None
    _, raw = services.api_token_create(actor=ann, name="laptop again")
    admin = HttpClient()
    admin.force_login(User.objects.create_superuser(username="root", password=None))
    url = reverse("admin:auth_user_password_change", args=[ann.pk])
    again = PASSWORD + "!"
    answer = admin.post(url, {"password1": again, "password2": again, "usable_password": "true"})
    assert answer.status_code == 302
    assert services.api_token_user(raw) is None


def test_finding_8_tokens_expire_when_their_owner_chose(ann: User) -> None:
    token, raw = services.api_token_create(actor=ann, name="default")
    assert abs((token.expires_at - token.created_at).total_seconds() - 90 * 86400) < 5  # default 90 days
    http = HttpClient()
    http.force_login(ann)
    made = http.post(reverse("api_tokens"), {"name": "short", "days": "7"})
    assert made.status_code == 200
    short = ApiToken.objects.get(name="short")
    assert abs((short.expires_at - short.created_at).total_seconds() - 7 * 86400) < 5
    assert http.post(reverse("api_tokens"), {"name": "forever", "days": "100000"}).status_code == 400
    answer = http.post("/api/v1/tokens", {"name": "script", "days": 30}, content_type="application/json")
    assert answer.status_code == 201
    assert answer.json()["expires_at"] is not None
    too_long = http.post("/api/v1/tokens", {"name": "x", "days": 366}, content_type="application/json")
    assert too_long.status_code == 422
    assert HttpClient().get("/api/v1/me", **bearer(raw)).status_code == 200
    past = timezone.now() - timedelta(seconds=1)
    ApiToken.objects.filter(pk=token.pk).update(expires_at=past)  # its time has come
    assert HttpClient().get("/api/v1/me", **bearer(raw)).status_code == 401
    assert "expired" in http.get(reverse("api_tokens")).content.decode()


def test_finding_8_the_last_use_of_a_token_is_shown(ann: User) -> None:
    _, raw = services.api_token_create(actor=ann, name="laptop")
    http = HttpClient()
    http.force_login(ann)
    assert "never" in http.get(reverse("api_tokens")).content.decode()
    assert HttpClient().get("/api/v1/me", **bearer(raw)).status_code == 200
    page = http.get(reverse("api_tokens")).content.decode()
    assert "never" not in page
    listed = http.get("/api/v1/tokens").json()
    assert listed[0]["last_used_at"] is not None and listed[0]["expires_at"] is not None


# --- Finding 13: a Content-Security-Policy everywhere; production is HTTPS-only by default -------

ROOT = Path(__file__).resolve().parents[2]


def policy(response: Any) -> dict[str, list[str]]:
    """The Content-Security-Policy header as directive -> sources."""
    found: dict[str, list[str]] = {}
    for part in response["Content-Security-Policy"].split(";"):
        name, *sources = part.split()
        found[name] = sources
    return found


@pytest.mark.parametrize(
    ("persona", "url"),
    [
        ("anonymous", "/accounts/login/"),
        ("anonymous", "/admin/login/"),
        ("anonymous", "/accounts/signup/"),
        ("client_a", "/"),
        ("client_a", "dashboard"),
        ("client_a", "/accounts/tokens/"),
        ("therapist_linked", "/therapist/"),
        ("client_b", "dashboard"),  # a 404 page
        ("client_a", "/api/v1/me"),
    ],
)
def test_finding_13_every_page_has_a_strict_content_security_policy(
    world: World, persona: str, url: str
) -> None:
    if url == "dashboard":
        url = reverse("dashboard", args=[world.client_a.pk])
    found = policy(world.http(persona).get(url))
    assert found["default-src"] == ["'self'"]
    assert found["script-src"] == ["'self'"] and found["style-src"] == ["'self'"]  # nothing inline
    assert found["object-src"] == ["'none'"] and found["frame-ancestors"] == ["'none'"]
    assert found["base-uri"] == ["'none'"] and found["form-action"] == ["'self'"]


def test_finding_13_the_report_keeps_its_own_stricter_policy_and_learn_no_inline_script(world: World) -> None:
    report = world.http("client_a").get(reverse("report_download", args=[world.client_a.pk, "html"]))
    assert policy(report)["default-src"] == ["'none'"] and "script-src" not in policy(report)
    page = HttpClient().get("/learn/")
    assert page.status_code == 200 and "<svg" in page.content.decode()
    learn = policy(page)
    assert learn["script-src"] == ["'self'"] and "'unsafe-inline'" in learn["style-src"]


def test_finding_13_templates_have_nothing_inline_that_the_policy_would_block() -> None:
    templates = [*ROOT.glob("src/touchdose/web/**/templates/**/*.html")]
    assert len(templates) > 30
    inline = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|<style\b|\sstyle=|\son[a-z]+=|javascript:", re.I)
    found = {str(t.relative_to(ROOT)): inline.findall(t.read_text()) for t in templates}
    assert {name: hits for name, hits in found.items() if hits} == {}


def test_finding_13_production_redirects_to_https_and_sends_hsts_by_default(tmp_path: Path) -> None:
    names = "SECURE_SSL_REDIRECT SECURE_HSTS_SECONDS SECURE_HSTS_INCLUDE_SUBDOMAINS SECURE_HSTS_PRELOAD"
    production = {"TOUCHDOSE_MODE": "production", "TOUCHDOSE_SECRET_KEY": "k3Y" * 20,
                  "TOUCHDOSE_EMAIL_HOST": "smtp.example.org"}  # fmt: skip
    found = settings_of(tmp_path, names, **production)
    assert found.stdout.split() == ["True", "31536000", "True", "True"], found.stderr
    assert settings_of(tmp_path, names).stdout.split() == ["False", "0", "False", "False"]  # embedded


def documented_production_settings(tmp_path: Path) -> dict[str, str]:
    """The environment of docs/settings.md "Production settings", its files made here."""
    text = (ROOT / "docs/settings.md").read_text()
    block = text.split("## Production settings", 1)[1].split("```sh", 1)[1].split("```", 1)[0]
    env = {}
    for line in block.strip().splitlines():
        name, value = line.split("#", 1)[0].strip().split("=", 1)
        if name.endswith("_FILE"):
            path = tmp_path / Path(value).name
            path.write_text(secrets.token_urlsafe(50))
            value = str(path)
        env[name] = value
    return env


def test_finding_13_check_deploy_with_the_documented_production_settings_warns_of_nothing(
    tmp_path: Path,
) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TOUCHDOSE_", "DJANGO_", "DATABASE_"))}
    env.update(documented_production_settings(tmp_path), TOUCHDOSE_DATA_DIR=str(tmp_path),
               DJANGO_SETTINGS_MODULE="touchdose.web.settings")  # fmt: skip
    assert env["TOUCHDOSE_MODE"] == "production" and "DATABASE_URL" in env
    done = subprocess.run([sys.executable, "-m", "django", "check", "--deploy", "--fail-level", "WARNING"],
                          env=env, capture_output=True, text=True)  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert "System check identified no issues (0 silenced)" in done.stdout


@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL"),
    reason="threads share SQLite's in-memory test database badly; the real-server test covers SQLite",
)
@pytest.mark.django_db(transaction=True)
def test_finding_9_concurrent_wrong_passwords_on_postgresql(settings: Any) -> None:
    """The same race in this process on PostgreSQL (CI sets DATABASE_URL): each thread is its own
    connection, and the account's row lock makes the attempts take turns."""
    from axes.models import AccessAttempt
    from django.db import connection

    services.account_signup(username="ann", email="", password=PASSWORD, role="client")

    def attempt(_: int) -> int:
        try:
            return int(log_in(from_address(STRANGER), "ann", WRONG).status_code)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=20) as pool:
        answers = list(pool.map(attempt, range(30)))
    checks = sum(a.failures_since_start for a in AccessAttempt.objects.filter(username="ann"))
    limit = settings.LOGIN_MAX_FAILURES
    assert checks == limit, answers
    assert answers.count(200) == limit - 1 and answers.count(429) == 30 - (limit - 1), answers
    assert log_in(from_address(HOME), "ann", PASSWORD).status_code == 302
