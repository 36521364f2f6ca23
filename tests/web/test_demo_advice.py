"""The demo client's advice (issue 11): massage helps it, so the plan keeps the pressure that helps."""

from __future__ import annotations

from touchdose.analysis.engine import analyze_client
from touchdose.web import demo


def test_the_demo_client_keeps_its_helping_pressure() -> None:
    # Issue 11 item 1: the demo client was "helping; continue" yet the plan (and the therapist's
    # form) said pressure 4, firm. The gentlest pressure that helps is the one to keep.
    cf = demo._simulated_client()
    a = analyze_client(cf)
    assert a.verdict is not None and a.plan is not None and a.titration is not None
    assert a.verdict.state == "helping"
    assert a.plan.pressure == cf.sessions[-1].pressure
    assert a.plan.why[0].startswith(f"Keep pressure {cf.sessions[-1].pressure}")
    assert a.verdict.headline == "Massage seems to help your pain."
    assert a.verdict.action.startswith("Keep the same")
    assert a.titration.risk_by_pressure[str(a.plan.pressure)] <= a.titration.target


def test_a_tiny_estimated_risk_reads_under_1_percent_never_0() -> None:
    # Issue 10: the report said "estimated risk 0 %" in a plan reason and "<1 %" in its risk line.
    # Probabilities and estimated risks are never written as certain (touchdose.text.percent ends).
    from dataclasses import replace

    from touchdose.analysis.harm import tally_sessions
    from touchdose.analysis.plan import _hold_or_one_up

    cf = demo._simulated_client()
    a = analyze_client(cf)
    assert a.verdict is not None and a.titration is not None and a.verdict.state == "helping"
    tiny = replace(a.titration, risk_by_pressure={str(p): 0.001 for p in range(1, 6)})
    _, why, _ = _hold_or_one_up(a.verdict, tiny, tally_sessions(a.sessions), 2, [1, 2, 3])
    assert "(estimated risk <1 %)" in why[1] and "0 %" not in why[1]
