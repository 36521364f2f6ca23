"""Charts: deterministic, inline-able SVG; PNG for PDFs; alt text that states the numbers."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta

import matplotlib
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from touchdose.analysis.response import session_responses
from touchdose.records import CheckIn, ClientFile, ClientProfile, Session
from touchdose.reports.charts import Chart, pain_over_time, pressure_aggravation, session_changes

T0 = datetime(2026, 1, 1, 20, tzinfo=UTC)
SVG_NS = "{http://www.w3.org/2000/svg}"


def diary(pains: list[int], sessions: tuple[Session, ...] = (), tz: str = "UTC") -> ClientFile:
    checkins = tuple(CheckIn(time=T0 + timedelta(days=i), pain=p) for i, p in enumerate(pains))
    return ClientFile(ClientProfile(id="c-1", timezone=tz), sessions=sessions, checkins=checkins)


def session(day: int, pressure: int, before: int | None = 6, after: int | None = 4) -> Session:
    return Session(
        start=T0 + timedelta(days=day, hours=-8),
        pressure=pressure,
        minutes=45,
        pain_before=before,
        pain_after=after,
    )


def assert_inline_svg(chart: Chart) -> ET.Element:
    svg = chart.svg
    assert svg.startswith("<svg"), "no XML prolog or DOCTYPE: the SVG goes straight into a page"
    root = ET.fromstring(svg)  # well-formed XML
    assert root.tag == f"{SVG_NS}svg"
    assert root.get("viewBox") and root.get("width") == "100%" and root.get("height") is None
    assert root.get("role") == "img" and root.get("aria-label") == chart.alt
    assert root.find(f"{SVG_NS}title").text == chart.title
    assert "<metadata" not in svg and "dc:date" not in svg
    # Nothing outside the file: every reference is a fragment of the same SVG.
    refs = re.findall(r'(?:xlink:)?href="([^"]*)"', svg) + re.findall(r"url\(([^)]*)\)", svg)
    assert all(r.startswith("#") for r in refs), refs
    return root


def test_pain_over_time_states_the_numbers_in_words() -> None:
    pains = [6, 7, 5, 6, 6, 7, 5, 4, 4, 3, 4, 5, 3, 4]  # 14 days: first week mean 6, last week mean 4
    cf = diary(pains, sessions=(session(7, 2), session(10, 3)))
    chart = pain_over_time(cf)
    assert_inline_svg(chart)
    # mean of 14 daily values = 69 / 14 = 4.93 -> "4.9"; weeks: 42/7 = 6, 27/7 = 3.86 -> "3.9"
    assert "daily pain on 14 days, average 4.9 out of 10, lowest 3, highest 7" in chart.alt
    assert "The first 7 diary days averaged 6, the last 7 averaged 3.9." in chart.alt
    assert "2 massage sessions, at pressure 2 (light) to 3 (moderate)." in chart.alt
    assert "1 January 2026 to 14 January 2026" in chart.alt


def test_pain_over_time_uses_the_clients_days_and_averages_a_day() -> None:
    # 23:30 UTC on 1 Jan is 00:30 on 2 Jan in Stockholm: both entries fall on 2 January, mean 5.
    late = datetime(2026, 1, 1, 23, 30, tzinfo=UTC)
    checkins = (CheckIn(time=late, pain=4), CheckIn(time=late + timedelta(hours=10), pain=6))
    cf = ClientFile(ClientProfile(id="c-1", timezone="Europe/Stockholm"), checkins=checkins)
    alt = pain_over_time(cf).alt
    assert "2 January 2026 to 2 January 2026: daily pain on 1 day, average 5 out of 10" in alt
    assert "No massage sessions in this period." in alt


def test_flares_are_counted_by_day() -> None:
    checkins = tuple(CheckIn(time=T0 + timedelta(days=i), pain=5, flare=i in (2, 5)) for i in range(8))
    alt = pain_over_time(ClientFile(ClientProfile(id="c-1"), checkins=checkins)).alt
    assert "A flare was reported on 2 days." in alt


def test_same_input_gives_the_same_svg_bytes() -> None:
    cf = diary([5, 6, 4, 5, 7, 3, 5, 6], sessions=(session(3, 2),))
    assert pain_over_time(cf).svg == pain_over_time(cf).svg
    rs = session_responses(cf)
    assert session_changes(rs).svg == session_changes(rs).svg


def test_different_data_gives_a_different_picture() -> None:
    assert pain_over_time(diary([5, 6, 4])).svg != pain_over_time(diary([5, 6, 5])).svg


def test_drawing_a_chart_leaves_matplotlib_settings_alone() -> None:
    before = dict(matplotlib.rcParams)
    pain_over_time(diary([5, 6, 4], sessions=(session(1, 2),))).png(60)
    assert dict(matplotlib.rcParams) == before


def test_png_is_a_png_at_the_asked_resolution() -> None:
    chart = pain_over_time(diary([5, 6, 4]))
    small, large = chart.png(60), chart.png(120)
    assert small.startswith(b"\x89PNG\r\n\x1a\n") and large.startswith(b"\x89PNG")
    width = int.from_bytes(small[16:20], "big")  # IHDR width
    assert width == round(4.8 * 60)  # 4.8 inch figure (charts._base.WIDTH_IN) at 60 dpi
    assert int.from_bytes(large[16:20], "big") == 2 * width


@pytest.mark.parametrize("dpi", [0, 49, 601, 72.5, True])
def test_png_rejects_a_bad_dpi(dpi: object) -> None:
    with pytest.raises(ValueError, match=r"dpi = .* is not allowed \(allowed: a whole number 50-600\)"):
        pain_over_time(diary([5])).png(dpi)  # type: ignore[arg-type]


def test_nothing_to_draw_says_so() -> None:
    chart = pain_over_time(ClientFile(ClientProfile(id="c-1")))
    assert_inline_svg(chart)
    assert "Nothing to show yet" in chart.alt
    assert "No sessions yet" in session_changes([]).alt
    assert "No sessions yet" in pressure_aggravation([]).alt


def test_session_changes_from_the_engine_responses() -> None:
    # Session at 12:00 on 4 Jan (before 6, after 4). Diary entries at 20:00 each day: 5 Jan is
    # 32 h after (the 24 h window is 18-36 h), 6 Jan is 56 h after (the 48 h window is 36-60 h).
    cf = diary([5, 5, 5, 5, 2, 8, 5], sessions=(session(3, 3),))
    (r,) = session_responses(cf)
    assert (r.change_24h, r.change_48h) == (-4, 2)  # the engine measured these from the diary
    chart = session_changes([r])
    assert_inline_svg(chart)
    assert "pain before 6, just after 4, 24 h later 2, 48 h later 8; outcome mixed." in chart.alt
    assert chart.alt == session_changes([r.to_dict()]).alt  # objects and their dicts draw the same


def test_session_changes_names_missing_ratings_and_unknown_outcomes() -> None:
    r = {"start": "2026-02-03T09:00:00+00:00", "pressure": 2, "pain_before": 5, "immediate_change": -1,
         "change_24h": None, "change_48h": None, "outcome": "unknown"}  # fmt: skip
    alt = session_changes([r], timezone="Europe/Stockholm").alt
    assert (
        "3 Feb 2026, pressure 2 (light): pain before 5, just after 4 (24 h later, 48 h later: not rated)"
        in alt
    )
    assert "outcome not known yet" in alt


def test_session_changes_shows_only_the_last_sessions() -> None:
    rs = [
        {"start": f"2026-01-{d:02d}T10:00:00+00:00", "pressure": 2, "pain_before": 5, "outcome": "no_effect"}
        for d in range(1, 13)
    ]
    alt = session_changes(rs, last=3).alt
    assert "the last 3 of 12 sessions (3 no effect)" in alt
    assert "10 Jan 2026" in alt and "9 Jan 2026" not in alt


@pytest.mark.parametrize(
    ("responses", "message"),
    [
        ([{"pressure": 2, "outcome": "helped"}], r"sessions\[0\]: needs start"),
        ([{"start": "2026-01-01T10:00:00+00:00", "pressure": 2, "outcome": "great"}], r"outcome = 'great'"),
        ([42], r"session response = 42 is not allowed"),
    ],
)
def test_session_changes_rejects_bad_responses(responses: list[object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        session_changes(responses)


def test_pressure_aggravation_counts_known_outcomes_per_level() -> None:
    rs = [
        {"start": "2026-01-01T10:00:00+00:00", "pressure": 2, "outcome": "helped"},
        {"start": "2026-01-08T10:00:00+00:00", "pressure": 2, "outcome": "no_effect"},
        {"start": "2026-01-15T10:00:00+00:00", "pressure": 3, "outcome": "mixed"},
        {"start": "2026-01-22T10:00:00+00:00", "pressure": 3, "outcome": "harmed"},
        {"start": "2026-01-29T10:00:00+00:00", "pressure": 3, "outcome": "helped"},
        {"start": "2026-02-05T10:00:00+00:00", "pressure": 3, "outcome": "unknown"},
    ]
    chart = pressure_aggravation(rs, risk_by_pressure={"1": 0.03, "2": 0.06, "3": 0.13}, target=0.15)
    assert_inline_svg(chart)
    assert "Pressure 2 (light): 0 of 2 sessions aggravated pain" in chart.alt
    assert "pressure 3 (moderate): 2 of 3 sessions aggravated pain" in chart.alt  # mixed + harmed
    assert "1 session has no known outcome (a follow-up missing or not yet due)." in chart.alt
    assert "(1: 3 %, 2: 6 %, 3: 13 %), against a target of 15 %." in chart.alt


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"risk_by_pressure": {"6": 0.1}}, "risk_by_pressure: '6': 0.1 is not allowed"),
        ({"risk_by_pressure": {"2": 1.5}}, "risk_by_pressure: '2': 1.5 is not allowed"),
        ({"risk_by_pressure": {"x": 0.1}}, "risk_by_pressure: 'x': 0.1 is not allowed"),
        ({"target": 1.5}, "target = 1.5 is not allowed"),
    ],
)
def test_pressure_aggravation_rejects_bad_options(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        pressure_aggravation([], **kwargs)  # type: ignore[arg-type]


@settings(max_examples=15, deadline=None)
@given(st.lists(st.integers(0, 10), min_size=1, max_size=40))
def test_alt_text_restates_the_extremes_of_any_diary(pains: list[int]) -> None:
    alt = pain_over_time(diary(pains)).alt
    assert f"lowest {min(pains)}, highest {max(pains)}" in alt
    assert f"daily pain on {len(pains)} day" in alt


OUTCOME = st.sampled_from(["helped", "mixed", "no_effect", "harmed", "unknown"])


@settings(max_examples=10, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 5), OUTCOME), min_size=1, max_size=30))
def test_pressure_alt_counts_every_known_session_once(sessions: list[tuple[int, str]]) -> None:
    rs = [{"start": "2026-01-01T10:00:00+00:00", "pressure": p, "outcome": o} for p, o in sessions]
    alt = pressure_aggravation(rs).alt
    found = {
        int(p): (int(k), int(n))
        for p, k, n in re.findall(r"[Pp]ressure (\d) \([a-z ]+\): (\d+) of (\d+)", alt)
    }
    for level in range(1, 6):
        known = [o for p, o in sessions if p == level and o != "unknown"]
        if known:
            assert found[level] == (sum(o in ("harmed", "mixed") for o in known), len(known))
        else:
            assert level not in found
    waiting = sum(o == "unknown" for _, o in sessions)
    said = re.search(r"(\d+) sessions? (has|have) no known outcome", alt)
    assert (int(said.group(1)) if said else 0) == waiting
