"""Mean/SD from medians, ranges and quartiles against metafor conv.fivenum (docs/references.md SMD-4)."""

from __future__ import annotations

import pytest

from touchdose.evidence.fivenum import SkewedSummaryWarning, mean_sd_from_summary

CASE1 = {"minimum": 2, "median": 6, "maximum": 14}
CASE2 = {"q1": 4, "median": 6, "q3": 10}
CASE3 = {"minimum": 2, "q1": 4, "median": 6, "q3": 10, "maximum": 14}


@pytest.mark.parametrize(
    ("summary", "mean", "sd"),
    [(CASE1, 6.594468, 3.211576), (CASE2, 6.719500, 4.787076), (CASE3, 6.938841, 3.679435)],
)
def test_conv_fivenum_default_methods(summary: dict[str, float], mean: float, sd: float) -> None:
    # metafor docs/reference/conv.fivenum.html, n = 20 (printed to 6 dp)
    r = mean_sd_from_summary(20, **summary)
    assert r.mean == pytest.approx(mean, abs=6e-7) and r.sd == pytest.approx(sd, abs=6e-7)
    assert not r.skewed


def test_skewed_summary_is_refused_and_lognormal_converts() -> None:
    skewed = {"minimum": 2, "q1": 4, "median": 6, "q3": 14, "maximum": 20}
    # conv.fivenum.html: skewness test significant (t 0.818 > crit 0.666) -> not converted
    with pytest.warns(SkewedSummaryWarning):
        r = mean_sd_from_summary(20, **skewed)
    assert r.mean is None and r.sd is None and r.skewed
    assert r.skew_statistic == pytest.approx(0.818, abs=6e-4) and r.skew_critical == pytest.approx(
        0.666, abs=6e-4
    )
    # conv.fivenum.html with dist = "lnorm": 8.758702, 6.740320
    ln = mean_sd_from_summary(20, dist="lnorm", **skewed)
    assert ln.mean == pytest.approx(8.758702, abs=6e-7) and ln.sd == pytest.approx(6.740320, abs=6e-7)


def test_wan_2014_values() -> None:
    # DERIVED in docs/references.md SMD-4 (pure Wan 2014): means 7.0, 6.6667, 7.0; case-3 SD 3.999326
    assert mean_sd_from_summary(20, method="wan2014", **CASE1).mean == pytest.approx(7.0)
    assert mean_sd_from_summary(20, method="wan2014", **CASE2).mean == pytest.approx(6.6667, abs=6e-5)
    r = mean_sd_from_summary(20, method="wan2014", **CASE3)
    assert r.mean == pytest.approx(7.0) and r.sd == pytest.approx(3.999326, abs=6e-7)


def test_bad_summaries_are_rejected() -> None:
    with pytest.raises(ValueError, match="increase strictly"):
        mean_sd_from_summary(20, minimum=8, median=6, maximum=14)
    with pytest.raises(ValueError, match="median with"):
        mean_sd_from_summary(20, minimum=2, median=6)
    with pytest.raises(ValueError, match="n = 2"):
        mean_sd_from_summary(2, **CASE1)
