"""The engine's results per client in Django's cache, under a key that changes with every write.

A key is ``td:<kind>:<code>:<client id>-<account created>:<records version>``:

- ``records_version`` goes up in the same transaction as every write to the client's records
  (:mod:`touchdose.web.services`), so after a change the next page finds no entry and computes
  afresh; nothing else (no timeout, no fingerprint of the records) decides when to recompute.
  An old entry is never read again and ages out (:data:`TIMEOUT`).
- the account's creation time keeps an id that a database reused from ever meeting another
  client's results;
- ``code`` is a fingerprint of the installed touchdose source, so results pickled by another
  version of the code are never read back as this one's.

Entries are the typed result objects themselves (pickled by the cache), so the pages keep
receiving :class:`~touchdose.analysis.engine.ClientAnalysis` and its ``Verdict`` and ``Plan``.
Beside them, ``td:latest:<code>:<client id>-<account created>`` holds the newest analysis stored
for the client, whatever its version: the therapist's caseload shows it, marked as updating,
while the job worker computes the current one (:func:`touchdose.web.services.refresh_results_job`),
so no caseload waits for the engine to run once per changed client.

The cache is a speed-up, never a source of truth: an entry that cannot be read, or a cache that
is down, means the result is computed again (and a warning is logged without any health value).
"""

from __future__ import annotations

import functools
import hashlib
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.cache import cache

import touchdose
from touchdose.analysis.engine import ClientAnalysis

log = logging.getLogger(__name__)

#: Seconds an entry is kept. Correctness never depends on it (the key changes with the records);
#: it only lets entries that will never be read again leave the cache.
TIMEOUT = 30 * 24 * 3600
KINDS = ("analysis", "charts")


@dataclass(frozen=True)
class ClientResults:
    """What the engine concluded about one client, as of one version of their records.

    Attributes
    ----------
    client_id : int
        The client's database id.
    version : int
        The ``records_version`` the analysis was made for.
    analysis : ClientAnalysis
        The engine's result (verdict, plan, titration, session responses, instruments).
    notes : tuple of str
        The engine's warnings in words (e.g. thin data), for the page to show.
    """

    client_id: int
    version: int
    analysis: ClientAnalysis
    notes: tuple[str, ...] = ()


@functools.cache
def code_fingerprint() -> str:
    """A short hash of every source file of the installed touchdose package (computed once)."""
    root = Path(touchdose.__file__).parent
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*.py")):
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def key(kind: str, *, client_id: int, created: Any, version: int) -> str:
    """The cache key of one kind of result for one version of a client's records."""
    if kind not in KINDS:
        raise ValueError(f"results key: kind = {kind!r} is not allowed (allowed: {', '.join(KINDS)})")
    return f"td:{kind}:{code_fingerprint()}:{_owner(client_id, created)}:{version}"


def latest_key(*, client_id: int, created: Any) -> str:
    """The key of the newest analysis stored for a client, whatever version it was made for."""
    return f"td:latest:{code_fingerprint()}:{_owner(client_id, created)}"


def _owner(client_id: int, created: Any) -> str:
    """The client's id and account creation time (a reused id never meets another's results)."""
    stamp = int(created.timestamp() * 1_000_000) if created is not None else 0
    return f"{client_id}-{stamp}"


def get_many(keys: Iterable[str]) -> dict[str, Any]:
    """The entries found for ``keys`` (missing, unreadable or a cache that is down: left out)."""
    wanted = list(keys)
    if not wanted:
        return {}
    try:
        return dict(cache.get_many(wanted))
    except Exception as error:  # an entry pickled by older code, a Redis that is down, ...
        log.warning("results cache: read failed (%s); computing afresh", type(error).__name__)
    found: dict[str, Any] = {}
    for one in wanted:  # one by one, so a single bad entry costs only itself
        try:
            value = cache.get(one)
        except Exception:
            continue
        if value is not None:
            found[one] = value
    return found


def put_many(entries: Mapping[str, Any]) -> None:
    """Store ``entries``; a cache that is down only costs the next page its speed."""
    if not entries:
        return
    try:
        cache.set_many(dict(entries), TIMEOUT)
    except Exception as error:
        log.warning("results cache: write failed (%s)", type(error).__name__)


def forget(*, client_id: int, created: Any, version: int) -> None:
    """Delete every entry of one client, each kind at every version up to ``version``.

    For a deleted account: its results hold health data, and waiting for :data:`TIMEOUT` would
    keep them in the cache's files for a month. Entries made by another version of the code
    (another fingerprint) are not found this way and still age out.
    """
    keys = [key(kind, client_id=client_id, created=created, version=v)
            for kind in KINDS for v in range(version + 1)]  # fmt: skip
    keys.append(latest_key(client_id=client_id, created=created))
    try:
        cache.delete_many(keys)
    except Exception as error:  # a cache that is down: its entries age out with TIMEOUT
        log.warning("results cache: delete failed (%s)", type(error).__name__)
