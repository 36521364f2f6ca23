"""``touchdose meta``: random-effects meta-analysis of a CSV table, as metafor does it."""

from __future__ import annotations

import csv
import json
import math
import warnings
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.table import Table

from touchdose.cli._app import ExitStatus, app
from touchdose.evidence.effects import Z_975
from touchdose.evidence.meta import METHODS, FewStudiesWarning, MetaResult, meta_analysis
from touchdose.evidence.meta_input import MetaInputError, MetaTable, parse_meta_table

_PLOT_SUFFIXES = (".png", ".svg")


def _read_table(path: Path, *, log: bool, measure: str) -> MetaTable:
    try:
        with path.open(newline="", encoding="utf-8-sig") as f:
            reader = csv.DictReader(f)
            header = [name.strip() for name in reader.fieldnames or []]
            rows = [{(k or "").strip(): v for k, v in row.items()} for row in reader]
    except (OSError, UnicodeDecodeError, csv.Error) as e:
        raise MetaInputError([f"{path}: cannot read the file ({e})"]) from None
    return parse_meta_table(header, rows, log=log, measure=measure)


def _json(table: MetaTable, r: MetaResult) -> dict[str, Any]:
    d = r.to_dict()
    d["scale"] = "log" if table.log_scale else "identity"
    d["studies"] = [
        {"study": s, "yi": y, "vi": v} for s, y, v in zip(table.labels, table.yi, table.vi, strict=True)
    ]
    if table.log_scale:
        d["exp"] = {
            "estimate": math.exp(r.estimate),
            "ci95": [math.exp(x) for x in r.ci95],
            "pred95": [math.exp(x) for x in r.pred95],
        }
    return d


def _render(table: MetaTable, r: MetaResult, out: Console) -> None:
    lg = table.log_scale
    studies = Table(title=f"{r.k} studies" + (" (log scale; ratios in brackets)" if lg else ""))
    for col in ("study", "yi", "95 % CI", "weight"):
        studies.add_column(col, justify="left" if col == "study" else "right")
    for s, y, v, w in zip(table.labels, table.yi, table.vi, r.weights, strict=True):
        half = Z_975 * math.sqrt(v)
        ratio = f" [{math.exp(y):.3f}]" if lg else ""
        studies.add_row(s, f"{y:.4f}{ratio}", f"{y - half:.4f} to {y + half:.4f}", f"{w:.1f} %")
    out.print(studies)
    test = f"t({r.df})" if r.df is not None else "z"
    ci_kind = "Hartung-Knapp-Sidik-Jonkman" if r.hksj else "Wald"
    lines = [
        f"Random-effects model (k = {r.k}; tau^2 estimator: {r.method}; {ci_kind} intervals)",
        f"tau^2 = {r.tau2:.4f}"
        + (f" (SE = {r.tau2_se:.4f})" if r.tau2_se is not None else "")
        + f"; tau = {r.tau:.4f}; 95 % CI for tau^2 {r.tau2_ci95[0]:.4f} to {r.tau2_ci95[1]:.4f}",
        f"I^2 = {r.i2:.2f} %; H^2 = {r.h2:.2f}",
        f"Q(df = {r.q_df}) = {r.q:.4f}, p = {r.q_p:.4g}",
        f"estimate = {r.estimate:.4f}, SE = {r.se:.4f}, {test} = {r.statistic:.4f}, p = {r.p:.4g}",
        f"95 % CI {r.ci95[0]:.4f} to {r.ci95[1]:.4f}; 95 % prediction interval {r.pred95[0]:.4f} to "
        f"{r.pred95[1]:.4f}",
    ]
    if lg:
        lines.append(
            f"as a ratio: {math.exp(r.estimate):.4f} (95 % CI {math.exp(r.ci95[0]):.4f} to "
            f"{math.exp(r.ci95[1]):.4f}; prediction {math.exp(r.pred95[0]):.4f} to "
            f"{math.exp(r.pred95[1]):.4f})"
        )
    for line in lines:
        out.print(line, highlight=False)


def _plot(path: Path, table: MetaTable, r: MetaResult) -> None:
    from touchdose.reports.charts.forest import forest_plot  # matplotlib only when a plot is asked for

    chart = forest_plot(
        table.labels,
        table.yi,
        table.vi,
        r.to_dict(),
        log_scale=table.log_scale,
        title=f"Forest plot ({r.method}, k = {r.k})",
        xlabel="Ratio" if table.log_scale else "Effect",
    )
    chart.save(path)


@app.command()
def meta(
    file: Path = typer.Argument(
        ...,
        help="CSV: study,yi,vi | study,yi,sei | study,n1,mean1,sd1,n2,mean2,sd2 | "
        "study,estimate,ci_low,ci_high | study,ai,bi,ci,di.",
        show_default=False,
    ),
    method: str = typer.Option("reml", help="tau^2 estimator: reml, dl, pm (also ml, he, hs, sj, ee)."),
    hksj: bool = typer.Option(False, "--hksj", help="Hartung-Knapp-Sidik-Jonkman (t) intervals."),
    log: bool = typer.Option(False, "--log", help="estimate/ci columns are ratios: pool on the log scale."),
    measure: str = typer.Option("rr", help="For 2x2 counts (ai,bi,ci,di): rr (log risk ratio) or or."),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON."),
    plot: Path | None = typer.Option(None, "--plot", help="Write a forest plot to this .png or .svg file."),
) -> None:
    """Pool study effects with a random-effects model (REML by default, as metafor's rma).

    A table with bad rows is rejected whole, with every bad row listed, and exit code 2.
    """
    err = Console(stderr=True)
    if method.upper() not in METHODS:
        err.print(f"--method {method!r} is not allowed (allowed: {', '.join(m.lower() for m in METHODS)})")
        raise typer.Exit(ExitStatus.BAD_INPUT)
    if plot is not None and plot.suffix.lower() not in _PLOT_SUFFIXES:
        err.print(f"--plot {str(plot)!r} is not allowed (allowed: a file name ending in .png or .svg)")
        raise typer.Exit(ExitStatus.BAD_INPUT)
    try:
        table = _read_table(file, log=log, measure=measure)
    except MetaInputError as e:
        err.print(f"{file}: rejected", highlight=False)
        err.print(str(e), highlight=False, markup=False)
        raise typer.Exit(ExitStatus.BAD_INPUT) from None
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", FewStudiesWarning)
        result = meta_analysis(table.yi, table.vi, method=method.upper(), hksj=hksj)
    for w in caught:
        err.print(f"Note: {w.message}", highlight=False)
    if plot is not None:
        _plot(plot, table, result)
    if as_json:
        typer.echo(json.dumps(_json(table, result)))
    else:
        _render(table, result, Console())
        if plot is not None:
            Console().print(f"Forest plot written to {plot}", highlight=False)
