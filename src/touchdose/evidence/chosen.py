"""The one published pain result to show for a client: their condition, their massage, the most weight.

A clinician reading a one-page report needs the result that best fits this client, not the newest
one. :func:`evidence_for_client` keeps the results in points for the client's condition whose study
covers massage in general or one of the techniques the client actually gets (a review of myofascial
release is not evidence for Swedish massage), then prefers, in this order: a review over a single
trial, higher certainty as the review grades it (:data:`touchdose.evidence.library.CERTAINTIES`;
ungraded counts lowest), more participants, and the narrowest interval.

Examples
--------
>>> chosen = evidence_for_client("fibromyalgia", ("swedish",))
>>> chosen.row.study_id, round(chosen.row.points or 0, 1)
('Li2014', -1.3)
>>> evidence_for_client("fibromyalgia", ("myofascial_release",)).row.study_id
'Ughreja2021'
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from touchdose.evidence.library import CERTAINTIES, Library, Study, load_library
from touchdose.evidence.summary import EvidenceRow, EvidenceSummary, evidence_summary
from touchdose.instruments.change import MID_POINTS

__all__ = ["ChosenEvidence", "evidence_for_client"]


@dataclass(frozen=True)
class ChosenEvidence:
    """The result chosen, its study, how many results were considered, and why this one in words."""

    row: EvidenceRow
    study: Study
    summary: EvidenceSummary
    considered: int
    why: str

    @property
    def certainty(self) -> str:
        """The certainty in words (``not graded by the review`` when the library has none)."""
        return self.study.certainty or "not graded by the review"


def _rank(study: Study, row: EvidenceRow) -> tuple[int, int, int, float]:
    certainty = len(CERTAINTIES) - CERTAINTIES.index(study.certainty) if study.certainty else 0
    width = (row.points_ci95[1] - row.points_ci95[0]) if row.points_ci95 else float("inf")
    return (study.level == "review", certainty, study.n_total or 0, -width)


def evidence_for_client(
    condition: str,
    techniques: Iterable[str] = (),
    *,
    outcome: str = "pain",
    library: Library | None = None,
    mid: float = MID_POINTS,
) -> ChosenEvidence | None:
    """Choose the published result to show a client with ``condition`` who gets ``techniques``.

    Parameters
    ----------
    condition : str
        One of :data:`touchdose.records.CONDITIONS`.
    techniques : iterable of str
        The techniques of the client's sessions (``other`` and an empty list mean none in
        particular: only studies of massage in general count).
    outcome : str
        The outcome (default pain).
    library : Library, optional
        Defaults to the packaged library.
    mid : float
        Minimally important difference in points.

    Returns
    -------
    ChosenEvidence or None
        ``None`` when no result for the condition and massage can be put in points.
    """
    lib = library or load_library()
    summary = evidence_summary(condition, outcome, library=lib, mid=mid)
    wanted = {t for t in techniques if t != "other"}
    fits = [
        (lib.study(r.study_id), r)
        for r in summary.rows
        if r.points is not None
        and (lib.study(r.study_id).technique is None or lib.study(r.study_id).technique in wanted)
    ]
    if not fits:
        return None
    study, row = max(fits, key=lambda pair: _rank(*pair))
    massage = (
        "massage in general"
        if study.technique is None
        else f"{study.technique.replace('_', ' ')}, as in your sessions"
    )
    people = f"{study.n_total:,} people" if study.n_total else "a number of people not reported"
    why = (
        f"the most weight and certainty of {len(fits)} result{'s' if len(fits) != 1 else ''} on "
        f"{massage}: a {study.level} of {people}, certainty {study.certainty or 'not graded by the review'}"
    )
    return ChosenEvidence(row=row, study=study, summary=summary, considered=len(fits), why=why)
