"""The pain-system model (spinal gate) and the synthetic-client simulator.

- :mod:`touchdose.painmodel.gate`: the model (touch and nociceptive drive, dampening and
  amplifying paths, descending modulation, transient sensitization).
- :mod:`touchdose.painmodel.simulate`: synthetic clients and their truth.
- :mod:`touchdose.painmodel.explainer`: the curves a chart of the model needs.
- :mod:`touchdose.painmodel.intake`: optional ACR 2016 intake answers for synthetic clients.

For explanation and simulation, not diagnosis.
"""

from touchdose.painmodel.explainer import DaysAfter, PressureCurve, days_after, pressure_curve
from touchdose.painmodel.gate import SENSITIZED, TYPICAL, GateParams, GateResponse, gate_response
from touchdose.painmodel.population import KINDS, MIXED_PROPORTIONS
from touchdose.painmodel.simulate import (
    ClientTruth,
    FixedPolicy,
    Policy,
    SessionTruth,
    SimulationResult,
    fixed,
    simulate_clients,
)

__all__ = [
    "KINDS",
    "MIXED_PROPORTIONS",
    "SENSITIZED",
    "TYPICAL",
    "ClientTruth",
    "DaysAfter",
    "FixedPolicy",
    "GateParams",
    "GateResponse",
    "Policy",
    "PressureCurve",
    "SessionTruth",
    "SimulationResult",
    "days_after",
    "fixed",
    "gate_response",
    "pressure_curve",
    "simulate_clients",
]
