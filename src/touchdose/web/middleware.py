"""Small middleware: proxy headers believed only from the trusted proxy, and pages with health data
never kept in shared or browser caches."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
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


class NoStoreMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not request.path.startswith("/static/") and "Cache-Control" not in response:
            response["Cache-Control"] = "no-store"
        return response
