"""The clinician report: one page a physician can read in a minute, as HTML and as PDF.

:func:`build_report` turns a client file and the engine's result into a :class:`ClinicianReport`:
plain text lines and table rows, every number taken from the engine's result objects
(:class:`~touchdose.analysis.engine.ClientAnalysis`, never its JSON read back) or from the records
themselves, each figure once and in one rounding. The two renderers,
:func:`touchdose.reports.clinician_html.render_html` and
:func:`touchdose.reports.clinician_pdf.render_pdf`, lay the same report out, so the page and the PDF
always say the same thing. Parts the engine has not computed are said to be "not yet available".

The report is pseudonymous: it shows the touchdose client id, never a name, and leaves out the free-text
notes (they may name people).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from touchdose import __version__
from touchdose.analysis.comparison import Comparison
from touchdose.analysis.engine import ClientAnalysis
from touchdose.analysis.response import OUTCOME_WORDS, DataSummary, SessionResponse
from touchdose.analysis.safety import Safety
from touchdose.analysis.verdict import VERDICT_LABELS, comparison_reason
from touchdose.instruments import InstrumentScores
from touchdose.instruments.acr2016 import (
    CRITERIA_LABEL,
    CRITERIA_NOT_MET_LABEL,
    SEVERITY_SCHEME,
    Acr2016Score,
)
from touchdose.instruments.fiqr import BAND_SCHEME, FiqrScore
from touchdose.records import AREA_LABELS, PRESSURE_NAMES, ClientFile
from touchdose.text import count, percent, words

#: The caution every report carries (issue 7: "self-reported n-of-1 data, not a clinical trial").
CAUTION = (
    "Self-reported n-of-1 data from one person, not a clinical trial and not medical advice. "
    "Ratings are the client's own (0-10 scales); massage was not blinded or randomised, so "
    "expectation, natural ups and downs and regression to the mean can look like an effect."
)
NOT_YET = "not yet available"
#: At most this many sessions in the table (the latest ones), so the report stays one page.
MAX_SESSION_ROWS = 8

SECONDARY_LABELS: dict[str, str] = {"sleep_hours": "Sleep", "fatigue": "Fatigue", "mood": "Mood"}
SESSION_COLUMNS: tuple[str, ...] = (
    "Date",
    "Technique",
    "Pressure",
    "Min",
    "Before",
    "After",
    "24 h",
    "48 h",
    "Outcome",
)


class ChartLike(Protocol):
    """What the report needs of a :class:`touchdose.reports.charts.Chart`."""

    @property
    def title(self) -> str: ...
    @property
    def alt(self) -> str: ...
    @property
    def svg(self) -> str: ...
    def png(self, dpi: int = ...) -> bytes: ...


@dataclass(frozen=True)
class ClinicianReport:
    """Everything on the clinician page, as text ready to lay out.

    Attributes
    ----------
    client_id : str
        The pseudonymous touchdose id.
    header : tuple of (label, text)
        Conditions, period, time zone, amount of data.
    instruments : tuple of (label, text)
        ACR 2016, FIQR and sensitivity, each with its scale and the band scheme named.
    verdict_state : str
        The verdict in words, or "not yet available".
    verdict_lines : tuple of str
        The comparison with its probabilities, then the engine's reasons.
    session_rows : tuple of tuple of str
        One row per session (columns :data:`SESSION_COLUMNS`), latest :data:`MAX_SESSION_ROWS`.
    session_note : str
        Says when older sessions are left out, and how before / 24 h / 48 h are read.
    plan_lines, evidence_lines : tuple of str
        The next-session plan with its reasons; the published evidence for the client's conditions.
    caution : str
        :data:`CAUTION` and the engine's own caution.
    safety_lines : tuple of str
        The safety screening (``verdict.safety``): the headline, then whom to contact and what to
        do; empty when nothing was found. Shown before everything else.
    chart : ChartLike or None
        Pain over time with sessions marked (``None`` when the charts are unavailable).
    generated : datetime or None
        When the report was made (the PDF's creation date).
    """

    client_id: str
    header: tuple[tuple[str, str], ...]
    instruments: tuple[tuple[str, str], ...]
    verdict_state: str
    verdict_lines: tuple[str, ...]
    session_rows: tuple[tuple[str, ...], ...]
    session_note: str
    plan_lines: tuple[str, ...]
    evidence_lines: tuple[str, ...]
    caution: str
    footer: str
    safety_lines: tuple[str, ...] = ()
    chart: ChartLike | None = field(default=None, compare=False, repr=False)
    generated: datetime | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready content of the report (the chart as its title and text alternative)."""
        return {
            "client_id": self.client_id,
            "header": [list(x) for x in self.header],
            "instruments": [list(x) for x in self.instruments],
            "verdict": {"state": self.verdict_state, "lines": list(self.verdict_lines)},
            "sessions": {
                "columns": list(SESSION_COLUMNS),
                "rows": [list(r) for r in self.session_rows],
                "note": self.session_note,
            },
            "plan": list(self.plan_lines),
            "evidence": list(self.evidence_lines),
            "caution": self.caution,
            "safety": list(self.safety_lines),
            "chart": None if self.chart is None else {"title": self.chart.title, "alt": self.chart.alt},
            "generated": None if self.generated is None else self.generated.isoformat(),
        }


# --- number formatting (one place, so HTML and PDF match) ---------------------------------------------


def fmt(value: float | int | None, digits: int = 1) -> str:
    """A number for people: whole numbers without decimals, others to ``digits`` places; None -> '-'.

    Examples
    --------
    >>> fmt(13), fmt(14.0), fmt(-1.06), fmt(None)
    ('13', '14', '-1.1', '-')
    """
    if value is None:
        return "-"
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.{digits}f}"


def signed(value: float | int | None) -> str:
    """A change with its sign: '+2', '-1.5', '0'; None -> '-'."""
    if value is None:
        return "-"
    return ("+" if value > 0 else "") + fmt(value)


# --- sections -----------------------------------------------------------------------------------------


def _period(cf: ClientFile) -> str:
    times = [s.start for s in cf.sessions] + [c.time for c in cf.checkins]
    if not times:
        return "no records yet"
    zone = cf.client.zone
    first, last = (min(times).astimezone(zone), max(times).astimezone(zone))
    days = (last.date() - first.date()).days + 1
    return f"{first.date().isoformat()} to {last.date().isoformat()} ({days} days)"


def _header(cf: ClientFile, data: DataSummary) -> tuple[tuple[str, str], ...]:
    conditions = ", ".join(words(c) for c in cf.client.conditions) or "not stated"
    amount = (
        f"{count(data.checkin_days, 'diary day')} ({data.baseline_days} before the first massage), "
        f"{count(data.sessions, 'session')}, {data.sessions_with_followup} with a 24 h or 48 h follow-up"
    )
    rows = [
        ("Conditions", conditions),
        ("Period", f"{_period(cf)}, times in {cf.client.timezone}"),
        ("Data", amount),
    ]
    limits = []
    if cf.client.max_pressure is not None:
        limits.append(f"pressure at most {cf.client.max_pressure} ({PRESSURE_NAMES[cf.client.max_pressure]})")
    if cf.client.avoid_regions:
        limits.append("avoid " + ", ".join(AREA_LABELS[r].lower() for r in cf.client.avoid_regions))
    if limits:
        rows.append(("Client's limits", "; ".join(limits)))
    return tuple(rows)


_CRITERIA_UNDECIDED = "ACR 2016 criteria pattern undecided (items missing)"


def _acr_row(acr: Acr2016Score) -> tuple[str, str]:
    met = {True: CRITERIA_LABEL, False: CRITERIA_NOT_MET_LABEL, None: _CRITERIA_UNDECIDED}
    band = f" ({acr.severity_band}, {SEVERITY_SCHEME})" if acr.severity_band else ""
    return (
        "ACR 2016",
        f"WPI {fmt(acr.wpi)}/19, SSS {fmt(acr.sss)}/12, severity {fmt(acr.severity)}/31{band}; "
        f"generalized pain {'yes' if acr.generalized else 'no'}; {met[acr.meets_criteria]}",
    )


def _fiqr_row(fiqr: FiqrScore) -> tuple[str, str]:
    if fiqr.total is None:
        return ("FIQR", f"not scored: {fiqr.reason or 'items missing'}")
    band = f" ({fiqr.severity_band}, {BAND_SCHEME})" if fiqr.severity_band else ""
    return (
        "FIQR",
        f"total {fmt(fiqr.total)}/100{band}; function {fmt(fiqr.function)}/30, "
        f"overall {fmt(fiqr.overall)}/20, symptoms {fmt(fiqr.symptoms)}/50",
    )


def instrument_rows(ins: InstrumentScores) -> tuple[tuple[str, str], ...]:
    """The questionnaire scores of an analysis as (label, text) rows.

    One wording for the report and the terminal (``touchdose analyze``): the numbers with their
    ranges, the bands with their scheme, and the ACR 2016 result as a pattern, never a diagnosis.
    """
    rows: list[tuple[str, str]] = []
    if ins.acr2016 is not None:
        rows.append(_acr_row(ins.acr2016))
    if ins.fiqr is not None:
        rows.append(_fiqr_row(ins.fiqr))
    if ins.sensitivity.level:
        rows.append(("Touch sensitivity", str(ins.sensitivity.level)))
    return tuple(rows) or (("Instruments", "none given"),)


def _comparison_line(c: Comparison) -> str:
    """Pain in full; secondary outcomes in one short line each (P(no meaningful) is 1 minus the others).

    Each figure once, in one rounding: effects to 0.1, probabilities as :func:`percent` with ``ends``.
    """
    lo, hi = c.ci95
    mid = fmt(c.mid)
    benefit, harm, neither = (percent(p, ends=True) for p in (c.p_benefit, c.p_harm, c.p_no_meaningful))
    probabilities = f"P(benefit \u2265 {mid}) {benefit}, P(harm \u2265 {mid}) {harm}"
    if c.outcome == "pain":
        return (
            f"Pain: {signed(c.effect)} points on massage days (95 % credible interval {fmt(lo)} to "
            f"{fmt(hi)}); {probabilities}, P(no meaningful effect) {neither}"
        )
    unit = " h" if c.outcome == "sleep_hours" else ""
    label = SECONDARY_LABELS.get(c.outcome, c.outcome)
    return f"{label}: {signed(c.effect)}{unit} ({fmt(lo)} to {fmt(hi)}); {probabilities}"


def _verdict(a: ClientAnalysis) -> tuple[str, tuple[str, ...], str | None]:
    """The verdict's state, its lines (comparisons first) and the engine's caution.

    The engine's reasons repeat each comparison in words with other roundings; the report says
    each figure once, so the reasons that are a comparison the report already lists are left out.
    """
    results = a.comparison.results if a.comparison is not None else {}
    made = [c for c in results.values() if isinstance(c, Comparison)]
    lines = [_comparison_line(c) for c in made]
    if not lines:
        why = NOT_YET if a.comparison is None else "not possible yet (see the reasons below)"
        lines.append(f"Comparison of massage days with other days: {why}")
    verdict = a.verdict
    if verdict is None:
        return NOT_YET, tuple(lines), None
    said = {comparison_reason(c) for c in made}
    reasons = [r for r in verdict.reasons if r not in said]
    return VERDICT_LABELS.get(verdict.state, verdict.state), (*lines, *reasons), verdict.caution


def _session_rows(
    cf: ClientFile, responses: Sequence[SessionResponse]
) -> tuple[tuple[tuple[str, ...], ...], str]:
    if len(responses) != len(cf.sessions):
        raise ValueError(
            f"analysis: sessions = {len(responses)} results is not allowed (allowed: {len(cf.sessions)}, "
            "one per session of the file)"
        )
    zone = cf.client.zone
    rows = []
    for s, r in zip(cf.sessions, responses, strict=True):
        before = r.pain_before

        def at(change: int | None, before: int | None = before) -> str:
            return "-" if change is None or before is None else fmt(before + change)

        rows.append(
            (
                s.start.astimezone(zone).strftime("%Y-%m-%d %H:%M"),
                ", ".join(words(t, capital=False) for t in s.technique),
                f"{s.pressure} {PRESSURE_NAMES[s.pressure]}",
                str(s.minutes),
                fmt(before),
                fmt(s.pain_after),
                at(r.change_24h),
                at(r.change_48h),
                OUTCOME_WORDS.get(r.outcome, r.outcome) + (" (flare)" if r.flare else ""),
            )
        )
    note = "Pain 0-10. 24 h / 48 h: the diary pain 18-36 h / 36-60 h after the session."
    if len(rows) > MAX_SESSION_ROWS:
        note = f"The latest {MAX_SESSION_ROWS} of {len(rows)} sessions. " + note
    return tuple(rows[-MAX_SESSION_ROWS:]), note


def _plan(a: ClientAnalysis) -> tuple[str, ...]:
    plan, titration = a.plan, a.titration
    safety = a.verdict.safety if a.verdict is not None else None
    lines: list[str] = []
    if plan is None:
        lines.append(f"Plan: {NOT_YET}")
    elif plan.stop and safety is not None and safety.stop:
        lines += ["No massage for now (see Safety at the top).", *plan.why]
    elif plan.stop:
        lines += ["Stop massage, or try very light touch only (see the verdict).", *plan.why]
    else:
        p = plan.pressure
        first = f"Next session: pressure {p} ({PRESSURE_NAMES[p]})" if p else "Next session"
        first += f", {plan.minutes} minutes, {plan.sessions_per_week} per week"
        if plan.avoid_regions:
            first += "; avoid " + ", ".join(AREA_LABELS.get(r, r).lower() for r in plan.avoid_regions)
        lines += [first, *plan.why]
    if titration is not None and titration.risk_by_pressure:
        by_level = sorted(titration.risk_by_pressure.items())
        risks = ", ".join(f"{k}: {percent(v, ends=True)}" for k, v in by_level)
        lines.append(f"Estimated risk of aggravation by pressure: {risks}")
    return tuple(lines)


def _study(study_id: str) -> str:
    """'Ughreja2021' -> 'Ughreja 2021' (the library's ids are author + year)."""
    return re.sub(r"^(\D+)(\d{4})(.*)$", r"\1 \2\3", study_id)


def _points(points: float | None) -> str:
    """An effect in points, in words: 'about 1.7 points less pain on 0-10'."""
    if points is None:
        return "an effect not expressible in points"
    direction = "less" if points < 0 else "more"
    return f"{fmt(abs(points))} points {direction} pain on 0-10"


def _condition_evidence(condition: str, techniques: tuple[str, ...] = ()) -> list[str]:
    """One line per condition (the pooled effect, else the published result that fits the client's
    condition and massage best by weight and certainty, then the trial dose); one more for the
    guidelines when the library has them (fibromyalgia)."""
    from touchdose.evidence.chosen import evidence_for_client
    from touchdose.evidence.summary import evidence_summary

    chosen = evidence_for_client(condition, techniques)
    summary = chosen.summary if chosen else evidence_summary(condition, "pain")
    parts = [
        f"pooled pain effect of {p.meta.k} trials, about {_points(p.points)}. {p.judgement.sentence}"
        for p in summary.pooled
        if p.points is not None
    ]
    if not parts and chosen is not None:
        r = chosen.row
        parts.append(
            f"{_study(r.study_id)}: {r.reported}, about {_points(r.points)} "
            f"(SD {summary.pain_sd_points:g}, {summary.pain_sd_source.split(' (')[0]}). "
            f"{r.judgement.sentence} Why this one: {chosen.why}."
        )
    if summary.dose is not None and summary.dose.basis != "fallback":
        d = summary.dose
        parts.append(
            f"Trial dose {d.minutes} min, {d.sessions_per_week} per week, {d.weeks} weeks ({d.citation})."
        )
    lines = [f"{words(condition)}: " + " ".join(parts)] if parts else []
    if summary.guidelines:
        positions = "; ".join(f"{g.guideline} {g.year}: {g.massage_position}" for g in summary.guidelines)
        lines.append(f"Guidelines disagree (Thieme 2017): {positions}.")
    return lines


def _evidence(cf: ClientFile, evidence_lines: Sequence[str] | None) -> tuple[str, ...]:
    if evidence_lines is not None:
        return tuple(evidence_lines)
    techniques = tuple(sorted({t for session in cf.sessions for t in session.technique}))
    lines = [
        line for c in cf.client.conditions if c != "other" for line in _condition_evidence(c, techniques)
    ]
    return tuple(lines) or ("No condition given, so no published evidence is shown.",)


def _words(text: str) -> set[str]:
    return set(re.findall(r"[a-z0-9-]+", text.lower()))


def _adds_to_caution(engine_caution: str | None) -> bool:
    """The engine's caution is added only when it says something :data:`CAUTION` does not."""
    return bool(engine_caution) and not _words(engine_caution or "") <= _words(CAUTION)


def build_report(
    cf: ClientFile,
    analysis: ClientAnalysis,
    *,
    chart: ChartLike | None = None,
    evidence_lines: Sequence[str] | None = None,
    generated: datetime | None = None,
    notes: Sequence[str] = (),
) -> ClinicianReport:
    """Assemble the clinician report of one client.

    Parameters
    ----------
    cf : ClientFile
        The client's records (sessions are shown in the client's time zone).
    analysis : ClientAnalysis
        The engine's result, ``analyze_client(cf)`` (its typed objects, so a renamed field fails
        the type check instead of printing "-").
    chart : Chart, optional
        Pain over time with sessions marked; by default drawn with
        :func:`touchdose.reports.charts.pain_over_time`.
    evidence_lines : sequence of str, optional
        The evidence context; by default the trial doses for the client's conditions.
    generated : datetime, optional
        When the report was made (aware): shown in the client's time zone in the footer and the
        PDF's creation date. Left out of the footer when not given (the PDF then carries the time
        it is rendered).
    notes : sequence of str, optional
        What reading the file assumed (e.g. "12 times without a UTC offset read as UTC time"),
        shown under "Who and when" (docs/formats.md: "the report says so").

    Returns
    -------
    ClinicianReport

    Examples
    --------
    >>> from touchdose.analysis.engine import analyze_client
    >>> from touchdose.records import ClientFile, ClientProfile
    >>> cf = ClientFile(ClientProfile(id="c-9", conditions=("fibromyalgia",)))
    >>> report = build_report(cf, analyze_client(cf), chart=None)
    >>> report.verdict_state
    'Still gathering data'
    >>> report.header[0]
    ('Conditions', 'Fibromyalgia')
    """
    if analysis.client_id != cf.client.id:
        raise ValueError(
            f"analysis: client_id = {analysis.client_id!r} is not allowed (allowed: {cf.client.id!r}, "
            "the client of the file)"
        )
    state, lines, engine_caution = _verdict(analysis)
    rows, note = _session_rows(cf, analysis.sessions)
    made = f", made {generated.astimezone(cf.client.zone):%Y-%m-%d %H:%M %Z}" if generated else ""
    safety = analysis.verdict.safety if analysis.verdict is not None else None
    return ClinicianReport(
        client_id=cf.client.id,
        header=_header(cf, analysis.data) + tuple(("Note", n) for n in notes),
        instruments=instrument_rows(analysis.instruments),
        verdict_state=state,
        verdict_lines=lines,
        session_rows=rows,
        session_note=note,
        plan_lines=_plan(analysis),
        evidence_lines=_evidence(cf, evidence_lines),
        caution=CAUTION + (f" {engine_caution}" if _adds_to_caution(engine_caution) else ""),
        footer=f"touchdose {__version__}{made}",
        safety_lines=_safety(safety),
        chart=chart if chart is not None else _default_chart(cf),
        generated=generated,
    )


def _safety(safety: Safety | None) -> tuple[str, ...]:
    if safety is None or safety.headline is None:
        return ()
    return (safety.headline, *safety.why)


def _default_chart(cf: ClientFile) -> ChartLike | None:
    if not cf.checkins and not cf.sessions:
        return None
    from touchdose.reports.charts import pain_over_time

    chart: ChartLike = pain_over_time(cf)
    return chart
