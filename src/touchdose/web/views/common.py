"""Home page and error pages."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string

from touchdose.web import access
from touchdose.web.views._common import page


def home(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect("login")
    client = access.client_of(request.user)
    if client is not None:
        from touchdose.web.views.client import client_home

        return client_home(request, client)
    if access.therapist_of(request.user) is not None:
        return redirect("therapist_home")
    return page(request, "no_role.html", {})


# Error pages echo nothing from the request (no path, no query, no health data).
def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return page(request, "error.html", {"title": "Page not found", "status": 404}, status=404)


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return page(request, "error.html", {"title": "Not allowed", "status": 403}, status=403)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return page(request, "error.html", {"title": "Bad request", "status": 400}, status=400)


def server_error(request: HttpRequest) -> HttpResponse:
    # No request context: the database (for the user) may be what failed.
    html = render_to_string("touchdose/error.html", {"title": "Something went wrong", "status": 500})
    return HttpResponse(html, status=500)
