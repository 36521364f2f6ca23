"""Client files (docs/formats.md): exact round trips, and bad files rejected whole with every problem."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from touchdose.io import (
    MAX_LISTED_PROBLEMS,
    FileRejected,
    atomic_path,
    client_file_from_dict,
    client_file_to_dict,
    csvfile,
    export_text,
    jsonfile,
    load_client_file,
    read_client_file,
    write_atomically,
    write_csv,
    write_json,
)
from touchdose.records import ClientFile, ClientProfile

from .strategies import client_files

EXAMPLES = Path(__file__).parents[2] / "examples"
HEADER = ",".join(csvfile.COLUMNS)


@given(client_files)
@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
def test_any_valid_client_file_survives_json_unchanged(cf: ClientFile) -> None:
    text = jsonfile.dumps(cf)
    again, naive = jsonfile.loads(text)
    assert again == cf and naive == 0
    assert jsonfile.dumps(again) == text  # byte-for-byte stable


@given(client_files)
@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
def test_any_valid_client_file_survives_csv_unchanged(cf: ClientFile) -> None:
    text = csvfile.dumps(cf)
    again, _ = csvfile.loads(text, profile=cf.client, zone=cf.client.zone)
    assert again == cf


@given(st.text(max_size=300))
@settings(max_examples=300)
def test_garbage_csv_never_crashes_the_reader(text: str) -> None:
    try:
        csvfile.loads(text, profile=ClientProfile(id="x"), zone=ClientProfile(id="x").zone)
    except FileRejected as e:
        assert e.problems  # a rejection always says why


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
    max_leaves=20,
)


@given(st.dictionaries(st.sampled_from(["client", "sessions", "checkins", "x"]), json_values, max_size=3))
@settings(max_examples=300)
def test_garbage_json_never_crashes_the_reader(raw: dict[str, object]) -> None:
    try:
        client_file_from_dict(raw)
    except FileRejected as e:
        assert e.problems


def test_the_example_csv_twin_reads_to_the_same_records_as_the_json() -> None:
    from_json = read_client_file(EXAMPLES / "fibromyalgia-client.json")
    from_csv = read_client_file(EXAMPLES / "fibromyalgia-client.csv", profile=from_json.client)
    assert from_csv == from_json
    assert len(from_json.checkins) == 21 and len(from_json.sessions) == 4


def test_the_bad_example_is_rejected_with_four_clear_lines() -> None:
    with pytest.raises(FileRejected) as info:
        read_client_file(EXAMPLES / "bad-client.csv")
    lines = info.value.lines()
    assert lines == [
        "line 2 (checkin): pain = 11 is not allowed (allowed: a whole number 0-10)",
        "line 3 (session): pressure = 0 is not allowed (allowed: a whole number 1-5)",
        f"line 4 (session): regions = 'left_elbow' is not allowed (allowed: one of {', '.join(_areas())})",
        "line 5 (checkin): time = '2026-01-09 at 8pm' is not allowed "
        "(allowed: an ISO 8601 time such as 2026-01-05T10:00 or 2026-01-05T10:00:00+01:00)",
    ]


def _areas() -> list[str]:
    from touchdose.records import AREAS

    return list(AREAS)


def test_every_problem_of_one_row_is_reported() -> None:
    text = f"{HEADER}\nsession,not-a-time,,6,5,4,9,45,massage,,,,,,,,,,\n"
    with pytest.raises(FileRejected) as info:
        csvfile.loads(text, profile=ClientProfile(id="c"), zone=ClientProfile(id="c").zone)
    assert {p.field for p in info.value.problems} == {"start", "pressure", "technique"}


def test_at_most_50_problems_are_listed_then_a_count() -> None:
    rows = "".join(f"checkin,2026-01-{1 + i % 28:02d}T20:00,11,,,,,,,,,,,,,,,,\n" for i in range(60))
    with pytest.raises(FileRejected) as info:
        csvfile.loads(HEADER + "\n" + rows, profile=ClientProfile(id="c"), zone=ClientProfile(id="c").zone)
    lines = info.value.lines()
    assert len(info.value.problems) == 60
    assert len(lines) == MAX_LISTED_PROBLEMS + 1 and lines[-1] == "... and 10 more problems"


def test_times_without_offset_take_the_timezone_and_are_counted(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_text(f"{HEADER}\ncheckin,2026-07-01T20:00,5,,,,,,,,,,,,,,,,\n")
    loaded = load_client_file(path, timezone="Europe/Stockholm")
    assert loaded.client_file.checkins[0].time.isoformat() == "2026-07-01T20:00:00+02:00"
    assert loaded.notes() == ["1 time without a UTC offset read as Europe/Stockholm time"]


@pytest.mark.parametrize(("cell", "expected"), [("yes", True), ("NO", False), ("1", True), ("false", False)])
def test_csv_booleans(cell: str, expected: bool) -> None:
    text = f"{HEADER}\ncheckin,2026-01-01T20:00+00:00,5,,,,,,,,,,,,{cell},,,,\n"
    cf, _ = csvfile.loads(text, profile=ClientProfile(id="c"), zone=ClientProfile(id="c").zone)
    assert cf.checkins[0].flare is expected


def test_a_session_column_filled_in_a_checkin_row_is_an_error() -> None:
    text = f"{HEADER}\ncheckin,2026-01-01T20:00+00:00,5,,,,3,,,,,,,,,,,,\n"
    expected = r"pressure = '3' is not allowed \(allowed: empty in a checkin row"
    with pytest.raises(FileRejected, match=expected):
        csvfile.loads(text, profile=ClientProfile(id="c"), zone=ClientProfile(id="c").zone)


def test_unknown_json_fields_are_rejected_not_dropped() -> None:
    raw = client_file_to_dict(ClientFile(client=ClientProfile(id="c")))
    raw["checkins"] = [{"time": "2026-01-01T20:00:00+00:00", "pain": 5, "pain_levle": 3}]
    with pytest.raises(FileRejected, match="pain_levle"):
        client_file_from_dict(raw)


def test_writers_write_whole_files(tmp_path: Path) -> None:
    cf = read_client_file(EXAMPLES / "fibromyalgia-client.json")
    write_json(cf, tmp_path / "a.json")
    write_csv(cf, tmp_path / "a.csv")
    assert json.loads((tmp_path / "a.json").read_text())["client"]["id"] == "c-001"
    assert read_client_file(tmp_path / "a.csv", profile=cf.client) == cf
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.csv", "a.json"]  # no temp files left


def test_a_failed_write_leaves_the_old_file_and_no_temporary_file(tmp_path: Path) -> None:
    target = tmp_path / "client.json"
    target.write_text("old", encoding="utf-8")
    with pytest.raises(RuntimeError), atomic_path(target) as tmp:
        tmp.write_text("half a fi", encoding="utf-8")
        raise RuntimeError("the disk filled up")
    with pytest.raises(TypeError):  # data that is neither bytes nor text fails while writing
        write_atomically(target, 12)  # type: ignore[arg-type]
    assert [p.name for p in tmp_path.iterdir()] == ["client.json"]
    assert target.read_text(encoding="utf-8") == "old"


def test_a_failed_rename_leaves_no_temporary_file(tmp_path: Path) -> None:
    target = tmp_path / "taken"
    target.mkdir()
    (target / "inside").write_text("x", encoding="utf-8")  # a file cannot replace a non-empty folder
    with pytest.raises(OSError):
        write_atomically(target, b"data")
    assert [p.name for p in tmp_path.iterdir()] == ["taken"]


def test_one_export_for_every_format() -> None:
    cf = read_client_file(EXAMPLES / "fibromyalgia-client.json")
    assert jsonfile.loads(export_text(cf, "json"))[0] == cf
    assert csvfile.dumps(cf) == export_text(cf, "csv")
    assert json.loads(export_text(cf, "fhir"))["resourceType"] == "Bundle"
    with pytest.raises(ValueError, match="allowed: csv, json, fhir"):
        export_text(cf, "xml")


# --- issue 17: contraindications and red flags in the files ----------------------------------------

RED_FLAG_CSV = (
    f"{HEADER},red_flags\n"
    "checkin,2026-01-04T20:00+01:00,6,,,,,,,,,,,,no,0,,,,\n"
    "checkin,2026-01-05T20:00+01:00,6,,,,,,,,,,,,no,0,,,,chest_pain_breathless;swollen_calf\n"
)
RED_FLAG_JSON = {
    "client": {"id": "c-rf", "timezone": "Europe/Stockholm", "contraindications": ["osteoporosis"]},
    "checkins": [
        {"time": "2026-01-04T20:00:00+01:00", "pain": 6, "flare": False, "rescue_doses": 0},
        {"time": "2026-01-05T20:00:00+01:00", "pain": 6, "flare": False, "rescue_doses": 0,
         "red_flags": ["chest_pain_breathless", "swollen_calf"]},
    ],
}  # fmt: skip


def test_a_red_flag_from_csv_and_from_json_gives_the_same_records_and_the_same_safety() -> None:
    from touchdose.analysis.engine import analyze_client

    from_json = client_file_from_dict(RED_FLAG_JSON)
    from_csv, _ = csvfile.loads(RED_FLAG_CSV, profile=from_json.client, zone=from_json.client.zone)
    assert from_csv == from_json
    assert from_json.client.contraindications == ("osteoporosis",)
    assert from_json.checkins[1].red_flags == ("chest_pain_breathless", "swollen_calf")
    a, b = (analyze_client(cf).to_dict() for cf in (from_csv, from_json))
    assert a["verdict"]["safety"] == b["verdict"]["safety"]
    assert a["verdict"]["safety"]["level"] == "emergency" and a["plan"]["stop"] is True


def test_the_writers_add_red_flags_only_when_used() -> None:
    plain = ClientFile(client=ClientProfile(id="c"))
    assert "red_flags" not in csvfile.dumps(plain) and "contraindications" not in jsonfile.dumps(plain)
    flagged = client_file_from_dict(RED_FLAG_JSON)
    assert csvfile.dumps(flagged).splitlines()[0].endswith(",red_flags")
    assert '"red_flags": [' in jsonfile.dumps(flagged) and '"contraindications": [' in jsonfile.dumps(flagged)


def test_an_unknown_red_flag_or_contraindication_is_named_with_what_is_allowed() -> None:
    from touchdose.records import CONTRAINDICATIONS, RED_FLAGS

    bad_csv = RED_FLAG_CSV.replace("swollen_calf", "headache")
    with pytest.raises(FileRejected) as info:
        csvfile.loads(bad_csv, profile=ClientProfile(id="c"), zone=ClientProfile(id="c").zone)
    assert info.value.lines() == [
        f"line 3 (checkin): red_flags = 'headache' is not allowed (allowed: one of {', '.join(RED_FLAGS)})"
    ]
    raw = json.loads(json.dumps(RED_FLAG_JSON))
    raw["client"]["contraindications"] = ["osteoporosis", "osteoporosis", "gout"]
    with pytest.raises(FileRejected) as info:
        client_file_from_dict(raw)
    assert {(p.field, p.value, p.allowed) for p in info.value.problems} == {
        ("contraindications", "gout", "one of " + ", ".join(CONTRAINDICATIONS)),
        ("contraindications", "osteoporosis", "each item at most once"),
    }


def test_red_flags_in_a_session_row_are_an_error() -> None:
    text = f"{HEADER},red_flags\nsession,2026-01-05T10:00+00:00,,6,,,2,30,,,,,,,,,,,,weight_loss\n"
    with pytest.raises(FileRejected, match="red_flags = 'weight_loss' is not allowed"):
        csvfile.loads(text, profile=ClientProfile(id="c"), zone=ClientProfile(id="c").zone)
