"""The terminal report of ``touchdose analyze``: safety first, then verdict and plan, then the evidence.

It renders the docs/formats.md analysis dictionary, so the terminal and ``--json``
can never disagree about a number.
"""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table

from touchdose.analysis.verdict import VERDICT_LABELS
from touchdose.instruments import InstrumentScores
from touchdose.records import PRESSURE_NAMES
from touchdose.reports.clinician import instrument_rows
from touchdose.text import count, percent, words


def _pressure(level: Any) -> str:
    return f"{level} ({PRESSURE_NAMES[level]})" if isinstance(level, int) and level in PRESSURE_NAMES else "-"


def _num(value: Any, fmt: str = "{:+d}") -> str:
    return "-" if value is None else fmt.format(value)


def render_analysis(a: dict[str, Any], out: Console, *, instruments: InstrumentScores) -> None:
    """Print one client's analysis: verdict, plan, instruments (the engine's scores, worded as in
    the clinician report), data, sessions, comparison."""
    out.rule(f"Client {a['client_id']}", style="cyan")
    _safety((a.get("verdict") or {}).get("safety"), out)
    _verdict(a.get("verdict"), out)
    _plan(a.get("plan"), a.get("titration"), out)
    _instruments(instruments, out)
    _data(a["data"], out)
    _sessions(a["sessions"], out)
    _comparison(a.get("comparison"), out)
    for note in a.get("notes", []):
        out.print(f"Note: {note}", style="yellow")
    if a.get("verdict") is None:
        out.print("Verdict and plan: not computed by this version of the engine.", style="dim")


_SAFETY_STYLE = {"emergency": "bold white on red", "see_doctor": "bold red", "caution": "bold yellow"}


def _safety(safety: dict[str, Any] | None, out: Console) -> None:
    """The safety message above everything else: the headline, then whom to contact and what to do."""
    if not safety:
        return
    style = _SAFETY_STYLE.get(safety.get("level", ""), "bold")
    lines = [f"[{style}]{escape(safety.get('headline') or '')}[/{style}]"]
    lines += [f"- {escape(why)}" for why in safety.get("why", [])]
    out.print(Panel("\n".join(lines), title="Safety", border_style=style.split()[-1], expand=False))


def _verdict(v: dict[str, Any] | None, out: Console) -> None:
    if v is None:
        return
    lines = [f"[bold]{VERDICT_LABELS.get(v['state'], v['state'])}[/bold]"]
    # The engine's own sentences for a tired reader first (docs/formats.md version 2).
    lines += [f"[bold]{v[key]}[/bold]" for key in ("headline", "action") if v.get(key)]
    lines += [f"- {reason}" for reason in v.get("reasons", [])]
    if v.get("caution"):
        lines.append(f"[dim]{v['caution']}[/dim]")
    out.print(Panel("\n".join(lines), title="Verdict", expand=False))


def _plan(p: dict[str, Any] | None, t: dict[str, Any] | None, out: Console) -> None:
    if p is None:
        return
    table = Table(title="Plan for the next session", show_header=False)
    paused = p.get("pressure") is None and p.get("stop")
    pressure = "none for now: pause massage (see why)" if paused else _pressure(p.get("pressure"))
    table.add_row("Pressure", pressure)
    table.add_row("Minutes", str(p.get("minutes", "-")))
    table.add_row("Sessions per week", str(p.get("sessions_per_week", "-")))
    table.add_row("Avoid", ", ".join(p.get("avoid_regions") or []) or "nothing")
    if p.get("pause"):
        b = p["pause"]
        after = "now" if not b["after_sessions"] else f"after {count(b['after_sessions'], 'more session')}"
        table.add_row("Planned break", f"{b['days']} days without massage {after}; a verdict around "
                      f"{b['verdict_expected']}")  # fmt: skip
    if t is not None and t.get("risk_by_pressure"):
        risks = "  ".join(f"{k}: {percent(v)}" for k, v in t["risk_by_pressure"].items())
        table.add_row("Flare risk by pressure", risks)
    out.print(table)
    for why in p.get("why", []):
        out.print(f"  because {why}")


def _instruments(ins: InstrumentScores, out: Console) -> None:
    table = Table(title="Questionnaires", show_header=False)
    for label, text in instrument_rows(ins):  # the clinician report's wording
        table.add_row(label, text)
    out.print(table)


def _data(d: dict[str, Any], out: Console) -> None:
    out.print(
        f"Data: {d['checkin_days']} diary days ({d['baseline_days']} before the first session), "
        f"{d['sessions']} sessions, {d['sessions_with_followup']} with a follow-up."
    )


def _sessions(sessions: list[dict[str, Any]], out: Console) -> None:
    if not sessions:
        out.print("No sessions yet.")
        return
    table = Table(title="Sessions (change in pain, points; negative = less pain)")
    for col in ("Start", "Pressure", "Right after", "24 h", "48 h", "Outcome"):
        table.add_column(col)
    for s in sessions:
        table.add_row(
            s["start"][:16].replace("T", " "),
            _pressure(s["pressure"]),
            _num(s["immediate_change"]),
            _num(s["change_24h"]),
            _num(s["change_48h"]),
            words(s["outcome"], capital=False),
        )
    out.print(table)


def _comparison(c: dict[str, Any] | None, out: Console) -> None:
    if not c:
        return
    table = Table(title="Massage days against other days (n-of-1 comparison)")
    for col in ("Outcome", "Effect", "95 % interval", "P(benefit)", "P(harm)", "P(no meaningful)"):
        table.add_column(col)
    for name, r in c.items():
        if r is None:
            table.add_row(name, "not enough data", "", "", "", "")
            continue
        lo, hi = r["ci95"]
        table.add_row(
            name,
            f"{r['effect']:+.1f}",
            f"{lo:+.1f} to {hi:+.1f}",
            percent(r["p_benefit"]),
            percent(r["p_harm"]),
            percent(r["p_no_meaningful"]),
        )
    out.print(table)
