"""The installable web app: its manifest, its service worker (served from the root so its scope
covers the whole app) and the endpoint that receives entries made offline (docs/reminders.md)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from touchdose.records import RecordError
from touchdose.web import access, selectors, services
from touchdose.web.forms import FUTURE_SLACK, CheckInForm, FollowUpForm, RecordForm
from touchdose.web.models import Client

#: An entry made offline is accepted up to this long after it was made (a phone a week in a drawer).
OFFLINE_MAX_DAYS = 14


@require_GET
def manifest(request: HttpRequest) -> JsonResponse:
    icons = [
        {"src": static("touchdose/icons/icon-192.png"), "sizes": "192x192", "type": "image/png"},
        {"src": static("touchdose/icons/icon-512.png"), "sizes": "512x512", "type": "image/png"},
        {"src": static("touchdose/icons/icon-maskable-512.png"), "sizes": "512x512", "type": "image/png",
         "purpose": "maskable"},
    ]  # fmt: skip
    data = {
        "name": "touchdose", "short_name": "touchdose", "id": "/", "start_url": reverse("home"), "scope": "/",
        "display": "standalone", "background_color": "#fbfaf7", "theme_color": "#0b5cad",
        "description": "Check in, answer your follow-ups, see whether massage is helping.", "icons": icons,
    }  # fmt: skip
    response = JsonResponse(data, content_type="application/manifest+json")
    response["Cache-Control"] = "public, max-age=3600"
    return response


@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    """The app's own ``sw.js`` from its static files, at ``/sw.js`` (scope ``/``), never cached
    stale: browsers check it at each visit (``no-cache``)."""
    path = finders.find("touchdose/sw.js")
    with open(str(path), encoding="utf-8") as handle:
        body = handle.read()
    response = HttpResponse(body, content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    response["Service-Worker-Allowed"] = "/"
    return response


def _made_at(text: str, now: datetime) -> datetime:
    """The moment an offline entry was made (ISO 8601 with its offset), checked."""
    allowed = "(allowed: ISO 8601 with an offset, e.g. 2026-03-07T10:00:00Z)"
    try:
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except (ValueError, OverflowError):
        raise ValueError(f"made_at = {text[:40]!r} is not a time {allowed}") from None
    if moment.tzinfo is None:
        raise ValueError(f"made_at = {text[:40]!r} has no offset {allowed}")
    if moment > now + FUTURE_SLACK:
        raise ValueError("made_at is in the future (allowed: the moment the entry was made)")
    if moment < now - timedelta(days=OFFLINE_MAX_DAYS):
        raise ValueError(
            f"made_at is more than {OFFLINE_MAX_DAYS} days ago (allowed: the last {OFFLINE_MAX_DAYS})"
        )
    return moment


@login_required
@require_POST
def checkin_queued(request: HttpRequest, client_id: int) -> JsonResponse:
    """Save a check-in made offline, at the moment it was made (or the time given in the form),
    once. Answers JSON: 201 saved, 200 already saved, 400 with the problem."""
    client = access.require_client_rw(request.user, client_id)
    return _save_queued(request, client, CheckInForm)


@login_required
@require_POST
def followup_queued(request: HttpRequest, session_id: int, hours: int) -> JsonResponse:
    """Save a follow-up answered offline (the form of ``followup``), at the moment it was made,
    once; the same answers as :func:`checkin_queued`. It is kept even when it reaches the server
    after the follow-up's window closed: it is the client's diary entry of that moment."""
    session = access.require_session_of_client(request.user, session_id)
    if hours not in selectors.FOLLOWUP_WINDOWS:
        raise Http404("No such follow-up")
    return _save_queued(request, session.client, FollowUpForm)


def _save_queued(request: HttpRequest, client: Client, form_class: type[RecordForm]) -> JsonResponse:
    now = timezone.now()
    try:
        made_at = _made_at(request.POST.get("made_at", ""), now)
    except ValueError as error:
        return JsonResponse({"error": str(error)}, status=400)
    data = request.POST.copy()
    given_time = "time" in form_class.base_fields and bool(request.POST.get("time"))
    if "time" in form_class.base_fields and not given_time:
        data["time"] = timezone.localtime(made_at).strftime("%Y-%m-%dT%H:%M:%S")
    form = form_class(data)
    if not form.is_valid():
        problems = "; ".join(f"{name}: {' '.join(errors)}" for name, errors in form.errors.items())
        return JsonResponse({"error": problems}, status=400)
    fields = form.fields_to_save()
    if not given_time:
        fields["time"] = made_at  # to the second: the moment itself, not the minute the form shows
    try:
        row, created = services.checkin_record_once(actor=request.user, client=client, **fields)
    except RecordError as error:
        return JsonResponse({"error": str(error)}, status=400)
    answer: dict[str, object] = {"saved": True, "new": created, "id": row.pk}
    if row.red_flags:  # the page with the safety message, for the phone to point to (docs/safety.md)
        answer["safety_page"] = reverse("dashboard", args=[client.pk])
    return JsonResponse(answer, status=201 if created else 200)
