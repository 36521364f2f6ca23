"""The spinal gate: how a massage changes pain during the session and in the days after.

A small model written for explanation and simulation, not diagnosis. Touch and
pain travel on different fibres into the spinal cord; interneurons there can
dampen the pain signal or amplify it and relay touch into it (Peirs 2015,
Duan 2014; docs/sources.md). In a sensitized system the dampening works less, the
relay works more and tissue nociceptors answer at a lower pressure. Intense or
long stimulation adds a *transient* sensitization that decays over days: the
flare that sensitized clients describe a day or two after a massage.

All quantities are on the client's 0-10 pain scale ("points") unless stated.
Every function broadcasts with numpy, so one call evaluates many clients.

Examples
--------
>>> r = gate_response(TYPICAL, pressure=3)
>>> bool(r.during[()] < 6.0) and bool(r.after[()] < 6.0)
True
>>> s = gate_response(SENSITIZED, pressure=3)
>>> bool(s.during[()] > 6.0) and bool(s.flare_points[()] > 0.0)
True
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np
from numpy.typing import ArrayLike

from touchdose.types import FloatArray

# --- Fixed shape constants (model choices, documented in docs/painmodel.md) -------------

#: Touch drive saturates with pressure on this scale (pressure levels 1-5): low-threshold
#: mechanoreceptors are recruited by light touch and add little beyond firm pressure.
PRESSURE_SCALE = 2.5
#: ... and with duration on this scale (minutes); trials used 30-60 min (docs/evidence.md).
MINUTES_SCALE = 30.0
#: ... and with treated area on this scale (number of ACR 2016 areas, of 19).
AREAS_SCALE = 6.0
#: Share of the dampening lost at full sensitization (model choice: "reduced function").
DAMPENING_LOSS = 0.8
#: Pressure levels by which full sensitization lowers the tissue nociceptor threshold.
THRESHOLD_SHIFT = 2.5
#: The dampening never removes more than this share of the pain signal.
MAX_DAMPENING = 0.9
#: Half-life of the transient sensitization (hours). Cambron 2007: negative symptoms after
#: massage began within 12 h and lasted at most 36 h; docs/design.md: the flare is a 24-48 h event.
TRANSIENT_HALF_LIFE_HOURS = 24.0
#: The flare builds up after the session: half of it is expressed this many hours after the
#: end (Cambron 2007: negative symptoms began within 12 h).
FLARE_ONSET_HOURS = 6.0
#: Share of the evoked pain still felt just after the session (lingering soreness).
AFTER_EVOKED_SHARE = 0.5
#: Half-life of that lingering soreness (hours): gone by the evening, unlike the flare.
SORENESS_HALF_LIFE_HOURS = 3.0
#: Half-life of the after-effect of the dampening (hours); relief lasting into days 1-2.
RELIEF_HALF_LIFE_HOURS = 36.0
#: Half-life of the relaxation after a massage (hours): the evening, the nights and days after.
RELAXATION_HALF_LIFE_HOURS = 36.0
#: Evoked pain (points) that halves how relaxing a session feels.
RELAXATION_DISCOMFORT_POINTS = 2.0
#: Highest value of any 0-10 rating.
SCALE_MAX = 10.0


@dataclass(frozen=True)
class GateParams:
    """Parameters of one pain system (floats, or arrays with one value per client).

    Attributes
    ----------
    sensitization : 0-1. Long-standing central sensitization: 0 a typical system, 1 fully
        sensitized (dampening weakened by :data:`DAMPENING_LOSS`, relay at full gain,
        tissue threshold lowered by :data:`THRESHOLD_SHIFT` levels).
    dampening_gain : 0-3, per unit touch drive. Share of the pain signal the inhibitory
        interneurons remove at full touch drive in a typical system.
    relay_gain : 0-20 points per unit touch drive. Touch relayed into the pain pathway by
        the amplifying interneurons at full sensitization (scaled by sensitization squared).
    tissue_threshold : 1-5 pressure levels. Pressure at which tissue nociceptors start to
        answer in a typical system (between moderate and firm).
    tissue_gain : 0-3 points per pressure level above the threshold (full duration).
    relief_carry : 0-1. Share of the in-session dampening that outlasts the session as
        relief (decays with :data:`RELIEF_HALF_LIFE_HOURS`); the "responder" trait.
    sensitization_gain : 0-0.5 per point of evoked pain above ``tolerance``: how much
        transient sensitization a session adds.
    tolerance : 0-5 points of evoked pain that add no transient sensitization.
    flare_amplification : 0-10. Extra pain, as a share of the background pain, per unit
        transient sensitization.
    descending_relief : 0-0.5. Share of pain removed by descending inhibition per unit
        relaxation.
    stress_gain : 0-1. Share of pain added by descending facilitation per unit stress.
    relaxation_response : 0-1. How relaxing a comfortable session is for this person.
    """

    sensitization: float | FloatArray = 0.0
    dampening_gain: float | FloatArray = 1.6
    relay_gain: float | FloatArray = 10.0
    tissue_threshold: float | FloatArray = 3.5
    tissue_gain: float | FloatArray = 1.5
    relief_carry: float | FloatArray = 0.6
    sensitization_gain: float | FloatArray = 0.06
    tolerance: float | FloatArray = 1.0
    flare_amplification: float | FloatArray = 7.0
    descending_relief: float | FloatArray = 0.05
    stress_gain: float | FloatArray = 0.3
    relaxation_response: float | FloatArray = 0.6

    def __post_init__(self) -> None:
        for f in fields(self):
            low, high = _RANGES[f.name]
            value = np.asarray(getattr(self, f.name), dtype=float)
            if not np.all(np.isfinite(value)) or np.any(value < low) or np.any(value > high):
                raise ValueError(
                    f"GateParams: {f.name} = {getattr(self, f.name)!r} is not allowed "
                    f"(allowed: numbers {low:g}-{high:g})"
                )

    @classmethod
    def unchecked(cls, **values: float | FloatArray) -> GateParams:
        """Build without the range checks, for values taken from an already checked instance."""
        obj = object.__new__(cls)
        for name, value in values.items():
            object.__setattr__(obj, name, value)
        return obj

    def with_sensitization(self, sensitization: ArrayLike) -> GateParams:
        """The same system with another long-standing sensitization (0-1)."""
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        values["sensitization"] = np.asarray(sensitization, dtype=float)
        return GateParams(**values)


_RANGES: dict[str, tuple[float, float]] = {
    "sensitization": (0.0, 1.0),
    "dampening_gain": (0.0, 3.0),
    "relay_gain": (0.0, 20.0),
    "tissue_threshold": (1.0, 5.0),
    "tissue_gain": (0.0, 3.0),
    "relief_carry": (0.0, 1.0),
    "sensitization_gain": (0.0, 0.5),
    "tolerance": (0.0, 5.0),
    "flare_amplification": (0.0, 10.0),
    "descending_relief": (0.0, 0.5),
    "stress_gain": (0.0, 1.0),
    "relaxation_response": (0.0, 1.0),
}

#: A typical (non-sensitized) pain system: the defaults.
TYPICAL = GateParams()
#: A sensitized system, as in fibromyalgia: weak dampening, strong relay, low threshold,
#: little lasting relief.
SENSITIZED = GateParams(sensitization=0.8, relief_carry=0.5, relaxation_response=0.4)


@dataclass(frozen=True)
class GateResponse:
    """What one session does (arrays broadcast over clients; points on 0-10).

    ``during`` is the worst pain during the session, ``after`` the pain just after it;
    ``relief`` and ``flare_points`` are the two after-effects at the end of the session
    (they decay with :data:`RELIEF_HALF_LIFE_HOURS` and :data:`TRANSIENT_HALF_LIFE_HOURS`);
    ``transient_added`` is the transient sensitization the session adds (0-1 scale).
    """

    background_pain: FloatArray
    touch: FloatArray
    dampening: FloatArray
    relay: FloatArray
    tissue: FloatArray
    evoked: FloatArray
    during: FloatArray
    after: FloatArray
    relaxation: FloatArray
    relief: FloatArray
    transient_added: FloatArray
    flare_points: FloatArray
    soreness: FloatArray

    def change_at(self, hours: ArrayLike) -> FloatArray:
        """Pain change (points, negative = relief) ``hours`` after the session."""
        return pain_change_after(self.relief, self.flare_points, hours, self.soreness)


def _a(x: ArrayLike) -> FloatArray:
    return np.asarray(x, dtype=np.float64)


def _saturating(x: ArrayLike, scale: float) -> FloatArray:
    return -np.expm1(-_a(x) / scale)


def touch_drive(pressure: ArrayLike, minutes: ArrayLike = 45.0, areas: ArrayLike = 6.0) -> FloatArray:
    """Input on the touch fibres: grows with pressure, minutes and area, saturating.

    Parameters
    ----------
    pressure : pressure level 1-5 (continuous values allowed).
    minutes : session length in minutes.
    areas : number of ACR 2016 areas treated (1-19).

    Returns
    -------
    Touch drive in [0, 1).

    Notes
    -----
    ``T = (1 - exp(-p / P)) (1 - exp(-m / M)) (1 - exp(-a / A))`` with P, M and A
    :data:`PRESSURE_SCALE`, :data:`MINUTES_SCALE` and :data:`AREAS_SCALE`.

    Examples
    --------
    >>> round(float(touch_drive(3, 45, 6)), 3)
    0.344
    """
    return (
        _saturating(pressure, PRESSURE_SCALE)
        * _saturating(minutes, MINUTES_SCALE)
        * _saturating(areas, AREAS_SCALE)
    )


def _relaxation(params: GateParams, minutes: ArrayLike, evoked: FloatArray) -> FloatArray:
    """How relaxing the session is (0-1): longer is calmer, painful is not."""
    comfort = np.exp2(-evoked / RELAXATION_DISCOMFORT_POINTS)
    return _a(params.relaxation_response) * _saturating(minutes, MINUTES_SCALE) * comfort


def gate_response(
    params: GateParams,
    pressure: ArrayLike,
    minutes: ArrayLike = 45.0,
    areas: ArrayLike = 6.0,
    background_pain: ArrayLike = 6.0,
    transient: ArrayLike = 0.0,
    stress: ArrayLike = 0.0,
) -> GateResponse:
    """Run one massage session through the gate.

    Parameters
    ----------
    params : the pain system (:class:`GateParams`).
    pressure : pressure level 1-5.
    minutes : session length in minutes.
    areas : number of ACR 2016 areas treated.
    background_pain : widespread pain before the session (points, 0-10).
    transient : transient sensitization left over from earlier sessions (0-1 scale).
    stress : 0-1, descending facilitation on the day.

    Returns
    -------
    :class:`GateResponse`, arrays broadcast over the inputs.

    Notes
    -----
    With s the effective sensitization (long-standing plus transient, at most 1) and T the
    touch drive:

    - dampening ``D = min(g (1 - L s) T, 0.9)``; relay ``R = r s^2 T``;
    - tissue nociception ``N = k max(0, p - (theta - S s)) (1 - exp(-m / M))``;
    - evoked pain ``E = N (1 - D) + R``;
    - worst pain during ``((b + N)(1 - D) + R)(1 + stress_gain stress - d relax)``;
    - relief at the end ``b (c D + d relax)``; transient sensitization
      ``dS = kappa max(0, E - tolerance)``; flare ``b a dS``;
    - pain just after ``b - relief + 0.5 E`` (the flare builds up in the hours after).

    References
    ----------
    Peirs C et al. Dorsal horn circuits for persistent mechanical pain. Neuron 2015;87:797-812.
    Duan B et al. Identification of spinal circuits transmitting and gating mechanical pain.
    Cell 2014;159:1417-32. Cambron JA et al. J Altern Complement Med 2007;13:793-6.

    Examples
    --------
    >>> r = gate_response(SENSITIZED, pressure=[1, 3])
    >>> [round(float(x), 1) for x in r.during]
    [6.4, 8.4]
    """
    b = np.clip(_a(background_pain), 0.0, SCALE_MAX)
    s = np.clip(_a(params.sensitization) + _a(transient), 0.0, 1.0)
    t = touch_drive(pressure, minutes, areas)
    damp = np.minimum(_a(params.dampening_gain) * (1.0 - DAMPENING_LOSS * s) * t, MAX_DAMPENING)
    relay = _a(params.relay_gain) * s**2 * t
    threshold = _a(params.tissue_threshold) - THRESHOLD_SHIFT * s
    tissue = _a(params.tissue_gain) * np.maximum(_a(pressure) - threshold, 0.0)
    tissue = tissue * _saturating(minutes, MINUTES_SCALE)
    evoked = tissue * (1.0 - damp) + relay
    relax = _relaxation(params, minutes, evoked)
    descending = 1.0 + _a(params.stress_gain) * _a(stress) - _a(params.descending_relief) * relax
    during = np.clip(((b + tissue) * (1.0 - damp) + relay) * descending, 0.0, SCALE_MAX)
    relief = b * (_a(params.relief_carry) * damp + _a(params.descending_relief) * relax)
    added = _a(params.sensitization_gain) * np.maximum(evoked - _a(params.tolerance), 0.0)
    flare = b * _a(params.flare_amplification) * added
    soreness = AFTER_EVOKED_SHARE * evoked
    after = np.clip(b - relief + soreness, 0.0, SCALE_MAX)
    return GateResponse(
        background_pain=b, touch=t, dampening=damp, relay=relay, tissue=tissue, evoked=evoked,
        during=during, after=after, relaxation=relax, relief=relief, transient_added=added,
        flare_points=flare, soreness=soreness,
    )  # fmt: skip


def decay(hours: ArrayLike, half_life_hours: float) -> FloatArray:
    """Share left ``hours`` after the start of an exponential decay (1 at 0 and before).

    Examples
    --------
    >>> [float(x) for x in decay([0, 24, 48], TRANSIENT_HALF_LIFE_HOURS)]
    [1.0, 0.5, 0.25]
    """
    h = np.maximum(_a(hours), 0.0)
    return np.exp2(-h / half_life_hours)


def pain_change_after(
    relief: ArrayLike, flare_points: ArrayLike, hours: ArrayLike, soreness: ArrayLike = 0.0
) -> FloatArray:
    """Pain change (points; negative = relief) ``hours`` after a session.

    Notes
    -----
    ``change(h) = -relief 2^(-h / H_relief) + flare f(h) + soreness 2^(-h / H_soreness)``
    with the flare shape ``f`` of :func:`flare_shape`, the half-lives
    :data:`RELIEF_HALF_LIFE_HOURS` and :data:`SORENESS_HALF_LIFE_HOURS`. At ``h = 0`` this
    is the pain just after the session minus the pain before.

    Examples
    --------
    >>> float(pain_change_after(2.0, 0.0, 36.0))
    -1.0
    >>> round(float(pain_change_after(0.0, 4.0, 24.0)), 3)
    1.875
    """
    relieved = -_a(relief) * decay(hours, RELIEF_HALF_LIFE_HOURS)
    return (
        relieved
        + _a(flare_points) * flare_shape(hours)
        + _a(soreness) * decay(hours, SORENESS_HALF_LIFE_HOURS)
    )


def flare_shape(hours: ArrayLike) -> FloatArray:
    """Share of a session's flare expressed ``hours`` after it: builds up, then decays.

    Notes
    -----
    ``f(h) = 2^(-h / H_transient) (1 - 2^(-h / H_onset))``; 0 at the end of the session.

    Examples
    --------
    >>> [round(float(x), 3) for x in flare_shape([0, 24, 48])]
    [0.0, 0.469, 0.249]
    """
    onset = -np.expm1(-np.maximum(_a(hours), 0.0) * np.log(2.0) / FLARE_ONSET_HOURS)
    return decay(hours, TRANSIENT_HALF_LIFE_HOURS) * _a(onset)
