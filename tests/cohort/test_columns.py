"""A partition as flat arrays: the same times and values the records give, and the records' own rules."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest

from touchdose.cohort.columns import DIARY_ARRAYS, partition_arrays
from touchdose.cohort.dataset import SCHEMA, client_row
from touchdose.painmodel.simulate import simulate_clients


@pytest.mark.parametrize("zone", ["UTC", "Europe/Stockholm", "America/New_York"])
def test_arrays_equal_what_the_records_give(zone: str) -> None:
    clients = simulate_clients(12, seed=2, days=300, timezone=zone, intake=True).clients
    rows = [client_row(cf) for cf in clients]
    rows[3]["checkins"][5]["pain"] = 12  # each of these breaks one rule of its record
    rows[7]["sessions"][2]["technique"] = ["kneading"]
    rows[9]["checkins"][0]["red_flags"] = ["fever_night_sweats", "fever_night_sweats"]
    rows[10]["client"]["timezone"] = "Mars/Olympus"
    rows[11]["checkins"][1]["flare"] = None  # not given: the record's default, no flare
    a = partition_arrays(pa.Table.from_pylist(rows, schema=SCHEMA))
    assert np.flatnonzero(~a.ok).tolist() == [3, 7, 9, 10]
    for i, cf in enumerate(clients):
        if not a.ok[i]:
            continue
        local = [c.time.astimezone(cf.client.zone) for c in cf.checkins]
        utc = np.array([t.timestamp() for t in local]) / 3600.0
        offset = np.array([t.utcoffset().total_seconds() for t in local]) / 3600.0
        assert np.array_equal(a.entry_utc_h[a.entries(i)], utc)
        assert np.array_equal(a.entry_local_h[a.entries(i)], utc + offset)
        for name in DIARY_ARRAYS:
            expected = [np.nan if getattr(c, name) is None else float(getattr(c, name)) for c in cf.checkins]
            assert np.array_equal(a.values[name][a.entries(i)], expected, equal_nan=True)
        starts = np.array([s.start.timestamp() for s in cf.sessions]) / 3600.0
        assert np.array_equal(a.session_utc_h[a.sessions(i)], starts)
        assert a.profiles[i] == cf.client and a.ids[i] == cf.client.id
