"""``touchdose evidence``: the published evidence on massage for a condition, as it is."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from touchdose.cli._app import ExitStatus, app
from touchdose.evidence.effects import Z_975
from touchdose.evidence.library import EVIDENCE_OUTCOMES
from touchdose.evidence.summary import EvidenceRow, EvidenceSummary, evidence_summary
from touchdose.records import CONDITIONS
from touchdose.text import words

_KIND_WORDS = {
    "meaningful": "large enough to feel",
    "possibly_meaningful": "maybe large enough to feel",
    "too_small_to_feel": "clear but too small to feel",
    "clear": "clear",
    "uncertain": "uncertain",
    "worse": "worse with massage",
    "no_interval": "cannot judge",
}


def _interval(ci: tuple[float, float] | None) -> str:
    return f"{ci[0]:+.2f} to {ci[1]:+.2f}" if ci else "-"


def _studies_table(s: EvidenceSummary) -> Table:
    t = Table(title="Studies (effects normalised: negative = better with massage)", show_lines=True)
    t.add_column("study", no_wrap=True)
    t.add_column("outcome, versus", ratio=3)
    t.add_column("as published", ratio=2)
    t.add_column("points on 0-10", ratio=2)
    t.add_column("judgement", ratio=2)
    t.add_column("checked", no_wrap=True)
    for r in s.rows:
        points = f"{r.points:+.2f}\n({_interval(r.points_ci95)})" if r.points is not None else "-"
        t.add_row(
            f"{r.study_id}\n{r.level}",
            f"{r.outcome_detail}, vs {r.comparator}",
            r.reported or "(no numbers)",
            points,
            _KIND_WORDS[r.judgement.kind],
            r.status,
        )
    return t


def _render(s: EvidenceSummary, out: Console) -> None:
    where = words(s.condition, capital=False) if s.condition else "all conditions"
    out.rule(f"Evidence on massage: {where}" + (f", {s.outcome}" if s.outcome else ""), style="cyan")
    for m in s.messages:
        out.print(f"* {m}", highlight=False)
    out.print(_studies_table(s))
    narrative = [r for r in s.rows if r.effect is None and r.note]
    if narrative:
        out.print("Findings reported without usable numbers:", highlight=False)
        for r in narrative:
            out.print(f"  {r.study_id} ({r.status}): {r.note}", highlight=False)
    out.print(
        f"Points on the 0-10 pain scale = SMD x SD {s.pain_sd_points:g} ({s.pain_sd_source}); "
        f"a mean difference on 0-100 is divided by 10. Minimally important difference: "
        f"{s.mid_points:g} point (IMMPACT, Dworkin 2008).",
        highlight=False,
    )
    judged = ("too_small_to_feel", "meaningful", "possibly_meaningful")
    for row in s.rows:
        if row.judgement.kind in judged and row.points is not None:
            out.print(
                f"  {row.study_id} ({row.comparator}): {row.points:+.1f} points. {row.judgement.sentence}",
                highlight=False,
            )
    for p in s.pooled:
        pool = p.meta
        out.print(
            f"Pooled {p.outcome} ({p.effect_type}{' on ' + p.scale if p.scale else ''}; "
            f"{', '.join(p.study_ids)}; {pool.method} with Hartung-Knapp): {pool.estimate:+.2f} "
            f"(95 % CI {_interval(pool.ci95)}), prediction {_interval(pool.pred95)}, I^2 {pool.i2:.0f} %. "
            f"{p.judgement.sentence}",
            highlight=False,
        )
    if s.dose is not None:
        d = s.dose
        out.print(
            f"Starting dose from the trials: {d.minutes} min, {d.sessions_per_week}x a week, {d.weeks} weeks "
            f"({words(d.technique, capital=False)}; {d.citation}). {d.why}",
            highlight=False,
        )
    if s.guidelines:
        g = Table(title="Guidelines on massage for fibromyalgia (compared by Thieme 2017)")
        for col in ("guideline", "year", "massage", "verified", "note"):
            g.add_column(col)
        for gl in s.guidelines:
            g.add_row(gl.guideline, str(gl.year), gl.massage_position, gl.status, gl.note)
        out.print(g)


def _plot(path: Path, s: EvidenceSummary) -> None:
    from touchdose.reports.charts.forest import forest_plot  # matplotlib only when a plot is asked for

    rows: list[EvidenceRow] = [r for r in s.rows if r.points is not None and r.points_ci95 is not None]
    in_points = bool(rows)
    if not rows:
        rows = [r for r in s.rows if r.effect_type == "SMD" and r.ci95 is not None and r.effect is not None]
    labels = [f"{r.study_id}, {r.timepoint[:16]}" for r in rows]
    yi = [(r.points if in_points else r.effect) or 0.0 for r in rows]
    cis = [(r.points_ci95 if in_points else r.ci95) or (0.0, 0.0) for r in rows]
    vi = [((hi - lo) / (2 * Z_975)) ** 2 for lo, hi in cis]
    where = words(s.condition, capital=False) if s.condition else "all conditions"
    chart = forest_plot(
        labels,
        yi,
        vi,
        None,
        title=f"Massage for {where}",
        xlabel="Pain change, points (0-10)" if in_points else "SMD",
        mid=s.mid_points if in_points else None,
    )
    chart.save(path)


@app.command()
def evidence(
    condition: str | None = typer.Option(None, help="One of: " + ", ".join(CONDITIONS) + "."),
    outcome: str | None = typer.Option(None, help="One of: " + ", ".join(EVIDENCE_OUTCOMES) + "."),
    as_json: bool = typer.Option(False, "--json", help="Print the summary as JSON."),
    plot: Path | None = typer.Option(None, "--plot", help="Write a forest plot to this .png or .svg file."),
) -> None:
    """Show the published evidence: studies, pooled effects where honest, points on 0-10, guidelines."""
    err = Console(stderr=True)
    if plot is not None and plot.suffix.lower() not in (".png", ".svg"):
        err.print(f"--plot {str(plot)!r} is not allowed (allowed: a file name ending in .png or .svg)")
        raise typer.Exit(ExitStatus.BAD_INPUT)
    try:
        summary = evidence_summary(condition, outcome)
    except ValueError as e:
        err.print(str(e), highlight=False)
        raise typer.Exit(ExitStatus.BAD_INPUT) from None
    if plot is not None:
        _plot(plot, summary)
    if as_json:
        typer.echo(json.dumps(summary.to_dict()))
        return
    _render(summary, Console())
    if plot is not None:
        Console().print(f"Forest plot written to {plot}", highlight=False)
