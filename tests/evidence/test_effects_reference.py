"""Effect sizes against published metafor escalc values (docs/references.md section 2)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from touchdose.evidence.effects import (
    exact_j,
    from_ci,
    from_sei,
    log_risk_ratio,
    smcc,
    smcr,
    smd,
    smd_pre_post_control,
)
from touchdose.evidence.meta import meta_analysis

# SMD-2: Chen & Peace, "Applied Meta-Analysis with R" (statsmodels test_meta.py::TestEffSmdMeta)
CP = {
    "mean_t": [94, 98, 98, 94, 98, 96], "sd_t": [22, 21, 28, 19, 21, 21], "n_t": [60, 65, 40, 200, 50, 85],
    "mean_c": [92, 92, 88, 82, 88, 92], "sd_c": [20, 22, 26, 17, 22, 22], "n_c": [60, 65, 40, 200, 45, 85],
}


def chen_peace(vtype: str = "LS") -> tuple[tuple[float, ...], tuple[float, ...]]:
    es = smd(CP["n_t"], CP["mean_t"], CP["sd_t"], CP["n_c"], CP["mean_c"], CP["sd_c"], vtype=vtype)
    return es.yi, es.vi


def test_smd_chen_peace_full_precision() -> None:
    yi, vi = chen_peace()
    # metafor escalc("SMD") full precision, pinned in statsmodels test_meta.py (docs/references.md §2.2)
    assert np.allclose(yi, [0.09452415852032972, 0.27735586626551018, 0.36654442951591998,
                            0.66438496832691396, 0.46180628128769841, 0.18516443739910043], rtol=1e-10)
    assert np.allclose(vi, [0.03337056173559990, 0.03106510106366112, 0.05083971761755720,
                            0.01055175923267344, 0.04334466980873156, 0.02363025255552155], rtol=1e-10)
    _, vi_ub = chen_peace("UB")
    # metafor escalc("SMD", vtype="UB"), same pin
    assert np.allclose(vi_ub, [0.03337176211751222, 0.03107388569950075, 0.05088098670518214,
                               0.01055698026322296, 0.04339077140867459, 0.02363252645927709], rtol=1e-10)


def test_smd_chen_peace_pooled_derived() -> None:
    yi, vi = chen_peace()
    # DERIVED in docs/references.md §2.2 (their check script): REML tau² 0.0321, mu 0.3607 (SE 0.1011),
    # Q(5) = 11.9138; DL tau² 0.0372, mu 0.3585 (SE 0.1055)
    r = meta_analysis(yi, vi)
    assert abs(r.tau2 - 0.0321) <= 6e-5 and abs(r.estimate - 0.3607) <= 6e-5 and abs(r.se - 0.1011) <= 6e-5
    assert abs(r.q - 11.9138) <= 6e-5 and r.q_df == 5
    d = meta_analysis(yi, vi, method="DL")
    assert abs(d.tau2 - 0.0372) <= 6e-5 and abs(d.estimate - 0.3585) <= 6e-5 and abs(d.se - 0.1055) <= 6e-5


# SMD-3: Morris (2008) pretest-posttest-control data (metafor test_analysis_example_morris2008.r)
MT = {"pre": [30.6, 23.5, 0.5, 53.4, 35.6], "post": [38.5, 26.8, 0.7, 75.9, 36.0],
      "sd_pre": [15.0, 3.1, 0.1, 14.5, 4.7], "sd_post": [11.6, 4.1, 0.1, 4.4, 4.6], "n": [20, 50, 9, 10, 14]}
MC = {"pre": [23.1, 24.9, 0.6, 55.7, 34.8], "post": [19.7, 25.3, 0.6, 60.7, 33.4],
      "sd_pre": [13.8, 4.1, 0.2, 17.3, 3.1], "sd_post": [14.8, 3.3, 0.2, 17.9, 6.9], "n": [20, 42, 9, 11, 14]}
MR = [0.47, 0.64, 0.77, 0.89, 0.44]


def test_morris_smcr_and_difference() -> None:
    t = smcr(MT["n"], MT["post"], MT["pre"], MT["sd_pre"], MR)
    c = smcr(MC["n"], MC["post"], MC["pre"], MC["sd_pre"], MR)
    # metafor test_analysis_example_morris2008.r (4 dp)
    assert np.allclose(t.yi, [0.5056, 1.0481, 1.8054, 1.4181, 0.0801], atol=6e-5)
    assert np.allclose(t.vi, [0.0594, 0.0254, 0.2322, 0.1225, 0.0802], atol=6e-5)
    assert np.allclose(c.yi, [-0.2365, 0.0958, 0.0000, 0.2667, -0.4250], atol=6e-5)
    assert np.allclose(c.vi, [0.0544, 0.0173, 0.0511, 0.0232, 0.0864], atol=6e-5)
    # Morris 2008 Table 5, p. 382: difference of the SMCRs
    assert np.allclose(np.subtract(t.yi, c.yi), [0.7421, 0.9524, 1.8054, 1.1514, 0.5050], atol=1e-4)
    # metafor test_misc_rma_uni.r lines 71-88: REML on SMCR (treatment) tau² = 0.3164
    assert abs(meta_analysis(t.yi, t.vi).tau2 - 0.3164) <= 6e-5


def test_morris_ppc2_and_smcc() -> None:
    es = smd_pre_post_control(MT["n"], MT["pre"], MT["post"], MT["sd_pre"],
                              MC["n"], MC["pre"], MC["post"], MC["sd_pre"], MR)
    # Morris 2008 Table 5: d_ppc2 0.7684 0.8010 1.2045 1.0476 0.4389; v from metafor test line 53
    assert np.allclose(es.yi, [0.7684, 0.8010, 1.2045, 1.0476, 0.4389], atol=6e-5)
    assert np.allclose(es.vi, [0.1134, 0.0350, 0.1425, 0.0681, 0.1634], atol=6e-5)
    cc = smcc(MT["n"], MT["post"], MT["pre"], MT["sd_post"], MT["sd_pre"], MR)
    # metafor test_analysis_example_morris2008.r, SMCC treatment
    assert np.allclose(cc.yi, [0.5417, 1.0198, 2.6619, 1.9088, 0.0765], atol=6e-5)
    assert np.allclose(cc.vi, [0.0573, 0.0304, 0.5048, 0.2822, 0.0716], atol=6e-5)


def test_borenstein_textbook_example_unverified() -> None:
    # SMD-5 Borenstein et al. (2009) ch. 4 — UNVERIFIED (recalled): d 0.5970, V_d 0.0418, J 0.9923,
    # g 0.5924, V_g 0.0411. The book uses J ~ 1-3/(4df-1); the exact J differs in the 5th decimal.
    es = smd([50], [103.0], [5.5], [50], [100.0], [4.5], vtype="LS2")
    assert abs(float(exact_j(98)[0]) - 0.9923) <= 6e-5
    assert abs(es.yi[0] - 0.5924) <= 1e-4 and abs(es.vi[0] - 0.0411) <= 1e-4


def test_exact_j_tends_to_the_approximation() -> None:
    # Hedges (1981): J(m) ~ 1 - 3/(4m - 1), error O(m^-2)
    for m in (10, 50, 500):
        assert abs(float(exact_j(m)[0]) - (1 - 3 / (4 * m - 1))) < 1.0 / m**2


def test_log_ratio_from_ci_sherman_2009() -> None:
    # docs/evidence.md §5: Sherman 2009 RR 2.7 (0.99-7.5); derived SE on the ln scale 0.5166
    es = from_ci([2.7], [0.99], [7.5], log=True)
    assert es.yi[0] == pytest.approx(math.log(2.7)) and abs(es.sei[0] - 0.5166) <= 6e-5


def test_from_ci_and_sei_reject_bad_rows() -> None:
    with pytest.raises(ValueError, match="study 0"):
        from_ci([1.0], [2.0], [3.0])
    with pytest.raises(ValueError, match=r"sei\[0\]"):
        from_sei([0.1], [0.0])
    with pytest.raises(ValueError, match="one entry per study"):
        smd([10, 10], [1.0], [1.0], [10], [0.0], [1.0])


pos = st.floats(min_value=0.5, max_value=50, allow_nan=False)
means = st.floats(min_value=-100, max_value=100, allow_nan=False)
ns = st.integers(min_value=3, max_value=500)


@settings(derandomize=True)
@given(ns, means, pos, ns, means, pos)
def test_smd_sign_flips_when_groups_swap(
    n1: int, m1: float, s1: float, n2: int, m2: float, s2: float
) -> None:
    a = smd([n1], [m1], [s1], [n2], [m2], [s2])
    b = smd([n2], [m2], [s2], [n1], [m1], [s1])
    assert a.yi[0] == pytest.approx(-b.yi[0], abs=1e-12)
    assert a.vi[0] == pytest.approx(b.vi[0], rel=1e-12) and a.vi[0] > 0


@settings(derandomize=True)
@given(st.lists(st.tuples(st.integers(1, 500), st.integers(1, 500), st.integers(1, 500), st.integers(1, 500)),
                min_size=1, max_size=5))
def test_risk_ratio_is_antisymmetric(tables: list[tuple[int, int, int, int]]) -> None:
    a, b, c, d = (list(x) for x in zip(*tables, strict=True))
    assert np.allclose(log_risk_ratio(a, b, c, d).yi, -np.asarray(log_risk_ratio(c, d, a, b).yi))
