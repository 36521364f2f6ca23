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

from touchdose.analysis.comparison import DIARY_OUTCOMES
from touchdose.analysis.engine import analyze_client
from touchdose.analysis.verdict import outcome_finding
from touchdose.analysis.wording import outcome_meaning
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


def test_the_dashboard_shows_the_engines_headline_action_plan_and_reasons(
    world: World, simulated: ClientFile
) -> None:
    expected = analyze_client(selectors.client_file_for(world.client_b))
    page = world.http("client_b").get(reverse("dashboard", args=[world.client_b.pk])).content.decode()
    verdict, plan = expected.verdict, expected.plan
    assert verdict.headline and verdict.action and verdict.reasons
    # one sentence and one action first, then the plan, the reasons one tap away ("Why?")
    headline = page.index(f'<h2 id="verdict">{escape(verdict.headline)}</h2>')
    action = page.index(escape(verdict.action))
    assert headline < action < page.index(f"<strong>Pressure {plan.pressure} (") < page.index("<summary>Why?")
    why = page[page.index("<summary>Why?"):page.index("</details>", page.index("<summary>Why?"))]
    for reason in (*verdict.reasons, *plan.why):
        assert escape(reason) in why
    assert page.index("<summary>Why?") < page.index('id="outcomes"') < page.index("<figure")
    assert page.count("<figure") == 3  # pain over time, each session, pressure vs aggravation
    words = re.sub(r"<[^>]+>", " ", page)
    for bad in (r"\bNone\b", r"\b0 of 0\b", r"(?<![\d.])1 (points|sessions|days)\b"):
        assert not re.search(bad, words), re.search(bad, words)


def test_the_outcomes_are_one_table_with_the_engines_meaning(world: World, simulated: ClientFile) -> None:
    expected = analyze_client(selectors.client_file_for(world.client_b)).comparison
    page = world.http("client_b").get(reverse("dashboard", args=[world.client_b.pk])).content.decode()
    table = page[page.index('id="outcomes"'):page.index("</table>", page.index('id="outcomes"'))]
    assert expected is not None
    for name, found in expected.results.items():
        meaning = outcome_meaning(name, outcome_finding(found))
        label = DIARY_OUTCOMES[name].label.capitalize()
        row = re.search(rf'<th scope="row">{label}</th>(.*?)</tr>', table, re.S)
        assert row and escape(meaning) in row.group(1)
        if not found.refused:
            lo, hi = found.ci95
            assert f"{round(lo, 1) + 0.0:+.1f} to {round(hi, 1) + 0.0:+.1f}" in row.group(1)


def test_the_therapist_sees_the_recommended_pressure_with_its_reasons(
    world: World, simulated: ClientFile
) -> None:
    plan = analyze_client(selectors.client_file_for(world.client_b)).to_dict()["plan"]
    page = (
        world.http("therapist_stranger")
        .get(reverse("session_new", args=[world.client_b.pk]))
        .content.decode()
    )
    assert f"<strong>Pressure {plan['pressure']} (" in page
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
