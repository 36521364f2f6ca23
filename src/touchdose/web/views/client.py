"""Client pages: home, check-in, history, sessions, dashboard, intake, sharing, export."""

from __future__ import annotations

import contextlib
import json
from datetime import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from touchdose.records import AREA_LABELS, RecordError
from touchdose.web import access, selectors, services
from touchdose.web.forms import CONDITION_CHOICES, CheckInForm, IntakeForm
from touchdose.web.models import Client
from touchdose.web.views._common import page, show_in_zone_of
from touchdose.web.views.dashboard import dashboard_context

CONDITION_WORDS = dict(CONDITION_CHOICES)
#: The audit trail in plain words (audit.Action values).
ACTION_WORDS = {
    "dashboard_viewed": "looked at the results", "checkins_viewed": "looked at the diary",
    "sessions_viewed": "looked at the sessions", "client_listed": "saw you in their client list",
    "intake_viewed": "looked at the intake answers", "exported": "downloaded the data",
    "audit_viewed": "looked at this list", "account_created": "created the account",
    "intake_saved": "saved the intake answers", "checkin_recorded": "added a check-in",
    "checkin_updated": "changed a check-in", "checkin_deleted": "deleted a check-in",
    "session_recorded": "added a session", "session_updated": "changed a session",
    "session_deleted": "deleted a session", "share_code_created": "made a sharing code",
    "share_granted": "was given access", "share_revoked": "access was removed",
    "account_deleted": "deleted the account", "imported": "imported a file",
    "report_downloaded": "downloaded the report",
}  # fmt: skip
INTAKE_FIELDS = (
    "timezone", "conditions", "sensitivity", "preferred_pressure", "max_pressure", "avoid_regions",
    "personal_factors", "goals",
)  # fmt: skip
PREFILL = ("pain", "fatigue", "sleep_hours", "sleep_quality", "mood", "rescue_doses", "activity_minutes")


def client_home(request: HttpRequest, client: Client) -> HttpResponse:
    show_in_zone_of(client)
    context = {
        "client": client,
        "followups": selectors.followups_due(client=client),
        "today_done": client.checkins.filter(time__date=timezone.localdate()).exists(),
    }
    return page(request, "client_home.html", context)


@login_required
def dashboard(request: HttpRequest, client_id: int) -> HttpResponse:
    client, can_write = access.get_client_for_user(request.user, client_id)
    show_in_zone_of(client)
    context = dashboard_context(actor=request.user, client=client)
    context.update(
        client=client,
        can_write=can_write,
        is_therapist=access.therapist_of(request.user) is not None,
        conditions=[CONDITION_WORDS.get(c, c) for c in client.conditions],
        avoid_areas=[AREA_LABELS.get(a, a) for a in client.avoid_regions],
    )
    return page(request, "dashboard.html", context)


def _initial_checkin(client: Client, at: str | None) -> dict[str, Any]:
    """Yesterday's answers, so a same-as-yesterday day is one tap; the time is now (or a follow-up's)."""
    last = selectors.latest_checkin(client=client)
    initial: dict[str, Any] = {name: getattr(last, name) for name in PREFILL} if last else {}
    initial["time"] = timezone.localtime()
    if at:
        with contextlib.suppress(ValueError):  # a mangled link: fall back to now
            initial["time"] = timezone.localtime(datetime.fromisoformat(at))
    return initial


@login_required
@require_http_methods(["GET", "POST"])
def checkin_new(request: HttpRequest, client_id: int) -> HttpResponse:
    client = access.require_client_rw(request.user, client_id)
    show_in_zone_of(client)
    form = CheckInForm(request.POST or None, initial=_initial_checkin(client, request.GET.get("at")))
    if request.method == "POST" and form.is_valid():
        try:
            services.checkin_record(actor=request.user, client=client, **form.cleaned_data)
        except RecordError as error:
            form.add_record_error(error)
        else:
            messages.success(request, "Saved. Thank you.")
            return redirect("home")
    return page(request, "checkin_form.html", {"form": form, "client": client, "editing": False})


@login_required
def checkin_list(request: HttpRequest, client_id: int) -> HttpResponse:
    client, can_write = access.get_client_for_user(request.user, client_id)
    show_in_zone_of(client)
    rows = selectors.checkins_list(actor=request.user, client=client)[:400]
    return page(request, "checkin_list.html", {"client": client, "checkins": rows, "can_write": can_write})


@login_required
@require_http_methods(["GET", "POST"])
def checkin_edit(request: HttpRequest, checkin_id: int) -> HttpResponse:
    checkin = access.require_checkin_rw(request.user, checkin_id)
    client = checkin.client
    show_in_zone_of(client)
    initial = {name: getattr(checkin, name) for name in services.CHECKIN_FIELDS}
    initial["time"] = timezone.localtime(checkin.time)
    form = CheckInForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.checkin_update(actor=request.user, checkin=checkin, **form.cleaned_data)
        except RecordError as error:
            form.add_record_error(error)
        else:
            messages.success(request, "Check-in changed.")
            return redirect("checkin_list", client_id=client.pk)
    return page(
        request, "checkin_form.html", {"form": form, "client": client, "editing": True, "obj": checkin}
    )


@login_required
@require_http_methods(["GET", "POST"])
def checkin_delete(request: HttpRequest, checkin_id: int) -> HttpResponse:
    checkin = access.require_checkin_rw(request.user, checkin_id)
    client = checkin.client
    if request.method == "POST":
        services.checkin_delete(actor=request.user, checkin=checkin)
        messages.success(request, "Check-in deleted.")
        return redirect("checkin_list", client_id=client.pk)
    show_in_zone_of(client)
    return page(request, "confirm_delete.html", {"what": "check-in", "when": checkin.time, "client": client})


@login_required
@require_http_methods(["GET", "POST"])
def intake(request: HttpRequest, client_id: int) -> HttpResponse:
    client = access.require_client_rw(request.user, client_id)
    form = IntakeForm(request.POST or None, initial=_intake_initial(client))
    if request.method == "POST" and form.is_valid():
        try:
            services.client_intake_save(
                actor=request.user, client=client, **_intake_fields(form.cleaned_data)
            )
        except RecordError as error:
            form.add_record_error(error)
        else:
            messages.success(request, "Saved.")
            return redirect("home")
    return page(request, "intake.html", {"form": form, "client": client})


def _intake_initial(client: Client) -> dict[str, Any]:
    initial: dict[str, Any] = {name: getattr(client, name) for name in INTAKE_FIELDS}
    acr = client.acr2016 or {}
    initial.update(acr)
    if acr.get("symptoms_3_months") is not None:
        initial["symptoms_3_months"] = "yes" if acr["symptoms_3_months"] else "no"
    for i, item in enumerate(client.fiqr or [], start=1):
        initial[f"fiqr_{i}"] = item
    return initial


def _intake_fields(data: dict[str, Any]) -> dict[str, Any]:
    from touchdose.web.forms import ACR_SYMPTOMS, FIQR_ITEMS

    acr = {name: data[name] for name in ACR_SYMPTOMS}
    acr["wpi_regions"] = list(data["wpi_regions"])
    acr["symptoms_3_months"] = data["symptoms_3_months"]
    answered = any(v not in (None, []) for v in acr.values())
    fiqr = [data[f"fiqr_{i}"] for i in range(1, FIQR_ITEMS + 1)]
    return {
        "timezone": data["timezone"],
        "conditions": list(data["conditions"]),
        "sensitivity": data["sensitivity"],
        "preferred_pressure": data["preferred_pressure"],
        "max_pressure": data["max_pressure"],
        "avoid_regions": list(data["avoid_regions"]),
        "personal_factors": data["personal_factors"],
        "goals": data["goals"],
        "acr2016": acr if answered else None,
        "fiqr": fiqr if any(v is not None for v in fiqr) else None,
    }


@login_required
@require_http_methods(["GET", "POST"])
def sharing(request: HttpRequest, client_id: int) -> HttpResponse:
    client = access.require_client_rw(request.user, client_id)
    show_in_zone_of(client)
    code = None
    if request.method == "POST":
        code = services.share_code_create(actor=request.user, client=client)
    context = {"client": client, "shares": selectors.active_shares(client=client), "code": code}
    return page(request, "sharing.html", context)


@login_required
@require_POST
def share_revoke(request: HttpRequest, client_id: int, share_id: int) -> HttpResponse:
    client = access.require_client_rw(request.user, client_id)
    services.share_revoke(actor=request.user, client=client, share_id=share_id)
    messages.success(request, "Access removed. They can no longer see your records.")
    return redirect("sharing", client_id=client.pk)


@login_required
def export(request: HttpRequest, client_id: int) -> HttpResponse:
    client = access.require_client_rw(request.user, client_id)
    data = services.client_export(actor=request.user, client=client)
    response = HttpResponse(json.dumps(data, indent=2, ensure_ascii=False), content_type="application/json")
    response["Content-Disposition"] = 'attachment; filename="touchdose-export.json"'
    return response


@login_required
def audit_log(request: HttpRequest, client_id: int) -> HttpResponse:
    client = access.require_client_rw(request.user, client_id)
    show_in_zone_of(client)
    events = [
        (event, ACTION_WORDS.get(event.action, event.action))
        for event in selectors.audit_events(client=client)
    ]
    return page(request, "audit.html", {"client": client, "events": events})
