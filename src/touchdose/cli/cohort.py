"""``touchdose cohort``: the engine over many clients on Dask, one row per client, the pooled effect."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from touchdose.analysis.comparison import DIARY_OUTCOMES
from touchdose.analysis.pooled import PooledEffects
from touchdose.cli._app import ExitStatus, app
from touchdose.cohort.dataset import SourceError
from touchdose.cohort.run import CohortOptions, CohortRun, run_cohort
from touchdose.records import ClientFile
from touchdose.text import count, noun, percent

#: The SOURCE that means the web app's database.
DATABASE = "database:"


def _database_clients() -> Iterator[ClientFile]:
    """Every client in the database (each read is in that client's audit trail)."""
    from touchdose.cli.serve import setup_django

    setup_django(migrate=False, collect_static=False)
    from django.db import DatabaseError

    from touchdose.web import selectors

    try:
        yield from selectors.cohort_client_files(actor=None)
    except DatabaseError as e:
        raise SourceError(f"{DATABASE} cannot read the database ({type(e).__name__}); "
                          "has `touchdose serve` set it up?") from None


def _unit(outcome: str, amount: float) -> str:
    return noun(1 if amount == 1 else 2, "hour" if outcome == "sleep_hours" else "point")


def _sentence(run: CohortRun, p: PooledEffects) -> str:
    o = DIARY_OUTCOMES[run.outcome]
    lo, hi = p.share_benefit_ci95
    return (f"Across {p.k} clients, {o.label} on massage days differed by {p.mean:+.2f} "
            f"{_unit(run.outcome, 2)} on average (95 % CI {p.ci95[0]:+.2f} to {p.ci95[1]:+.2f}); about "
            f"{percent(p.share_benefit)} of them ({percent(lo)} to {percent(hi)}) had a benefit of at least "
            f"{p.mid:g} {_unit(run.outcome, p.mid)}.")  # fmt: skip


def render_run(run: CohortRun, out: Console) -> None:
    """The pooled summary: one sentence first, then the numbers."""
    p = run.pooled
    if p is not None:
        out.print(_sentence(run, p), highlight=False)
    counts = (f"{run.clients} clients: {run.analysed} analysed, {run.rejected} rejected (see the 'problems' "
              f"column), {run.refused} without a comparison (too little data).")  # fmt: skip
    out.print(counts, highlight=False)
    if run.verdicts:
        out.print("Verdicts: " + ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in run.verdicts.items()),
                  highlight=False)  # fmt: skip
    if p is not None:
        for line in (
            f"Random-effects model of clients ({p.method}, k = {p.k}): mean {p.mean:+.3f} (SE {p.se:.3f}), "
            f"between-client SD {p.tau:.3f} (95 % CI {p.tau_ci95[0]:.3f} to {p.tau_ci95[1]:.3f})",
            f"A new client: 95 % prediction interval {p.pred95[0]:+.2f} to {p.pred95[1]:+.2f}; "
            f"chance of a benefit of at least {p.mid:g}: {percent(p.p_new_benefit, ends=True)}",
            f"Share with a benefit >= {p.mid:g}: {percent(p.share_benefit)}; with a harm >= {p.mid:g}: "
            f"{percent(p.share_harm)}",
        ):
            out.print(line, highlight=False)
    for note in run.notes:
        out.print(f"Note: {note}", highlight=False)
    out.print(f"{run.clients} rows written to {run.out} ({count(run.partitions, 'partition')} on "
              f"{count(run.workers, 'worker')}, {run.seconds:.1f} s)", highlight=False)  # fmt: skip


@app.command()
def cohort(
    source: str = typer.Argument(
        ..., help="A client dataset (Parquet, from 'touchdose simulate --format parquet'), a directory "
        "of JSON/CSV client files, or 'database:' for every client in the web app's database.",
        show_default=False,
    ),
    out: Path = typer.Option(..., "--out", help="Results file: one row per client (Parquet).",
                             show_default=False),
    scheduler: str | None = typer.Option(
        None, "--scheduler", help="Address of an existing Dask scheduler (default: a local cluster)."
    ),
    workers: int | None = typer.Option(
        None, "--workers", min=1, help="Worker processes of the local cluster (default: one per CPU)."
    ),
    outcome: str = typer.Option(
        "pain", "--outcome", help="Outcome pooled: " + ", ".join(DIARY_OUTCOMES) + "."
    ),
    mid: float | None = typer.Option(None, "--mid", help="MID of that outcome (default: pain 1 point)."),
    effects_only: bool = typer.Option(
        False, "--effects-only", help="Only the n-of-1 comparison of the outcome, read straight from the "
        "columns (no verdict or plan): for research cohorts of many thousand clients.",
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the summary as JSON."),
) -> None:  # fmt: skip
    """Analyse many clients on Dask: one row per client (verdict, effect, interval, plan), pooled.

    The per-client effects are pooled with a random-effects model of clients: the population
    mean effect, the between-client SD, a prediction interval for a new client and the share
    of clients with a benefit of at least the MID. A client whose file breaks the format is
    written as 'rejected' with every problem; the others are analysed.
    """
    err = Console(stderr=True)
    try:
        options = CohortOptions(outcome=outcome, mid=mid, effects_only=effects_only)
    except ValueError as e:
        raise typer.BadParameter(str(e)) from None
    columns = (TextColumn("Analysing"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    try:
        with Progress(*columns, console=err, transient=True) as bar:
            task = bar.add_task("clients", total=None)

            def progress(done: int, total: int) -> None:
                bar.update(task, completed=done, total=total)

            clients = _database_clients() if source == DATABASE else Path(source)
            run = run_cohort(clients, out, scheduler=scheduler, workers=workers, options=options,
                             progress=progress)  # fmt: skip
    except SourceError as e:
        err.print(str(e), highlight=False, markup=False, soft_wrap=True)
        raise typer.Exit(int(ExitStatus.BAD_INPUT)) from None

    except (ValueError, OSError) as e:
        err.print(f"cohort: {e}", highlight=False, markup=False, soft_wrap=True)
        raise typer.Exit(int(ExitStatus.ERROR)) from None
    if as_json:
        typer.echo(json.dumps(run.to_dict()))
    else:
        render_run(run, Console())
