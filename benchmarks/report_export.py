"""Benchmark of the clinician report and the exports on a year of one client's data.

What is timed, each on the same simulated client (365 diary days, weekly sessions, seed fixed):
the engine (``analyze_client``), building the report, rendering the PDF (chart PNG included) and the
HTML, the FHIR Bundle (build + fhir.resources validation), reading the Bundle back, and the JSON and
CSV exports. Sizes of each output are printed too. Figures only; no goal is asserted here.

Usage: ``.venv/bin/python benchmarks/report_export.py [--days 365] [--repeat 3]``
"""

from __future__ import annotations

import argparse
import time
import warnings
from collections.abc import Callable
from typing import Any

from touchdose.analysis.engine import analyze_client
from touchdose.io import csvfile, jsonfile
from touchdose.io.fhir import client_file_to_fhir_json
from touchdose.io.fhir_read import client_file_from_fhir
from touchdose.painmodel.simulate import simulate_clients
from touchdose.reports.clinician import build_report
from touchdose.reports.clinician_html import render_html
from touchdose.reports.clinician_pdf import render_pdf

SEED = 2026


def best_of(repeat: int, work: Callable[[], Any]) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = work()
        times.append(time.perf_counter() - t0)
    return min(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    warnings.simplefilter("ignore", UserWarning)
    cf = simulate_clients(1, seed=SEED, kind="harmed_moderate", days=args.days).clients[0]
    print(f"client: {len(cf.checkins)} check-ins, {len(cf.sessions)} sessions (best of {args.repeat})")
    t, analysis = best_of(args.repeat, lambda: analyze_client(cf))
    rows = [("analyze_client", t, None)]
    t, report = best_of(args.repeat, lambda: build_report(cf, analysis))
    rows.append(("build_report (chart SVG included)", t, None))
    for name, work in (
        ("render_pdf", lambda: render_pdf(report)),
        ("render_html", lambda: render_html(report).encode("utf-8")),
        ("FHIR export + validation", lambda: client_file_to_fhir_json(cf).encode("utf-8")),
        ("JSON export", lambda: jsonfile.dumps(cf).encode("utf-8")),
        ("CSV export", lambda: csvfile.dumps(cf).encode("utf-8")),
    ):
        t, data = best_of(args.repeat, work)
        rows.append((name, t, len(data)))
    text = client_file_to_fhir_json(cf)
    t, back = best_of(args.repeat, lambda: client_file_from_fhir(text))
    assert back == cf, "FHIR round trip changed the client file"
    rows.append(("FHIR read back (validation included)", t, None))
    for name, seconds, size in rows:
        extra = f"{size / 1024:9.1f} KiB" if size is not None else ""
        print(f"{name:40s} {seconds * 1000:9.1f} ms {extra}")


if __name__ == "__main__":
    main()
