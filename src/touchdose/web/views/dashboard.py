"""The dashboard: verdict and plan first, in plain words with the reasons, then the charts."""

from __future__ import annotations

from typing import Any

from touchdose.analysis.response import OUTCOME_WORDS
from touchdose.analysis.verdict import VERDICT_LABELS
from touchdose.records import AREA_LABELS, PRESSURE_NAMES
from touchdose.web import selectors
from touchdose.web.models import Client

#: Sessions listed in the results page's table (the most recent first); all are on the session list.
TABLE_SESSIONS = 20


def dashboard_context(*, actor: Any, client: Client) -> dict[str, Any]:
    found = selectors.client_analysis(actor=actor, client=client)
    analysis = found.analysis
    plan, verdict = analysis.plan, analysis.verdict
    return {
        "analysis": analysis,
        "avoid_labels": [AREA_LABELS.get(a, a) for a in plan.avoid_regions] if plan else [],
        "verdict_words": VERDICT_LABELS.get(verdict.state, "") if verdict else "",
        "notes": found.notes,
        "charts": selectors.client_charts(client=client, found=found),
        "session_rows": [
            {
                "session": r,  # start and pressure, as the engine read them
                "response": r,
                "outcome": OUTCOME_WORDS.get(r.outcome),
                "pressure_name": PRESSURE_NAMES[r.pressure],
            }
            for r in reversed(analysis.sessions[-TABLE_SESSIONS:])
        ],
    }
