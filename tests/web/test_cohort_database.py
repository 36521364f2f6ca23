"""``touchdose cohort database:``: every client of the web app's database, each read in their audit trail."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from distributed import LocalCluster

from touchdose.analysis.engine import analyze_client
from touchdose.cohort.run import LOOPBACK, run_cohort
from touchdose.painmodel.simulate import simulate_clients
from touchdose.web import selectors, services
from touchdose.web.audit import Action
from touchdose.web.models import AuditEvent

from .conftest import make_client


@pytest.fixture(scope="module")
def scheduler() -> Iterator[str]:
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=False, dashboard_address=LOOPBACK,
                      silence_logs=logging.ERROR) as cluster:  # fmt: skip
        yield cluster.scheduler_address


def test_every_client_in_the_database_is_analysed_and_audited(db: Any, scheduler: str,
                                                              tmp_path: Path) -> None:  # fmt: skip
    simulated = simulate_clients(3, seed=8, days=90).clients
    clients = [make_client(name, tz="UTC") for name in ("ada", "bo", "cy")]
    for client, cf in zip(clients, simulated, strict=True):
        services.client_file_import(actor=client.user, client=client, cf=cf)
    run = run_cohort(selectors.cohort_client_files(actor=None), tmp_path / "r.parquet", scheduler=scheduler)
    rows = pq.read_table(tmp_path / "r.parquet").to_pylist()
    assert run.clients == 3 and [r["status"] for r in rows] == ["analysed"] * 3
    for client, row in zip(clients, rows, strict=True):
        stored = selectors.client_file_for(client)
        assert row["client_id"] == stored.client.id
        assert row["verdict"] == analyze_client(stored).verdict.state
        events = AuditEvent.objects.filter(client_ref=client.pk, action=Action.COHORT_ANALYSED)
        assert events.count() == 1 and events.get().actor is None
    assert list(tmp_path.iterdir()) == [tmp_path / "r.parquet"]  # the staged clients are gone
