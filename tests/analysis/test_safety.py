"""Safety screening (issue 17): each contraindication caps or stops the plan as docs/design.md says,
each red flag gives its level and stops the plan, a severe flare pauses and then restarts lighter.

The expected values are written out here from docs/design.md "Clinical safety" and docs/safety.md,
not read back from the rule tables, so a changed rule fails a test.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from touchdose.analysis.engine import analyze_client
from touchdose.analysis.plan import assess
from touchdose.analysis.safety import (
    RED_FLAG_PAUSE_DAYS,
    RED_FLAG_REMINDER_DAYS,
    SAFETY_LEVELS,
    screen,
    severe_flare,
)
from touchdose.records import CONTRAINDICATIONS, RED_FLAGS, CheckIn, ClientFile, ClientProfile, Session

T0 = datetime(2026, 1, 5, 10, tzinfo=UTC)
LEGS = {"upper_leg_left", "lower_leg_left", "upper_leg_right", "lower_leg_right"}

# docs/design.md: "very light only with blood thinners, bone metastases or osteoporosis"; the rest as
# docs/safety.md sets them (None: no cap).
EXPECTED_CAP = {
    "blood_thinners": 1,
    "bleeding_disorder": 1,
    "osteoporosis": 1,
    "bone_metastases": 1,
    "cancer": 2,
    "recent_surgery_or_fracture": 2,
    "pregnancy": 3,
    "broken_skin": None,
    "dvt": None,
    "fever_or_infection": None,
}
EXPECTED_STOP = {"dvt", "fever_or_infection"}
EXPECTED_AVOID = {"dvt": LEGS, "pregnancy": {"abdomen"}}
# docs/design.md: emergency services for chest pain, breathlessness or new bowel/bladder loss; the
# doctor today for the others.
EXPECTED_LEVEL = {
    "chest_pain_breathless": "emergency",
    "bowel_bladder_change": "emergency",
    "numbness_weakness": "see_doctor",
    "weight_loss": "see_doctor",
    "fever_night_sweats": "see_doctor",
    "swollen_calf": "see_doctor",
    "unusual_bruising": "see_doctor",
}


def diary(days: int = 10, pain: int = 4) -> tuple[CheckIn, ...]:
    return tuple(CheckIn(time=T0 - timedelta(days=days - i, hours=-10), pain=pain) for i in range(days))


def firm_client(**profile: object) -> ClientFile:
    """A low-sensitivity client whose plan, without screening, is moderate pressure or firmer."""
    return ClientFile(ClientProfile(id="c-s", conditions=("low_back_pain",), **profile), checkins=diary())  # type: ignore[arg-type]


def test_the_tables_cover_every_contraindication_and_red_flag() -> None:
    assert set(EXPECTED_CAP) == set(CONTRAINDICATIONS)
    assert set(EXPECTED_LEVEL) == set(RED_FLAGS)


def test_without_screening_the_reference_plan_is_moderate_or_firmer() -> None:
    plan = assess(firm_client(), sensitivity="low").plan
    assert plan.pressure is not None and plan.pressure >= 3 and not plan.stop
    assert screen(firm_client()).to_dict() is None


@pytest.mark.parametrize("code", CONTRAINDICATIONS)
def test_each_contraindication_caps_avoids_or_stops_as_designed(code: str) -> None:
    cf = firm_client(contraindications=(code,))
    plan = assess(cf, sensitivity="low").plan
    safety = screen(cf)
    assert safety.level in SAFETY_LEVELS and safety.why  # always said, first
    if code in EXPECTED_STOP:
        assert plan.stop and plan.pressure is None
        assert plan.why[0].startswith("No massage for now")
    else:
        assert not plan.stop and plan.pressure is not None
        cap = EXPECTED_CAP[code]
        if cap is not None:
            assert plan.pressure <= cap
            assert safety.max_pressure == cap
    assert EXPECTED_AVOID.get(code, set()) <= set(plan.avoid_regions)


def test_the_lowest_cap_wins_and_every_reason_is_kept() -> None:
    cf = firm_client(contraindications=("pregnancy", "osteoporosis", "cancer"))
    safety = screen(cf)
    assert safety.max_pressure == 1 and len(safety.why) == 3
    assert assess(cf, sensitivity="low").plan.pressure == 1
    assert "abdomen" in assess(cf, sensitivity="low").plan.avoid_regions


def test_a_swollen_calf_at_intake_means_the_doctor_today() -> None:
    assert screen(firm_client(contraindications=("dvt",))).level == "see_doctor"


@pytest.mark.parametrize("flag", RED_FLAGS)
def test_each_red_flag_gives_its_level_and_stops_the_plan(flag: str) -> None:
    cf = ClientFile(
        ClientProfile(id="c-r"),
        checkins=(*diary(), CheckIn(time=T0 + timedelta(hours=2), pain=4, red_flags=(flag,))),
    )
    safety = screen(cf)
    assert safety.level == EXPECTED_LEVEL[flag] and safety.stop and safety.red_flags == (flag,)
    a = assess(cf, sensitivity="typical")
    assert a.plan.stop and a.plan.pressure is None
    assert a.plan.why[0].startswith("Pause massage")
    assert a.verdict.safety == safety
    contact = "emergency" if EXPECTED_LEVEL[flag] == "emergency" else "doctor today"
    assert contact in safety.why[0]


def test_the_most_urgent_comes_first() -> None:
    cf = ClientFile(
        ClientProfile(id="c-r", contraindications=("osteoporosis",)),
        checkins=(CheckIn(time=T0, pain=4, red_flags=("unusual_bruising", "chest_pain_breathless")),),
    )
    s = screen(cf)
    assert s.level == "emergency"
    assert "emergency services" in s.why[0] and "Bruises" in s.why[1] and "Osteoporosis" in s.why[2]


def test_a_red_flag_pauses_for_a_week_then_reminds_for_four_weeks() -> None:
    flagged = CheckIn(time=T0, pain=4, red_flags=("fever_night_sweats",))

    def later(days: float) -> ClientFile:
        return ClientFile(
            ClientProfile(id="c"), checkins=(flagged, CheckIn(time=T0 + timedelta(days=days), pain=4))
        )

    assert screen(later(RED_FLAG_PAUSE_DAYS - 0.5)).stop
    reminder = screen(later(RED_FLAG_PAUSE_DAYS + 1))
    assert (
        reminder.level == "caution"
        and not reminder.stop
        and "If a doctor has not checked it" in reminder.why[0]
    )
    assert screen(later(RED_FLAG_REMINDER_DAYS + 1)).level is None


def test_ticking_it_again_keeps_the_pause() -> None:
    checkins = tuple(
        CheckIn(time=T0 + timedelta(days=d), pain=4, red_flags=("swollen_calf",)) for d in range(0, 20, 5)
    )
    assert screen(ClientFile(ClientProfile(id="c"), checkins=checkins)).stop


def test_as_of_must_be_aware() -> None:
    with pytest.raises(ValueError, match="as_of"):
        screen(ClientFile(ClientProfile(id="c")), as_of=datetime(2026, 1, 1))


def test_verdict_safety_is_the_formats_object_and_the_plan_json_says_stop() -> None:
    cf = ClientFile(
        ClientProfile(id="c-j"),
        checkins=(*diary(), CheckIn(time=T0, pain=5, red_flags=("bowel_bladder_change",))),
    )
    out = analyze_client(cf).to_dict()
    safety = out["verdict"]["safety"]
    assert safety["level"] == "emergency" and isinstance(safety["why"], list) and safety["why"]
    assert out["plan"]["pressure"] is None and out["plan"]["stop"] is True
    assert out["plan"]["why"][0].startswith("Pause massage")
    assert analyze_client(ClientFile(ClientProfile(id="c-n"))).to_dict()["verdict"]["safety"] is None


# --- severe flare ----------------------------------------------------------------------------------


def flare_file(after: list[tuple[float, int, int]], *, pressure: int = 3, usual: int = 4) -> ClientFile:
    """A client with a two-week diary at ``usual`` pain, one session, then (hours, pain, rescue) check-ins."""
    before = tuple(CheckIn(time=T0 - timedelta(days=d), pain=usual, rescue_doses=0) for d in range(14, 0, -1))
    later = tuple(CheckIn(time=T0 + timedelta(hours=h), pain=p, rescue_doses=r) for h, p, r in after)
    session = Session(start=T0, pressure=pressure, minutes=30, pain_before=usual)
    return ClientFile(ClientProfile(id="c-f"), sessions=(session,), checkins=before + later)


@pytest.mark.parametrize(
    ("after", "sign"),
    [
        ([(24, 7, 0)], "pain 3 points above your usual"),  # usual 4 -> 7: up 3
        ([(24, 6, 0), (48, 6, 0), (80, 6, 0)], "still up more than 72 hours later"),  # up 2 beyond 72 h
        ([(24, 6, 2)], "rescue medicine needed"),  # up 2 with rescue doses above the usual 0
    ],
)
def test_each_sign_of_a_severe_flare_pauses_the_plan(after: list[tuple[float, int, int]], sign: str) -> None:
    cf = flare_file(after)
    s = screen(cf)
    assert s.flare is not None and sign in s.flare.signs and s.flare.ongoing
    assert s.stop and s.level == "caution"
    plan = assess(cf, sensitivity="typical").plan
    assert plan.stop and plan.pressure is None and "severe flare" in plan.why[0]


def test_an_ordinary_aggravation_is_not_a_severe_flare() -> None:
    assert screen(flare_file([(24, 6, 0), (48, 5, 0), (80, 4, 0)])).flare is None  # up 2, back by 72 h


def test_after_a_settled_severe_flare_restart_one_level_lighter_and_shorter() -> None:
    cf = flare_file([(24, 8, 1), (48, 7, 0), (96, 5, 0)], pressure=3)  # back within 1 point of usual 4
    s = screen(cf)
    assert s.flare is not None and not s.flare.ongoing and not s.stop
    assert s.max_pressure == 2 and s.shorter
    unscreened = assess(ClientFile(cf.client, cf.sessions[:0], cf.checkins), sensitivity="typical").plan
    plan = assess(cf, sensitivity="typical").plan
    # One level lighter at most; or no massage at all when, after a severe flare on the only
    # session, even the lighter pressures have an estimated risk above the target (the plan's
    # rule never to recommend a pressure above it, issue 11, applies before the safety cap).
    assert plan.pressure is None or plan.pressure <= 2
    assert plan.minutes < unscreened.minutes


def test_severe_flare_needs_a_usual_level() -> None:
    lone = Session(start=T0, pressure=3, minutes=30)  # no before-pain, no diary before
    assert severe_flare(lone, [CheckIn(time=T0 + timedelta(hours=24), pain=9)]) is None


def test_docs_safety_lists_every_code_with_its_level_and_the_windows() -> None:
    from pathlib import Path

    from touchdose.analysis import safety
    from touchdose.analysis.safety_rules import CONTRAINDICATION_RULES, RED_FLAG_RULES

    text = (Path(__file__).parents[2] / "docs" / "safety.md").read_text(encoding="utf-8")
    rows = {
        line.split("|")[1].strip().split()[0].strip("`"): line
        for line in text.splitlines()
        if line.startswith("| `")
    }
    for flag, rule in RED_FLAG_RULES.items():
        assert f"| {rule.level} |" in rows[flag]
    for code, c in CONTRAINDICATION_RULES.items():
        assert f"| {c.level} |" in rows[code]
        assert (c.max_pressure is None) or rows[code].split("|")[2].strip().startswith(str(c.max_pressure))
    for name in ("RED_FLAG_PAUSE_DAYS", "RED_FLAG_REMINDER_DAYS", "USUAL_PAIN_DAYS", "SEVERE_FLARE_POINTS"):
        assert name in text
    assert f"{safety.RED_FLAG_PAUSE_DAYS} days" in text and f"{safety.RED_FLAG_REMINDER_DAYS} days" in text


def test_relief_wearing_off_is_not_a_severe_flare() -> None:
    # Twice a week with lasting relief (pain 6 -> 3): the 14 days before the latest session hold no
    # massage-free day, so the usual is the baseline's 6, and pain back at 6 after the relief wears
    # off (a planned break) is no flare; 9 (3 above the real usual) still is.
    t0 = datetime(2026, 1, 5, 20, tzinfo=UTC)
    base = tuple(CheckIn(time=t0 + timedelta(days=d), pain=6) for d in range(14))
    days = [14, 17, 21, 24, 28, 31]
    sessions = tuple(Session(start=t0 + timedelta(days=d, hours=-10), pressure=2, minutes=30, pain_before=4)
                     for d in days)  # fmt: skip
    relieved = tuple(CheckIn(time=t0 + timedelta(days=d), pain=3) for d in range(14, 34))
    back = tuple(CheckIn(time=t0 + timedelta(days=d), pain=6) for d in range(34, 40))
    s = screen(ClientFile(ClientProfile(id="c-r"), sessions, base + relieved + back))
    assert s.flare is None and not s.stop
    worse = tuple(CheckIn(time=t0 + timedelta(days=d), pain=9) for d in range(32, 36))
    s = screen(ClientFile(ClientProfile(id="c-r"), sessions, base + relieved[:18] + worse))
    assert s.flare is not None and s.flare.usual_pain == 6
