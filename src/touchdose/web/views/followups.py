"""The client answers about a session: the short follow-up a day or two after it, and the ratings
of a session their therapist logged. Links to both come from the home page and the reminders."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from touchdose.records import AREA_LABELS, PRESSURE_NAMES
from touchdose.text import words
from touchdose.web import access, selectors, services
from touchdose.web.forms import FollowUpForm, SessionRatingForm
from touchdose.web.models import MassageSession
from touchdose.web.views.pages import page, saved, show_in_zone_of


def what_was_done(session: MassageSession) -> dict[str, object]:
    """The session as the client recognises it: who, which technique, pressure, minutes, where."""
    return {
        "session": session,
        "by": str(session.therapist) if session.therapist else "",
        "techniques": ", ".join(words(t, capital=False) for t in session.technique),
        "pressure_name": PRESSURE_NAMES.get(session.pressure, ""),
        "areas": ", ".join(AREA_LABELS.get(a, a) for a in session.regions),
    }


@login_required
@require_http_methods(["GET", "POST"])
def followup(request: HttpRequest, session_id: int, hours: int) -> HttpResponse:
    session = access.require_session_of_client(request.user, session_id)
    if hours not in selectors.FOLLOWUP_WINDOWS:
        raise Http404("No such follow-up")
    show_in_zone_of(session.client)
    selectors.session_read(actor=request.user, session=session)
    found = selectors.followup_of(session=session, hours=hours)
    form = FollowUpForm(request.POST or None)
    if found.state == "due":
        arguments = {"actor": request.user, "client": session.client, "time": timezone.now()}
        if saved(request, form, "Saved. Thank you.", services.checkin_record, **arguments):
            return redirect("home")
    context = {"form": form, "followup": found, "client": session.client, **what_was_done(session)}
    return page(request, "followup.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def session_rate(request: HttpRequest, session_id: int) -> HttpResponse:
    session = access.require_session_of_client(request.user, session_id)
    show_in_zone_of(session.client)
    selectors.session_read(actor=request.user, session=session)
    initial = {name: getattr(session, name) for name in services.SESSION_RATINGS}
    form = SessionRatingForm(request.POST or None, initial=initial)
    arguments = {"actor": request.user, "session": session}
    if saved(request, form, "Saved. Thank you.", services.session_update, **arguments):
        return redirect("home")
    context = {"form": form, "client": session.client, "rated": selectors.session_rated(session)}
    return page(request, "session_rate.html", {**context, **what_was_done(session)})
