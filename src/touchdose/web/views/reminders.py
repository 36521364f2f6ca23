"""The client's reminders page, the one-click unsubscribe link and the private calendar feed."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from touchdose.web import access
from touchdose.web.models import Client
from touchdose.web.reminders import calendar, links, selectors, services
from touchdose.web.reminders.forms import IntakeReminderForm, ReminderForm
from touchdose.web.reminders.mail import GROUP_WORDS
from touchdose.web.views.pages import page, show_in_zone_of


@login_required
@require_http_methods(["GET", "POST"])
def reminder_settings(request: HttpRequest) -> HttpResponse:
    client = access.require_client_account(request.user)
    show_in_zone_of(client)
    prefs = selectors.settings_of(client)
    form = ReminderForm(request.POST or None, initial=ReminderForm.initial_of(prefs, client.user.email))
    if request.method == "POST" and form.is_valid():
        services.choices_save(
            actor=request.user, client=client, choices=form.choices(), email=form.cleaned_data["email"]
        )
        messages.success(request, "Saved. Reminders follow your choices from now on.")
        return redirect("reminder_settings")
    context = {
        "client": client, "form": form, "prefs": prefs, "chosen": prefs is not None and prefs.chosen_at,
        "feed_on": prefs is not None and prefs.feed_token_hash is not None,
        "feed_link": request.session.pop("calendar_link", None),
    }  # fmt: skip
    return page(request, "reminders.html", context)


@login_required
@require_POST
def calendar_link_reset(request: HttpRequest) -> HttpResponse:
    """A new secret calendar address; the old one stops working at once."""
    client = access.require_client_account(request.user)
    show_calendar_link_once(request, client)
    return redirect("reminder_settings")


def show_calendar_link_once(request: HttpRequest, client: Client) -> None:
    """Make a new calendar link (the old one stops) and keep it for the Reminders page to show once
    (in the server-side session, never in a URL or a log)."""
    raw = services.feed_token_reset(actor=request.user, client=client)
    request.session["calendar_link"] = {
        "https": links.calendar_link(raw),
        "webcal": links.calendar_subscribe_link(raw),
    }


def intake_reminder_form(request: HttpRequest, client: Client) -> IntakeReminderForm:
    """The intake's reminders section, filled with the client's current choices (none: all off).
    A POST without the section (an older page, a script) leaves the reminders as they are."""
    prefs = selectors.settings_of(client)
    posted = any(key.startswith(IntakeReminderForm.prefix + "-") for key in request.POST)
    return IntakeReminderForm(
        request.POST if posted else None,
        initial=IntakeReminderForm.initial_of(prefs, client.user.email),
        feed_on=prefs is not None and prefs.feed_token_hash is not None,
        chosen_before=prefs is not None and prefs.chosen_at is not None,
    )


@login_required
@require_POST
def calendar_link_remove(request: HttpRequest) -> HttpResponse:
    client = access.require_client_account(request.user)
    services.feed_token_remove(actor=request.user, client=client)
    messages.success(request, "The calendar link is off. Calendars that had it show nothing new.")
    return redirect("reminder_settings")


@csrf_exempt  # RFC 8058: a mail app POSTs here with no cookie; the signed token is the authority
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET asks (link checkers in mail systems open links, so a GET changes nothing); one click on
    its button, or a mail app's one-click POST, stops those e-mails. No login needed."""
    found = links.unsubscribe_read(token)
    if found is None or found[1] not in GROUP_WORDS:
        raise Http404("Not found")
    client_id, group = found
    done = request.method == "POST" and services.unsubscribe(client_id=client_id, group=group)
    if request.method == "POST" and not done:
        raise Http404("Not found")  # the account is gone
    return page(request, "unsubscribe.html", {"what": GROUP_WORDS[group], "done": done})


@require_GET
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The client's private calendar: 404 for any token that is not the current one."""
    prefs = selectors.settings_by_feed_token(token)
    if prefs is None:
        raise Http404("Not found")
    now = timezone.now()
    services.feed_read_note(prefs=prefs, now=now)
    events = selectors.calendar_events(client=prefs.client, now=now)
    body = calendar.calendar_bytes(client_id=prefs.client_id, events=events, now=now, host=request.get_host())
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="touchdose.ics"'
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response
