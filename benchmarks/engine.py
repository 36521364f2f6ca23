"""Engine benchmark: a full analysis of one client-year, 10k clients in batch, and MCMC side by side.

Run from the repository root::

    .venv/bin/python benchmarks/engine.py            # about 2-4 minutes on 2 cores
    .venv/bin/python benchmarks/engine.py --quick    # fewer repeats and MCMC fits, for a smoke run

Prints, for a simulated client-year (daily diary, about 50 weekly sessions, from the painmodel
simulator):

* median time of ``analyze_client`` (the full analysis: instruments, responses, the n-of-1
  comparison of four outcomes, titration, verdict, plan) and of the comparison part alone;
* 10 000 client-years in batch: ``compare_all_batch`` (all four outcomes, posteriors vectorised
  over clients) and, on the first 1 000, ``analyze_client`` one by one;
* the same n-of-1 model fitted by MCMC (emcee, ``tests/analysis/mcmc_reference.py``, a test helper) on a few
  client-years: time per fit, speed-up, and the difference in P(benefit) / P(harm).

Goals (issue 4): <= 20 ms per client-year, >= 1000x faster than MCMC, P(benefit) within 0.01.
Times are medians of wall-clock (``perf_counter``) and CPU (``process_time``) time; the CPU
figure is the fairer one on a shared machine.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "analysis"))

from mcmc_reference import fit, synthetic_client

from touchdose.analysis.comparison import (
    DEFAULT_PRIOR,
    DIARY_OUTCOMES,
    Comparison,
    compare,
    compare_all,
    compare_all_batch,
    design,
)
from touchdose.analysis.engine import analyze_client
from touchdose.painmodel.simulate import simulate_clients
from touchdose.records import ClientFile

#: Client-years for the MCMC side-by-side (seed, true effect on pain), chosen so that the exact
#: P(benefit) is 0.55, 0.08 and 0.85: probabilities far from 0 and 1 are the hard case.
MCMC_FIXTURES = ((20, -1.0), (22, -1.0), (27, -1.0))
#: emcee settings for a Monte Carlo SE of a probability <= 0.003 (about 25 000 effective draws
#: at an integrated autocorrelation time of about 30 steps with 128 walkers, stretch move).
MCMC_WALKERS, MCMC_STEPS, MCMC_BURN = 128, 6000, 1000


def timed(fn: Callable[[], Any], repeats: int) -> tuple[float, float]:
    """Median wall and CPU seconds of ``repeats`` calls."""
    wall, cpu = [], []
    for _ in range(repeats):
        w0, c0 = time.perf_counter(), time.process_time()
        fn()
        cpu.append(time.process_time() - c0)
        wall.append(time.perf_counter() - w0)
    return statistics.median(wall), statistics.median(cpu)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:8.2f} ms"


def one_client_year(repeats: int) -> ClientFile:
    cf = simulate_clients(1, seed=7, kind="helps", days=365).clients[0]
    print(f"One client-year: {len(cf.checkins)} diary entries, {len(cf.sessions)} sessions")
    full = timed(lambda: analyze_client(cf), repeats)
    comp = timed(lambda: compare_all(cf), repeats * 4)
    pain = timed(lambda: compare(cf), repeats * 4)
    print(f"  analyze_client (full analysis)      wall {ms(full[0])}  cpu {ms(full[1])}   goal <= 20 ms")
    print(f"  compare_all (4 outcomes)            wall {ms(comp[0])}  cpu {ms(comp[1])}")
    print(f"  compare (pain only)                 wall {ms(pain[0])}  cpu {ms(pain[1])}")
    return cf


def batch(n: int, distinct: int, full_n: int) -> None:
    t0 = time.perf_counter()
    base = simulate_clients(distinct, seed=11, days=365).clients
    print(f"\n{n} client-years in batch ({distinct} simulated clients, each repeated {n // distinct} times; "
          f"simulating took {time.perf_counter() - t0:.1f} s, not counted)")  # fmt: skip
    cfs = list(base) * (n // distinct)
    w0, c0 = time.perf_counter(), time.process_time()
    sets = compare_all_batch(cfs)
    wall, cpu = time.perf_counter() - w0, time.process_time() - c0
    made = sum(1 for s in sets for r in s.results.values() if isinstance(r, Comparison))
    print(f"  compare_all_batch: {wall:.2f} s wall, {cpu:.2f} s cpu = {ms(cpu / n)} cpu per client "
          f"({made} comparisons made, {4 * n - made} refused)")  # fmt: skip
    w0, c0 = time.perf_counter(), time.process_time()
    for cf in cfs[:full_n]:
        analyze_client(cf)
    wall, cpu = time.perf_counter() - w0, time.process_time() - c0
    per = cpu / full_n
    print(f"  analyze_client one by one on {full_n}: {wall:.2f} s wall, {cpu:.2f} s cpu = "
          f"{ms(per)} cpu per client (x{n // full_n} = {per * n:.0f} s for {n})")  # fmt: skip


def mcmc_side_by_side(fixtures: tuple[tuple[int, float], ...], steps: int) -> None:
    print(f"\nMCMC (emcee, {MCMC_WALKERS} walkers x {steps} steps after {MCMC_BURN} burn-in) vs exact grid, "
          "pain, client-years of 365 days with 50 sessions")  # fmt: skip
    print("  seed  P(benefit) grid   mcmc    |diff|   P(harm) |diff|  effect grid  mcmc    "
          "grid cpu    mcmc cpu   speed-up")  # fmt: skip
    diffs, ratios = [], []
    mid = DIARY_OUTCOMES["pain"].mid
    for seed, effect in fixtures:
        cf = synthetic_client(seed, effect=effect)
        exact = compare(cf)
        assert isinstance(exact, Comparison)
        grid_cpu = timed(lambda cf=cf: compare(cf), 50)[1]
        d = design(cf)
        c0 = time.process_time()
        m = fit(d.days, d.y, d.X, DEFAULT_PRIOR, walkers=MCMC_WALKERS, steps=steps, burn=MCMC_BURN, seed=seed)
        mcmc_cpu = time.process_time() - c0
        p = m.probabilities(mid)
        diff = abs(exact.p_benefit - p["p_benefit"])
        diffs.append(diff)
        ratios.append(mcmc_cpu / grid_cpu)
        print(f"  {seed:4d}  {exact.p_benefit:14.4f} {p['p_benefit']:7.4f} {diff:8.4f} "
              f"{abs(exact.p_harm - p['p_harm']):12.4f}  {exact.effect:11.3f} {p['effect']:6.3f} "
              f"{ms(grid_cpu)} {mcmc_cpu:9.2f} s {mcmc_cpu / grid_cpu:9.0f}x")  # fmt: skip
    print(f"  max |diff P(benefit)| = {max(diffs):.4f} (goal <= 0.01); "
          f"median speed-up {statistics.median(ratios):.0f}x (goal >= 1000x)")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats, clients and MCMC steps")
    args = parser.parse_args()
    repeats, n, distinct, full_n = (5, 1000, 200, 100) if args.quick else (25, 10_000, 1000, 1000)
    one_client_year(repeats)
    batch(n, distinct, full_n)
    mcmc_side_by_side(MCMC_FIXTURES[:1] if args.quick else MCMC_FIXTURES, 1000 if args.quick else MCMC_STEPS)


if __name__ == "__main__":
    main()
