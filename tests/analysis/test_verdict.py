"""The verdict: each state from the evidence a client really has, with numbers in its reasons."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.special import beta as beta_fn

from touchdose.analysis.background import Background, background_aggravation, p_excess
from touchdose.analysis.comparison import Comparison, Refusal
from touchdose.analysis.harm import EXCESS_P, excess_needed, tally_sessions
from touchdose.analysis.response import SessionResponse
from touchdose.analysis.verdict import CAUTION, VERDICT_STATES, Verdict, reach_verdict
from touchdose.records import CheckIn, ClientFile, ClientProfile, Session

T0 = datetime(2026, 1, 5, 10, tzinfo=UTC)
QUIET = Background(events=2, windows=40)  # a client whose pain rarely jumps on its own


def response(outcome: str, pressure: int = 3, day: int = 0) -> SessionResponse:
    aggravated = outcome in ("harmed", "mixed")
    relieved = outcome in ("helped", "mixed")
    known = outcome != "unknown"
    return SessionResponse(
        start=T0 + timedelta(days=7 * day), pressure=pressure, minutes=45, pain_before=6,
        before_source="session", immediate_change=-2 if relieved else 0,
        change_24h=(3 if aggravated else -1 if relieved else 0) if known else None,
        change_48h=0 if known else None, flare=False, aggravated=aggravated, relieved=relieved,
        outcome=outcome,
    )  # fmt: skip


def sessions(*outcomes: str, pressure: int = 3) -> tuple[SessionResponse, ...]:
    return tuple(response(o, pressure, i) for i, o in enumerate(outcomes))


def comparison(outcome: str, effect: float, ci: tuple[float, float], pb: float, ph: float) -> Comparison:
    return Comparison(outcome, effect, ci, pb, ph, 1.0 - pb - ph, 1.0, 0.6, 60, 30, 30, 14, 10)


def pain_refused() -> Refusal:
    reasons = ("Only 3 diary days before the first session.",)
    return Refusal("pain", reasons, ("4 more diary days without massage",))


def test_no_sessions_is_gathering_data_and_says_what_is_missing() -> None:
    v = reach_verdict((), None)
    assert v.state == "gathering_data"
    assert v.missing[0] == "a first massage session, rated before and after"
    assert "daily pain entries in the diary" in v.missing
    assert v.caution == CAUTION


def test_too_few_judged_sessions_asks_for_exactly_the_missing_ones() -> None:
    v = reach_verdict(sessions("helped", "unknown"), {"pain": pain_refused()})
    assert v.state == "gathering_data"
    assert v.missing[0].startswith("2 more sessions with pain rated before")
    assert "4 more diary days without massage" in v.missing
    assert any("1 of 2 sessions could not be judged" in r for r in v.reasons)
    assert any("No pain comparison: Only 3 diary days" in r for r in v.reasons)


def test_mainly_more_pain() -> None:
    v = reach_verdict(sessions(*["harmed"] * 8, "no_effect", "no_effect"), None, QUIET)
    assert v.state == "more_pain"
    assert v.reasons[0] == "Massage mainly brought more pain: 8 of 10 judged sessions."
    assert "stop" in v.caution


def test_more_pain_from_the_diary_alone() -> None:
    comps = {"pain": comparison("pain", 1.8, (1.1, 2.5), 0.0, 0.95)}
    assert reach_verdict(sessions(*["no_effect"] * 5), comps, QUIET).state == "more_pain"


def test_repeated_aggravation_with_relief_is_mixed() -> None:
    comps = {"pain": comparison("pain", -1.5, (-2.2, -0.8), 0.9, 0.0)}
    seen = sessions("helped", "harmed", "helped", "mixed", "helped", "harmed", "helped")
    v = reach_verdict(seen, comps, QUIET)
    assert v.state == "mixed"
    assert "3 of 7 judged sessions were followed by more pain" in v.reasons[0]


def test_aggravation_no_more_often_than_usual_is_not_a_pattern() -> None:
    # 2 of 10 sessions aggravated, but this client's pain jumps in 12 of 40 stretches without massage.
    noisy = Background(events=12, windows=40)
    comps = {"pain": comparison("pain", -1.9, (-2.4, -1.4), 0.96, 0.0)}
    v = reach_verdict(sessions("harmed", "harmed", *["helped"] * 8), comps, noisy)
    assert v.state == "helping"
    assert any("in 12 of 40 two-day stretches" in r for r in v.reasons)


def test_helping_reports_the_effect_in_points() -> None:
    comps = {"pain": comparison("pain", -1.9, (-2.4, -1.4), 0.96, 0.0)}
    v = reach_verdict(sessions(*["helped"] * 6), comps, QUIET)
    assert v.state == "helping"
    text = next(r for r in v.reasons if r.startswith("Pain was 1.9"))
    assert "Pain was 1.9 points lower on massage days" in text
    assert "(95 % interval -2.4 to -1.4)" in text and "96 %" in text


def test_soothing_when_pain_is_unchanged_but_mood_is_meaningfully_better() -> None:
    comps = {
        "pain": comparison("pain", 0.0, (-0.4, 0.4), 0.0, 0.0),
        "mood": comparison("mood", 1.4, (0.9, 1.9), 0.93, 0.0),
    }
    assert reach_verdict(sessions(*["no_effect"] * 6), comps, QUIET).state == "soothing"


def test_soothing_needs_a_minimum_effect_not_only_an_interval_above_zero() -> None:
    # Mood 0.7 points better, interval 0.2-1.2: credibly better, but P(at least the 1-point MID)
    # is only 20 %: not a change anyone would feel (issue 17 item 5).
    comps = {
        "pain": comparison("pain", 0.0, (-0.4, 0.4), 0.0, 0.0),
        "mood": comparison("mood", 0.7, (0.2, 1.2), 0.2, 0.0),
    }
    assert reach_verdict(sessions(*["no_effect"] * 6), comps, QUIET).state == "no_effect"


def test_no_effect_when_nothing_is_measurable() -> None:
    comps = {
        "pain": comparison("pain", 0.0, (-0.4, 0.4), 0.0, 0.0),
        "mood": comparison("mood", 0.1, (-0.3, 0.5), 0.0, 0.0),
        "sleep_hours": Refusal("sleep_hours", ("No sleep entries.",), ("sleep hours in the diary",)),
    }
    v = reach_verdict(sessions(*["no_effect"] * 6), comps, QUIET)
    assert v.state == "no_effect"
    assert any("No sleep hours comparison: No sleep entries." in r for r in v.reasons)


def test_p_excess_matches_the_closed_form() -> None:
    # The background starts from the assumed 10 % as 10 pseudo-observations (1 of 10) and adds
    # the counted windows: with no events in m windows Y ~ Beta(2, 10 + m). All n sessions
    # aggravated: X ~ Beta(1 + n, 1), P(X > y) = 1 - y^(n+1), so
    # P(X > Y) = 1 - E[Y^(n+1)] = 1 - B(n + 3, 10 + m) / B(2, 10 + m)  (exact Beta moments).
    for n, m in [(1, 10), (3, 20), (6, 40)]:
        exact = 1.0 - beta_fn(n + 3, 10 + m) / beta_fn(2, 10 + m)
        assert p_excess(n, n, Background(0, m)) == pytest.approx(exact, abs=1e-6)
    # The same Beta on both sides: P(X > Y) = 1/2 by symmetry (the diary's own rate 50 % as 5 of 10).
    assert p_excess(5, 10, Background(0, 0, own_rate=0.5)) == pytest.approx(0.5, abs=1e-6)
    # No background at all is the assumed 10 % alone.
    assert p_excess(1, 10, None) == pytest.approx(p_excess(1, 10, Background(0, 0)), abs=1e-12)


def _diary(pains: list[int], sessions_on: tuple[int, ...] = ()) -> ClientFile:
    checkins = tuple(CheckIn(time=T0 + timedelta(days=d, hours=10), pain=p) for d, p in enumerate(pains))
    ss = tuple(Session(start=T0 + timedelta(days=d), pressure=2, minutes=30) for d in sessions_on)
    return ClientFile(ClientProfile(id="c-1"), ss, checkins)


def test_background_counts_spontaneous_rises() -> None:
    pains = [5] * 30
    pains[10] = 7
    # Windows may not overlap and reach the 72 h look (84 h): one every 4 days (0, 4, ..., 24; 28
    # lacks its 48 h entry), 7 windows; the rise on day 10 is 2 points above day 8, the
    # before-pain of the window whose 48 h follow-up it is: 1 event.
    b = background_aggravation(_diary(pains))
    assert (b.events, b.windows) == (1, 7)
    # A session on day 20 at 10:00 removes the entries (at 20:00) within 60 h after it (days
    # 20-22) or 84 h before it (days 17-19): windows 0, 4, ..., 16, then 23 and 27.
    b = background_aggravation(_diary(pains, (20,)))
    assert (b.events, b.windows) == (1, 7)
    # The diary's own noise gives the rate too (the client's own, not an assumed one): one
    # 2-point jump in 30 flat days is a rare event.
    assert b.own_rate is not None and b.own_rate < 0.05
    assert b.prior_rate == b.own_rate and b.estimate == (1 + 10 * b.own_rate) / (7 + 10)
    # The 72 h look counts as it does for a session: a rise on day 11 is the 72 h follow-up of
    # the window starting on day 8.
    late = [5] * 30
    late[11] = 7
    b = background_aggravation(_diary(late))
    assert (b.events, b.windows) == (1, 7)


def test_tally_and_to_dict() -> None:
    t = tally_sessions(sessions("helped", "harmed", "unknown", "mixed", pressure=3))
    assert (t.judged, t.aggravated, t.unknown, t.aggravating_pressures) == (3, 2, 1, (3,))
    assert t.last_aggravated
    d = json.loads(json.dumps(reach_verdict(sessions("helped"), None).to_dict()))
    assert set(d) >= {"state", "reasons", "caution"} and d["state"] in VERDICT_STATES


def test_unknown_state_is_rejected() -> None:
    with pytest.raises(ValueError, match="state"):
        Verdict("great", (), CAUTION)


def test_refusals_with_the_same_reason_are_said_once() -> None:
    same = ("Massage days and massage-free days alternated 1 time (3 needed).",)
    comps = {o: Refusal(o, same, ("2 more sessions",)) for o in ("pain", "sleep_hours", "fatigue", "mood")}
    lines = [r for r in reach_verdict(sessions("helped"), comps).reasons if r.startswith("No ")]
    assert lines == ["No pain, sleep hours, fatigue or mood comparison: " + same[0]]


def test_gathering_data_leads_with_what_is_still_needed() -> None:
    v = reach_verdict(sessions("helped"), {"pain": pain_refused()})
    assert v.reasons[0] == (
        "Not enough data for a verdict yet. Still needed: 2 more sessions with pain rated before, and a "
        "diary entry 24 h and 48 h after; 4 more diary days without massage."
    )


outcome_lists = st.lists(st.sampled_from(["helped", "no_effect", "harmed", "mixed", "unknown"]), max_size=16)
pain_results = st.one_of(
    st.none(),
    st.just(pain_refused()),
    st.builds(
        lambda e, pb, ph: comparison("pain", e, (e - 0.6, e + 0.6), pb, min(ph, 1.0 - pb)),
        st.floats(-3, 3), st.floats(0, 1), st.floats(0, 1),
    ),
)


@settings(max_examples=80, deadline=None, derandomize=True)
@given(outcomes=outcome_lists, pain=pain_results, events=st.integers(0, 20))
def test_verdict_invariants(outcomes: list[str], pain: Comparison | Refusal | None, events: int) -> None:
    background = Background(events, 40)
    comps = None if pain is None else {"pain": pain}
    v = reach_verdict(sessions(*outcomes), comps, background)
    assert v.state in VERDICT_STATES and v.reasons and v.caution.startswith(CAUTION)
    assert (v.state == "gathering_data") == bool(v.missing)
    judged = [o for o in outcomes if o != "unknown"]
    if len(judged) < 3:
        # Never a verdict on benefit from fewer than three judged sessions; harm is said at once
        # (safety first: two of two sessions followed by more pain is already a warning).
        assert v.state in ("gathering_data", "more_pain", "mixed")
    assert v.headline and len(v.headline.split()) <= 25
    if v.state == "helping":
        assert isinstance(pain, Comparison) and pain.p_benefit >= 0.8
    # One more aggravated session never softens a warning: the share and P(excess) only grow.
    worse = reach_verdict(sessions(*outcomes, "harmed"), comps, background)
    if v.state == "more_pain":
        assert worse.state == "more_pain"
    if v.state == "mixed":
        assert worse.state in ("mixed", "more_pain")


def test_rate_uses_sessions_with_both_follow_ups() -> None:
    # A session missing a follow-up is judged only when it aggravated, so counting those would
    # inflate the rate: 3 such sessions plus 1 aggravation in 10 complete ones is no pattern.
    partial = tuple(
        SessionResponse(
            start=T0 + timedelta(days=100 + 7 * i), pressure=3, minutes=45, pain_before=5,
            before_source="session", immediate_change=0, change_24h=3, change_48h=None, flare=False,
            aggravated=True, relieved=False, outcome="harmed",
        )
        for i in range(3)
    )  # fmt: skip
    rs = sessions("harmed", *["no_effect"] * 9) + partial
    t = tally_sessions(rs)
    assert (t.judged, t.aggravated) == (13, 4)
    assert t.rate_sample == (1, 10)
    comps = {"pain": comparison("pain", 0.0, (-0.4, 0.4), 0.0, 0.0)}
    assert reach_verdict(rs, comps, QUIET).state == "no_effect"


def test_two_of_two_sessions_with_more_pain_are_said_at_once() -> None:
    # Issue 11: 2 of 2 sessions followed by more pain read "Still gathering data" before.
    v = reach_verdict(sessions("harmed", "harmed"), {"pain": pain_refused()})
    assert v.state == "more_pain" and v.harmful_from == 3
    assert "more pain" in v.headline


def test_each_later_aggravation_is_a_look_that_gets_a_smaller_share_of_the_error() -> None:
    # Harmonic error spending: the k-th look that can show a pattern is allowed 1/k of the first's.
    assert excess_needed(2) == EXCESS_P
    for k in range(1, 12):
        assert 1.0 - excess_needed(k + 1) == pytest.approx((1.0 - EXCESS_P) / k)
    # A client whose pain jumps in a third of its massage-free stretches, 4 of its first 4
    # sessions followed by a jump (a 1 % chance for such a client even without harm): enough for
    # the first look's level, not for the third look's.
    noisy = Background(events=7, windows=21, own_rate=0.33)
    assert EXCESS_P <= p_excess(4, 4, noisy) < excess_needed(4)
    v = reach_verdict(sessions(*["harmed"] * 4), {"pain": pain_refused()}, noisy)
    assert v.state == "gathering_data"
    # The same four sessions for a client whose pain rarely jumps on its own are more pain.
    assert reach_verdict(sessions(*["harmed"] * 4), {"pain": pain_refused()}, QUIET).state == "more_pain"


def test_quiet_stretches_do_not_make_a_noisy_diary_quiet() -> None:
    # Counted massage-free stretches far quieter than the diary says (0 of 21 against the diary's
    # own 26 %, e.g. all of them mid-week): 2 of 2 is held to the diary's own rate too, and is no
    # pattern for such a client, while 2 of 2 against a quiet background still counts at once.
    quiet_stretches = Background(events=0, windows=21, own_rate=0.26)
    assert p_excess(2, 2, quiet_stretches) < EXCESS_P
    assert p_excess(2, 2, quiet_stretches) == pytest.approx(p_excess(2, 2, Background(0, 0, 0.26)))
    two = sessions("harmed", "harmed")
    assert reach_verdict(two, {"pain": pain_refused()}, quiet_stretches).state != "more_pain"
    assert p_excess(2, 2, Background(events=0, windows=21, own_rate=0.08)) >= EXCESS_P
    assert reach_verdict(sessions("harmed", "harmed"), {"pain": pain_refused()}, QUIET).state == "more_pain"


def test_harm_only_at_firmer_pressures_is_mixed_not_averaged_away() -> None:
    # Fine at pressure 2, then 3 and 4 followed by more pain: not "no effect" (issue 11 item 4).
    rs = tuple(response("no_effect", 2, d) for d in range(8)) + tuple(
        response("harmed", p, 8 + d) for d, p in enumerate((3, 3, 4))
    )
    comps = {"pain": comparison("pain", 0.1, (-0.5, 0.7), 0.0, 0.01)}
    v = reach_verdict(rs, comps, QUIET)
    assert (v.state, v.harmful_from) == ("mixed", 3)
    assert v.reasons[0].startswith("Sessions at pressure 3 or firmer were followed by more pain (3 of 3)")
    assert v.headline == "Moderate pressure or firmer was followed by more pain."


def test_the_goal_decides_which_outcome_leads() -> None:
    pain = comparison("pain", -0.2, (-0.8, 0.4), 0.05, 0.0)
    sleep = comparison("sleep_hours", 0.9, (0.4, 1.4), 0.9, 0.0)
    mood = comparison("mood", 1.2, (0.5, 1.9), 0.85, 0.0)
    comps = {"pain": pain, "sleep_hours": sleep, "mood": mood}
    rs = sessions("no_effect", "no_effect", "no_effect", "no_effect")
    for goals, lead, words in (
        ((), "mood", "lift your mood"),
        (("better_sleep",), "sleep_hours", "sleep longer"),
        (("less_stress", "better_sleep"), "mood", "lift your mood"),
    ):
        v = reach_verdict(rs, comps, QUIET, goals=goals)
        assert (v.state, v.lead) == ("soothing", lead)
        assert words in v.headline
    # The reasons give the goal's outcome before the others.
    v = reach_verdict(rs, comps, QUIET, goals=("better_sleep",))
    said = [r for r in v.reasons if r.startswith(("Sleep hours was", "Mood was", "Pain was"))]
    assert said[0].startswith("Sleep hours")
