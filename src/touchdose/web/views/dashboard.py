"""The dashboard: verdict and plan first, in plain words with the reasons, then the charts."""

from __future__ import annotations

from typing import Any

from django.core.cache import cache

from touchdose.analysis.response import OUTCOME_WORDS
from touchdose.analysis.verdict import VERDICT_LABELS
from touchdose.records import AREA_LABELS, PRESSURE_NAMES, ClientFile
from touchdose.reports import charts
from touchdose.reports.charts import Chart
from touchdose.web import selectors
from touchdose.web.models import Client


def charts_for(cf: ClientFile, analysis: dict[str, Any] | None) -> list[dict[str, str]]:
    """The dashboard's charts as ``{"title", "alt", "svg"}``, cached by the records' fingerprint
    (drawing takes about a second; the same records always give the same pictures)."""
    if not cf.checkins and not cf.sessions:
        return []
    key = f"charts:{selectors.records_digest(cf)}"
    found = cache.get(key)
    if found is None:
        found = [chart.to_dict() for chart in draw_charts(cf, analysis)]
        cache.set(key, found, selectors.ANALYSIS_CACHE_SECONDS)
    return found  # type: ignore[no-any-return]


def draw_charts(cf: ClientFile, analysis: dict[str, Any] | None) -> list[Chart]:
    """Pain over time with sessions marked, each session's before/after/24 h/48 h, and pressure
    against aggravation, from the one plotting module the reports also use."""
    found = [charts.pain_over_time(cf)]
    responses = (analysis or {}).get("sessions") or []
    if responses:
        risk = ((analysis or {}).get("titration") or {}).get("risk_by_pressure")
        found.append(charts.session_changes(responses, timezone=cf.client.timezone))
        found.append(charts.pressure_aggravation(responses, risk_by_pressure=risk))
    return found


def dashboard_context(*, actor: Any, client: Client) -> dict[str, Any]:
    cf, analysis, notes = selectors.client_analysis(actor=actor, client=client)
    verdict = (analysis or {}).get("verdict") or {}
    sessions = list(
        zip(cf.sessions, (analysis or {}).get("sessions") or [None] * len(cf.sessions), strict=False)
    )
    plan = (analysis or {}).get("plan") or {}
    return {
        "analysis": analysis,
        "avoid_labels": [AREA_LABELS.get(a, a) for a in plan.get("avoid_regions") or []],
        "verdict_words": VERDICT_LABELS.get(verdict.get("state", ""), ""),
        "notes": notes,
        "charts": charts_for(cf, analysis),
        "session_rows": [
            {
                "session": s,
                "response": r,
                "outcome": OUTCOME_WORDS.get((r or {}).get("outcome", "unknown")),
                "pressure_name": PRESSURE_NAMES[s.pressure],
            }
            for s, r in reversed(sessions[-20:])
        ],
    }
