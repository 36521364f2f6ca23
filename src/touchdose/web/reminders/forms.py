"""The reminders page's form: which e-mails, the check-in time, the quiet hours."""

from __future__ import annotations

from datetime import time
from typing import Any

from django import forms

from touchdose.web.models import ReminderSettings
from touchdose.web.reminders.schedule import QUIET_MAX_HOURS
from touchdose.web.reminders.services import Choices


def _clock(label: str, help_text: str = "") -> forms.TimeField:
    return forms.TimeField(
        label=label, required=False, help_text=help_text,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"), input_formats=["%H:%M", "%H:%M:%S"],
    )  # fmt: skip


class ReminderForm(forms.Form):
    email = forms.EmailField(label="E-mail address for reminders", required=False)
    email_followups = forms.BooleanField(
        label="A day and two days after each massage: a one-minute follow-up", required=False
    )
    email_rating = forms.BooleanField(
        label="When your therapist logged a session: a reminder to rate it", required=False
    )
    email_checkin = forms.BooleanField(label="Every day: a reminder to check in", required=False)
    checkin_time = _clock("Check-in reminder at")
    quiet_start = _clock("No e-mails from", f"At most {QUIET_MAX_HOURS} hours; leave both empty for none.")
    quiet_end = _clock("until")

    @staticmethod
    def initial_of(prefs: ReminderSettings | None, email: str) -> dict[str, Any]:
        initial: dict[str, Any] = {"email": email, "checkin_time": time(20, 0)}
        initial.update(quiet_start=time(21, 0), quiet_end=time(8, 0))  # a suggestion, saved only if kept
        if prefs is not None and prefs.chosen_at is not None:
            initial.update({name: getattr(prefs, name) for name in vars(Choices())})
        return initial

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        wanted = any(data.get(name) for name in ("email_followups", "email_rating", "email_checkin"))
        if wanted and not data.get("email"):
            self.add_error("email", "Give the address the reminders should go to.")
        try:
            self.choices()
        except ValueError as error:
            self.add_error(None, str(error).removeprefix("reminders: "))
        return data

    def choices(self) -> Choices:
        data = self.cleaned_data
        return Choices(**{name: data.get(name) or (False if name.startswith("email_") else None)
                          for name in vars(Choices())})  # fmt: skip
