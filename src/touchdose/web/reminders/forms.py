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


class IntakeReminderForm(ReminderForm):
    """The intake's short reminders section: the same choices as the Reminders page (which keeps
    them all), every one unticked until the client ticks it, and whether to make the private
    calendar link now. Its fields carry the prefix ``reminders-`` beside the intake's own."""

    prefix = "reminders"
    calendar = forms.BooleanField(
        label="Put my follow-ups in my phone's calendar (a private link, shown once after saving)",
        required=False,
    )

    def __init__(self, *args: Any, feed_on: bool = False, chosen_before: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.chosen_before = chosen_before
        if feed_on:
            del self.fields["calendar"]  # the link exists; the Reminders page makes a new one

    def save_arguments(self, *, timezone_changed: bool) -> dict[str, Any]:
        """What the intake's service saves of this section (read only once the form is valid):
        no choices when the client left the section as it was (nothing is created, so reminders
        stay off), except that a new time zone plans chosen reminders again at the new local times."""
        if not self.is_bound or not self.is_valid():
            return {"reminder_choices": None, "email": None}
        changed = [name for name in self.changed_data if name != "calendar"]
        if not changed and not (timezone_changed and self.chosen_before):
            return {"reminder_choices": None, "email": None}
        return {"reminder_choices": self.choices(), "email": self.cleaned_data.get("email")}

    def wants_calendar(self) -> bool:
        return self.is_bound and self.is_valid() and bool(self.cleaned_data.get("calendar"))
