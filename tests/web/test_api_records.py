"""API behaviour beyond access: create/read/change/delete round trips, partial changes, paging,
and error bodies that are clear and never repeat a value the caller sent."""

from __future__ import annotations

import json

import pytest
from django.test import Client as HttpClient

from touchdose.records import CONDITIONS
from touchdose.web import services
from touchdose.web.models import CheckIn, MassageSession

from .conftest import API, World, last_event, send


def test_session_round_trip(world: World, http: HttpClient) -> None:
    body = {"start": "2026-03-02T10:00:00+01:00", "pressure": 2, "minutes": 40,
            "technique": ["swedish", "myofascial_release"], "regions": ["neck"], "pain_before": 6,
            "pain_after": 4, "adverse": ["soreness"], "note": "ok"}  # fmt: skip
    made = send(http, "post", f"/clients/{world.client_a.pk}/sessions", body)
    assert made.status_code == 201
    got = send(http, "get", f"/sessions/{made.json()['id']}").json()
    assert got["start"] == "2026-03-02T09:00:00Z"  # stored and returned in UTC
    assert {k: got[k] for k in body if k != "start"} == {k: v for k, v in body.items() if k != "start"}
    assert got["logged_by_therapist"] is False


def test_patch_changes_only_what_is_sent(world: World, http: HttpClient) -> None:
    session = world.own_session
    response = send(http, "patch", f"/sessions/{session.pk}", {"pain_after": 2})
    assert response.status_code == 200
    session.refresh_from_db()
    assert (session.pain_after, session.pain_before, session.minutes) == (2, 6, 45)
    checkin = world.checkin
    assert send(http, "patch", f"/checkins/{checkin.pk}", {"fatigue": 7}).status_code == 200
    checkin.refresh_from_db()
    assert (checkin.pain, checkin.fatigue) == (5, 7)
    assert last_event().action == "checkin_updated"


def test_client_rates_the_therapists_session(world: World, http: HttpClient) -> None:
    response = send(
        http, "patch", f"/sessions/{world.therapist_session.pk}", {"pain_before": 7, "pain_after": 5}
    )
    assert response.status_code == 200
    refused = send(http, "patch", f"/sessions/{world.therapist_session.pk}", {"minutes": 90})
    assert refused.status_code == 403 and "only your ratings" in refused.json()["detail"]
    world.therapist_session.refresh_from_db()
    assert world.therapist_session.minutes == 30


def test_delete(world: World, http: HttpClient) -> None:
    assert send(http, "delete", f"/checkins/{world.checkin.pk}").status_code == 204
    assert not CheckIn.objects.filter(pk=world.checkin.pk).exists()
    assert send(http, "get", f"/checkins/{world.checkin.pk}").status_code == 404
    assert last_event().action == "checkin_deleted"


def test_record_rules_give_every_problem_without_the_values(world: World, http: HttpClient) -> None:
    body = {"time": "2026-03-02T20:00:00", "pain": 17, "sleep_hours": 31.5, "note": "private words"}
    response = send(http, "post", f"/clients/{world.client_a.pk}/checkins", body)
    assert response.status_code == 422
    error = response.json()
    assert error["detail"] == "Some values are not allowed."
    assert {p["where"] for p in error["problems"]} == {"checkin.time", "checkin.pain", "checkin.sleep_hours"}
    assert "a whole number 0-10" in json.dumps(error)  # what is allowed, from touchdose.records
    for sent in ("17", "31.5", "private words", "2026-03-02"):
        assert sent not in response.content.decode()  # no value is echoed back


def test_shape_errors_are_clear_and_echo_nothing(world: World, http: HttpClient) -> None:
    response = send(
        http, "post", f"/clients/{world.client_a.pk}/sessions", {"start": "soon", "pressure": "firm"}
    )
    assert response.status_code == 422
    error = response.json()
    assert error["detail"] == "The request does not have the expected shape."
    wheres = {p["where"] for p in error["problems"]}
    assert {"body.payload.start", "body.payload.pressure", "body.payload.minutes"} <= wheres
    assert "soon" not in response.content.decode() and "firm" not in response.content.decode()


@pytest.mark.parametrize("text", ["a\x00b"])
def test_nul_in_text_is_refused(world: World, http: HttpClient, text: str) -> None:
    body = {"time": "2026-03-02T20:00:00+00:00", "pain": 3, "note": text}
    assert send(http, "post", f"/clients/{world.client_a.pk}/checkins", body).status_code == 422


def test_far_times_are_refused_before_the_database(world: World, http: HttpClient) -> None:
    body = {"time": "0001-01-01T00:00:00+05:00", "pain": 3}
    response = send(http, "post", f"/clients/{world.client_a.pk}/checkins", body)
    assert response.status_code == 422 and "1900-2200" in response.json()["problems"][0]["problem"]


def test_paging(world: World, http: HttpClient) -> None:
    all_rows = send(http, "get", f"/clients/{world.client_a.pk}/sessions").json()
    assert [r["id"] for r in all_rows] == [world.therapist_session.pk, world.own_session.pk]  # newest first
    page = send(http, "get", f"/clients/{world.client_a.pk}/sessions?offset=1&limit=1").json()
    assert [r["id"] for r in page] == [world.own_session.pk]
    assert send(http, "get", f"/clients/{world.client_a.pk}/sessions?limit=0").status_code == 422
    assert send(http, "get", f"/clients/{world.client_a.pk}/sessions?limit=100000").status_code == 422


def test_huge_ids_are_422_not_server_errors(world: World, http: HttpClient) -> None:
    assert send(http, "get", f"/sessions/{2**64}").status_code == 422
    assert send(http, "get", f"/clients/{2**63 - 1}").status_code == 404


def test_analysis_is_the_engine_result(world: World, http: HttpClient) -> None:
    from touchdose.analysis.engine import analyze_client
    from touchdose.web.selectors import client_file_for

    body = send(http, "get", f"/clients/{world.client_a.pk}/analysis").json()
    expected = json.loads(json.dumps(analyze_client(client_file_for(world.client_a)).to_dict()))
    assert body["analysis"] == expected
    assert last_event().action == "dashboard_viewed"


def test_profile_is_the_formats_client_object(world: World, http: HttpClient) -> None:
    world.client_a.conditions = ["fibromyalgia"]
    world.client_a.save()
    body = send(http, "get", f"/clients/{world.client_a.pk}").json()
    assert body["profile"] == {"id": f"c-{world.client_a.pk}", "timezone": "Europe/Stockholm",
                               "conditions": ["fibromyalgia"]}  # fmt: skip
    assert last_event().action == "intake_viewed"


def test_evidence_library_filter(world: World, http: HttpClient) -> None:
    from touchdose.evidence.library import load_library

    library = load_library()
    body = send(http, "get", "/evidence/library?condition=fibromyalgia").json()
    expected = [s.id for s in library.studies if s.condition == "fibromyalgia"]
    assert [s["id"] for s in body["studies"]] == expected and expected
    assert {e["study_id"] for e in body["effects"]} <= set(expected)
    assert send(http, "get", "/evidence/library?condition=nothing").json()["studies"] == []


@pytest.mark.parametrize("condition", [None, *CONDITIONS])
def test_evidence_summary_is_the_library_summary(
    world: World, http: HttpClient, condition: str | None
) -> None:
    from touchdose.evidence.summary import evidence_summary

    query = f"?condition={condition}" if condition else ""
    response = send(http, "get", f"/evidence{query}")
    assert response.status_code == 200
    assert response.json() == json.loads(json.dumps(evidence_summary(condition).to_dict()))


def test_evidence_summary_refuses_unknown_names(world: World, http: HttpClient) -> None:
    response = send(http, "get", "/evidence?condition=gout&outcome=pain")
    assert response.status_code == 422
    assert [p["where"] for p in response.json()["problems"]] == ["query.condition"]
    assert "fibromyalgia" in response.json()["problems"][0]["problem"]  # the allowed names are listed


def test_openapi_is_served(world: World) -> None:
    spec = HttpClient().get(f"{API}/openapi.json").json()
    assert spec["info"]["title"] == "touchdose API"
    assert {"/api/v1/clients", "/api/v1/sessions/{session_id}", "/api/v1/tokens"} <= set(spec["paths"])
    schemes = spec["components"]["securitySchemes"]
    assert {s["type"] for s in schemes.values()} == {"http", "apiKey"}


def test_therapist_session_create_counts(world: World) -> None:
    raw = services.api_token_create(actor=world.users["therapist_linked"], name="t")[1]
    http = HttpClient(headers={"authorization": f"Bearer {raw}"})
    before = MassageSession.objects.count()
    body = {"start": "2026-03-02T10:00:00+01:00", "pressure": 9, "minutes": 40}
    assert send(http, "post", f"/clients/{world.client_a.pk}/sessions", body).status_code == 422
    assert MassageSession.objects.count() == before
