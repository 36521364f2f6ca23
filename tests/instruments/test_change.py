"""Change on the 0-10 pain scale: the worked examples N1-N9 of docs/instruments.md 3.6 / appendix 8."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from touchdose.instruments.change import (
    CHANGE_CLASSES,
    MODERATE_PERCENT,
    MODERATE_POINTS,
    classify_change,
)

# (id, before, after, points, percent, class by percent, Farrar "both" flag):
# docs/instruments.md section 3.6 table and appendix 8 "nrs_change"
# (IMMPACT: Dworkin 2008 Table 1; Farrar 2001: >= 2 points and >= 30 %).
NRS_VECTORS = [
    ("N1", 8, 5, 3, 37.5, "moderate", True),
    ("N2", 6, 5, 1, 16.667, "minimal", False),
    ("N3", 4, 2, 2, 50.0, "substantial", True),
    ("N4", 2, 1, 1, 50.0, "substantial", False),
    ("N5", 0, 0, 0, None, "undefined", False),
    ("N6", 5, 7, -2, -40.0, "worse", False),
    ("N7", 10, 9, 1, 10.0, "minimal", False),
    ("N8", 7, 5, 2, 28.571, "minimal", False),
    ("N9", 10, 8, 2, 20.0, "minimal", False),
]


@pytest.mark.parametrize(("vid", "before", "after", "points", "percent", "cat", "farrar"), NRS_VECTORS)
def test_nrs_worked_examples(
    vid: str, before: int, after: int, points: int, percent: float | None, cat: str, farrar: bool
) -> None:
    c = classify_change(before, after)
    assert c.points == points, vid
    if percent is None:
        assert c.percent is None, vid
    else:
        assert c.percent is not None
        assert c.percent == pytest.approx(percent, abs=5e-4), vid  # spec rounds to 3 decimals
    assert c.by_percent == cat, vid
    assert c.clinically_important is farrar, vid


def test_by_points_uses_point_thresholds() -> None:
    # N8 (7 -> 5): 2 points is "moderate" by points (Farrar ~2 points), only 28.6 % -> "minimal" by percent.
    c = classify_change(7, 5)
    assert (c.by_points, c.by_percent) == ("moderate", "minimal")
    # N4 (2 -> 1): floor effect, 1 point is minimal by points, 50 % substantial by percent.
    c = classify_change(2, 1)
    assert (c.by_points, c.by_percent) == ("minimal", "substantial")
    assert classify_change(9, 5).by_points == "substantial"  # >= 4 points (Dworkin 2008 summaries)
    assert classify_change(6, 5.5).by_points == "improved_below_minimal"
    assert classify_change(6, 6).by_points == "no_change"
    assert classify_change(5, 7).by_points == "worse"


def test_configurable_mid() -> None:
    assert classify_change(6, 5).by_points == "minimal"
    assert classify_change(6, 5, mid_points=1.5).by_points == "improved_below_minimal"


@pytest.mark.parametrize(
    ("before", "after", "field"),
    [(11, 5, "before"), (-1, 0, "before"), (5, 10.5, "after"), (True, 3, "before"), (math.nan, 3, "before")],
)
def test_invalid_ratings_name_the_field(before: float, after: float, field: str) -> None:
    with pytest.raises(ValueError, match=rf"{field} = .* \(allowed: a number 0-10\)"):
        classify_change(before, after)


@pytest.mark.parametrize("mid", [0, -1, 2.5])
def test_invalid_mid(mid: float) -> None:
    with pytest.raises(ValueError, match="mid_points"):
        classify_change(5, 3, mid_points=mid)


def test_to_dict_is_json_ready() -> None:
    d = classify_change(8, 5).to_dict()
    assert d == {
        "before": 8.0, "after": 5.0, "points": 3.0, "percent": 37.5, "by_points": "moderate",
        "by_percent": "moderate", "clinically_important": True,
    }  # fmt: skip


ratings = st.integers(0, 10)


@given(ratings, ratings)
def test_classes_are_named_and_consistent(before: int, after: int) -> None:
    c = classify_change(before, after)
    assert c.by_points in CHANGE_CLASSES and c.by_points != "undefined"
    assert c.by_percent in CHANGE_CLASSES
    assert (c.points < 0) == (c.by_points == "worse")
    if c.clinically_important:
        assert c.points >= MODERATE_POINTS and c.percent is not None and c.percent >= MODERATE_PERCENT


@given(ratings, ratings, ratings)
def test_less_pain_after_never_ranks_lower(before: int, a1: int, a2: int) -> None:
    # Lower pain after must never give a worse class (classes are ordered best to worst).
    lo, hi = sorted((a1, a2))
    rank = CHANGE_CLASSES.index
    assert rank(classify_change(before, lo).by_points) <= rank(classify_change(before, hi).by_points)
    assert rank(classify_change(before, lo).by_percent) <= rank(classify_change(before, hi).by_percent)
