"""The plan: pressure, minutes, frequency, regions to avoid, each with why."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from touchdose.analysis.plan import MIN_MINUTES, assess, make_plan
from touchdose.analysis.response import SessionResponse
from touchdose.analysis.titration import Exposure, titrate
from touchdose.analysis.verdict import CAUTION, Verdict
from touchdose.evidence.doses import starting_dose
from touchdose.records import CheckIn, ClientFile, ClientProfile, Session

T0 = datetime(2026, 1, 5, 10, tzinfo=UTC)
FIBRO = ClientProfile(id="c-1", conditions=("fibromyalgia",))


def response(outcome: str, pressure: int, day: int) -> SessionResponse:
    aggravated = outcome in ("harmed", "mixed")
    return SessionResponse(
        start=T0 + timedelta(days=7 * day), pressure=pressure, minutes=30, pain_before=6,
        before_source="session", immediate_change=0, change_24h=3 if aggravated else 0, change_48h=0,
        flare=False, aggravated=aggravated, relieved=outcome in ("helped", "mixed"), outcome=outcome,
    )  # fmt: skip


def verdict(state: str) -> Verdict:
    return Verdict(state, ("test",), CAUTION)


def test_more_pain_means_stop_or_very_light_touch_only() -> None:
    rs = tuple(response("harmed", 3, d) for d in range(5))
    p = make_plan(FIBRO, verdict("more_pain"), titrate([Exposure(3, True)] * 5), rs)
    dose = starting_dose("fibromyalgia")  # Field 2002: 30 minutes twice a week
    assert (p.pressure, p.stop, p.sessions_per_week) == (1, True, 1)
    assert p.minutes == max(MIN_MINUTES, round(dose.minutes / 2 / 5) * 5)
    assert p.why[0].startswith("Massage mainly brought more pain: stop, or try very light touch only")


def test_mixed_goes_below_the_pressure_that_hurt_and_shortens() -> None:
    rs = tuple(response(o, 3, d) for d, o in enumerate(["helped", "harmed", "helped", "harmed", "helped"]))
    t = titrate([Exposure(2, False)] * 3 + [Exposure(3, False)] * 2, sensitivity="typical")
    assert t.recommended_pressure >= 3
    p = make_plan(FIBRO, verdict("mixed"), t, rs)
    dose = starting_dose("fibromyalgia")
    assert p.pressure == 2
    assert p.minutes == 20 and p.minutes < dose.minutes
    assert p.sessions_per_week == dose.sessions_per_week - 1
    assert any("gentler than pressure 3" in w for w in p.why)


def test_helping_follows_the_titration_and_the_trial_dose() -> None:
    rs = tuple(response("helped", 2, d) for d in range(4))
    t = titrate([Exposure(2, False)] * 4, sensitivity="high")
    p = make_plan(ClientProfile(id="c-2", conditions=("neck_pain",)), verdict("helping"), t, rs)
    dose = starting_dose("neck_pain")  # Sherman 2014: 60 minutes
    assert (p.pressure, p.minutes, p.sessions_per_week) == (t.recommended_pressure, dose.minutes, 2)
    assert not p.stop


def test_gentlest_dose_among_several_conditions() -> None:
    profile = ClientProfile(id="c-3", conditions=("knee_osteoarthritis", "fibromyalgia"))
    p = make_plan(profile, verdict("gathering_data"), titrate([]), ())
    assert (p.minutes, p.sessions_per_week) == (30, 2)  # fibromyalgia 30x2 = 60 <= knee 60x1


def test_avoid_regions_from_the_client_and_from_aggravating_sessions() -> None:
    profile = ClientProfile(id="c-4", avoid_regions=("neck",))
    ss = (
        Session(start=T0, pressure=2, minutes=30, regions=("upper_back", "lower_back")),
        Session(start=T0 + timedelta(days=7), pressure=2, minutes=30, regions=("upper_back", "hip_left")),
        Session(start=T0 + timedelta(days=14), pressure=2, minutes=30, regions=("upper_back", "hip_left")),
    )
    rs = (response("helped", 2, 0), response("harmed", 2, 1), response("harmed", 2, 2))
    p = make_plan(profile, verdict("mixed"), titrate([]), rs, ss)
    assert p.avoid_regions == ("neck", "hip_left")
    assert "Avoid neck: you asked for it." in p.why
    assert any("all 2 judged sessions that included it were followed by more pain" in w for w in p.why)


states = st.sampled_from(["gathering_data", "helping", "soothing", "no_effect", "mixed", "more_pain"])
history = st.lists(
    st.tuples(st.sampled_from(["helped", "no_effect", "harmed", "mixed"]), st.integers(1, 5)), max_size=10
)


@settings(max_examples=80, deadline=None, derandomize=True)
@given(
    state=states,
    outcomes=history,
    max_pressure=st.one_of(st.none(), st.integers(1, 5)),
)
def test_plan_invariants(state: str, outcomes: list[tuple[str, int]], max_pressure: int | None) -> None:
    profile = ClientProfile(id="c-5", conditions=("low_back_pain",), max_pressure=max_pressure)
    rs = tuple(response(o, p, d) for d, (o, p) in enumerate(outcomes))
    t = titrate([Exposure(r.pressure, r.aggravated) for r in rs], max_pressure=max_pressure)
    p = make_plan(profile, verdict(state), t, rs)
    assert 1 <= p.pressure <= (max_pressure or 5)
    assert p.pressure <= t.recommended_pressure
    assert MIN_MINUTES <= p.minutes <= starting_dose("low_back_pain").minutes
    assert 1 <= p.sessions_per_week <= starting_dose("low_back_pain").sessions_per_week
    hurt = [r.pressure for r in rs if r.aggravated]
    if state in ("mixed", "more_pain") and hurt and min(hurt) > 1:
        assert p.pressure < min(hurt)  # never re-recommend the pressure that hurt
    assert p.why and all(isinstance(w, str) and w for w in p.why)
    assert json.loads(json.dumps(p.to_dict()))["pressure"] == p.pressure


def test_assess_on_a_client_file() -> None:
    ss = tuple(
        Session(start=T0 + timedelta(days=d), pressure=3, minutes=30, pain_before=5, pain_after=5)
        for d in (10, 17, 24, 31)
    )
    # Pain 5 every evening, but 8 on the two days after each session: four aggravations.
    bad_days = {d + k for d in (10, 17, 24, 31) for k in (1, 2)}
    cis = tuple(
        CheckIn(time=T0 + timedelta(days=d, hours=10), pain=8 if d in bad_days else 5) for d in range(36)
    )
    a = assess(ClientFile(FIBRO, ss, cis), sensitivity="high")
    assert a.verdict.state == "more_pain"
    assert a.plan.pressure == 1 and a.plan.stop
    assert a.titration.aggravations["3"] == 4
    assert set(a.to_dict()) == {"titration", "verdict", "plan"}


def test_no_dialling_up_without_a_benefit() -> None:
    rs = tuple(response("no_effect", 3, d) for d in range(6))
    t = titrate([Exposure(3, False)] * 6, sensitivity="low")
    assert t.recommended_pressure == 4
    for state, expected in (("no_effect", 3), ("soothing", 3), ("helping", 4)):
        p = make_plan(FIBRO, verdict(state), t, rs)
        assert p.pressure == expected, state
    soothing = make_plan(FIBRO, verdict("soothing"), t, rs)
    assert any(w.startswith("Staying at pressure 3") for w in soothing.why)
