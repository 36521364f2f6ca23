"""Issue 13, finding 5: damaged files (the probe's payloads: time zones such as ``Europe`` or 300
characters, years 1 and 9999 with an offset, 4,300-digit JSON integers, lone surrogates, NUL, damaged
FHIR Bundles) are read or rejected with a clear list of problems; nothing else ever comes out.

Deterministic (derandomized), a few hundred files over the CSV, JSON and FHIR readers through the one
reader every entry point uses; ``benchmarks/fuzz.py`` runs 10,000 through the commands and the web.
"""

from __future__ import annotations

import json
import random
import tempfile
import warnings
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.fuzzfiles import KINDS, encoded, fuzz_file

from touchdose.analysis.engine import analyze_client
from touchdose.io import FileRejected, jsonfile, load_client_file
from touchdose.io.fhir_read import FhirInvalid, client_file_from_fhir
from touchdose.records import YEAR_MAX, YEAR_MIN, CheckIn, ClientProfile, RecordError

FUZZ_DIR = Path(tempfile.mkdtemp(prefix="touchdose-fuzz-"))


@given(st.randoms(use_true_random=False), st.sampled_from(KINDS))
@settings(max_examples=300, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
def test_finding_5_fuzzed_files_are_read_or_rejected_never_crash(rng: random.Random, kind: str) -> None:
    fuzzed = fuzz_file(rng, kind)
    path = FUZZ_DIR / f"client{fuzzed.suffix}"
    path.write_bytes(encoded(fuzzed.text))
    try:
        loaded = load_client_file(path)
    except FileRejected as rejected:
        assert rejected.problems, "a rejection always says why"
        assert all(str(p) for p in rejected.problems)
        json.dumps([p.to_dict() for p in rejected.problems], ensure_ascii=False).encode("utf-8")
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        json.dumps(analyze_client(loaded.client_file).to_dict(), ensure_ascii=False).encode("utf-8")


def _json_file(**checkin: object) -> str:
    return json.dumps({"client": {"id": "c-1"}, "checkins": [{"time": "2026-01-05T10:00+01:00", "pain": 3,
                                                               **checkin}]})  # fmt: skip


@pytest.mark.parametrize("zone", ["Europe", "A" * 300, "Europe/../Europe/Oslo", "UTC\x00"])
def test_finding_5_a_bad_time_zone_is_a_named_problem(zone: str, tmp_path: Path) -> None:
    path = tmp_path / "c.json"
    path.write_text(json.dumps({"client": {"id": "c-1", "timezone": zone}}), encoding="utf-8")
    with pytest.raises(FileRejected) as found:
        load_client_file(path)
    assert [p.field for p in found.value.problems] == ["timezone"]
    with pytest.raises(FileRejected, match="IANA time zone"):
        load_client_file(path, timezone=zone)
    with pytest.raises(RecordError, match="IANA time zone"):
        ClientProfile(id="c-1", timezone=zone)


@pytest.mark.parametrize("time", ["0001-01-01T00:00+05:00", "9999-12-31T23:59-05:00", "1899-12-31T12:00Z"])
def test_finding_5_times_outside_the_allowed_years_are_refused_by_every_reader(time: str) -> None:
    with pytest.raises(FileRejected) as found:
        jsonfile.loads(_json_file(time=time))
    assert found.value.problems[0].field == "time"
    assert f"{YEAR_MIN}-{YEAR_MAX}" in found.value.problems[0].allowed


def test_finding_5_a_4300_digit_integer_is_a_named_problem() -> None:
    with pytest.raises(FileRejected, match="4300 digits"):
        jsonfile.loads(_json_file().replace('"pain": 3', '"pain": ' + "9" * 4400))


@pytest.mark.parametrize("note", ["\ud800", "a \x00 b"])
def test_finding_5_lone_surrogates_and_nul_in_text_are_refused(note: str) -> None:
    with pytest.raises(FileRejected) as found:
        jsonfile.loads(_json_file(note=note))
    assert found.value.problems[0].field == "note"
    json.dumps([p.to_dict() for p in found.value.problems], ensure_ascii=False).encode("utf-8")
    with pytest.raises(RecordError):
        CheckIn(time=jsonfile.loads(_json_file())[0].checkins[0].time, pain=3, note=note)


def test_finding_5_damaged_fhir_bundles_are_fhir_invalid() -> None:
    """The probe's shapes that raised TypeError / KeyError inside the library reader."""
    bundles = [
        {"resourceType": "Bundle", "type": "collection", "entry": [{"resource": {"resourceType": kind}}]}
        for kind in ({"a": 1}, "Nope", "Patient")
    ]
    for bundle in bundles:
        with pytest.raises(FhirInvalid):
            client_file_from_fhir(bundle)
    with pytest.raises(FhirInvalid):
        client_file_from_fhir('{"resourceType": "Bundle", "total": ' + "9" * 4400 + "}")


@pytest.mark.parametrize(
    "entries",
    [
        None,  # "entry": null passes the model's checks
        [{"resource": {"resourceType": "Patient"}}, {"resource": {"resourceType": "Patient"}}],  # no fullUrl
        [{"fullUrl": "urn:uuid:1", "resource": {"resourceType": "Patient"}}] * 2
        + [{"resource": {"resourceType": "Patient"}}] * 2,  # a repeated fullUrl beside missing ones
    ],
)
def test_finding_5_bundles_the_fuzz_benchmark_found_are_fhir_invalid(entries: object) -> None:
    """Two shapes ``benchmarks/fuzz.py`` found that raised TypeError in the reference check."""
    with pytest.raises(FhirInvalid):
        client_file_from_fhir({"resourceType": "Bundle", "type": "collection", "entry": entries})
