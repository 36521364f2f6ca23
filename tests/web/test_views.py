"""Every page through Django's test client: what each shows and what each saves."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone
from tests.web.conftest import World, last_event, make_client

from touchdose.analysis.caseload import FLAG_WORDS, TIER_HEADINGS
from touchdose.records import AREAS
from touchdose.web import convert, services
from touchdose.web.audit import Action
from touchdose.web.convert import CHECKIN_FIELDS
from touchdose.web.models import CheckIn, Client, MassageSession, Share, ShareCode, Therapist

TIME = "%Y-%m-%dT%H:%M"

PASSWORD = "calm-waters-2026"


def text(response: Any) -> str:
    return response.content.decode()


# --- accounts ----------------------------------------------------------------------------------


def test_home_sends_visitors_to_the_login_page(db: Any) -> None:
    response = HttpClient().get("/")
    assert response.status_code == 302 and response["Location"] == reverse("login")
    page = text(HttpClient().get(reverse("login")))
    assert '<label for="id_username">' in page and '<label for="id_password">' in page


def test_signup_as_a_client_leads_to_the_intake(db: Any) -> None:
    http = HttpClient()
    data = {"role": "client", "username": "cleo", "password1": PASSWORD, "password2": PASSWORD}
    response = http.post(reverse("signup"), data)
    client = Client.objects.get(user__username="cleo")
    assert response["Location"] == reverse("intake", args=[client.pk])
    assert http.get("/").status_code == 200


def test_signup_as_a_therapist_leads_to_the_client_list(db: Any) -> None:
    http = HttpClient()
    data = {"role": "therapist", "username": "theo", "password1": PASSWORD, "password2": PASSWORD,
            "display_name": "Theo T."}  # fmt: skip
    http.post(reverse("signup"), data)
    assert Therapist.objects.get(user__username="theo").display_name == "Theo T."
    assert http.get("/")["Location"] == reverse("therapist_home")


def test_signup_refuses_a_weak_password(db: Any) -> None:
    data = {"role": "client", "username": "cleo", "password1": "12345", "password2": "12345"}
    response = HttpClient().post(reverse("signup"), data)
    assert response.status_code == 200 and not User.objects.filter(username="cleo").exists()


def test_log_in_and_out(db: Any) -> None:
    services.account_signup(username="ann", email="", password=PASSWORD, role="client")
    http = HttpClient()
    assert http.post(reverse("login"), {"username": "ann", "password": PASSWORD}).status_code == 302
    assert http.get("/").status_code == 200
    http.post(reverse("logout"))
    assert http.get("/").status_code == 302


def test_password_change(db: Any) -> None:
    user = services.account_signup(username="ann", email="", password=PASSWORD, role="client")
    http = HttpClient()
    http.force_login(user)
    new = "quiet-forest-2027"
    data = {"old_password": PASSWORD, "new_password1": new, "new_password2": new}
    assert http.post(reverse("password_change"), data)["Location"] == reverse("password_change_done")
    user.refresh_from_db()
    assert user.check_password(new)


def test_password_reset_by_e_mail(db: Any) -> None:
    services.account_signup(username="ann", email="ann@example.org", password=PASSWORD, role="client")
    http = HttpClient()
    http.post(reverse("password_reset"), {"email": "ann@example.org"})
    assert len(mail.outbox) == 1
    link = re.search(r"http://testserver(/accounts/password/reset/\S+)", mail.outbox[0].body).group(1)
    form_url = http.get(link)["Location"]  # Django swaps the token for a session marker
    new = "quiet-forest-2027"
    response = http.post(form_url, {"new_password1": new, "new_password2": new})
    assert response["Location"] == reverse("password_reset_complete")
    assert User.objects.get(username="ann").check_password(new)


# --- check-in ----------------------------------------------------------------------------------


def _full_entry(world: World) -> CheckIn:
    """A last entry with every answer, and values only the API or an import would give (5.25 h)."""
    return services.checkin_record(
        actor=None, client=world.client_a, time=timezone.now() - timedelta(hours=1), pain=6, fatigue=7,
        sleep_hours=5.25, sleep_quality=4, mood=3, flare=True, rescue_doses=2, activity_minutes=20,
        note="private words",
    )  # fmt: skip


def test_a_check_in_starts_empty_and_a_pain_only_entry_stores_only_the_pain(world: World) -> None:
    _full_entry(world)
    url = reverse("checkin_new", args=[world.client_a.pk])
    page = text(world.http("client_a").get(url))
    assert "checked" not in page  # no answer is copied from the last entry
    assert re.search(r'<input type="number" name="sleep_hours"[^>]*step="any"', page)
    assert 'name="sleep_hours" value=' not in page
    assert '<form method="post" class="card" novalidate' in page  # the server validates
    for anchor in ("0 no pain", "10 worst pain imaginable"):
        assert anchor in page
    assert page.count('type="radio" name="pain"') == 11
    response = world.http("client_a").post(url, {"pain": "5", "time": timezone.localtime().strftime(TIME)})
    assert response["Location"] == "/"
    row = world.client_a.checkins.order_by("-created_at").first()
    stored = {name: getattr(row, name) for name in CHECKIN_FIELDS if name != "time"}
    assert stored == {**dict.fromkeys(stored), "pain": 5, "flare": False, "note": "", "red_flags": []}


def test_same_as_last_time_is_one_tap_and_copies_what_it_shows(world: World) -> None:
    last = _full_entry(world)
    url = reverse("checkin_new", args=[world.client_a.pk])
    http = world.http("client_a")
    page = text(http.get(url))
    assert "Saves now: pain 6, tiredness 7, slept 5.25 h, sleep quality 4, mood 3." in page
    before = timezone.now()
    response = http.post(url, {"same_as": str(last.pk)})
    assert response["Location"] == "/"
    row = world.client_a.checkins.order_by("-created_at").first()
    assert row.pk != last.pk and row.time >= before
    copied = {name: getattr(row, name) for name in CHECKIN_FIELDS if name != "time"}
    assert copied == {**dict.fromkeys(copied), "pain": 6, "fatigue": 7, "sleep_hours": 5.25,
                      "sleep_quality": 4, "mood": 3, "flare": False, "note": "",
                      "red_flags": []}  # fmt: skip
    assert last_event().action == "checkin_recorded"


def test_same_as_last_time_copies_only_the_clients_own_entry(world: World) -> None:
    other = services.checkin_record(actor=None, client=world.client_b, time=timezone.now(), pain=9)
    url = reverse("checkin_new", args=[world.client_a.pk])
    before = CheckIn.objects.count()
    assert world.http("client_a").post(url, {"same_as": str(other.pk)}).status_code == 404
    assert world.http("client_a").post(url, {"same_as": "x"}).status_code == 404
    assert CheckIn.objects.count() == before


def test_editing_an_entry_shows_every_stored_answer(world: World) -> None:
    entry = _full_entry(world)
    page = text(world.http("client_a").get(reverse("checkin_edit", args=[entry.pk])))
    assert "<details open>" in page and 'name="sleep_hours" value="5.25"' in page
    response = world.http("client_a").post(
        reverse("checkin_edit", args=[entry.pk]),
        {"pain": "4", "time": timezone.localtime(entry.time).strftime(TIME), "sleep_hours": "5.25"},
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert (entry.pain, entry.sleep_hours) == (4, 5.25)


def test_several_check_ins_a_day_and_a_late_entry(world: World) -> None:
    url = reverse("checkin_new", args=[world.client_a.pk])
    http = world.http("client_a")
    http.post(url, {"pain": "4", "time": "2026-01-05T08:00"})
    http.post(url, {"pain": "6", "time": "2026-01-05T20:00"})
    day = world.client_a.checkins.filter(time__date="2026-01-05").order_by("time")
    assert [c.pain for c in day] == [4, 6]
    # entered in the client's zone (Europe/Stockholm, UTC+1 in January), stored in UTC
    assert day[0].time.hour == 7


def test_check_in_refuses_the_future_and_out_of_range_values(world: World) -> None:
    url = reverse("checkin_new", args=[world.client_a.pk])
    later = (timezone.localtime() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    before = CheckIn.objects.count()
    response = world.http("client_a").post(url, {"pain": "4", "time": later})
    assert "in the future" in text(response)
    response = world.http("client_a").post(
        url, {"pain": "11", "time": "2026-01-05T08:00", "sleep_hours": "30"}
    )
    assert response.status_code == 200 and "errorlist" in text(response)
    assert CheckIn.objects.count() == before


def test_history_edit_and_delete(world: World) -> None:
    http = world.http("client_a")
    assert "Change" in text(http.get(reverse("checkin_list", args=[world.client_a.pk])))
    http.post(reverse("checkin_edit", args=[world.checkin.pk]), {"pain": "2", "time": "2026-01-05T08:00"})
    world.checkin.refresh_from_db()
    assert world.checkin.pain == 2
    assert "Delete this check-in?" in text(http.get(reverse("checkin_delete", args=[world.checkin.pk])))
    http.post(reverse("checkin_delete", args=[world.checkin.pk]))
    assert not CheckIn.objects.filter(pk=world.checkin.pk).exists()


def test_the_therapist_sees_the_diary_without_change_links(world: World) -> None:
    page = text(world.http("therapist_linked").get(reverse("checkin_list", args=[world.client_a.pk])))
    assert '<td data-label="Pain">5</td>' in page and "Change" not in page


# --- follow-ups --------------------------------------------------------------------------------


def client_zone(client: Client) -> Any:
    from zoneinfo import ZoneInfo

    return ZoneInfo(client.timezone)


# --- sessions ----------------------------------------------------------------------------------


def test_the_client_logs_a_session_with_ratings(world: World) -> None:
    data = {"start": "2026-01-05T10:00", "pressure": "2", "minutes": "45", "technique": ["swedish"],
            "regions": ["upper_back", "neck"], "pain_before": "6", "pain_after": "4",
            "adverse": ["soreness"]}  # fmt: skip
    world.http("client_a").post(reverse("session_new", args=[world.client_a.pk]), data)
    session = MassageSession.objects.get(client=world.client_a, start__date="2026-01-05")
    assert (session.pain_before, session.pain_after, session.regions, session.therapist) == (
        6, 4, ["upper_back", "neck"], None,
    )  # fmt: skip


def test_the_therapist_logs_and_the_client_rates(world: World) -> None:
    url = reverse("session_new", args=[world.client_a.pk])
    page = text(world.http("therapist_linked").get(url))
    assert '<h2 id="rec">Next session</h2>' in page and 'name="pain_before"' not in page
    data = {"start": "2026-01-05T10:00", "pressure": "3", "minutes": "50",
            "technique": ["myofascial_release"], "regions": ["lower_back"],
            "note": "slow strokes"}  # fmt: skip
    world.http("therapist_linked").post(url, data)
    session = MassageSession.objects.get(client=world.client_a, start__date="2026-01-05")
    assert session.therapist == world.therapist_linked and session.pain_before is None
    rating = text(world.http("client_a").get(reverse("session_edit", args=[session.pk])))
    assert 'name="pain_before"' in rating and 'name="pressure"' not in rating
    world.http("client_a").post(
        reverse("session_edit", args=[session.pk]), {"pain_before": "6", "pain_after": "3"}
    )
    session.refresh_from_db()
    assert (session.pain_before, session.pain_after, session.pressure, session.note) == (
        6,
        3,
        3,
        "slow strokes",
    )


def test_the_therapist_corrects_their_session_but_not_the_clients_ratings(world: World) -> None:
    session = world.therapist_session
    services.session_update(actor=None, session=session, pain_before=7, pain_after=5)
    http = world.http("therapist_linked")
    form = text(http.get(reverse("session_edit", args=[session.pk])))
    assert 'name="pressure"' in form and 'name="pain_before"' not in form
    data = {"start": "2026-01-05T10:00", "pressure": "1", "minutes": "30", "technique": ["swedish"]}
    assert http.post(reverse("session_edit", args=[session.pk]), data).status_code == 302
    session.refresh_from_db()
    assert (session.pressure, session.pain_before, session.pain_after) == (1, 7, 5)
    listing = text(http.get(reverse("session_list", args=[world.client_a.pk])))
    assert listing.count(">Correct<") == 1  # only the session this therapist logged


def test_a_session_with_bad_values_is_refused_with_field_errors(world: World) -> None:
    data = {"start": "2026-01-05T10:00", "pressure": "6", "minutes": "0", "technique": ["tickling"]}
    response = world.http("client_a").post(reverse("session_new", args=[world.client_a.pk]), data)
    assert response.status_code == 200 and text(response).count("errorlist") >= 3
    assert not MassageSession.objects.filter(start__date="2026-01-05").exists()


def test_session_list_and_delete(world: World) -> None:
    page = text(world.http("client_a").get(reverse("session_list", args=[world.client_a.pk])))
    assert "Rate" in page and "Tove" in page
    world.http("client_a").post(reverse("session_delete", args=[world.own_session.pk]))
    assert not MassageSession.objects.filter(pk=world.own_session.pk).exists()


# --- intake ------------------------------------------------------------------------------------


def test_intake_has_the_body_map_and_a_keyboard_fallback(world: World) -> None:
    page = text(world.http("client_a").get(reverse("intake", args=[world.client_a.pk])))
    assert len(re.findall(r'data-area="(\w+)"', page)) == len(AREAS) == 19
    for area in AREAS:
        assert f'name="wpi_regions" value="{area}"' in page
    assert page.count('name="fiqr_') == 21 * 11
    assert "bodymap.js" in page


def test_intake_lists_the_tz_databases_zones_without_the_deprecated_aliases(world: World) -> None:
    url = reverse("intake", args=[world.client_a.pk])
    page = text(world.http("client_a").get(url))
    zones = re.findall(r'<option value="([^"]+)"', page.split('name="timezone"')[1].split("</select>")[0])
    # zone.tab of the tz database: about 420 zones (available_timezones() has ~600 with the aliases)
    assert 380 <= len(zones) <= 460, len(zones)
    assert {"Europe/Stockholm", "America/New_York", "Europe/Kyiv", "UTC"} <= set(zones)
    assert not {"US/Eastern", "Etc/GMT+5", "Europe/Kiev", "GB"} & set(zones)
    # A client who saved an alias earlier keeps it and can save the intake again.
    Client.objects.filter(pk=world.client_a.pk).update(timezone="US/Eastern")
    page = text(world.http("client_a").get(url))
    assert re.search(r'<option value="US/Eastern" selected>', page)
    response = world.http("client_a").post(url, {"timezone": "US/Eastern"})
    assert response.status_code == 302
    assert Client.objects.get(pk=world.client_a.pk).timezone == "US/Eastern"


def test_intake_saves_acr_answers_and_pressures(world: World) -> None:
    data = {"timezone": "Europe/Oslo", "conditions": ["fibromyalgia"], "wpi_regions": ["neck", "hip_left"],
            "fatigue": "2", "waking_unrefreshed": "3", "cognitive": "1", "headaches": "1",
            "lower_abdominal_pain": "0", "depression": "0", "symptoms_3_months": "yes",
            "preferred_pressure": "2", "max_pressure": "3", "avoid_regions": ["neck"], "goals": "sleep",
            "fiqr_1": "5", "sensitivity": "high"}  # fmt: skip
    response = world.http("client_a").post(reverse("intake", args=[world.client_a.pk]), data)
    assert response.status_code == 302
    client = Client.objects.get(pk=world.client_a.pk)
    assert (
        client.acr2016["wpi_regions"] == ["neck", "hip_left"] and client.acr2016["symptoms_3_months"] is True
    )
    assert (client.timezone, client.max_pressure, client.avoid_regions, client.intake_done) == (
        "Europe/Oslo", 3, ["neck"], True,
    )  # fmt: skip
    assert client.fiqr[0] == 5 and client.fiqr[1] is None
    profile = convert.profile_of_row(client)
    assert profile.acr2016 is not None and profile.acr2016.fatigue == 2
    assert profile.sensitivity == "high"
    again = text(world.http("client_a").get(reverse("intake", args=[client.pk])))
    assert re.search(r'value="hip_left"[^>]*checked', again)


# --- sharing -----------------------------------------------------------------------------------


def test_share_with_a_one_time_code_then_revoke(world: World) -> None:
    page = text(world.http("client_b").post(reverse("sharing", args=[world.client_b.pk])))
    code = re.search(r'class="code"[^>]*>([A-Z0-9]{4}-[A-Z0-9]{4})<', page).group(1)
    assert code not in str(ShareCode.objects.values_list("code_hash", flat=True))  # only the hash is stored
    http = world.http("therapist_stranger")
    response = http.post(reverse("link_client"), {"code": code.lower()})
    assert response["Location"] == reverse("dashboard", args=[world.client_b.pk])
    assert http.get(response["Location"]).status_code == 200
    again = world.http("therapist_linked").post(reverse("link_client"), {"code": code})
    assert "does not work" in text(again)  # one-time
    sharing = text(world.http("client_b").get(reverse("sharing", args=[world.client_b.pk])))
    assert "Sam" in sharing and "Remove access" in sharing
    share = Share.objects.get(client=world.client_b, revoked_at__isnull=True)
    world.http("client_b").post(reverse("share_revoke", args=[world.client_b.pk, share.pk]))
    assert http.get(reverse("dashboard", args=[world.client_b.pk])).status_code == 404


def test_an_expired_code_does_not_work(world: World) -> None:
    code = services.share_code_create(actor=None, client=world.client_b)
    ShareCode.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    response = world.http("therapist_stranger").post(reverse("link_client"), {"code": code})
    assert "does not work" in text(response)
    assert not Share.objects.filter(client=world.client_b).exists()


def test_a_new_code_replaces_the_old_one(world: World) -> None:
    old = services.share_code_create(actor=None, client=world.client_b)
    services.share_code_create(actor=None, client=world.client_b)
    with pytest.raises(services.ShareCodeInvalid):
        services.share_code_redeem(actor=None, therapist=world.therapist_stranger, code=old)


def test_a_client_cannot_revoke_someone_elses_share(world: World) -> None:
    world.http("client_b").post(reverse("share_revoke", args=[world.client_b.pk, world.share.pk]))
    world.share.refresh_from_db()
    assert world.share.revoked_at is None


# --- dashboards ----------------------------------------------------------------------------------


def fill_diary(client: Client, days: int = 21) -> None:
    now = timezone.now()
    for d in range(days):
        services.checkin_record(
            actor=None, client=client, time=now - timedelta(days=d, hours=1), pain=5 + d % 3
        )


def test_the_dashboard_puts_the_verdict_first_then_charts_with_text(world: World) -> None:
    fill_diary(world.client_a)
    page = text(world.http("client_a").get(reverse("dashboard", args=[world.client_a.pk])))
    verdict_at, chart_at = page.index('id="verdict"'), page.index("<figure")
    assert verdict_at < chart_at
    assert "not medical advice" in page
    assert page.count("<svg") >= 1 and page.count("<figcaption>") == page.count("<figure")
    assert "Pain over time" in page


def test_the_dashboard_shows_times_in_the_clients_zone(world: World) -> None:
    client = make_client("zed", tz="Pacific/Auckland")
    start = timezone.now().replace(hour=22, minute=0, second=0, microsecond=0) - timedelta(days=2)
    services.session_record(
        actor=None, client=client, start=start, pressure=2, minutes=30, technique=["swedish"]
    )
    http = HttpClient()
    http.force_login(client.user)
    page = text(http.get(reverse("session_list", args=[client.pk])))
    local = timezone.localtime(start, client_zone(client))
    assert local.strftime("%H:%M") in page and local.hour != 22


def test_the_therapist_list_flags_a_flare_and_follow_ups_due(world: World) -> None:
    services.session_record(  # its 24 h follow-up opened an hour ago (the world's check-in is older)
        actor=None, client=world.client_a, start=timezone.now() - timedelta(hours=19), pressure=2, minutes=30,
        technique=["swedish"],
    )  # fmt: skip
    services.session_record(
        actor=None, client=world.client_a, therapist=world.therapist_linked,
        start=timezone.now() - timedelta(hours=2), pressure=4, minutes=60, technique=["deep_tissue"],
        adverse=["flare"],
    )  # fmt: skip
    page = text(world.http("therapist_linked").get(reverse("therapist_home")))
    assert FLAG_WORDS["flare_after_last"] in page
    assert "1 follow-up due" in page  # open and unanswered; the closed ones of older sessions are not "due"
    assert TIER_HEADINGS["harm"] in page  # the flare puts the client under "more pain or a flare"
    assert "Still gathering data" in page
    assert reverse("dashboard", args=[world.client_a.pk]) in page


def test_the_therapist_dashboard_offers_logging_and_the_recommendation(world: World) -> None:
    page = text(world.http("therapist_linked").get(reverse("dashboard", args=[world.client_a.pk])))
    assert '<h2 id="verdict">' in page and "Next session:" in page
    assert "Log a session for this client" in page


def test_the_therapist_sees_what_the_client_said_in_the_intake(world: World) -> None:
    services.client_intake_save(
        actor=None, client=world.client_a, timezone="Europe/Stockholm", conditions=["fibromyalgia"],
        max_pressure=3, avoid_regions=["neck"], personal_factors="Pacemaker", goals="Sleep better",
    )  # fmt: skip
    page = text(world.http("therapist_linked").get(reverse("dashboard", args=[world.client_a.pk])))
    for shown in ("About this client", "Fibromyalgia", "Neck", "Pacemaker", "Sleep better", "anna: results"):
        assert shown in page


def test_the_questionnaire_scores_are_shown_as_the_instruments_score_them(world: World) -> None:
    from touchdose.instruments import score_profile

    areas = ["neck", "upper_back", "hip_left", "hip_right", "upper_arm_left", "lower_back", "chest"]
    acr = {"wpi_regions": areas, "fatigue": 2, "waking_unrefreshed": 2, "cognitive": 1, "headaches": 1,
           "lower_abdominal_pain": 0, "depression": 1, "symptoms_3_months": True}  # fmt: skip
    services.client_intake_save(actor=None, client=world.client_a, acr2016=acr, fiqr=[5] * 21)
    scores = score_profile(convert.profile_of_row(world.client_a)).to_dict()
    page = text(world.http("therapist_linked").get(reverse("dashboard", args=[world.client_a.pk])))
    a = scores["acr2016"]
    assert f"pain in {a['wpi']} of 19 areas, symptom score {a['sss']} of 12" in page
    assert f"severity {a['severity']} of 31" in page
    assert f"{scores['fiqr']['total']:.1f} of 100" in page
    assert "Change these answers" not in page


def test_the_client_sees_who_looked_in_plain_words(world: World) -> None:
    world.http("therapist_linked").get(reverse("dashboard", args=[world.client_a.pk]))
    page = text(world.http("client_a").get(reverse("audit_log", args=[world.client_a.pk])))
    # the therapist by the name their clients know them by (display name "Tove", username "tove")
    row = r'<td data-label="Who">{}</td>\s*<td data-label="What">{}</td>'
    assert re.search(row.format("Tove", "looked at the results"), page)
    assert re.search(row.format("you", "added a check-in"), page)
    # every action has its own words (Django's TextChoices would otherwise make "Dashboard Viewed")
    untold = [a.value for a in Action if a.label == a.name.replace("_", " ").title()]
    assert untold == []


def test_pages_without_a_role_and_the_admin(db: Any) -> None:
    staff = User.objects.create_superuser("root", "root@example.org", PASSWORD)
    http = HttpClient()
    http.force_login(staff)
    assert "Open the admin" in text(http.get("/"))
    assert http.get("/admin/touchdose/auditevent/").status_code == 200


def test_the_audit_page_folds_repeats_and_pages_the_rest(world: World) -> None:
    http = world.http("therapist_linked")
    for _ in range(3):
        http.get(reverse("dashboard", args=[world.client_a.pk]))
    client = world.http("client_a")
    page = text(client.get(reverse("audit_log", args=[world.client_a.pk])))
    assert re.search(r'<td data-label="What">looked at the results \(3 times\)</td>', page)
    for _ in range(60):  # alternate, so nothing folds: 120 lines, 50 a page
        http.get(reverse("checkin_list", args=[world.client_a.pk]))
        http.get(reverse("session_list", args=[world.client_a.pk]))
    first = text(client.get(reverse("audit_log", args=[world.client_a.pk])))
    assert first.count('<td data-label="Who">') == 50 and "Page 1 of 3" in first and "?page=2" in first
    last = text(client.get(reverse("audit_log", args=[world.client_a.pk]), {"page": "99"}))
    assert "Page 3 of 3" in last and "added a check-in" in last and "(3 times)" in last
