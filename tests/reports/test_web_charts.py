"""The results page's SVG charts (touchdose.reports.charts.web): the same pictures and words as
the matplotlib charts the PDF keeps, drawn from the data in a millisecond or two, with text that
stays legible on a 375 px phone and nothing a Content-Security-Policy would block."""

from __future__ import annotations

import dataclasses
import re
import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from tests.reports.test_charts import SVG_NS, T0, assert_inline_svg, diary, session

from touchdose.analysis.engine import analyze_client
from touchdose.analysis.response import session_responses
from touchdose.painmodel import simulate_clients
from touchdose.records import CheckIn, ClientFile, ClientProfile
from touchdose.reports.charts import pain_over_time, pressure_aggravation, session_changes, web_charts
from touchdose.reports.charts._svg import SMALL, WIDTH
from touchdose.reports.charts.web import (
    _date_ticks,
    pain_over_time_svg,
    pressure_aggravation_svg,
    session_changes_svg,
)

#: The chart column on a 375 px phone: the page's and the card's padding (1rem each side at the
#: phone's 17 px root size) and the card's border come off (app.css).
PHONE_COLUMN_PX = 375 - 4 * 17 - 2
MIN_TEXT_PX = 11


@pytest.fixture(scope="module")
def year() -> ClientFile:
    return simulate_clients(1, seed=3, kind="helps", days=365, timezone="Europe/Stockholm").clients[0]


def text_sizes(svg: str) -> list[float]:
    root = ET.fromstring(svg)
    return [float(t.get("font-size", "0")) for t in root.iter(f"{SVG_NS}text")]


def test_the_three_web_charts_say_what_the_pdf_charts_say(year: ClientFile) -> None:
    analysis = analyze_client(year)
    drawn = web_charts(year, analysis)
    risk = analysis.titration.risk_by_pressure if analysis.titration else None
    target = analysis.titration.target if analysis.titration else None
    expected = [
        pain_over_time(year),
        session_changes(analysis.sessions, timezone=year.client.timezone),
        pressure_aggravation(analysis.sessions, risk_by_pressure=risk, target=target),
    ]
    assert [(c.title, c.alt) for c in drawn] == [(c.title, c.alt) for c in expected]
    for chart in drawn:
        assert_inline_svg(chart)


def test_a_years_charts_are_small_and_always_the_same_bytes(year: ClientFile) -> None:
    analysis = analyze_client(year)
    first, again = web_charts(year, analysis), web_charts(year, analysis)
    assert [c.svg for c in first] == [c.svg for c in again]
    assert all(len(c.svg) < 20_000 for c in first), [len(c.svg) for c in first]


def test_text_is_at_least_11_px_on_a_375_px_phone(year: ClientFile) -> None:
    scale = PHONE_COLUMN_PX / WIDTH  # the chart fills the column: CSS px per user unit
    for chart in web_charts(year, analyze_client(year)):
        sizes = text_sizes(chart.svg)
        assert sizes and min(sizes) >= SMALL, chart.title
        assert min(sizes) * scale >= MIN_TEXT_PX, (chart.title, min(sizes) * scale)


def test_no_style_attribute_or_element_for_the_content_security_policy(year: ClientFile) -> None:
    for chart in web_charts(year, analyze_client(year)):
        assert "style=" not in chart.svg and "<style" not in chart.svg
        assert "<script" not in chart.svg and "href" not in chart.svg


def test_every_session_is_a_line_on_the_pain_chart_and_a_dot_on_the_pressure_strip() -> None:
    cf = diary([6, 6, 5, 7, 4, 5, 6, 5], sessions=(session(2, 2), session(5, 4)))
    root = assert_inline_svg(pain_over_time_svg(cf))
    (lines,) = [e.get("d", "") for e in root.iter(f"{SVG_NS}path") if e.get("stroke") == "#E69F00"]
    (dots,) = [e.get("d", "") for e in root.iter(f"{SVG_NS}path") if e.get("fill") == "#E69F00"]
    assert lines.count("M") == 2 and lines.count("V") == 2  # one vertical line per session
    assert dots.count("M") == 2  # one pressure dot per session


def test_a_gap_in_the_diary_is_a_gap_in_the_line() -> None:
    checkins = tuple(CheckIn(time=T0 + timedelta(days=d), pain=5) for d in (0, 1, 2, 6, 7))
    root = ET.fromstring(pain_over_time_svg(ClientFile(ClientProfile(id="c"), checkins=checkins)).svg)
    assert len(list(root.iter(f"{SVG_NS}polyline"))) == 2


def test_each_sessions_four_moments_are_drawn_and_a_missing_one_is_left_out() -> None:
    r = {"start": "2026-02-03T09:00:00+00:00", "pressure": 2, "pain_before": 5, "immediate_change": -1,
         "change_24h": None, "change_48h": 1, "outcome": "no_effect"}  # fmt: skip
    root = assert_inline_svg(session_changes_svg([r]))
    shapes = list(root.iter(f"{SVG_NS}circle")) + list(root.iter(f"{SVG_NS}polygon"))
    shapes += list(root.iter(f"{SVG_NS}rect"))  # the square
    assert len(shapes) == 3 + 4  # before, just after, 48 h (24 h not rated) and the legend's four
    words = " ".join(" ".join(t.itertext()) for t in root.iter(f"{SVG_NS}text"))
    assert "no effect" in words and "3 Feb" in words and "P2" in words


def test_the_pressure_chart_reads_the_engines_aggravated_field() -> None:
    cf = diary([5, 5, 5, 5, 2, 8, 5], sessions=(session(3, 3),))
    (r,) = session_responses(cf)
    assert r.aggravated and r.outcome == "mixed"
    assert "1 of 1 session aggravated" in pressure_aggravation_svg([r]).alt
    # Were the outcome ever to say otherwise, the chart follows the engine's aggravated flag.
    odd = dataclasses.replace(r, outcome="helped")
    assert "1 of 1 session aggravated" in pressure_aggravation_svg([odd]).alt


def test_nothing_to_draw_says_so_and_bad_options_are_refused() -> None:
    assert "Nothing to show yet" in pain_over_time_svg(ClientFile(ClientProfile(id="c"))).alt
    assert "No sessions yet" in session_changes_svg([]).alt
    assert "No sessions yet" in pressure_aggravation_svg([]).alt
    empty = ClientFile(ClientProfile(id="c"))
    assert web_charts(empty, analyze_client(empty)) == ()
    with pytest.raises(ValueError, match=re.escape("target = 1.5 is not allowed")):
        pressure_aggravation_svg([], target=1.5)
    with pytest.raises(ValueError, match=re.escape("last = 0 is not allowed")):
        session_changes_svg([], last=0)


@pytest.mark.parametrize("days", [1, 3, 10, 40, 100, 400, 1500])
def test_date_ticks_are_few_and_inside_the_diary(days: int) -> None:
    first = T0.date()
    ticks = _date_ticks(first, first + timedelta(days=days + 2))
    assert 1 <= len(ticks) <= 5
    assert all(first < t < first + timedelta(days=days + 2) for t in ticks)
