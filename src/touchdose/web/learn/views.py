"""Learn pages: the pain-system model with server-drawn charts, and the evidence browser.

Public (no login) and read-only: nothing here touches a client's records. The controls are a
plain GET form, so the pages work without JavaScript; a bad value gets the page back with a
400 and a message naming the control and what it accepts.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from csp.decorators import csp_update
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from touchdose.painmodel.explainer import PRESETS
from touchdose.records import PRESSURE_MAX, PRESSURE_MIN, PRESSURE_NAMES
from touchdose.reports.charts import Chart
from touchdose.reports.charts.model import days_after_chart, pressure_curve_chart
from touchdose.web.learn import evidence_data
from touchdose.web.learn.forms import (
    ALL_CONDITIONS,
    CONDITION_LABELS,
    DEFAULT_CONDITION,
    DEFAULT_PRESSURE,
    DEFAULT_SENSITIZATION,
    SENSITIZATION_MAX,
    SENSITIZATION_MIN,
    SENSITIZATION_STEP,
    EvidenceFilter,
    ModelControls,
)

#: The charts here are matplotlib's SVG, drawn inline with style attributes and a style element;
#: these public pages show no one's records, so their policy allows inline styles (never scripts).
CHART_STYLES = csp_update({"style-src": ["'unsafe-inline'"]})


@lru_cache(maxsize=256)
def _model_charts(sensitization: float, pressure: int) -> tuple[Chart, Chart]:
    # Charts are deterministic in their inputs, and the inputs are a small grid: cache them.
    return pressure_curve_chart(sensitization, pressure=pressure), days_after_chart(sensitization, pressure)


@CHART_STYLES
@require_safe
def model(request: HttpRequest) -> HttpResponse:
    form = ModelControls(request.GET)
    valid = form.is_valid()
    sensitization = form.cleaned_data["sensitization"] if valid else DEFAULT_SENSITIZATION
    pressure = form.cleaned_data["pressure"] if valid else DEFAULT_PRESSURE
    curve, days = _model_charts(sensitization, pressure)
    context: dict[str, Any] = {
        "form": form,
        "sensitization": f"{sensitization:g}",
        "pressure": pressure,
        "pressure_choices": [(p, f"{p} {PRESSURE_NAMES[p]}") for p in range(PRESSURE_MIN, PRESSURE_MAX + 1)],
        "smin": f"{SENSITIZATION_MIN:g}",
        "smax": f"{SENSITIZATION_MAX:g}",
        "sstep": f"{SENSITIZATION_STEP:g}",
        "presets": [(p, p.sensitization == sensitization) for p in PRESETS],
        "curve": curve,
        "days": days,
    }
    return render(request, "learn/model.html", context, status=200 if valid else 400)


@CHART_STYLES
@require_safe
def evidence(request: HttpRequest) -> HttpResponse:
    form = EvidenceFilter(request.GET)
    valid = form.is_valid()
    condition = form.cleaned_data["condition"] if valid else DEFAULT_CONDITION
    context = {
        "form": form,
        "conditions": [*CONDITION_LABELS.items(), (ALL_CONDITIONS, "All conditions")],
        "chosen": condition or ALL_CONDITIONS,
        **evidence_data.page_data(condition),
    }
    return render(request, "learn/evidence.html", context, status=200 if valid else 400)
