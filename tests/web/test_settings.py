"""Settings: typed helpers that fail loudly, safe defaults, the production refusals, and a
documented list of every variable (docs/settings.md)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.hashers import Argon2PasswordHasher
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

from touchdose.web import conf

ROOT = Path(__file__).resolve().parents[2]
SETTINGS_SOURCE = (ROOT / "src/touchdose/web/settings.py").read_text()
DOCS = (ROOT / "docs/settings.md").read_text()


def load_settings(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """Import the settings in a fresh interpreter with only ``env`` (plus a data dir) set."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("TOUCHDOSE_") and k != "DATABASE_URL"}
    clean.update({"TOUCHDOSE_DATA_DIR": str(tmp_path), **env})
    code = (
        "import touchdose.web.settings as s; "
        "print(s.DEBUG, s.SESSION_COOKIE_SECURE, s.DATABASES['default']['ENGINE'], len(s.SECRET_KEY))"
    )
    return subprocess.run(
        [sys.executable, "-c", code], env=clean, capture_output=True, text=True, check=False
    )


def test_every_setting_read_is_documented() -> None:
    read = set(conf.READ) | set(re.findall(r'env_\w+\(\s*"([A-Z_]+)"', SETTINGS_SOURCE))
    read |= {name + "_FILE" for name in re.findall(r'env_secret\(\s*"([A-Z_]+)"', SETTINGS_SOURCE)}
    assert "TOUCHDOSE_DEBUG" in read and "DATABASE_URL" in read  # the scan itself works
    missing = sorted(name for name in read if f"`{name}`" not in DOCS)
    assert missing == []


def test_documented_settings_are_all_real() -> None:
    documented = set(re.findall(r"^\| `([A-Z_]+)`", DOCS, flags=re.MULTILINE))
    read = set(conf.READ)
    assert documented - read == set()


def test_env_bool_raises_on_a_bad_value(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TOUCHDOSE_X", "maybe")
    with pytest.raises(ImproperlyConfigured, match="TOUCHDOSE_X = 'maybe' is not a yes/no value"):
        conf.env_bool("TOUCHDOSE_X", False)
    for text, value in (("yes", True), ("0", False), ("TRUE", True), ("off", False)):
        monkeypatch.setenv("TOUCHDOSE_X", text)
        assert conf.env_bool("TOUCHDOSE_X", not value) is value


def test_env_int_and_choice_fail_loudly(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TOUCHDOSE_X", "ten")
    with pytest.raises(ImproperlyConfigured, match="not a whole number"):
        conf.env_int("TOUCHDOSE_X", 1)
    monkeypatch.setenv("TOUCHDOSE_X", "0")
    with pytest.raises(ImproperlyConfigured, match="too small"):
        conf.env_int("TOUCHDOSE_X", 1, minimum=1)
    monkeypatch.setenv("TOUCHDOSE_X", "staging")
    with pytest.raises(ImproperlyConfigured, match="allowed: embedded, production"):
        conf.env_choice("TOUCHDOSE_X", ("embedded", "production"), "embedded")


def test_database_url_parsing() -> None:
    db = conf.database_from_url("postgres://ann:s%40cret@db.example:5433/touchdose")
    assert (db["ENGINE"], db["NAME"], db["USER"], db["PASSWORD"], db["HOST"], db["PORT"]) == (
        "django.db.backends.postgresql", "touchdose", "ann", "s@cret", "db.example", "5433",
    )  # fmt: skip
    with pytest.raises(ImproperlyConfigured, match="scheme 'mysql' is not supported"):
        conf.database_from_url("mysql://x@y/z")
    with pytest.raises(ImproperlyConfigured, match="no database name"):
        conf.database_from_url("postgres://x@y:5432/")


def test_safe_defaults_in_this_process() -> None:
    assert settings.DEBUG is False
    assert issubclass(import_string(settings.PASSWORD_HASHERS[0]), Argon2PasswordHasher)
    assert settings.SESSION_COOKIE_HTTPONLY is True
    assert settings.X_FRAME_OPTIONS == "DENY"
    assert "whitenoise.middleware.WhiteNoiseMiddleware" in settings.MIDDLEWARE


def test_embedded_default_makes_and_keeps_its_own_secret(tmp_path: Path) -> None:
    first = load_settings(tmp_path)
    assert first.returncode == 0, first.stderr
    key_file = tmp_path / "secret_key"
    key = key_file.read_text()
    assert len(key) >= 50
    assert oct(key_file.stat().st_mode & 0o777) == "0o600"
    assert load_settings(tmp_path).returncode == 0
    assert key_file.read_text() == key  # kept, not regenerated
    assert first.stdout.split()[:3] == ["False", "False", "django.db.backends.sqlite3"]


def test_sqlite_uses_wal(tmp_path: Path) -> None:
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='touchdose.web.settings'; django.setup(); "
        "from django.db import connection; c = connection.cursor(); c.execute('PRAGMA journal_mode'); "
        "print(c.fetchone()[0])"
    )
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["TOUCHDOSE_DATA_DIR"] = str(tmp_path)
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "wal"


@pytest.mark.parametrize(
    "secret", [None, "changeme", "django-insecure-abcdefghijklmnopqrstuvwxyz0123456789", "short"]
)
def test_production_refuses_a_missing_or_default_secret(tmp_path: Path, secret: str | None) -> None:
    env = {"TOUCHDOSE_MODE": "production"}
    if secret is not None:
        env["TOUCHDOSE_SECRET_KEY"] = secret
    result = load_settings(tmp_path, **env)
    assert result.returncode != 0
    assert "needs TOUCHDOSE_SECRET_KEY" in result.stderr
    assert not (tmp_path / "secret_key").exists()


#: What production needs besides a secret: a real mail server (finding 13.3).
MAIL = {"TOUCHDOSE_EMAIL_HOST": "smtp.example.org"}


def test_production_with_a_real_secret_turns_secure_cookies_on(tmp_path: Path) -> None:
    result = load_settings(
        tmp_path, TOUCHDOSE_MODE="production", TOUCHDOSE_SECRET_KEY="x" * 20 + "y" * 30, **MAIL
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[:2] == ["False", "True"]


def test_production_refuses_debug(tmp_path: Path) -> None:
    result = load_settings(
        tmp_path, TOUCHDOSE_MODE="production", TOUCHDOSE_SECRET_KEY="k" * 50, TOUCHDOSE_DEBUG="true"
    )
    assert result.returncode != 0
    assert "TOUCHDOSE_DEBUG must be off" in result.stderr


def test_secret_from_a_file(tmp_path: Path) -> None:
    secret = tmp_path / "key.txt"
    secret.write_text("s" * 64 + "\n")
    result = load_settings(
        tmp_path, TOUCHDOSE_MODE="production", TOUCHDOSE_SECRET_KEY_FILE=str(secret), **MAIL
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[3] == "64"


def test_database_url_selects_postgresql(tmp_path: Path) -> None:
    result = load_settings(tmp_path, DATABASE_URL="postgres://postgres@127.0.0.1:5432/test")
    assert result.stdout.split()[2] == "django.db.backends.postgresql"


def test_finding_3_production_refuses_console_mail(tmp_path: Path) -> None:
    """Security finding 13.3: password-reset links went to the server log in production."""
    secret = {"TOUCHDOSE_MODE": "production", "TOUCHDOSE_SECRET_KEY": "k" * 50}
    for env in ({}, {"TOUCHDOSE_EMAIL_BACKEND": "console"}, {**MAIL, "TOUCHDOSE_EMAIL_BACKEND": "console"}):
        result = load_settings(tmp_path, **secret, **env)
        assert result.returncode != 0, env
        assert "TOUCHDOSE_MODE=production needs a real mail server" in result.stderr
    assert load_settings(tmp_path, **secret, **MAIL).returncode == 0


def test_mail_settings_are_typed_and_fail_loudly(tmp_path: Path) -> None:
    code = "import touchdose.web.settings as s; "
    code += "print(s.EMAIL_BACKEND, s.EMAIL_PORT, s.EMAIL_USE_TLS, s.BASE_URL)"
    clean = {k: v for k, v in os.environ.items() if not k.startswith("TOUCHDOSE_")}

    def run(**env: str) -> subprocess.CompletedProcess[str]:
        full = {**clean, "TOUCHDOSE_DATA_DIR": str(tmp_path), **env}
        return subprocess.run(
            [sys.executable, "-c", code], env=full, capture_output=True, text=True, check=False
        )

    assert run().stdout.split() == [
        "django.core.mail.backends.console.EmailBackend", "25", "False", "http://localhost:8000"
    ]  # fmt: skip
    smtp = run(TOUCHDOSE_EMAIL_HOST="mail.example.org", TOUCHDOSE_EMAIL_TLS="yes")
    assert smtp.stdout.split()[:3] == ["django.core.mail.backends.smtp.EmailBackend", "587", "True"]
    for env, message in (
        ({"TOUCHDOSE_EMAIL_BACKEND": "smtp"}, "needs TOUCHDOSE_EMAIL_HOST"),
        ({"TOUCHDOSE_EMAIL_BACKEND": "sendgrid"}, "allowed: smtp, console"),
        ({"TOUCHDOSE_EMAIL_TLS": "1", "TOUCHDOSE_EMAIL_SSL": "1"}, "not both"),
        ({"TOUCHDOSE_EMAIL_PORT": "70000"}, "not a port (allowed: 1-65535)"),
        ({"TOUCHDOSE_BASE_URL": "clinic.example"}, "is not a web address"),
    ):
        result = run(**env)
        assert result.returncode != 0 and message in result.stderr, (env, result.stderr[-300:])


def test_an_unknown_password_cost_is_refused_at_start(tmp_path: Path) -> None:
    done = load_settings(tmp_path, TOUCHDOSE_ARGON2="fast")
    assert done.returncode != 0
    assert "TOUCHDOSE_ARGON2 = 'fast' is not allowed (allowed: owasp, django)" in done.stderr
    assert load_settings(tmp_path, TOUCHDOSE_ARGON2="django").returncode == 0
