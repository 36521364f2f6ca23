"""The engine fills every docs/formats.md key: comparison, titration, verdict and plan."""

from __future__ import annotations

import json
from pathlib import Path

from touchdose.analysis.comparison import CompareOptions
from touchdose.analysis.engine import analyze_client
from touchdose.analysis.verdict import VERDICT_STATES
from touchdose.io import read_client_file
from touchdose.painmodel import fixed, simulate_clients

EXAMPLE = Path(__file__).parents[2] / "examples" / "fibromyalgia-client.json"


def test_every_formats_key_is_filled_for_the_example_client() -> None:
    d = json.loads(json.dumps(analyze_client(read_client_file(EXAMPLE)).to_dict()))
    assert set(d["comparison"]) == {"pain", "sleep_hours", "fatigue", "mood"}
    assert {"current_pressure", "recommended_pressure", "risk_by_pressure"} <= set(d["titration"])
    assert set(d["titration"]["risk_by_pressure"]) == {"1", "2", "3", "4", "5"}
    assert {"state", "reasons", "caution"} <= set(d["verdict"]) and d["verdict"]["state"] in VERDICT_STATES
    assert {"pressure", "minutes", "sessions_per_week", "avoid_regions", "why"} <= set(d["plan"])
    # The example client is sensitized (FIQR 55.5 > 45) and asked to avoid the neck.
    assert d["titration"]["sensitivity"] == "high"
    assert "neck" in d["plan"]["avoid_regions"]
    # A refused comparison is null, with its reason in verdict.reasons (docs/formats.md).
    for name, value in d["comparison"].items():
        if value is None:
            assert any(name.replace("_", " ") in r for r in d["verdict"]["reasons"])


def test_a_client_harmed_by_moderate_pressure_is_told_so() -> None:
    run = simulate_clients(3, seed=21, kind="harmed_moderate", policy=fixed(3), days=90)
    for cf in run.clients:
        a = analyze_client(cf)
        assert a.verdict is not None and a.plan is not None
        assert a.verdict.state in ("more_pain", "mixed") and a.verdict.harmful_from == 3
        assert a.plan.stop or (a.plan.pressure is not None and a.plan.pressure < 3)
        assert "more pain" in a.verdict.headline


def test_options_reach_the_parts() -> None:
    cf = read_client_file(EXAMPLE)
    strict = analyze_client(cf, target=0.05)
    assert strict.titration is not None and strict.titration.target == 0.05
    assert (
        analyze_client(cf, options=CompareOptions(min_baseline_days=60)).to_dict()["comparison"]["pain"]
        is None
    )
