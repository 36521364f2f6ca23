"""ACR 2016 scoring: worked examples A1-A9 (docs/instruments.md 1.6 and appendix 8), and invariants."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from touchdose.instruments.acr2016 import (
    CRITERIA_LABEL,
    SEVERITY_FM_MINIMUM,
    score_acr2016,
    severity_band,
)
from touchdose.records import AREAS, GENERALIZED_EXCLUDED, Acr2016Answers

A1_AREAS = ("shoulder_girdle_left", "shoulder_girdle_right", "upper_arm_left", "upper_arm_right",
            "hip_left", "hip_right", "upper_leg_left", "upper_leg_right", "neck", "lower_back")  # fmt: skip
A2_AREAS = ("shoulder_girdle_left", "shoulder_girdle_right", "hip_left", "hip_right", "lower_back")
A3_AREAS = ("jaw_left", "jaw_right", "neck", "upper_back", "lower_back", "chest", "abdomen",
            "shoulder_girdle_left", "upper_arm_left", "lower_arm_left")  # fmt: skip
A4_AREAS = ("jaw_right", "shoulder_girdle_left", "hip_left", "hip_right", "chest", "abdomen",
            "upper_leg_left", "upper_leg_right")  # fmt: skip
A5_AREAS = ("shoulder_girdle_left", "hip_left", "neck")
A8_AREAS = ("shoulder_girdle_left", "shoulder_girdle_right", "hip_left", "hip_right", "neck",
            "upper_back", "lower_back")  # fmt: skip


def answers(
    areas: tuple[str, ...], f: int, u: int, c: int, h: int, la: int, d: int, months: bool
) -> Acr2016Answers:
    return Acr2016Answers(
        wpi_regions=areas, fatigue=f, waking_unrefreshed=u, cognitive=c, headaches=h,
        lower_abdominal_pain=la, depression=d, symptoms_3_months=months,
    )  # fmt: skip


def expect(**kw: Any) -> dict[str, Any]:
    return kw


ALL5 = (1, 2, 3, 4, 5)
# docs/instruments.md appendix 8 "acr2016" (Wolfe 2016 rule; bands WOLFE15); "_" for spaces in band names.
ACR_VECTORS: list[tuple[str, Acr2016Answers, dict[str, Any]]] = [
    ("A1", answers(A1_AREAS, 2, 2, 1, 1, 0, 1, True),
     expect(wpi=10, sss=7, regions=ALL5, generalized=True, met=True, fs=17, band="severe")),
    ("A2", answers(A2_AREAS, 3, 3, 2, 1, 0, 0, True),
     expect(wpi=5, sss=9, regions=ALL5, generalized=True, met=True, fs=14, band="severe")),
    ("A2b", answers(A2_AREAS, 3, 3, 2, 0, 0, 0, True),
     expect(wpi=5, sss=8, generalized=True, met=False, fs=13, band="severe")),
    ("A3", answers(A3_AREAS, 3, 2, 2, 1, 0, 0, True),
     expect(wpi=10, sss=8, regions=(1, 5), generalized=False, met=False, fs=18, band="severe")),
    ("A4", answers(A4_AREAS, 2, 2, 1, 1, 1, 0, True),
     expect(wpi=8, sss=7, regions=(1, 3, 4), generalized=False, met=False, fs=15, band="severe")),
    ("A5", answers(A5_AREAS, 3, 3, 3, 1, 1, 1, True),
     expect(wpi=3, sss=12, regions=(1, 3, 5), generalized=False, met=False, fs=15, band="severe")),
    ("A6", answers(A1_AREAS, 2, 2, 1, 1, 0, 1, False), expect(met=False, fs=17)),
    ("A7", answers((), 0, 0, 0, 0, 0, 0, False),
     expect(wpi=0, sss=0, regions=(), met=False, fs=0, band="none")),
    ("A8", answers(A8_AREAS, 1, 2, 1, 1, 0, 0, True), expect(wpi=7, sss=5, met=True, fs=12, band="severe")),
    ("A8b", answers(A8_AREAS, 1, 2, 1, 0, 0, 0, True),
     expect(wpi=7, sss=4, met=False, fs=11, band="moderate")),
    ("A9", answers(AREAS, 3, 3, 3, 1, 1, 1, True),
     expect(wpi=19, sss=12, met=True, fs=31, band="very_severe")),
]  # fmt: skip


@pytest.mark.parametrize(("vid", "given_answers", "expect"), ACR_VECTORS, ids=[v[0] for v in ACR_VECTORS])
def test_acr2016_worked_examples(vid: str, given_answers: Acr2016Answers, expect: dict[str, Any]) -> None:
    s = score_acr2016(given_answers)
    observed = {
        "wpi": s.wpi, "sss": s.sss, "regions": s.painful_regions, "generalized": s.generalized,
        "met": s.meets_criteria, "fs": s.severity, "band": s.severity_band,
    }  # fmt: skip
    assert {k: observed[k] for k in expect} == expect, vid
    assert s.complete


def test_a4_naive_region_count_would_say_met() -> None:
    # A4: letting jaw/chest/abdomen count would give 5 regions and "met"; the 2016 rule gives 3 and "not met".
    s = score_acr2016(ACR_VECTORS[4][1])
    assert len({1, 2, 3, 4, 5}) == 5 and len(s.painful_regions) == 3 and s.meets_criteria is False


def test_duplicate_areas_count_once() -> None:
    s = score_acr2016(answers(("neck", "neck", "hip_left"), 0, 0, 0, 0, 0, 0, True))
    assert s.wpi == 2


def test_formats_example_keys() -> None:
    # docs/formats.md client example: areas shoulder_girdle_left + upper_back, SSS 2+2+1+1+0+1 = 7 -> FS 9.
    a = answers(("shoulder_girdle_left", "upper_back"), 2, 2, 1, 1, 0, 1, True)
    d = score_acr2016(a).to_dict()
    assert {k: d[k] for k in ("wpi", "sss", "severity", "generalized", "meets_criteria")} == {
        "wpi": 2, "sss": 7, "severity": 9, "generalized": False, "meets_criteria": False,
    }  # fmt: skip
    assert d["severity_scheme"] == "WOLFE15" and d["severity_band"] == "moderate"


def test_missing_items_are_not_imputed() -> None:
    a = Acr2016Answers(wpi_regions=A1_AREAS, fatigue=2, waking_unrefreshed=None, cognitive=1, headaches=1,
                       lower_abdominal_pain=0, depression=1, symptoms_3_months=True)  # fmt: skip
    s = score_acr2016(a)
    assert (s.sss, s.severity, s.severity_band, s.complete) == (None, None, None, False)
    assert s.missing == ("waking_unrefreshed",)
    assert s.sss_answered == 5 and s.severity_at_least == 15
    assert s.meets_criteria is True  # WPI 10 and already SSS >= 5 without the missing item


def test_missing_items_that_could_decide_leave_it_open() -> None:
    a = Acr2016Answers(wpi_regions=A1_AREAS, fatigue=1, cognitive=1, symptoms_3_months=True)
    s = score_acr2016(a)
    assert s.meets_criteria is None and "cannot be checked" in s.summary()
    a1 = answers(A1_AREAS, 2, 2, 1, 1, 0, 1, True)
    no_duration = score_acr2016(Acr2016Answers(**{**a1.__dict__, "symptoms_3_months": None}))
    assert no_duration.meets_criteria is None and no_duration.sss == 7 and not no_duration.complete
    assert score_acr2016(Acr2016Answers(wpi_regions=A3_AREAS)).meets_criteria is False  # not generalized


def test_summary_never_says_diagnosis_as_a_claim() -> None:
    text = score_acr2016(ACR_VECTORS[0][1]).summary()
    assert CRITERIA_LABEL in text and "(not a diagnosis)" in text


@pytest.mark.parametrize("bad", [-1, 32, 3.0, True])
def test_severity_band_rejects(bad: Any) -> None:
    with pytest.raises(ValueError, match=r"severity = .* \(allowed: a whole number 0-31\)"):
        severity_band(bad)


def test_rejects_non_answers() -> None:
    with pytest.raises(TypeError, match="Acr2016Answers"):
        score_acr2016({"wpi_regions": []})  # type: ignore[arg-type]


acr_answers = st.builds(
    Acr2016Answers,
    wpi_regions=st.lists(st.sampled_from(AREAS), max_size=25).map(tuple),
    fatigue=st.integers(0, 3), waking_unrefreshed=st.integers(0, 3), cognitive=st.integers(0, 3),
    headaches=st.integers(0, 1), lower_abdominal_pain=st.integers(0, 1), depression=st.integers(0, 1),
    symptoms_3_months=st.booleans(),
)  # fmt: skip


@given(acr_answers)
def test_scores_in_range_and_rules_hold(a: Acr2016Answers) -> None:
    s = score_acr2016(a)
    assert s.sss is not None and s.severity is not None
    assert 0 <= s.wpi <= 19 and 0 <= s.sss <= 12 and s.severity == s.wpi + s.sss and 0 <= s.severity <= 31
    if s.generalized:
        assert s.wpi >= 4  # docs/instruments.md 1.1: generalized pain => at least 4 non-excluded areas
    if s.meets_criteria:
        # WOLFE15: "FM cannot be diagnosed unless PSD is at least 12".
        assert s.severity >= SEVERITY_FM_MINIMUM


@given(acr_answers, st.lists(st.sampled_from(sorted(GENERALIZED_EXCLUDED)), max_size=4))
def test_jaw_chest_abdomen_never_make_a_region_painful(a: Acr2016Answers, extra: list[str]) -> None:
    base = score_acr2016(a)
    more = score_acr2016(Acr2016Answers(**{**a.__dict__, "wpi_regions": a.wpi_regions + tuple(extra)}))
    assert more.painful_regions == base.painful_regions and more.generalized == base.generalized
    assert more.wpi >= base.wpi
