"""Error bodies: always ``{"detail": "<clear words>"}``, with ``problems`` listing each bad field.

A value the caller sent is never repeated back (it may be a health value, and error bodies end up
in logs): a problem names the field and what is allowed.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, ValidationError

from touchdose.records import RecordError

NOT_FOUND = "Not found: there is no such record, or you may not see it."
UNAUTHORIZED = "Sign in, or send a personal token as 'Authorization: Bearer td_...'."


class RequestProblems(ValueError):
    """A request the endpoint refuses field by field (422); ``problems`` as in the error body."""

    def __init__(self, problems: list[dict[str, str]]) -> None:
        self.problems = problems
        super().__init__("; ".join(p["where"] for p in problems))


def _body(detail: str, problems: list[dict[str, str]] | None = None) -> dict[str, Any]:
    return {"detail": detail, "problems": problems or []}


def _where(loc: Any) -> str:
    return ".".join(str(part) for part in loc) if isinstance(loc, (list, tuple)) else str(loc)


def install(api: NinjaAPI) -> None:
    """Register the handlers on ``api``."""

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
        return api.create_response(request, _body(NOT_FOUND), status=404)

    @api.exception_handler(PermissionDenied)
    def forbidden(request: HttpRequest, exc: Exception) -> HttpResponse:
        return api.create_response(request, _body(str(exc) or "You may not do this."), status=403)

    @api.exception_handler(AuthenticationError)
    def unauthorized(request: HttpRequest, exc: Exception) -> HttpResponse:
        return api.create_response(request, _body(UNAUTHORIZED), status=401)

    @api.exception_handler(RecordError)
    def record_error(request: HttpRequest, exc: RecordError) -> HttpResponse:
        problems = [
            {"where": f"{p.record}.{p.field}", "problem": f"not allowed (allowed: {p.allowed})"}
            for p in exc.problems
        ]
        return api.create_response(request, _body("Some values are not allowed.", problems), status=422)

    @api.exception_handler(RequestProblems)
    def request_problems(request: HttpRequest, exc: RequestProblems) -> HttpResponse:
        return api.create_response(request, _body("Some values are not allowed.", exc.problems), status=422)

    @api.exception_handler(ValidationError)
    def invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        problems = [
            {"where": _where(e.get("loc", ())), "problem": str(e.get("msg", "invalid"))} for e in exc.errors
        ]
        return api.create_response(
            request, _body("The request does not have the expected shape.", problems), status=422
        )
