"""Session response: immediate, 24 h and 48 h change and the outcome class (docs/design.md item 1)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from touchdose.analysis.response import (
    AGGRAVATION_POINTS,
    FOLLOWUP_24H_HOURS,
    SESSION_OUTCOMES,
    classify,
    data_summary,
    session_responses,
)
from touchdose.records import CheckIn, ClientFile, ClientProfile, Session

T0 = datetime(2026, 1, 12, 10, tzinfo=UTC)


def _client(session: Session, followups: dict[float, int], flare_at: float | None = None) -> ClientFile:
    checkins = tuple(
        CheckIn(time=T0 + timedelta(hours=h), pain=p, flare=(h == flare_at)) for h, p in followups.items()
    )
    return ClientFile(client=ClientProfile(id="c"), sessions=(session,), checkins=checkins)


def _session(**kw: object) -> Session:
    return Session(start=T0, pressure=kw.pop("pressure", 2), minutes=45, **kw)  # type: ignore[arg-type]


def test_relief_that_lasts_is_helped() -> None:
    r = session_responses(_client(_session(pain_before=6, pain_after=4), {24: 5, 48: 6}))[0]
    assert (r.immediate_change, r.change_24h, r.change_48h, r.outcome) == (-2, -1, 0, "helped")


def test_relief_then_a_flare_the_next_day_is_mixed() -> None:
    r = session_responses(_client(_session(pain_before=5, pain_after=3), {24: 7, 48: 6}))[0]
    assert r.change_24h == AGGRAVATION_POINTS and r.outcome == "mixed"


def test_aggravation_without_relief_is_harmed_even_before_the_48h_follow_up() -> None:
    r = session_responses(_client(_session(pain_before=5, pain_after=5), {24: 7}))[0]
    assert r.change_48h is None and r.outcome == "harmed"


def test_a_flare_in_the_diary_after_the_session_is_aggravation() -> None:
    r = session_responses(_client(_session(pain_before=5, pain_after=5), {24: 6, 48: 5}, flare_at=24))[0]
    assert r.flare and r.outcome == "harmed"


def test_a_missing_follow_up_is_unknown_not_guessed() -> None:
    r = session_responses(_client(_session(pain_before=6, pain_after=4), {24: 5}))[0]
    assert r.outcome == "unknown"


def test_follow_up_windows_are_18_to_36_and_36_to_60_hours() -> None:
    # A check-in at 17 h is too early for the 24 h follow-up, one at 36 h is the 48 h one.
    r = session_responses(_client(_session(pain_before=6), {17: 1, 36: 8}))[0]
    assert FOLLOWUP_24H_HOURS == (18.0, 36.0)
    assert r.change_24h is None and r.change_48h == 2


def test_the_diary_stands_in_for_a_missing_before_pain_and_says_so() -> None:
    cf = _client(_session(pain_after=4), {-2: 6, 24: 5, 48: 5})
    r = session_responses(cf)[0]
    assert (r.pain_before, r.before_source, r.immediate_change) == (6, "diary", -2)


def test_data_summary_counts_diary_baseline_and_follow_ups() -> None:
    cf = _client(_session(pain_before=6), {-48: 6, -24: 6, 24: 5, 48: 5})
    assert data_summary(cf).to_dict() == {
        "checkin_days": 4, "baseline_days": 2, "sessions": 1, "sessions_with_followup": 1,
    }  # fmt: skip


changes = st.none() | st.integers(-10, 10)


@given(changes, changes, changes, st.booleans())
def test_outcome_is_always_a_known_class_and_consistent(
    immediate: int | None, c24: int | None, c48: int | None, flare: bool
) -> None:
    outcome, aggravated, relieved = classify(immediate, c24, c48, flare)
    assert outcome in SESSION_OUTCOMES
    if flare:
        assert outcome in ("harmed", "mixed")
    if outcome == "helped":
        assert relieved and not aggravated and c24 is not None and c48 is not None


@pytest.mark.parametrize("followups", [{}, {24: 5}, {48: 5}])
def test_no_aggravation_seen_with_a_follow_up_missing_stays_unknown(followups: dict[float, int]) -> None:
    r = session_responses(_client(_session(pain_before=6, pain_after=6), followups))[0]
    assert r.outcome == "unknown"


# --- Issue 17: relief at 2 points or 30 %, the 72 h look, morning and evening diarists ---------


@pytest.mark.parametrize(
    ("before", "after", "relieved"),
    [
        (8, 7, False),  # 1 point = 12.5 %: within one rating's measurement error (about 1.8 points)
        (8, 6, True),  # 2 points (Farrar 2001, Mease 2011)
        (5, 4, False),  # 1 point = 20 %
        (5, 3, True),  # 2 points = 40 %
        (3, 2, True),  # 1 point = 33 %: 30 % of a low pain
        (2, 2, False),
    ],
)
def test_one_session_relief_is_2_points_or_30_percent(before: int, after: int, relieved: bool) -> None:
    cf = _client(_session(pain_before=before, pain_after=after), {24: before, 48: before})
    r = session_responses(cf)[0]
    assert r.relieved is relieved
    assert r.outcome == ("helped" if relieved else "no_effect")


def test_the_72_hour_look_catches_harm_that_shows_late() -> None:
    # Pain 5 before; the same at 24 h and 48 h; 2 points up at 72 h: aggravation, "harmed".
    r = session_responses(_client(_session(pain_before=5, pain_after=5), {24: 5, 48: 5, 72: 7}))[0]
    assert (r.change_72h, r.aggravated, r.outcome) == (2, True, "harmed")
    assert r.to_dict()["change_72h"] == 2
    # Without the 72 h entry the session is judged on 24 h and 48 h, as before.
    r = session_responses(_client(_session(pain_before=5, pain_after=5), {24: 5, 48: 5}))[0]
    assert (r.change_72h, r.outcome) == (None, "no_effect")
    # A flare reported 80 h after counts; one 90 h after is outside the last window.
    assert session_responses(_client(_session(pain_before=5), {24: 5, 48: 5, 80: 5}, flare_at=80))[0].flare
    late = _client(_session(pain_before=5), {24: 5, 48: 5, 90: 5}, flare_at=90)
    assert not session_responses(late)[0].flare


@pytest.mark.parametrize("diary_hour", [8, 20])
def test_follow_ups_work_for_morning_and_evening_diarists(diary_hour: int) -> None:
    # A 10:00 session; entries every day at the diarist's hour: the morning diarist's 24 h
    # follow-up is the next morning (22 h: it covers the 22 h since the session), the evening
    # diarist's the next evening (34 h). Each window holds exactly one entry.
    first = T0.replace(hour=diary_hour) - timedelta(days=1)
    pains = [5, 5, 4, 3, 6, 5, 5]
    checkins = tuple(CheckIn(first + timedelta(days=d), pain=p) for d, p in enumerate(pains))
    cf = ClientFile(ClientProfile(id="c"), sessions=(_session(pain_before=5),), checkins=checkins)
    r = session_responses(cf)[0]
    # Entry 1 is on the session day (2 h before it, or 10 h after): no follow-up either way.
    assert (r.change_24h, r.change_48h, r.change_72h) == tuple(pains[i] - 5 for i in (2, 3, 4))
