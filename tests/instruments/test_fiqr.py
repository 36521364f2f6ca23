"""FIQR scoring: worked examples F1-F7 (docs/instruments.md 2.7 and appendix 8) and invariants."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from touchdose.instruments.fiqr import (
    FiqrInvalidWarning,
    fiqr_band,
    fiqr_change,
    score_fiqr,
)


def items(
    function: list[int | None], overall: list[int | None], symptoms: list[int | None]
) -> list[int | None]:
    return [*function, *overall, *symptoms]


# (id, items, function, overall, symptoms, exact total, SALAFFI2018, SALAFFI2021): appendix 8 "fiqr".
FIQR_VECTORS: list[tuple[str, list[int | None], Fraction, int, Fraction, Fraction, str, str]] = [
    ("F1", items([3, 5, 4, 6, 7, 5, 6, 4, 5], [6, 7], [7, 6, 5, 8, 4, 5, 4, 7, 3, 6]),
     Fraction(15), 13, Fraction(55, 2), Fraction(111, 2), "moderate", "moderate"),
    ("F2a", [0] * 21, Fraction(0), 0, Fraction(0), Fraction(0), "remission", "remission"),
    ("F2b", [10] * 21, Fraction(30), 20, Fraction(50), Fraction(100), "high", "very_severe"),
    ("F3", items([1, 2, 1, 0, 2, 1, 1, 2, 1], [2, 1], [3, 2, 2, 3, 1, 2, 1, 2, 0, 1]),
     Fraction(11, 3), 3, Fraction(17, 2), Fraction(91, 6), "remission", "remission"),
    ("F4", items([6, 7, 8, 7, 9, 8, 7, None, 6], [8, 9], [8, 8, 7, 9, 6, 7, 6, 8, 5, 7]),
     Fraction(87, 4), 17, Fraction(71, 2), Fraction(297, 4), "high", "severe"),
    ("F6", items([2] * 9, [5, 5], [9] * 10),
     Fraction(6), 10, Fraction(45), Fraction(61), "moderate", "moderate"),
    # docs/formats.md client example: function 14.0, overall 13, symptoms 28.5, total 55.5.
    ("FORMATS", [5, 4, 6, 3, 5, 4, 6, 5, 4, 7, 6, 7, 6, 5, 6, 7, 5, 4, 6, 6, 5],
     Fraction(14), 13, Fraction(57, 2), Fraction(111, 2), "moderate", "moderate"),
]  # fmt: skip


@pytest.mark.parametrize("vector", FIQR_VECTORS, ids=[v[0] for v in FIQR_VECTORS])
def test_fiqr_worked_examples(vector: tuple[Any, ...]) -> None:
    vid, given_items, function, overall, symptoms, total, band18, band21 = vector
    s = score_fiqr(given_items)
    assert s.valid, vid
    assert s.function == pytest.approx(float(function), abs=1e-9)
    assert s.overall == overall
    assert s.symptoms == pytest.approx(float(symptoms), abs=1e-9)
    assert s.total == pytest.approx(float(total), abs=1e-9)  # exact rational, no premature rounding
    assert s.severity_band == band18  # Salaffi 2018 (Clin Exp Rheumatol 36:1074)
    assert s.total is not None and fiqr_band(s.total, "SALAFFI2021") == band21


def test_f3_total_is_not_rounded_early() -> None:
    # F3: 11/3 + 3 + 17/2 = 91/6 = 15.1666...; rounding the domains first would give 15.2 or 15.17.
    s = score_fiqr(FIQR_VECTORS[3][1])
    assert s.total == float(Fraction(91, 6))
    assert s.missing_items == ()


def test_f4_one_missing_function_item_is_prorated() -> None:
    s = score_fiqr(FIQR_VECTORS[4][1])
    assert s.missing_items == (8,) and s.function == 21.75 and s.total == 74.25  # 58 * 9/8 / 3


@pytest.mark.parametrize(
    ("vid", "given_items", "missing"),
    [
        ("F5a", items([6, 7, None, 7, 9, 8, 7, None, 6], [8, 9], [8, 8, 7, 9, 6, 7, 6, 8, 5, 7]), (3, 8)),
        ("F5b", items([6, 7, 8, 7, 9, 8, 7, 5, 6], [8, None], [8, 8, 7, 9, 6, 7, 6, 8, 5, 7]), (11,)),
        ("symptom", items([6] * 9, [8, 9], [8, 8, 7, 9, None, 7, 6, 8, 5, 7]), (16,)),
    ],
)
def test_f5_invalid_when_too_many_missing(
    vid: str, given_items: list[int | None], missing: tuple[int, ...]
) -> None:
    with pytest.warns(FiqrInvalidWarning, match="FIQR not scored"):
        s = score_fiqr(given_items)
    assert not s.valid and s.total is None and s.function is None and s.severity_band is None, vid
    assert s.missing_items == missing and s.reason


def test_to_dict_has_formats_keys() -> None:
    d = score_fiqr(FIQR_VECTORS[-1][1]).to_dict()
    assert {k: d[k] for k in ("function", "overall", "symptoms", "total")} == {
        "function": 14.0, "overall": 13, "symptoms": 28.5, "total": 55.5,
    }  # fmt: skip
    assert d["band_scheme"] == "SALAFFI2018" and d["valid"] is True


@pytest.mark.parametrize(
    ("given_items", "pattern"),
    [
        ([0] * 20, "fiqr has 20 items"),
        ([0] * 4 + [11] + [0] * 16, r"fiqr item 5 = 11 is not allowed \(allowed: a whole number 0-10"),
        ([0] * 20 + [2.5], r"fiqr item 21 = 2.5 is not allowed"),
        ([True] + [0] * 20, r"fiqr item 1 = True is not allowed"),
        ("0" * 21, "fiqr = "),
    ],
)
def test_invalid_values_name_item_value_and_allowed(given_items: Any, pattern: str) -> None:
    with pytest.raises(ValueError, match=pattern):
        score_fiqr(given_items)


def test_band_boundaries_and_errors() -> None:
    # Salaffi 2018 "remission <= 30; mild > 30 and <= 45; moderate (gap closed at 45) <= 65; high > 65".
    assert [fiqr_band(t) for t in (30.0, 30.5, 45.0, 45.5, 65.0, 65.5)] == [
        "remission", "mild", "mild", "moderate", "moderate", "high",
    ]  # fmt: skip
    # Salaffi 2021 "0-23 remission, 24-40 mild, 41-63 moderate, 64-82 severe, >83 very severe".
    assert [fiqr_band(t, "SALAFFI2021") for t in (23.9, 24.0, 40.9, 41.0, 63.9, 64.0, 82.9, 83.0)] == [
        "remission", "mild", "mild", "moderate", "moderate", "severe", "severe", "very_severe",
    ]  # fmt: skip
    with pytest.raises(ValueError, match="scheme"):
        fiqr_band(50.0, "WOLFE")
    with pytest.raises(ValueError, match=r"total = 101"):
        fiqr_band(101)


def test_f7_mcid() -> None:
    # F7 / appendix 8 "fiqr_change": 55.5 -> 47.0 is 15.315 % (>= 14 %, Bennett 2009 J Rheumatol FIQ MCID);
    # 55.5 -> 48.0 is 13.514 % (< 14 %).
    a, b = fiqr_change(55.5, 47.0), fiqr_change(55.5, 48.0)
    assert a.percent == pytest.approx(15.315, abs=5e-4) and a.meets_mcid
    assert b.percent == pytest.approx(13.514, abs=5e-4) and not b.meets_mcid
    assert fiqr_change(0, 10).percent is None and not fiqr_change(0, 0).meets_mcid
    with pytest.raises(ValueError, match="followup = -1"):
        fiqr_change(50, -1)
    assert a.to_dict()["mcid_percent"] == 14.0


item = st.integers(0, 10)


@given(st.lists(item, min_size=21, max_size=21))
def test_total_in_range_and_sum_of_domains(given_items: list[int]) -> None:
    s = score_fiqr(given_items)
    assert s.total is not None and s.function is not None and s.overall is not None and s.symptoms is not None
    assert 0 <= s.function <= 30 and 0 <= s.overall <= 20 and 0 <= s.symptoms <= 50
    assert 0 <= s.total <= 100 and s.total == pytest.approx(s.function + s.overall + s.symptoms, abs=1e-9)


@given(st.lists(item, min_size=21, max_size=21), st.integers(0, 20))
def test_raising_one_item_never_lowers_total(given_items: list[int], index: int) -> None:
    higher = list(given_items)
    higher[index] = min(10, higher[index] + 1)
    lo, hi = score_fiqr(given_items).total, score_fiqr(higher).total
    assert lo is not None and hi is not None and hi >= lo


@given(st.lists(item, min_size=21, max_size=21), st.integers(0, 8))
def test_one_missing_function_item_stays_in_range(given_items: list[int], index: int) -> None:
    with_gap: list[int | None] = list(given_items)
    with_gap[index] = None
    s = score_fiqr(with_gap)
    assert s.valid and s.total is not None and 0 <= s.total <= 100


def test_summary_rounds_for_display_only() -> None:
    s = score_fiqr(FIQR_VECTORS[3][1])  # F3: 91/6, displayed 15.2 (docs/instruments.md 2.7)
    assert "15.2 of 100" in s.summary() and s.total == float(Fraction(91, 6))
    with pytest.warns(FiqrInvalidWarning):
        invalid = score_fiqr([None] * 21)
    assert invalid.summary().startswith("FIQR not scored: 9 function items unanswered")
