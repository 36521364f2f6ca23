"""The faithful CRM against the published reference cases (docs/references.md section 4.2)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.integrate import quad
from scipy.stats import norm

from touchdose.analysis.crm import closest_level, crm, posterior

CHEUNG_SKELETON = [0.05, 0.12, 0.25, 0.40, 0.55]


def test_cheung_2011_p21_logistic_case() -> None:
    # CRM-1: Cheung (2011) "Dose Finding by the CRM", p. 21, pinned in trialr
    # tests/testthat/test_stan_crm.R lines 164-211: recommended dose 4, beta_hat 0.28,
    # ptox 0.01, 0.03, 0.08, 0.18, 0.33 (two decimals as printed).
    r = crm(CHEUNG_SKELETON, 0.25, [3, 5, 5, 3, 4], [0, 0, 1, 0, 0], model="logistic")
    assert r.recommended == 4
    assert round(r.beta, 2) == 0.28
    assert [round(p, 2) for p in r.p_event] == [0.01, 0.03, 0.08, 0.18, 0.33]
    # Full-precision values of dfcrm's formula by adaptive quadrature (docs/references.md 4.2,
    # "ours 0.27946" and ptox 0.0077 0.0265 0.0817 0.1819 0.3314; DERIVED, a transcription check).
    assert r.beta == pytest.approx(0.27946, abs=5e-6)
    assert r.p_event == pytest.approx([0.0077, 0.0265, 0.0817, 0.1819, 0.3314], abs=6e-5)


def test_cheung_2011_p21_posterior_variance() -> None:
    # docs/references.md 4.2 / caveat 3: dfcrm's post.var formula gives 0.0907 by adaptive
    # quadrature (DERIVED; trialr's MCMC comment of about 0.11 is UNVERIFIED with tolerance 0.03).
    r = crm(CHEUNG_SKELETON, 0.25, [3, 5, 5, 3, 4], [0, 0, 1, 0, 0], model="logistic")
    assert r.beta_var == pytest.approx(0.0907, abs=6e-5)
    assert abs(r.beta_var - 0.11) < 0.03


def test_cheung_2011_p124_tite_empiric_case() -> None:
    # CRM-3: Cheung (2011) p. 124, TITE-CRM, empiric model, 4 patients at dose 3 without
    # toxicity, weights (73, 66, 35, 28)/126 -> beta_hat about 0.49, recommended dose 4
    # (trialr tests/testthat/test_stan_crm.R lines 213-229).
    weights = [73 / 126, 66 / 126, 35 / 126, 28 / 126]
    r = crm(CHEUNG_SKELETON, 0.25, [3, 3, 3, 3], [0, 0, 0, 0], model="empiric", weights=weights)
    assert r.recommended == 4
    assert round(r.beta, 2) == 0.49


def _quad_moments(
    levels: list[int], events: list[int], model: str, weights: list[float]
) -> tuple[float, float]:
    """dfcrm's integrals with scipy's adaptive quadrature on (-inf, inf): an independent route."""
    sk = np.asarray(CHEUNG_SKELETON)

    def dens(b: float) -> float:
        with np.errstate(over="ignore"):
            scale = np.exp(b)
            if model == "empiric":
                f = sk**scale
            else:
                f = 1.0 / (1.0 + np.exp(-(3.0 + scale * (np.log(sk / (1 - sk)) - 3.0))))
        like = 1.0
        for lv, y, w in zip(levels, events, weights, strict=True):
            like *= f[lv - 1] if y else 1.0 - w * f[lv - 1]
        return like * norm.pdf(b, 0.0, math.sqrt(1.34))

    z = quad(dens, -np.inf, np.inf)[0]
    m1 = quad(lambda b: b * dens(b), -np.inf, np.inf)[0] / z
    m2 = quad(lambda b: b * b * dens(b), -np.inf, np.inf)[0] / z
    return m1, m2 - m1 * m1


@settings(max_examples=15, deadline=None, derandomize=True)
@given(
    data=st.lists(
        st.tuples(st.integers(1, 5), st.integers(0, 1), st.floats(0.05, 1.0)), min_size=0, max_size=12
    ),
    model=st.sampled_from(["empiric", "logistic"]),
)
def test_grid_quadrature_matches_adaptive_quadrature(data: list[tuple[int, int, float]], model: str) -> None:
    levels = [d[0] for d in data]
    events = [d[1] for d in data]
    weights = [1.0 if d[1] else d[2] for d in data]
    r = crm(CHEUNG_SKELETON, 0.25, levels, events, model=model, weights=weights)  # type: ignore[arg-type]
    m1, var = _quad_moments(levels, events, model, weights)
    assert r.beta == pytest.approx(m1, abs=1e-6)
    assert r.beta_var == pytest.approx(var, abs=1e-6)


def test_no_data_gives_the_prior() -> None:
    # With no observations beta_hat = 0 (prior mean), so the plug-in equals the skeleton.
    r = crm(CHEUNG_SKELETON, 0.25, [], [])
    assert r.beta == pytest.approx(0.0, abs=1e-12)
    assert r.beta_var == pytest.approx(1.34, rel=1e-6)
    assert r.p_event == pytest.approx(CHEUNG_SKELETON, abs=1e-9)
    assert r.recommended == 3


def test_dfcrm_edge_rules() -> None:
    assert closest_level([0.01, 0.02, 0.03], 0.25) == 3  # all below target: top level
    assert closest_level([0.30, 0.40, 0.50], 0.25) == 1  # all above target: level 1


def test_events_push_estimates_up_and_successes_down() -> None:
    base = crm(CHEUNG_SKELETON, 0.25, [3], [0]).p_event
    bad = crm(CHEUNG_SKELETON, 0.25, [3], [1]).p_event
    assert all(b > a for a, b in zip(base, bad, strict=True))


def test_posterior_summaries_are_probabilities() -> None:
    post = posterior(CHEUNG_SKELETON, [2, 3, 3], [0, 0, 1])
    assert post.weights.sum() == pytest.approx(1.0)
    risk = post.mean_risk()
    assert np.all(np.diff(risk) > 0) and np.all((risk > 0) & (risk < 1))
    above = post.prob_risk_above(0.25)
    assert np.all(np.diff(above) >= 0) and np.all((above >= 0) & (above <= 1))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"skeleton": [0.3, 0.2]}, "skeleton"),
        ({"skeleton": [0.0, 0.2]}, "skeleton"),
        ({"target": 1.2}, "target"),
        ({"model": "probit"}, "model"),
        ({"prior_var": 0.0}, "prior_var"),
        ({"levels": [6], "events": [0]}, "levels"),
        ({"levels": [1], "events": [2]}, "events"),
        ({"levels": [1, 2], "events": [0]}, "events"),
        ({"levels": [1], "events": [0], "weights": [1.5]}, "weights"),
    ],
)
def test_bad_input_names_the_field(kwargs: dict[str, object], message: str) -> None:
    args: dict[str, object] = {"skeleton": CHEUNG_SKELETON, "target": 0.25, "levels": [], "events": []}
    args.update(kwargs)
    with pytest.raises(ValueError, match=message):
        crm(**args)  # type: ignore[arg-type]


def test_to_dict_is_json_ready() -> None:
    import json

    d = crm(CHEUNG_SKELETON, 0.25, [1], [0]).to_dict()
    assert json.loads(json.dumps(d))["recommended"] == d["recommended"]


def test_the_stable_path_of_docs_formats_names_the_same_function() -> None:
    # docs/formats.md "Stable Python API" promises touchdose.analysis.titration.crm.
    from touchdose.analysis import titration

    assert titration.crm is crm
