"""Touch sensitivity and score_profile: the docs/formats.md rule, its thresholds, and monotonicity."""

from __future__ import annotations

import json
import warnings

import pytest
from hypothesis import given
from hypothesis import strategies as st

from touchdose.instruments import (
    FiqrInvalidWarning,
    derive_sensitivity,
    score_profile,
    sensitivity_from_scores,
)
from touchdose.records import AREAS, SENSITIVITIES, Acr2016Answers, ClientProfile

FORMATS_FIQR = (5, 4, 6, 3, 5, 4, 6, 5, 4, 7, 6, 7, 6, 5, 6, 7, 5, 4, 6, 6, 5)
FORMATS_ACR = Acr2016Answers(
    wpi_regions=("shoulder_girdle_left", "upper_back"), fatigue=2, waking_unrefreshed=2, cognitive=1,
    headaches=1, lower_abdominal_pain=0, depression=1, symptoms_3_months=True,
)  # fmt: skip
RANK = {level: i for i, level in enumerate(SENSITIVITIES)}


def acr(areas: tuple[str, ...], *sss: int, months: bool = True) -> Acr2016Answers:
    f, u, c, h, la, d = sss
    return Acr2016Answers(wpi_regions=areas, fatigue=f, waking_unrefreshed=u, cognitive=c, headaches=h,
                          lower_abdominal_pain=la, depression=d, symptoms_3_months=months)  # fmt: skip


def test_formats_example_instruments_object() -> None:
    # docs/formats.md example: acr2016 wpi 2, sss 7, severity 9, not generalized, not met;
    # FIQR 14.0/13/28.5/55.5;
    # sensitivity high (FIQR 55.5 > 45, SALAFFI2018 "moderate"; ACR FS 9 alone would say typical).
    p = ClientProfile(id="c-001", sensitivity="high", acr2016=FORMATS_ACR, fiqr=FORMATS_FIQR)
    d = score_profile(p).to_dict()
    assert set(d) == {"acr2016", "fiqr", "sensitivity"}
    assert {k: d["acr2016"][k] for k in ("wpi", "sss", "severity", "generalized", "meets_criteria")} == {
        "wpi": 2, "sss": 7, "severity": 9, "generalized": False, "meets_criteria": False,
    }  # fmt: skip
    assert {k: d["fiqr"][k] for k in ("function", "overall", "symptoms", "total")} == {
        "function": 14.0, "overall": 13, "symptoms": 28.5, "total": 55.5,
    }  # fmt: skip
    assert d["sensitivity"] == "high"
    json.dumps(d)  # JSON-ready
    s = score_profile(p).sensitivity
    assert s.source == "fiqr" and len(s.reasons) == 3  # ACR, FIQR, and the stated level


def test_absent_instruments_are_left_out() -> None:
    assert score_profile(ClientProfile(id="x")).to_dict() == {"sensitivity": "typical"}
    assert score_profile(ClientProfile(id="x", sensitivity="low")).to_dict() == {"sensitivity": "low"}


@pytest.mark.parametrize(
    ("answers", "level"),
    [
        # FS 12 (A8: WPI 7 + SSS 5, WOLFE15 "severe" begins) -> high
        (acr(("shoulder_girdle_left", "shoulder_girdle_right", "hip_left", "hip_right", "neck", "upper_back",
              "lower_back"), 1, 2, 1, 1, 0, 0), "high"),
        # FS 11 (A8b) -> typical
        (acr(("shoulder_girdle_left", "shoulder_girdle_right", "hip_left", "hip_right", "neck", "upper_back",
              "lower_back"), 1, 2, 1, 0, 0, 0), "typical"),
        (acr(("neck",), 1, 1, 0, 0, 0, 0), "low"),  # FS 3: WOLFE15 "none"
        (acr(("neck",), 1, 1, 0, 1, 0, 0), "typical"),  # FS 4: WOLFE15 "mild"
        (acr((), 0, 0, 0, 0, 0, 0, months=False), "low"),  # A7
    ],
)  # fmt: skip
def test_acr_thresholds(answers: Acr2016Answers, level: str) -> None:
    s = derive_sensitivity(ClientProfile(id="x", acr2016=answers))
    assert (s.level, s.source) == (level, "acr2016")


def test_fiqr_thresholds_and_never_low() -> None:
    low_fiqr = (0,) * 21
    s = derive_sensitivity(ClientProfile(id="x", sensitivity="low", fiqr=low_fiqr))
    assert (s.level, s.source) == ("typical", "fiqr")
    at_45 = (5,) * 9 + (5, 5) + (4,) * 10  # 15 + 10 + 20 = 45 -> still SALAFFI2018 "mild" -> typical
    above_45 = (5,) * 9 + (5, 6) + (4,) * 10  # 46
    assert derive_sensitivity(ClientProfile(id="x", fiqr=at_45)).level == "typical"
    assert derive_sensitivity(ClientProfile(id="x", fiqr=above_45)).level == "high"


def test_higher_of_two_instruments_wins_tie_goes_to_acr() -> None:
    low_acr = acr(("neck",), 0, 0, 0, 0, 0, 0)
    s = derive_sensitivity(ClientProfile(id="x", acr2016=low_acr, fiqr=(0,) * 21))
    assert (s.level, s.source) == ("typical", "fiqr")
    high_acr = acr(tuple(AREAS), 3, 3, 3, 1, 1, 1)
    s = derive_sensitivity(ClientProfile(id="x", acr2016=high_acr, fiqr=(10,) * 21))
    assert (s.level, s.source) == ("high", "acr2016")


def test_unusable_scores_fall_back_to_stated_then_default() -> None:
    incomplete = Acr2016Answers(wpi_regions=("neck",), fatigue=1)
    invalid_fiqr = (None, None) + (5,) * 19
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FiqrInvalidWarning)
        s = derive_sensitivity(
            ClientProfile(id="x", sensitivity="low", acr2016=incomplete, fiqr=invalid_fiqr)
        )
        assert (s.level, s.source) == ("low", "stated") and len(s.reasons) == 3
        s = derive_sensitivity(ClientProfile(id="x", acr2016=incomplete))
    assert (s.level, s.source) == ("typical", "default")
    # Incomplete answers that already reach FS 12 decide "high".
    partial = Acr2016Answers(wpi_regions=tuple(AREAS[:10]), fatigue=3)
    assert derive_sensitivity(ClientProfile(id="x", acr2016=partial)).level == "high"


def test_stated_must_be_known() -> None:
    with pytest.raises(
        ValueError, match=r"sensitivity = 'extreme' is not allowed \(allowed: low, typical, high\)"
    ):
        sensitivity_from_scores(stated="extreme")


sss_a = st.integers(0, 3)
sss_b = st.integers(0, 1)
areas = st.sets(st.sampled_from(AREAS))


@given(areas, areas, st.tuples(sss_a, sss_a, sss_a, sss_b, sss_b, sss_b), st.data())
def test_more_pain_areas_or_symptoms_never_lower_sensitivity(
    a1: set[str], a2: set[str], sss: tuple[int, ...], data: st.DataObject
) -> None:
    higher = tuple(data.draw(st.integers(v, 3 if i < 3 else 1)) for i, v in enumerate(sss))
    months = data.draw(st.booleans())
    base = ClientProfile(id="x", acr2016=acr(tuple(a1), *sss, months=months))
    more = ClientProfile(id="x", acr2016=acr(tuple(a1 | a2), *higher, months=months))
    assert RANK[derive_sensitivity(more).level] >= RANK[derive_sensitivity(base).level]


@given(st.lists(st.integers(0, 10), min_size=21, max_size=21), st.integers(0, 20), st.data())
def test_higher_fiqr_items_never_lower_sensitivity(items: list[int], index: int, data: st.DataObject) -> None:
    higher = list(items)
    higher[index] = data.draw(st.integers(items[index], 10))
    stated = data.draw(st.sampled_from(SENSITIVITIES))
    lo = derive_sensitivity(ClientProfile(id="x", sensitivity=stated, fiqr=tuple(items)))
    hi = derive_sensitivity(ClientProfile(id="x", sensitivity=stated, fiqr=tuple(higher)))
    assert RANK[hi.level] >= RANK[lo.level]


# --- issue 17: the diagnosis first, the client's own report never lowered, scores refine upward ---

FIBRO = ("fibromyalgia",)


def _fiqr_total(items: tuple[int, ...]) -> float:
    from touchdose.instruments import score_fiqr

    total = score_fiqr(items).total
    assert total is not None
    return total


def test_fibromyalgia_without_questionnaires_is_high_and_starts_at_2_or_lower() -> None:
    from touchdose.analysis.plan import assess
    from touchdose.records import ClientFile

    s = derive_sensitivity(ClientProfile(id="x", conditions=FIBRO))
    assert (s.level, s.source) == ("high", "diagnosis")
    a = assess(ClientFile(ClientProfile(id="x", conditions=FIBRO)), sensitivity=s.level)
    assert a.titration.recommended_pressure <= 2 and a.plan.pressure is not None and a.plan.pressure <= 2


def test_a_stated_high_is_never_lowered_by_a_score() -> None:
    # The client: says touch hurts ("high"), FIQR of 37 (SALAFFI2018 "mild": typical alone).
    items = (4,) * 9 + (4, 4) + (3,) * 8 + (4, 4)
    assert 30 < _fiqr_total(items) <= 45
    assert derive_sensitivity(ClientProfile(id="x", fiqr=items)).level == "typical"
    s = derive_sensitivity(ClientProfile(id="x", sensitivity="high", fiqr=items))
    assert s.level == "high"
    low_acr = acr(("neck",), 0, 0, 0, 0, 0, 0)  # FS 1: WOLFE15 "none", alone it says low
    assert derive_sensitivity(ClientProfile(id="x", sensitivity="high", acr2016=low_acr)).level == "high"
    stated_typical = ClientProfile(id="x", sensitivity="typical", acr2016=low_acr)
    assert derive_sensitivity(stated_typical).level == "typical"


def test_scores_refine_upward_from_the_stated_level() -> None:
    high_acr = acr(tuple(AREAS), 3, 3, 3, 1, 1, 1)
    s = derive_sensitivity(ClientProfile(id="x", sensitivity="low", acr2016=high_acr))
    assert (s.level, s.source) == ("high", "acr2016")


def test_fibromyalgia_stays_high_unless_complete_answers_clearly_say_otherwise() -> None:
    moderate = acr(("neck", "upper_back", "lower_back", "hip_left", "hip_right"), 1, 1, 1, 0, 0, 0)  # FS 8
    assert derive_sensitivity(ClientProfile(id="x", conditions=FIBRO, acr2016=moderate)).level == "high"
    mild = acr(("neck", "upper_back"), 1, 1, 0, 0, 0, 0)  # FS 4: WOLFE15 "mild"
    s = derive_sensitivity(ClientProfile(id="x", conditions=FIBRO, acr2016=mild))
    assert (s.level, s.source) == ("typical", "acr2016")
    assert any("little widespread pain" in r for r in s.reasons)
    # Incomplete answers never overrule the diagnosis.
    partial = Acr2016Answers(wpi_regions=("neck",), fatigue=0)
    assert derive_sensitivity(ClientProfile(id="x", conditions=FIBRO, acr2016=partial)).level == "high"
    # Nor does a high FIQR next to mild ACR answers.
    assert derive_sensitivity(
        ClientProfile(id="x", conditions=FIBRO, acr2016=mild, fiqr=(10,) * 21)
    ).level == "high"


@given(
    st.sampled_from(SENSITIVITIES),
    st.sampled_from(SENSITIVITIES),
    st.booleans(),
    st.none() | st.lists(st.integers(0, 10), min_size=21, max_size=21).map(tuple),
)
def test_a_higher_stated_level_or_a_diagnosis_never_lowers_the_level(
    stated: str, higher: str, fibro: bool, fiqr: tuple[int, ...] | None
) -> None:
    higher = max(stated, higher, key=RANK.__getitem__)
    base = derive_sensitivity(ClientProfile(id="x", sensitivity=stated, fiqr=fiqr))
    more = derive_sensitivity(
        ClientProfile(id="x", sensitivity=higher, fiqr=fiqr, conditions=FIBRO if fibro else ())
    )
    assert RANK[more.level] >= RANK[base.level] >= RANK[stated]
