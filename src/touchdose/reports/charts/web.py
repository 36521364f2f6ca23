"""The results page's three charts, from the records and the engine's analysis.

Pictures a person looks at: pain over time with the sessions marked, each session's pain before,
just after, 24 h and 48 h later, and pressure against aggravation. Returned without their
drawing function, so they pickle (the web caches them beside the analysis).
"""

from __future__ import annotations

import dataclasses

from touchdose.analysis.engine import ClientAnalysis
from touchdose.records import ClientFile

from ._base import Chart
from .diary import pain_over_time
from .sessions import pressure_aggravation, session_changes


def web_charts(cf: ClientFile, analysis: ClientAnalysis) -> tuple[Chart, ...]:
    """The results page's charts; none before the first check-in or session.

    Parameters
    ----------
    cf : ClientFile
        The client's records (days and dates in ``cf.client.timezone``).
    analysis : ClientAnalysis
        The engine's result for the same records (its session responses and titration).

    Returns
    -------
    tuple of Chart
        Pain over time, then (once there is a session) each session's changes and pressure
        against aggravation.
    """
    if not cf.checkins and not cf.sessions:
        return ()
    found = [pain_over_time(cf)]
    if analysis.sessions:
        risk = analysis.titration.risk_by_pressure if analysis.titration else None
        found.append(session_changes(analysis.sessions, timezone=cf.client.timezone))
        found.append(pressure_aggravation(analysis.sessions, risk_by_pressure=risk))
    return tuple(dataclasses.replace(chart, _draw=None) for chart in found)
