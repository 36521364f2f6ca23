"""Daily series from check-ins: local days, averaging, gaps, baseline days."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from touchdose.analysis.diary import baseline_days, daily_series, daily_values, diary_dates, session_dates
from touchdose.records import CheckIn, ClientFile, ClientProfile, Session


def _cf(checkins: list[CheckIn], sessions: tuple[Session, ...] | list[Session] = (), tz: str = "UTC"
        ) -> ClientFile:
    profile = ClientProfile(id="c-t", timezone=tz)
    return ClientFile(profile, sessions=tuple(sessions), checkins=tuple(checkins))


def test_entries_are_placed_on_the_clients_local_day() -> None:
    # 23:30 UTC on 1 January is 00:30 on 2 January in Stockholm (UTC+1 in winter).
    cf = _cf([CheckIn(datetime(2026, 1, 1, 12, tzinfo=UTC), pain=3),
              CheckIn(datetime(2026, 1, 1, 23, 30, tzinfo=UTC), pain=7)], tz="Europe/Stockholm")
    s = daily_series(cf, "pain")
    assert s.dates == (date(2026, 1, 1), date(2026, 1, 2))
    assert s.values.tolist() == [3.0, 7.0]
    # The same file in UTC puts both on one day and averages them.
    s_utc = daily_series(_cf(list(cf.checkins)), "pain")
    assert s_utc.values.tolist() == [5.0]


def test_gaps_are_nan_and_fields_share_one_span() -> None:
    t = lambda d: datetime(2026, 3, d, 9, tzinfo=UTC)  # noqa: E731
    cf = _cf([CheckIn(t(1), pain=4, sleep_hours=6.0), CheckIn(t(4), pain=6),
              CheckIn(t(5), pain=5, sleep_hours=8)])
    pain, sleep = daily_series(cf, "pain"), daily_series(cf, "sleep_hours")
    assert pain.dates == sleep.dates and len(pain.dates) == 5
    assert np.isnan(pain.values[1]) and np.isnan(pain.values[2])
    assert pain.observed_days == 3 and sleep.observed_days == 2
    assert sleep.to_dict()["values"] == [6.0, None, None, None, 8.0]


def test_flare_becomes_share_of_entries() -> None:
    t = datetime(2026, 3, 1, 9, tzinfo=UTC)
    cf = _cf([CheckIn(t, pain=4, flare=True), CheckIn(t + timedelta(hours=5), pain=4, flare=False)])
    assert daily_series(cf, "flare").values.tolist() == [0.5]


def test_unknown_field_is_refused_with_the_allowed_names() -> None:
    with pytest.raises(ValueError, match=r"field = 'stress'.*allowed: one of pain"):
        daily_series(_cf([]), "stress")


def test_empty_diary() -> None:
    s = daily_series(_cf([]), "pain")
    assert s.dates == () and s.observed_days == 0 and s.start is None
    assert baseline_days(_cf([])) == 0


def test_baseline_days_counts_the_days_described_before_the_first_session() -> None:
    # Entries at 10:00 UTC on 1-7 Jan, session at 23:30 UTC on 4 Jan: the entries of 1-4 Jan were
    # made before it and describe the 24 h before them, so 4 baseline days in any time zone
    # (a calendar-day rule said 3 in UTC, counting the entry of 4 Jan as a massage day).
    checkins = [CheckIn(datetime(2026, 1, d, 10, tzinfo=UTC), pain=5) for d in range(1, 8)]
    session = Session(start=datetime(2026, 1, 4, 23, 30, tzinfo=UTC), pressure=2, minutes=30)
    assert baseline_days(_cf(checkins, [session], tz="Europe/Stockholm")) == 4
    assert baseline_days(_cf(checkins, [session])) == 4
    assert session_dates(_cf(checkins, [session], tz="Europe/Stockholm")) == (date(2026, 1, 5),)
    assert baseline_days(_cf(checkins)) == 7
    # An entry at the very moment of the session still describes the time before it.
    at_session = [CheckIn(datetime(2026, 1, 4, 23, 30, tzinfo=UTC), pain=5)]
    assert baseline_days(_cf(at_session, [session])) == 1


def test_a_morning_entry_describes_the_day_before() -> None:
    entries = [CheckIn(datetime(2026, 1, 5, h, tzinfo=UTC), pain=p) for h, p in ((8, 3), (20, 6))]
    first, values = daily_values(_cf(entries), covered=True)
    assert first == date(2026, 1, 4) and values["pain"].tolist() == [3.0, 6.0]
    first, values = daily_values(_cf(entries))
    assert first == date(2026, 1, 5) and values["pain"].tolist() == [4.5]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 40), st.integers(0, 23), st.integers(0, 10)),
                min_size=1, max_size=60))
def test_daily_mean_matches_grouping(entries: list[tuple[int, int, int]]) -> None:
    base = datetime(2026, 1, 1, tzinfo=UTC)
    cf = _cf([CheckIn(base + timedelta(days=d, hours=h), pain=p) for d, h, p in entries])
    s = daily_series(cf, "pain")
    days = sorted({d for d, _, _ in entries})
    assert len(s.dates) == days[-1] - days[0] + 1
    assert s.observed_days == len(days) == len(diary_dates(cf))
    for d in days:
        expected = np.mean([p for dd, _, p in entries if dd == d])
        assert s.values[d - days[0]] == pytest.approx(expected)
    assert np.all((s.values[~np.isnan(s.values)] >= 0) & (s.values[~np.isnan(s.values)] <= 10))
