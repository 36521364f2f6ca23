"""What every page shares: rendering in the client's time zone, saving a form through a service,
confirming a delete; and the pages that belong to no one section: home and the error pages."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.core.paginator import Page, Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone

from touchdose.records import RecordError
from touchdose.web import access, selectors
from touchdose.web.forms import RecordForm
from touchdose.web.models import Client


def show_in_zone_of(client: Client) -> None:
    """Times on this page are the client's local times (stored in UTC)."""
    timezone.activate(ZoneInfo(client.timezone))


def page(request: HttpRequest, template: str, context: dict[str, Any], status: int = 200) -> HttpResponse:
    return render(request, f"touchdose/{template}", context, status=status)


#: Rows on one page of a long list (the diary, the audit trail); the rest are a "Next" away.
PAGE_ROWS = 50


def paged(request: HttpRequest, rows: Any) -> Page:
    """The page of ``rows`` that ``?page=`` asks for (the last one for a number past it, the first
    for anything that is not a number)."""
    return Paginator(rows, PAGE_ROWS).get_page(request.GET.get("page"))


def saved(
    request: HttpRequest, form: RecordForm, message: str, service: Callable[..., object], **arguments: Any
) -> bool:
    """True once a POSTed, valid ``form`` has been saved by ``service(**arguments, **form's
    fields)`` and ``message`` shown; a record rule the service finds broken becomes the form's
    field errors."""
    if request.method != "POST" or not form.is_valid():
        return False
    try:
        service(**arguments, **form.fields_to_save())
    except RecordError as error:
        form.add_record_error(error)
        return False
    messages.success(request, message)
    return True


def confirm_delete(
    request: HttpRequest, *, what: str, when: datetime, client: Client, delete: Callable[[], None], back: str,
    shown: Callable[[], object],
) -> HttpResponse:
    """GET asks "delete this <what> of <when>?" (``shown()`` audits that look at the record); POST
    deletes and goes back to the list ``back``."""
    if request.method == "POST":
        delete()
        messages.success(request, f"{what.capitalize()} deleted.")
        return redirect(back, client_id=client.pk)
    shown()
    show_in_zone_of(client)
    return page(request, "confirm_delete.html", {"what": what, "when": when, "client": client})


# --- home ----------------------------------------------------------------------------------------


def home(request: HttpRequest) -> HttpResponse:
    """The client's day (check-in, follow-ups due); a therapist goes to their client list."""
    if not request.user.is_authenticated:
        return redirect("login")
    client = access.client_of(request.user)
    if client is not None:
        return client_home(request, client)
    if access.therapist_of(request.user) is not None:
        return redirect("therapist_home")
    return page(request, "no_role.html", {})


def client_home(request: HttpRequest, client: Client) -> HttpResponse:
    show_in_zone_of(client)
    due = selectors.home_due(actor=request.user, client=client)
    context = {
        "client": client,
        "followups": due.followups,
        "to_rate": due.to_rate,
        "today_done": selectors.checked_in_today(client=client),
        "safety": selectors.client_safety(actor=request.user, client=client),
    }
    return page(request, "client_home.html", context)


# --- error pages: they echo nothing from the request (no path, no query, no health data) ---------


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return page(request, "error.html", {"title": "Page not found", "status": 404}, status=404)


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return page(request, "error.html", {"title": "Not allowed", "status": 403}, status=403)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return page(request, "error.html", {"title": "Bad request", "status": 400}, status=400)


def server_error(request: HttpRequest) -> HttpResponse:
    # No request context and no navigation: the database (for the user and the menu) may be what failed.
    html = render_to_string("touchdose/error_500.html", {"title": "Something went wrong", "status": 500})
    return HttpResponse(html, status=500)
