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
