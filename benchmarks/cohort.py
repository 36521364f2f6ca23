"""Cohort benchmark: many simulated client-years through ``touchdose cohort`` on Dask, end to end.

Run from the repository root::

    .venv/bin/python benchmarks/cohort.py                   # 100 000 client-years (long)
    .venv/bin/python benchmarks/cohort.py --clients 2000    # a smoke run

Prints:

* the cohort, made by ``touchdose simulate --format parquet`` (40 % helped, 40 % no effect,
  20 % harmed by moderate pressure; a year of diary each), and how long that took (not counted);
* the end-to-end wall time of ``run_cohort --effects-only`` (read the Parquet dataset, the
  n-of-1 comparison of every client from the columns, write the results, pool) with 1 and with
  2 worker processes, the scaling efficiency ``T1 / (2 T2)``, and the peak resident memory of
  each worker; then the whole engine (verdict and plan too) on the first ``--full`` clients;
* the pooled result against the simulator's truth: the share of clients with a benefit of at
  least the MID (goal: within 5 points of the truth) and the share of true effects inside the
  95 % prediction interval;
* the per client-year cost of the comparison's statistics (the Prais-Winsten cross products at
  the 200 rho cells: computed directly from every day at every cell, against the sufficient
  statistics per gap computed once) and of the whole comparison (records one client at a time,
  as ``touchdose analyze`` runs it, against the columns a partition at a time, and the columns
  without the late look, as ``--effects-only`` runs it).

Goal (issue 15): 100 000 client-years in <= 60 s on the 2-core machine (stretch 30 s).
The machine is shared: the load average before and after each run is printed beside it, and
CPU times (``process_time``) are given beside wall times for the single-process measurements.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
from distributed import Client

from touchdose.cohort.run import CohortOptions, CohortRun, local_cluster, run_cohort
from touchdose.cohort.simulated import TRUTH_PARQUET

MIX = "helps=0.4,no_effect=0.4,harmed_moderate=0.2"


def load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def make_cohort(out: Path, clients: int, days: int, seed: int) -> None:
    if out.exists():
        print(f"Cohort: {out} (reused)")
        return
    t0 = time.perf_counter()
    cmd = [str(Path(sys.executable).with_name("touchdose")), "simulate", "--format", "parquet",
           "--clients", str(clients), "--days", str(days), "--seed", str(seed), "--mix", MIX,
           "--out", str(out)]  # fmt: skip
    subprocess.run(cmd, check=True, stderr=subprocess.DEVNULL)
    size = sum(p.stat().st_size for p in out.iterdir()) / 1e6
    print(f"Cohort: {clients} client-years by 'touchdose simulate --format parquet' in "
          f"{time.perf_counter() - t0:.0f} s ({size:.0f} MB of Parquet; not counted below)")  # fmt: skip


def make_sample(source: Path, out: Path, clients: int) -> None:
    """The first ``clients`` clients of ``source`` as a dataset of their own."""
    from touchdose.cohort.dataset import DatasetWriter, partitions, read_table

    with DatasetWriter(out) as w:
        left = clients
        for part in partitions(source):
            if left <= 0:
                break
            table = read_table(part).slice(0, left)
            w.write_table(table)
            left -= table.num_rows


def peak_rss_mb() -> float:
    """Peak resident memory of this process (Linux reports kilobytes)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed_run(source: Path, out: Path, workers: int,
              options: CohortOptions) -> tuple[CohortRun, float, list[float]]:  # fmt: skip
    """One run on a fresh local cluster; prints wall time, per client-year cost and peak memory."""
    with local_cluster(workers) as cluster, Client(cluster) as client:  # as `touchdose cohort` starts it
        client.run(lambda: None)  # workers up before the clock starts
        before = load()
        t0 = time.perf_counter()
        run = run_cohort(source, out, scheduler=cluster.scheduler_address, options=options)
        wall = time.perf_counter() - t0
        rss = sorted(client.run(peak_rss_mb).values())
    mode = "effects only" if options.effects_only else "whole engine"
    print(f"  {mode}, {run.clients} client-years, {workers} worker{'s' if workers > 1 else ''}: "
          f"{wall:7.1f} s wall = "
          f"{1000 * wall / run.clients:.2f} ms per client-year; peak memory per worker "
          f"{', '.join(f'{r:.0f}' for r in rss)} MB   (load average before {before}, "
          f"after {load()})")  # fmt: skip
    return run, wall, rss


def against_truth(run: CohortRun, source: Path, out: Path) -> None:
    truth = pq.read_table(source / TRUTH_PARQUET).to_pydict()
    true_effect = dict(zip(truth["client_id"], truth["true_effect"], strict=True))
    rows = pq.read_table(out, columns=["client_id", "effect"]).to_pydict()
    theta = np.array([true_effect[c] for c, e in zip(rows["client_id"], rows["effect"], strict=True)
                      if e is not None and true_effect[c] is not None])  # fmt: skip
    p = run.pooled
    assert p is not None
    share = float(np.mean(theta <= -p.mid))
    inside = float(np.mean((theta >= p.pred95[0]) & (theta <= p.pred95[1])))
    print(f"\nPooled over {p.k} clients against the simulator's truth:")
    print(f"  share with a benefit >= {p.mid:g} point: estimated {100 * p.share_benefit:.1f} % "
          f"({100 * p.share_benefit_ci95[0]:.1f} to {100 * p.share_benefit_ci95[1]:.1f}), true "
          f"{100 * share:.1f} %: off by {100 * abs(p.share_benefit - share):.1f} points "
          "(goal <= 5)")  # fmt: skip
    print(f"  95 % prediction interval {p.pred95[0]:+.2f} to {p.pred95[1]:+.2f} holds "
          f"{100 * inside:.1f} % of the true effects (true 2.5-97.5 % range "
          f"{np.quantile(theta, 0.025):+.2f} to {np.quantile(theta, 0.975):+.2f})")  # fmt: skip
    print(f"  mean effect {p.mean:+.3f} (true {theta.mean():+.3f}); between-client SD {p.tau:.3f} "
          f"({p.tau_ci95[0]:.3f} to {p.tau_ci95[1]:.3f}; true {theta.std():.3f})")  # fmt: skip


def _direct_moments(days: np.ndarray, Z: np.ndarray, rho: np.ndarray) -> np.ndarray:
    """Z*'Z* at every rho by transforming every observation: O(days) per cell (no sufficient statistics)."""
    g = np.diff(days)[None, :]
    r = rho[:, None] ** g
    c = np.sqrt((1 - rho[:, None] ** 2) / (1 - r**2))
    star = c[:, :, None] * (Z[None, 1:] - r[:, :, None] * Z[None, :-1])
    first = np.sqrt(1 - rho**2)[:, None] * Z[0][None, :]
    return np.einsum("gni,gnj->gij", star, star) + first[:, :, None] * first[:, None, :]


def comparison_cost(source: Path, clients: int) -> None:
    """Per client-year: the statistics step before/after, and the whole comparison before/after."""
    from touchdose.analysis import _ar1
    from touchdose.analysis._exposure import designs
    from touchdose.analysis.comparison import compare, compare_batch
    from touchdose.cohort.columns import partition_arrays
    from touchdose.cohort.dataset import load_rows, partitions, read_table

    part = partitions(source)[0]
    table = read_table(part).slice(0, clients)
    n = table.num_rows
    c0 = time.process_time()
    arrays = partition_arrays(table)
    diaries = [arrays.diary(i, ("pain",)) for i in range(n) if arrays.ok[i]]
    read_cols = time.process_time() - c0
    made = [d for diary in diaries for d in designs(diary)[:1] if len(d.days) >= 2]
    rho = _ar1.rho_grid()
    c0 = time.process_time()
    for d in made:
        _direct_moments(d.days, np.column_stack([d.X, d.y]), rho)
    direct = (time.process_time() - c0) / len(made)
    c0 = time.process_time()
    _ar1.moments(_ar1.gap_stats_many([(d.days, d.X, d.y) for d in made]), rho)
    sufficient = (time.process_time() - c0) / len(made)
    print(f"\nThe comparison's statistics (pain, {len(made)} client-years, 200 rho cells), "
          "CPU per client-year:")
    print(f"  direct, every day at every cell: {1000 * direct:7.3f} ms; sufficient statistics once, then "
          f"O(1) per cell: {1000 * sufficient:7.3f} ms ({direct / sufficient:.0f}x faster)")
    c0 = time.process_time()
    records = [x.client_file for x in load_rows(table, str(part.paths[0])) if x.client_file is not None]
    read_records = time.process_time() - c0
    c0 = time.process_time()
    for cf in records:
        compare(cf)
    one = time.process_time() - c0
    c0 = time.process_time()
    compare_batch(diaries)
    cols = time.process_time() - c0
    c0 = time.process_time()
    compare_batch(diaries, options=CohortOptions(effects_only=True).effects_compare)
    effects = time.process_time() - c0
    before, after = (read_records + one) / len(records), (read_cols + cols) / len(diaries)
    print("The whole comparison (pain), CPU per client-year including reading the Parquet rows:")
    print(f"  records one client at a time (as touchdose analyze): {1000 * before:6.2f} ms "
          f"(reading {1000 * read_records / len(records):.2f}); columns a partition at a time: "
          f"{1000 * after:6.2f} ms (reading {1000 * read_cols / len(diaries):.2f}); "
          f"{before / after:.1f}x faster")
    print(f"  columns without the late look, as --effects-only runs it: "
          f"{1000 * (read_cols + effects) / len(diaries):6.2f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=100_000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument("--data", type=Path, help="Directory for the cohort (kept and reused).")
    parser.add_argument("--workers", default="1,2", help="Worker counts to time, e.g. 1,2.")
    parser.add_argument("--full", type=int, default=2000, help="Client-years for the whole-engine run.")
    parser.add_argument("--costs", type=int, default=1000, help="Client-years for the comparison costs.")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        source = args.data or Path(tmp) / "cohort"
        make_cohort(source, args.clients, args.days, args.seed)
        print(f"\nEnd to end ({os.cpu_count()} CPUs):")
        results: dict[int, tuple[CohortRun, float]] = {}
        for w in (int(x) for x in args.workers.split(",")):
            out = Path(tmp) / f"results-{w}.parquet"
            run, wall, _ = timed_run(source, out, w, CohortOptions(effects_only=True))
            results[w] = (run, wall)
        if 1 in results and 2 in results:
            t1, t2 = results[1][1], results[2][1]
            print(f"  scaling: {t1 / t2:.2f}x faster with 2 workers, "
                  f"efficiency T1 / (2 T2) = {t1 / (2 * t2):.0%}")
        run = results[max(results)][0]
        against_truth(run, source, Path(tmp) / f"results-{max(results)}.parquet")
        if args.full:
            sample = Path(tmp) / "sample"
            make_sample(source, sample, args.full)
            print("\nThe whole engine (verdict, plan, titration, every session's response):")
            timed_run(sample, Path(tmp) / "full.parquet", max(results), CohortOptions())
        comparison_cost(source, args.costs)


if __name__ == "__main__":
    main()
