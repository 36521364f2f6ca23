"""Therapist pages: the client list with flags, and linking a client with their code."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_http_methods

from touchdose.analysis.verdict import VERDICT_LABELS
from touchdose.web import access, selectors, services
from touchdose.web.forms import ShareRedeemForm
from touchdose.web.views.pages import page


@login_required
def therapist_home(request: HttpRequest) -> HttpResponse:
    therapist = access.require_therapist_account(request.user)
    rows = [
        {"row": row, "verdict": VERDICT_LABELS.get(row.verdict or "", "–")}
        for row in selectors.therapist_client_rows(actor=request.user, therapist=therapist)
    ]
    return page(request, "therapist_home.html", {"rows": rows, "therapist": therapist})


@login_required
@require_http_methods(["GET", "POST"])
def link_client(request: HttpRequest) -> HttpResponse:
    therapist = access.require_therapist_account(request.user)
    form = ShareRedeemForm(request.POST or None)
    throttle = f"share-code:{therapist.pk}"  # guessing codes is rate limited like logins
    if request.method == "POST" and form.is_valid():
        if services.login_is_locked(username=throttle, address=None):
            form.add_error("code", "Too many wrong codes. Please wait a while and try again.")
            return page(request, "link_client.html", {"form": form}, status=429)
        try:
            share = services.share_code_redeem(
                actor=request.user, therapist=therapist, code=form.cleaned_data["code"]
            )
        except services.ShareCodeInvalid as error:
            services.login_failure_record(username=throttle, address=None)
            form.add_error("code", str(error))
        else:
            messages.success(request, "Linked. You can now see this client's records.")
            return redirect("dashboard", client_id=share.client_id)
    return page(request, "link_client.html", {"form": form})
