"""Accounts: sign up as a client or a therapist, delete the account (log in/out and passwords
use Django's own views with our templates, see ``urls.py``)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_http_methods

from touchdose.web import access, services, throttle
from touchdose.web.forms import NameForm, SignupForm
from touchdose.web.views.pages import page


class PasswordChange(auth_views.PasswordChangeView):
    """Django's password change, audited (issue 13, finding 6)."""

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        services.account_password_changed(user=form.user)
        return response


class PasswordResetConfirm(auth_views.PasswordResetConfirmView):
    """Django's new password from a reset link, audited as a password change."""

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        services.account_password_changed(user=form.user)
        return response


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("home")
    refused = throttle.refused(request, throttle.SIGNUP)
    if refused is not None:
        return refused
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        user = services.account_signup(
            username=data["username"],
            email=data.get("email") or "",
            password=data["password1"],
            role=data["role"],
            display_name=data.get("display_name") or "",
        )
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        if data["role"] == "client":
            messages.success(request, "Welcome. A few questions first, so the advice fits you.")
            return redirect("intake", client_id=user.client.pk)
        return redirect("home")
    return page(request, "signup.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def account(request: HttpRequest) -> HttpResponse:
    """The account page: the name others see, and the ways to the password, the data and deleting."""
    holder = access.client_of(request.user) or access.therapist_of(request.user)
    initial = {"display_name": holder.display_name if holder else ""}
    form = NameForm(request.POST or None, initial=initial) if holder else None
    if form is not None and request.method == "POST" and form.is_valid():
        try:
            services.account_name_save(actor=request.user, name=form.cleaned_data["display_name"])
        except ValueError as error:
            form.add_error("display_name", str(error))
        else:
            messages.success(request, "Saved.")
            return redirect("account")
    return page(request, "account.html", {"form": form})


class DeleteAccountForm(forms.Form):
    password = forms.CharField(label="Your password, to confirm", widget=forms.PasswordInput)


@login_required
@require_http_methods(["GET", "POST"])
def account_delete(request: HttpRequest) -> HttpResponse:
    form = DeleteAccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not request.user.check_password(form.cleaned_data["password"]):
            form.add_error("password", "That is not your password.")
        else:
            user = request.user
            logout(request)
            services.account_delete(user=user)
            return page(request, "account_deleted.html", {})
    return page(request, "account_delete.html", {"form": form})
