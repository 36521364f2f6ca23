"""Simulated diaries with sessions on given days, shared by the pause and late-look tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np

from touchdose.records import CheckIn, ClientFile, ClientProfile, Session

T0 = datetime(2026, 1, 5, 20, tzinfo=UTC)


def with_sessions(session_days: list[int], days: int, *, effect: float = 0.0, seed: int = 5) -> ClientFile:
    """Fibromyalgia, evening entries (20:00) on ``days`` days, 10:00 sessions on ``session_days``;
    pain 6 + AR(1) noise (SD 1, rho 0.5) + ``effect`` over the 72 h after each session, each entry
    the mean of the 24 h before it (hourly)."""
    rng = np.random.default_rng(seed)
    e = np.zeros(days)
    for d in range(1, days):
        e[d] = 0.5 * e[d - 1] + np.sqrt(0.75) * rng.standard_normal()
    starts = np.array([24.0 * d - 10 for d in session_days])  # hours from day 0, 20:00
    pain = []
    for d in range(days):
        hours = 24.0 * d - np.arange(24) - 0.5  # the 24 h before the entry
        relief = ((hours[:, None] >= starts) & (hours[:, None] < starts + 72)).any(axis=1).mean()
        pain.append(int(np.clip(round(6 + e[d] + effect * relief), 0, 10)))
    return ClientFile(
        ClientProfile(id="c-p", conditions=("fibromyalgia",)),
        tuple(Session(T0 + timedelta(days=d, hours=-10), 1, 30, pain_before=6) for d in session_days),
        tuple(CheckIn(T0 + timedelta(days=d), pain=p) for d, p in enumerate(pain)),
    )


def twice_a_week(first: int, last: int) -> list[int]:
    """Session days from ``first`` to ``last``, 3 and 4 days apart."""
    return [d for d in range(first, last + 1) if (d - first) % 7 in (0, 3)]
