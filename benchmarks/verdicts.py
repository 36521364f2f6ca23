"""Verdicts, plans and titration on simulated clients (issue 4, "Must show").

For each kind of simulated client (helps, no effect, harmed by moderate pressure,
soothing only, too little data) the script simulates N clients under the fixed
moderate routine (pressure 3 every week) and, with the same seed (the same clients
and the same day-to-day noise), under the titration policy. It runs the whole engine
(`analyze_client`, what `touchdose analyze` prints) on every client file and prints:

1. the table of true kind x verdict (fixed routine, then titration);
2. for harmed clients, how often the plan avoids the pressure that hurt them;
3. flares per client and relief per session under both policies, by kind and pooled;
4. each goal of the issue with PASS or FAIL.

``--part issue17`` runs issue 17's kinds instead (benchmarks/diary_kinds.py: morning and
evening diarists, late harm, Monday sessions with a weekend rise) under the fixed routine,
with their goals; ``--part all`` runs both.

Usage: .venv/bin/python benchmarks/verdicts.py [--n 200] [--seed 2026] [--days 120] [--json FILE]
       [--part issue4|issue17|all]
"""

from __future__ import annotations

import argparse
import json
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from diary_kinds import DIARY_KINDS, diary_goals

from touchdose.analysis.engine import analyze_client
from touchdose.analysis.policy import titration_policy
from touchdose.analysis.verdict import VERDICT_STATES
from touchdose.painmodel import KINDS, SimulationResult, fixed, simulate_clients
from touchdose.painmodel.scenario import DEFAULT_SCENARIO, Scenario

MODERATE = 3


@dataclass
class Arm:
    """One policy on one kind: verdicts, plans and what really happened."""

    kind: str
    policy: str
    states: Counter[str] = field(default_factory=Counter)
    plan_avoids_hurt: list[bool] = field(default_factory=list)
    flares: list[int] = field(default_factory=list)
    relief: list[float] = field(default_factory=list)  # one entry per session given
    pressures: Counter[int] = field(default_factory=Counter)
    seconds_sim: float = 0.0
    seconds_engine: float = 0.0

    @property
    def n(self) -> int:
        return sum(self.states.values())

    def share(self, *states: str) -> float:
        return sum(self.states[s] for s in states) / self.n if self.n else float("nan")

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind, "policy": self.policy, "n": self.n, "states": dict(self.states),
            "plan_avoids_hurt": float(np.mean(self.plan_avoids_hurt)) if self.plan_avoids_hurt else None,
            "flares_per_client": float(np.mean(self.flares)),
            "relief_per_session": float(np.mean(self.relief)),
            "pressures": {str(k): v for k, v in sorted(self.pressures.items())},
            "seconds_sim": round(self.seconds_sim, 1), "seconds_engine": round(self.seconds_engine, 1),
        }  # fmt: skip


def run_arm(
    kind: str, policy: Any, n: int, seed: int, days: int, scenario: Scenario = DEFAULT_SCENARIO,
    name: str | None = None,
) -> Arm:
    t0 = time.perf_counter()
    run: SimulationResult = simulate_clients(
        n, seed=seed, kind=kind, policy=policy, days=days, scenario=scenario
    )
    arm = Arm(name or kind, run.policy, seconds_sim=time.perf_counter() - t0)
    t1 = time.perf_counter()
    for cf, truth in zip(run.clients, run.truths, strict=True):
        a = analyze_client(cf)
        assert a.verdict is not None and a.plan is not None
        arm.states[a.verdict.state] += 1
        hurt = {s.pressure for s in truth.sessions if s.flare}
        if hurt:
            arm.plan_avoids_hurt.append(a.plan.pressure is None or a.plan.pressure < min(hurt))
        arm.flares.append(truth.flares)
        arm.relief.extend(-s.effect for s in truth.sessions)
        arm.pressures.update(s.pressure for s in truth.sessions)
    arm.seconds_engine = time.perf_counter() - t1
    return arm


def verdict_table(arms: list[Arm]) -> str:
    head = "| true kind | n | " + " | ".join(VERDICT_STATES) + " |"
    rule = "|---|---:|" + "---:|" * len(VERDICT_STATES)
    rows = [
        f"| {a.kind} | {a.n} | " + " | ".join(f"{100 * a.share(s):.1f} %" for s in VERDICT_STATES) + " |"
        for a in arms
    ]
    return "\n".join([head, rule, *rows])


def policy_table(fixed_arms: list[Arm], titrated: list[Arm]) -> str:
    head = (
        "| true kind | flares/client fixed | flares/client titration | relief/session fixed | "
        "relief/session titration | pressures given under titration |"
    )
    rule = "|---|---:|---:|---:|---:|---|"
    rows = []
    for f, t in zip(fixed_arms, titrated, strict=True):
        given = ", ".join(f"{p}: {c}" for p, c in sorted(t.pressures.items()))
        rows.append(
            f"| {f.kind} | {np.mean(f.flares):.2f} | {np.mean(t.flares):.2f} | {np.mean(f.relief):+.2f} | "
            f"{np.mean(t.relief):+.2f} | {given} |"
        )
    pf, pt = pooled(fixed_arms), pooled(titrated)
    rows.append(
        f"| **all kinds pooled** | {pf[0]:.2f} | {pt[0]:.2f} | {pf[1]:+.2f} | {pt[1]:+.2f} | |"
    )
    return "\n".join([head, rule, *rows])


def pooled(arms: list[Arm]) -> tuple[float, float]:
    """(flares per client, relief per session) over every client and session of all kinds."""
    flares = [f for a in arms for f in a.flares]
    relief = [r for a in arms for r in a.relief]
    return float(np.mean(flares)), float(np.mean(relief))


def goals(fixed_arms: list[Arm], titrated: list[Arm]) -> list[tuple[str, float, str, bool]]:
    """Each goal of issue 4: (what, value, goal, met).

    Relief is compared where there is relief to keep: on the clients massage helps, and on
    every kind except the harmed (pooled over all kinds the fixed routine's relief per
    session is negative, because harmed clients get worse, and a ratio would mean nothing).
    """
    by = {a.kind: a for a in fixed_arms}
    tby = {a.kind: a for a in titrated}
    harmed = by["harmed_moderate"]
    flares_f, flares_t = pooled(fixed_arms)[0], pooled(titrated)[0]
    helps = float(np.mean(tby["helps"].relief) / np.mean(by["helps"].relief))
    others_f = pooled([a for a in fixed_arms if a.kind != "harmed_moderate"])[1]
    others_t = pooled([a for a in titrated if a.kind != "harmed_moderate"])[1]
    avoid = float(np.mean(harmed.plan_avoids_hurt))
    helping = by["helps"].share("helping")
    false_help = by["no_effect"].share("helping")
    caught = harmed.share("more_pain", "mixed")
    # Safety first (issue 11): harm is said at once, even on one or two sessions; benefit never.
    waiting = 1.0 - by["too_little_data"].share("helping", "soothing", "no_effect")
    return [
        ("helpers judged helping", helping, ">= 80 %", helping >= 0.8),
        ("no-effect clients judged helping", false_help, "<= 10 %", false_help <= 0.10),
        ("harmed clients judged more_pain or mixed", caught, ">= 90 %", caught >= 0.90),
        ("harmed clients whose plan is below the pressure that hurt", avoid, ">= 95 %", avoid >= 0.95),
        ("too-little-data clients given no verdict on benefit", waiting, "= 100 %", waiting == 1.0),
        ("titration flares / fixed flares (all kinds)", flares_t / flares_f, "<= 1/3",
         flares_t <= flares_f / 3),
        ("titration relief / fixed relief (helps)", helps, ">= 80 %", helps >= 0.8),
        ("titration relief / fixed relief (all kinds but harmed)", others_t / others_f, ">= 80 %",
         others_t >= 0.8 * others_f),
    ]  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--n", type=int, default=200, help="clients per kind (default 200)")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--days", type=int, default=120, help="diary days per client (default 120)")
    parser.add_argument("--json", help="also write the figures to this JSON file")
    parser.add_argument("--part", choices=("issue4", "issue17", "all"), default="issue4",
                        help="issue 4's kinds and titration (default), issue 17's diary kinds, or both")
    args = parser.parse_args()
    out: dict[str, Any] = {"n": args.n, "seed": args.seed, "days": args.days}
    if args.part in ("issue4", "all"):
        out.update(issue4(args))
    if args.part in ("issue17", "all"):
        out.update(issue17(args))
    if args.json:
        with open(args.json, "w", encoding="utf-8") as fh:
            json.dump(out, fh, indent=1)


def print_goals(title: str, results: list[tuple[str, float, str, bool]]) -> None:
    print(f"\n## Goals ({title})\n")
    for name, value, goal, ok in results:
        print(f"- {name}: {100 * value:.1f} % (goal {goal}) {'PASS' if ok else 'FAIL'}")


def issue17(args: argparse.Namespace) -> dict[str, Any]:
    """Issue 17's kinds under the fixed moderate routine: verdict table and goals."""
    arms = []
    for k in DIARY_KINDS:
        arms.append(run_arm(k.physiology, fixed(MODERATE), args.n, args.seed, args.days, k.scenario, k.name))
        print(f"# {k.name} ({k.what}): {arms[-1].seconds_sim + arms[-1].seconds_engine:.0f} s", flush=True)
    title = f"issue 17's kinds, fixed moderate routine, seed {args.seed}, days {args.days}"
    print(f"\n## True kind x verdict, {title}\n")
    print(verdict_table(arms))
    results = diary_goals({a.kind: a for a in arms})
    print_goals("issue 17", results)
    goals_out = [{"goal": g[0], "value": g[1], "target": g[2], "pass": g[3]} for g in results]
    return {"issue17": [a.to_dict() for a in arms], "issue17_goals": goals_out}


def issue4(args: argparse.Namespace) -> dict[str, Any]:
    """Issue 4's kinds under the fixed routine and under titration."""
    fixed_arms, titrated = [], []
    for kind in KINDS:
        fixed_arms.append(run_arm(kind, fixed(MODERATE), args.n, args.seed, args.days))
        titrated.append(run_arm(kind, titration_policy(), args.n, args.seed, args.days))
        f, t = fixed_arms[-1], titrated[-1]
        print(
            f"# {kind}: simulated+analysed in {f.seconds_sim + f.seconds_engine:.0f} s (fixed), "
            f"{t.seconds_sim + t.seconds_engine:.0f} s (titration)",
            flush=True,
        )

    title = f"fixed moderate routine (pressure {MODERATE} weekly), seed {args.seed}, days {args.days}"
    print(f"\n## True kind x verdict, {title}\n")
    print(verdict_table(fixed_arms))
    print("\n## True kind x verdict, titration policy (same clients, same noise)\n")
    print(verdict_table(titrated))
    print("\n## Flares and relief: fixed moderate routine vs titration\n")
    print(policy_table(fixed_arms, titrated))
    results = goals(fixed_arms, titrated)
    print_goals("issue 4", results)
    return {
        "fixed": [a.to_dict() for a in fixed_arms], "titration": [a.to_dict() for a in titrated],
        "goals": [{"goal": g[0], "value": g[1], "target": g[2], "pass": g[3]} for g in results],
    }  # fmt: skip


if __name__ == "__main__":
    main()
