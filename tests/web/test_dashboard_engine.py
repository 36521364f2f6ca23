"""The bridge to the engine: records stored by the web come back as the same ClientFile, and the
dashboard shows the engine's own verdict, reasons and plan for them (computed here, not typed in)."""

from __future__ import annotations

import re
import warnings
from typing import Any

import pytest
from django.urls import reverse
from django.utils.html import escape
from tests.web.conftest import World

from touchdose.analysis.engine import analyze_client
from touchdose.analysis.verdict import VERDICT_LABELS
from touchdose.painmodel import simulate_clients
from touchdose.records import ClientFile
from touchdose.web import selectors, services
from touchdose.web.models import Share


@pytest.fixture
def simulated(world: World) -> ClientFile:
    """Client B gets four months of a simulated client whom massage helps, and shares with Sam."""
    cf = simulate_clients(1, seed=11, kind="helps", days=100, timezone="Europe/Stockholm").clients[0]
    services.client_file_import(actor=world.users["client_b"], client=world.client_b, cf=cf)
    Share.objects.create(client=world.client_b, therapist=world.therapist_stranger)
    return cf


def test_stored_records_come_back_unchanged(world: World, simulated: ClientFile) -> None:
    back = selectors.client_file_for(world.client_b)
    assert back.sessions == simulated.sessions
    assert back.checkins == simulated.checkins


def test_the_dashboard_shows_the_engines_verdict_and_reasons(world: World, simulated: ClientFile) -> None:
    expected = analyze_client(selectors.client_file_for(world.client_b)).to_dict()
    page = world.http("client_b").get(reverse("dashboard", args=[world.client_b.pk])).content.decode()
    verdict = expected["verdict"]
    assert verdict is not None and verdict["reasons"]
    assert escape(VERDICT_LABELS[verdict["state"]]) in page
    for reason in verdict["reasons"]:
        assert escape(reason) in page
    assert page.index(escape(VERDICT_LABELS[verdict["state"]])) < page.index("<figure")
    assert page.count("<figure") == 3  # pain over time, each session, pressure vs aggravation


def test_the_therapist_sees_the_recommended_pressure_with_its_reasons(
    world: World, simulated: ClientFile
) -> None:
    plan = analyze_client(selectors.client_file_for(world.client_b)).to_dict()["plan"]
    page = (
        world.http("therapist_stranger")
        .get(reverse("session_new", args=[world.client_b.pk]))
        .content.decode()
    )
    assert f"<strong>Pressure {plan['pressure']}</strong>" in page
    assert re.search(
        rf'name="pressure" value="{plan["pressure"]}"[^>]*checked', page
    )  # the form starts there
    for why in plan["why"]:
        assert escape(why) in page


def test_the_engines_warnings_are_shown_in_words(world: World, monkeypatch: Any) -> None:
    real = selectors.analyze_client

    def warning_engine(cf: ClientFile) -> Any:
        warnings.warn("Only 3 baseline days: at least 7 are needed.", UserWarning, stacklevel=1)
        return real(cf)

    monkeypatch.setattr(selectors, "analyze_client", warning_engine)
    page = world.http("client_a").get(reverse("dashboard", args=[world.client_a.pk])).content.decode()
    assert "Only 3 baseline days: at least 7 are needed." in page
