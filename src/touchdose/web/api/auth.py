"""Who is calling: a personal token (``Authorization: Bearer td_...``) or the signed-in browser
session, which must then pass Django's CSRF check on every change (POST, PATCH, DELETE)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from ninja.errors import HttpError
from ninja.security import APIKeyCookie, HttpBearer

from touchdose.web import services, throttle


class TokenAuth(HttpBearer):
    """A personal API token; revoked tokens and inactive accounts are refused at once. Wrong tokens
    are counted per address (:mod:`touchdose.web.throttle`): past the limit, 429 without a look."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        if not throttle.allowed(request, throttle.API_TOKEN):
            raise HttpError(429, throttle.refusal())
        user = services.api_token_user(token)
        if user is None:
            throttle.count(request, throttle.API_TOKEN)
        return user


class SessionCsrfAuth(APIKeyCookie):
    """The browser session of the pages. Anonymous callers get 401 (not a CSRF 403); a signed-in
    caller's unsafe request is refused with 403 unless it carries the CSRF token."""

    param_name = settings.SESSION_COOKIE_NAME

    def __call__(self, request: HttpRequest) -> Any:
        if not request.user.is_authenticated:
            return None
        return super().__call__(request)  # checks CSRF, then authenticate()

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        return request.user


def actor(request: HttpRequest) -> Any:
    """The authenticated user of an API request (set by whichever auth accepted it)."""
    return request.auth  # type: ignore[attr-defined]


token_auth = TokenAuth()
session_auth = SessionCsrfAuth()
#: Every endpoint accepts either; token management accepts only the session (a leaked token
#: cannot make itself new tokens).
ANY_AUTH = [token_auth, session_auth]
