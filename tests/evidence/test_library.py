"""The packaged evidence library loads, is consistent with docs/evidence.md, and rejects malformed rows."""

from __future__ import annotations

import math
from importlib import resources

import pytest

from touchdose.evidence.library import LibraryError, load_library, parse_library, parse_studies


def _texts() -> tuple[str, str, str]:
    data = resources.files("touchdose.evidence") / "data"
    names = ("studies.csv", "effects.csv", "guidelines.csv")
    studies, effects, guidelines = ((data / n).read_text(encoding="utf-8") for n in names)
    return studies, effects, guidelines


def test_packaged_library_loads() -> None:
    lib = load_library()
    assert len(lib.studies) >= 20 and len(lib.effects) >= 40 and len(lib.guidelines) == 5
    assert {g.guideline for g in lib.guidelines} >= {"AWMF", "EULAR", "APS"}


def test_only_trials_with_an_interval_may_be_pooled() -> None:
    lib = load_library()
    for e in lib.effects:
        if e.poolable:
            assert lib.study(e.study_id).level == "trial" and e.has_interval


def test_verified_numbers_match_evidence_md() -> None:
    lib = load_library()
    # docs/evidence.md §1: Li 2014 pain SMD 0.62 (0.05 to 1.20), positive = improvement (V)
    li = lib.effects_for("fibromyalgia", "pain")[0]
    assert (li.study_id, li.estimate, li.ci_low, li.ci_high) == ("Li2014", 0.62, 0.05, 1.20)
    n = li.normalised()
    assert (n.effect, n.ci_low, n.ci_high) == (-0.62, -1.20, -0.05)
    # effects.csv (tag D): the SE derived as (ci_high - ci_low)/3.92 = 0.2934
    assert n.se == pytest.approx(0.2934, abs=1e-4)
    # docs/evidence.md §8b: Cherkin 2011 bothersomeness 1.7 lower (1.2-2.2) with relaxation massage
    ch = next(e for e in lib.effects_for("low_back_pain", "pain") if e.study_id == "Cherkin2011")
    assert (ch.normalised().effect, ch.normalised().ci_low, ch.normalised().ci_high) == (-1.7, -2.2, -1.2)


def test_ratio_rows_are_normalised_on_the_log_scale() -> None:
    lib = load_library()
    rr = next(e for e in lib.effects if e.study_id == "Gross2024JBMT" and e.outcome == "adverse_events")
    # docs/evidence.md §12 and effects.csv: RR 0.37 (0.22 to 0.61), below 1 favours massage;
    # ln-scale SE 0.2602 (D)
    n = rr.normalised()
    assert n.effect == pytest.approx(math.log(0.37)) and n.se == pytest.approx(0.2602, abs=1e-4)


def test_every_study_row_serialises() -> None:
    d = load_library().to_dict()
    assert d["studies"][0]["id"] and "normalised" in d["effects"][0]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda s: s.replace(",fibromyalgia,24,30,2,5,swedish", ",fibro,24,30,2,5,swedish", 1),
         "condition = 'fibro'"),
        (lambda s: s.replace(",fibromyalgia,24,30,2,5,swedish", ",fibromyalgia,24,thirty,2,5,swedish", 1),
         "minutes = 'thirty'"),
        (lambda s: s.replace("Field2002,", "Li2014,", 1), "appears twice"),
        (lambda s: s.replace(",2002,17041326,", ",2002,PMID17041326,", 1), "pmid"),
    ],
)
def test_malformed_study_row_fails(change: object, message: str) -> None:
    studies, _, _ = _texts()
    with pytest.raises(LibraryError, match=message):
        parse_studies(change(studies))  # type: ignore[operator]


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("Li2014,pain,pain,", "Li2015,pain,pain,", "study_id = 'Li2015'"),
        (",SMD,,0.62,0.05,1.20,,positive,no,", ",SMD,,0.62,0.05,1.20,,positive,yes,", "poolable = 'yes'"),
        (",SMD,,0.62,0.05,1.20,,", ",SMD,,1.62,0.05,1.20,,", "contains the estimate"),
        (",MD,0-10,-1.7,-2.2,-1.2,", ",MD,,-1.7,-2.2,-1.2,", "scale"),
        (",RR,,0.37,0.22,0.61,", ",RR,,-0.37,0.22,0.61,", "positive ratio"),
        (",negative,yes,,V,", ",negative,yes,,X,", "status = 'X'"),
    ],
)
def test_malformed_effect_row_fails(old: str, new: str, message: str) -> None:
    studies, effects, guidelines = _texts()
    assert old in effects
    with pytest.raises(LibraryError, match=message):
        parse_library(studies, effects.replace(old, new, 1), guidelines)


def test_error_lists_every_bad_row_with_its_line() -> None:
    studies, effects, guidelines = _texts()
    bad = effects.replace("Li2014,pain,pain,", "Nobody,pain,pain,", 1).replace(
        "Li2014,anxiety,anxiety,", "Li2014,worry,anxiety,", 1)
    with pytest.raises(LibraryError) as info:
        parse_library(studies, bad, guidelines)
    message = str(info.value)
    assert "effects.csv line 2: study_id" in message and "effects.csv line 3: outcome" in message


def test_wrong_header_is_rejected() -> None:
    studies, effects, guidelines = _texts()
    with pytest.raises(LibraryError, match="header"):
        parse_library(studies.replace("id,citation", "key,citation", 1), effects, guidelines)
