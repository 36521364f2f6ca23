"""``touchdose report``: the one-page clinician report of a client, as PDF or HTML."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import typer
from rich.console import Console

from touchdose.analysis.engine import analyze_client
from touchdose.cli._app import ExitStatus, app
from touchdose.cli.export import (
    CLIENT_JSON_OPTION,
    CLIENT_OPTION,
    FILE_ARGUMENT,
    TIMEZONE_OPTION,
    fail,
    load_client,
)
from touchdose.io import write_atomically
from touchdose.records import ClientFile
from touchdose.reports.clinician import build_report
from touchdose.reports.clinician_html import render_html
from touchdose.reports.clinician_pdf import render_pdf

REPORT_FORMATS = {".pdf": "pdf", ".html": "html", ".htm": "html"}


def report_bytes(cf: ClientFile, fmt: str, notes: Sequence[str] = ()) -> bytes:
    """The clinician report of ``cf`` as PDF or HTML bytes; ``notes`` say what reading the file assumed."""
    with warnings.catch_warnings():
        # Thin data is said in the report itself ("not yet available", the data line).
        warnings.simplefilter("ignore", UserWarning)
        report = build_report(cf, analyze_client(cf), notes=notes, generated=datetime.now(UTC))
    if fmt == "pdf":
        return render_pdf(report)
    if fmt == "html":
        return render_html(report).encode("utf-8")
    raise ValueError(f"format = {fmt!r} is not allowed (allowed: pdf, html)")


REPORT_HELP = (
    "Write the one-page clinician report: who, the period, the pain chart with sessions marked, the "
    "verdict with its probabilities, the sessions, the plan, the evidence context and the caution.\n\n"
    "The format follows the --out suffix: .pdf, or .html for one self-contained page."
)


@app.command(help=REPORT_HELP)
def report(
    file: Path | None = FILE_ARGUMENT,
    client_id: str | None = CLIENT_OPTION,
    out: Path = typer.Option(..., "--out", help="report.pdf or report.html.", show_default=False),
    timezone: str | None = TIMEZONE_OPTION,
    client_json: Path | None = CLIENT_JSON_OPTION,
) -> None:
    fmt = REPORT_FORMATS.get(out.suffix.lower())
    if fmt is None:
        raise fail(f"--out = {str(out)!r} is not allowed (allowed: a file name ending in .pdf or .html)")
    cf, notes = load_client(file, client_id, timezone, client_json)
    data = report_bytes(cf, fmt, notes)
    try:
        write_atomically(out, data)
    except OSError as e:
        raise fail(f"{out}: cannot write the file ({e.strerror or e})", ExitStatus.ERROR) from None
    Console(stderr=True).print(f"Wrote {out} ({fmt})", markup=False, highlight=False)
