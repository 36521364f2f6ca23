"""How much did pain change on the 0-10 scale, and does the change matter to a person?

The thresholds are the IMMPACT benchmarks for individual change in chronic pain (Dworkin 2008)
and the clinically important difference of Farrar 2001, as named constants. Every other part of
touchdose that asks "was that change meaningful?" imports them from here.

Sign convention: ``points`` and ``percent`` are *reductions* (``before - after``), so a positive
number means less pain, as in the IMMPACT and Farrar papers. (Session responses elsewhere report
``after - before``; a relief of 2 points is ``points = 2.0`` here and a change of ``-2`` there.)
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from touchdose.records import NRS_MAX, NRS_MIN
from touchdose.types import Result

# --- Thresholds (docs/instruments.md section 3) ----------------------------------------------

#: Minimally important reduction in points. Dworkin RH et al. J Pain 2008;9:105-21 (IMMPACT),
#: point equivalent "about 1 point" from secondary summaries of its Table 1 (docs/instruments.md 3.2).
MID_POINTS = 1.0
#: Moderately important ("much improved") reduction in points. Farrar JT et al. Pain 2001;94:149-58:
#: "a reduction of approximately two points ... represented a clinically important difference".
MODERATE_POINTS = 2.0
#: Substantial reduction in points: "4 or more points", secondary summaries of Dworkin 2008.
SUBSTANTIAL_POINTS = 4.0
#: Minimally important reduction in percent: IMMPACT "10-20 %" read at its lower bound 10 %
#: (Dworkin 2008 Table 1; lower-bound reading is our convention, docs/instruments.md 3.4).
MINIMAL_PERCENT = 10.0
#: Moderately important reduction in percent: Dworkin 2008 Table 1 (">= 30 %"); Farrar 2001 ("about 30 %").
MODERATE_PERCENT = 30.0
#: Substantial reduction in percent: Dworkin 2008 Table 1 (">= 50 %").
SUBSTANTIAL_PERCENT = 50.0

#: Class names, best to worst. "undefined" is used by percent only (no percent change from 0).
CHANGE_CLASSES: tuple[str, ...] = (
    "substantial",
    "moderate",
    "minimal",
    "improved_below_minimal",
    "no_change",
    "worse",
    "undefined",
)


@dataclass(frozen=True)
class ChangeClass(Result):
    """A change on the 0-10 pain scale, classified by points and by percent.

    Attributes
    ----------
    before, after : float
        The two ratings (0-10).
    points : float
        Reduction ``before - after``; positive means less pain.
    percent : float or None
        Reduction as a percent of ``before``; ``None`` when ``before`` is 0.
    by_points : str
        One of :data:`CHANGE_CLASSES` (never "undefined"), from the point thresholds.
    by_percent : str
        One of :data:`CHANGE_CLASSES`, from the percent thresholds ("undefined" when ``before`` is 0).
    clinically_important : bool
        Farrar 2001 in its "both" form: at least 2 points *and* at least 30 % less pain.
    """

    before: float
    after: float
    points: float
    percent: float | None
    by_points: str
    by_percent: str
    clinically_important: bool


def _check_rating(name: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ValueError(f"{name} = {value!r} is not allowed (allowed: a number {NRS_MIN}-{NRS_MAX})")
    if not NRS_MIN <= value <= NRS_MAX:
        raise ValueError(f"{name} = {value!r} is not allowed (allowed: a number {NRS_MIN}-{NRS_MAX})")
    return float(value)


def _class_of(reduction: float, substantial: float, moderate: float, minimal: float) -> str:
    """The class of a reduction (points or percent) against the three thresholds of its unit."""
    for threshold, name in ((substantial, "substantial"), (moderate, "moderate"), (minimal, "minimal")):
        if reduction >= threshold:
            return name
    if reduction > 0:
        return "improved_below_minimal"
    return "no_change" if reduction == 0 else "worse"


def _class_by_points(points: float, mid_points: float) -> str:
    return _class_of(points, SUBSTANTIAL_POINTS, MODERATE_POINTS, mid_points)


def _class_by_percent(percent: float | None) -> str:
    if percent is None:
        return "undefined"
    return _class_of(percent, SUBSTANTIAL_PERCENT, MODERATE_PERCENT, MINIMAL_PERCENT)


def classify_change(before: float, after: float, *, mid_points: float = MID_POINTS) -> ChangeClass:
    """Classify a change in 0-10 pain by the IMMPACT and Farrar thresholds.

    Parameters
    ----------
    before : float
        Pain before (baseline), 0-10.
    after : float
        Pain after (follow-up), 0-10.
    mid_points : float, optional
        The minimally important reduction in points (default :data:`MID_POINTS`); must lie in
        (0, :data:`MODERATE_POINTS`].

    Returns
    -------
    ChangeClass
        Reduction in points and percent, a class for each, and the Farrar flag.

    Raises
    ------
    ValueError
        If a rating is not a number 0-10, or ``mid_points`` is out of range.

    Notes
    -----
    ``points = before - after``; ``percent = 100 * points / before`` (undefined when before = 0).
    By percent: >= 50 substantial, >= 30 moderate, >= 10 minimal, > 0 improved below minimal,
    0 no change, < 0 worse. By points the same with 4, 2 and ``mid_points``.
    ``clinically_important = points >= 2 and percent >= 30`` (Farrar 2001, both criteria).
    The thresholds were derived for weekly means of daily diaries in trials; applied to one
    session's before/after ratings they are an extrapolation.

    References
    ----------
    .. [1] Dworkin RH, Turk DC, Wyrwich KW, et al. Interpreting the clinical importance of
       treatment outcomes in chronic pain clinical trials: IMMPACT recommendations.
       J Pain 2008;9(2):105-121.
    .. [2] Farrar JT, Young JP, LaMoreaux L, et al. Clinical importance of changes in chronic pain
       intensity measured on an 11-point numerical pain rating scale. Pain 2001;94(2):149-158.

    Examples
    --------
    >>> c = classify_change(8, 5)
    >>> c.points, c.percent, c.by_points, c.by_percent, c.clinically_important
    (3.0, 37.5, 'moderate', 'moderate', True)
    >>> classify_change(0, 0).by_percent
    'undefined'
    """
    b = _check_rating("before", before)
    a = _check_rating("after", after)
    if isinstance(mid_points, bool) or not 0 < mid_points <= MODERATE_POINTS:
        raise ValueError(
            f"mid_points = {mid_points!r} is not allowed (allowed: a number above 0 and at most "
            f"{MODERATE_POINTS:g})"
        )
    points = b - a
    percent = None if b == 0 else 100.0 * points / b
    important = percent is not None and points >= MODERATE_POINTS and percent >= MODERATE_PERCENT
    return ChangeClass(
        before=b,
        after=a,
        points=points,
        percent=percent,
        by_points=_class_by_points(points, mid_points),
        by_percent=_class_by_percent(percent),
        clinically_important=important,
    )
