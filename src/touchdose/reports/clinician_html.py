"""The clinician report as one self-contained HTML page: inline CSS, inline SVG chart, no external asset.

Every piece of text from the report is escaped; the only markup inserted as-is is the chart's SVG, which
:mod:`touchdose.reports.charts` generates (it never contains user text unescaped).
"""

from __future__ import annotations

from html import escape

from touchdose.reports.clinician import SESSION_COLUMNS, ClinicianReport

_CSS = """
@page { size: A4; margin: 10mm; }
:root { color-scheme: light; }
html { font-size: 15px; }
body { font: 1rem/1.4 "DejaVu Sans", "Liberation Sans", Arial, sans-serif; color: #222; margin: 0 auto;
       max-width: 60rem; padding: 1rem; }
h1 { font-size: 1.35rem; margin: 0 0 .2rem; }
h2 { font-size: 1.05rem; margin: 1rem 0 .3rem; border-bottom: 1px solid #ccc; }
.safety { border: 3px solid #B00020; background: #fdecee; padding: .4rem .7rem; margin: .6rem 0; }
.safety h2 { border: 0; margin: 0 0 .2rem; }
.caution { border-left: 4px solid #D55E00; background: #fdf3ec; padding: .4rem .7rem; margin: .6rem 0; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .15rem .8rem; margin: 0; }
dd { overflow-wrap: anywhere; }
.wide { overflow-x: auto; }
dt { font-weight: bold; }
dd { margin: 0; }
.pair { display: grid; grid-template-columns: 3fr 2fr; gap: 0 1.2rem; align-items: start; }
.pair > * { min-width: 0; }
@media (max-width: 40rem) { .pair { grid-template-columns: 1fr; } dl { grid-template-columns: 1fr; }
                            dd { margin-bottom: .3rem; } }
ul { margin: .2rem 0; padding-left: 1.2rem; }
table { border-collapse: collapse; width: 100%; font-size: .9rem; }
th, td { border-bottom: 1px solid #ddd; padding: .15rem .4rem; text-align: left; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
figure { margin: .4rem 0; }
figcaption, .note, footer { color: #6b6b6b; font-size: .85rem; }
svg.td-chart { height: auto; max-width: 100%; }
@media print { html { font-size: 8pt; } body { padding: 0; max-width: none; }
               .pair { grid-template-columns: 1fr 1fr; }
               h2 { margin-top: .5rem; break-after: avoid; } tr, li { break-inside: avoid; } }
"""

#: Columns holding numbers (right-aligned).
_NUMERIC = frozenset({"Pressure", "Min", "Before", "After", "24 h", "48 h"})


def _pairs(rows: tuple[tuple[str, str], ...]) -> str:
    return "<dl>" + "".join(f"<dt>{escape(k)}</dt><dd>{escape(v)}</dd>" for k, v in rows) + "</dl>"


def _list(lines: tuple[str, ...]) -> str:
    return "<ul>" + "".join(f"<li>{escape(x)}</li>" for x in lines) + "</ul>"


def _safety(report: ClinicianReport) -> str:
    """The safety screening above everything else (nothing when nothing was found)."""
    if not report.safety_lines:
        return ""
    return (
        f'<section class="safety" role="alert" aria-labelledby="safety"><h2 id="safety">Safety: '
        f"{escape(report.safety_lines[0])}</h2>{_list(report.safety_lines[1:])}</section>\n"
    )


def _table(report: ClinicianReport) -> str:
    if not report.session_rows:
        return "<p>No massage sessions recorded yet.</p>"
    cls = [' class="n"' if c in _NUMERIC else "" for c in SESSION_COLUMNS]
    head = "".join(f'<th scope="col"{k}>{escape(c)}</th>' for c, k in zip(SESSION_COLUMNS, cls, strict=True))
    body = "".join(
        "<tr>" + "".join(f"<td{k}>{escape(v)}</td>" for v, k in zip(row, cls, strict=True)) + "</tr>"
        for row in report.session_rows
    )
    return (
        '<div class="wide" tabindex="0" role="region" aria-label="Sessions (scrolls sideways on a narrow '
        f'screen)"><table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>'
    )


def _chart(report: ClinicianReport) -> str:
    if report.chart is None:
        return "<p>No diary entries or sessions to chart yet.</p>"
    return f"<figure>{report.chart.svg}<figcaption>{escape(report.chart.alt)}</figcaption></figure>"


def render_html(report: ClinicianReport) -> str:
    """Lay the report out as a self-contained HTML document (UTF-8 text).

    Parameters
    ----------
    report : ClinicianReport
        From :func:`touchdose.reports.clinician.build_report`.

    Returns
    -------
    str
        A complete ``<!DOCTYPE html>`` page with inline CSS and the chart as inline SVG; it loads
        nothing from anywhere (clinics here have no internet) and prints on one A4 page.

    Examples
    --------
    >>> from touchdose.analysis.engine import analyze_client
    >>> from touchdose.records import ClientFile, ClientProfile
    >>> from touchdose.reports.clinician import build_report
    >>> cf = ClientFile(ClientProfile(id="<c&1>"))
    >>> page = render_html(build_report(cf, analyze_client(cf)))
    >>> "&lt;c&amp;1&gt;" in page and "<c&1>" not in page
    True
    """
    r = report
    title = f"touchdose clinician report: {r.client_id}"
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)}</title>
<style>{_CSS}</style>
</head>
<body>
<header>
<h1>Massage and pain: clinician report</h1>
<p>Client <strong>{escape(r.client_id)}</strong> (pseudonymous touchdose id)</p>
</header>
{_safety(r)}<p class="caution" role="note"><strong>Caution.</strong> {escape(r.caution)}</p>
<section aria-labelledby="who"><h2 id="who">Who and when</h2>{_pairs(r.header + r.instruments)}</section>
<div class="pair">
<section aria-labelledby="chart"><h2 id="chart">Pain over time, sessions marked</h2>{_chart(r)}</section>
<section aria-labelledby="plan"><h2 id="plan">Plan</h2>{_list(r.plan_lines)}</section>
</div>
<section aria-labelledby="verdict"><h2 id="verdict">Verdict: {escape(r.verdict_state)}</h2>
{_list(r.verdict_lines)}</section>
<section aria-labelledby="sessions"><h2 id="sessions">Sessions</h2>{_table(r)}
<p class="note">{escape(r.session_note)}</p></section>
<section aria-labelledby="evidence"><h2 id="evidence">Evidence context</h2>{_list(r.evidence_lines)}</section>
<footer><p>{escape(r.footer)}. {escape(r.caution.split(". ")[0])}.</p></footer>
</body>
</html>
"""
