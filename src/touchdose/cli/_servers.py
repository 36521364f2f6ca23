"""The production WSGI servers ``touchdose serve`` runs the app under.

gunicorn on Unix-likes: several processes (``--workers``, the cores by default), each with a few
threads, forked from one master that loaded the app once. waitress where gunicorn cannot run
(Windows has no ``fork``): one process with threads, so one core (docs/performance.md).

Behind an HTTPS proxy (``TOUCHDOSE_BEHIND_HTTPS_PROXY``) neither server interprets or strips the
proxy's headers itself: :class:`touchdose.web.middleware.TrustedProxyMiddleware` believes them
only from ``TOUCHDOSE_TRUSTED_PROXIES`` and removes them from anyone else, the same rule under
either server, and Django reads ``X-Forwarded-Proto`` and ``X-Forwarded-Host`` from there.
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Callable, Sequence
from typing import Any

SERVERS = ("auto", "gunicorn", "waitress")
#: Threads per process: gunicorn runs several processes, waitress only one.
GUNICORN_THREADS, WAITRESS_THREADS = 8, 8


def cores() -> int:
    """CPUs this process may run on (a container's or ``taskset``'s limit, not the machine's)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def default_workers(*, postgres: bool) -> int:
    """One web process per core; at least 2 on PostgreSQL (a clinic server)."""
    return max(cores(), 2) if postgres else cores()


def gunicorn_can_run() -> bool:
    return hasattr(os, "fork") and importlib.util.find_spec("gunicorn") is not None


def chosen(server: str) -> str:
    """``auto`` is gunicorn where it can run, else waitress."""
    if server not in SERVERS:
        raise ValueError(f"--server = {server!r} is not allowed (allowed: {', '.join(SERVERS)})")
    if server == "auto":
        return "gunicorn" if gunicorn_can_run() else "waitress"
    if server == "gunicorn" and not gunicorn_can_run():
        raise ValueError("--server gunicorn cannot run here (it needs a Unix-like system); use waitress")
    return server


def run_gunicorn(
    application: Callable[..., Any],
    *,
    host: str,
    port: int,
    workers: int,
    threads: int,
    trusted_proxies: Sequence[str],
    before_fork: Callable[[], None],
) -> None:
    """Serve until stopped (SIGTERM or Ctrl+C stop gracefully), ``workers`` processes forked
    from this one after ``before_fork`` (which must close what a child may not share: database
    connections)."""
    from gunicorn.app.base import BaseApplication

    class Touchdose(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            options = {
                "bind": [f"[{host}]:{port}" if ":" in host else f"{host}:{port}"],
                "workers": workers,
                "threads": threads,
                "worker_class": "gthread",
                "preload_app": True,
                # Only the trusted proxy may set the scheme; nobody when there is no proxy.
                "forwarded_allow_ips": ",".join(trusted_proxies),
                "proc_name": "touchdose",
                "control_socket_disable": True,  # no socket in the home directory
                "accesslog": None,  # requests are not logged (URLs name clients)
                "keepalive": 5,
                "graceful_timeout": 20,
                "timeout": 60,
                "post_fork": lambda server, worker: before_fork(),
            }
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self) -> Callable[..., Any]:
            return application

    before_fork()
    Touchdose().run()


def run_waitress(application: Callable[..., Any], *, host: str, port: int, threads: int) -> None:
    from waitress import serve

    # Proxy headers are left for TrustedProxyMiddleware (waitress would strip them otherwise).
    serve(
        application, host=host, port=port, threads=threads, ident="touchdose",
        clear_untrusted_proxy_headers=False,
    )  # fmt: skip
