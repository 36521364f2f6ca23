"""The engine's n-of-1 effects pooled on a simulated cohort whose truth is known.

40 % helped, 40 % no effect, 20 % harmed by moderate pressure (the issue's example), a year
of diary each. The truth of each client is the simulator's ``diary_effect``: how much lower
(or higher) the 0-10 diary was on the massage day and the two days after than without the
massage. Nothing of the truth reaches the engine.
"""

from __future__ import annotations

import numpy as np

from touchdose.analysis.comparison import Comparison, compare_batch
from touchdose.analysis.pooled import pool_clients
from touchdose.painmodel.simulate import simulate_clients

MIX = {"helps": 0.4, "no_effect": 0.4, "harmed_moderate": 0.2}


def test_share_with_benefit_and_prediction_interval_match_the_truth() -> None:
    sim = simulate_clients(400, seed=15, days=365, kind=MIX)
    made = [(c, t) for c, t in zip(compare_batch(list(sim.clients)), sim.truths, strict=True)
            if isinstance(c, Comparison) and t.diary_effect is not None]  # fmt: skip
    assert len(made) >= 390
    effect = np.array([c.effect for c, _ in made])
    se = np.array([c.sd for c, _ in made])
    truth = np.array([t.diary_effect for _, t in made])
    pooled = pool_clients(effect, se, mid=1.0)
    true_share = float(np.mean(truth <= -1.0))
    assert 0.3 < true_share < 0.5  # the cohort is what it says
    assert abs(pooled.share_benefit - true_share) <= 0.05
    # A 95 % prediction interval should hold about 95 % of the true effects of these clients
    # (the truth is three groups, not a normal curve, so a little either way).
    inside = float(np.mean((truth >= pooled.pred95[0]) & (truth <= pooled.pred95[1])))
    assert 0.92 <= inside <= 0.99
    assert pooled.tau_ci95[0] <= truth.std() * 1.1 and truth.std() * 0.9 <= pooled.tau_ci95[1]
