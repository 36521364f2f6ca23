"""Small middleware: proxy headers believed only from the trusted proxy, signed-in sessions that end
when idle or old, and pages with health data never kept in shared or browser caches."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse

#: The headers a reverse proxy sets about the visitor (WSGI names).
PROXY_HEADERS = ("HTTP_X_FORWARDED_PROTO", "HTTP_X_FORWARDED_HOST", "HTTP_X_FORWARDED_FOR", "HTTP_FORWARDED")


class TrustedProxyMiddleware:
    """With ``TOUCHDOSE_BEHIND_HTTPS_PROXY``: a request from a trusted proxy keeps its
    ``X-Forwarded-*`` headers and gets the visitor's address as ``REMOTE_ADDR`` (the address the
    proxy appended to ``X-Forwarded-For``, so rate limits count visitors, not the proxy); from
    anyone else those headers are removed, so nobody can claim HTTPS or another host. Without a
    proxy, they are removed from everyone."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.trusted = frozenset(settings.TRUSTED_PROXIES) if settings.BEHIND_HTTPS_PROXY else frozenset()

    def __call__(self, request: HttpRequest) -> HttpResponse:
        meta = request.META
        if meta.get("REMOTE_ADDR") in self.trusted:
            visitor = meta.get("HTTP_X_FORWARDED_FOR", "").rsplit(",", 1)[-1].strip()
            if visitor:
                meta["REMOTE_ADDR"] = visitor
        else:
            for name in PROXY_HEADERS:
                meta.pop(name, None)
        return self.get_response(request)


#: Session keys: when the session's login happened and when it was last used (Unix seconds).
SESSION_STARTED = "touchdose_login_at"
SESSION_SEEN = "touchdose_seen_at"
#: The last-used time is written at most this often (seconds), not on every request.
SEEN_RESOLUTION = 60


def session_start(sender: Any, request: HttpRequest, **kwargs: Any) -> None:
    """On ``user_logged_in``: the session's clocks start now."""
    now = int(time.time())
    request.session[SESSION_STARTED] = now
    request.session[SESSION_SEEN] = now


class SessionTimeoutMiddleware:
    """End a signed-in session after ``SESSION_IDLE_SECONDS`` without a request (the idle limit) or
    ``SESSION_COOKIE_AGE`` after its login (the absolute limit), whichever comes first. The request
    then goes on as an anonymous visitor's, so a page asks to log in again."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            self.check(request, int(time.time()))
        return self.get_response(request)

    @staticmethod
    def check(request: HttpRequest, now: int) -> None:
        session = request.session
        started = session.setdefault(SESSION_STARTED, now)
        seen = session.setdefault(SESSION_SEEN, now)
        idle = now - seen > settings.SESSION_IDLE_SECONDS
        if idle or now - started > settings.SESSION_COOKIE_AGE:
            logout(request)
            minutes = settings.SESSION_IDLE_SECONDS // 60
            said = f"after {minutes} minutes without activity" if idle else "at your login's time limit"
            messages.info(request, f"You were logged out {said}. Please log in again.")
        elif now - seen >= SEEN_RESOLUTION:
            session[SESSION_SEEN] = now


class NoStoreMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not request.path.startswith("/static/") and "Cache-Control" not in response:
            response["Cache-Control"] = "no-store"
        return response
