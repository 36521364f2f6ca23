"""Client pages: dashboard, check-in, diary, intake, sharing, export, the audit trail."""

from __future__ import annotations

import json
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from touchdose.analysis.diary import covered_date
from touchdose.records import AREA_LABELS, CONTRAINDICATION_LABELS
from touchdose.web import access, audit, selectors, services
from touchdose.web.convert import CHECKIN_FIELDS
from touchdose.web.forms import CONDITION_CHOICES, CheckInForm, IntakeForm, answers_in_words, link_time
from touchdose.web.views.dashboard import dashboard_context
from touchdose.web.views.pages import confirm_delete, page, paged, saved, show_in_zone_of
from touchdose.web.views.reminders import intake_reminder_form, show_calendar_link_once

CONDITION_WORDS = dict(CONDITION_CHOICES)
#: The check-in's fields under "More": open when a stored entry has any of them, so nothing is hidden.
OPTIONAL_SHOWN = ("fatigue", "sleep_hours", "sleep_quality", "mood", "flare", "rescue_doses",
                  "activity_minutes", "note")  # fmt: skip


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
        contraindications=[CONTRAINDICATION_LABELS.get(c, c) for c in client.contraindications],
    )
    return page(request, "dashboard.html", context)


def _initial_checkin(at: str | None) -> dict[str, Any]:
    """Only the time (now, or a link's): every answer starts empty, so nothing is saved that the
    client did not give (issue 10: copied answers fed the comparisons invented values)."""
    linked = link_time(at)  # a mangled or out-of-range link: fall back to now
    return {"time": timezone.localtime(linked) if linked else timezone.localtime()}


@login_required
@require_http_methods(["GET", "POST"])
def checkin_new(request: HttpRequest, client_id: int) -> HttpResponse:
    client = access.require_client_rw(request.user, client_id)
    show_in_zone_of(client)
    if request.method == "POST" and "same_as" in request.POST:
        return _checkin_repeat(request, request.POST["same_as"])
    form = CheckInForm(request.POST or None, initial=_initial_checkin(request.GET.get("at")))
    if saved(request, form, "Saved. Thank you.", services.checkin_record, actor=request.user, client=client):
        return redirect("home")
    last = selectors.latest_checkin(actor=request.user, client=client)
    same = answers_in_words(services.checkin_repeated_values(last)) if last else ""
    context = {"form": form, "client": client, "editing": False, "last": last, "same": same}
    return page(request, "checkin_form.html", context)


def _checkin_repeat(request: HttpRequest, source_id: str) -> HttpResponse:
    """ "Same as last time": a new check-in now with the answers the button listed."""
    if not source_id.isdigit():
        raise Http404("No such check-in")
    source = access.require_checkin_rw(request.user, int(source_id))
    services.checkin_repeat(actor=request.user, source=source, time=timezone.now())
    messages.success(request, "Saved. Thank you.")
    return redirect("home")


@login_required
def checkin_list(request: HttpRequest, client_id: int) -> HttpResponse:
    client, can_write = access.get_client_for_user(request.user, client_id)
    show_in_zone_of(client)
    found = paged(request, selectors.checkins_list(actor=request.user, client=client))
    zone = ZoneInfo(client.timezone)
    rows = [(c, covered_date(c.time, zone)) for c in found]  # the day each entry describes
    context = {"client": client, "checkins": rows, "page_of": found, "can_write": can_write}
    return page(request, "checkin_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def checkin_edit(request: HttpRequest, checkin_id: int) -> HttpResponse:
    checkin = access.require_checkin_rw(request.user, checkin_id)
    client = checkin.client
    show_in_zone_of(client)
    initial = {name: getattr(checkin, name) for name in CHECKIN_FIELDS}
    initial["time"] = timezone.localtime(checkin.time)
    form = CheckInForm(request.POST or None, initial=initial)
    arguments = {"actor": request.user, "checkin": checkin}
    if saved(request, form, "Check-in changed.", services.checkin_update, **arguments):
        return redirect("checkin_list", client_id=client.pk)
    selectors.checkin_read(actor=request.user, checkin=checkin)  # the form shows the stored answers
    more_open = any(initial.get(name) not in (None, "", False) for name in OPTIONAL_SHOWN)
    context = {"form": form, "client": client, "editing": True, "obj": checkin, "more_open": more_open}
    return page(request, "checkin_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def checkin_delete(request: HttpRequest, checkin_id: int) -> HttpResponse:
    checkin = access.require_checkin_rw(request.user, checkin_id)
    return confirm_delete(
        request, what="check-in", when=checkin.time, client=checkin.client, back="checkin_list",
        delete=lambda: services.checkin_delete(actor=request.user, checkin=checkin),
        shown=lambda: selectors.checkin_read(actor=request.user, checkin=checkin),
    )  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def intake(request: HttpRequest, client_id: int) -> HttpResponse:
    client = access.require_client_rw(request.user, client_id)
    form = IntakeForm(request.POST or None, initial=IntakeForm.initial_of(client))
    reminder_form = intake_reminder_form(request, client)
    reminders = reminder_form.save_arguments(timezone_changed="timezone" in form.changed_data)
    save = services.intake_and_reminders_save
    if (not reminder_form.is_bound or reminder_form.is_valid()) and saved(
        request, form, "Saved.", save, actor=request.user, client=client, **reminders
    ):
        if reminder_form.wants_calendar():
            show_calendar_link_once(request, client)
            return redirect("reminder_settings")
        return redirect("home")
    selectors.intake_read(actor=request.user, client=client)  # the form shows the stored answers
    return page(request, "intake.html", {"form": form, "client": client, "reminder_form": reminder_form})


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
    data = selectors.client_export(actor=request.user, client=client)
    response = HttpResponse(json.dumps(data, indent=2, ensure_ascii=False), content_type="application/json")
    response["Content-Disposition"] = 'attachment; filename="touchdose-export.json"'
    return response


@login_required
def audit_log(request: HttpRequest, client_id: int) -> HttpResponse:
    client = access.require_client_rw(request.user, client_id)
    show_in_zone_of(client)
    found = paged(request, selectors.audit_trail(actor=request.user, client=client))
    groups = audit.lines_of(found, viewer=request.user)
    return page(request, "audit.html", {"client": client, "groups": groups, "page_of": found})
