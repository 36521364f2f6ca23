"""Issue 17's kinds of simulated client: the diary read for the hours it covers.

Each kind is a physiology of the simulator (``touchdose.painmodel``) plus a scenario
(``touchdose.painmodel.scenario.Scenario``): when the diary is written (every entry answers
the check-in's question, the average pain of the last 24 h), which weekday the sessions fall
on, a weekly rhythm, and an after-effect of known size and timing added to every session.
``benchmarks/verdicts.py --part issue17`` runs them under the fixed moderate routine and
checks the goals below (docs/validation.md, "Reading the diary right").
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

from touchdose.painmodel.scenario import AddedEffect, Scenario

#: A true benefit of 1.5 points during the 72 h after each session (the exposure window), and
#: harm of 2 points (the aggravation threshold) on days 2-4 (48-120 h) or 3-5 (72-144 h).
BENEFIT = AddedEffect(-1.5, 0.0, 72.0)
LATE_HARM = AddedEffect(2.0, 48.0, 120.0)
LATE_HARM_SMALL = AddedEffect(1.5, 48.0, 120.0)
LATER_HARM = AddedEffect(2.0, 72.0, 144.0)
EVENING, MORNING = 20, 8
#: A rise on Saturdays and Sundays that has nothing to do with massage, sessions on Mondays.
WEEKEND_RISE = 1.5
MONDAY = 0


@dataclass(frozen=True)
class DiaryKind:
    """A named kind: the simulator's physiology and the scenario it lives in."""

    name: str
    physiology: str
    scenario: Scenario
    what: str


def _kind(name: str, physiology: str, hour: int, what: str, **options: object) -> DiaryKind:
    return DiaryKind(name, physiology, Scenario(checkin_hour=hour, recall_hours=24.0, **options), what)  # type: ignore[arg-type]


DIARY_KINDS: tuple[DiaryKind, ...] = (
    _kind("benefit_evening", "no_effect", EVENING, "1.5 points less pain for 72 h, diary at 20:00",
          added_effect=BENEFIT),
    _kind("benefit_morning", "no_effect", MORNING, "the same, diary at 08:00", added_effect=BENEFIT),
    _kind("helps_evening", "helps", EVENING, "the simulator's helped clients, diary at 20:00"),
    _kind("helps_morning", "helps", MORNING, "the same, diary at 08:00"),
    _kind("late_harm_evening", "no_effect", EVENING, "2 points more pain on days 2-4, diary at 20:00",
          added_effect=LATE_HARM),
    _kind("late_harm_morning", "no_effect", MORNING, "the same, diary at 08:00", added_effect=LATE_HARM),
    _kind("late_harm_small", "no_effect", EVENING, "1.5 points more on days 2-4, diary at 20:00",
          added_effect=LATE_HARM_SMALL),
    _kind("later_harm_evening", "no_effect", EVENING, "2 points more on days 3-5, diary at 20:00",
          added_effect=LATER_HARM),
    _kind("later_harm_morning", "no_effect", MORNING, "the same, diary at 08:00", added_effect=LATER_HARM),
    _kind("monday_weekend_evening", "no_effect", EVENING, "no effect, Monday sessions, weekend +1.5, 20:00",
          session_weekday=MONDAY, weekend_rise=WEEKEND_RISE),
    _kind("monday_weekend_morning", "no_effect", MORNING, "the same, diary at 08:00",
          session_weekday=MONDAY, weekend_rise=WEEKEND_RISE),
    _kind("no_effect_morning", "no_effect", MORNING, "no effect at all, diary at 08:00"),
    DiaryKind("monday_weekend_moment", "no_effect",
              Scenario(session_weekday=MONDAY, weekend_rise=WEEKEND_RISE, recall_hours=0.0),
              "Monday sessions, weekend +1.5, the 20:00 entry reporting the pain of that moment"),
)  # fmt: skip


class _Arm(Protocol):
    def share(self, *states: str) -> float: ...


def diary_goals(by: Mapping[str, _Arm]) -> list[tuple[str, float, str, bool]]:
    """Issue 17's goals: (what, value, goal, met)."""
    out: list[tuple[str, float, str, bool]] = []
    for pair in ("benefit", "helps"):
        e, m = by[f"{pair}_evening"].share("helping"), by[f"{pair}_morning"].share("helping")
        out.append((f"{pair}: morning minus evening diarists judged helping", m - e, "within +/-5 points",
                    abs(m - e) <= 0.05))  # fmt: skip
    for when in ("evening", "morning"):
        caught = by[f"late_harm_{when}"].share("more_pain", "mixed")
        name = f"late harm (days 2-4), {when} diary: more_pain or mixed"
        out.append((name, caught, ">= 90 %", caught >= 0.9))
        false = by[f"monday_weekend_{when}"].share("helping")
        name = f"Monday sessions, weekend rise, no effect, {when} diary: helping"
        out.append((name, false, "<= 5 %", false <= 0.05))
    return out

