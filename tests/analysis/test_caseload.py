"""Who needs attention first: each tier reached by records shaped like real use, and the order."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import pairwise

import pytest

from touchdose.analysis.caseload import FLAG_WORDS, TIERS, attention
from touchdose.analysis.engine import analyze_client
from touchdose.painmodel.simulate import simulate_clients
from touchdose.records import CheckIn, ClientFile, ClientProfile, Session

NOW = datetime.now(UTC).replace(microsecond=0)


def _client(sessions: tuple[Session, ...], checkins: tuple[CheckIn, ...]) -> ClientFile:
    return ClientFile(ClientProfile(id="c-1"), sessions, checkins)


def _diary(days: int, pain: int = 5) -> tuple[CheckIn, ...]:
    return tuple(CheckIn(time=NOW - timedelta(days=d, hours=1), pain=pain) for d in range(days, 0, -1))


def test_a_red_flag_puts_the_client_first() -> None:
    flagged = CheckIn(time=NOW - timedelta(hours=3), pain=5, red_flags=("chest_pain_breathless",))
    a = attention(analyze_client(_client((), (*_diary(10), flagged))), followups_due=0)
    assert a.tier == "safety" and a.words[0] == FLAG_WORDS["safety_pause"]


def test_a_flare_after_the_last_session() -> None:
    last = Session(start=NOW - timedelta(days=2), pressure=3, minutes=45, pain_before=5, pain_after=5,
                   adverse=("flare",))  # fmt: skip
    a = attention(analyze_client(_client((last,), _diary(14))), followups_due=0)
    assert a.tier == "harm" and FLAG_WORDS["flare_after_last"] in a.words
    assert a.last_session == last.start


def test_more_pain_after_the_last_session_and_a_missing_rating() -> None:
    start = NOW - timedelta(days=3)
    last = Session(start=start, pressure=4, minutes=60, pain_before=4)  # no rating after it
    worse = CheckIn(time=start + timedelta(hours=30), pain=8)
    a = attention(analyze_client(_client((last,), (*_diary(14, pain=4), worse))), followups_due=1)
    assert a.tier == "harm"
    assert a.words[0] == FLAG_WORDS["more_pain_after_last"]
    assert "1 follow-up due" in a.words and FLAG_WORDS["rating_missing"] in a.words


def test_follow_ups_due_alone_and_gathering_data() -> None:
    last = Session(start=NOW - timedelta(days=1), pressure=2, minutes=45, pain_before=5, pain_after=4)
    a = attention(analyze_client(_client((last,), _diary(3))), followups_due=2)
    assert a.tier == "missing" and a.words[0] == "2 follow-ups due"
    assert FLAG_WORDS["gathering_data"] in a.words
    empty = attention(analyze_client(ClientFile(ClientProfile(id="new"))), followups_due=0)
    assert empty.tier == "gathering" and empty.last_session is None


def test_a_client_it_helps_needs_nothing_and_the_order_is_by_tier_then_recency() -> None:
    sim = simulate_clients(12, seed=4, days=150, kind="helps")
    found = [attention(analyze_client(cf), followups_due=0) for cf in sim.clients]
    fine = [a for a in found if a.tier == "fine"]
    assert fine and all(a.flags == () for a in fine)
    ordered = sorted(found, key=lambda a: a.sort_key())
    ranks = [a.rank for a in ordered]
    assert ranks == sorted(ranks)
    for a, b in pairwise(ordered):
        if a.rank == b.rank and a.last_session and b.last_session:
            assert a.last_session >= b.last_session


def test_tiers_and_bad_counts() -> None:
    assert TIERS[0] == "safety" and TIERS[-1] == "fine"
    with pytest.raises(ValueError, match="followups_due = -1 is not allowed"):
        attention(analyze_client(ClientFile(ClientProfile(id="x"))), followups_due=-1)
