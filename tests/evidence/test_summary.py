"""Evidence summary: points on the 0-10 scale, the MID judgement, honest pooling, thin evidence."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from touchdose.evidence.summary import (
    FIBROMYALGIA_PAIN_SD_POINTS,
    FIBROMYALGIA_PAIN_SD_SOURCE,
    JUDGEMENTS,
    PAIN_SD_POINTS,
    evidence_summary,
    judge,
    to_points,
)
from touchdose.instruments.change import MID_POINTS


def test_fibromyalgia_reviews_are_translated_but_never_pooled() -> None:
    s = evidence_summary("fibromyalgia")
    assert s.pooled == ()
    li = next(r for r in s.rows if r.study_id == "Li2014" and r.outcome == "pain")
    # Li 2014 (PLoS One 9:e89304) pain SMD 0.62 (0.05 to 1.20), positive = better with massage, in
    # points with the fibromyalgia SD 2.10: Bernardy 2013, Cochrane CD009796, Summary of findings 1,
    # control-group pain 7.37 (SD 2.10) on 0-10. -0.62 x 2.10 = -1.302 points (-2.52 to -0.105);
    # not the low-back SD 2.67 of Furlan 2015, which gave -1.66.
    assert FIBROMYALGIA_PAIN_SD_POINTS == 2.10 and "Bernardy 2013" in FIBROMYALGIA_PAIN_SD_SOURCE
    assert li.points == pytest.approx(-1.302)
    assert li.points_ci95 == pytest.approx((-2.52, -0.105))
    assert (s.pain_sd_points, s.pain_sd_source) == (2.10, FIBROMYALGIA_PAIN_SD_SOURCE)
    assert li.judgement.kind == "possibly_meaningful"  # estimate beyond the 1-point MID, interval reaches 0.1
    assert any("Nothing for fibromyalgia is pooled" in m for m in s.messages)
    assert [g.guideline for g in s.guidelines][:2] == ["AWMF", "AWMF"]
    assert s.dose is not None and s.dose.study_id == "Field2002"


def test_clear_but_too_small_to_feel_is_said() -> None:
    s = evidence_summary("low_back_pain", "pain")
    # Furlan 2015 vs active controls: SMD -0.37 (-0.62 to -0.13) -> -0.99 points, interval below 0
    row = next(r for r in s.rows if r.study_id == "Furlan2015" and r.effect == -0.37)
    assert row.judgement.kind == "too_small_to_feel" and "too small to feel" in row.judgement.sentence
    assert any("smaller than the change a patient can feel" in m for m in s.messages)


def test_thin_evidence_says_so() -> None:
    s = evidence_summary("tension_headache")
    assert s.pooled == () and all(r.effect is None for r in s.rows)
    assert any("too thin to say anything" in m for m in s.messages)
    assert s.guidelines == ()


def test_knee_pool_uses_two_independent_trials_with_hksj() -> None:
    s = evidence_summary("knee_osteoarthritis")
    (pool,) = s.pooled
    assert set(pool.study_ids) == {"Perlman2019", "Perlman2012"}
    assert pool.meta.hksj and pool.meta.df == 1 and pool.meta.k == 2
    assert pool.points is None  # WOMAC Global is a composite, not a pain scale
    assert pool.judgement.kind == "uncertain"


def test_neck_pain_uses_its_own_sd_and_scale() -> None:
    s = evidence_summary("neck_pain", "pain")
    assert s.pain_sd_points == 1.41
    row = next(r for r in s.rows if "booklet" in r.comparator)
    # Gross 2024: MD -4.80 (-9.17 to -0.43) on VAS 0-100 -> -0.48 points: clear but below the MID
    assert row.points == pytest.approx(-0.48) and row.judgement.kind == "too_small_to_feel"


def test_bad_arguments_name_the_allowed_values() -> None:
    with pytest.raises(ValueError, match="condition = 'migraine'"):
        evidence_summary("migraine")
    with pytest.raises(ValueError, match="outcome = 'mood'"):
        evidence_summary(None, "mood")


def test_to_dict_is_json_ready() -> None:
    import json

    d = evidence_summary("knee_osteoarthritis").to_dict()
    json.dumps(d)
    assert d["pooled"][0]["meta"]["k"] == 2 and d["mid_points"] == MID_POINTS


def test_points_translation_rules() -> None:
    assert to_points("SMD", None, "pain", -1.0, 2.0) == -2.0
    assert to_points("MD", "0-10", "pain", -1.5, 2.0) == -1.5
    assert to_points("MD", "0-24", "pain", -1.5, 2.0) is None
    assert to_points("SMD", None, "anxiety", -1.0, 2.0) is None


ci = st.tuples(st.floats(-5, 5), st.floats(-5, 5)).map(sorted)


@settings(derandomize=True)
@given(st.floats(-5, 5), ci, st.floats(0.1, 3))
def test_judgement_is_consistent_with_the_interval(effect: float, interval: list[float], mid: float) -> None:
    lo, hi = interval
    j = judge(effect, (lo, hi), points=True, mid=mid)
    assert j.kind in JUDGEMENTS
    if j.kind == "meaningful":
        assert hi <= -mid
    if j.kind in ("meaningful", "possibly_meaningful", "too_small_to_feel"):
        assert hi < 0
    if lo <= 0 <= hi:
        assert j.kind == "uncertain"


def test_a_condition_without_its_own_sd_says_it_is_borrowed() -> None:
    s = evidence_summary("knee_osteoarthritis")
    assert s.pain_sd_points == PAIN_SD_POINTS and "borrowed" in s.pain_sd_source
    assert "borrowed" not in evidence_summary("low_back_pain").pain_sd_source
