"""Pooling a series of n-of-1 effects: against metafor's published output and a known truth.

Reference values: docs/references.md §3.3 (and §1.2-1.3 for the data). metafor prints 4 dp, so a
printed value is matched with |x - printed| <= 6e-5 (within the 1e-4 the issue asks).
"""

from __future__ import annotations

import csv
import math
from pathlib import Path

import numpy as np
import pytest

from touchdose.analysis.pooled import _wilson, pool_clients
from touchdose.evidence.effects import log_risk_ratio
from touchdose.evidence.meta import FewStudiesWarning, meta_analysis

PRINTED = 6e-5
BCG_CSV = Path(__file__).parents[1] / "evidence" / "data" / "dat_bcg.csv"

# dat.raudenbush1985 (metadat data-raw/dat.raudenbush1985.txt): teacher expectancy, 19 SMDs.
RAUDENBUSH_YI = [0.03, 0.12, -0.14, 1.18, 0.26, -0.06, -0.02, -0.32, 0.27, 0.80, 0.54, 0.18, -0.02, 0.23,
                 -0.18, -0.06, 0.30, 0.07, -0.07]  # fmt: skip
RAUDENBUSH_VI = [0.0156, 0.0216, 0.0279, 0.1391, 0.1362, 0.0106, 0.0106, 0.0484, 0.0269, 0.0630, 0.0912,
                 0.0497, 0.0835, 0.0841, 0.0253, 0.0279, 0.0193, 0.0088, 0.0303]  # fmt: skip


@pytest.fixture(scope="module")
def bcg() -> tuple[np.ndarray, np.ndarray]:
    with BCG_CSV.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    es = log_risk_ratio(*([int(r[c]) for r in rows] for c in ("ai", "bi", "ci", "di")))
    return np.asarray(es.yi), np.sqrt(np.asarray(es.vi))


def test_bcg_pooled_summary_matches_metafor(bcg: tuple[np.ndarray, np.ndarray]) -> None:
    p = pool_clients(*bcg, mid=1e-12)
    # metafor docs/reference/rma.uni.html example 1: rma(yi, vi) on dat.bcg (REML)
    assert abs(p.mean - -0.7145) <= PRINTED and abs(p.se - 0.1798) <= PRINTED
    assert abs(p.tau - 0.5597) <= PRINTED
    assert abs(p.ci95[0] - -1.0669) <= PRINTED and abs(p.ci95[1] - -0.3622) <= PRINTED
    # metafor docs/reference/transf.html: exp PI 0.1546-1.5490
    assert abs(math.exp(p.pred95[0]) - 0.1546) <= PRINTED and abs(math.exp(p.pred95[1]) - 1.5490) <= PRINTED
    # metafor docs/reference/predict.rma.html: predict(res, prob="<0") = 0.89 (2 dp): a "benefit" of
    # a lower log risk ratio, at a threshold of (almost) 0
    assert abs(p.p_new_benefit - 0.89) <= 0.006


def test_bcg_shrunken_estimates_match_metafor_blup_and_ranef(bcg: tuple[np.ndarray, np.ndarray]) -> None:
    p = pool_clients(*bcg)
    shrunken = np.array([c.shrunken for c in p.clients])
    se = np.array([c.shrunken_se for c in p.clients])
    # metafor docs/reference/blup.html: blup(res, transf=exp) on dat.bcg, pred / pi.lb / pi.ub (4 dp)
    blup = [0.4492, 0.2860, 0.3727, 0.2471, 0.7502, 0.4563, 0.2882, 1.0029, 0.6024, 0.2873, 0.7021, 0.7522,
            0.8635]  # fmt: skip
    lo = [0.2012, 0.1431, 0.1590, 0.1887, 0.4958, 0.3883, 0.1400, 0.8871, 0.3911, 0.1775, 0.5665, 0.3064,
          0.5359]  # fmt: skip
    hi = [1.0032, 0.5716, 0.8740, 0.3236, 1.1352, 0.5362, 0.5936, 1.1338, 0.9279, 0.4651, 0.8702, 1.8469,
          1.3915]  # fmt: skip
    assert np.allclose(np.exp(shrunken), blup, rtol=0, atol=PRINTED)
    assert np.allclose(np.exp(shrunken - 1.959964 * se), lo, rtol=0, atol=PRINTED)
    assert np.allclose(np.exp(shrunken + 1.959964 * se), hi, rtol=0, atol=PRINTED)
    # metafor docs/reference/ranef.html: ranef(res), the random effects alone (pred = BLUP - mu, 4 dp)
    ranef = [-0.0857, -0.5372, -0.2724, -0.6834, 0.4272, -0.0700, -0.5294, 0.7174, 0.2077, -0.5326, 0.3609,
             0.4298, 0.5678]  # fmt: skip
    assert np.allclose(shrunken - p.mean, ranef, rtol=0, atol=PRINTED)


def test_raudenbush1985_empirical_bayes_estimates() -> None:
    p = pool_clients(RAUDENBUSH_YI, np.sqrt(RAUDENBUSH_VI))
    # Raudenbush & Bryk 1985, J Educ Stat 10:75-98, Figure 2, as pinned (4 dp) in metafor
    # tests/testthat/test_analysis_example_raudenbush1985.r: blup(rma(yi, vi)) pred, pi.lb, pi.ub
    pred = [0.0543, 0.1006, -0.0064, 0.2144, 0.1051, -0.0082, 0.0174, -0.0293, 0.1604, 0.2485, 0.1618, 0.1102,
            0.0646, 0.1105, -0.0288, 0.0258, 0.1905, 0.0744, 0.0248]  # fmt: skip
    lo = [-0.1324, -0.1033, -0.2228, -0.0533, -0.1622, -0.1737, -0.1481, -0.2689, -0.0543, 0.0, -0.097,
          -0.1303, -0.192, -0.1463, -0.2405, -0.1906, -0.0076, -0.0808, -0.1954]  # fmt: skip
    shrunken = np.array(p.shrunken)
    se = np.array([c.shrunken_se for c in p.clients])
    assert abs(p.mean - 0.0837) <= PRINTED and abs(p.tau**2 - 0.0188) <= PRINTED
    assert np.allclose(shrunken, pred, rtol=0, atol=PRINTED)
    assert np.allclose(shrunken - 1.959964 * se, lo, rtol=0, atol=PRINTED)


def test_same_estimates_through_meta_analysis_agree(bcg: tuple[np.ndarray, np.ndarray]) -> None:
    yi, se = bcg
    p = pool_clients(yi, se, mid=0.2)
    r = meta_analysis(yi, se**2, method="REML")
    assert p.mean == pytest.approx(r.estimate, abs=1e-12) and p.se == pytest.approx(r.se, abs=1e-12)
    assert p.tau == pytest.approx(r.tau, abs=1e-12) and p.pred95 == pytest.approx(r.pred95, abs=1e-12)
    assert p.tau_ci95 == pytest.approx(tuple(math.sqrt(t) for t in r.tau2_ci95), abs=1e-12)
    assert p.p_new_benefit == pytest.approx(r.prob_below(-0.2), abs=1e-12)


def test_shrinkage_pulls_each_client_towards_the_mean_more_when_it_is_less_certain() -> None:
    effects = [-2.0, -2.0, 0.5, 0.0, -1.0]
    p = pool_clients(effects, [0.1, 0.6, 0.2, 0.2, 0.3])
    for c in p.clients:
        lo, hi = sorted((c.effect, p.mean))
        assert lo - 1e-12 <= c.shrunken <= hi + 1e-12
        assert c.shrunken_se < c.se
    precise, vague = p.clients[0], p.clients[1]
    assert abs(vague.shrunken - vague.effect) > abs(precise.shrunken - precise.effect)


def test_direction_of_benefit_mirrors_exactly() -> None:
    effects, ses = [-1.5, -0.4, 0.3, -2.2, 0.9], [0.2, 0.3, 0.25, 0.4, 0.2]
    pain = pool_clients(effects, ses, mid=1.0)
    mood = pool_clients([-e for e in effects], ses, mid=1.0, lower_is_better=False)
    assert mood.share_benefit == pytest.approx(pain.share_benefit, abs=1e-12)
    assert mood.share_harm == pytest.approx(pain.share_harm, abs=1e-12)
    assert mood.p_new_benefit == pytest.approx(pain.p_new_benefit, abs=1e-12)
    assert 0.0 <= pain.share_benefit + pain.share_harm <= 1.0


def test_a_larger_mid_is_never_easier_to_reach() -> None:
    effects, ses = [-1.5, -0.4, 0.3, -2.2, 0.9, -1.1], [0.2, 0.3, 0.25, 0.4, 0.2, 0.3]
    shares = [pool_clients(effects, ses, mid=m).share_benefit for m in (0.5, 1.0, 2.0)]
    assert shares[0] > shares[1] > shares[2]


def test_known_truth_share_and_prediction_interval() -> None:
    # 40 % helped (about 1.8 points less pain), 40 % no effect, 20 % harmed (about 1 point more),
    # each client's n-of-1 estimate as precise as a year of diary gives (SE 0.1-0.3 points).
    rng = np.random.default_rng(15)
    k = 3000
    group = rng.choice(3, size=k, p=[0.4, 0.4, 0.2])
    theta = np.select([group == 0, group == 1], [rng.normal(-1.8, 0.4, k), rng.normal(0.0, 0.1, k)],
                      rng.normal(1.0, 0.3, k))  # fmt: skip
    se = rng.uniform(0.1, 0.3, k)
    y = theta + rng.normal(0.0, se)
    p = pool_clients(y, se, mid=1.0)
    true_share = float(np.mean(theta <= -1.0))
    assert abs(p.share_benefit - true_share) <= 0.05
    assert p.share_benefit_ci95[0] <= true_share <= p.share_benefit_ci95[1]
    assert abs(p.mean - theta.mean()) <= 0.05
    assert p.tau_ci95[0] <= theta.std() * 1.05 and theta.std() * 0.95 <= p.tau_ci95[1]
    q025, q975 = np.quantile(theta, [0.025, 0.975])
    assert p.pred95[0] <= q025 and q975 <= p.pred95[1]


@pytest.mark.parametrize(
    ("effects", "ses", "message"),
    [
        ([-1.0, float("nan")], [0.1, 0.1], "client 2: effect = nan is not allowed"),
        ([-1.0, 0.0], [0.1, 0.0], "client 2: se = 0.0 is not allowed (allowed: a positive standard error)"),
        ([-1.0], [0.1], "at least 2 clients"),
        ([-1.0, 0.0], [0.1], "same length"),
    ],
)
def test_bad_input_names_the_client_and_what_is_allowed(effects: list[float], ses: list[float],
                                                        message: str) -> None:  # fmt: skip
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        pool_clients(effects, ses)


def test_bad_options_are_refused() -> None:
    with pytest.raises(ValueError, match="mid = 0 is not allowed"):
        pool_clients([-1.0, 0.0, 1.0], [0.1, 0.1, 0.1], mid=0)
    with pytest.raises(ValueError, match="method = 'XYZ' is not allowed"):
        pool_clients([-1.0, 0.0, 1.0], [0.1, 0.1, 0.1], method="XYZ")
    with pytest.raises(ValueError, match="2 ids for 3 effects"):
        pool_clients([-1.0, 0.0, 1.0], [0.1, 0.1, 0.1], ids=["a", "b"])


def test_two_clients_warn_and_to_dict_is_json_ready() -> None:
    with pytest.warns(FewStudiesWarning):
        p = pool_clients([-1.0, -0.5], [0.2, 0.2], ids=["x", "y"])
    d = p.to_dict()
    assert d["k"] == 2 and [c["id"] for c in d["clients"]] == ["x", "y"]
    assert "clients" not in p.to_dict(clients=False)


def test_share_interval_is_wilsons() -> None:
    # Newcombe RG (1998), Stat Med 17:857-872, Table I example (81/263): Wilson 0.2553 to 0.3662
    lo, hi = _wilson(81 / 263, 263)
    assert abs(lo - 0.2553) <= PRINTED and abs(hi - 0.3662) <= PRINTED
