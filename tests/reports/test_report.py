"""The clinician report: the PDF opens and holds the engine's numbers; the HTML is self-contained, escaped."""

from __future__ import annotations

import html
import io
import re
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import pypdf
import pytest
from hypothesis import HealthCheck, given, settings

from touchdose.analysis.comparison import Comparison, ComparisonSet, Refusal
from touchdose.analysis.engine import ClientAnalysis, analyze_client
from touchdose.analysis.plan import Plan
from touchdose.analysis.verdict import Verdict
from touchdose.io import read_client_file
from touchdose.records import CheckIn, ClientFile, ClientProfile, Session
from touchdose.reports.clinician import CAUTION, MAX_SESSION_ROWS, NOT_YET, build_report, fmt, signed
from touchdose.reports.clinician_html import render_html
from touchdose.reports.clinician_pdf import render_pdf
from touchdose.text import percent

from ..io.strategies import client_files

EXAMPLE = Path(__file__).parents[2] / "examples" / "fibromyalgia-client.json"


def pdf_text(data: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(data))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


@pytest.fixture(scope="module")
def example() -> ClientFile:
    return read_client_file(EXAMPLE)


@pytest.fixture(scope="module")
def analysis(example: ClientFile) -> ClientAnalysis:
    return analyze_client(example)


@pytest.fixture(scope="module")
def pdf(example: ClientFile, analysis: ClientAnalysis) -> bytes:
    return render_pdf(build_report(example, analysis))


def test_the_pdf_opens_on_one_page_and_says_who_and_the_caution(pdf: bytes, example: ClientFile) -> None:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    text = pdf_text(pdf)
    assert f"Client {example.client.id}" in text
    assert "not a clinical trial" in text
    assert "Fibromyalgia" in text
    assert "2026-01-05 to 2026-01-25" in text  # first diary entry to last, in Europe/Stockholm


def test_the_pdf_holds_the_instrument_scores_the_engine_computed(
    pdf: bytes, analysis: ClientAnalysis
) -> None:
    text = pdf_text(pdf)
    acr, fiqr = analysis.instruments.acr2016, analysis.instruments.fiqr
    assert acr is not None and fiqr is not None
    # Example = worked example A1 (docs/instruments.md 1.6): WPI 10, SSS 7, FS 17.
    assert (acr.wpi, acr.sss, acr.severity) == (10, 7, 17)
    assert "WPI 10/19, SSS 7/12, severity 17/31" in text
    # FIQR of the example: function 42/3 = 14, overall 13, symptoms 57/2 = 28.5, total 55.5 (Bennett 2009).
    assert fiqr.total == 55.5
    assert "total 55.5/100" in text
    assert "function 14/30, overall 13/20, symptoms 28.5/50" in text


def test_the_pdf_session_table_holds_each_sessions_pain(
    pdf: bytes, example: ClientFile, analysis: ClientAnalysis
) -> None:
    text = pdf_text(pdf)
    for s, r in zip(example.sessions, analysis.sessions, strict=True):
        before = r.pain_before
        assert before is not None and r.change_24h is not None and r.change_48h is not None
        row = " ".join(
            [
                f"{s.pressure}",
                {2: "light", 3: "moderate"}[s.pressure],
                str(s.minutes),
                str(before),
                str(s.pain_after),
                str(before + r.change_24h),
                str(before + r.change_48h),
            ]
        )
        assert row in text, row
    # The third session (pressure 3) is the one the example marks harmed with a flare.
    assert "more pain (flare)" in text


def test_the_pdf_says_what_the_engine_has_not_computed_yet(
    example: ClientFile, analysis: ClientAnalysis
) -> None:
    partial = replace(analysis, comparison=None, verdict=None, plan=None, titration=None)
    text = pdf_text(render_pdf(build_report(example, partial)))
    assert f"Verdict: {NOT_YET}" in text
    assert f"Plan: {NOT_YET}" in text


def refused(outcome: str) -> Refusal:
    return Refusal(outcome, ("Too few diary days.",), ("more diary days",))


def full_parts(analysis: ClientAnalysis) -> ClientAnalysis:
    """The docs/formats.md example values, as the engine's objects."""
    pain = Comparison(
        outcome="pain", effect=-1.1, ci95=(-1.8, -0.4), p_benefit=0.61, p_harm=0.0, p_no_meaningful=0.39,
        mid=1.0, rho=0.3, days_used=40, exposed_days=12, free_days=28, baseline_days=14, episodes=4,
    )  # fmt: skip
    results = {"pain": pain, **{k: refused(k) for k in ("sleep_hours", "fatigue", "mood")}}
    risks = {"1": 0.03, "2": 0.06, "3": 0.13, "4": 0.24, "5": 0.38}
    assert analysis.titration is not None
    return replace(
        analysis,
        comparison=ComparisonSet(results),
        titration=replace(
            analysis.titration, current_pressure=2, recommended_pressure=3, risk_by_pressure=risks
        ),
        verdict=Verdict(
            "helping", ("Pain was 1.1 points lower on massage days",), "Self-reported n-of-1 data."
        ),
        plan=Plan(3, 45, 1, ("neck",), ("No aggravation in 3 sessions at pressure 2",)),
    )


def test_the_pdf_holds_the_verdict_probabilities_and_plan(
    example: ClientFile, analysis: ClientAnalysis
) -> None:
    text = pdf_text(render_pdf(build_report(example, full_parts(analysis))))
    assert "Verdict: Massage seems to be helping" in text
    assert "Pain: -1.1 points on massage days (95 % credible interval -1.8 to -0.4)" in text
    assert "P(benefit \u2265 1) 61 %, P(harm \u2265 1) <1 %, P(no meaningful effect) 39 %" in text
    assert "Pain was 1.1 points lower on massage days" in text
    assert "Next session: pressure 3 (moderate), 45 minutes, 1 per week; avoid neck" in text
    assert "1: 3 %, 2: 6 %, 3: 13 %, 4: 24 %, 5: 38 %" in text


def test_the_engine_numbers_reach_the_pdf_whatever_it_computes(
    example: ClientFile, analysis: ClientAnalysis
) -> None:
    # Runs against the live engine: every comparison it makes must be printed with its numbers.
    text = pdf_text(render_pdf(build_report(example, analysis)))
    for c in (analysis.comparison.results if analysis.comparison else {}).values():
        if isinstance(c, Comparison):
            assert f"{signed(c.effect)} " in text
            assert percent(c.p_benefit, ends=True) in text
    if analysis.verdict:
        assert all(re.sub(r"\s+", " ", reason) in text for reason in analysis.verdict.reasons)


def test_the_html_is_self_contained_with_inline_svg(example: ClientFile, analysis: ClientAnalysis) -> None:
    page = render_html(build_report(example, analysis))
    assert page.startswith("<!DOCTYPE html>")
    assert "<svg" in page and 'role="img"' in page
    assert not re.search(r"""(src|href)=["'](https?:)?//""", page), "the page must load nothing from outside"
    assert "<link" not in page and "<script" not in page
    assert "WPI 10/19" in page and "55.5/100" in page
    assert html.escape(CAUTION) in page


def test_the_html_escapes_every_text() -> None:
    evil = '<script>alert("x")</script>'
    cf = ClientFile(ClientProfile(id=evil))
    page = render_html(build_report(cf, analyze_client(cf)))
    assert evil not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page


def test_notes_never_reach_the_report() -> None:
    t = datetime(2026, 1, 5, 10, tzinfo=UTC)
    cf = ClientFile(
        ClientProfile(id="c-2"),
        sessions=(Session(start=t, pressure=2, minutes=30, note="Anna Svensson called"),),
        checkins=(CheckIn(time=t, pain=5, note="Anna again"),),
    )
    report = build_report(cf, analyze_client(cf))
    assert "Anna" not in render_html(report)
    assert "Anna" not in pdf_text(render_pdf(report))


def test_a_long_history_keeps_the_latest_sessions(example: ClientFile) -> None:
    base = datetime(2026, 1, 1, 9, tzinfo=UTC)
    sessions = tuple(
        Session(start=base.replace(day=d), pressure=2, minutes=30, pain_before=5, pain_after=4)
        for d in range(1, 21)
    )
    cf = ClientFile(ClientProfile(id="c-3"), sessions=sessions)
    report = build_report(cf, analyze_client(cf))
    assert len(report.session_rows) == MAX_SESSION_ROWS
    assert report.session_rows[-1][0] == "2026-01-20 09:00"
    assert f"The latest {MAX_SESSION_ROWS} of 20 sessions" in report.session_note


def test_an_analysis_of_another_client_is_refused(example: ClientFile, analysis: ClientAnalysis) -> None:
    with pytest.raises(ValueError, match="client_id = 'someone-else'"):
        build_report(example, replace(analysis, client_id="someone-else"))


def test_the_same_report_gives_the_same_pdf(example: ClientFile, analysis: ClientAnalysis) -> None:
    report = build_report(example, analysis, generated=datetime(2026, 2, 1, 9, 30, tzinfo=UTC))
    assert render_pdf(report) == render_pdf(report)


def test_number_formats() -> None:
    assert [fmt(2), fmt(2.25), fmt(None), signed(-1), signed(0.5), percent(0.5, ends=True)] == [
        "2",
        "2.2",
        "-",
        "-1",
        "+0.5",
        "50 %",
    ]


def test_a_stop_plan_says_stop(example: ClientFile, analysis: ClientAnalysis) -> None:
    stop = replace(analysis, plan=Plan(None, 0, 0, (), ("4 of 5 sessions brought more pain",), stop=True))
    report = build_report(example, stop)
    assert report.plan_lines[:2] == (
        "Stop massage, or try very light touch only (see the verdict).",
        "4 of 5 sessions brought more pain",
    )


def test_comparisons_the_engine_could_not_make_are_said(
    example: ClientFile, analysis: ClientAnalysis
) -> None:
    outcomes = ("pain", "sleep_hours", "fatigue", "mood")
    empty = replace(analysis, comparison=ComparisonSet({k: refused(k) for k in outcomes}))
    lines = build_report(example, empty).verdict_lines
    assert lines[0] == "Comparison of massage days with other days: not possible yet (see the reasons below)"


def test_evidence_context_comes_from_the_evidence_library(
    example: ClientFile, analysis: ClientAnalysis
) -> None:
    from touchdose.evidence.summary import evidence_summary

    summary = evidence_summary("fibromyalgia", "pain")
    lines = build_report(example, analysis).evidence_lines
    # The example client gets Swedish and trigger-point massage: the myofascial-release review
    # (Ughreja 2021, the newest) does not fit; Li 2014 (massage in general, 404 people) does, and
    # its SMD 0.62 is 1.3 points with the fibromyalgia SD 2.10 (Bernardy 2013).
    assert lines[0].startswith("Fibromyalgia: Li 2014: SMD 0.62 (0.05 to 1.2), about 1.3 points less pain")
    assert "Ughreja" not in lines[0] and "(SD 2.1, Bernardy 2013)" in lines[0]
    assert "a review of 404 people, certainty not graded by the review" in lines[0]
    assert summary.dose is not None and f"Trial dose {summary.dose.minutes} min" in lines[0]
    assert lines[1].startswith("Guidelines disagree")


@pytest.mark.slow
@pytest.mark.filterwarnings("ignore::UserWarning")  # thin generated data warns; the report says it
@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(client_files)
def test_any_valid_client_file_gives_a_report(cf: ClientFile) -> None:
    report = build_report(cf, analyze_client(cf))
    page = render_html(report)
    assert page.count("<tr>") == len(report.session_rows) + (1 if report.session_rows else 0)
    assert html.escape(cf.client.id) in page
    assert len(report.session_rows) == min(len(cf.sessions), MAX_SESSION_ROWS)


def test_the_footer_gives_the_time_made_in_the_clients_zone(
    example: ClientFile, analysis: ClientAnalysis
) -> None:
    made = datetime(2026, 2, 1, 9, 30, tzinfo=UTC)
    report = build_report(example, analysis, generated=made)
    assert report.footer.endswith("made 2026-02-01 10:30 CET")  # Europe/Stockholm is UTC+1 in winter


def test_the_safety_screening_comes_first_in_the_report_html_and_pdf() -> None:
    from datetime import timedelta

    from touchdose.records import CheckIn, ClientProfile
    from touchdose.reports.clinician_html import render_html

    t = datetime(2026, 1, 5, 20, tzinfo=UTC)
    cf = ClientFile(
        ClientProfile(id="c-s", conditions=("fibromyalgia",), contraindications=("osteoporosis",)),
        checkins=(
            CheckIn(time=t, pain=5),
            CheckIn(time=t + timedelta(days=1), pain=5, red_flags=("swollen_calf",)),
        ),
    )
    report = build_report(cf, analyze_client(cf))
    assert report.safety_lines[0] == "Contact your doctor today."
    assert "blood clot" in report.safety_lines[1] and "Osteoporosis" in report.safety_lines[2]
    assert report.plan_lines[0] == "No massage for now (see Safety at the top)."
    page = render_html(report)
    assert page.index('class="safety" role="alert"') < page.index("Who and when")
    assert (
        build_report(
            ClientFile(ClientProfile(id="c-n")), analyze_client(ClientFile(ClientProfile(id="c-n")))
        ).safety_lines
        == ()
    )


@pytest.mark.parametrize("days", [120, 365])
def test_a_client_year_like_the_demos_is_one_a4_page_with_each_figure_once(days: int) -> None:
    # The demo's simulated client (touchdose.web.demo: seed, kind, time zone), over its own 120 days
    # and over a whole year of weekly sessions.
    from touchdose.painmodel import simulate_clients
    from touchdose.web.demo import DEMO_KIND, DEMO_SEED, DEMO_TIMEZONE

    cf = simulate_clients(
        1, seed=DEMO_SEED, kind=DEMO_KIND, days=days, start=date(2026, 1, 5), timezone=DEMO_TIMEZONE
    ).clients[0]
    assert len(cf.sessions) >= days // 10  # weekly sessions after the baseline
    analysis = analyze_client(cf)
    made = datetime(2026, 11, 30, 18, 5, 7, tzinfo=UTC)
    data = render_pdf(build_report(cf, analysis, generated=made))
    reader = pypdf.PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 1
    assert reader.pages[0].mediabox.width == pytest.approx(595.28, abs=0.5)  # A4: 210 x 297 mm
    assert reader.pages[0].mediabox.height == pytest.approx(841.89, abs=0.5)
    # The real creation date, not a fixed one.
    assert reader.metadata is not None and reader.metadata.creation_date == made
    text = pdf_text(data)
    # Each comparison's figures are said once, in one rounding: the engine's own sentence about
    # the same comparison ("... 100 %") is left out, so no probability appears as both ">99 %" and "100 %".
    assert analysis.comparison is not None
    for c in analysis.comparison.results.values():
        if isinstance(c, Comparison):
            assert text.count(f"{signed(c.effect)}") >= 1
            lo, hi = c.ci95
            assert text.count(f"{fmt(lo)} to {fmt(hi)}") == 1, (c.outcome, text)
    assert "100 %" not in text and "(95 % interval" not in text
    # Estimated risks and probabilities are never written as certain: "<1 %", not "0 %" (the plan's
    # reasons and the risk line give the same risks in the same rounding).
    assert not re.search(r"(?<![\d.])0 %", text)


def test_the_pdf_of_a_report_without_a_time_carries_the_time_it_was_rendered(
    example: ClientFile, analysis: ClientAnalysis
) -> None:
    before = datetime.now(UTC).replace(microsecond=0)
    reader = pypdf.PdfReader(io.BytesIO(render_pdf(build_report(example, analysis))))
    assert reader.metadata is not None and reader.metadata.creation_date is not None
    assert before <= reader.metadata.creation_date <= datetime.now(UTC)
