"""Verdicts, plans and titration on simulated clients (issues 4, 11 and 17, "Must show").

The benchmark is a registry of *parts* (:data:`PARTS`), each a list of kinds of simulated client
with the right answer for each and the goals of its issue:

* ``issue4``: the gate model's kinds (helps, no effect, harmed by moderate pressure, soothing,
  too little data), the same clients and day-to-day noise under three therapists: the fixed
  moderate routine (pressure 3 every week), the plan (``analysis.policy.titration_policy``: the
  gentlest pressure that helps, stops and breaks included) and the old rule, always the firmest
  pressure tolerated (``analysis.policy.firmest_policy``); verdicts, flares and relief.
* ``issue11``: what a real diary brings (``benchmarks/advice_kinds.py``): weekly and twice-weekly
  helpers (with and without the planned break), bad-day booking with real immediate relaxation,
  a secular improvement, heavy-tailed noise with flares, a weekend rhythm with Saturday sessions,
  harm only at pressure 3+ after the therapist escalates, harm 48-72 h after, soothing only,
  sparse diaries; verdicts, breaks, plans under their own risk target and below the harm.
* ``issue17``: the diary read for the hours it covers (``benchmarks/diary_kinds.py``).

A kind is one entry in its module's registry; a part is one entry in :data:`PARTS`.

Usage: .venv/bin/python benchmarks/verdicts.py [--part issue4,issue11,issue17|all] [--n 200]
       [--seed 2026] [--days 120] [--jobs 2] [--quick] [--json FILE] [--kinds a,b]

``--quick`` is ``--n 40``; ``--kinds`` runs only the named issue 11 kinds (the goals are then
judged over those kinds only). Time on 2 shared cores (``--jobs 2``, n = 200): issue4 about 4 min,
issue11 about 12 min, issue17 about 3 min (docs/validation.md).
"""

from __future__ import annotations

import argparse
import json
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from advice_kinds import ADVICE_KINDS, simulate, therapist
from diary_kinds import DIARY_KINDS, diary_goals

from touchdose.analysis.engine import analyze_client
from touchdose.analysis.policy import firmest_policy, titration_policy
from touchdose.analysis.verdict import VERDICT_STATES
from touchdose.painmodel import KINDS, SimulationResult, fixed, simulate_clients
from touchdose.painmodel.scenario import DEFAULT_SCENARIO, Scenario

MODERATE = 3


class _Shares:
    """The verdicts of one arm, counted: how many clients, and the share in some states."""

    states: Counter[str]

    @property
    def n(self) -> int:
        return sum(self.states.values())

    def share(self, *states: str) -> float:
        return sum(self.states[s] for s in states) / self.n if self.n else float("nan")


@dataclass
class Arm(_Shares):
    """One policy on one kind: verdicts, plans and what really happened."""

    kind: str
    policy: str
    states: Counter[str] = field(default_factory=Counter)
    plan_avoids_hurt: list[bool] = field(default_factory=list)
    plan_over_target: list[bool] = field(default_factory=list)
    flares: list[int] = field(default_factory=list)
    relief: list[float] = field(default_factory=list)  # one entry per session given
    pressures: Counter[int] = field(default_factory=Counter)
    seconds_sim: float = 0.0
    seconds_engine: float = 0.0

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
        p = a.plan.pressure
        assert a.titration is not None
        over = p is not None and a.titration.risk_by_pressure[str(p)] > a.titration.target
        arm.plan_over_target.append(over)
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


def policy_table(arms: dict[str, list[Arm]]) -> str:
    """Flares per client and relief per session of every kind under each therapist."""
    names = list(arms)
    head = "| true kind | " + " | ".join(f"flares/client {n}" for n in names) + " | "
    head += " | ".join(f"relief/session {n}" for n in names) + " | pressures given under the plan |"
    rule = "|---|" + "---:|" * (2 * len(names)) + "---|"
    rows = []
    for k in range(len(arms[names[0]])):
        row = [arms[n][k] for n in names]
        given = ", ".join(f"{p}: {c}" for p, c in sorted(arms["plan"][k].pressures.items()))
        rows.append(
            f"| {row[0].kind} | " + " | ".join(f"{np.mean(a.flares):.2f}" for a in row) + " | "
            + " | ".join(f"{np.mean(a.relief):+.2f}" for a in row) + f" | {given} |"
        )
    pooled_rows = [pooled(arms[n]) for n in names]
    rows.append(
        "| **all kinds pooled** | " + " | ".join(f"{p[0]:.2f}" for p in pooled_rows) + " | "
        + " | ".join(f"{p[1]:+.2f}" for p in pooled_rows) + " | |"
    )
    return "\n".join([head, rule, *rows])


def pooled(arms: list[Arm]) -> tuple[float, float]:
    """(flares per client, relief per session) over every client and session of all kinds."""
    flares = [f for a in arms for f in a.flares]
    relief = [r for a in arms for r in a.relief]
    return float(np.mean(flares)), float(np.mean(relief))


def relief_ratio(a: list[Arm], b: list[Arm], kinds: tuple[str, ...]) -> float:
    """Relief per session of ``a`` over ``b`` on these kinds."""
    pick = [x for x in a if x.kind in kinds], [x for x in b if x.kind in kinds]
    return pooled(pick[0])[1] / pooled(pick[1])[1]


Goal = tuple[str, float, str, bool]


def goals(arms: dict[str, list[Arm]]) -> list[Goal]:
    """Each goal of issues 4 and 11 on the gate model's kinds: (what, value, goal, met).

    Relief is compared where there is relief to keep: on the clients massage helps, and on
    every kind except the harmed (pooled over all kinds the fixed routine's relief per
    session is negative, because harmed clients get worse, and a ratio would mean nothing).
    """
    fixed_arms, plan, firmest = arms["fixed"], arms["plan"], arms["firmest"]
    by = {a.kind: a for a in fixed_arms}
    harmed = by["harmed_moderate"]
    flares_f, flares_t = pooled(fixed_arms)[0], pooled(plan)[0]
    others = tuple(a.kind for a in fixed_arms if a.kind != "harmed_moderate")
    helps = relief_ratio(plan, fixed_arms, ("helps",))
    others_ratio = relief_ratio(plan, fixed_arms, others)
    vs_firmest = relief_ratio(plan, firmest, ("helps",))
    avoid = float(np.mean(harmed.plan_avoids_hurt))
    helping = by["helps"].share("helping")
    false_help = by["no_effect"].share("helping")
    caught = harmed.share("more_pain", "mixed")
    # Safety first (issue 11): harm is said at once, even on one or two sessions; benefit never.
    waiting = 1.0 - by["too_little_data"].share("helping", "soothing", "no_effect")
    over = max(float(np.mean(a.plan_over_target)) for part in arms.values() for a in part)
    return [
        ("helpers judged helping (fixed routine)", helping, ">= 80 %", helping >= 0.8),
        ("no-effect clients judged helping", false_help, "<= 10 %", false_help <= 0.10),
        ("harmed clients judged more_pain or mixed", caught, ">= 90 %", caught >= 0.90),
        ("harmed clients whose plan is below the pressure that hurt", avoid, ">= 95 %", avoid >= 0.95),
        ("too-little-data clients given no verdict on benefit", waiting, "= 100 %", waiting == 1.0),
        ("plan flares / fixed flares (all kinds)", flares_t / flares_f, "<= 1/3", flares_t <= flares_f / 3),
        ("plan relief / fixed relief (helps)", helps, ">= 80 %", helps >= 0.8),
        ("plan relief / fixed relief (all kinds but harmed)", others_ratio, ">= 80 %", others_ratio >= 0.8),
        ("plan relief / firmest-tolerated relief (helps)", vs_firmest, ">= 90 %", vs_firmest >= 0.9),
        ("plans above their own risk target (worst kind, any therapist)", over, "= 0 %", over == 0.0),
    ]  # fmt: skip


# --- issue 11: the kinds of benchmarks/advice_kinds.py -------------------------------------------


@dataclass
class AdviceArm(_Shares):
    """Issue 11's kind: verdicts, breaks, plans against the truth."""

    kind: str
    what: str
    truth: str
    tags: tuple[str, ...]
    states: Counter[str] = field(default_factory=Counter)
    pause: int = 0
    over_target: int = 0
    below_harm: int = 0
    sessions: int = 0
    seconds: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind, "truth": self.truth, "n": self.n, "states": dict(self.states),
            "pause": self.pause, "over_target": self.over_target, "below_harm": self.below_harm,
            "sessions_per_client": self.sessions / self.n if self.n else None,
            "seconds": round(self.seconds, 1),
        }  # fmt: skip


def run_advice(name: str, first: int, count: int, seed: int, days: int) -> AdviceArm:
    """Clients ``first .. first + count - 1`` of one issue 11 kind (one task for a worker)."""
    kind = next(k for k in ADVICE_KINDS if k.name == name)
    arm = AdviceArm(kind.name, kind.what, kind.truth, kind.tags)
    policy = therapist(kind.therapist)
    t0 = time.perf_counter()
    for i in range(first, first + count):
        cf, truth = simulate(kind, i, seed, days, policy)
        a = analyze_client(cf)
        assert a.verdict is not None and a.plan is not None and a.titration is not None
        arm.states[a.verdict.state] += 1
        arm.pause += a.plan.pause is not None
        p = a.plan.pressure
        arm.over_target += p is not None and a.titration.risk_by_pressure[str(p)] > a.titration.target
        arm.below_harm += kind.harmful_from is not None and (p is None or p < kind.harmful_from)
        arm.sessions += truth.sessions
    arm.seconds = time.perf_counter() - t0
    return arm


def _merge(parts: list[AdviceArm]) -> AdviceArm:
    out = AdviceArm(parts[0].kind, parts[0].what, parts[0].truth, parts[0].tags)
    for p in parts:
        out.states.update(p.states)
        out.pause += p.pause
        out.over_target += p.over_target
        out.below_harm += p.below_harm
        out.sessions += p.sessions
        out.seconds += p.seconds
    return out


def advice_table(arms: list[AdviceArm]) -> str:
    head = "| kind | truth | n | " + " | ".join(VERDICT_STATES) + " | plan.pause | plan below harm |"
    rule = "|---|---|---:|" + "---:|" * len(VERDICT_STATES) + "---:|---:|"
    rows = []
    for a in arms:
        below = "" if a.truth != "harmed" else f"{100 * a.below_harm / a.n:.1f} %"
        rows.append(
            f"| {a.kind} | {a.truth} | {a.n} | "
            + " | ".join(f"{100 * a.share(s):.1f} %" for s in VERDICT_STATES)
            + f" | {100 * a.pause / a.n:.1f} % | {below} |"
        )
    return "\n".join([head, rule, *rows])


def advice_goals(arms: list[AdviceArm]) -> list[Goal]:
    """Issue 11's goals ("Must show"), each over the kinds it is about."""
    helpers = [a for a in arms if a.truth == "helps" and "no_pause" not in a.tags]
    no_pause = [a for a in arms if "no_pause" in a.tags]
    no_effect = [a for a in arms if a.truth in ("no_effect", "soothing")]
    no_harm = [a for a in arms if a.truth != "harmed"]
    harmed = [a for a in arms if a.truth == "harmed"]
    out: list[Goal] = []
    for a in helpers:
        v = a.share("helping")
        out.append((f"{a.kind}: judged helping", v, ">= 85 %", v >= 0.85))
    for a in no_pause:
        v = (a.pause + a.n - a.states["gathering_data"]) / a.n
        out.append((f"{a.kind}: a plan.pause or a verdict", v, ">= 95 %", v >= 0.95))
    if no_effect:
        worst = max(no_effect, key=lambda a: a.share("helping"))
        v = worst.share("helping")
        out.append((f"no-effect kinds judged helping (worst: {worst.kind})", v, "<= 5 %", v <= 0.05))
    if no_harm:
        worst = max(no_harm, key=lambda a: a.share("mixed", "more_pain"))
        v = worst.share("mixed", "more_pain")
        out.append((f"no-harm kinds judged mixed or more pain (worst: {worst.kind})", v, "<= 5 %", v <= 0.05))
    for a in harmed:
        v = a.share("mixed", "more_pain")
        out.append((f"{a.kind}: judged mixed or more pain", v, ">= 95 %", v >= 0.95))
        v = a.below_harm / a.n
        out.append((f"{a.kind}: plan below the harmful pressure", v, ">= 99 %", v >= 0.99))
    over = sum(a.over_target for a in arms) / sum(a.n for a in arms)
    out.append(("plans above their own risk target (all kinds)", over, "= 0 %", over == 0.0))
    return out


def issue11(args: argparse.Namespace) -> dict[str, Any]:
    """Issue 11's kinds, each with its therapist, split over ``--jobs`` worker processes."""
    chunk = max(1, -(-args.n // (2 * args.jobs)))
    chosen = _chosen_kinds(args.kinds)
    tasks = [(k.name, f, min(chunk, args.n - f)) for k in chosen for f in range(0, args.n, chunk)]
    t0 = time.perf_counter()
    with ProcessPoolExecutor(max_workers=args.jobs) as pool:
        done = list(pool.map(_advice_task, [(*t, args.seed, args.days) for t in tasks]))
    arms = [_merge([d for d in done if d.kind == k.name]) for k in chosen]
    for a in arms:
        per = a.sessions / a.n
        print(f"# {a.kind} ({a.what}): {a.seconds:.0f} s cpu, {per:.1f} sessions/client", flush=True)
    print(f"# issue 11: {time.perf_counter() - t0:.0f} s wall with {args.jobs} workers")
    print(f"\n## Issue 11's kinds x verdict, seed {args.seed}, days {args.days}\n")
    print(advice_table(arms))
    results = advice_goals(arms)
    print_goals("issue 11", results)
    return {"issue11": [a.to_dict() for a in arms], "issue11_goals": [_goal(g) for g in results]}


def _chosen_kinds(kinds: str | None) -> list[Any]:
    """The issue 11 kinds named in ``--kinds`` (comma-separated), or all of them."""
    if not kinds:
        return list(ADVICE_KINDS)
    names = kinds.split(",")
    unknown = [n for n in names if n not in {k.name for k in ADVICE_KINDS}]
    if unknown:
        allowed = ", ".join(k.name for k in ADVICE_KINDS)
        raise SystemExit(f"--kinds {','.join(unknown)} is not allowed (allowed: {allowed})")
    return [k for k in ADVICE_KINDS if k.name in names]


def _advice_task(task: tuple[str, int, int, int, int]) -> AdviceArm:
    return run_advice(*task)


def _goal(g: Goal) -> dict[str, Any]:
    return {"goal": g[0], "value": g[1], "target": g[2], "pass": g[3]}


def print_goals(title: str, results: list[Goal]) -> None:
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
    return {"issue17": [a.to_dict() for a in arms], "issue17_goals": [_goal(g) for g in results]}


def _issue4_arm(task: tuple[str, str, int, int, int]) -> Arm:
    kind, therapist_name, n, seed, days = task
    policies = {"fixed": fixed(MODERATE), "plan": titration_policy(), "firmest": firmest_policy()}
    return run_arm(kind, policies[therapist_name], n, seed, days)


def issue4(args: argparse.Namespace) -> dict[str, Any]:
    """The gate model's kinds under the fixed routine, the plan and the firmest tolerated pressure."""
    names = ("fixed", "plan", "firmest")
    tasks = [(kind, name, args.n, args.seed, args.days) for kind in KINDS for name in names]
    with ProcessPoolExecutor(max_workers=args.jobs) as pool:
        done = list(pool.map(_issue4_arm, tasks))
    arms = {name: [d for d, t in zip(done, tasks, strict=True) if t[1] == name] for name in names}
    for kind in KINDS:
        spent = [a.seconds_sim + a.seconds_engine for n in names for a in arms[n] if a.kind == kind]
        said = ", ".join(f"{n} {s:.0f} s" for n, s in zip(names, spent, strict=True))
        print(f"# {kind}: {said}", flush=True)
    title = f"fixed moderate routine (pressure {MODERATE} weekly), seed {args.seed}, days {args.days}"
    print(f"\n## True kind x verdict, {title}\n")
    print(verdict_table(arms["fixed"]))
    print("\n## True kind x verdict, the plan as therapist (same clients, same noise)\n")
    print(verdict_table(arms["plan"]))
    print("\n## True kind x verdict, always the firmest pressure tolerated (the old rule)\n")
    print(verdict_table(arms["firmest"]))
    print("\n## Flares and relief: fixed moderate routine, the plan, the firmest tolerated\n")
    print(policy_table(arms))
    results = goals(arms)
    print_goals("issues 4 and 11 on the gate model's kinds", results)
    return {**{n: [a.to_dict() for a in arms[n]] for n in names}, "goals": [_goal(g) for g in results]}


#: The benchmark's parts: name -> runner (each prints its tables and goals, returns its figures).
PARTS: dict[str, Callable[[argparse.Namespace], dict[str, Any]]] = {
    "issue4": issue4,
    "issue11": issue11,
    "issue17": issue17,
}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--n", type=int, default=200, help="clients per kind (default 200)")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--days", type=int, default=120, help="diary days per client (default 120)")
    parser.add_argument("--jobs", type=int, default=2, help="worker processes (default 2)")
    parser.add_argument("--quick", action="store_true", help="40 clients per kind")
    parser.add_argument("--json", help="also write the figures to this JSON file")
    parser.add_argument("--kinds", help="issue11 only: comma-separated kind names (default all)")
    parts = ", ".join(PARTS)
    parser.add_argument("--part", default="issue4,issue11",
                        help=f"comma-separated parts among {parts}, or all (default issue4,issue11)")
    args = parser.parse_args()
    if args.quick:
        args.n = 40
    chosen = list(PARTS) if args.part == "all" else args.part.split(",")
    unknown = [p for p in chosen if p not in PARTS]
    if unknown:
        parser.error(f"--part {','.join(unknown)} is not allowed (allowed: {', '.join(PARTS)} or all)")
    out: dict[str, Any] = {"n": args.n, "seed": args.seed, "days": args.days}
    t0 = time.perf_counter()
    for part in chosen:
        out.update(PARTS[part](args))
    print(f"\n# all parts: {time.perf_counter() - t0:.0f} s wall")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as fh:
            json.dump(out, fh, indent=1)


if __name__ == "__main__":
    main()
