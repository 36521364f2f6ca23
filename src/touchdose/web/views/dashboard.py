"""The results page: the engine's headline, action and plan first, the reasons one tap away, then
the four outcomes in one table, the charts and each session.

Everything here renders the engine's result objects (:class:`~touchdose.analysis.engine.ClientAnalysis`
from the one selector, :func:`touchdose.web.selectors.client_analysis`); the sentences that judge
(headline, action, reasons, what an outcome's comparison found) are the engine's
(:mod:`touchdose.analysis.wording`). This module only lays numbers out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from touchdose.analysis.comparison import DIARY_OUTCOMES, Comparison, ComparisonSet, Refusal
from touchdose.analysis.plan import Plan
from touchdose.analysis.response import FOLLOWUP_48H_HOURS, OUTCOME_WORDS, DataSummary, SessionResponse
from touchdose.analysis.verdict import outcome_finding
from touchdose.analysis.wording import outcome_meaning
from touchdose.records import AREA_LABELS, PRESSURE_NAMES
from touchdose.text import count
from touchdose.web import selectors
from touchdose.web.models import Client

#: Sessions listed in the results page's table (the most recent first); all are on the session list.
TABLE_SESSIONS = 20
#: A session whose outcome is unknown: still waiting while its last follow-up window is open,
#: otherwise the follow-ups were missed and it will stay unknown.
UNKNOWN_WAITING, UNKNOWN_MISSED = "waiting for the follow-ups", "no follow-up, not known"
#: How each outcome's change reads, by direction (the outcome's own units).
_UNITS = {"sleep_hours": ("h", "longer", "shorter")}
_POINTS = ("points", "higher", "lower")


@dataclass(frozen=True)
class OutcomeRow:
    """One line of the outcomes table: what changed on massage days, how sure, what it means."""

    label: str
    change: str
    interval: str
    meaning: str
    finding: str


@dataclass(frozen=True)
class SessionRow:
    """One session as the results table shows it (changes in points, minus is less pain)."""

    response: SessionResponse
    pressure_name: str
    immediate: str
    at_24h: str
    at_48h: str
    outcome: str


def _signed(change: int | None) -> str:
    return "–" if change is None else f"{change:+d}"


def outcome_rows(comparison: ComparisonSet | None) -> list[OutcomeRow]:
    """The four diary outcomes in report order; those the engine did not compare are left out."""
    if comparison is None:
        return []
    rows = []
    for name, outcome in DIARY_OUTCOMES.items():
        found = comparison.results.get(name)
        if found is None:
            continue
        finding = outcome_finding(found)
        meaning = outcome_meaning(name, finding)
        label = outcome.label.capitalize()
        if isinstance(found, Refusal):
            rows.append(OutcomeRow(label, "–", "", meaning, finding))
            continue
        rows.append(OutcomeRow(label, _change(found), _interval(found), meaning, finding))
    return rows


def _change(c: Comparison) -> str:
    unit, up, down = _UNITS.get(c.outcome, _POINTS)
    return f"{abs(c.effect):.1f} {unit} {up if c.effect > 0 else down}"


def _interval(c: Comparison) -> str:
    lo, hi = (round(x, 1) + 0.0 for x in c.ci95)  # + 0.0: never "-0.0"
    unit = _UNITS.get(c.outcome, _POINTS)[0]
    return f"{lo:+.1f} to {hi:+.1f} {unit}"


def session_rows(responses: tuple[SessionResponse, ...], now: datetime) -> list[SessionRow]:
    rows = []
    for r in reversed(responses[-TABLE_SESSIONS:]):
        outcome = OUTCOME_WORDS.get(r.outcome, r.outcome)
        if r.outcome == "unknown":
            closed = now >= r.start + timedelta(hours=FOLLOWUP_48H_HOURS[1])
            outcome = UNKNOWN_MISSED if closed else UNKNOWN_WAITING
        rows.append(SessionRow(r, PRESSURE_NAMES[r.pressure], _signed(r.immediate_change),
                               _signed(r.change_24h), _signed(r.change_48h), outcome))  # fmt: skip
    return rows


def data_words(data: DataSummary) -> str:
    """How much there is to go on, in one sentence with correct plurals (never "0 of 0")."""
    if data.checkin_days == 0 and data.sessions == 0:
        return "No check-ins or sessions yet."
    days = count(data.checkin_days, "day")
    text = f"So far: {days} with a check-in"
    if data.sessions:
        text += f" ({data.baseline_days} before the first massage), {count(data.sessions, 'session')}"
        text += f", {data.sessions_with_followup} with a follow-up"
    return text + "."


def plan_words(plan: Plan | None) -> str:
    """The plan's numbers in a line: "Pressure 2 (light), 30 minutes, up to 2 a week"."""
    if plan is None:
        return ""
    if plan.stop or plan.pressure is None:
        return "No massage for now."
    return (f"Pressure {plan.pressure} ({PRESSURE_NAMES[plan.pressure]}), {count(plan.minutes, 'minute')}, "
            f"up to {plan.sessions_per_week} a week.")  # fmt: skip


def dashboard_context(*, actor: Any, client: Client) -> dict[str, Any]:
    found = selectors.client_analysis(actor=actor, client=client)
    analysis = found.analysis
    plan = analysis.plan
    return {
        "analysis": analysis,
        "verdict": analysis.verdict,
        "plan": plan,
        "plan_words": plan_words(plan),
        "avoid_labels": [AREA_LABELS.get(a, a) for a in plan.avoid_regions] if plan else [],
        "data_words": data_words(analysis.data),
        "notes": found.notes,
        "outcomes": outcome_rows(analysis.comparison),
        "charts": selectors.client_charts(client=client, found=found),
        "session_rows": session_rows(analysis.sessions, timezone.now()),
    }
