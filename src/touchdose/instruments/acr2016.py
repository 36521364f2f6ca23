"""ACR 2016 fibromyalgia criteria: pain areas, symptom severity, and the fibromyalgia severity scale.

The result says whether the answers *meet the ACR 2016 criteria pattern*. It is a clinician aid
read from a questionnaire, never a diagnosis, and every text here says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from touchdose.records import ACR_SYMPTOM_MAX, AREA_REGION, GENERALIZED_EXCLUDED, Acr2016Answers
from touchdose.types import as_dict

# --- Rules (Wolfe F et al. Semin Arthritis Rheum 2016;46:319-29; docs/instruments.md 1.3-1.4) ------

#: Upper branch of the 2016 score rule: WPI >= 7 and SSS >= 5.
WPI_UPPER_BRANCH = 7
SSS_UPPER_BRANCH = 5
#: Lower branch of the 2016 score rule: 4 <= WPI <= 6 and SSS >= 9 (the 2010/2011 rule began at WPI 3).
WPI_LOWER_BRANCH_MIN = 4
SSS_LOWER_BRANCH = 9
#: Generalized pain: pain in at least 4 of the 5 regions, jaw, chest and abdomen excluded (Wolfe 2016).
GENERALIZED_MIN_REGIONS = 4
#: Polysymptomatic distress (= fibromyalgia severity, FS = WPI + SSS, 0-31) categories: upper bound and
#: name. Wolfe F, Walitt BT, Rasker JJ, Katz RS, Häuser W. J Rheumatol 2015;42:1494-501 (WOLFE15).
SEVERITY_BANDS: tuple[tuple[int, str], ...] = ((3, "none"), (7, "mild"), (11, "moderate"), (19, "severe"),
                                              (31, "very_severe"))  # fmt: skip
SEVERITY_SCHEME = "WOLFE15"
#: "By definition, FM cannot be diagnosed unless PSD is at least 12" (WOLFE15); also the start of "severe".
SEVERITY_FM_MINIMUM = 12
#: How a met result is worded for people: a pattern in the answers, not a diagnosis (docs/instruments.md 1.3).
CRITERIA_LABEL = "meets ACR 2016 criteria pattern"
CRITERIA_NOT_MET_LABEL = "does not meet ACR 2016 criteria pattern"
#: The keys of ``Acr2016Score.to_dict()``: those of docs/formats.md first, then the details.
_JSON_KEYS = ("wpi", "sss", "severity", "generalized", "meets_criteria", "severity_band", "severity_scheme",
              "painful_regions", "complete", "missing")  # fmt: skip


def severity_band(severity: int) -> str:
    """Name the WOLFE15 polysymptomatic-distress category of a fibromyalgia severity score.

    Parameters
    ----------
    severity : int
        Fibromyalgia severity (FS = WPI + SSS), a whole number 0-31.

    Returns
    -------
    str
        ``none`` (0-3), ``mild`` (4-7), ``moderate`` (8-11), ``severe`` (12-19) or ``very_severe`` (20-31).

    References
    ----------
    .. [1] Wolfe F, Walitt BT, Rasker JJ, Katz RS, Häuser W. The use of polysymptomatic distress
       categories in the evaluation of fibromyalgia (FM) and FM severity. J Rheumatol 2015;42:1494-501.

    Examples
    --------
    >>> severity_band(12), severity_band(11)
    ('severe', 'moderate')
    """
    if isinstance(severity, bool) or not isinstance(severity, int) or not 0 <= severity <= 31:
        raise ValueError(f"severity = {severity!r} is not allowed (allowed: a whole number 0-31)")
    return next(name for upper, name in SEVERITY_BANDS if severity <= upper)


@dataclass(frozen=True)
class Acr2016Score:
    """Scored ACR 2016 answers.

    Attributes
    ----------
    wpi : int
        Widespread Pain Index, painful areas in the past week (0-19).
    sss : int or None
        Symptom Severity Scale (0-12); ``None`` when an item is unanswered (no imputation).
    severity : int or None
        Fibromyalgia severity FS = WPI + SSS (0-31); ``None`` when ``sss`` is.
    severity_band : str or None
        WOLFE15 category of ``severity`` (see :data:`SEVERITY_BANDS`).
    painful_regions : tuple of int
        Regions 1-5 with pain in an area that counts for generalized pain.
    generalized : bool
        Pain in at least 4 of the 5 regions.
    meets_criteria : bool or None
        Whether the answers meet the ACR 2016 criteria pattern; ``None`` when unanswered items
        could still decide it either way.
    complete : bool
        Every symptom item and the 3-month question answered.
    sss_answered : int
        Sum of the answered symptom items (a lower bound of the SSS).
    missing : tuple of str
        The unanswered items.
    """

    wpi: int
    sss: int | None
    severity: int | None
    severity_band: str | None
    painful_regions: tuple[int, ...]
    generalized: bool
    meets_criteria: bool | None
    complete: bool
    sss_answered: int
    missing: tuple[str, ...]

    @property
    def severity_at_least(self) -> int:
        """The lowest fibromyalgia severity the answers allow (``severity`` when complete)."""
        return self.wpi + self.sss_answered

    def summary(self) -> str:
        """One plain sentence for a person (never the word "diagnosis")."""
        regions = len(self.painful_regions)
        where = f"Pain in {self.wpi} of 19 areas and {regions} of 5 body regions"
        if self.severity is not None:
            where += f"; fibromyalgia severity {self.severity} of 31 ({self.severity_band})"
        if self.meets_criteria is None:
            return where + "; some answers are missing, so the ACR 2016 criteria pattern cannot be checked."
        pattern = CRITERIA_LABEL if self.meets_criteria else CRITERIA_NOT_MET_LABEL
        return where + f"; the answers {pattern} (not a diagnosis)."

    def to_dict(self) -> dict[str, Any]:
        """Return the result as a JSON-ready dictionary (docs/formats.md ``instruments.acr2016``)."""
        return as_dict(self, _JSON_KEYS, severity_scheme=SEVERITY_SCHEME)


def _score_rule(wpi: int, sss: int) -> bool:
    upper = wpi >= WPI_UPPER_BRANCH and sss >= SSS_UPPER_BRANCH
    lower = WPI_LOWER_BRANCH_MIN <= wpi < WPI_UPPER_BRANCH and sss >= SSS_LOWER_BRANCH
    return upper or lower


def _decide(
    wpi: int, sss_low: int, sss_high: int, generalized: bool, three_months: bool | None
) -> bool | None:
    """Three-valued decision: True/False when the answers settle it, None when missing items could."""
    if not generalized or three_months is False or not _score_rule(wpi, sss_high):
        return False
    if three_months is True and _score_rule(wpi, sss_low):
        return True
    return None


def score_acr2016(answers: Acr2016Answers) -> Acr2016Score:
    """Score the ACR 2016 fibromyalgia questionnaire.

    Parameters
    ----------
    answers : touchdose.records.Acr2016Answers
        Painful areas (the 19 WPI areas, duplicates count once), the six symptom items
        (``None`` = unanswered) and whether symptoms have lasted 3 months.

    Returns
    -------
    Acr2016Score
        WPI, SSS, severity and its band, painful regions, generalized pain, the criteria pattern.

    Notes
    -----
    ``WPI`` = number of painful areas (0-19). ``SSS`` = fatigue + waking unrefreshed + cognitive
    (0-3 each) + headaches + lower abdominal pain + depression (0-1 each), 0-12.
    A region is painful when one of its areas other than jaw, chest and abdomen is; generalized
    pain = at least 4 painful regions. The pattern is met when all hold: (WPI >= 7 and SSS >= 5) or
    (4 <= WPI <= 6 and SSS >= 9); generalized pain; symptoms for at least 3 months.
    Fibromyalgia severity FS = WPI + SSS (0-31), banded by WOLFE15. With unanswered items the SSS
    is not imputed: ``sss`` and ``severity`` are ``None`` and ``meets_criteria`` is decided only
    if every possible answer to the missing items gives the same result.

    References
    ----------
    .. [1] Wolfe F, Clauw DJ, Fitzcharles M-A, et al. 2016 Revisions to the 2010/2011 fibromyalgia
       diagnostic criteria. Semin Arthritis Rheum 2016;46(3):319-329.
    .. [2] Wolfe F, Walitt BT, Rasker JJ, Katz RS, Häuser W. J Rheumatol 2015;42(8):1494-501.

    Examples
    --------
    >>> a = Acr2016Answers(wpi_regions=("jaw_left", "chest", "abdomen", "neck"), fatigue=2,
    ...                    waking_unrefreshed=2, cognitive=1, headaches=1, lower_abdominal_pain=0,
    ...                    depression=1, symptoms_3_months=True)
    >>> s = score_acr2016(a)
    >>> s.wpi, s.painful_regions, s.generalized, s.sss, s.severity, s.severity_band, s.meets_criteria
    (4, (5,), False, 7, 11, 'moderate', False)
    """
    if not isinstance(answers, Acr2016Answers):
        raise TypeError(f"answers = {type(answers).__name__} is not allowed (allowed: Acr2016Answers)")
    areas = frozenset(answers.wpi_regions)
    wpi = len(areas)
    painful = tuple(sorted({AREA_REGION[a] for a in areas if a not in GENERALIZED_EXCLUDED}))
    generalized = len(painful) >= GENERALIZED_MIN_REGIONS
    values = {name: getattr(answers, name) for name in ACR_SYMPTOM_MAX}
    missing_items = [name for name, v in values.items() if v is None]
    sss_low = sum(v for v in values.values() if v is not None)
    sss_high = sss_low + sum(ACR_SYMPTOM_MAX[name] for name in missing_items)
    sss = None if missing_items else sss_low
    missing = (*missing_items, *(("symptoms_3_months",) if answers.symptoms_3_months is None else ()))
    severity = None if sss is None else wpi + sss
    return Acr2016Score(
        wpi=wpi,
        sss=sss,
        severity=severity,
        severity_band=None if severity is None else severity_band(severity),
        painful_regions=painful,
        generalized=generalized,
        meets_criteria=_decide(wpi, sss_low, sss_high, generalized, answers.symptoms_3_months),
        complete=not missing,
        sss_answered=sss_low,
        missing=missing,
    )


__all__ = [
    "CRITERIA_LABEL",
    "CRITERIA_NOT_MET_LABEL",
    "SEVERITY_BANDS",
    "SEVERITY_FM_MINIMUM",
    "SEVERITY_SCHEME",
    "Acr2016Score",
    "score_acr2016",
    "severity_band",
]
