"""The controls of the Learn pages: plain GET forms, checked here so bad values get a clear 400."""

from __future__ import annotations

from django import forms

from touchdose.painmodel.explainer import DEFAULT_PRESET
from touchdose.records import CONDITIONS, PRESSURE_MAX, PRESSURE_MIN, PRESSURE_NAMES
from touchdose.text import words

#: The model's sensitization runs from 0 (a typical pain system) to 1 (strongly sensitized);
#: touchdose.painmodel.gate.GateParams.sensitization.
SENSITIZATION_MIN, SENSITIZATION_MAX = 0.0, 1.0
SENSITIZATION_STEP = 0.1
DEFAULT_SENSITIZATION = DEFAULT_PRESET.sensitization  # the fibromyalgia preset (painmodel.explainer)
DEFAULT_PRESSURE = 3  # moderate: the pressure a routine relaxation massage often uses


class ModelControls(forms.Form):
    sensitization = forms.FloatField(
        label="How sensitized is the pain system?",
        min_value=SENSITIZATION_MIN,
        max_value=SENSITIZATION_MAX,
        required=False,
        error_messages={
            "invalid": "Sensitization must be a number from 0 (typical) to 1 (strongly sensitized).",
            "min_value": "Sensitization must be a number from 0 (typical) to 1 (strongly sensitized).",
            "max_value": "Sensitization must be a number from 0 (typical) to 1 (strongly sensitized).",
        },
    )
    pressure = forms.TypedChoiceField(
        label="Massage pressure",
        choices=[(p, f"{p} {PRESSURE_NAMES[p]}") for p in range(PRESSURE_MIN, PRESSURE_MAX + 1)],
        coerce=int,
        required=False,
        error_messages={
            "invalid_choice": f"Pressure must be a whole number from {PRESSURE_MIN} to {PRESSURE_MAX}."
        },
    )

    def clean_sensitization(self) -> float:
        value = self.cleaned_data.get("sensitization")
        if value is None:
            return DEFAULT_SENSITIZATION
        if value != value or value in (float("inf"), float("-inf")):  # NaN / inf slip past min/max
            raise forms.ValidationError(self.fields["sensitization"].error_messages["invalid"])
        return round(value, 2)

    def clean_pressure(self) -> int:
        value = self.cleaned_data.get("pressure")
        return DEFAULT_PRESSURE if value in (None, "") else int(value)


CONDITION_LABELS = {c: words(c) for c in CONDITIONS if c != "other"}
ALL_CONDITIONS = "all"
#: The evidence page opens on fibromyalgia: the condition touchdose is built around (docs/design.md).
DEFAULT_CONDITION = "fibromyalgia"


class EvidenceFilter(forms.Form):
    condition = forms.ChoiceField(
        label="Condition",
        choices=[*CONDITION_LABELS.items(), (ALL_CONDITIONS, "All conditions")],
        required=False,
        error_messages={
            "invalid_choice": f"Condition must be one of: {', '.join(CONDITION_LABELS)}, or all."
        },
    )

    def clean_condition(self) -> str | None:
        value = self.cleaned_data.get("condition") or DEFAULT_CONDITION
        return None if value == ALL_CONDITIONS else value
