"""``touchdose simulate``: synthetic client files from the pain-system model, plus their truth."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from touchdose.cli._app import ExitStatus, app
from touchdose.io import write_json
from touchdose.painmodel.population import KINDS
from touchdose.painmodel.simulate import DEFAULT_DAYS, fixed, simulate_clients

TRUTH_FILE = "truth.json"


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
) -> None:
    """Write synthetic client files (docs/formats.md JSON) and a truth file, for testing and teaching.

    The clients come from the pain-system model (docs/painmodel.md). truth.json says what
    each client really is: kind, sensitization, best pressure, the true effect of a session
    at each pressure, and the flares the sessions caused. Not real people; not a diagnosis.
    """
    chosen = parse_policy(policy)
    if kind is not None and kind not in KINDS:
        raise typer.BadParameter(f"kind = {kind!r} is not allowed (allowed: one of {', '.join(KINDS)})")
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise typer.BadParameter(f"timezone = {timezone!r} is not an IANA time zone name") from None
    err = Console(stderr=True)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        err.print(f"[red]Cannot create {out}: {e.strerror}[/red]")
        raise typer.Exit(int(ExitStatus.ERROR)) from None
    columns = (TextColumn("Simulating"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=err, transient=True) as bar:
        task = bar.add_task("simulate", total=clients)
        result = simulate_clients(
            clients, seed=seed, kind=kind, policy=chosen, days=days, timezone=timezone, intake=intake,
            progress=lambda done: bar.update(task, completed=done),
        )  # fmt: skip
    width = len(str(clients))
    for i, cf in enumerate(result.clients, start=1):
        write_json(cf, out / f"client-{i:0{width}d}.json")
    truth = json.dumps(result.truth_dict(), indent=2, ensure_ascii=False) + "\n"
    (out / TRUTH_FILE).write_text(truth, encoding="utf-8")
    err.print(f"Wrote {clients} client files and {TRUTH_FILE} to {out}")
