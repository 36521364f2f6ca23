"""How a simulated client keeps the diary, when sessions fall, and patterns added on top of the gate.

The default :class:`Scenario` is an evening diarist: the diary written at 20:00 answering the
check-in's question, the average pain over the last 24 hours (:data:`RECALL_HOURS`), sessions
on whichever weekday the baseline ends, no weekly rhythm, no after-effect besides the gate's.
(Until issue 17 the entry reported the pain of its moment: ``recall_hours=0``.) The options
let the benchmarks build the clients the diary attribution has to get right
(docs/validation.md, issue 17):

* ``checkin_hour`` and ``recall_hours``: a morning diarist (08:00) describes mostly the day
  before, an evening diarist mostly the same day.
* ``session_weekday``: every session on the same weekday (0 = Monday).
* ``weekend_rise``: pain this many points higher on Saturdays and Sundays (a weekly rhythm
  that has nothing to do with massage).
* ``added_effect``: a step after-effect of every session, ``points`` from ``start_hours`` to
  ``end_hours`` after it starts, added to the gate's: a known true benefit, or harm that
  shows only days later.

Examples
--------
>>> s = Scenario(checkin_hour=8, recall_hours=24)
>>> s.recall_offsets().tolist()[:3]
[-23.0, -21.0, -19.0]
>>> AddedEffect(-1.5, 0, 72).at(np.array([-1.0, 10.0, 80.0])).tolist()
[0.0, -1.5, 0.0]
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from touchdose.types import FloatArray

#: Local hour the evening diary is written (the simulator's default diarist).
DIARY_HOUR = 20
#: Hours a diary entry's pain describes: the check-in asks for "the average over the last 24
#: hours" (docs/formats.md), so by default an entry reports the mean pain of the 24 h before it.
#: (The analysis side names the same question analysis.diary.RECALL_HOURS; painmodel does not
#: import analysis.)
RECALL_HOURS = 24.0
#: Local hour a session starts.
SESSION_HOUR = 10
#: Hours between the points at which pain is averaged over a recall window (midpoints): the
#: quickest after-effect, soreness, halves in 3 h (painmodel.gate), so 2 h steps are fine.
RECALL_STEP_HOURS = 2.0


def _number(name: str, value: Any, low: float, high: float) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not low <= value <= high:
        raise ValueError(f"simulate: {name} = {value!r} is not allowed (allowed: a number {low:g}-{high:g})")
    return float(value)


@dataclass(frozen=True)
class AddedEffect:
    """A step after-effect of every session: ``points`` (+ more pain, - relief) during
    ``[start_hours, end_hours)`` after the session starts."""

    points: float
    start_hours: float
    end_hours: float

    def __post_init__(self) -> None:
        _number("added_effect.points", self.points, -10.0, 10.0)
        _number("added_effect.start_hours", self.start_hours, 0.0, 24.0 * 9)
        if _number("added_effect.end_hours", self.end_hours, 0.0, 24.0 * 9) <= self.start_hours:
            raise ValueError(
                f"simulate: added_effect.end_hours = {self.end_hours!r} is not allowed "
                f"(allowed: more than start_hours = {self.start_hours!r})"
            )

    def at(self, hours: FloatArray) -> FloatArray:
        """The added pain ``hours`` after the session (0 before it)."""
        h = np.asarray(hours, dtype=np.float64)
        return np.where((h >= self.start_hours) & (h < self.end_hours), self.points, 0.0)


@dataclass(frozen=True)
class Scenario:
    """Diary habit, session weekday and added patterns of a simulation (see the module text)."""

    checkin_hour: float = DIARY_HOUR
    recall_hours: float = RECALL_HOURS  # 0: the pain of the moment
    session_weekday: int | None = None
    weekend_rise: float = 0.0
    added_effect: AddedEffect | None = None

    def __post_init__(self) -> None:
        _number("checkin_hour", self.checkin_hour, 0.0, 23.99)
        _number("recall_hours", self.recall_hours, 0.0, 24.0)
        _number("weekend_rise", self.weekend_rise, -5.0, 5.0)
        w = self.session_weekday
        if w is not None and (isinstance(w, bool) or not isinstance(w, int) or not 0 <= w <= 6):
            allowed = "0 = Monday ... 6 = Sunday, or None"
            raise ValueError(f"simulate: session_weekday = {w!r} is not allowed (allowed: {allowed})")
        if self.added_effect is not None and not isinstance(self.added_effect, AddedEffect):
            raise ValueError("simulate: added_effect is not allowed (allowed: an AddedEffect or None)")

    @property
    def entry_after_session_hours(self) -> float:
        """Hours from a session to the diary entry written the same calendar day."""
        return float(self.checkin_hour - SESSION_HOUR)


    def recall_offsets(self) -> FloatArray:
        """Hours, relative to the entry's time, at which the pain it reports is averaged.

        ``[0]`` for an entry reporting the pain of its moment; else the midpoints of
        :data:`RECALL_STEP_HOURS` steps over the ``recall_hours`` before the entry.
        """
        if self.recall_hours <= 0:
            return np.zeros(1)
        steps = max(round(self.recall_hours / RECALL_STEP_HOURS), 1)
        width = self.recall_hours / steps
        return np.asarray(-self.recall_hours + width * (np.arange(steps) + 0.5), dtype=np.float64)

    def weekend_share(self, days: int, first_weekday: int) -> FloatArray:
        """Per diary day, the share of the pain the entry reports that falls on a Saturday or Sunday."""
        hours = 24.0 * np.arange(days)[:, None] + self.checkin_hour + self.recall_offsets()[None, :]
        weekday = (first_weekday + np.floor(hours / 24.0).astype(np.int64)) % 7
        return np.asarray((weekday >= 5).mean(axis=1), dtype=np.float64)


#: The default: the evening diarist answering for the last 24 h, no rhythm, no added effect.
DEFAULT_SCENARIO = Scenario()
