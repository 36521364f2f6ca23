"""The clinician report as a PDF (fpdf2: pure Python, installs from PyPI alone).

The text is set in DejaVu Sans, the font matplotlib ships inside its wheel (so no download, and every
character of a client id or a condition prints); the chart is embedded as a PNG with its text
alternative attached to the image. The PDF's text can be extracted (a test reads the engine's numbers
back out).
"""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path

import matplotlib
from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import FontFace

from touchdose.reports.clinician import SESSION_COLUMNS, ClinicianReport

_FONT_DIR = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
_FONT = "DejaVu"
#: Relative column widths of the session table (sum 100), in the order of SESSION_COLUMNS.
_COLUMN_WIDTHS = (19, 17, 12, 6, 8, 7, 7, 7, 17)
#: Chart width on the page in mm (A4 is 210 mm wide; 12 mm margins), height follows its aspect.
_CHART_WIDTH_MM = 100
_GUTTER_MM = 5
_BODY, _SMALL, _HEAD = 8.5, 7, 10.5
_LINE = 3.9  # mm per line of body text


class _Page(FPDF):
    """A4 portrait with the touchdose fonts and a footer carrying the caution."""

    footer_text = ""

    def footer(self) -> None:
        self.set_y(-10)
        self.set_font(_FONT, size=_SMALL - 0.5)
        self.set_text_color(107, 107, 107)
        self.cell(0, 4, f"{self.footer_text}   page {self.page_no()}/{{nb}}", align="C")


def _new_pdf(report: ClinicianReport) -> _Page:
    pdf = _Page(orientation="portrait", unit="mm", format="A4")
    pdf.set_margins(12, 10, 12)
    pdf.set_auto_page_break(auto=True, margin=13)
    pdf.add_font(_FONT, "", str(_FONT_DIR / "DejaVuSans.ttf"))
    pdf.add_font(_FONT, "B", str(_FONT_DIR / "DejaVuSans-Bold.ttf"))
    pdf.set_title(f"touchdose clinician report: {report.client_id}")
    pdf.set_creator("touchdose")
    pdf.set_lang("en")
    # The real time the report was made (issue 10: not 2000-01-01); the same report still gives
    # the same bytes, since the time is the report's own.
    pdf.set_creation_date(report.generated or datetime.now(UTC))
    pdf.footer_text = report.footer + ". Self-reported n-of-1 data, not a clinical trial"
    pdf.add_page()
    return pdf


def _heading(pdf: _Page, text: str) -> None:
    if pdf.will_page_break(16):  # never leave a heading alone at the foot of a page
        pdf.add_page()
    pdf.ln(1.2)
    pdf.set_font(_FONT, "B", _HEAD)
    pdf.set_text_color(34, 34, 34)
    pdf.cell(0, 5, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_draw_color(200, 200, 200)
    pdf.line(pdf.l_margin, pdf.get_y(), pdf.w - pdf.r_margin, pdf.get_y())
    pdf.ln(0.8)


def _pairs(pdf: _Page, rows: tuple[tuple[str, str], ...]) -> None:
    for label, text in rows:
        pdf.set_font(_FONT, "B", _BODY)
        pdf.cell(32, _LINE, label)
        pdf.set_font(_FONT, "", _BODY)
        pdf.multi_cell(0, _LINE, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT, align="L")


def _lines(pdf: _Page, lines: tuple[str, ...]) -> None:
    pdf.set_font(_FONT, "", _BODY)
    for line in lines:
        pdf.multi_cell(0, _LINE, "\u2022 " + line, new_x=XPos.LMARGIN, new_y=YPos.NEXT, align="L")


def _caution(pdf: _Page, text: str) -> None:
    pdf.set_fill_color(253, 243, 236)
    pdf.set_draw_color(213, 94, 0)
    pdf.set_font(_FONT, "", _BODY)
    pdf.multi_cell(
        0, 4.4, "Caution. " + text, border="L", fill=True, new_x=XPos.LMARGIN, new_y=YPos.NEXT, align="L"
    )


def _chart_and_plan(pdf: _Page, report: ClinicianReport) -> None:
    """The chart on the left, the plan in the column beside it (the page's width is used, not wasted)."""
    top, left = pdf.get_y(), pdf.l_margin
    if report.chart is None:
        _lines(pdf, ("No diary entries or sessions to chart yet.",))
        chart_bottom = pdf.get_y()
    else:
        png = report.chart.png(dpi=150)
        info = pdf.image(
            io.BytesIO(png),
            x=left,
            y=top,
            w=_CHART_WIDTH_MM,
            alt_text=report.chart.alt,
            title=report.chart.title,
        )
        chart_bottom = top + float(info.rendered_height)
    side = left + _CHART_WIDTH_MM + _GUTTER_MM if report.chart is not None else left
    pdf.set_left_margin(side)
    pdf.set_xy(side, top if report.chart is not None else chart_bottom)
    _heading(pdf, "Plan")
    _lines(pdf, report.plan_lines)
    side_bottom = pdf.get_y()
    pdf.set_left_margin(left)
    pdf.set_xy(left, max(chart_bottom, side_bottom))


def _table(pdf: _Page, report: ClinicianReport) -> None:
    if not report.session_rows:
        _lines(pdf, ("No massage sessions recorded yet.",))
        return
    pdf.set_font(_FONT, "", _SMALL + 0.5)
    pdf.set_fill_color(255, 255, 255)
    with pdf.table(
        col_widths=_COLUMN_WIDTHS,
        line_height=4.2,
        first_row_as_headings=True,
        headings_style=FontFace(emphasis="BOLD", fill_color=(238, 238, 238)),
        borders_layout="HORIZONTAL_LINES",
        text_align="LEFT",
    ) as table:
        head = table.row()
        for name in SESSION_COLUMNS:
            head.cell(name)
        for values in report.session_rows:
            row = table.row()
            for value in values:
                row.cell(value)
    pdf.set_font(_FONT, "", _SMALL)
    pdf.multi_cell(0, 3.3, report.session_note, new_x=XPos.LMARGIN, new_y=YPos.NEXT, align="L")


def render_pdf(report: ClinicianReport) -> bytes:
    """Lay the report (from :func:`touchdose.reports.clinician.build_report`) out as PDF bytes.

    A4, one page for a client-year of weekly sessions (a test holds it), in the order of the HTML
    page (:func:`render_html`). The PDF's creation date is ``report.generated`` (the time of
    rendering when the report has none), so the same report always gives the same bytes.

    Examples
    --------
    >>> from touchdose.analysis.engine import analyze_client
    >>> from touchdose.records import ClientFile, ClientProfile
    >>> from touchdose.reports.clinician import build_report
    >>> empty = ClientFile(client=ClientProfile(id="c-9"))
    >>> render_pdf(build_report(empty, analyze_client(empty)))[:5]
    b'%PDF-'
    """
    pdf = _new_pdf(report)
    pdf.set_font(_FONT, "B", 14)
    pdf.cell(0, 7, "Massage and pain: clinician report", new_x=XPos.LMARGIN, new_y=YPos.NEXT, align="L")
    pdf.set_font(_FONT, "", _BODY)
    pdf.cell(
        0, 5, f"Client {report.client_id} (pseudonymous touchdose id)", new_x=XPos.LMARGIN, new_y=YPos.NEXT
    )
    if report.safety_lines:
        _heading(pdf, f"Safety: {report.safety_lines[0]}")
        _lines(pdf, report.safety_lines[1:])
    _caution(pdf, report.caution)
    _heading(pdf, "Who and when")
    _pairs(pdf, report.header + report.instruments)
    _heading(pdf, "Pain over time, sessions marked")
    _chart_and_plan(pdf, report)
    _heading(pdf, f"Verdict: {report.verdict_state}")
    _lines(pdf, report.verdict_lines)
    _heading(pdf, "Sessions")
    _table(pdf, report)
    _heading(pdf, "Evidence context")
    _lines(pdf, report.evidence_lines)
    return bytes(pdf.output())
