"""``touchdose simulate``: synthetic client files from the pain-system model, plus their truth."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from touchdose.cli._app import ExitStatus, app
from touchdose.io import write_atomically, write_json
from touchdose.painmodel.population import KINDS, Kind, check_mix
from touchdose.painmodel.simulate import DEFAULT_DAYS, FixedPolicy, fixed, simulate_clients
from touchdose.records import is_timezone

TRUTH_FILE = "truth.json"
FORMATS = ("json", "parquet")


def parse_mix(text: str) -> dict[str, float]:
    """``helps=0.4,no_effect=0.4,harmed_moderate=0.2`` -> the mix of kinds (shares normalised)."""
    mix: dict[str, float] = {}
    for item in text.split(","):
        name, sep, share = item.strip().partition("=")
        try:
            mix[name.strip()] = float(share)
        except ValueError:
            sep = ""
        if not sep:
            raise typer.BadParameter(f"mix item {item.strip()!r} is not allowed (allowed: kind=share, e.g. "
                                     "helps=0.4,no_effect=0.4,harmed_moderate=0.2)")  # fmt: skip
    try:
        return check_mix(mix)
    except ValueError as e:
        raise typer.BadParameter(str(e)) from None


def parse_policy(text: str) -> Callable[..., int]:
    """``fixed:N`` (N = pressure 1-5) -> the fixed routine; ``titration`` -> touchdose's own plan."""
    if text == "titration":
        from touchdose.analysis.policy import titration_policy

        return titration_policy()
    name, _, value = text.partition(":")
    if name != "fixed" or not value.isdigit() or not 1 <= int(value) <= 5:
        raise typer.BadParameter(
            f"policy = {text!r} is not allowed (allowed: fixed:1 ... fixed:5, titration)"
        )
    return fixed(int(value))


@app.command()
def simulate(
    clients: int = typer.Option(20, "--clients", min=1, help="Number of synthetic clients."),
    seed: int = typer.Option(1, "--seed", min=0, help="Random seed; the same seed writes the same bytes."),
    policy: str = typer.Option(
        "fixed:3", "--policy", help="Therapist policy: fixed:N (pressure N, 1-5) or titration."
    ),
    out: Path = typer.Option(
        ..., "--out", help="Directory for the client files and truth.json.", show_default=False
    ),
    kind: str | None = typer.Option(
        None, "--kind", help="Only this kind: " + ", ".join(KINDS) + " (default: mixed)."
    ),
    days: int = typer.Option(DEFAULT_DAYS, "--days", min=1, help="Days of diary per client."),
    timezone: str = typer.Option("UTC", "--timezone", help="IANA time zone of the simulated clients."),
    intake: bool = typer.Option(False, "--intake", help="Give each client ACR 2016 intake answers too."),
    fmt: str = typer.Option(
        "json", "--format", help="json: one client file each; parquet: one client dataset (for 'cohort')."
    ),
    mix: str | None = typer.Option(
        None, "--mix", help="Shares of kinds, e.g. helps=0.4,no_effect=0.4,harmed_moderate=0.2."
    ),
) -> None:
    """Write synthetic client files (docs/formats.md JSON) and a truth file, for testing and teaching.

    The clients come from the pain-system model (docs/painmodel.md). truth.json says what
    each client really is: kind, sensitization, best pressure, the true effect of a session
    at each pressure, and the flares the sessions caused. Not real people; not a diagnosis.
    With --format parquet the clients go into one Parquet client dataset partitioned by client
    (docs/cohort.md), with truth.parquet beside them: fast enough for cohorts of 100 000.
    """
    chosen = parse_policy(policy)
    if fmt not in FORMATS:
        raise typer.BadParameter(f"format = {fmt!r} is not allowed (allowed: {', '.join(FORMATS)})")
    if kind is not None and kind not in KINDS:
        raise typer.BadParameter(f"kind = {kind!r} is not allowed (allowed: one of {', '.join(KINDS)})")
    if kind is not None and mix is not None:
        raise typer.BadParameter("--kind and --mix are not allowed together (allowed: one of them)")
    kinds: Kind = kind if mix is None else parse_mix(mix)
    if not is_timezone(timezone):
        raise typer.BadParameter(f"timezone = {timezone[:60]!r} is not an IANA time zone name") from None
    err = Console(stderr=True)
    if fmt == "parquet":
        _parquet(out, clients, seed=seed, kind=kinds, policy=chosen, days=days, timezone=timezone,
                 intake=intake, err=err)  # fmt: skip
        return
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        err.print(f"[red]Cannot create {out}: {e.strerror}[/red]")
        raise typer.Exit(int(ExitStatus.ERROR)) from None
    columns = (TextColumn("Simulating"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=err, transient=True) as bar:
        task = bar.add_task("simulate", total=clients)
        result = simulate_clients(
            clients, seed=seed, kind=kinds, policy=chosen, days=days, timezone=timezone, intake=intake,
            progress=lambda done: bar.update(task, completed=done),
        )  # fmt: skip
    width = len(str(clients))
    for i, cf in enumerate(result.clients, start=1):
        write_json(cf, out / f"client-{i:0{width}d}.json")
    truth = json.dumps(result.truth_dict(), indent=2, ensure_ascii=False) + "\n"
    write_atomically(out / TRUTH_FILE, truth)
    err.print(f"Wrote {clients} client files and {TRUTH_FILE} to {out}")


def _parquet(out: Path, clients: int, *, seed: int, kind: Kind, policy: Callable[..., int], days: int,
             timezone: str, intake: bool, err: Console) -> None:  # fmt: skip
    """Write the clients as one Parquet client dataset (straight from the arrays at a fixed pressure)."""
    import pyarrow.parquet as pq

    from touchdose.cohort.dataset import DatasetWriter
    from touchdose.cohort.simulated import TRUTH_PARQUET, truth_table, write_simulated

    columns = (TextColumn("Simulating"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    try:
        with Progress(*columns, console=err, transient=True) as bar:
            task = bar.add_task("simulate", total=clients)

            def progress(done: int) -> None:
                bar.update(task, completed=done)

            if isinstance(policy, FixedPolicy):
                write_simulated(out, clients, seed=seed, kind=kind, pressure=policy.pressure, days=days,
                                timezone=timezone, intake=intake, progress=progress)  # fmt: skip
            else:  # a policy that reads each client's history needs the records
                result = simulate_clients(clients, seed=seed, kind=kind, policy=policy, days=days,
                                          timezone=timezone, intake=intake, progress=progress)  # fmt: skip
                with DatasetWriter(out) as w:
                    w.write_clients(result.clients)
                    pq.write_table(truth_table(result.truths), w.tmp / TRUTH_PARQUET)
    except (FileExistsError, OSError) as e:
        err.print(f"[red]Cannot write {out}: {e}[/red]")
        raise typer.Exit(int(ExitStatus.ERROR)) from None
    err.print(f"Wrote a client dataset of {clients} clients and {TRUTH_PARQUET} to {out}")
