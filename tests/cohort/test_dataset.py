"""The client dataset (Parquet, one row per client): round trips, bad rows, sources, the simulator's rows."""

from __future__ import annotations

import json
from dataclasses import fields
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from touchdose.cohort.dataset import (
    SCHEMA,
    DatasetWriter,
    SourceError,
    client_row,
    partitions,
    read_partition,
    write_dataset,
)
from touchdose.cohort.simulated import TRUTH_PARQUET, batch_table, wall_to_utc, write_simulated
from touchdose.io import write_csv, write_json
from touchdose.io.jsonfile import client_file_to_dict
from touchdose.painmodel.simulate import DEFAULT_START, simulate_batches, simulate_clients
from touchdose.records import (
    CONTRAINDICATIONS,
    RED_FLAGS,
    Acr2016Answers,
    CheckIn,
    ClientFile,
    ClientProfile,
    Session,
)

T0 = datetime(2026, 3, 2, 9, tzinfo=ZoneInfo("Europe/Stockholm"))


def _full_client() -> ClientFile:
    """A client with every optional field given, so every JSON key appears."""
    profile = ClientProfile(
        id="full", timezone="Europe/Stockholm", conditions=("fibromyalgia",), max_pressure=3,
        sensitivity="high", avoid_regions=("neck",),
        acr2016=Acr2016Answers(("neck",), 1, 1, 1, 0, 0, 1, True),
        fiqr=tuple([5] * 21), contraindications=(CONTRAINDICATIONS[0],),
    )  # fmt: skip
    session = Session(start=T0, pressure=2, minutes=45, technique=("swedish", "myofascial_release"),
                      regions=("neck",), pain_before=6, pain_during_max=5, pain_after=4, relaxation_after=7,
                      adverse=("soreness",), note="felt fine", therapist="anna")  # fmt: skip
    checkin = CheckIn(time=T0 + timedelta(hours=11), pain=5, fatigue=4, sleep_hours=6.5, sleep_quality=5,
                      mood=6, flare=True, rescue_doses=1, activity_minutes=30, note="ok",
                      red_flags=(RED_FLAGS[0],))  # fmt: skip
    return ClientFile(profile, (session,), (checkin,))


def test_every_field_of_the_records_has_a_column() -> None:
    # A field added to a record must be added to the dataset too (or this fails).
    for record, column in ((ClientProfile, SCHEMA.field("client").type),
                           (Session, SCHEMA.field("sessions").type.value_type),
                           (CheckIn, SCHEMA.field("checkins").type.value_type)):  # fmt: skip
        assert {f.name for f in fields(record)} == {f.name for f in column}
    d = client_file_to_dict(_full_client())
    struct = {f.name for f in SCHEMA.field("client").type}
    sessions = {f.name for f in SCHEMA.field("sessions").type.value_type}
    checkins = {f.name for f in SCHEMA.field("checkins").type.value_type}
    assert set(d["client"]) <= struct
    assert set(d["sessions"][0]) <= sessions and set(d["checkins"][0]) <= checkins
    assert set(d["client"]["acr2016"]) == {f.name for f in SCHEMA.field("client").type.field("acr2016").type}


def test_round_trip_keeps_every_client_whole(tmp_path: Path) -> None:
    clients = [*simulate_clients(11, seed=3, days=60, intake=True, timezone="Europe/Stockholm").clients,
               _full_client()]  # fmt: skip
    assert write_dataset(clients, tmp_path / "ds", row_group=5) == 12
    parts = partitions(tmp_path / "ds")
    assert [p.clients for p in parts] == [5, 5, 2]
    loaded = [x for p in parts for x in read_partition(p)]
    assert [x.client_file for x in loaded] == clients
    assert all(x.error is None for x in loaded)
    # Too few row groups for the workers: each is cut into slices of whole clients.
    sliced = partitions(tmp_path / "ds", at_least=6)
    assert [p.clients for p in sliced] == [3, 2, 3, 2, 1, 1]
    assert [x.client_file for p in sliced for x in read_partition(p)] == clients
    assert [x.source.rsplit(" ", 1)[1] for x in read_partition(sliced[3])] == ["8", "9"]


def test_a_bad_client_is_rejected_with_every_problem_and_the_others_are_read(tmp_path: Path) -> None:
    good = client_row(_full_client())
    bad = client_row(_full_client())
    bad["client_id"] = bad["client"]["id"] = "bad"
    bad["checkins"][0]["pain"] = 11
    bad["sessions"][0]["pressure"] = 9
    bad["sessions"][0]["start"] = None
    path = tmp_path / "ds" / "part-00000.parquet"
    path.parent.mkdir()
    pq.write_table(pa.Table.from_pylist([good, bad], schema=SCHEMA), path)
    first, second = (x for p in partitions(path.parent) for x in read_partition(p))
    assert first.client_file == _full_client()
    assert second.client_file is None and second.client_id == "bad" and second.error is not None
    text = "\n".join(second.error.lines())
    assert "checkins[0] (checkin): pain = 11 is not allowed (allowed: a whole number 0-10)" in text
    assert "sessions[0] (session): pressure = 9 is not allowed (allowed: a whole number 1-5)" in text
    assert "sessions[0] (session): start = None is not allowed (allowed: a value (this field is" in text
    assert second.source.endswith("part-00000.parquet row 1")


def test_a_directory_of_json_and_csv_files_is_a_source_too(tmp_path: Path) -> None:
    clients = simulate_clients(3, seed=5, days=40).clients
    write_json(clients[0], tmp_path / "a.json")
    write_csv(clients[1], tmp_path / "b.csv")
    (tmp_path / "c.json").write_text(json.dumps({"client": {"id": "c"}, "checkins": [{"pain": 3}]}))
    (tmp_path / "truth.json").write_text("{}")
    (tmp_path / "notes.txt").write_text("not a client")
    parts = partitions(tmp_path, files_per_partition=2)
    assert [len(p.paths) for p in parts] == [2, 1]
    loaded = {Path(x.source).name: x for p in parts for x in read_partition(p)}
    assert set(loaded) == {"a.json", "b.csv", "c.json"}
    assert loaded["a.json"].client_file == clients[0]
    csv_client = loaded["b.csv"].client_file
    assert csv_client is not None and csv_client.checkins == clients[1].checkins
    assert loaded["c.json"].error is not None and "time" in "\n".join(loaded["c.json"].error.lines())


def test_sources_that_cannot_be_read_say_why(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="no such file or directory"):
        partitions(tmp_path / "missing")
    with pytest.raises(SourceError, match="no client files"):
        partitions(tmp_path)
    pq.write_table(pa.table({"client_id": ["x"]}), tmp_path / "part-0.parquet")
    with pytest.raises(SourceError, match="missing columns: client, sessions, checkins"):
        partitions(tmp_path)


def test_nothing_is_half_written(tmp_path: Path) -> None:
    out = tmp_path / "ds"
    with pytest.raises(RuntimeError), DatasetWriter(out, clients_per_file=2, row_group=1) as w:
        w.write_clients(simulate_clients(3, seed=1, days=20).clients)  # one part is written ...
        raise RuntimeError("disk full")  # ... then the run fails
    assert not out.exists() and list(tmp_path.iterdir()) == []
    write_dataset([_full_client()], out)
    with pytest.raises(FileExistsError):
        write_dataset([_full_client()], out)


@pytest.mark.parametrize("zone", ["UTC", "Europe/Stockholm", "America/New_York"])
def test_simulated_rows_straight_from_the_arrays_equal_the_records(zone: str) -> None:
    batch = next(simulate_batches(25, seed=9, days=240, intake=True))
    fast = batch_table(batch, start=DEFAULT_START, timezone=zone)
    records = simulate_clients(25, seed=9, days=240, timezone=zone, intake=True).clients
    assert fast.equals(pa.Table.from_pylist([client_row(cf) for cf in records], schema=SCHEMA))


def test_wall_clock_to_utc_follows_pythons_rule_across_daylight_saving() -> None:
    zone = ZoneInfo("Europe/Stockholm")
    # 2026-03-29 02:30 does not exist, 2026-10-25 02:30 exists twice; Python takes the earlier offset.
    walls = [datetime(2026, 3, 29, h, m) for h in (0, 1, 2, 3) for m in (0, 30)]
    walls += [datetime(2026, 10, 25, h, m) for h in (1, 2, 3) for m in (0, 30)] + [datetime(2026, 7, 1, 12)]
    us = np.array([(w - datetime(1970, 1, 1)) // timedelta(microseconds=1) for w in walls])
    expected = [int(w.replace(tzinfo=zone).timestamp() * 1_000_000) for w in walls]
    assert wall_to_utc(us, zone).tolist() == expected


def test_write_simulated_puts_the_truth_beside_the_clients(tmp_path: Path) -> None:
    out = tmp_path / "cohort"
    assert write_simulated(out, 30, seed=2, days=90, kind={"helps": 1, "no_effect": 1}) == 30
    assert sorted(p.name for p in out.iterdir()) == ["part-00000.parquet", TRUTH_PARQUET]
    truth = pq.read_table(out / TRUTH_PARQUET).to_pydict()
    assert set(truth["kind"]) == {"helps", "no_effect"} and len(truth["client_id"]) == 30
    ids = [x.client_id for p in partitions(out) for x in read_partition(p)]
    assert ids == truth["client_id"]


def test_an_older_dataset_without_the_newer_columns_is_still_read(tmp_path: Path) -> None:
    from touchdose.cohort.columns import partition_arrays

    clients = simulate_clients(3, seed=6, days=40).clients
    table = pa.Table.from_pylist([client_row(cf) for cf in clients], schema=SCHEMA)
    fields = [f for f in SCHEMA.field("checkins").type.value_type if f.name != "red_flags"]
    checkins = pa.list_(pa.struct(fields))
    older = table.set_column(3, "checkins", table.column("checkins").cast(checkins))
    pq.write_table(older, tmp_path / "part-0.parquet")
    assert [x.client_file for p in partitions(tmp_path) for x in read_partition(p)] == list(clients)
    assert partition_arrays(older).ok.all()
