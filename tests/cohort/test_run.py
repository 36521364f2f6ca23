"""``run_cohort`` and ``touchdose cohort`` on a real Dask cluster: a row per client, pooled."""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from distributed import Client, LocalCluster
from typer.testing import CliRunner

from touchdose.analysis.comparison import Comparison
from touchdose.analysis.engine import analyze_client
from touchdose.analysis.pooled import pool_clients
from touchdose.cli import app
from touchdose.cohort.dataset import SCHEMA, client_row, write_dataset
from touchdose.cohort.run import (
    LOOPBACK,
    RESULT_SCHEMA,
    WORKER_MALLOC,
    CohortOptions,
    local_cluster,
    run_cohort,
)
from touchdose.painmodel.simulate import simulate_clients


@pytest.fixture(scope="module")
def scheduler() -> Iterator[str]:
    """An in-process Dask cluster (one worker): what --scheduler connects to."""
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=False, dashboard_address=LOOPBACK,
                      silence_logs=logging.ERROR) as cluster:  # fmt: skip
        yield cluster.scheduler_address


@pytest.fixture(scope="module")
def cohort(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list]:
    """Nine simulated client files in two row groups, one more client with a broken diary."""
    clients = list(simulate_clients(9, seed=21, days=120).clients)
    root = tmp_path_factory.mktemp("cohort")
    write_dataset(clients, root / "ds", row_group=5)
    broken = client_row(clients[0])
    broken["client_id"] = broken["client"]["id"] = "broken"
    broken["checkins"][3]["pain"] = -1
    pq.write_table(pa.Table.from_pylist([broken], schema=SCHEMA), root / "ds" / "part-00001.parquet")
    return root, clients


def test_one_row_per_client_from_the_same_engine(scheduler: str, cohort: tuple[Path, list]) -> None:
    root, clients = cohort
    seen: list[tuple[int, int]] = []
    run = run_cohort(root / "ds", root / "out.parquet", scheduler=scheduler,
                     progress=lambda done, total: seen.append((done, total)))  # fmt: skip
    rows = pq.read_table(root / "out.parquet")
    assert rows.schema == RESULT_SCHEMA
    d = rows.to_pylist()
    assert [r["client_id"] for r in d] == [cf.client.id for cf in clients] + ["broken"]
    assert seen[-1] == (10, 10) and run.clients == 10 and run.analysed == 9 and run.rejected == 1
    assert d[-1]["status"] == "rejected" and "pain = -1 is not allowed" in d[-1]["problems"]
    for cf, row in zip(clients, d, strict=False):
        a = analyze_client(cf)
        assert row["verdict"] == a.verdict.state and row["plan_pressure"] == a.plan.pressure
        assert row["checkin_days"] == a.data.checkin_days and row["sessions"] == a.data.sessions
        c = a.comparison["pain"]
        if isinstance(c, Comparison):
            assert row["effect"] == c.effect and (row["ci95_low"], row["ci95_high"]) == c.ci95
            assert row["effect_se"] == c.sd
        else:
            assert row["effect"] is None and row["comparison_refused"]
    assert sum(run.verdicts.values()) == 9
    with_effect = [r for r in d if r["effect"] is not None]
    assert run.pooled is not None and run.pooled.k == len(with_effect)
    again = pool_clients([r["effect"] for r in with_effect], [r["effect_se"] for r in with_effect])
    assert run.pooled.mean == again.mean and run.pooled.tau == again.tau


def test_bad_options_are_refused(scheduler: str, cohort: tuple[Path, list]) -> None:
    root, _ = cohort
    with pytest.raises(ValueError, match="--workers is for the local cluster"):
        run_cohort(root / "ds", root / "x.parquet", scheduler=scheduler, workers=2)
    with pytest.raises(ValueError, match="outcome = 'joy' is not allowed"):
        CohortOptions(outcome="joy")
    with pytest.raises(ValueError, match="mid = -1 is not allowed"):
        CohortOptions(outcome="mood", mid=-1)
    assert CohortOptions(outcome="mood", mid=2.0).mid_value == 2.0
    assert not (root / "x.parquet").exists()


def test_cli_on_a_local_cluster_prints_the_pooled_summary(cohort: tuple[Path, list]) -> None:
    root, _ = cohort
    out = root / "cli.parquet"
    result = CliRunner().invoke(app, ["cohort", str(root / "ds"), "--out", str(out), "--workers", "1"])
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    assert "10 clients: 9 analysed, 1 rejected" in text
    assert "had a benefit of at least 1 point." in text
    assert pq.read_table(out).num_rows == 10


def test_cli_json_and_errors(scheduler: str, cohort: tuple[Path, list], tmp_path: Path) -> None:
    root, _ = cohort
    args = ["cohort", str(root / "ds"), "--out", str(tmp_path / "o.parquet"), "--scheduler", scheduler]
    result = CliRunner().invoke(app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["clients"] == 10 and summary["pooled"]["k"] >= 2 and "clients" not in summary["pooled"]
    missing = CliRunner().invoke(app, ["cohort", str(tmp_path / "no"), "--out", str(tmp_path / "o2.parquet")])
    assert missing.exit_code == 2 and "no such file or directory" in missing.output
    assert not (tmp_path / "o2.parquet").exists()


def test_effects_only_gives_the_whole_engines_comparison_from_the_columns(
    scheduler: str, tmp_path: Path
) -> None:
    clients = list(simulate_clients(10, seed=23, days=200, timezone="Europe/Stockholm").clients)
    rows = [client_row(cf) for cf in clients]
    rows[2]["checkins"][4]["pain"] = 14  # refused by the records: read through them for the problems
    rows[5]["checkins"][0]["sleep_hours"] = float("nan")
    path = tmp_path / "ds" / "part-00000.parquet"
    path.parent.mkdir()
    pq.write_table(pa.Table.from_pylist(rows, schema=SCHEMA), path, row_group_size=4)
    full = run_cohort(path.parent, tmp_path / "full.parquet", scheduler=scheduler)
    fast = run_cohort(path.parent, tmp_path / "fast.parquet", scheduler=scheduler,
                      options=CohortOptions(effects_only=True))  # fmt: skip
    a = pq.read_table(tmp_path / "full.parquet").to_pylist()
    b = pq.read_table(tmp_path / "fast.parquet").to_pylist()
    same = ("client_id", "source", "status", "problems", "checkin_days", "baseline_days", "sessions",
            "effect", "effect_se", "ci95_low", "ci95_high", "p_benefit", "p_harm", "p_no_meaningful",
            "comparison_refused")  # fmt: skip
    assert [r["effect"] is None for r in a] == [r["effect"] is None for r in b]
    # Equal to 1e-9: the whole engine computes one client at a time, the columns a partition at once
    # (the same sums in another order).
    for x, y in zip(a, b, strict=True):
        for k in same:
            assert x[k] == (pytest.approx(y[k], rel=1e-9, abs=1e-12) if isinstance(x[k], float) else y[k])
    assert [r["status"] for r in b].count("rejected") == 2 and "pain = 14 is not allowed" in b[2]["problems"]
    assert all(r["verdict"] is None and r["plan_pressure"] is None for r in b)
    assert full.pooled is not None and fast.pooled is not None
    assert fast.pooled.mean == pytest.approx(full.pooled.mean, rel=1e-9)


def test_local_workers_start_with_the_malloc_settings() -> None:
    # Exported variables of the same name win (Dask's rule); otherwise the workers get ours,
    # which Dask's default (a 64 KiB trim threshold) would have replaced.
    exported = {name: os.environ.get(name) for name in WORKER_MALLOC}
    with local_cluster(1) as cluster, Client(cluster) as client:
        seen = {name: next(iter(client.run(os.getenv, name).values())) for name in WORKER_MALLOC}
    assert seen == {k: exported[k] or str(v) for k, v in WORKER_MALLOC.items()}
    with pytest.raises(ValueError, match="workers = 0 is not allowed"), local_cluster(0):
        pass
