"""Typed environment helpers for the settings module: every one fails loudly on a bad value.

Each helper records the variable it read in :data:`READ`, so a test can check that every
setting the app reads is documented in ``docs/settings.md``.
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

#: Every environment variable read through these helpers, in the order read.
READ: list[str] = []

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def _raw(name: str) -> str | None:
    if name not in READ:
        READ.append(name)
    return os.environ.get(name)


def env_str(name: str, default: str) -> str:
    value = _raw(name)
    return default if value is None else value


def env_bool(name: str, default: bool) -> bool:
    value = _raw(name)
    if value is None:
        return default
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} = {value!r} is not a yes/no value (allowed: true/false, 1/0, yes/no)")


def env_int(name: str, default: int, *, minimum: int = 0) -> int:
    value = _raw(name)
    if value is None or value.strip() == "":
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} = {value!r} is not a whole number") from None
    if number < minimum:
        raise ImproperlyConfigured(f"{name} = {number} is too small (allowed: {minimum} or more)")
    return number


def env_list(name: str, default: Sequence[str]) -> list[str]:
    value = _raw(name)
    if value is None:
        return list(default)
    return [item.strip() for item in value.split(",") if item.strip()]


def env_choice(name: str, choices: Sequence[str], default: str) -> str:
    value = env_str(name, default).strip().lower()
    if value not in choices:
        raise ImproperlyConfigured(f"{name} = {value!r} is not allowed (allowed: {', '.join(choices)})")
    return value


def env_secret(name: str) -> str | None:
    """A secret from ``NAME`` or from the file named by ``NAME_FILE`` (Docker/systemd secrets)."""
    value = _raw(name)
    path = _raw(name + "_FILE")
    if value and path:
        raise ImproperlyConfigured(f"set {name} or {name}_FILE, not both")
    if path:
        try:
            with open(path, encoding="utf-8") as handle:
                return handle.read().strip()
        except OSError as error:
            raise ImproperlyConfigured(f"{name}_FILE = {path!r} cannot be read: {error.strerror}") from None
    return value or None


def database_from_url(url: str) -> dict[str, object]:
    """Django ``DATABASES['default']`` for a ``postgres://user:password@host:port/name`` URL."""
    parts = urlsplit(url)
    if parts.scheme not in ("postgres", "postgresql"):
        raise ImproperlyConfigured(
            f"DATABASE_URL scheme {parts.scheme!r} is not supported (allowed: postgres://, postgresql://)"
        )
    name = unquote(parts.path.lstrip("/"))
    if not name:
        raise ImproperlyConfigured("DATABASE_URL has no database name (postgres://user@host:port/NAME)")
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": name,
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": parts.hostname or "",
        "PORT": str(parts.port or ""),
        "CONN_MAX_AGE": 60,
        "CONN_HEALTH_CHECKS": True,
    }


#: Entries each local cache keeps before culling: two per client (analysis and charts) for a
#: clinic of a few thousand clients, with room for the old versions that are about to expire.
CACHE_MAX_ENTRIES = 20_000
CACHE_CHOICES = "file, database, memory, or a redis:// URL"


def cache_from_setting(value: str, data_dir: Path) -> dict[str, object]:
    """Django ``CACHES['default']`` for ``TOUCHDOSE_CACHE``: ``file`` (a directory in the data
    directory, shared by every process on the machine), ``database`` (a table in the app's
    database, shared by every machine), ``memory`` (per process), or ``redis://host:port/db``."""
    choice = value.strip()
    options = {"MAX_ENTRIES": CACHE_MAX_ENTRIES}
    if choice in ("", "file"):
        return {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(data_dir / "cache"),
            "OPTIONS": options,
        }
    if choice == "database":
        return {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "touchdose_cache",
            "OPTIONS": options,
        }
    if choice == "memory":
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "OPTIONS": options}
    if urlsplit(choice).scheme in ("redis", "rediss", "unix"):
        if importlib.util.find_spec("redis") is None:
            raise ImproperlyConfigured(
                f"TOUCHDOSE_CACHE = {choice!r} needs the redis client: pip install 'touchdose[redis]'"
            )
        return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": choice}
    raise ImproperlyConfigured(f"TOUCHDOSE_CACHE = {choice!r} is not allowed (allowed: {CACHE_CHOICES})")


#: The data directory and the SQLite database hold health records: only their owner may read them
#: (issue 13, finding 12). SQLite gives its -wal and -shm files the database file's own mode.
PRIVATE_DIR_MODE = 0o700
PRIVATE_FILE_MODE = 0o600


def private_sqlite_file(path: Path) -> Path:
    """Make the data directory (0700) and an empty SQLite database file (0600) before SQLite opens
    it, so neither is ever readable by others, whatever the umask; an existing database of ours is
    narrowed to 0600. Returns ``path``."""
    path.parent.mkdir(mode=PRIVATE_DIR_MODE, parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE_MODE)
    except FileExistsError:
        if path.stat().st_mode & 0o077:
            path.chmod(PRIVATE_FILE_MODE)
    else:
        os.close(fd)  # an empty file is an empty SQLite database
    return path
