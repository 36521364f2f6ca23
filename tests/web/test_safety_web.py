"""Issue 17, the web half: contraindications at intake and red flags at check-in are stored, reach
the engine (``verdict.safety``, the plan capped or stopped) and are shown first (docs/safety.md)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from tests.web.conftest import World

from touchdose.analysis.safety_rules import CONTRAINDICATION_RULES, RED_FLAG_RULES
from touchdose.records import (
    CONTRAINDICATION_LABELS,
    CONTRAINDICATIONS,
    RED_FLAG_LABELS,
    RED_FLAGS,
    RecordError,
)
from touchdose.web import convert, selectors, services


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
