"""``touchdose analyze``: the personal evidence engine on client files, no database needed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer
from rich.console import Console

from touchdose.analysis.engine import analyze_client
from touchdose.cli._app import ExitStatus, app
from touchdose.cli._render import render_analysis
from touchdose.io import FileRejected, LoadedFile, load_client_file, profile_from_dict
from touchdose.records import ClientProfile


def _profile_option(path: Path | None) -> ClientProfile | None:
    """The ``--client-json`` profile: a ``client`` object, or a whole client file."""
    if path is None:
        return None
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise typer.BadParameter(f"{path}: cannot read a JSON profile ({e})") from None
    if isinstance(raw, dict) and "client" in raw:
        raw = raw["client"]
    profile, problems = profile_from_dict(raw, where=str(path))
    if profile is None:
        raise typer.BadParameter("\n".join(str(p) for p in problems))
    return profile


@app.command()
def analyze(
    files: list[Path] = typer.Argument(..., help="Client files (.json or .csv).", show_default=False),
    as_json: bool = typer.Option(False, "--json", help="Print JSON (JSON Lines for several files)."),
    timezone: str | None = typer.Option(
        None, help="Time zone for times written without a UTC offset (default: the client's, else UTC)."
    ),
    client_json: Path | None = typer.Option(
        None,
        "--client-json",
        help="Profile for CSV files: a JSON 'client' object or client file.",
    ),
) -> None:
    """Analyse client files: session responses, the n-of-1 comparison, titration, verdict and plan.

    A file that breaks the format is rejected whole, with every bad row listed,
    and the exit code is 2 (after all files are done).
    """
    profile = _profile_option(client_json)
    out, err = Console(), Console(stderr=True)
    status = ExitStatus.OK
    for path in files:
        try:
            loaded = load_client_file(path, timezone=timezone, profile=profile)
        except FileRejected as e:
            status = ExitStatus.BAD_INPUT
            _report_rejection(e, path, as_json, err)
            continue
        except OSError as e:
            status = ExitStatus.BAD_INPUT
            _report_unreadable(path, e, as_json, err)
            continue
        _report(loaded, as_json, out)
    raise typer.Exit(int(status))


def _report(loaded: LoadedFile, as_json: bool, out: Console) -> None:
    result = analyze_client(loaded.client_file)
    analysis = result.to_dict()
    if loaded.notes():
        analysis["notes"] = loaded.notes()
    if as_json:
        typer.echo(json.dumps(analysis, ensure_ascii=False))
    else:
        render_analysis(analysis, out, instruments=result.instruments)


def _report_rejection(e: FileRejected, path: Path, as_json: bool, err: Console) -> None:
    if as_json:
        line: dict[str, Any] = {
            "file": str(path),
            "error": e.describe(),
            "problems": [p.to_dict() for p in e.problems],
        }
        typer.echo(json.dumps(line, ensure_ascii=False))
    else:
        err.print(e.describe(), markup=False, highlight=False, soft_wrap=True)


def _report_unreadable(path: Path, e: OSError, as_json: bool, err: Console) -> None:
    message = f"{path}: cannot read the file ({e.strerror or e})"
    if as_json:
        typer.echo(json.dumps({"file": str(path), "error": message}))
    else:
        err.print(message, markup=False, highlight=False, soft_wrap=True)
