"""``touchdose report``: writes a PDF that holds the engine's numbers, or one self-contained HTML page."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pypdf
import pytest
from typer.testing import CliRunner

from touchdose.analysis.engine import analyze_client
from touchdose.cli import app
from touchdose.io import read_client_file

EXAMPLES = Path(__file__).parents[2] / "examples"
EXAMPLE = EXAMPLES / "fibromyalgia-client.json"
runner = CliRunner()


def test_report_pdf_holds_the_engine_numbers(tmp_path: Path) -> None:
    out = tmp_path / "report.pdf"
    result = runner.invoke(app, ["report", str(EXAMPLE), "--out", str(out)])
    assert result.exit_code == 0, result.stderr
    reader = pypdf.PdfReader(io.BytesIO(out.read_bytes()))
    text = re.sub(r"\s+", " ", " ".join(p.extract_text() for p in reader.pages))
    analysis = analyze_client(read_client_file(EXAMPLE)).to_dict()
    fiqr = analysis["instruments"]["fiqr"]
    assert f"total {fiqr['total']}/100" in text  # 55.5 (Bennett 2009 scoring of the example's items)
    data = analysis["data"]
    assert f"{data['checkin_days']} diary days ({data['baseline_days']} before the first massage)" in text
    assert "c-001" in text and "not a clinical trial" in text


def test_report_html_from_a_csv_with_a_profile(tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    args = ["report", str(EXAMPLES / "fibromyalgia-client.csv"), "--client-json"]
    args += [str(EXAMPLES / "fibromyalgia-profile.json"), "--out", str(out)]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.stderr
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "<svg" in page
    assert "WPI 10/19" in page  # the profile's ACR 2016 answers = worked example A1 (WPI 10)


def test_the_report_says_how_times_without_offset_were_read(tmp_path: Path) -> None:
    # docs/formats.md: "a time without offset is taken in --timezone (default UTC) and the report says so".
    diary = tmp_path / "diary.csv"
    diary.write_text(
        "record,time,pain,pain_before,pain_after,pressure,minutes\n"
        "checkin,2026-01-04T20:00,6,,,,\n"
        "session,2026-01-05T10:00,,6,4,2,45\n",
        encoding="utf-8",
    )
    out = tmp_path / "r.html"
    result = runner.invoke(app, ["report", str(diary), "--timezone", "Europe/Stockholm", "--out", str(out)])
    assert result.exit_code == 0, result.stderr
    assert "2 times without a UTC offset read as Europe/Stockholm time" in out.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([str(EXAMPLE), "--out", "report.docx"], "allowed: a file name ending in .pdf or .html"),
        (["--out", "r.pdf"], "give exactly one of FILE or --client ID"),
        ([str(EXAMPLES / "bad-client.csv"), "--out", "r.pdf"], "rejected, 4 problems"),
    ],
)
def test_bad_input_exits_2_and_writes_nothing(tmp_path: Path, args: list[str], message: str) -> None:
    args = [a if not a.startswith(("report.", "r.")) else str(tmp_path / a) for a in args]
    result = runner.invoke(app, ["report", *args])
    assert result.exit_code == 2
    assert message in result.stderr
    assert list(tmp_path.iterdir()) == []


@pytest.mark.django_db
def test_report_for_a_client_in_the_database_is_audited(tmp_path: Path) -> None:
    from datetime import UTC, datetime

    from django.contrib.auth.models import User

    from touchdose.web import services
    from touchdose.web.models import AuditEvent, Client

    user = User.objects.create(username="erik")
    client = Client.objects.create(user=user, timezone="UTC", conditions=["low_back_pain"])
    services.checkin_record(actor=user, client=client, time=datetime(2026, 1, 5, 20, tzinfo=UTC), pain=7)
    out = tmp_path / "db.html"
    result = runner.invoke(app, ["report", "--client", str(client.pk), "--out", str(out)])
    assert result.exit_code == 0, result.stderr
    page = out.read_text(encoding="utf-8")
    assert f"c-{client.pk}" in page and "Low back pain" in page
    event = AuditEvent.objects.order_by("-id").first()
    assert event is not None and (event.action, event.client_ref) == ("exported", client.pk)
