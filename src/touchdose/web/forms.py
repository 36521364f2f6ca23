"""Forms. Field ranges and vocabularies come from :mod:`touchdose.records`; the services check the
full record rules again (one set of rules), and their problems come back here as field errors."""

from __future__ import annotations

from datetime import datetime, timedelta
from importlib import resources
from typing import Any, ClassVar
from zoneinfo import available_timezones

from django import forms
from django.contrib.auth.forms import UserCreationForm
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.utils import timezone

from touchdose.records import (
    ACR_SYMPTOM_ITEMS,
    ADVERSE_EVENTS,
    AREA_LABELS,
    AREAS,
    CONDITIONS,
    CONTRAINDICATION_LABELS,
    FIQR_ITEMS,
    MINUTES_MAX,
    NRS_MAX,
    NRS_MIN,
    PRESSURE_NAMES,
    RED_FLAG_LABELS,
    SENSITIVITIES,
    SLEEP_HOURS_MAX,
    TECHNIQUES,
    YEAR_MAX,
    YEAR_MIN,
    RecordError,
)
from touchdose.text import words
from touchdose.web import services
from touchdose.web.models import DISPLAY_NAME_MAX, Client

#: A check-in or session may be dated a little ahead (clock skew), never further.
FUTURE_SLACK = timedelta(minutes=10)


def canonical_zones() -> list[str]:
    """The time zones a person picks from: the tz database's own zones, at least one per country
    (its ``zone.tab``), and UTC. About 420 names instead of the ~600 of ``available_timezones()``,
    which adds the deprecated aliases (``US/Eastern``, ``Etc/GMT+5``, ``Europe/Kiev``, ...)."""
    text = (resources.files("tzdata") / "zoneinfo" / "zone.tab").read_text(encoding="utf-8")
    listed = {line.split("\t")[2] for line in text.splitlines() if line and not line.startswith("#")}
    return sorted((listed & available_timezones()) | {"UTC"})


ZONES = canonical_zones()
#: The client's own report of touch sensitivity (records.SENSITIVITIES), used by the titration
#: when no ACR 2016 or FIQR score decides it (docs/formats.md "sensitivity").
SENSITIVITY_WORDS = {
    "low": "I like firm pressure",
    "typical": "Moderate pressure is comfortable",
    "high": "Even light touch can hurt",
}
SENSITIVITY_CHOICES = [(name, SENSITIVITY_WORDS[name]) for name in SENSITIVITIES]  # KeyError if one is new
TIME_FORMAT = "%Y-%m-%dT%H:%M"


def scale_field(
    label: str, *, required: bool = False, low: int = NRS_MIN, high: int = NRS_MAX
) -> forms.Field:
    """A 0-10 rating as large radio buttons (one tap, keyboard-friendly arrow keys)."""
    return forms.TypedChoiceField(
        label=label,
        choices=[(n, str(n)) for n in range(low, high + 1)],
        coerce=int,
        empty_value=None,
        required=required,
        widget=forms.RadioSelect,
    )


def pressure_field(label: str, *, required: bool = True) -> forms.Field:
    return forms.TypedChoiceField(
        label=label,
        choices=[(n, f"{n} {name}") for n, name in PRESSURE_NAMES.items()],
        coerce=int,
        empty_value=None,
        required=required,
        widget=forms.RadioSelect,
    )


def multi(label: str, choices: list[tuple[str, str]], *, required: bool = False) -> forms.Field:
    return forms.MultipleChoiceField(
        label=label, choices=choices, required=required, widget=forms.CheckboxSelectMultiple
    )


AREA_CHOICES = [(a, AREA_LABELS[a]) for a in AREAS]
TECHNIQUE_CHOICES = [(t, words(t)) for t in TECHNIQUES]
ADVERSE_CHOICES = [(a, words(a)) for a in ADVERSE_EVENTS]
CONDITION_CHOICES = [(c, words(c)) for c in CONDITIONS]
#: The intake's safety checklist and the check-in's "anything new?" list, in the words of
#: records.py (docs/safety.md says what each answer does).
CONTRAINDICATION_CHOICES = list(CONTRAINDICATION_LABELS.items())
RED_FLAG_CHOICES = list(RED_FLAG_LABELS.items())
#: The check-in's question (its summary on the page) and the list's legend.
RED_FLAG_QUESTION = "Anything new or unusual?"
RED_FLAG_LEGEND = "New for you since your last check-in"


def red_flags_field() -> forms.Field:
    """The check-in's one optional safety question (docs/safety.md "Red flags at check-in")."""
    return multi(RED_FLAG_LEGEND, RED_FLAG_CHOICES)


class TimeField(forms.DateTimeField):
    """A local date and time in the years every record allows (:data:`touchdose.records.YEAR_MIN` to
    ``YEAR_MAX``): year 1 or 9999 in a zone with an offset cannot even be moved to UTC."""

    def to_python(self, value: Any) -> datetime | None:
        try:
            result: datetime | None = super().to_python(value)
        except OverflowError:
            result = datetime.min
        if result is not None and not YEAR_MIN <= result.year <= YEAR_MAX:
            raise ValidationError(f"Pick a time in the years {YEAR_MIN}-{YEAR_MAX}.", code="year")
        return result


def link_time(text: str | None) -> datetime | None:
    """A time carried in a link (``?at=``, ISO 8601), or None when it is missing, mangled or out of
    the allowed years (the page then starts at now)."""
    try:
        found = datetime.fromisoformat(text or "")
    except ValueError:
        return None
    if not YEAR_MIN <= found.year <= YEAR_MAX:
        return None
    return found if found.tzinfo is not None else timezone.make_aware(found)


def time_field(label: str) -> forms.DateTimeField:
    return TimeField(
        label=label,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=TIME_FORMAT),
        input_formats=[TIME_FORMAT, "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
    )


class RecordForm(forms.Form):
    """A form whose cleaned data is saved by a service; record problems become field errors."""

    def add_record_error(self, error: RecordError) -> None:
        for problem in error.problems:
            name = problem.field.split("[")[0]
            message = f"{problem.value!r} is not allowed here (allowed: {problem.allowed})"
            self.add_error(name if name in self.fields else None, message)

    def fields_to_save(self) -> dict[str, Any]:
        """The cleaned data as the service takes it (call after ``is_valid``)."""
        return self.cleaned_data

    def clean_time_not_future(self, name: str) -> Any:
        value = self.cleaned_data.get(name)
        if value is not None and value > timezone.now() + FUTURE_SLACK:
            raise ValidationError("This time is in the future. Pick the time it happened.")
        return value


class CheckInForm(RecordForm):
    pain = scale_field("Pain, on average over the last 24 hours", required=True)
    time = time_field("When")
    fatigue = scale_field("Tiredness")
    sleep_hours = forms.FloatField(
        label="Hours slept last night",
        min_value=0,
        max_value=SLEEP_HOURS_MAX,
        required=False,
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
    )
    sleep_quality = scale_field("How well you slept")
    mood = scale_field("Mood")
    flare = forms.BooleanField(label="I am having a flare", required=False)
    rescue_doses = forms.IntegerField(
        label="Extra pain medicine doses", min_value=0, max_value=50, required=False
    )
    activity_minutes = forms.IntegerField(
        label="Minutes of activity", min_value=0, max_value=1440, required=False
    )
    note = forms.CharField(label="Note (optional)", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    red_flags = red_flags_field()
    red_flag_question: ClassVar[str] = RED_FLAG_QUESTION

    def clean_time(self) -> Any:
        return self.clean_time_not_future("time")


#: Short words for a check-in's answers, for a one-line summary ("pain 5, slept 5.25 h").
CHECKIN_SHORT_WORDS = {"pain": "pain {}", "fatigue": "tiredness {}", "sleep_hours": "slept {} h",
                       "sleep_quality": "sleep quality {}", "mood": "mood {}"}  # fmt: skip


def answers_in_words(values: dict[str, Any]) -> str:
    """``{"pain": 5, "sleep_hours": 5.25}`` -> "pain 5, slept 5.25 h" (exactly the values given)."""
    return ", ".join(CHECKIN_SHORT_WORDS[name].format(f"{value:g}") for name, value in values.items())


class FollowUpForm(RecordForm):
    """The short follow-up a day or two after a massage: the pain of the last 24 hours (the question
    the daily check-in asks, the one the engine reads) and whether a flare came. Timed when sent."""

    pain = scale_field("Your pain over the last 24 hours, on average", required=True)
    flare = forms.BooleanField(label="I am having a flare", required=False)
    red_flags = red_flags_field()
    red_flag_question: ClassVar[str] = RED_FLAG_QUESTION


class SessionForm(RecordForm):
    """Everything about a session; the client logs it this way when no therapist did."""

    start = time_field("When the massage started")
    pressure = pressure_field("Pressure")
    minutes = forms.IntegerField(label="Minutes", min_value=1, max_value=MINUTES_MAX)
    technique = multi("Technique", TECHNIQUE_CHOICES, required=True)
    regions = multi("Areas massaged", AREA_CHOICES)
    pain_before = scale_field("Pain just before")
    pain_during_max = scale_field("Worst pain during")
    pain_after = scale_field("Pain just after")
    relaxation_after = scale_field("How relaxed just after")
    adverse = multi("Anything unwanted afterwards", ADVERSE_CHOICES)
    note = forms.CharField(label="Notes", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def clean_start(self) -> Any:
        return self.clean_time_not_future("start")


class TherapistSessionForm(SessionForm):
    """What the therapist did; the client rates it themselves."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in services.SESSION_RATINGS:
            del self.fields[name]


class SessionRatingForm(RecordForm):
    """The client's own ratings of a session the therapist logged."""

    pain_before = scale_field("Pain just before")
    pain_during_max = scale_field("Worst pain during")
    pain_after = scale_field("Pain just after")
    relaxation_after = scale_field("How relaxed just after")
    adverse = multi("Anything unwanted afterwards", ADVERSE_CHOICES)


class ShareRedeemForm(forms.Form):
    code = forms.CharField(label="Code from your client", max_length=20)


class IntakeForm(RecordForm):
    timezone = forms.ChoiceField(
        label="Your time zone",
        choices=[(z, z) for z in ZONES],
        widget=forms.Select(attrs={"data-guess-zone": ""}),
    )
    conditions = multi("What you live with", CONDITION_CHOICES)
    wpi_regions = multi("Where you had pain in the past week", AREA_CHOICES)
    fatigue = scale_field("Fatigue (past week)", high=3)
    waking_unrefreshed = scale_field("Waking up tired, unrefreshed (past week)", high=3)
    cognitive = scale_field("Trouble thinking or remembering (past week)", high=3)
    headaches = scale_field("Headaches (past 6 months): 0 no, 1 yes", high=1)
    lower_abdominal_pain = scale_field(
        "Pain or cramps in the lower belly (past 6 months): 0 no, 1 yes", high=1
    )
    depression = scale_field("Depression (past 6 months): 0 no, 1 yes", high=1)
    symptoms_3_months = forms.TypedChoiceField(
        label="Have these symptoms been there for at least 3 months?",
        choices=[("", "Not sure"), ("yes", "Yes"), ("no", "No")],
        coerce=lambda v: v == "yes",
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
    )
    sensitivity = forms.ChoiceField(
        label="How does touch usually feel to you?",
        choices=[("", "Not sure"), *SENSITIVITY_CHOICES],
        required=False,
        widget=forms.RadioSelect,
    )
    preferred_pressure = pressure_field("Pressure you prefer", required=False)
    max_pressure = pressure_field("Most pressure you are willing to try", required=False)
    avoid_regions = multi("Areas that must not be massaged", AREA_CHOICES)
    contraindications = multi("Does any of these apply to you now?", CONTRAINDICATION_CHOICES)
    personal_factors = forms.CharField(label="Anything your therapist should know", required=False,
                                       widget=forms.Textarea(attrs={"rows": 3}))  # fmt: skip
    goals = forms.CharField(label="What you hope massage will do for you", required=False,
                            widget=forms.Textarea(attrs={"rows": 3}))  # fmt: skip

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for i in range(1, FIQR_ITEMS + 1):
            self.fields[f"fiqr_{i}"] = scale_field(FIQR_LABELS[i - 1])
        stored = self.initial.get("timezone")
        if stored and stored not in ZONES and stored in available_timezones():  # an alias saved earlier
            field = self.fields["timezone"]
            assert isinstance(field, forms.ChoiceField)
            field.choices = sorted([*field.choices, (stored, stored)])

    def fiqr_fields(self) -> list[forms.BoundField]:
        return [self[f"fiqr_{i}"] for i in range(1, FIQR_ITEMS + 1)]

    def symptom_fields(self) -> list[forms.BoundField]:
        return [self[n] for n in ACR_SYMPTOM_ITEMS]

    @staticmethod
    def initial_of(client: Client) -> dict[str, Any]:
        """The client's stored answers as this form's initial values."""
        initial: dict[str, Any] = {name: getattr(client, name) for name in services.INTAKE_FIELDS}
        acr = client.acr2016 or {}
        initial.update(acr)
        if acr.get("symptoms_3_months") is not None:
            initial["symptoms_3_months"] = "yes" if acr["symptoms_3_months"] else "no"
        for i, item in enumerate(client.fiqr or [], start=1):
            initial[f"fiqr_{i}"] = item
        return initial

    def fields_to_save(self) -> dict[str, Any]:
        """The answers as :func:`touchdose.web.services.client_intake_save` stores them (the ACR 2016
        and FIQR items grouped; a questionnaire left blank is None)."""
        data = self.cleaned_data
        acr = {name: data[name] for name in ACR_SYMPTOM_ITEMS}
        acr["wpi_regions"] = list(data["wpi_regions"])
        acr["symptoms_3_months"] = data["symptoms_3_months"]
        fiqr = [data[f"fiqr_{i}"] for i in range(1, FIQR_ITEMS + 1)]
        fields = {name: data[name] for name in services.INTAKE_FIELDS if name in self.fields}
        return {
            **fields,
            "conditions": list(data["conditions"]),
            "avoid_regions": list(data["avoid_regions"]),
            "acr2016": acr if any(v not in (None, []) for v in acr.values()) else None,
            "fiqr": fiqr if any(v is not None for v in fiqr) else None,
        }


#: The 21 FIQR items in questionnaire order, in short words (Bennett 2009; docs/instruments.md 2.1).
FIQR_LABELS = (
    "Difficulty: brushing or combing your hair", "Difficulty: walking for 20 minutes",
    "Difficulty: preparing a meal", "Difficulty: vacuuming, scrubbing or sweeping",
    "Difficulty: carrying a bag of groceries", "Difficulty: climbing one flight of stairs",
    "Difficulty: changing bed sheets", "Difficulty: sitting in a chair for 45 minutes",
    "Difficulty: going shopping for groceries",
    "Fibromyalgia kept me from my goals this week", "I was overwhelmed by my fibromyalgia symptoms",
    "Pain", "Lack of energy", "Stiffness", "Waking tired (poor sleep)", "Depression", "Memory problems",
    "Anxiety", "Tenderness to touch", "Balance problems", "Sensitivity to noise, light, smells or cold",
)  # fmt: skip


class SignupForm(UserCreationForm):  # type: ignore[type-arg]
    role = forms.ChoiceField(
        label="I am",
        choices=[("client", "A person living with pain"), ("therapist", "A massage therapist")],
        widget=forms.RadioSelect,
    )
    email = forms.EmailField(label="E-mail (for resetting your password)", required=False)
    display_name = forms.CharField(label="Your name, as your therapist or clients will see it (optional)",
                                   required=False, max_length=DISPLAY_NAME_MAX)  # fmt: skip

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "email")


class NameForm(forms.Form):
    display_name = forms.CharField(
        label="Your name", required=False, max_length=DISPLAY_NAME_MAX,
        help_text="What your therapist or your clients see. Empty: your username.",
    )  # fmt: skip
