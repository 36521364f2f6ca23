"""Every rate limit of the app, on django-axes (security findings 13.1, 13.3 and 13.9).

Everything is counted per *name and address together* (``AXES_LOCKOUT_PARAMETERS``), never per
name alone (a stranger could lock a client out) nor per address alone (one person could lock out
everyone behind a clinic's or a family's address). What the name is:

- **password logins** (the login page, ``/admin/login/``): the account name typed, counting wrong
  passwords; a stranger who types wrong passwords for a client's name locks out only themselves;
- **API tokens** (``Authorization: Bearer``): ``api-token:``, counting wrong tokens;
- **password-reset requests** and **sign-ups**: ``password-reset:`` and ``signup:``, counting
  every request;
- **sharing codes**: ``share-code:<therapist>``, counting wrong codes.

The pseudo names hold a ``:``, which no real username may contain, so one kind never counts
against another. Counts last ``TOUCHDOSE_LOGIN_WINDOW_MINUTES`` after the latest attempt
(``AXES_COOLOFF_TIME``); :func:`failure_limit` gives each kind its limit.

Password checks are counted atomically: :func:`one_attempt_at_a_time` runs each login attempt in
one transaction that first locks the account's row, so concurrent attempts at one account take
turns and each sees every failure counted before it; 40 concurrent wrong passwords give at most
``TOUCHDOSE_LOGIN_MAX_FAILURES`` password checks, the rest a 429 without a check."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from axes.backends import AxesStandaloneBackend
from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from touchdose.web import services

#: Pseudo account names of what is not a password login (``:`` is never in a real username).
API_TOKEN = "api-token:"
PASSWORD_RESET = "password-reset:"
SIGNUP = "signup:"
SHARE_CODE = "share-code:"

#: The words of every refusal; the page also says when to try again.
TOO_MANY = "Too many attempts. Please wait {minutes} minutes and try again."


def share_code_key(therapist_id: int) -> str:
    return f"{SHARE_CODE}{therapist_id}"


def failure_limit(request: Any, credentials: dict[str, Any] | None = None) -> int:
    """``AXES_FAILURE_LIMIT``: how many attempts of each kind the window allows."""
    name = str((credentials or {}).get("username") or "")
    if name.startswith(API_TOKEN):
        return int(settings.LOGIN_MAX_FAILURES) * 4  # scripts retry; guessing 256 bits is hopeless anyway
    if name.startswith(PASSWORD_RESET):
        return int(settings.PASSWORD_RESETS_PER_ADDRESS)
    if name.startswith(SIGNUP):
        return int(settings.SIGNUPS_PER_ADDRESS)
    return int(settings.LOGIN_MAX_FAILURES)


def refusal() -> str:
    return TOO_MANY.format(minutes=settings.LOGIN_WINDOW_MINUTES)


def lockout_response(
    request: HttpRequest, original: HttpResponse | None = None, credentials: Any = None
) -> HttpResponse:
    """``AXES_LOCKOUT_CALLABLE``: 429 with the refusal, as JSON for the API and a page elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": refusal(), "problems": []}, status=429)
    return render(request, "touchdose/locked.html", {"refusal": refusal()}, status=429)


class LoginThrottleBackend(AxesStandaloneBackend):
    """Axes' backend (first in ``AUTHENTICATION_BACKENDS``): refuses a locked-out name and address
    before any password check. Callers without a request (``touchdose createuser``, scripts on
    the server) are not web logins and are not counted."""

    def authenticate(self, request: HttpRequest | None, *args: Any, **kwargs: Any) -> Any:
        if request is None:
            return None
        return super().authenticate(request, *args, **kwargs)


def one_attempt_at_a_time(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Run a login POST as one turn per account name (see the module's docstring)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method != "POST":
            return view(request, *args, **kwargs)
        with services.login_turn(username=request.POST.get("username", "")):
            return view(request, *args, **kwargs)

    return wrapped


def allowed(request: HttpRequest, key: str) -> bool:
    """True while ``key`` (one of the kinds above) has attempts left from this request's address."""
    return bool(AxesProxyHandler.is_allowed(request, {"username": key}))


def count(request: HttpRequest, key: str) -> None:
    """Count one attempt of ``key``. The answer to this request stays as it is (the next one is
    refused once the limit is reached)."""
    AxesProxyHandler.user_login_failed(sender=count, credentials={"username": key}, request=request)
    request.axes_locked_out = False  # type: ignore[attr-defined]


def refused(request: HttpRequest, kind: str) -> HttpResponse | None:
    """For a POST: the 429 answer when ``kind`` has no attempts left from this address, else None
    after counting this one. Other methods are not counted."""
    if request.method != "POST":
        return None
    if not allowed(request, kind):
        return lockout_response(request)
    count(request, kind)
    return None


def throttled(kind: str, view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """``view`` with its POSTs counted per address as ``kind``: past the limit, the 429 answer
    instead (nothing sent, nothing made)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return refused(request, kind) or view(request, *args, **kwargs)

    return wrapped
