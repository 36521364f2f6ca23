"""Random-effects meta-analysis against published metafor values.

Every expected number is from docs/references.md sections 1.2-1.6, with the
primary source named beside the assertion. Tolerances as that file advises: printed metafor
output (4 dp) with abs 6e-5 (1e-4 where the source prints a rounded percent or 2-4 dp tables),
full-precision pins with rel 1e-6.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from touchdose.evidence.effects import log_odds_ratio, log_risk_ratio
from touchdose.evidence.meta import METHODS, FewStudiesWarning, meta_analysis, tau2_estimate

PRINTED = 6e-5  # metafor prints 4 dp: |x - printed| <= 6e-5

# dat.bcg (metadat data-raw/dat.bcg.txt): tpos, tneg, cpos, cneg for 13 trials.
BCG_TPOS = [4, 6, 3, 62, 33, 180, 8, 505, 29, 17, 186, 5, 27]
BCG_TNEG = [119, 300, 228, 13536, 5036, 1361, 2537, 87886, 7470, 1699, 50448, 2493, 16886]
BCG_CPOS = [11, 29, 11, 248, 47, 372, 10, 499, 45, 65, 141, 3, 29]
BCG_CNEG = [128, 274, 209, 12619, 5761, 1079, 619, 87892, 7232, 1600, 27197, 2338, 17825]


@pytest.fixture(scope="module")
def bcg() -> tuple[tuple[float, ...], tuple[float, ...]]:
    es = log_risk_ratio(BCG_TPOS, BCG_TNEG, BCG_CPOS, BCG_CNEG)
    return es.yi, es.vi


def near(value: float, expected: float, tol: float = PRINTED) -> bool:
    return abs(value - expected) <= tol


def test_bcg_escalc_matches_published_yi_vi(bcg: tuple[tuple[float, ...], tuple[float, ...]]) -> None:
    yi, vi = bcg
    # metadat docs/reference/dat.bcg.html, escalc(measure="RR") printed to 4 dp
    assert np.allclose(yi, [-0.8893, -1.5854, -1.3481, -1.4416, -0.2175, -0.7861, -1.6209, 0.0120,
                            -0.4694, -1.3713, -0.3394, 0.4459, -0.0173], atol=PRINTED)
    assert np.allclose(vi, [0.3256, 0.1946, 0.4154, 0.0200, 0.0512, 0.0069, 0.2230, 0.0040, 0.0564,
                            0.0730, 0.0124, 0.5325, 0.0714], atol=PRINTED)


def test_bcg_reml(bcg: tuple[tuple[float, ...], tuple[float, ...]]) -> None:
    r = meta_analysis(*bcg)
    # metafor tests/testthat/test_misc_influence.r line 17 (full precision)
    assert r.tau2 == pytest.approx(0.313243325980895, rel=1e-6)
    assert r.q == pytest.approx(152.233008082373, rel=1e-9)
    # metafor docs/reference/rma.uni.html example 1 (printed)
    assert near(r.tau2_se or 0.0, 0.1664)
    assert near(r.tau, 0.5597)
    assert abs(r.i2 - 92.22) <= 0.006 and abs(r.h2 - 12.86) <= 0.006
    assert r.q_df == 12 and r.q_p < 1e-4
    assert near(r.estimate, -0.7145) and near(r.se, 0.1798) and near(r.statistic, -3.9744)
    assert near(r.ci95[0], -1.0669) and near(r.ci95[1], -0.3622)
    # metafor docs/reference/transf.html: exp(pred) 0.4894, CI 0.3441-0.6962, PI 0.1546-1.5490
    assert near(math.exp(r.estimate), 0.4894)
    assert near(math.exp(r.ci95[0]), 0.3441) and near(math.exp(r.ci95[1]), 0.6962)
    assert near(math.exp(r.pred95[0]), 0.1546) and near(math.exp(r.pred95[1]), 1.5490)
    # metafor docs/reference/predict.rma.html: PI -1.87 ... 0.44 (2 dp); predict(prob="<0") 0.89
    assert abs(r.pred95[0] - -1.87) <= 0.006 and abs(r.pred95[1] - 0.44) <= 0.006
    assert abs(r.prob_below(0.0) - 0.89) <= 0.006
    # metafor docs/reference/confint.rma.html: I² 92.2214 (81.9177, 97.6781). metafor finds the Q-profile
    # bounds with uniroot(tol = eps^0.25 ~ 1.2e-4 on tau²); dI²/dtau² ~ 124 here, so the printed bounds
    # carry up to ~0.015 of root-finding error. We solve to 1e-12, hence the wider tolerance on the bounds.
    assert near(r.i2, 92.2214)
    assert abs(r.i2_ci95[0] - 81.9177) <= 0.015 and abs(r.i2_ci95[1] - 97.6781) <= 0.015


def test_bcg_dl(bcg: tuple[tuple[float, ...], tuple[float, ...]]) -> None:
    r = meta_analysis(*bcg, method="DL")
    # metafor test_misc_metan_vs_rma.uni_with_dat.bcg.r lines 31-54 (checked against Stata metan)
    assert near(r.estimate, -0.7141) and near(r.statistic, -3.9952)
    assert near(r.ci95[0], -1.0644) and near(r.ci95[1], -0.3638)
    assert near(r.tau2, 0.3088) and near(r.i2, 92.1173)
    assert near(math.exp(r.estimate), 0.4896)
    assert near(math.exp(r.ci95[0]), 0.3449) and near(math.exp(r.ci95[1]), 0.6950)
    # metafor test_misc_confint.r lines 7-21: tau² CI 0.1197-1.1115; H² 12.6861 (5.5303-43.0680)
    assert near(r.tau2_ci95[0], 0.1197) and near(r.tau2_ci95[1], 1.1115)
    # (bounds: uniroot tolerance 1.2e-4 on tau² times dH²/dtau² = 1/vt ~ 38 gives up to ~0.005)
    assert near(r.h2, 12.6861)
    assert abs(r.h2_ci95[0] - 5.5303) <= 0.005 and abs(r.h2_ci95[1] - 43.0680) <= 0.005


def test_bcg_equal_effects(bcg: tuple[tuple[float, ...], tuple[float, ...]]) -> None:
    r = meta_analysis(*bcg, method="EE")
    # metafor rma.uni.html and test_misc_metan_vs_rma.uni_with_dat.bcg.r lines 7-29
    assert near(r.estimate, -0.4303) and near(r.se, 0.0405) and near(r.statistic, -10.6247)
    assert near(r.ci95[0], -0.5097) and near(r.ci95[1], -0.3509)
    assert abs(r.i2 - 92.12) <= 0.006 and abs(r.h2 - 12.69) <= 0.006
    assert near(math.exp(r.estimate), 0.6503)
    assert near(math.exp(r.ci95[0]), 0.6007) and near(math.exp(r.ci95[1]), 0.7040)


def test_bcg_pm(bcg: tuple[tuple[float, ...], tuple[float, ...]]) -> None:
    # metafor test_misc_rma_uni.r lines 25-32: tau² 0.3181 (DLIT/SJIT converge to PM)
    assert near(tau2_estimate(*bcg, method="PM"), 0.3181)


def test_bcg_odds_ratio_dl() -> None:
    es = log_odds_ratio(BCG_TPOS, BCG_TNEG, BCG_CPOS, BCG_CNEG)
    r = meta_analysis(es.yi, es.vi, method="DL")
    # metafor test_misc_metan_vs_rma.uni_with_dat.bcg.r lines 80-103
    assert near(r.estimate, -0.7474) and near(r.ci95[0], -1.1242) and near(r.ci95[1], -0.3706)
    assert near(r.tau2, 0.3663) and near(r.i2, 92.6455)


def test_bcg_hksj_and_pm_derived(bcg: tuple[tuple[float, ...], tuple[float, ...]]) -> None:
    # DERIVED in docs/references.md §1.2 (PyMARE/statsmodels agree); a cross-check, not an oracle.
    r = meta_analysis(*bcg, hksj=True)
    assert near(r.se, 0.1808) and near(r.statistic, -3.9522) and r.df == 12
    assert near(r.ci95[0], -1.1084) and near(r.ci95[1], -0.3206)
    assert near(r.pred95[0], -1.9960) and near(r.pred95[1], 0.5670)
    z = meta_analysis(*bcg)
    assert z.prob_below(0.0) == pytest.approx(0.887913, abs=1e-6)
    assert z.prob_below(math.log(0.8)) == pytest.approx(0.798398, abs=1e-6)
    pm = meta_analysis(*bcg, method="PM")
    assert near(pm.estimate, -0.71497, 1e-5) and near(pm.se, 0.18089, 1e-5)


# dat.raudenbush1985 (metadat data-raw), yi and vi as given.
RAUD_YI = [0.03, 0.12, -0.14, 1.18, 0.26, -0.06, -0.02, -0.32, 0.27, 0.80, 0.54, 0.18, -0.02, 0.23,
           -0.18, -0.06, 0.30, 0.07, -0.07]
RAUD_VI = [0.0156, 0.0216, 0.0279, 0.1391, 0.1362, 0.0106, 0.0106, 0.0484, 0.0269, 0.0630, 0.0912,
           0.0497, 0.0835, 0.0841, 0.0253, 0.0279, 0.0193, 0.0088, 0.0303]

# Raudenbush (2009) Handbook of Research Synthesis Table 16.3 p. 309, pinned in metafor
# tests/testthat/test_analysis_example_raudenbush2009.r lines 71-109:
# method: tau², mu, SE(z), z, CI(z), SE(KH), t(KH), CI(KH, t18)
RAUDENBUSH_TABLE = {
    "EE": (0.0, 0.0604, 0.0365, 1.6553, (-0.0111, 0.1318), 0.0515, 1.1733, (-0.0477, 0.1685)),
    "ML": (0.0126, 0.0777, 0.0475, 1.6368, (-0.0153, 0.1708), 0.0593, 1.3110, (-0.0468, 0.2023)),
    "REML": (0.0188, 0.0837, 0.0516, 1.6208, (-0.0175, 0.1849), 0.0616, 1.3593, (-0.0457, 0.2131)),
    "DL": (0.0259, 0.0893, 0.0558, 1.6009, (-0.0200, 0.1987), 0.0636, 1.4050, (-0.0442, 0.2229)),
    "HE": (0.0804, 0.1143, 0.0792, 1.4432, (-0.0409, 0.2696), 0.0711, 1.6078, (-0.0351, 0.2637)),
}


@pytest.mark.parametrize("method", list(RAUDENBUSH_TABLE))
def test_raudenbush_table_16_3(method: str) -> None:
    tau2, mu, se, z, ci, se_kh, t_kh, ci_kh = RAUDENBUSH_TABLE[method]
    r = meta_analysis(RAUD_YI, RAUD_VI, method=method)
    assert near(r.tau2, tau2) and near(r.estimate, mu) and near(r.se, se) and near(r.statistic, z)
    assert near(r.ci95[0], ci[0]) and near(r.ci95[1], ci[1])
    kh = meta_analysis(RAUD_YI, RAUD_VI, method=method, hksj=True)
    assert near(kh.se, se_kh) and near(kh.statistic, t_kh) and kh.df == 18
    assert near(kh.ci95[0], ci_kh[0]) and near(kh.ci95[1], ci_kh[1])


def test_raudenbush_heterogeneity() -> None:
    r = meta_analysis(RAUD_YI, RAUD_VI)
    # metadat dat.raudenbush1985.html: Q(18) = 35.8295 (p = 0.0074); REML I² 41.86 %, H² 1.72, tau 0.1372
    assert near(r.q, 35.8295) and r.q_df == 18 and abs(r.q_p - 0.0074) <= 6e-5
    assert abs(r.i2 - 41.86) <= 0.006 and abs(r.h2 - 1.72) <= 0.006 and near(r.tau, 0.1372)
    # metadat dat.raudenbush1985.html: REML prediction interval -0.2036 ... 0.3711
    assert near(r.pred95[0], -0.2036) and near(r.pred95[1], 0.3711)


# CLASP trials (DerSimonian & Kacker 2007, Tables 3-4): escalc(measure="OR", ai, n1i, ci, n2i)
CLASP_N1 = [156, 303, 565, 1570, 103, 4659]
CLASP_A = [5, 5, 12, 69, 9, 313]
CLASP_N2 = [74, 303, 477, 1565, 105, 4650]
CLASP_C = [8, 17, 9, 94, 11, 352]
# metafor test_analysis_example_dersimonian2007.r lines 56-59: (tau, mu, se); 4 dp
CLASP_EXPECTED = {
    "PM": (0.3681, -0.3811, 0.2060), "HE": (0.4410, -0.4035, 0.2327), "DL": (0.2323, -0.3240, 0.1540),
    "ML": (0.0023, -0.1974, 0.0694), "REML": (0.1843, -0.2980, 0.1343), "HS": (0.1330, -0.2666, 0.1125),
    "SJ": (0.4572, -0.4079, 0.2386),
}


@pytest.mark.parametrize("method", list(CLASP_EXPECTED))
def test_clasp_tau_estimators(method: str) -> None:
    a, c = np.array(CLASP_A), np.array(CLASP_C)
    es = log_odds_ratio(a, np.array(CLASP_N1) - a, c, np.array(CLASP_N2) - c)
    r = meta_analysis(es.yi, es.vi, method=method)
    tau, mu, se = CLASP_EXPECTED[method]
    assert near(r.tau, tau, 1e-4) and near(r.estimate, mu, 1e-4) and near(r.se, se, 1e-4)


KACKER_Y = [61.0, 61.4, 62.21, 62.3, 62.34, 62.6, 62.7, 62.84, 65.9]
KACKER_V = [0.2025, 1.2100, 0.0900, 0.2025, 0.3844, 0.5625, 0.0676, 0.0225, 1.8225]


def test_kacker_pm_full_precision() -> None:
    # statsmodels/stats/tests/results/results_meta.py lines 24-48 (metafor, control tol=1e-9)
    r = meta_analysis(KACKER_Y, KACKER_V, method="PM")
    assert r.tau2 == pytest.approx(0.705395309224248, rel=1e-6)
    assert r.estimate == pytest.approx(62.4076199113286, rel=1e-6)
    assert r.se == pytest.approx(0.338030602684471, rel=1e-6)
    assert r.ci95[0] == pytest.approx(61.7450921043947, rel=1e-6)
    assert r.ci95[1] == pytest.approx(63.0701477182625, rel=1e-6)
    assert r.q == pytest.approx(24.801897741835, rel=1e-6)
    assert r.q_p == pytest.approx(0.00167935146372742, rel=1e-6)
    assert r.i2 == pytest.approx(83.7218626490482, rel=1e-6)
    assert r.h2 == pytest.approx(6.14320900751909, rel=1e-6)


def test_kacker_dl_and_hksj_full_precision() -> None:
    # statsmodels results_meta.py lines 108-132 (DL) and 139-163 (DL + KH)
    r = meta_analysis(KACKER_Y, KACKER_V, method="DL")
    assert r.tau2 == pytest.approx(0.288049246973751, rel=1e-6)
    assert r.estimate == pytest.approx(62.3901386044504, rel=1e-6)
    assert r.se == pytest.approx(0.245749668040304, rel=1e-6)
    assert r.ci95[0] == pytest.approx(61.9084781058787, rel=1e-6)
    assert r.ci95[1] == pytest.approx(62.8717991030221, rel=1e-6)
    assert r.i2 == pytest.approx(67.744403741711, rel=1e-6)
    assert r.h2 == pytest.approx(3.10023721772938, rel=1e-6)
    kh = meta_analysis(KACKER_Y, KACKER_V, method="DL", hksj=True)
    assert kh.se == pytest.approx(0.29477605699879, rel=1e-6)
    assert kh.ci95[0] == pytest.approx(61.710383798052, rel=1e-6)
    assert kh.ci95[1] == pytest.approx(63.0698934108488, rel=1e-6)
    assert kh.p == pytest.approx(2.77938607433693e-16, rel=1e-4)
    # results_meta.py lines 170-176 (FE)
    fe = meta_analysis(KACKER_Y, KACKER_V, method="EE")
    assert fe.estimate == pytest.approx(62.5833970939982, rel=1e-9)
    assert fe.se == pytest.approx(0.107845705498231, rel=1e-9)


def test_kacker_tau_table_1() -> None:
    # Kacker 2004 Table 1 row 1 (tau), statsmodels test_meta.py::test_tau_kacker:
    # PM 0.8399, CA (= HE) 1.1837, DL 0.5359
    assert near(math.sqrt(tau2_estimate(KACKER_Y, KACKER_V, "PM")), 0.8399, 1e-4)
    assert near(math.sqrt(tau2_estimate(KACKER_Y, KACKER_V, "HE")), 1.1837, 1e-4)
    # DL: the paper's 0.5359 disagrees with metafor's full-precision DL tau² (0.288049, tau 0.5367, tested
    # above); statsmodels' own test allows atol 1e-3 for this cell ("reduced agreement with Kacker").
    assert near(math.sqrt(tau2_estimate(KACKER_Y, KACKER_V, "DL")), 0.5359, 1e-3)


def test_bad_input_is_rejected_with_the_field() -> None:
    with pytest.raises(ValueError, match=r"vi\[1\] = -0.1"):
        meta_analysis([0.1, 0.2], [0.1, -0.1])
    with pytest.raises(ValueError, match="at least 2 studies"):
        meta_analysis([0.1], [0.1])
    with pytest.raises(ValueError, match="same length"):
        meta_analysis([0.1, 0.2, 0.3], [0.1, 0.1])
    with pytest.raises(ValueError, match="method = 'XX'"):
        meta_analysis([0.1, 0.2], [0.1, 0.1], method="xx")


def test_two_studies_warn() -> None:
    with pytest.warns(FewStudiesWarning):
        meta_analysis([0.1, 0.4], [0.02, 0.03])


def test_all_methods_run_and_serialise(bcg: tuple[tuple[float, ...], tuple[float, ...]]) -> None:
    for method in METHODS:
        d = meta_analysis(*bcg, method=method).to_dict()
        for key in ("estimate", "se", "ci95", "tau2", "i2", "q", "q_p", "pred95", "k", "method"):
            assert key in d
        assert d["k"] == 13 and abs(sum(d["weights"]) - 100) < 1e-9
