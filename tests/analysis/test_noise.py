"""The client's own rate of 2-point rises without massage, against a simulation of rounded ratings."""

from __future__ import annotations

import numpy as np
import pytest

from touchdose.analysis.noise import DiaryNoise, diary_noise, rise_rate
from touchdose.records import ClientFile, ClientProfile


def simulated_rate(sd: float, rho: float, looks: int, n: int = 200_000, seed: int = 5) -> float:
    """Whole-number ratings of a stationary AR(1) series at a random level: how often one of the
    next ``looks`` ratings is at least 2 above the first."""
    rng = np.random.default_rng(seed)
    y = np.empty((n, looks + 1))
    y[:, 0] = rng.normal(0.0, sd, n)
    for t in range(1, looks + 1):
        y[:, t] = rho * y[:, t - 1] + rng.normal(0.0, sd * np.sqrt(1 - rho**2), n)
    x = np.rint(y + 5.0 + rng.uniform(0.0, 1.0, n)[:, None])
    return float(np.mean(np.max(x[:, 1:], axis=1) - x[:, 0] >= 2))


@pytest.mark.parametrize(("sd", "rho"), [(0.8, 0.2), (1.2, 0.5), (1.4, 0.7), (0.6, 0.4)])
@pytest.mark.parametrize("looks", [2, 3])
def test_the_rate_is_close_to_a_simulation_and_errs_high(sd: float, rho: float, looks: int) -> None:
    exact = rise_rate(DiaryNoise(sd, rho, 1.0, True), looks=looks)
    simulated = simulated_rate(sd, rho, looks)
    assert simulated - 0.005 <= exact <= simulated + 0.025


def test_more_looks_and_more_noise_mean_more_rises() -> None:
    calm, noisy = DiaryNoise(0.7, 0.5, 1.0, True), DiaryNoise(1.3, 0.5, 1.0, True)
    assert rise_rate(calm, looks=2) < rise_rate(calm, looks=3) < rise_rate(noisy, looks=3)


def test_a_diary_too_short_falls_back_to_the_stated_assumption() -> None:
    noise = diary_noise(ClientFile(ClientProfile(id="c-1")))
    assert not noise.measured and (noise.sd, noise.rho) == (1.2, 0.5)
    with pytest.raises(ValueError, match="looks = 4 is not allowed"):
        rise_rate(noise, looks=4)
