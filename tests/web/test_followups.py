"""Property: a follow-up is listed exactly while its window (18-36 h or 36-60 h after the session,
analysis.response) is open or past and no check-in falls in it; answering through the suggested
time always clears it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase
from tests.web.conftest import make_client

from touchdose.analysis.response import FOLLOWUP_24H_HOURS, FOLLOWUP_48H_HOURS
from touchdose.web import selectors, services

NOW = datetime(2026, 3, 1, 12, tzinfo=UTC)
WINDOWS = {"24 h": FOLLOWUP_24H_HOURS, "48 h": FOLLOWUP_48H_HOURS}


class FollowUpsDue(TestCase):
    @settings(max_examples=30, deadline=None)
    @given(
        session_hours_ago=st.integers(0, 24 * 6),
        checkin_hours_after=st.lists(st.integers(0, 24 * 7), max_size=4),
    )
    def test_due_exactly_when_the_window_is_open_and_unanswered(
        self, session_hours_ago: int, checkin_hours_after: list[int]
    ) -> None:
        client = make_client("fu")
        start = NOW - timedelta(hours=session_hours_ago)
        services.session_record(
            actor=None, client=client, start=start, pressure=2, minutes=30, technique=["swedish"]
        )
        for h in checkin_hours_after:
            if start + timedelta(hours=h) <= NOW:
                services.checkin_record(actor=None, client=client, time=start + timedelta(hours=h), pain=4)
        answered = [h for h in checkin_hours_after if start + timedelta(hours=h) <= NOW]
        due = {f.label: f for f in selectors.followups_due(client=client, now=NOW)}
        for label, (low, high) in WINDOWS.items():
            expected = session_hours_ago >= low and not any(low <= h < high for h in answered)
            assert (label in due) == expected, (label, session_hours_ago, answered)
        for followup in due.values():  # answering at the suggested time clears it
            services.checkin_record(actor=None, client=client, time=followup.suggested_time, pain=4)
        assert selectors.followups_due(client=client, now=NOW) == []
