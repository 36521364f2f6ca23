"""Titration as a therapist policy, run in the real simulator (fixed seeds)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from touchdose.analysis.policy import titration_policy
from touchdose.painmodel import SimulationResult, fixed, simulate_clients
from touchdose.records import CheckIn, ClientFile, ClientProfile, Session

T0 = datetime(2026, 1, 5, 10, tzinfo=UTC)


def test_policy_starts_light_for_a_sensitized_client_and_moderate_otherwise() -> None:
    policy = titration_policy()
    assert policy(ClientFile(ClientProfile(id="a", sensitivity="high")), "a") == 1  # 10 % target
    assert titration_policy(0.15)(ClientFile(ClientProfile(id="a", sensitivity="high")), "a") == 2
    assert policy(ClientFile(ClientProfile(id="b")), "b") == 3


def test_policy_steps_down_after_aggravation() -> None:
    s = Session(start=T0, pressure=3, minutes=30, pain_before=5, pain_after=5)
    cis = (CheckIn(time=T0 + timedelta(hours=30), pain=8), CheckIn(time=T0 + timedelta(hours=50), pain=8))
    history = ClientFile(ClientProfile(id="c"), (s,), cis)
    chosen = titration_policy()(history, "c")
    assert chosen is None or chosen <= 2  # lighter, or no massage while no pressure is safe enough


def test_policy_refuses_a_foreign_client_id() -> None:
    with pytest.raises(ValueError, match="client_id"):
        titration_policy()(ClientFile(ClientProfile(id="c")), "someone-else")


@pytest.mark.slow
def test_titration_spares_harmed_clients_most_flares() -> None:
    # Same seed, same clients, same day-to-day noise under both policies (simulate.py Notes).
    fixed_run = simulate_clients(12, seed=3, kind="harmed_moderate", policy=fixed(3), days=90)
    titrated = simulate_clients(12, seed=3, kind="harmed_moderate", policy=titration_policy(), days=90)
    flares_fixed = sum(t.flares for t in fixed_run.truths)
    flares_titrated = sum(t.flares for t in titrated.truths)
    assert flares_fixed > 0
    assert flares_titrated <= flares_fixed / 3  # the goal: at most a third of the flares


@pytest.mark.slow
def test_titration_keeps_the_relief_of_clients_it_helps() -> None:
    fixed_run = simulate_clients(12, seed=4, kind="helps", policy=fixed(3), days=90)
    titrated = simulate_clients(12, seed=4, kind="helps", policy=titration_policy(), days=90)

    def relief(run: SimulationResult) -> float:
        values = [t.relief_per_session for t in run.truths]
        return sum(v for v in values if v is not None) / len(values)

    assert relief(titrated) >= 0.8 * relief(fixed_run)  # the goal: >= 80 % of the relief
