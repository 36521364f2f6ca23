"""The full analysis of one client: what ``touchdose analyze`` prints and the web dashboard shows.

One function, :func:`analyze_client`, assembles the parts (instrument scores,
data summary, session responses, the n-of-1 comparison, titration, verdict and
plan) into a :class:`ClientAnalysis` whose ``to_dict()`` is the FORMATS.md
``touchdose analyze --json`` object.

Examples
--------
>>> from touchdose.records import ClientFile, ClientProfile
>>> result = analyze_client(ClientFile(client=ClientProfile(id="c-1")))
>>> result.to_dict()["data"]
{'checkin_days': 0, 'baseline_days': 0, 'sessions': 0, 'sessions_with_followup': 0}
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from touchdose.analysis.response import DataSummary, SessionResponse, data_summary, session_responses
from touchdose.instruments import InstrumentScores, score_profile
from touchdose.records import ClientFile


class _Serialisable(Protocol):
    def to_dict(self) -> Any: ...


@dataclass(frozen=True)
class ClientAnalysis:
    """Everything the engine concluded about one client."""

    client_id: str
    instruments: InstrumentScores
    data: DataSummary
    sessions: tuple[SessionResponse, ...]
    comparison: _Serialisable | None = None
    titration: _Serialisable | None = None
    verdict: _Serialisable | None = None
    plan: _Serialisable | None = None

    def to_dict(self) -> dict[str, Any]:
        """The FORMATS.md ``touchdose analyze --json`` object (keys not yet computed are ``None``)."""

        def part(value: _Serialisable | None) -> Any:
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


def analyze_client(cf: ClientFile) -> ClientAnalysis:
    """Analyse one client's records.

    Parameters
    ----------
    cf : ClientFile
        The client's profile, sessions and check-ins.

    Returns
    -------
    ClientAnalysis
        Frozen result; ``to_dict()`` gives the FORMATS.md analyze JSON.
    """
    responses = session_responses(cf)
    return ClientAnalysis(
        client_id=cf.client.id,
        instruments=score_profile(cf.client),
        data=data_summary(cf, responses),
        sessions=responses,
    )
