"""The revised Fibromyalgia Impact Questionnaire (FIQR): function, overall impact, symptoms, total.

Scoring follows the official FIQR site (Bennett; docs/instruments.md 2.2-2.3). Domain scores
are computed exactly (``fractions.Fraction``) and turned into floats only at the end; rounding is
for display alone.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from touchdose.records import FIQR_ITEMS, NRS_MAX, NRS_MIN
from touchdose.types import as_dict

# --- Structure and rules (Bennett RM et al. Arthritis Res Ther 2009;11:R120; fiqr.info "Scoring") ---

#: Item positions (1-based, questionnaire order) of the three domains: 9 function, 2 overall, 10 symptoms.
FUNCTION_ITEMS = range(1, 10)
OVERALL_ITEMS = range(10, 12)
SYMPTOM_ITEMS = range(12, 22)
DOMAIN_ITEMS: dict[str, range] = {
    "function": FUNCTION_ITEMS,
    "overall": OVERALL_ITEMS,
    "symptoms": SYMPTOM_ITEMS,
}
#: Domain divisors: function sum / 3 (0-30), overall sum / 1 (0-20), symptoms sum / 2 (0-50).
FUNCTION_DIVISOR, OVERALL_DIVISOR, SYMPTOM_DIVISOR = 3, 1, 2
#: Missing-item rule (fiqr.info, newer text): at most one function item may be missing (prorated
#: 9/x); any missing overall or symptom item makes the questionnaire invalid.
FUNCTION_MAX_MISSING = 1

#: Severity states of Salaffi F, Di Carlo M, et al. Clin Exp Rheumatol 2018;36(6):1074-81 (n = 521,
#: SF-36 anchored): remission <= 30 < mild <= 45 < moderate <= 65 < high. The paper leaves (45, 46]
#: unassigned; we close the gap at 45 (docs/instruments.md 2.4). Upper bound inclusive, name.
SALAFFI2018_BANDS: tuple[tuple[float, str], ...] = (
    (30.0, "remission"), (45.0, "mild"), (65.0, "moderate"), (100.0, "high"),
)  # fmt: skip
#: Salaffi F, Di Carlo M, Bazzichi L, et al. (n = 2339; journal and year not verified,
#: docs/instruments.md 2.4): 0-23 remission, 24-40 mild, 41-63 moderate, 64-82 severe, >= 83 very
#: severe. Fractional totals fall in [0,24), [24,41), [41,64), [64,83), [83,100]. Lower bound
#: inclusive, name.
SALAFFI2021_BANDS: tuple[tuple[float, str], ...] = (
    (0.0, "remission"), (24.0, "mild"), (41.0, "moderate"), (64.0, "severe"), (83.0, "very_severe"),
)  # fmt: skip
#: The scheme used for ``FiqrScore.severity_band``: SALAFFI2018, whose citation is verified.
BAND_SCHEME = "SALAFFI2018"
#: Minimal clinically important reduction of the *original* FIQ total, in percent: 14 % (Bennett RM,
#: Bushmakin AG, Cappelleri JC, et al. J Rheumatol 2009;36:1304-11). Using it for the FIQR is an
#: extrapolation: no FIQR-specific anchor-based value was found (docs/instruments.md 2.5).
FIQ_MCID_PERCENT = 14.0


class FiqrInvalidWarning(UserWarning):
    """Too many FIQR items are unanswered for a valid score (the published missing-item rule)."""


@dataclass(frozen=True)
class FiqrScore:
    """A scored FIQR; the domain scores and total are ``None`` when the questionnaire is invalid.

    Attributes
    ----------
    function : float or None
        Function domain, 0-30 (prorated when one item is missing).
    overall : int or None
        Overall impact domain, 0-20.
    symptoms : float or None
        Symptom domain, 0-50.
    total : float or None
        FIQR total, 0-100 (higher = greater impact).
    valid : bool
        Whether the missing-item rule allows a score.
    missing_items : tuple of int
        1-based numbers of the unanswered items.
    reason : str
        Why the score is invalid, in plain words ("" when valid).
    severity_band : str or None
        SALAFFI2018 severity state of ``total``.
    """

    function: float | None
    overall: int | None
    symptoms: float | None
    total: float | None
    valid: bool
    missing_items: tuple[int, ...]
    reason: str
    severity_band: str | None

    def summary(self) -> str:
        """One plain sentence for a person (total rounded to one decimal for display only).

        >>> score_fiqr([3, 5, 4, 6, 7, 5, 6, 4, 5, 6, 7, 7, 6, 5, 8, 4, 5, 4, 7, 3, 6]).summary()
        'FIQR total 55.5 of 100: moderate impact of fibromyalgia on daily life (SALAFFI2018).'
        """
        if not self.valid or self.total is None:
            return f"FIQR not scored: {self.reason}."
        return (
            f"FIQR total {self.total:.1f} of 100: {self.severity_band} impact of fibromyalgia on daily life "
            f"({BAND_SCHEME})."
        )

    def to_dict(self) -> dict[str, Any]:
        """Return the result as a JSON-ready dictionary (docs/formats.md ``instruments.fiqr``)."""
        return as_dict(self, band_scheme=BAND_SCHEME)


def _check_items(items: Sequence[int | None]) -> tuple[int | None, ...]:
    if isinstance(items, (str, bytes)) or not isinstance(items, Sequence):
        raise ValueError(f"fiqr = {items!r} is not allowed (allowed: a list of {FIQR_ITEMS} item scores)")
    if len(items) != FIQR_ITEMS:
        raise ValueError(
            f"fiqr has {len(items)} items, which is not allowed (allowed: exactly {FIQR_ITEMS} item scores)"
        )
    for number, value in enumerate(items, start=1):
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int) or not NRS_MIN <= value <= NRS_MAX:
            raise ValueError(
                f"fiqr item {number} = {value!r} is not allowed "
                f"(allowed: a whole number {NRS_MIN}-{NRS_MAX}, or null when unanswered)"
            )
    return tuple(items)


def _invalid(missing: tuple[int, ...], reason: str) -> FiqrScore:
    warnings.warn(f"FIQR not scored: {reason}", FiqrInvalidWarning, stacklevel=3)
    return FiqrScore(None, None, None, None, False, missing, reason, None)


def score_fiqr(items: Sequence[int | None]) -> FiqrScore:
    """Score the revised Fibromyalgia Impact Questionnaire.

    Parameters
    ----------
    items : sequence of int or None
        The 21 item scores (0-10) in questionnaire order: 9 function, 2 overall impact,
        10 symptoms; ``None`` for an unanswered item.

    Returns
    -------
    FiqrScore
        Domain scores, the exact total, and the SALAFFI2018 severity state; all ``None`` with
        ``valid=False`` and a reason (and a :class:`FiqrInvalidWarning`) when too many items are missing.

    Raises
    ------
    ValueError
        If there are not 21 items, or an item is not a whole number 0-10 or ``None``
        (the message names the item number, the value and what is allowed).

    Notes
    -----
    ``function = sum(function items) / 3``, ``overall = sum(overall items)``,
    ``symptoms = sum(symptom items) / 2``, ``total = function + overall + symptoms`` (0-100).
    Missing items (the newer fiqr.info rule, chosen because it is the developers' current text and
    because prorating a one- or two-item domain would invent most of it): one missing function
    item is prorated (``sum * 9/8``); two or more missing function items, or any missing overall
    or symptom item, make the questionnaire invalid.

    References
    ----------
    .. [1] Bennett RM, Friend R, Jones KD, Ward R, Han BK, Ross RL. The Revised Fibromyalgia Impact
       Questionnaire (FIQR): validation and psychometric properties. Arthritis Res Ther
       2009;11(4):R120.
    .. [2] Salaffi F, Di Carlo M, et al. Categorisation of disease severity states in fibromyalgia.
       Clin Exp Rheumatol 2018;36(6):1074-1081.

    Examples
    --------
    >>> s = score_fiqr([5, 4, 6, 3, 5, 4, 6, 5, 4, 7, 6, 7, 6, 5, 6, 7, 5, 4, 6, 6, 5])
    >>> s.function, s.overall, s.symptoms, s.total, s.severity_band
    (14.0, 13, 28.5, 55.5, 'moderate')
    """
    values = _check_items(items)
    missing = tuple(n for n, v in enumerate(values, start=1) if v is None)
    function_missing = [n for n in missing if n in FUNCTION_ITEMS]
    if len(function_missing) > FUNCTION_MAX_MISSING:
        return _invalid(missing, f"{len(function_missing)} function items unanswered (at most 1 allowed)")
    if any(n not in FUNCTION_ITEMS for n in missing):
        return _invalid(missing, "an overall-impact or symptom item is unanswered (none may be missing)")

    def domain_sum(numbers: range) -> Fraction:
        answered = [values[n - 1] for n in numbers if values[n - 1] is not None]
        return Fraction(sum(v for v in answered if v is not None) * len(numbers), len(answered))

    function = domain_sum(FUNCTION_ITEMS) / FUNCTION_DIVISOR
    overall = domain_sum(OVERALL_ITEMS) / OVERALL_DIVISOR
    symptoms = domain_sum(SYMPTOM_ITEMS) / SYMPTOM_DIVISOR
    total = float(function + overall + symptoms)
    return FiqrScore(
        function=float(function),
        overall=int(overall),
        symptoms=float(symptoms),
        total=total,
        valid=True,
        missing_items=missing,
        reason="",
        severity_band=fiqr_band(total),
    )


def fiqr_band(total: float, scheme: str = BAND_SCHEME) -> str:
    """Name the severity state of a FIQR total in a published scheme.

    Parameters
    ----------
    total : float
        FIQR total, 0-100.
    scheme : {"SALAFFI2018", "SALAFFI2021"}
        Which published cut-offs to use (see :data:`SALAFFI2018_BANDS`, :data:`SALAFFI2021_BANDS`).

    Returns
    -------
    str
        SALAFFI2018: remission, mild, moderate, high. SALAFFI2021: remission, mild, moderate,
        severe, very_severe.

    Examples
    --------
    >>> fiqr_band(55.5), fiqr_band(74.25), fiqr_band(74.25, "SALAFFI2021")
    ('moderate', 'high', 'severe')
    """
    if isinstance(total, bool) or not isinstance(total, (int, float)) or not 0 <= total <= 100:
        raise ValueError(f"total = {total!r} is not allowed (allowed: a number 0-100)")
    if scheme == "SALAFFI2018":
        return next(name for upper, name in SALAFFI2018_BANDS if total <= upper)
    if scheme == "SALAFFI2021":
        return [name for lower, name in SALAFFI2021_BANDS if total >= lower][-1]
    raise ValueError(f"scheme = {scheme!r} is not allowed (allowed: SALAFFI2018, SALAFFI2021)")


@dataclass(frozen=True)
class FiqrChange:
    """Change of the FIQR total between two times; ``percent`` is a reduction (positive = better)."""

    baseline: float
    followup: float
    points: float
    percent: float | None
    meets_mcid: bool

    def to_dict(self) -> dict[str, Any]:
        """Return the result as a JSON-ready dictionary."""
        return as_dict(self, mcid_percent=FIQ_MCID_PERCENT)


def fiqr_change(baseline: float, followup: float) -> FiqrChange:
    """Compare two FIQR totals with the 14 % minimal clinically important difference of the FIQ.

    Parameters
    ----------
    baseline, followup : float
        FIQR totals (0-100) at the start and later.

    Returns
    -------
    FiqrChange
        Reduction in points and percent; ``meets_mcid`` when the reduction is at least 14 %.

    Notes
    -----
    ``percent = 100 * (baseline - followup) / baseline``, undefined (``None``) when baseline is 0.
    The 14 % was derived for the original FIQ (Bennett 2009, J Rheumatol); for the FIQR it is an
    extrapolation and reports should say so.

    Examples
    --------
    >>> round(fiqr_change(55.5, 47.0).percent, 3), fiqr_change(55.5, 48.0).meets_mcid
    (15.315, False)
    """
    for name, value in (("baseline", baseline), ("followup", followup)):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 100:
            raise ValueError(f"{name} = {value!r} is not allowed (allowed: a FIQR total 0-100)")
    points = float(baseline) - float(followup)
    percent = None if baseline == 0 else 100.0 * points / baseline
    meets = percent is not None and percent >= FIQ_MCID_PERCENT
    return FiqrChange(float(baseline), float(followup), points, percent, meets)
