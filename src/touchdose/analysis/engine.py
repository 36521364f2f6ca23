"""The full analysis of one client: what ``touchdose analyze`` prints and the web dashboard shows.

One function, :func:`analyze_client`, assembles the parts (instrument scores,
data summary, session responses, the n-of-1 comparison, titration, verdict and
plan) into a :class:`ClientAnalysis` whose ``to_dict()`` is the docs/formats.md
``touchdose analyze --json`` object.

Examples
--------
>>> from touchdose.records import ClientFile, ClientProfile
>>> result = analyze_client(ClientFile(client=ClientProfile(id="c-1")))
>>> result.to_dict()["data"]
{'checkin_days': 0, 'baseline_days': 0, 'sessions': 0, 'sessions_with_followup': 0}
>>> result.verdict.state, result.plan.pressure
('gathering_data', 3)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from touchdose.analysis.comparison import DEFAULT_OPTIONS, CompareOptions, ComparisonSet, compare_all
from touchdose.analysis.plan import Plan, assess
from touchdose.analysis.response import DataSummary, SessionResponse, data_summary, session_responses
from touchdose.analysis.titration import Titration
from touchdose.analysis.verdict import Verdict
from touchdose.instruments import InstrumentScores, score_profile
from touchdose.records import ClientFile


@dataclass(frozen=True)
class ClientAnalysis:
    """Everything the engine concluded about one client."""

    client_id: str
    instruments: InstrumentScores
    data: DataSummary
    sessions: tuple[SessionResponse, ...]
    comparison: ComparisonSet | None = None
    titration: Titration | None = None
    verdict: Verdict | None = None
    plan: Plan | None = None

    def to_dict(self) -> dict[str, Any]:
        """The docs/formats.md ``touchdose analyze --json`` object (keys not yet computed are ``None``)."""

        def part(value: ComparisonSet | Titration | Verdict | Plan | None) -> Any:
            return None if value is None else value.to_dict()

        return {
            "client_id": self.client_id,
            "instruments": self.instruments.to_dict(),
            "data": self.data.to_dict(),
            "sessions": [r.to_dict() for r in self.sessions],
            "comparison": part(self.comparison),
            "titration": part(self.titration),
            "verdict": part(self.verdict),
            "plan": part(self.plan),
        }


def analyze_client(
    cf: ClientFile,
    *,
    options: CompareOptions = DEFAULT_OPTIONS,
    target: float | None = None,
) -> ClientAnalysis:
    """Analyse one client's records.

    Parameters
    ----------
    cf : ClientFile
        The client's profile, sessions and check-ins.
    options : CompareOptions
        How the n-of-1 comparison is made (MIDs, baseline days needed, ...; the defaults of
        :class:`~touchdose.analysis.comparison.CompareOptions`).
    target : float, optional
        Target aggravation risk per session for the titration (default 10 % for a sensitized
        client, 15 % otherwise).

    Returns
    -------
    ClientAnalysis
        Frozen result; ``to_dict()`` gives the docs/formats.md analyze JSON.

    Notes
    -----
    Each part is computed once and passed down: session responses -> n-of-1 comparisons
    (:func:`~touchdose.analysis.comparison.compare_all`)
    -> titration, verdict and plan together (:func:`~touchdose.analysis.plan.assess`), with
    the sensitivity level from the questionnaires (:func:`~touchdose.instruments.score_profile`).
    """
    responses = session_responses(cf)
    instruments = score_profile(cf.client)
    comparison = compare_all(cf, options)
    judged = assess(
        cf,
        responses=responses,
        comparisons=comparison.results,
        sensitivity=instruments.sensitivity.level,
        target=target,
        options=options,
    )
    return ClientAnalysis(
        client_id=cf.client.id,
        instruments=instruments,
        data=data_summary(cf, responses),
        sessions=responses,
        comparison=comparison,
        titration=judged.titration,
        verdict=judged.verdict,
        plan=judged.plan,
    )
