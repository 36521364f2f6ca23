"""The numbers behind the pain-model charts, from :mod:`touchdose.painmodel`."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from touchdose.painmodel.gate import TYPICAL, gate_response
from touchdose.records import PRESSURE_MAX, PRESSURE_MIN

FloatArray = NDArray[np.float64]

#: The example person of the Learn page: pain 6/10 before a 45-minute massage of 6 areas
#: (the model's defaults, painmodel.gate.gate_response).
BEFORE_PAIN = 6.0
MINUTES = 45
AREAS = 6
HOURS_SHOWN = 96


@dataclass(frozen=True)
class PressureCurve:
    sensitization: float
    before: float
    minutes: int
    pressure: FloatArray
    during: FloatArray
    after: FloatArray


@dataclass(frozen=True)
class DaysAfter:
    sensitization: float
    pressure: int
    before: float
    hours: FloatArray
    pain: FloatArray


def pressure_curve_data(sensitization: float) -> PressureCurve:
    pressure = np.linspace(PRESSURE_MIN, PRESSURE_MAX, 41)
    r = gate_response(TYPICAL.with_sensitization(sensitization), pressure, MINUTES, AREAS, BEFORE_PAIN)
    return PressureCurve(sensitization, BEFORE_PAIN, MINUTES, pressure, r.during, r.after)


def days_after_data(sensitization: float, pressure: int) -> DaysAfter:
    hours = np.linspace(0.0, HOURS_SHOWN, 97)
    r = gate_response(TYPICAL.with_sensitization(sensitization), pressure, MINUTES, AREAS, BEFORE_PAIN)
    pain = np.clip(BEFORE_PAIN + r.change_at(hours), 0.0, 10.0)
    pain[0] = float(r.after)  # just after the session: lingering soreness included
    return DaysAfter(sensitization, pressure, BEFORE_PAIN, hours, pain)
