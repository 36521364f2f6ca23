"""The endpoint that receives check-ins made offline: the moment they were made is checked and
kept, and an entry sent twice (its answer lost on the way) is saved once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from tests.web.conftest import World

from touchdose.web import selectors, services
from touchdose.web.models import CheckIn


@pytest.mark.django_db
def test_an_offline_entry_is_saved_once_at_the_moment_it_was_made(world: World) -> None:
    http = world.http("client_a")
    url = reverse("checkin_queued", args=[world.client_a.pk])
    made = timezone.now() - timedelta(hours=5, seconds=17)
    first = http.post(url, {"pain": "6", "made_at": made.isoformat()})
    again = http.post(url, {"pain": "6", "made_at": made.isoformat()})
    assert (first.status_code, again.status_code) == (201, 200)
    assert "safety_page" not in first.json()  # nothing new ticked
    assert first.json()["id"] == again.json()["id"] and again.json()["new"] is False
    saved = CheckIn.objects.get(pk=first.json()["id"])
    assert saved.time == made and saved.pain == 6


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("made_at", "message"),
    [
        ("", "is not a time"),
        ("yesterday", "is not a time"),
        ("2026-03-07T10:00:00", "has no offset"),
        ("9999-12-31T23:59:59+14:00", "in the future"),
        ("0001-01-01T00:00:00-12:00", "more than 14 days ago"),
        ("2026-02-30T10:00:00Z", "is not a time"),
        ("2020-01-01T00:00:00Z", "more than 14 days ago"),
    ],
)
def test_a_bad_moment_is_refused_with_its_reason(world: World, made_at: str, message: str) -> None:
    response = world.http("client_a").post(
        reverse("checkin_queued", args=[world.client_a.pk]), {"pain": "6", "made_at": made_at}
    )
    assert response.status_code == 400 and message in response.json()["error"], response.json()
    assert world.client_a.checkins.count() == 1  # only the world's own


@pytest.mark.django_db
def test_a_bad_field_is_refused_and_nothing_is_saved(world: World) -> None:
    response = world.http("client_a").post(
        reverse("checkin_queued", args=[world.client_a.pk]),
        {"pain": "11", "made_at": timezone.now().isoformat()},
    )
    assert response.status_code == 400 and "pain" in response.json()["error"]
    assert world.client_a.checkins.count() == 1


def test_the_manifest_names_the_app_and_its_icons(client: object) -> None:
    response = client.get(reverse("manifest"))  # type: ignore[attr-defined]
    assert response["Content-Type"] == "application/manifest+json"
    data = response.json()
    assert data["name"] == "touchdose" and data["scope"] == "/"
    assert all(icon["src"].startswith("/static/touchdose/icons/") for icon in data["icons"])


# --- a session's follow-up answered offline ----------------------------------------------------


def followup_queued_url(world: World, hours: int = 48) -> str:
    return reverse("followup_queued", args=[world.therapist_session.pk, hours])


@pytest.mark.django_db
def test_an_offline_follow_up_is_saved_once_at_its_moment_and_answers_the_follow_up(world: World) -> None:
    http = world.http("client_b")  # no check-in yet
    now = timezone.now()
    session = services.session_record(
        actor=None, client=world.client_b, start=now - timedelta(hours=40), pressure=2, minutes=45,
        technique=["swedish"],
    )  # fmt: skip
    made = session.start + timedelta(hours=37, seconds=9)  # three hours ago, offline
    assert selectors.followup_of(session=session, hours=48, now=made).state == "due"
    url = reverse("followup_queued", args=[session.pk, 48])
    fields = {"pain": "4", "flare": "on", "red_flags": ["numbness_weakness"], "made_at": made.isoformat()}
    first, again = http.post(url, fields), http.post(url, fields)  # its answer was lost: sent again
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    assert first.json()["safety_page"] == reverse("dashboard", args=[world.client_b.pk])  # a red flag
    saved = CheckIn.objects.get(pk=first.json()["id"])
    assert (saved.time, saved.pain, saved.flare, saved.red_flags) == (made, 4, True, ["numbness_weakness"])
    assert selectors.followup_of(session=session, hours=48).state == "answered"
    assert (
        "You have answered this follow-up"
        in http.get(reverse("followup", args=[session.pk, 48])).content.decode()
    )


@pytest.mark.django_db
def test_an_offline_follow_up_is_the_clients_only(world: World) -> None:
    fields = {"pain": "4", "made_at": timezone.now().isoformat()}
    assert world.http("therapist_linked").post(followup_queued_url(world), fields).status_code == 403
    assert world.http("client_b").post(followup_queued_url(world), fields).status_code == 404
    assert world.http("client_a").post(followup_queued_url(world, hours=12), fields).status_code == 404
    anonymous = world.http("anonymous").post(followup_queued_url(world), fields)
    assert anonymous.status_code == 302 and "/login" in anonymous["Location"]
    assert world.client_a.checkins.count() == 1


@pytest.mark.django_db
def test_a_bad_offline_follow_up_is_refused_with_its_reason(world: World) -> None:
    http = world.http("client_a")
    no_pain = http.post(followup_queued_url(world), {"made_at": timezone.now().isoformat()})
    assert no_pain.status_code == 400 and no_pain.json()["error"].startswith("pain:")
    no_offset = http.post(followup_queued_url(world), {"pain": "3", "made_at": "2026-03-07T10:00:00"})
    assert no_offset.status_code == 400 and "has no offset" in no_offset.json()["error"]
    assert world.client_a.checkins.count() == 1
