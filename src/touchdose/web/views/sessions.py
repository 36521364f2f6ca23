"""Massage sessions: logged by the client or by a therapist they share with; rated by the client."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from touchdose.records import AREA_LABELS
from touchdose.web import access, selectors, services
from touchdose.web.convert import SESSION_FIELDS
from touchdose.web.forms import RecordForm, SessionForm, SessionRatingForm, TherapistSessionForm
from touchdose.web.models import MassageSession
from touchdose.web.views.dashboard import plan_words
from touchdose.web.views.pages import confirm_delete, page, saved, show_in_zone_of

#: Starting value of the minutes field when the engine has no plan yet (a common session length).
DEFAULT_MINUTES = 45


@login_required
def session_list(request: HttpRequest, client_id: int) -> HttpResponse:
    client, can_write = access.get_client_for_user(request.user, client_id)
    show_in_zone_of(client)
    rows = selectors.sessions_list(actor=request.user, client=client)
    context = {"client": client, "sessions": rows, "can_write": can_write}
    return page(request, "session_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def session_new(request: HttpRequest, client_id: int) -> HttpResponse:
    client, can_write = access.get_client_for_user(request.user, client_id)
    therapist = None if can_write else access.require_linked_therapist(request.user, client_id)[1]
    show_in_zone_of(client)
    form_class = SessionForm if can_write else TherapistSessionForm
    recommendation = _recommendation(request, client) if therapist else {}
    plan = recommendation["analysis"].plan if recommendation else None
    initial = {"start": timezone.localtime().replace(second=0, microsecond=0), "technique": ["swedish"],
               "pressure": (plan.pressure if plan else None) or client.preferred_pressure,
               "minutes": (plan.minutes if plan else None) or DEFAULT_MINUTES}  # fmt: skip
    form = form_class(request.POST or None, initial=initial)
    arguments = {"actor": request.user, "client": client, "therapist": therapist}
    if saved(request, form, "Session saved.", services.session_record, **arguments):
        return redirect("session_list", client_id=client.pk)
    context = {"form": form, "client": client, "editing": False, "by_therapist": therapist is not None}
    context.update(recommendation)
    return page(request, "session_form.html", context)


def _recommendation(request: HttpRequest, client: Any) -> dict[str, Any]:
    """The engine's plan for the next session (the form starts at its pressure and minutes)."""
    analysis = selectors.client_analysis(actor=request.user, client=client).analysis
    plan = analysis.plan
    return {
        "analysis": analysis,
        "plan": plan,
        "verdict": analysis.verdict,
        "plan_words": plan_words(plan),
        "avoid_labels": [AREA_LABELS.get(a, a) for a in plan.avoid_regions] if plan else [],
    }


def _edit_form(session: MassageSession, data: Any, *, by_therapist: bool) -> RecordForm:
    """The client edits all of a session they logged and only their ratings of a therapist's one;
    the therapist corrects what they did, never the client's ratings (the rule the service
    enforces: :func:`touchdose.web.services.session_fields_check`)."""
    initial = {name: getattr(session, name) for name in SESSION_FIELDS}
    initial["start"] = timezone.localtime(session.start)
    if by_therapist:
        return TherapistSessionForm(data, initial=initial)
    if session.therapist_id is None:
        return SessionForm(data, initial=initial)
    ratings = {name: getattr(session, name) for name in services.SESSION_RATINGS}
    return SessionRatingForm(data, initial=ratings)


@login_required
@require_http_methods(["GET", "POST"])
def session_edit(request: HttpRequest, session_id: int) -> HttpResponse:
    session = access.require_session_rw(request.user, session_id)
    show_in_zone_of(session.client)
    by_therapist = access.client_of(request.user) is None
    form = _edit_form(session, request.POST or None, by_therapist=by_therapist)
    if saved(request, form, "Session saved.", services.session_update, actor=request.user, session=session):
        return redirect("session_list", client_id=session.client_id)
    selectors.session_read(actor=request.user, session=session)  # the form shows what is stored
    context = {"form": form, "client": session.client, "editing": True, "obj": session}
    return page(request, "session_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def session_delete(request: HttpRequest, session_id: int) -> HttpResponse:
    session = access.require_session_rw(request.user, session_id)
    return confirm_delete(
        request, what="session", when=session.start, client=session.client, back="session_list",
        delete=lambda: services.session_delete(actor=request.user, session=session),
        shown=lambda: selectors.session_read(actor=request.user, session=session),
    )  # fmt: skip
