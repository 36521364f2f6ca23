"""Therapist pages: the caseload (who needs attention first), and linking a client with their code."""

from __future__ import annotations

from itertools import groupby
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_http_methods

from touchdose.analysis.caseload import TIER_HEADINGS
from touchdose.analysis.verdict import VERDICT_LABELS
from touchdose.records import PRESSURE_NAMES
from touchdose.web import access, selectors, services, throttle
from touchdose.web.forms import ShareRedeemForm
from touchdose.web.views.pages import page

#: How a flag of each tier looks (the .flag classes of app.css).
FLAG_CLASS = {"safety": "bad", "harm": "bad", "caution": "warn", "missing": "warn", "gathering": "neutral",
              "fine": "ok"}  # fmt: skip


@login_required
def therapist_home(request: HttpRequest) -> HttpResponse:
    """The caseload: every shared client, who needs attention first, from the cached results."""
    therapist = access.require_therapist_account(request.user)
    found = selectors.caseload(actor=request.user, therapist=therapist)
    groups = [
        {"tier": tier, "heading": TIER_HEADINGS[tier], "rows": [_row(r) for r in rows]}
        for tier, rows in groupby(found.rows, key=lambda r: r.attention.tier)
    ]
    counts = [(VERDICT_LABELS[state], n) for state, n in found.by_verdict.items()]
    context = {"groups": groups, "counts": counts, "total": len(found.rows), "therapist": therapist}
    return page(request, "therapist_home.html", context)


def _row(row: selectors.CaseloadRow) -> dict[str, Any]:
    analysis = row.results.analysis
    verdict, plan = analysis.verdict, analysis.plan
    return {
        "client": row.client,
        "last_session": row.attention.last_session,
        "flags": [{"words": f.words, "css": FLAG_CLASS[f.tier]} for f in row.attention.flags],
        "verdict": VERDICT_LABELS[verdict.state] if verdict is not None else None,
        "headline": verdict.headline if verdict is not None else None,
        "action": verdict.action if verdict is not None else None,
        "plan": plan,
        "safety": verdict.safety if verdict is not None else None,
        "pressure_name": PRESSURE_NAMES.get(plan.pressure) if plan and plan.pressure else None,
        "updating": row.updating,
    }


@login_required
@require_http_methods(["GET", "POST"])
def link_client(request: HttpRequest) -> HttpResponse:
    therapist = access.require_therapist_account(request.user)
    form = ShareRedeemForm(request.POST or None)
    key = throttle.share_code_key(therapist.pk)  # guessing codes is rate limited like logins
    if request.method == "POST" and form.is_valid():
        if not throttle.allowed(request, key):
            form.add_error("code", throttle.refusal())
            return page(request, "link_client.html", {"form": form}, status=429)
        try:
            share = services.share_code_redeem(
                actor=request.user, therapist=therapist, code=form.cleaned_data["code"]
            )
        except services.ShareCodeInvalid as error:
            throttle.count(request, key)
            form.add_error("code", str(error))
        else:
            messages.success(request, "Linked. You can now see this client's records.")
            return redirect("dashboard", client_id=share.client_id)
    return page(request, "link_client.html", {"form": form})
