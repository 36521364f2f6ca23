"""Web import (every problem shown, nothing saved unless the whole file is good), "download my data"
(CSV, JSON, FHIR), the clinician report download (HTML, PDF) and the personal token page."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from touchdose.io import FileRejected, csvfile, jsonfile
from touchdose.io.fhir import validate_bundle
from touchdose.records import CheckIn as RecordCheckIn
from touchdose.records import ClientFile, ClientProfile, RecordError
from touchdose.web import convert, selectors, services
from touchdose.web.models import ApiToken, AuditEvent, CheckIn, MassageSession
from touchdose.web.views.data import encode_carried

from .conftest import PERSONAS, World, last_event

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
A, B, TL, TS, ANON = PERSONAS


def upload(world: World, name: str, text: str | bytes, persona: str = A, zone: str = "Europe/Stockholm"):
    body = text.encode() if isinstance(text, str) else text
    data = {"file": SimpleUploadedFile(name, body), "timezone": zone}
    http = world.http(persona)
    AuditEvent.objects.filter(action="logged_in").delete()  # signing in is not part of the import
    return http.post(f"/clients/{world.client_a.pk}/data/import/", data)


def counts() -> tuple[int, int]:
    return MassageSession.objects.count(), CheckIn.objects.count()


class TestImport:
    def test_bad_rows_save_nothing_and_every_problem_is_shown(self, world: World) -> None:
        text = (EXAMPLES / "bad-client.csv").read_text(encoding="utf-8")
        with pytest.raises(FileRejected) as rejected:  # the reader's own verdict on the same file
            csvfile.loads(
                text, profile=convert.profile_of_row(world.client_a), zone=ZoneInfo("Europe/Stockholm")
            )
        before, events = counts(), AuditEvent.objects.count()
        response = upload(world, "bad-client.csv", text)
        assert response.status_code == 400
        page = response.content.decode()
        assert f"Nothing was saved: {len(rejected.value.problems)} problems" in page
        for problem in rejected.value.problems:
            assert f"<td>{problem.where}</td><td>{problem.field}</td>" in page
        assert counts() == before and AuditEvent.objects.count() == events

    def test_good_file_previews_then_saves_all(self, world: World) -> None:
        text = (EXAMPLES / "fibromyalgia-client.csv").read_text(encoding="utf-8")
        cf, _ = csvfile.loads(text, profile=convert.profile_of_row(world.client_a), zone=ZoneInfo("UTC"))
        before = counts()
        preview = upload(world, "fibromyalgia-client.csv", text)
        assert preview.status_code == 200
        assert counts() == before  # the preview saves nothing
        assert f"{len(cf.checkins)} check-ins ({len(cf.checkins)} new)" in preview.content.decode()
        saved = world.http(A).post(
            f"/clients/{world.client_a.pk}/data/import/save/",
            {"kind": "csv", "timezone": "Europe/Stockholm", "data": encode_carried(text)},
        )
        assert saved.status_code == 302
        assert counts() == (before[0] + len(cf.sessions), before[1] + len(cf.checkins))
        assert last_event().action == "imported" and last_event().actor == world.users[A]

    def test_importing_twice_adds_nothing_the_second_time(self, world: World) -> None:
        text = (EXAMPLES / "fibromyalgia-client.json").read_text(encoding="utf-8")
        post = {"kind": "json", "timezone": "Europe/Stockholm", "data": encode_carried(text)}
        world.http(A).post(f"/clients/{world.client_a.pk}/data/import/save/", post)
        once = counts()
        again = world.http(A).post(f"/clients/{world.client_a.pk}/data/import/save/", post, follow=True)
        assert counts() == once
        assert "already stored, skipped" in again.content.decode()

    def test_json_upload_previews(self, world: World) -> None:
        text = (EXAMPLES / "fibromyalgia-client.json").read_text(encoding="utf-8")
        cf, _ = jsonfile.loads(text)
        response = upload(world, "client.json", text)
        assert response.status_code == 200
        assert f"{len(cf.sessions)} sessions ({len(cf.sessions)} new)" in response.content.decode()

    def test_tampered_text_at_the_save_step_is_read_again_and_refused(self, world: World) -> None:
        before = counts()
        bad = (EXAMPLES / "bad-client.csv").read_text(encoding="utf-8")
        response = world.http(A).post(
            f"/clients/{world.client_a.pk}/data/import/save/",
            {"kind": "csv", "timezone": "UTC", "data": encode_carried(bad)},
        )
        assert response.status_code == 400 and "Nothing was saved" in response.content.decode()
        assert counts() == before

    @pytest.mark.parametrize(
        "data", ["not base64!", "//79"]
    )  # not base64; base64 of bytes that are not UTF-8
    def test_mangled_save_step_is_refused(self, world: World, data: str) -> None:
        before = counts()
        post = {"kind": "csv", "timezone": "UTC", "data": data}
        response = world.http(A).post(f"/clients/{world.client_a.pk}/data/import/save/", post)
        assert response.status_code == 400 and counts() == before

    def test_note_with_line_breaks_survives_the_round_trip(self, world: World) -> None:
        when = datetime(2026, 2, 1, 19, tzinfo=UTC)
        cf = ClientFile(
            ClientProfile(id="x"), checkins=(RecordCheckIn(time=when, pain=4, note="two\nlines"),)
        )
        text = csvfile.dumps(cf)
        assert upload(world, "n.csv", text).status_code == 200
        page = upload(world, "n.csv", text).content.decode()
        data = page.split('name="data" value="')[1].split('"')[0]
        post = {"kind": "csv", "timezone": "UTC", "data": data}
        assert world.http(A).post(f"/clients/{world.client_a.pk}/data/import/save/", post).status_code == 302
        assert CheckIn.objects.get(time__year=2026, time__month=2).note == "two\nlines"

    @pytest.mark.parametrize(
        ("name", "body", "words"),
        [
            ("x.csv", b"\xff\xfe\x00bad", "UTF-8 text"),
            ("x.json", b'{"client": ', "valid JSON"),
            ("x.csv", b"", "The submitted file is empty"),
            ("x.csv", b"\n", "a record column"),
        ],
    )
    def test_unreadable_files_are_refused(self, world: World, name: str, body: bytes, words: str) -> None:
        before = counts()
        response = upload(world, name, body)
        assert response.status_code == 400 and words in response.content.decode()
        assert counts() == before

    def test_bad_time_zone_is_refused(self, world: World) -> None:
        text = (EXAMPLES / "fibromyalgia-client.csv").read_text(encoding="utf-8")
        response = upload(world, "c.csv", text, zone="Mars/Olympus")
        assert response.status_code == 400 and "an IANA time zone name" in response.content.decode()

    def test_a_record_failing_mid_import_rolls_back_everything(self, world: World) -> None:
        text = (EXAMPLES / "fibromyalgia-client.csv").read_text(encoding="utf-8")
        cf, _ = csvfile.loads(text, profile=convert.profile_of_row(world.client_a), zone=ZoneInfo("UTC"))
        last = cf.checkins[-1]
        object.__setattr__(last, "pain", 99)  # slip a bad record past the reader: the service still checks
        broken = replace(cf, checkins=cf.checkins)
        before, events = counts(), AuditEvent.objects.count()
        with pytest.raises(RecordError):
            services.client_file_import(actor=world.users[A], client=world.client_a, cf=broken)
        assert counts() == before and AuditEvent.objects.count() == events

    @pytest.mark.parametrize(("persona", "status"), [(B, 404), (TL, 403), (TS, 404), (ANON, 302)])
    def test_only_the_client_imports(self, world: World, persona: str, status: int) -> None:
        text = (EXAMPLES / "fibromyalgia-client.csv").read_text(encoding="utf-8")
        before = counts()
        assert world.http(persona).get(f"/clients/{world.client_a.pk}/data/import/").status_code == status
        assert upload(world, "c.csv", text, persona=persona).status_code == status
        saved = world.http(persona).post(
            f"/clients/{world.client_a.pk}/data/import/save/",
            {"kind": "csv", "timezone": "UTC", "data": encode_carried(text)},
        )
        assert saved.status_code == status and counts() == before


class TestDownloads:
    def test_csv_round_trip(self, world: World) -> None:
        response = world.http(A).get(f"/clients/{world.client_a.pk}/data/download/csv/")
        assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
        profile = convert.profile_of_row(world.client_a)
        cf, _ = csvfile.loads(response.content.decode(), profile=profile, zone=ZoneInfo("UTC"))
        stored = selectors.client_file_for(world.client_a)
        assert cf.checkins == stored.checkins
        assert [s.start for s in cf.sessions] == [s.start for s in stored.sessions]
        assert last_event().action == "exported"

    def test_json_round_trip(self, world: World) -> None:
        response = world.http(A).get(f"/clients/{world.client_a.pk}/data/download/json/")
        cf, _ = jsonfile.loads(response.content.decode())
        assert cf == selectors.client_file_for(world.client_a)

    def test_fhir_bundle_is_valid(self, world: World) -> None:
        response = world.http(A).get(f"/clients/{world.client_a.pk}/data/download/fhir/")
        bundle = json.loads(response.content)
        validate_bundle(bundle)  # raises if the Bundle is not valid FHIR R4B
        assert response["Content-Type"] == "application/fhir+json"
        assert sum(e["resource"]["resourceType"] == "Procedure" for e in bundle["entry"]) == 2

    def test_unknown_format_is_404(self, world: World) -> None:
        assert world.http(A).get(f"/clients/{world.client_a.pk}/data/download/xml/").status_code == 404

    @pytest.mark.parametrize(("persona", "status"), [(B, 404), (TL, 403), (TS, 404), (ANON, 302)])
    def test_only_the_client_downloads_their_data(self, world: World, persona: str, status: int) -> None:
        for fmt in ("csv", "json", "fhir"):
            assert (
                world.http(persona).get(f"/clients/{world.client_a.pk}/data/download/{fmt}/").status_code
                == status
            )

    @pytest.mark.parametrize("persona", [A, TL])
    def test_report_pdf_and_html(self, world: World, persona: str) -> None:
        pdf = world.http(persona).get(f"/clients/{world.client_a.pk}/report/pdf/")
        assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
        assert last_event().action == "report_downloaded" and last_event().actor == world.users[persona]
        html = world.http(persona).get(f"/clients/{world.client_a.pk}/report/html/")
        assert html.status_code == 200 and b"<html" in html.content.lower()
        # Issue 10: the web page opens in the browser (it used to download), under its own policy.
        assert "attachment" not in html.get("Content-Disposition", "") and html["Content-Type"].startswith(
            "text/html"
        )
        assert "default-src 'none'" in html["Content-Security-Policy"]

    @pytest.mark.parametrize(("persona", "status"), [(B, 404), (TS, 404), (ANON, 302)])
    def test_report_refused_to_others(self, world: World, persona: str, status: int) -> None:
        assert world.http(persona).get(f"/clients/{world.client_a.pk}/report/pdf/").status_code == status

    def test_your_data_page_links_every_download(self, world: World) -> None:
        page = world.http(A).get(f"/clients/{world.client_a.pk}/data/").content.decode()
        for fmt in ("csv", "json", "fhir"):
            assert f"/clients/{world.client_a.pk}/data/download/{fmt}/" in page
        assert f"/clients/{world.client_a.pk}/report/pdf/" in page


class TestTokenPage:
    def test_make_shows_once_then_revoke(self, world: World) -> None:
        http = world.http(A)
        made = http.post("/accounts/tokens/", {"name": "laptop"})
        token = ApiToken.objects.get(user=world.users[A])
        assert made.status_code == 200 and token.prefix in made.content.decode()
        raw = made.content.decode().split('<code class="token">')[1].split("</code>")[0]
        assert services.api_token_user(raw) == world.users[A]
        listing = http.get("/accounts/tokens/").content.decode()
        assert raw not in listing and "laptop" in listing
        http.post("/accounts/tokens/", {"revoke": str(token.pk)})
        assert services.api_token_user(raw) is None

    def test_empty_name_is_refused(self, world: World) -> None:
        response = world.http(A).post("/accounts/tokens/", {"name": "  "})
        assert response.status_code == 400 and not ApiToken.objects.exists()

    def test_cannot_revoke_someone_elses_token(self, world: World) -> None:
        token, raw = services.api_token_create(actor=world.users[A], name="x")
        world.http(B).post("/accounts/tokens/", {"revoke": str(token.pk)})
        assert services.api_token_user(raw) == world.users[A]
        assert (
            world.http(B).post("/accounts/tokens/", {"revoke": "99999999999999999999999"}).status_code == 404
        )


@pytest.mark.parametrize(("persona", "data_link"), [(A, True), (TL, False)])
def test_dashboard_offers_the_report(world: World, persona: str, data_link: bool) -> None:
    page = world.http(persona).get(f"/clients/{world.client_a.pk}/").content.decode()
    assert f"/clients/{world.client_a.pk}/report/pdf/" in page
    assert (f"/clients/{world.client_a.pk}/data/" in page) is data_link
