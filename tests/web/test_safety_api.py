"""Issue 17 through the API: check-ins take and give ``red_flags``, the client's profile takes and
gives ``contraindications``; bad values are refused naming the field, never echoing the value."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client as HttpClient

from touchdose.analysis.safety_rules import CONTRAINDICATION_RULES, RED_FLAG_RULES
from touchdose.web import services

from .conftest import World, last_event, send


def test_a_check_in_takes_and_gives_its_red_flags(world: World, http: HttpClient) -> None:
    client = world.client_a
    body = {"time": "2026-03-02T20:00:00+01:00", "pain": 6, "red_flags": ["fever_night_sweats"]}
    made = send(http, "post", f"/clients/{client.pk}/checkins", body)
    assert made.status_code == 201 and made.json()["red_flags"] == ["fever_night_sweats"]
    checkin_id = made.json()["id"]
    assert send(http, "get", f"/checkins/{checkin_id}").json()["red_flags"] == ["fever_night_sweats"]
    listed = send(http, "get", f"/clients/{client.pk}/checkins").json()
    assert {c["id"]: c["red_flags"] for c in listed} == {checkin_id: ["fever_night_sweats"],
                                                          world.checkin.pk: []}  # fmt: skip
    # a change that does not name red_flags keeps them; an empty list clears them
    kept = send(http, "patch", f"/checkins/{checkin_id}", {"pain": 5}).json()
    assert kept["red_flags"] == ["fever_night_sweats"]
    assert send(http, "patch", f"/checkins/{checkin_id}", {"red_flags": []}).json()["red_flags"] == []


def test_the_analysis_puts_the_red_flag_first_and_stops_the_plan(world: World, http: HttpClient) -> None:
    client = world.client_a
    when = (world.checkin.time + timedelta(minutes=30)).isoformat()
    body = {"time": when, "pain": 5, "red_flags": ["chest_pain_breathless"]}
    assert send(http, "post", f"/clients/{client.pk}/checkins", body).status_code == 201
    analysis = send(http, "get", f"/clients/{client.pk}/analysis").json()["analysis"]
    safety = analysis["verdict"]["safety"]
    assert safety["level"] == RED_FLAG_RULES["chest_pain_breathless"].level == "emergency"
    assert safety["red_flags"] == ["chest_pain_breathless"] and safety["stop"] is True
    assert analysis["plan"]["stop"] is True and analysis["plan"]["pressure"] is None


def test_a_red_flag_not_on_the_list_is_refused_naming_the_field(world: World, http: HttpClient) -> None:
    before = world.client_a.checkins.count()
    body = {"time": "2026-03-02T20:00:00+01:00", "pain": 6, "red_flags": ["secret-symptom"]}
    response = send(http, "post", f"/clients/{world.client_a.pk}/checkins", body)
    assert response.status_code == 422
    (problem,) = response.json()["problems"]
    assert problem["where"] == "checkin.red_flags"
    assert problem["problem"].startswith("not allowed (allowed: one of numbness_weakness, ")
    assert "secret-symptom" not in response.content.decode()
    assert world.client_a.checkins.count() == before


def test_the_profile_takes_and_gives_the_contraindications(world: World, http: HttpClient) -> None:
    client = world.client_a
    services.client_intake_save(actor=None, client=client, conditions=["fibromyalgia"])
    assert "contraindications" not in send(http, "get", f"/clients/{client.pk}").json()["profile"]
    body = {"contraindications": ["bone_metastases", "cancer"]}
    response = send(http, "patch", f"/clients/{client.pk}/profile", body)
    assert response.status_code == 200, response.content
    assert last_event().action == "intake_viewed"  # the answer shows the profile: a read, after the save
    profile = send(http, "get", f"/clients/{client.pk}").json()["profile"]
    assert profile["contraindications"] == ["bone_metastases", "cancer"]
    assert profile["conditions"] == ["fibromyalgia"]  # not sent, kept
    safety = send(http, "get", f"/clients/{client.pk}/analysis").json()["analysis"]["verdict"]["safety"]
    assert safety["contraindications"] == ["bone_metastases", "cancer"]
    cap = min(CONTRAINDICATION_RULES[c].max_pressure or 5 for c in ("bone_metastases", "cancer"))
    plan = send(http, "get", f"/clients/{client.pk}/analysis").json()["analysis"]["plan"]
    assert plan["pressure"] is not None and plan["pressure"] <= cap == 1
    cleared = send(http, "patch", f"/clients/{client.pk}/profile", {"contraindications": []}).json()
    assert "contraindications" not in cleared["profile"]


@pytest.mark.parametrize(
    ("body", "where"),
    [
        ({"contraindications": ["gout"]}, "client.contraindications"),
        ({"contraindications": ["dvt", "dvt"]}, "client.contraindications"),
        ({"max_pressure": 9}, "client.max_pressure"),
        ({"timezone": "Mars/Olympus"}, "client.timezone"),
        ({"contraindications": None}, "body.payload.contraindications"),
    ],
)
def test_a_bad_profile_change_is_refused_and_nothing_is_saved(
    world: World, http: HttpClient, body: dict[str, Any], where: str
) -> None:
    client = world.client_a
    response = send(http, "patch", f"/clients/{client.pk}/profile", {"conditions": ["fibromyalgia"], **body})
    assert response.status_code == 422
    assert where in [p["where"] for p in response.json()["problems"]]
    client.refresh_from_db()
    assert (client.conditions, client.contraindications, client.intake_done) == ([], [], False)
