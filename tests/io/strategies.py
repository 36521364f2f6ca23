"""Hypothesis strategies for valid records (shared by the io tests)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from hypothesis import strategies as st

from touchdose.records import (
    ADVERSE_EVENTS,
    AREAS,
    CONDITIONS,
    CONTRAINDICATIONS,
    RED_FLAGS,
    TECHNIQUES,
    Acr2016Answers,
    CheckIn,
    ClientFile,
    ClientProfile,
    Session,
)

rating = st.integers(0, 10)
optional_rating = st.none() | rating
offsets = st.sampled_from([UTC, timezone(timedelta(hours=1)), timezone(timedelta(hours=-5, minutes=-30))])
times = st.builds(
    lambda minutes, tz: datetime(2026, 1, 1, tzinfo=tz) + timedelta(minutes=minutes),
    st.integers(0, 60 * 24 * 400),
    offsets,
)
# Notes are free text: anything printable, commas, quotes and newlines included.
notes = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\x00"), max_size=40)
names = st.lists(st.sampled_from(AREAS), unique=True, max_size=5).map(tuple)

sessions = st.builds(
    Session,
    start=times,
    pressure=st.integers(1, 5),
    minutes=st.integers(1, 240),
    technique=st.lists(st.sampled_from(TECHNIQUES), unique=True, min_size=1, max_size=3).map(tuple),
    regions=names,
    pain_before=optional_rating,
    pain_during_max=optional_rating,
    pain_after=optional_rating,
    relaxation_after=optional_rating,
    adverse=st.lists(st.sampled_from(ADVERSE_EVENTS), unique=True, max_size=3).map(tuple),
    note=notes,
    therapist=st.none() | st.text(st.characters(categories=("L", "N")), min_size=1, max_size=12),
)
checkins = st.builds(
    CheckIn,
    time=times,
    pain=rating,
    fatigue=optional_rating,
    sleep_hours=st.none() | st.floats(0, 24, allow_nan=False).map(lambda h: round(h, 2)),
    sleep_quality=optional_rating,
    mood=optional_rating,
    flare=st.booleans(),
    rescue_doses=st.none() | st.integers(0, 10),
    activity_minutes=st.none() | st.integers(0, 600),
    note=notes,
    red_flags=st.lists(st.sampled_from(RED_FLAGS), unique=True, max_size=2).map(tuple),
)
acr = st.builds(
    Acr2016Answers,
    wpi_regions=names,
    fatigue=st.none() | st.integers(0, 3),
    waking_unrefreshed=st.none() | st.integers(0, 3),
    cognitive=st.none() | st.integers(0, 3),
    headaches=st.none() | st.integers(0, 1),
    lower_abdominal_pain=st.none() | st.integers(0, 1),
    depression=st.none() | st.integers(0, 1),
    symptoms_3_months=st.none() | st.booleans(),
)
profiles = st.builds(
    ClientProfile,
    id=st.text(st.characters(categories=("L", "N")), min_size=1, max_size=20),
    timezone=st.sampled_from(["UTC", "Europe/Stockholm", "America/New_York"]),
    conditions=st.lists(st.sampled_from(CONDITIONS), unique=True, max_size=2).map(tuple),
    max_pressure=st.none() | st.integers(1, 5),
    sensitivity=st.none() | st.sampled_from(["low", "typical", "high"]),
    avoid_regions=names,
    acr2016=st.none() | acr,
    fiqr=st.none() | st.lists(optional_rating, min_size=21, max_size=21).map(tuple),
    contraindications=st.lists(st.sampled_from(CONTRAINDICATIONS), unique=True, max_size=3).map(tuple),
)
client_files = st.builds(
    ClientFile,
    client=profiles,
    sessions=st.lists(sessions, max_size=4).map(tuple),
    checkins=st.lists(checkins, max_size=6).map(tuple),
)
