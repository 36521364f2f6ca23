"""The weekly rhythm taken out of follow-up changes; late harm judged against the usual pain (issue 11)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from touchdose.analysis.background import Background, background_aggravation
from touchdose.analysis.harm import EXCESS_P, MIN_LOOK_SESSIONS, judge_harm
from touchdose.analysis.plan import assess
from touchdose.analysis.response import (
    Diary,
    SessionResponse,
    client_rhythm,
    session_response,
    session_responses,
)
from touchdose.analysis.rhythm import NO_RHYTHM
from touchdose.records import CheckIn, ClientFile, ClientProfile, Session

MONDAY = datetime(2026, 1, 5, tzinfo=UTC)
DAYS = 119


def _client(level: list[float], session_days: list[int], *, sd: float = 0.5, seed: int = 7) -> ClientFile:
    """Evening entries of ``level`` plus noise, rounded; sessions at 10:00 rated at the day's level."""
    rng = np.random.default_rng(seed)
    pains = np.clip(np.rint(np.asarray(level) + rng.normal(0.0, sd, len(level))), 0, 10).astype(int)
    checkins = tuple(
        CheckIn(time=MONDAY + timedelta(days=d, hours=20), pain=int(pains[d])) for d in range(len(level))
    )
    sessions = tuple(
        Session(start=MONDAY + timedelta(days=d, hours=10), pressure=3, minutes=45,
                pain_before=int(np.rint(level[d])))
        for d in session_days
    )  # fmt: skip
    return ClientFile(ClientProfile(id="c-rhythm"), sessions, checkins)


def _weekend_client() -> ClientFile:
    """Weekends 2 points better, no massage effect at all, a session every Saturday after 3 weeks."""
    level = [3.0 if d % 7 >= 5 else 5.0 for d in range(DAYS)]
    return _client(level, list(range(26, DAYS - 3, 7)))


def test_a_saturday_client_without_a_massage_effect_is_not_judged_harmed() -> None:
    cf = _weekend_client()
    rhythm = client_rhythm(cf)
    assert rhythm.p is not None and rhythm.p < 0.05
    assert rhythm.term(5, 2) == 2  # Saturday to Wednesday: the rhythm alone brings 2 points
    assert rhythm.term(5, 0) >= 2  # ... and to Monday (seen massage-free in the baseline only)
    assert rhythm.term(1, 3) == 0  # Tuesday to Thursday: nothing
    harm = judge_harm(session_responses(cf), background_aggravation(cf))
    assert harm.state is None
    # Without the rhythm every Saturday session reads as followed by more pain (the old miss).
    diary = Diary(cf.checkins)
    raw = [session_response(s, diary, NO_RHYTHM) for s in cf.sessions]
    assert sum(r.aggravated for r in raw) >= len(raw) - 2
    counted = background_aggravation(cf, rhythm=NO_RHYTHM)
    assert judge_harm(raw, Background(counted.events, counted.windows)).state == "more_pain"


def test_a_massage_effect_on_the_same_weekday_every_week_is_not_taken_for_the_rhythm() -> None:
    # Pain 2 points higher the two days after every Wednesday session: massage-free entries never
    # include those days, so no weekly rhythm is found and the harm stays visible.
    sessions = list(range(23, DAYS - 3, 7))
    level = [7.0 if any(0 < d - s <= 2 for s in sessions) else 5.0 for d in range(DAYS)]
    cf = _client(level, sessions)
    assert not any(client_rhythm(cf).offsets)
    assert judge_harm(session_responses(cf), background_aggravation(cf)).state == "more_pain"


def test_no_rhythm_in_a_diary_without_one() -> None:
    cf = _client([5.0] * DAYS, list(range(21, DAYS - 3, 7)), seed=3)
    rhythm = client_rhythm(cf)
    assert not any(rhythm.offsets) and rhythm.line is not None


def _late(above: float, day: int) -> SessionResponse:
    """A Wednesday session with no 2-point rise anywhere, its 48 h and 72 h pains ``above`` the usual."""
    return SessionResponse(MONDAY + timedelta(days=day + 2, hours=10), 3, 45, 5, "session", 0, 0, 1, False,
                           False, False, "no_effect", 1, (0, 1, 1), (0.0, above, above))  # fmt: skip


def test_late_harm_below_the_two_point_rule_is_found_at_the_late_looks() -> None:
    usual = Background(0, 20, 0.1, tuple(float(x) for x in [-1, 0, 0, 1] * 10))
    fine = [_late(0.0, 7 * w) for w in range(2)]
    harm = judge_harm(fine + [_late(1.5, 7 * w) for w in range(2, 12)], usual)
    assert (harm.state, harm.look_hours, harm.harmful_from) == ("more_pain", 48, 3)
    assert harm.shift == pytest.approx(1.5) and harm.excess is not None and harm.excess >= EXCESS_P
    assert (harm.aggravated, harm.sessions) == (10, 12)
    reason = harm.look_reason()
    assert reason is not None and reason.startswith("48 h after sessions pain was typically 1.5 points above")
    # Half a point above the usual is within the diary's MID: not a pattern, however consistent.
    assert judge_harm(fine + [_late(0.5, 7 * w) for w in range(2, 12)], usual).state is None
    # Too few sessions with the look: no test at all.
    assert judge_harm([_late(3.0, 7 * w) for w in range(MIN_LOOK_SESSIONS - 1)], usual).state is None


def test_a_client_harmed_two_and_three_days_after_sessions_gets_a_plan_below_the_harm() -> None:
    sessions = list(range(24, DAYS - 3, 7))
    late = {s + k for s in sessions for k in (2, 3)}
    cf = _client([6.4 if d in late else 5.0 for d in range(DAYS)], sessions, sd=0.3)
    a = assess(cf, sensitivity="typical")
    assert a.verdict.state in ("mixed", "more_pain") and a.verdict.harmful_from == 3
    assert a.plan.pressure is None or a.plan.pressure < 3
