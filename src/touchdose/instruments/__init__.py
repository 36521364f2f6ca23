"""Questionnaire scoring: ACR 2016, FIQR, change on the 0-10 scale, PGIC, and touch sensitivity.

Pure functions on :mod:`touchdose.records`; no files, no printing. :func:`score_profile` scores
everything a client profile holds, shaped like the ``instruments`` key of ``touchdose analyze --json``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from touchdose.instruments.acr2016 import Acr2016Score, score_acr2016, severity_band
from touchdose.instruments.change import ChangeClass, classify_change
from touchdose.instruments.fiqr import (
    FiqrChange,
    FiqrInvalidWarning,
    FiqrScore,
    fiqr_band,
    fiqr_change,
    score_fiqr,
)
from touchdose.instruments.pgic import PgicResult, score_pgic
from touchdose.instruments.sensitivity import Sensitivity, derive_sensitivity, sensitivity_from_scores
from touchdose.records import ClientProfile


@dataclass(frozen=True)
class InstrumentScores:
    """Every questionnaire score of one client, and the sensitivity level they imply."""

    acr2016: Acr2016Score | None
    fiqr: FiqrScore | None
    sensitivity: Sensitivity

    def to_dict(self) -> dict[str, Any]:
        """The docs/formats.md ``instruments`` object: absent instruments are left out."""
        out: dict[str, Any] = {}
        if self.acr2016 is not None:
            out["acr2016"] = self.acr2016.to_dict()
        if self.fiqr is not None:
            out["fiqr"] = self.fiqr.to_dict()
        out["sensitivity"] = self.sensitivity.level
        return out


def score_profile(profile: ClientProfile) -> InstrumentScores:
    """Score the questionnaires in a client profile and derive the touch-sensitivity level.

    Parameters
    ----------
    profile : touchdose.records.ClientProfile
        The client; ``acr2016`` and ``fiqr`` are scored when present.

    Returns
    -------
    InstrumentScores
        ``acr2016`` and ``fiqr`` (``None`` when not given) and ``sensitivity``.

    Notes
    -----
    Each questionnaire is scored once; the sensitivity rule is
    :func:`touchdose.instruments.sensitivity.sensitivity_from_scores`.

    Examples
    --------
    >>> p = ClientProfile(id="c-001", fiqr=(5, 4, 6, 3, 5, 4, 6, 5, 4, 7, 6, 7, 6, 5, 6, 7, 5, 4, 6, 6, 5))
    >>> d = score_profile(p).to_dict()
    >>> d["fiqr"]["total"], d["sensitivity"], "acr2016" in d
    (55.5, 'high', False)
    """
    acr = None if profile.acr2016 is None else score_acr2016(profile.acr2016)
    fiqr = None if profile.fiqr is None else score_fiqr(profile.fiqr)
    level = sensitivity_from_scores(
        acr2016=acr, fiqr=fiqr, stated=profile.sensitivity, conditions=profile.conditions
    )
    return InstrumentScores(acr2016=acr, fiqr=fiqr, sensitivity=level)


__all__ = [
    "Acr2016Score",
    "ChangeClass",
    "FiqrChange",
    "FiqrInvalidWarning",
    "FiqrScore",
    "InstrumentScores",
    "PgicResult",
    "Sensitivity",
    "classify_change",
    "derive_sensitivity",
    "fiqr_band",
    "fiqr_change",
    "score_acr2016",
    "score_fiqr",
    "score_pgic",
    "score_profile",
    "sensitivity_from_scores",
    "severity_band",
]
