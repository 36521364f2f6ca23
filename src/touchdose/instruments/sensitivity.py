"""How sensitive to touch is this client likely to be: low, typical or high?

The level sets how cautiously the intensity titration starts (a steeper aggravation skeleton and
light pressure first for a sensitized client). The rule (docs/design.md "Clinical safety"):

1. **The diagnosis first.** Fibromyalgia means a sensitized pain system, so the level is **high**,
   unless the questionnaires clearly say otherwise: complete ACR 2016 answers with fibromyalgia
   severity (FS = WPI + SSS) of at most :data:`CLEARLY_NOT_SENSITIZED_MAX` (WOLFE15 "none" or
   "mild", far below the 12 the diagnosis needs), the criteria pattern not met, and no FIQR above
   45. The FIQR alone never overrules the diagnosis: low impact does not mean normal pain processing.
2. **The client's own report is never lowered.** A stated level (``client.sensitivity``) is a floor:
   a client who says touch hurts ("high") stays high whatever a score says.
3. **Scores refine upward.** ACR 2016 and FIQR each suggest a level:

   * ACR 2016: **high** when the answers meet the ACR 2016 criteria pattern or FS is at least 12;
     **low** when FS is 0-3; otherwise **typical**. 12 is where WOLFE15's "severe"
     polysymptomatic-distress category begins and the smallest FS at which the criteria pattern can
     be met ("FM cannot be diagnosed unless PSD is at least 12"); 0-3 is WOLFE15's "none". With
     unanswered symptom items the SSS is not imputed; the answers count only when they already
     show **high**.
   * FIQR: **high** when the total is above 45 (SALAFFI2018 "moderate" or "high" impact), otherwise
     **typical**; never **low** (it is filled in by people with fibromyalgia).

   The level is the highest of the diagnosis, the stated level and the scores (caution first);
   with none of them it is **typical**. The source is the instrument that gave the level, else
   the diagnosis, else the stated level.

The rule is monotone: more painful areas, higher symptom or FIQR item scores, a higher stated
level or an added diagnosis never lower the level.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from touchdose.instruments.acr2016 import SEVERITY_BANDS, SEVERITY_FM_MINIMUM, Acr2016Score, score_acr2016
from touchdose.instruments.fiqr import SALAFFI2018_BANDS, FiqrScore, score_fiqr
from touchdose.records import CONDITIONS, SENSITIVITIES, ClientProfile
from touchdose.text import words

#: FS at or above this means high sensitivity: WOLFE15 "severe" begins here (J Rheumatol 2015;42:1494).
HIGH_SEVERITY_MIN = SEVERITY_FM_MINIMUM
#: FS at or below this means low sensitivity: the upper bound of WOLFE15's "none" category.
LOW_SEVERITY_MAX = SEVERITY_BANDS[0][0]
#: FIQR total above this means high sensitivity: the upper bound of SALAFFI2018 "mild" (Clin Exp
#: Rheumatol 2018;36:1074), i.e. moderate or high impact.
FIQR_HIGH_ABOVE = SALAFFI2018_BANDS[1][0]
#: With fibromyalgia, complete ACR 2016 answers at or below this FS (the top of WOLFE15 "mild")
#: clearly say the pain system is not behaving as sensitized now, so the scores decide.
CLEARLY_NOT_SENSITIZED_MAX = SEVERITY_BANDS[1][0]
#: Diagnoses that mean a sensitized pain system (docs/design.md "Clinical safety").
SENSITIZING_CONDITIONS: tuple[str, ...] = ("fibromyalgia",)
#: Where the level came from, in the order that names the source on a tie.
SOURCES: tuple[str, ...] = ("acr2016", "fiqr", "diagnosis", "stated", "default")
_RANK = {level: i for i, level in enumerate(SENSITIVITIES)}


@dataclass(frozen=True)
class Sensitivity:
    """The sensitivity level, where it came from, and the reasons in plain words."""

    level: str
    source: str
    reasons: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        """Return the result as a JSON-ready dictionary."""
        return {"level": self.level, "source": self.source, "reasons": list(self.reasons)}


def _from_acr(score: Acr2016Score) -> tuple[str | None, str]:
    fs = score.severity_at_least
    if score.meets_criteria or fs >= HIGH_SEVERITY_MIN:
        why = "the answers meet the ACR 2016 criteria pattern" if score.meets_criteria else ""
        why = why or f"fibromyalgia severity is {'at least ' if not score.complete else ''}{fs} of 31"
        return "high", f"ACR 2016: {why}, so touch may well hurt more than usual."
    if not score.complete:
        return None, "ACR 2016: some answers are missing, so they cannot set the level."
    if fs <= LOW_SEVERITY_MAX:
        return "low", f"ACR 2016: fibromyalgia severity is {fs} of 31, little widespread pain or symptoms."
    return "typical", f"ACR 2016: fibromyalgia severity is {fs} of 31, below {HIGH_SEVERITY_MIN}."


def _from_fiqr(score: FiqrScore) -> tuple[str | None, str]:
    if not score.valid or score.total is None:
        return None, f"FIQR: not scored ({score.reason}), so it cannot set the level."
    if score.total > FIQR_HIGH_ABOVE:
        return (
            "high",
            f"FIQR: total {score.total:.1f} of 100 means fibromyalgia weighs heavily on daily life.",
        )
    return "typical", f"FIQR: total {score.total:.1f} of 100, at most {FIQR_HIGH_ABOVE:g}."


def _clearly_not_sensitized(acr2016: Acr2016Score | None, fiqr: FiqrScore | None) -> Acr2016Score | None:
    """The ACR 2016 score that clearly overrules a fibromyalgia diagnosis, if there is one."""
    if acr2016 is None or not acr2016.complete or acr2016.meets_criteria:
        return None
    if acr2016.severity_at_least > CLEARLY_NOT_SENSITIZED_MAX:
        return None
    if fiqr is not None and fiqr.valid and fiqr.total is not None and fiqr.total > FIQR_HIGH_ABOVE:
        return None
    return acr2016


def _from_diagnosis(
    conditions: tuple[str, ...], acr2016: Acr2016Score | None, fiqr: FiqrScore | None
) -> tuple[str | None, str | None]:
    sensitizing = [c for c in conditions if c in SENSITIZING_CONDITIONS]
    if not sensitizing:
        return None, None
    name = words(sensitizing[0])
    overruled = _clearly_not_sensitized(acr2016, fiqr)
    if overruled is not None:
        return None, (
            f"{name}: usually a sensitized pain system, but the ACR 2016 answers show little widespread "
            f"pain and few symptoms now (severity {overruled.severity_at_least} of 31), so they decide."
        )
    return "high", f"{name}: a sensitized pain system is part of the diagnosis, so touch may well hurt more."


def sensitivity_from_scores(
    *,
    acr2016: Acr2016Score | None = None,
    fiqr: FiqrScore | None = None,
    stated: str | None = None,
    conditions: tuple[str, ...] = (),
) -> Sensitivity:
    """Decide the sensitivity level from the diagnosis, the stated level and scored questionnaires.

    Parameters
    ----------
    acr2016 : Acr2016Score, optional
        Scored ACR 2016 answers.
    fiqr : FiqrScore, optional
        Scored FIQR.
    stated : {"low", "typical", "high"}, optional
        The level the client or therapist gave by hand: never lowered.
    conditions : tuple of str
        The client's conditions (:data:`touchdose.records.CONDITIONS`); fibromyalgia means high.

    Returns
    -------
    Sensitivity
        ``level``, ``source`` (one of :data:`SOURCES`) and plain-words ``reasons``.

    Notes
    -----
    See the module docstring for the rule and its reasoning.

    Examples
    --------
    >>> sensitivity_from_scores(stated="low").level
    'low'
    >>> sensitivity_from_scores().source
    'default'
    >>> s = sensitivity_from_scores(conditions=("fibromyalgia",))
    >>> s.level, s.source
    ('high', 'diagnosis')
    """
    if stated is not None and stated not in SENSITIVITIES:
        raise ValueError(f"sensitivity = {stated!r} is not allowed (allowed: {', '.join(SENSITIVITIES)})")
    for c in conditions:
        if c not in CONDITIONS:
            raise ValueError(f"conditions: {c!r} is not allowed (allowed: {', '.join(CONDITIONS)})")
    found: list[tuple[str, str]] = []  # (level, source)
    reasons: list[str] = []
    for source, judged in (
        ("acr2016", None if acr2016 is None else _from_acr(acr2016)),
        ("fiqr", None if fiqr is None else _from_fiqr(fiqr)),
        ("diagnosis", _from_diagnosis(conditions, acr2016, fiqr)),
    ):
        if judged is None:
            continue
        level, reason = judged
        if reason is not None:
            reasons.append(reason)
        if level is not None:
            found.append((level, source))
    if stated is not None:
        found.append((stated, "stated"))
        reasons.append(f"Sensitivity given by hand: {stated} (never lowered by a score).")
    if not found:
        return Sensitivity(
            "typical", "default", (*reasons, "No diagnosis, questionnaire or stated level: typical.")
        )
    top = max(_RANK[level] for level, _ in found)
    level, source = next(item for item in found if _RANK[item[0]] == top)  # first of equals, SOURCES order
    return Sensitivity(level, source, tuple(reasons))


def derive_sensitivity(profile: ClientProfile) -> Sensitivity:
    """Decide how sensitive to touch a client is likely to be, from their profile.

    Parameters
    ----------
    profile : touchdose.records.ClientProfile
        The client; its ``acr2016`` answers, ``fiqr`` items and ``sensitivity`` are used.

    Returns
    -------
    Sensitivity
        ``level`` (low, typical, high), ``source`` and ``reasons``.

    Notes
    -----
    Fibromyalgia: high unless complete ACR 2016 answers show FS <= 7 (and no FIQR above 45).
    ACR 2016: high if the criteria pattern is met or FS = WPI + SSS >= 12, low if FS <= 3, else
    typical. FIQR: high if total > 45, else typical. The stated level is a floor. The highest wins;
    with nothing given, typical.

    References
    ----------
    .. [1] Wolfe F, Walitt BT, Rasker JJ, Katz RS, Häuser W. J Rheumatol 2015;42(8):1494-501.
    .. [2] Salaffi F, Di Carlo M, et al. Clin Exp Rheumatol 2018;36(6):1074-1081.

    Examples
    --------
    >>> from touchdose.records import Acr2016Answers
    >>> p = ClientProfile(id="c-1", sensitivity="typical", acr2016=Acr2016Answers(
    ...     wpi_regions=("neck", "upper_back", "hip_left", "hip_right", "shoulder_girdle_left"),
    ...     fatigue=2, waking_unrefreshed=2, cognitive=2, headaches=1, lower_abdominal_pain=0,
    ...     depression=0, symptoms_3_months=True))
    >>> s = derive_sensitivity(p)
    >>> s.level, s.source
    ('high', 'acr2016')
    """
    acr = None if profile.acr2016 is None else score_acr2016(profile.acr2016)
    fiqr = None if profile.fiqr is None else score_fiqr(profile.fiqr)
    return sensitivity_from_scores(
        acr2016=acr, fiqr=fiqr, stated=profile.sensitivity, conditions=profile.conditions
    )
