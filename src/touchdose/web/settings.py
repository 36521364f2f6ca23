"""Django settings for touchdose. Every value comes from an environment variable with a safe
default; ``docs/settings.md`` lists them all (a test checks that)."""

from __future__ import annotations

import importlib.util
import os
import secrets
from datetime import timedelta
from pathlib import Path

import platformdirs
from django.core.exceptions import ImproperlyConfigured

from touchdose.web.conf import (
    PRIVATE_DIR_MODE,
    cache_from_setting,
    database_from_url,
    env_bool,
    env_choice,
    env_int,
    env_list,
    env_secret,
    env_str,
    private_sqlite_file,
)
from touchdose.web.hashers import ARGON2_COSTS, DEFAULT_ARGON2
from touchdose.web.passwords import PASSWORD_MAX, PASSWORD_MIN

PACKAGE_DIR = Path(__file__).resolve().parent

# --- Mode and data directory ------------------------------------------------------------------
# "embedded": one person or a small practice on their own machine (SQLite, plain HTTP on localhost).
# "production": a clinic server behind HTTPS; refuses to start without a real secret key.
MODE = env_choice("TOUCHDOSE_MODE", ("embedded", "production"), "embedded")
PRODUCTION = MODE == "production"
DATA_DIR = Path(env_str("TOUCHDOSE_DATA_DIR", platformdirs.user_data_dir("touchdose", appauthor=False)))

DEBUG = env_bool("TOUCHDOSE_DEBUG", False)
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("TOUCHDOSE_DEBUG must be off when TOUCHDOSE_MODE=production")

# --- Secret key -------------------------------------------------------------------------------
_MIN_SECRET_LENGTH = 32
_KNOWN_DEFAULTS = {"", "changeme", "change-me", "secret", "django-insecure"}


def _embedded_secret(data_dir: Path) -> str:
    """The embedded default makes its own key once and keeps it in the data directory."""
    path = data_dir / "secret_key"
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    data_dir.mkdir(mode=PRIVATE_DIR_MODE, parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(key)
    return key


_secret = env_secret("TOUCHDOSE_SECRET_KEY")
if PRODUCTION and (
    _secret is None
    or _secret.lower() in _KNOWN_DEFAULTS
    or _secret.startswith("django-insecure")
    or len(_secret) < _MIN_SECRET_LENGTH
):
    raise ImproperlyConfigured(
        "TOUCHDOSE_MODE=production needs TOUCHDOSE_SECRET_KEY (or TOUCHDOSE_SECRET_KEY_FILE): "
        f"a random value of at least {_MIN_SECRET_LENGTH} characters, not a default"
    )
SECRET_KEY = _secret or _embedded_secret(DATA_DIR)

# --- Hosts, cookies, security headers ---------------------------------------------------------
ALLOWED_HOSTS = env_list("TOUCHDOSE_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("TOUCHDOSE_CSRF_TRUSTED_ORIGINS", [])
_secure_cookies = env_bool("TOUCHDOSE_SECURE_COOKIES", PRODUCTION)
SESSION_COOKIE_SECURE = _secure_cookies
CSRF_COOKIE_SECURE = _secure_cookies
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
#: The absolute limit of a signed-in session: it ends this long after the login, however active
#: (touchdose.web.middleware.SessionTimeoutMiddleware), and the cookie lives no longer.
SESSION_COOKIE_AGE = env_int("TOUCHDOSE_SESSION_DAYS", 14, minimum=1) * 24 * 3600
#: The idle limit (OWASP ASVS 3.3.2): a session unused this long ends; the next page asks to log in.
SESSION_IDLE_SECONDS = env_int("TOUCHDOSE_SESSION_IDLE_MINUTES", 30, minimum=1) * 60
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Production is HTTPS-only by default (security finding 13.13): plain HTTP is redirected and browsers
# are told to use HTTPS for a year (HSTS, with subdomains and the preload flag), so
# `manage.py check --deploy` finds nothing with the documented production settings.
SECURE_HSTS_SECONDS = env_int("TOUCHDOSE_HSTS_SECONDS", 31_536_000 if PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("TOUCHDOSE_HSTS_SUBDOMAINS", PRODUCTION)
SECURE_HSTS_PRELOAD = env_bool("TOUCHDOSE_HSTS_PRELOAD", PRODUCTION)
SECURE_SSL_REDIRECT = env_bool("TOUCHDOSE_SSL_REDIRECT", PRODUCTION)
# Content-Security-Policy on every answer (django-csp): scripts, styles, images, fonts and requests
# only from the app itself, no plugins, no framing, forms post only here. A view may set a
# stricter one (the clinician report's own) and keeps it; the Learn pages allow their charts'
# inline styles (touchdose.web.learn.views).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "manifest-src": ["'self'"],
        "worker-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}
# Behind an HTTPS proxy (nginx, Caddy, a load balancer) that terminates TLS and forwards plain HTTP:
# its X-Forwarded-Proto says the visitor used HTTPS (so SSL redirect, HSTS, secure cookies and
# the CSRF origin check see HTTPS), X-Forwarded-Host the public name and X-Forwarded-For the
# visitor's address. Believed only from TRUSTED_PROXIES and removed from anyone else
# (touchdose.web.middleware.TrustedProxyMiddleware), under gunicorn and waitress alike.
BEHIND_HTTPS_PROXY = env_bool("TOUCHDOSE_BEHIND_HTTPS_PROXY", False)
TRUSTED_PROXIES = env_list("TOUCHDOSE_TRUSTED_PROXIES", ["127.0.0.1", "::1"])
if BEHIND_HTTPS_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    USE_X_FORWARDED_HOST = True

# --- Applications -----------------------------------------------------------------------------
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "csp",
    "touchdose.web.apps.TouchdoseWebConfig",
]
# The Learn pages are a separate app built alongside; installed as soon as it exists.
HAS_LEARN = importlib.util.find_spec("touchdose.web.learn") is not None
if HAS_LEARN:
    INSTALLED_APPS.append("touchdose.web.learn")

MIDDLEWARE = [
    "touchdose.web.middleware.TrustedProxyMiddleware",  # first: everything after reads its result
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "touchdose.web.middleware.SessionTimeoutMiddleware",  # ends idle and old sessions (says so)
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "touchdose.web.middleware.NoStoreMiddleware",
    "axes.middleware.AxesMiddleware",  # last: turns a lockout into the 429 answer
]

ROOT_URLCONF = "touchdose.web.urls"
WSGI_APPLICATION = "touchdose.web.wsgi.application"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "touchdose.web.context.roles",
            ]
        },
    }
]

# --- Database ---------------------------------------------------------------------------------
_database_url = env_str("DATABASE_URL", "")
if _database_url:
    DATABASES = {"default": database_from_url(_database_url)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": private_sqlite_file(DATA_DIR / "touchdose.sqlite3"),  # 0600 in a 0700 directory
            # Several web processes share the file (touchdose serve --workers): WAL lets readers and
            # the one writer work at the same time; IMMEDIATE takes the write lock when a
            # transaction starts, and the busy timeout (seconds) makes a second writer wait for it
            # instead of failing with "database is locked" (docs/performance.md: the load test).
            "OPTIONS": {
                # secure_delete: a deleted record's bytes are overwritten with zeros, not left in
                # free pages (issue 13, finding 11; docs/security.md).
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA secure_delete=ON;"
                ),
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
            "CONN_MAX_AGE": 60,  # one connection per thread, not one per request
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache: the engine's results and charts per client (touchdose.web.results) ------------------
# Keyed by each client's records version, so any cache is always correct; the choice is only
# about who shares it. The default needs nothing else installed.
CACHES = {"default": cache_from_setting(env_str("TOUCHDOSE_CACHE", "file"), DATA_DIR)}

# --- Accounts ---------------------------------------------------------------------------------
# Argon2id at OWASP's parameters (or Django's: "django"), hashed in a thread of lower priority so
# log-ins do not starve the pages; a password hashed otherwise is hashed again at its next log-in
TOUCHDOSE_ARGON2 = env_choice("TOUCHDOSE_ARGON2", tuple(ARGON2_COSTS), DEFAULT_ARGON2)
PASSWORD_HASHERS = [
    "touchdose.web.hashers.Argon2Hasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": PASSWORD_MIN},
    },
    {"NAME": "touchdose.web.passwords.MaximumLengthValidator", "OPTIONS": {"max_length": PASSWORD_MAX}},
    {"NAME": "touchdose.web.passwords.NotOnlyWhitespaceValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "touchdose.web.passwords.RevokeApiTokensOnChange"},  # a new password ends every API token
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
#: Rate limits (touchdose.web.throttle, on django-axes): this many wrong passwords for one account
#: name from one address within the window refuse further attempts of that pair (a stranger
#: elsewhere cannot lock a client out) until the window has passed since the latest attempt.
LOGIN_MAX_FAILURES = env_int("TOUCHDOSE_LOGIN_MAX_FAILURES", 5, minimum=1)
LOGIN_WINDOW_MINUTES = env_int("TOUCHDOSE_LOGIN_WINDOW_MINUTES", 15, minimum=1)
#: Password-reset requests and sign-ups one address may make within the window.
PASSWORD_RESETS_PER_ADDRESS = env_int("TOUCHDOSE_PASSWORD_RESETS_PER_ADDRESS", 5, minimum=1)
SIGNUPS_PER_ADDRESS = env_int("TOUCHDOSE_SIGNUPS_PER_ADDRESS", 10, minimum=1)
AUTHENTICATION_BACKENDS = [
    "touchdose.web.throttle.LoginThrottleBackend",  # first: a locked-out pair gets no password check
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = "touchdose.web.throttle.failure_limit"
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]  # the pair, never one alone
AXES_LOCKOUT_CALLABLE = "touchdose.web.throttle.lockout_response"
AXES_COOLOFF_TIME = timedelta(minutes=LOGIN_WINDOW_MINUTES)
AXES_RESET_ON_SUCCESS = True  # a right password clears that name's and address's count
# An attempt refused while locked out is not counted: the count is exactly the password checks made.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_DISABLE_ACCESS_LOG = True  # logins are audited by touchdose itself; keep no second record
AXES_VERBOSE = False
#: Never kept in axes' record of an attempt (it keeps a request's fields, masking these).
AXES_SENSITIVE_PARAMETERS = [
    "username", "ip_address", "password", "password1", "password2", "old_password", "new_password1",
    "new_password2", "email", "display_name", "code", "csrfmiddlewaretoken",
]  # fmt: skip
#: How long a sharing code stays valid.
SHARE_CODE_HOURS = env_int("TOUCHDOSE_SHARE_CODE_HOURS", 24, minimum=1)

# --- E-mail (password reset, reminders; docs/reminders.md) ------------------------------------
# A mail server is configured by TOUCHDOSE_EMAIL_HOST; without one the console backend prints
# e-mails to the server's output, which is only for development: production refuses it (security
# finding 13.3: password-reset links must never land in a log).
EMAIL_HOST = env_str("TOUCHDOSE_EMAIL_HOST", "")
EMAIL_BACKEND_NAME = env_choice(
    "TOUCHDOSE_EMAIL_BACKEND", ("smtp", "console"), "smtp" if EMAIL_HOST else "console"
)
if EMAIL_BACKEND_NAME == "smtp" and not EMAIL_HOST:
    raise ImproperlyConfigured("TOUCHDOSE_EMAIL_BACKEND=smtp needs TOUCHDOSE_EMAIL_HOST (the SMTP server)")
if PRODUCTION and EMAIL_BACKEND_NAME != "smtp":
    raise ImproperlyConfigured(
        "TOUCHDOSE_MODE=production needs a real mail server: set TOUCHDOSE_EMAIL_HOST (and "
        "TOUCHDOSE_EMAIL_PORT, TOUCHDOSE_EMAIL_TLS or TOUCHDOSE_EMAIL_SSL, TOUCHDOSE_EMAIL_USER, "
        "TOUCHDOSE_EMAIL_PASSWORD); the console backend would print password-reset links to the log"
    )
EMAIL_BACKEND = f"django.core.mail.backends.{EMAIL_BACKEND_NAME}.EmailBackend"
EMAIL_USE_TLS = env_bool("TOUCHDOSE_EMAIL_TLS", False)
EMAIL_USE_SSL = env_bool("TOUCHDOSE_EMAIL_SSL", False)
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured(
        "set TOUCHDOSE_EMAIL_TLS (STARTTLS, usually port 587) or TOUCHDOSE_EMAIL_SSL (port 465), not both"
    )
EMAIL_PORT = env_int(
    "TOUCHDOSE_EMAIL_PORT", 465 if EMAIL_USE_SSL else 587 if EMAIL_USE_TLS else 25, minimum=1
)
if EMAIL_PORT > 65535:
    raise ImproperlyConfigured(f"TOUCHDOSE_EMAIL_PORT = {EMAIL_PORT} is not a port (allowed: 1-65535)")
EMAIL_HOST_USER = env_str("TOUCHDOSE_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = env_secret("TOUCHDOSE_EMAIL_PASSWORD") or ""
EMAIL_TIMEOUT = env_int(
    "TOUCHDOSE_EMAIL_TIMEOUT", 20, minimum=1
)  # seconds; a hung server must not hang the worker
DEFAULT_FROM_EMAIL = env_str("TOUCHDOSE_FROM_EMAIL", "touchdose@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

#: The address people reach the app at, for links in e-mails and the calendar feed (the worker has
#: no request to take it from). Production: https:// and the first allowed host unless set.
BASE_URL = env_str(
    "TOUCHDOSE_BASE_URL", f"https://{ALLOWED_HOSTS[0]}" if PRODUCTION else "http://localhost:8000"
).rstrip("/")
if not BASE_URL.startswith(("http://", "https://")):
    raise ImproperlyConfigured(
        f"TOUCHDOSE_BASE_URL = {BASE_URL!r} is not a web address "
        "(allowed: https://host[:port], or http:// on one's own machine)"
    )

# --- Background jobs (reminders): django-tasks with its database backend, docs/reminders.md ----
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
#: How often the worker looks for jobs that have come due, in seconds.
WORKER_INTERVAL = env_int("TOUCHDOSE_WORKER_INTERVAL", 1, minimum=1)

# --- Time, language ---------------------------------------------------------------------------
USE_TZ = True
TIME_ZONE = "UTC"  # stored in UTC; every page shows times in the client's own zone
LANGUAGE_CODE = "en"
USE_I18N = False

# --- Static files: every asset ships in the package and is served by the app (WhiteNoise). -----
STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise warns about a missing directory
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Hashed names with gzip and brotli copies, made by collectstatic (touchdose serve runs it):
    # cached by browsers for ten years (immutable), compressed when asked (docs/performance.md).
    "staticfiles": {"BACKEND": "touchdose.web.static_storage.StaticStorage"},
}
# Serve straight from the package too, so a fresh `pip install -e .` works before collectstatic
# (unhashed names, WhiteNoise's short default lifetime).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# --- Logging: requests and errors, never request bodies or health values. ----------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "filters": {"no_health_data": {"()": "touchdose.web.logfilter.WithholdExceptionMessages"}},
    "handlers": {
        "console": {
            "class": "touchdose.web.logfilter.CurrentStderrHandler",
            "formatter": "plain",
            "filters": ["no_health_data"],
        }
    },
    "root": {"handlers": ["console"], "level": env_str("TOUCHDOSE_LOG_LEVEL", "INFO").upper()},
    "loggers": {"django.db.backends": {"level": "WARNING"}, "axes": {"level": "WARNING"}},
}
