"""Issue 17, the web half: contraindications at intake and red flags at check-in are stored, reach
the engine (``verdict.safety``, the plan capped or stopped) and are shown first (docs/safety.md)."""

from __future__ import annotations

import re
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from tests.web.conftest import World, last_event

from touchdose.analysis.engine import analyze_client
from touchdose.analysis.safety_rules import CONTRAINDICATION_RULES, RED_FLAG_RULES
from touchdose.io import export_text
from touchdose.records import (
    CONTRAINDICATION_LABELS,
    CONTRAINDICATIONS,
    RED_FLAG_LABELS,
    RED_FLAGS,
    ClientFile,
    RecordError,
)
from touchdose.records import CheckIn as RecordCheckIn
from touchdose.web import convert, selectors, services
from touchdose.web.views.data import encode_carried


@pytest.mark.parametrize("code", CONTRAINDICATIONS)
def test_each_contraindication_ticked_at_intake_reaches_the_engine(world: World, code: str) -> None:
    client = world.client_b
    before = selectors.client_analysis(actor=client.user, client=client).analysis
    assert before.verdict is not None and before.verdict.safety is not None
    assert before.verdict.safety.level is None  # nothing found without it

    http = world.http("client_b")
    page = http.get(reverse("intake", args=[client.pk])).content.decode()
    assert escape(CONTRAINDICATION_LABELS[code]) in page and f'value="{code}"' in page
    answers = {"timezone": "Europe/Stockholm", "contraindications": [code]}
    assert http.post(reverse("intake", args=[client.pk]), answers)["Location"] == "/"

    client.refresh_from_db()
    assert client.contraindications == [code]
    assert convert.profile_of_row(client).contraindications == (code,)
    analysis = selectors.client_analysis(actor=client.user, client=client).analysis
    rule = CONTRAINDICATION_RULES[code]
    safety, plan = analysis.verdict.safety, analysis.plan  # type: ignore[union-attr]
    assert safety is not None and plan is not None
    assert (safety.level, safety.contraindications, safety.stop) == (rule.level, (code,), rule.stop)
    assert rule.why in safety.why
    assert safety.max_pressure == rule.max_pressure
    assert plan.stop is rule.stop
    if rule.stop:
        assert plan.pressure is None
    elif rule.max_pressure is not None:
        assert plan.pressure is not None and plan.pressure <= rule.max_pressure
    assert set(rule.avoid_regions) <= set(plan.avoid_regions)


def test_an_unknown_contraindication_is_refused_naming_the_field_and_nothing_is_saved(world: World) -> None:
    client = world.client_b
    expected = r"client: contraindications = 'gout' is not allowed \(allowed: one of blood_thinners, "
    with pytest.raises(RecordError, match=expected):
        services.client_intake_save(
            actor=client.user, client=client, contraindications=["osteoporosis", "gout"]
        )
    client.refresh_from_db()
    assert client.contraindications == [] and not client.intake_done


@pytest.mark.parametrize("flag", RED_FLAGS)
def test_each_red_flag_in_a_check_in_gives_its_level_and_stops_the_plan(world: World, flag: str) -> None:
    client = world.client_b
    row = services.checkin_record(
        actor=client.user, client=client, time=timezone.now() - timedelta(minutes=5), pain=4, red_flags=[flag]
    )
    row.refresh_from_db()
    assert row.red_flags == [flag]
    assert convert.checkin_of_row(row).red_flags == (flag,)
    analysis = selectors.client_analysis(actor=client.user, client=client).analysis
    safety, plan = analysis.verdict.safety, analysis.plan  # type: ignore[union-attr]
    assert safety is not None and plan is not None
    assert (safety.level, safety.red_flags, safety.stop) == (RED_FLAG_RULES[flag].level, (flag,), True)
    assert plan.stop and plan.pressure is None


def test_an_unknown_red_flag_is_refused_and_no_check_in_is_saved(world: World) -> None:
    client = world.client_b
    with pytest.raises(RecordError, match=r"checkin: red_flags = 'hiccups' is not allowed"):
        services.checkin_record(actor=client.user, client=client, time=timezone.now(), pain=4,
                                red_flags=["hiccups"])  # fmt: skip
    assert not client.checkins.exists()


def test_the_intake_keeps_the_ticked_contraindications_and_unticking_removes_them(world: World) -> None:
    client, http = world.client_b, world.http("client_b")
    url = reverse("intake", args=[client.pk])
    http.post(url, {"timezone": "UTC", "contraindications": ["blood_thinners", "pregnancy"]})
    page = http.get(url).content.decode()
    for code in CONTRAINDICATIONS:  # the stored answers come back ticked, the others not
        box = rf'<input type="checkbox" name="contraindications" value="{code}"[^>]* checked>'
        ticked = re.search(box, page)
        assert bool(ticked) is (code in ("blood_thinners", "pregnancy")), code
    http.post(url, {"timezone": "UTC"})  # all unticked: it is over
    client.refresh_from_db()
    assert client.contraindications == []
    verdict = selectors.client_analysis(actor=client.user, client=client).analysis.verdict
    assert verdict is not None and verdict.safety is not None and verdict.safety.level is None


def test_the_check_in_asks_the_optional_question_and_saves_the_ticked_flags(world: World) -> None:
    client, http = world.client_b, world.http("client_b")
    url = reverse("checkin_new", args=[client.pk])
    page = http.get(url).content.decode()
    assert "Anything new or unusual? (optional)</summary>" in page
    assert '<details class="new-or-unusual">' in page  # closed: not in the way of a pain-only entry
    for flag in RED_FLAGS:
        assert escape(RED_FLAG_LABELS[flag]) in page and f'value="{flag}"' in page
    when = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    answers = {"pain": "4", "time": when, "red_flags": ["weight_loss", "unusual_bruising"]}
    assert http.post(url, answers)["Location"] == "/"
    row = client.checkins.get()
    assert row.red_flags == ["weight_loss", "unusual_bruising"]
    edit = http.get(reverse("checkin_edit", args=[row.pk])).content.decode()
    assert '<details class="new-or-unusual" open>' in edit  # what was stored is never hidden


def test_same_as_last_time_never_copies_a_red_flag(world: World) -> None:
    client, http = world.client_b, world.http("client_b")
    source = services.checkin_record(actor=client.user, client=client, pain=5, red_flags=["weight_loss"],
                                     time=timezone.now() - timedelta(hours=3))  # fmt: skip
    assert http.post(reverse("checkin_new", args=[client.pk]), {"same_as": str(source.pk)}).status_code == 302
    copy = client.checkins.exclude(pk=source.pk).get()
    assert (copy.pain, copy.red_flags) == (5, [])


def test_a_red_flag_that_is_not_on_the_list_is_a_field_error(world: World) -> None:
    client, http = world.client_b, world.http("client_b")
    when = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    response = http.post(reverse("checkin_new", args=[client.pk]), {"pain": "4", "time": when,
                                                                    "red_flags": ["hiccups"]})  # fmt: skip
    assert response.status_code == 200
    assert "Select a valid choice. hiccups is not one of the available choices." in response.content.decode()
    assert '<details class="new-or-unusual" open>' in response.content.decode()
    assert not client.checkins.exists()


def test_the_follow_up_asks_the_same_question_and_its_flag_stops_the_plan(world: World) -> None:
    client = world.client_a
    session = services.session_record(
        actor=None, client=client, therapist=world.therapist_linked, pressure=2, minutes=30,
        start=timezone.now() - timedelta(hours=20), technique=["swedish"],
    )  # fmt: skip
    http = world.http("client_a")
    url = reverse("followup", args=[session.pk, 24])
    assert "Anything new or unusual? (optional)</summary>" in http.get(url).content.decode()
    assert http.post(url, {"pain": "6", "red_flags": ["numbness_weakness"]})["Location"] == "/"
    assert [c.red_flags for c in client.checkins.all() if c.red_flags] == [["numbness_weakness"]]
    analysis = selectors.client_analysis(actor=client.user, client=client).analysis
    assert analysis.verdict.safety.red_flags == ("numbness_weakness",)  # type: ignore[union-attr]
    assert analysis.plan is not None and analysis.plan.stop


# --- one red flag, four ways in: the same verdict.safety and a stopped plan -----------------------

#: One emergency and one see-the-doctor flag in the same entry (a CSV list joined by ";").
FLAGS = ("numbness_weakness", "chest_pain_breathless")


def _enter(way: str, world: World, entry: RecordCheckIn) -> None:
    client, http = world.client_b, world.http("client_b")
    local = entry.time.astimezone(ZoneInfo(client.timezone))
    if way == "api":
        token = services.api_token_create(actor=client.user, name="t")[1]
        body = {"time": entry.time.isoformat(), "pain": entry.pain, "red_flags": list(entry.red_flags)}
        api = HttpClient(headers={"authorization": f"Bearer {token}"})
        response = api.post(f"/api/v1/clients/{client.pk}/checkins", body, content_type="application/json")
        assert response.status_code == 201, response.content
    elif way == "form":
        answers = {"pain": str(entry.pain), "time": local.strftime("%Y-%m-%dT%H:%M"),
                   "red_flags": list(entry.red_flags)}  # fmt: skip
        assert http.post(reverse("checkin_new", args=[client.pk]), answers).status_code == 302
    else:  # a file the way touchdose writes it, uploaded, previewed and saved (FHIR: a JSON Bundle)
        text = export_text(ClientFile(convert.profile_of_row(client), checkins=(entry,)), way)
        kind = "json" if way == "fhir" else way
        upload = SimpleUploadedFile(f"diary.{kind}", text.encode())
        preview = http.post(reverse("data_import", args=[client.pk]), {"file": upload, "timezone": "UTC"})
        assert preview.status_code == 200, preview.content.decode()[:500]
        save = {"kind": kind, "timezone": "UTC", "data": encode_carried(text)}
        assert http.post(reverse("data_import_confirm", args=[client.pk]), save).status_code == 302


@pytest.mark.parametrize("way", ["api", "form", "csv", "json", "fhir"])
def test_a_red_flag_entered_any_way_gives_the_same_safety_and_stops_the_plan(world: World, way: str) -> None:
    client = world.client_b
    when = timezone.now().replace(second=0, microsecond=0) - timedelta(minutes=30)
    entry = RecordCheckIn(time=when, pain=6, red_flags=FLAGS)
    # what the engine says about that one entry, computed from the record itself (not typed in)
    expected = analyze_client(ClientFile(convert.profile_of_row(client), checkins=(entry,)))
    assert expected.verdict is not None and expected.verdict.safety is not None

    _enter(way, world, entry)

    assert [(c.time, c.red_flags) for c in client.checkins.all()] == [(when, list(FLAGS))]
    analysis = selectors.client_analysis(actor=client.user, client=client).analysis
    assert analysis.verdict is not None and analysis.verdict.safety is not None
    assert analysis.verdict.safety.to_dict() == expected.verdict.safety.to_dict()
    assert analysis.verdict.safety.level == "emergency" and analysis.verdict.safety.red_flags == FLAGS
    assert analysis.plan is not None and analysis.plan.stop and analysis.plan.pressure is None
    assert analysis.plan.why[0] == expected.verdict.safety.stop_why[0]  # the reason first


# --- where it is shown: first on the client's home and results, a flag in the therapist's list ---


def _flag(world: World, flag: str = "weight_loss") -> None:
    client = world.client_a
    services.checkin_record(actor=client.user, client=client, time=timezone.now() - timedelta(minutes=1),
                            pain=5, red_flags=[flag])  # fmt: skip


def test_the_clients_home_shows_the_safety_message_first_and_audits_the_look(world: World) -> None:
    http = world.http("client_a")
    assert 'class="card safety' not in http.get(reverse("home")).content.decode()  # nothing found yet
    _flag(world)
    page = http.get(reverse("home")).content.decode()
    assert last_event().action == "dashboard_viewed" and last_event().actor == world.users["client_a"]
    main = page[page.index("<main"):]
    safety = main.index('<section class="card safety safety-see_doctor" role="alert"')
    assert safety < main.index("<h1>") < main.index("Check in now")
    assert "<h2 id=\"safety-headline\">Contact your doctor today.</h2>" in main
    assert escape(RED_FLAG_RULES["weight_loss"].action) in main  # whom to contact and how urgently
    assert "No massage until this is sorted out." in main


@pytest.mark.parametrize("persona", ["client_a", "therapist_linked"])
def test_the_results_page_shows_the_safety_message_above_the_headline(world: World, persona: str) -> None:
    _flag(world, "chest_pain_breathless")
    page = world.http(persona).get(reverse("dashboard", args=[world.client_a.pk])).content.decode()
    safety = page.index('<section class="card safety safety-emergency" role="alert"')
    assert safety < page.index('<h2 id="verdict">')
    assert "Get help now: call emergency services." in page
    shared_note = "A therapist you share your records with sees this message too."
    assert (shared_note in page) is (persona == "client_a")


def test_the_therapists_list_flags_the_client_with_what_was_found(world: World) -> None:
    http = world.http("therapist_linked")
    assert "safety-flag" not in http.get(reverse("therapist_home")).content.decode()
    _flag(world)
    services.client_intake_save(actor=None, client=world.client_a, contraindications=["osteoporosis"])
    page = http.get(reverse("therapist_home")).content.decode()
    flag = re.search(r'<span class="flag bad safety-flag safety-see_doctor">([^<]*)</span>', page)
    assert flag is not None
    assert flag.group(1) == (f"See a doctor today: {escape(RED_FLAG_LABELS['weight_loss'])}; "
                             f"{escape(CONTRAINDICATION_LABELS['osteoporosis'])}")  # fmt: skip
    group = page[page.index('id="tier-safety"'):]
    assert group.index(world.client_a.name) < group.index("</section>")  # in the "safety first" group


def test_a_caution_alone_is_flagged_but_does_not_stop_massage(world: World) -> None:
    services.client_intake_save(actor=None, client=world.client_a, contraindications=["blood_thinners"])
    page = world.http("therapist_linked").get(reverse("therapist_home")).content.decode()
    words = CONTRAINDICATION_LABELS["blood_thinners"]
    assert f'<span class="flag warn safety-flag safety-caution">Caution: {words}</span>' in page
    assert 'id="tier-safety"' not in page
    home = world.http("client_a").get(reverse("home")).content.decode()
    assert "Please read this before the next massage." in home and "No massage until" not in home


def test_the_therapist_reads_the_safety_checklist_about_the_client(world: World) -> None:
    services.client_intake_save(actor=None, client=world.client_a, contraindications=["pregnancy", "cancer"])
    page = world.http("therapist_linked").get(reverse("dashboard", args=[world.client_a.pk])).content.decode()
    about = page[page.index('id="about"'):]
    words = "; ".join(escape(CONTRAINDICATION_LABELS[c]) for c in ("pregnancy", "cancer"))
    assert f"<dt>Safety checklist</dt><dd>{words}</dd>" in about


@pytest.mark.parametrize("persona", ["client_a", "therapist_linked"])
def test_the_diary_shows_what_was_new_on_the_entry(world: World, persona: str) -> None:
    _flag(world, "swollen_calf")
    page = world.http(persona).get(reverse("checkin_list", args=[world.client_a.pk])).content.decode()
    assert page.count('<span class="flag bad">New: ') == 1
    assert f'<span class="flag bad">New: {escape(RED_FLAG_LABELS["swollen_calf"])}</span>' in page


def test_a_check_in_sent_from_the_offline_queue_keeps_its_red_flags(world: World) -> None:
    client = world.client_b
    made = timezone.now() - timedelta(hours=1)
    body = {"pain": "5", "made_at": made.isoformat(), "red_flags": ["fever_night_sweats", "weight_loss"]}
    response = world.http("client_b").post(reverse("checkin_queued", args=[client.pk]), body)
    assert response.status_code == 201, response.content
    assert client.checkins.get().red_flags == ["fever_night_sweats", "weight_loss"]
    verdict = selectors.client_analysis(actor=client.user, client=client).analysis.verdict
    assert verdict is not None and verdict.safety is not None and verdict.safety.level == "see_doctor"
