"""``touchdose export``: JSON and CSV re-import unchanged, every FHIR export validates, bad input exits 2."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from fhir.resources.R4B.bundle import Bundle
from typer.testing import CliRunner

from touchdose.cli import app
from touchdose.io import read_client_file
from touchdose.io.fhir_read import client_file_from_fhir
from touchdose.records import ClientFile

EXAMPLES = Path(__file__).parents[2] / "examples"
EXAMPLE = EXAMPLES / "fibromyalgia-client.json"

runner = CliRunner()


def run(*args: str) -> Any:
    return runner.invoke(app, list(args), catch_exceptions=False)


@pytest.fixture(scope="module")
def example() -> ClientFile:
    return read_client_file(EXAMPLE)


def test_json_export_reimports_unchanged_and_byte_identical(tmp_path: Path, example: ClientFile) -> None:
    first, second = tmp_path / "a.json", tmp_path / "b.json"
    assert run("export", str(EXAMPLE), "--out", str(first)).exit_code == 0
    assert read_client_file(first) == example
    assert run("export", str(first), "--format", "json", "--out", str(second)).exit_code == 0
    assert first.read_bytes() == second.read_bytes()


def test_csv_export_reimports_unchanged(tmp_path: Path, example: ClientFile) -> None:
    out = tmp_path / "c.csv"
    result = run("export", str(EXAMPLE), "--out", str(out))
    assert result.exit_code == 0
    assert "profile is not part of CSV" in result.stderr
    again = read_client_file(out, profile=example.client)
    assert again == example  # sessions and check-ins unchanged; the profile comes from --client-json


def test_fhir_export_validates_and_reads_back(tmp_path: Path, example: ClientFile) -> None:
    out = tmp_path / "bundle.json"
    assert run("export", str(EXAMPLE), "--format", "fhir", "--out", str(out)).exit_code == 0
    text = out.read_text(encoding="utf-8")
    bundle = Bundle.model_validate_json(text)
    assert bundle.type == "collection"
    kinds = [e.resource.__resource_type__ for e in bundle.entry]
    assert kinds.count("Procedure") == len(example.sessions)
    assert client_file_from_fhir(text) == example


def test_export_to_standard_output(example: ClientFile) -> None:
    result = run("export", str(EXAMPLE), "--format", "fhir", "--out", "-")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["resourceType"] == "Bundle"


def test_a_rejected_file_exits_2_and_writes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "never.json"
    result = run("export", str(EXAMPLES / "bad-client.csv"), "--out", str(out))
    assert result.exit_code == 2
    assert "line 2 (checkin): pain = 11 is not allowed" in result.stderr
    assert not out.exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--out", "x.json"], "give exactly one of FILE or --client ID"),
        ([str(EXAMPLE), "--out", "x.xml"], "--format = 'xml' is not allowed (allowed: csv, json, fhir)"),
        ([str(EXAMPLE), "--format", "pdf", "--out", "x.json"], "--format = 'pdf' is not allowed"),
        (["missing.json", "--out", "x.json"], "missing.json: cannot read the file"),
    ],
)
def test_bad_options_exit_2_with_the_reason(tmp_path: Path, args: list[str], message: str) -> None:
    result = runner.invoke(app, ["export", *args])
    assert result.exit_code == 2
    assert message in result.stderr


def test_the_export_replaces_an_existing_file_whole(tmp_path: Path, example: ClientFile) -> None:
    out = tmp_path / "old.json"
    out.write_text("old contents that are longer than nothing " * 1000, encoding="utf-8")
    assert run("export", str(EXAMPLE), "--out", str(out)).exit_code == 0
    assert read_client_file(out) == example
    assert [p.name for p in tmp_path.iterdir()] == ["old.json"]  # no temporary file left behind


@pytest.mark.django_db
def test_client_from_the_database_is_exported_and_audited(tmp_path: Path) -> None:
    from datetime import UTC, datetime

    from django.contrib.auth.models import User

    from touchdose.web import selectors, services
    from touchdose.web.models import AuditEvent, Client

    user = User.objects.create(username="dana")
    client = Client.objects.create(user=user, timezone="Europe/Stockholm", conditions=["fibromyalgia"])
    when = datetime(2026, 1, 5, 10, tzinfo=UTC)
    services.checkin_record(actor=user, client=client, time=when, pain=6, sleep_hours=6.5)
    services.session_record(
        actor=user, client=client, start=when, pressure=2, minutes=45, technique=["swedish"], pain_before=6
    )
    out = tmp_path / "db.json"
    result = run("export", "--client", f"c-{client.pk}", "--format", "fhir", "--out", str(out))
    assert result.exit_code == 0, result.stderr
    assert client_file_from_fhir(out.read_text(encoding="utf-8")) == selectors.client_file_for(client)
    event = AuditEvent.objects.order_by("-id").first()
    assert event is not None and (event.action, event.client_ref) == ("exported", client.pk)


@pytest.mark.django_db
def test_an_unknown_database_client_exits_2(tmp_path: Path) -> None:
    result = runner.invoke(app, ["export", "--client", "c-999999", "--out", str(tmp_path / "x.json")])
    assert result.exit_code == 2
    assert "no such client" in result.stderr
