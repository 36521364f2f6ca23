"""The curves a chart of the pain-system model needs (web Learn page, docs figure).

Both functions describe a model person, never a real client: pain ``background_pain``
before a massage of ``minutes`` minutes over ``areas`` areas, with the typical system's
gains (:data:`~touchdose.painmodel.gate.TYPICAL`) and the chosen sensitization.

Examples
--------
>>> typical, sensitized = pressure_curve(0.0), pressure_curve(0.8)
>>> typical.during[-1] < 6.0 < sensitized.during[-1]
True
>>> d = days_after(0.8, 3)
>>> max(d.pain) > d.background_pain
True
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from touchdose.painmodel.gate import (
    RELIEF_HALF_LIFE_HOURS,
    TYPICAL,
    GateParams,
    decay,
    flare_shape,
    gate_response,
)
from touchdose.painmodel.scenario import DIARY_HOUR, SESSION_HOUR
from touchdose.records import PRESSURE_MAX, PRESSURE_MIN

#: The model person of the charts: pain 6/10 before a 45-minute massage of 6 areas.
BACKGROUND_PAIN = 6.0
MINUTES = 45.0
AREAS = 6.0
#: Hours after the session of the next evening's diary (the 24 h follow-up window).
NEXT_DAY_HOURS = 24.0 + DIARY_HOUR - SESSION_HOUR


@dataclass(frozen=True)
class Preset:
    """A setting of the Learn page's model: a name a person recognises and its sensitization."""

    key: str
    label: str
    sensitization: float


#: The Learn page's presets. "Fibromyalgia" is 0.6, our choice: at it the model says what the
#: design says (docs/design.md, "How gentle?") and what the evidence and the demo show: very
#: light and light pressure still ease pain a little, just after and the next evening, while
#: moderate pressure or firmer is followed by more pain (a flare). At 0.6 the model's ACR 2016
#: answers (:mod:`touchdose.painmodel.intake`) put fibromyalgia severity near 16, above the 12
#: the criteria need. At 0.8 (the gate's ``SENSITIZED``) even the lightest touch hurts, which is
#: the "strongly sensitized" end. ``tests/painmodel/test_explainer.py`` holds these behaviours.
PRESETS: tuple[Preset, ...] = (
    Preset("typical", "A typical pain system", 0.0),
    Preset("fibromyalgia", "Fibromyalgia", 0.6),
    Preset("strongly_sensitized", "Strongly sensitized", 1.0),
)
#: The preset the Learn page opens on: the condition touchdose is built around.
DEFAULT_PRESET = PRESETS[1]


def system(sensitization: float) -> GateParams:
    """The typical system's gains with the given long-standing sensitization (0-1)."""
    _check_number("sensitization", sensitization, 0.0, 1.0)
    return TYPICAL.with_sensitization(float(sensitization))


def _check_number(name: str, value: Any, low: float, high: float) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not low <= value <= high:
        raise ValueError(f"explainer: {name} = {value!r} is not allowed (allowed: a number {low:g}-{high:g})")


def _floats(values: Any) -> tuple[float, ...]:
    return tuple(round(float(v), 4) for v in np.atleast_1d(values))


@dataclass(frozen=True)
class PressureCurve:
    """Predicted pain against pressure for one sensitization (points on 0-10).

    ``during`` is the worst pain during the massage, ``after`` just after it, ``next_day``
    at the next evening's diary; ``dampened`` (background pain removed by the gate),
    ``tissue`` (tissue pain let through) and ``relayed`` (touch relayed into pain) split
    the during-pain: ``during ~ background - dampened + tissue + relayed``.
    """

    sensitization: float
    background_pain: float
    minutes: float
    areas: float
    pressures: tuple[float, ...]
    during: tuple[float, ...]
    after: tuple[float, ...]
    next_day: tuple[float, ...]
    dampened: tuple[float, ...]
    relayed: tuple[float, ...]
    tissue: tuple[float, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "sensitization": self.sensitization, "background_pain": self.background_pain,
            "minutes": self.minutes, "areas": self.areas, "pressures": list(self.pressures),
            "during": list(self.during), "after": list(self.after), "next_day": list(self.next_day),
            "dampened": list(self.dampened), "relayed": list(self.relayed), "tissue": list(self.tissue),
        }  # fmt: skip


def pressure_curve(
    sensitization: float,
    *,
    background_pain: float = BACKGROUND_PAIN,
    minutes: float = MINUTES,
    areas: float = AREAS,
    points: int = 41,
) -> PressureCurve:
    """Predicted pain during, just after and the day after a massage, against pressure.

    Parameters
    ----------
    sensitization : 0 (typical) to 1 (fully sensitized).
    background_pain : pain before the massage (0-10).
    minutes, areas : the massage (minutes; number of ACR 2016 areas).
    points : pressures evaluated, evenly from 1 to 5.

    Returns
    -------
    :class:`PressureCurve`.

    Notes
    -----
    The gate of :func:`touchdose.painmodel.gate.gate_response`; ``next_day`` adds
    ``pain_change_after`` at :data:`NEXT_DAY_HOURS`. The during-pain is
    ``(b - dampened + tissue + relayed)`` times the descending factor, with
    ``dampened = b D`` (background pain removed), ``tissue = N (1 - D)`` (tissue pain let
    through) and ``relayed = R`` (touch relayed into pain).

    Examples
    --------
    >>> c = pressure_curve(0.0, points=5)
    >>> c.pressures
    (1.0, 2.0, 3.0, 4.0, 5.0)
    >>> c.tissue[:3]
    (0.0, 0.0, 0.0)
    """
    _check_number("background_pain", background_pain, 0.0, 10.0)
    _check_number("minutes", minutes, 1.0, 240.0)
    _check_number("areas", areas, 1.0, 19.0)
    if isinstance(points, bool) or not isinstance(points, int) or not 2 <= points <= 401:
        raise ValueError(f"explainer: points = {points!r} is not allowed (allowed: a whole number 2-401)")
    p = np.linspace(PRESSURE_MIN, PRESSURE_MAX, points)
    r = gate_response(system(sensitization), p, minutes, areas, background_pain)
    next_day = np.clip(background_pain + r.change_at(NEXT_DAY_HOURS), 0.0, 10.0)
    return PressureCurve(
        sensitization=float(sensitization), background_pain=float(background_pain),
        minutes=float(minutes), areas=float(areas), pressures=_floats(p), during=_floats(r.during),
        after=_floats(r.after), next_day=_floats(next_day),
        dampened=_floats(r.background_pain * r.dampening), relayed=_floats(r.relay),
        tissue=_floats(r.tissue * (1.0 - r.dampening)),
    )  # fmt: skip


@dataclass(frozen=True)
class DaysAfter:
    """Predicted pain in the hours and days after one massage (points on 0-10).

    ``pain`` starts with the pain just after the session (lingering soreness included);
    ``relief`` and ``flare`` are the two after-effects (points), ``background_pain`` is
    the pain without the massage.
    """

    sensitization: float
    pressure: int
    background_pain: float
    hours: tuple[float, ...]
    pain: tuple[float, ...]
    relief: tuple[float, ...]
    flare: tuple[float, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "sensitization": self.sensitization, "pressure": self.pressure,
            "background_pain": self.background_pain, "hours": list(self.hours), "pain": list(self.pain),
            "relief": list(self.relief), "flare": list(self.flare),
        }  # fmt: skip


def days_after(
    sensitization: float,
    pressure: int,
    *,
    background_pain: float = BACKGROUND_PAIN,
    minutes: float = MINUTES,
    areas: float = AREAS,
    days: float = 4.0,
    step_hours: float = 1.0,
) -> DaysAfter:
    """Predicted pain from the end of a massage to ``days`` days later.

    Parameters
    ----------
    sensitization : 0 (typical) to 1 (fully sensitized).
    pressure : pressure level 1-5.
    background_pain, minutes, areas : the model person and the massage.
    days : how far to look ahead (0.5-14 days); step_hours : spacing of the points.

    Returns
    -------
    :class:`DaysAfter`.

    Notes
    -----
    ``pain(h) = b + pain_change_after(h)``: relief fading, the flare building up and
    fading (:func:`touchdose.painmodel.gate.flare_shape`), and the soreness felt just
    after the session fading within hours.

    Examples
    --------
    >>> d = days_after(0.0, 3, days=2, step_hours=24)
    >>> d.hours
    (0.0, 24.0, 48.0)
    >>> d.pain[1] < d.background_pain
    True
    """
    _check_number("background_pain", background_pain, 0.0, 10.0)
    _check_number("minutes", minutes, 1.0, 240.0)
    _check_number("areas", areas, 1.0, 19.0)
    _check_number("days", days, 0.5, 14.0)
    _check_number("step_hours", step_hours, 0.25, 24.0)
    if (
        isinstance(pressure, bool)
        or not isinstance(pressure, int)
        or not PRESSURE_MIN <= pressure <= PRESSURE_MAX
    ):
        raise ValueError(f"explainer: pressure = {pressure!r} is not allowed (allowed: a whole number 1-5)")
    hours = np.arange(0.0, 24.0 * days + 1e-9, step_hours)
    r = gate_response(system(sensitization), pressure, minutes, areas, background_pain)
    relief = r.relief * decay(hours, RELIEF_HALF_LIFE_HOURS)
    flare = r.flare_points * flare_shape(hours)
    pain = np.clip(background_pain + r.change_at(hours), 0.0, 10.0)
    return DaysAfter(
        sensitization=float(sensitization), pressure=pressure, background_pain=float(background_pain),
        hours=_floats(hours), pain=_floats(pain), relief=_floats(relief), flare=_floats(flare),
    )  # fmt: skip
