"""Records validate every field and report every broken one at once."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from touchdose.records import (
    ACR_SYMPTOM_ITEMS,
    ACR_SYMPTOM_MAX,
    AREA_LABELS,
    AREA_REGION,
    AREAS,
    CHECKIN_RATINGS,
    GENERALIZED_EXCLUDED,
    PRESSURE_NAMES,
    SESSION_RATINGS,
    Acr2016Answers,
    CheckIn,
    ClientFile,
    ClientProfile,
    RecordError,
    Session,
)

T0 = datetime(2026, 1, 5, 10, tzinfo=UTC)


def test_the_19_acr_areas_fall_into_five_regions_of_three_counted_sites() -> None:
    # Wolfe 2016: five regions of three sites each once jaw, chest and abdomen are set aside.
    assert len(AREAS) == 19
    counted = [a for a in AREAS if a not in GENERALIZED_EXCLUDED]
    assert sorted({AREA_REGION[a] for a in AREAS}) == [1, 2, 3, 4, 5]
    for region in range(1, 6):
        assert sum(AREA_REGION[a] == region for a in counted) == 3
    assert set(AREA_LABELS) == set(AREAS)


def test_pressure_names_cover_1_to_5() -> None:
    assert PRESSURE_NAMES == {1: "very light", 2: "light", 3: "moderate", 4: "firm", 5: "deep"}


def test_a_session_reports_every_broken_field_with_record_field_value_and_allowed() -> None:
    with pytest.raises(RecordError) as info:
        Session(start=T0, pressure=0, minutes=45, regions=("left_elbow",), pain_after=11)
    fields = {(p.record, p.field, p.value) for p in info.value.problems}
    assert fields == {
        ("session", "pressure", 0),
        ("session", "regions", "left_elbow"),
        ("session", "pain_after", 11),
    }
    message = str(info.value)
    assert "a whole number 1-5" in message and "a whole number 0-10" in message and "jaw_left" in message


def test_times_must_carry_an_offset() -> None:
    with pytest.raises(RecordError, match="UTC offset"):
        CheckIn(time=datetime(2026, 1, 5, 10), pain=5)


@pytest.mark.parametrize("bad", [True, 5.5, "5", -1])
def test_pain_is_a_whole_number_0_to_10(bad: object) -> None:
    with pytest.raises(RecordError, match="pain"):
        CheckIn(time=T0, pain=bad)  # type: ignore[arg-type]


def test_profile_checks_timezone_conditions_and_fiqr_length() -> None:
    with pytest.raises(RecordError) as info:
        ClientProfile(id="c", timezone="Mars/Olympus", conditions=("gout",), fiqr=(1, 2))
    assert {p.field for p in info.value.problems} == {"timezone", "conditions", "fiqr"}


def test_client_file_keeps_records_in_time_order() -> None:
    later, earlier = CheckIn(time=T0.replace(day=6), pain=4), CheckIn(time=T0, pain=6)
    cf = ClientFile(client=ClientProfile(id="c"), checkins=(later, earlier))
    assert cf.checkins == (earlier, later)


def test_rating_fields_and_acr_items_come_from_the_records() -> None:
    assert SESSION_RATINGS == ("pain_before", "pain_during_max", "pain_after", "relaxation_after")
    assert CHECKIN_RATINGS == ("fatigue", "sleep_quality", "mood")
    assert ACR_SYMPTOM_MAX == {"fatigue": 3, "waking_unrefreshed": 3, "cognitive": 3, "headaches": 1,
                               "lower_abdominal_pain": 1, "depression": 1}  # fmt: skip
    assert tuple(ACR_SYMPTOM_MAX) == ACR_SYMPTOM_ITEMS
    with pytest.raises(RecordError, match="a whole number 0-1"):
        Acr2016Answers(headaches=2)


def test_the_acr_symptom_items_are_listed_only_in_records() -> None:
    # One home for each vocabulary (docs/design.md "Architecture"): other modules import the list.
    src = Path(__file__).parents[2] / "src" / "touchdose"
    listed = [
        str(p.relative_to(src))
        for p in sorted(src.rglob("*.py"))
        if '"lower_abdominal_pain"' in p.read_text(encoding="utf-8") and "migrations" not in p.parts
    ]
    assert not listed, f"list the ACR 2016 items once, in records.py; also listed in {listed}"
