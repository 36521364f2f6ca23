"""How sensitive to touch is this client likely to be: low, typical or high?

The level sets how cautiously the intensity titration starts (a steeper aggravation skeleton and
light pressure first for a sensitized client). The rule, in order (docs/formats.md ``sensitivity``):

1. When ACR 2016 answers or a valid FIQR are present, *they decide*:

   * ACR 2016: **high** when the answers meet the ACR 2016 criteria pattern or fibromyalgia
     severity (FS = WPI + SSS) is at least 12; **low** when FS is 0-3; otherwise **typical**.
     12 is where WOLFE15's "severe" polysymptomatic-distress category begins and the smallest FS at
     which the criteria pattern can be met ("FM cannot be diagnosed unless PSD is at least 12");
     0-3 is WOLFE15's "none" category. FS adds up widespread pain and symptom burden, the
     clinical face of central sensitization, so it is the most direct measure we have.
     With unanswered symptom items the SSS is not imputed; the answers decide only when they
     already show **high** (FS at least 12 counting just the answered items, or the pattern met).
   * FIQR: **high** when the total is above 45 (SALAFFI2018 "moderate" or "high" impact), otherwise
     **typical**. The FIQR is never a reason for **low**: it is filled in by people with
     fibromyalgia, and low impact does not mean normal pain processing.
   * Both present: the *higher* level wins (caution first), and the source is the instrument that
     gave it (ACR 2016 on a tie).

2. Otherwise the level the client or therapist stated (``source="stated"``).
3. Otherwise **typical** (``source="default"``).

The rule is monotone: more painful areas or higher symptom or FIQR item scores never lower the level.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from touchdose.instruments.acr2016 import SEVERITY_BANDS, SEVERITY_FM_MINIMUM, Acr2016Score, score_acr2016
from touchdose.instruments.fiqr import SALAFFI2018_BANDS, FiqrScore, score_fiqr
from touchdose.records import SENSITIVITIES, ClientProfile

#: FS at or above this means high sensitivity: WOLFE15 "severe" begins here (J Rheumatol 2015;42:1494).
HIGH_SEVERITY_MIN = SEVERITY_FM_MINIMUM
#: FS at or below this means low sensitivity: the upper bound of WOLFE15's "none" category.
LOW_SEVERITY_MAX = SEVERITY_BANDS[0][0]
#: FIQR total above this means high sensitivity: the upper bound of SALAFFI2018 "mild" (Clin Exp
#: Rheumatol 2018;36:1074), i.e. moderate or high impact.
FIQR_HIGH_ABOVE = SALAFFI2018_BANDS[1][0]
SOURCES: tuple[str, ...] = ("acr2016", "fiqr", "stated", "default")
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


def sensitivity_from_scores(
    *, acr2016: Acr2016Score | None = None, fiqr: FiqrScore | None = None, stated: str | None = None
) -> Sensitivity:
    """Decide the sensitivity level from scored questionnaires and the stated level.

    Parameters
    ----------
    acr2016 : Acr2016Score, optional
        Scored ACR 2016 answers.
    fiqr : FiqrScore, optional
        Scored FIQR.
    stated : {"low", "typical", "high"}, optional
        The level the client or therapist gave by hand.

    Returns
    -------
    Sensitivity
        ``level``, ``source`` (acr2016, fiqr, stated or default) and plain-words ``reasons``.

    Notes
    -----
    See the module docstring for the rule and its reasoning.

    Examples
    --------
    >>> sensitivity_from_scores(stated="low").level
    'low'
    >>> sensitivity_from_scores().source
    'default'
    """
    if stated is not None and stated not in SENSITIVITIES:
        raise ValueError(f"sensitivity = {stated!r} is not allowed (allowed: {', '.join(SENSITIVITIES)})")
    found: list[tuple[str, str]] = []  # (level, source), best evidence first
    reasons: list[str] = []
    for source, judged in (
        ("acr2016", None if acr2016 is None else _from_acr(acr2016)),
        ("fiqr", None if fiqr is None else _from_fiqr(fiqr)),
    ):
        if judged is not None:
            level, reason = judged
            reasons.append(reason)
            if level is not None:
                found.append((level, source))
    if found:
        level, source = max(found, key=lambda item: _RANK[item[0]])  # first of equals: ACR 2016
        return Sensitivity(level, source, tuple(reasons))
    if stated is not None:
        return Sensitivity(stated, "stated", (*reasons, f"Sensitivity given by hand: {stated}."))
    return Sensitivity("typical", "default", (*reasons, "No questionnaire or stated sensitivity: typical."))


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
    ACR 2016: high if the criteria pattern is met or FS = WPI + SSS >= 12, low if FS <= 3,
    else typical. FIQR: high if total > 45, else typical. Both: the higher. Neither decides:
    the stated level, else typical.

    References
    ----------
    .. [1] Wolfe F, Walitt BT, Rasker JJ, Katz RS, Häuser W. J Rheumatol 2015;42(8):1494-501.
    .. [2] Salaffi F, Di Carlo M, et al. Clin Exp Rheumatol 2018;36(6):1074-1081.

    Examples
    --------
    >>> from touchdose.records import Acr2016Answers
    >>> p = ClientProfile(id="c-1", sensitivity="low", acr2016=Acr2016Answers(
    ...     wpi_regions=("neck", "upper_back", "hip_left", "hip_right", "shoulder_girdle_left"),
    ...     fatigue=2, waking_unrefreshed=2, cognitive=2, headaches=1, lower_abdominal_pain=0,
    ...     depression=0, symptoms_3_months=True))
    >>> s = derive_sensitivity(p)
    >>> s.level, s.source
    ('high', 'acr2016')
    """
    acr = None if profile.acr2016 is None else score_acr2016(profile.acr2016)
    fiqr = None if profile.fiqr is None else score_fiqr(profile.fiqr)
    return sensitivity_from_scores(acr2016=acr, fiqr=fiqr, stated=profile.sensitivity)
