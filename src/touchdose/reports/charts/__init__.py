"""Charts: the one plotting module used by the web app, the CLI and the PDF report.

Every function takes plain data (records, analysis result dicts) and returns a
:class:`Chart`: ``svg`` (inline-able, scales to its container), ``png(dpi)`` for PDFs and
``alt``, a text alternative that states the numbers in words. The forest plot lives in
:mod:`touchdose.reports.charts.forest` (evidence).
"""

from touchdose.reports.charts._base import Chart, chart_style
from touchdose.reports.charts.diary import pain_over_time
from touchdose.reports.charts.sessions import AGGRAVATED_OUTCOMES, pressure_aggravation, session_changes
from touchdose.reports.charts.web import web_charts

__all__ = [
    "AGGRAVATED_OUTCOMES",
    "Chart",
    "chart_style",
    "pain_over_time",
    "pressure_aggravation",
    "session_changes",
    "web_charts",
]
