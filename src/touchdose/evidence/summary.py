"""What the published evidence says, in points on the 0-10 pain scale, said plainly.

For a condition (and optionally an outcome) this collects the library's effect
rows, pools trial-level rows only where pooling is honest (two or more
independent trials, same outcome and effect type), translates pain effects into
points on the 0-10 scale, and compares them with the minimally important
difference, so that "statistically clear but too small to feel" and "too thin
to say anything" are said out loud.

Examples
--------
>>> s = evidence_summary("low_back_pain", "pain")
>>> row = next(r for r in s.rows if r.study_id == "Cherkin2011")
>>> row.points, row.judgement.kind
(-1.7, 'meaningful')
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from touchdose.evidence.doses import Dose, starting_dose
from touchdose.evidence.effects import Z_975
from touchdose.evidence.library import EVIDENCE_OUTCOMES, Effect, Guideline, Library, load_library
from touchdose.evidence.meta import FewStudiesWarning, MetaResult, meta_analysis
from touchdose.instruments.change import MID_POINTS
from touchdose.records import CONDITIONS
from touchdose.text import words
from touchdose.types import as_dict

#: SD of pain on a 0-10 scale used to turn a standardized mean difference into points
#: (points = SMD x SD). Furlan AD et al., Cochrane CD001929.pub3 (2015), Summary of findings 2:
#: control-group pain 40.6 (SD 26.7) on a 0-100 VAS in trials of massage for low back pain.
PAIN_SD_POINTS = 2.67
PAIN_SD_SOURCE = "Furlan 2015 (Cochrane, massage for low back pain): control-group pain SD 26.7 on 0-100"
#: Neck pain: Gross A et al., Cochrane CD004871.pub5 (2024): baseline pain 51.8 (SD 14.1) on a 0-100 VAS.
NECK_PAIN_SD_POINTS = 1.41
NECK_PAIN_SD_SOURCE = "Gross 2024 (Cochrane, massage for neck pain): baseline pain SD 14.1 on a 0-100 VAS"
#: Fibromyalgia: Bernardy K, Klose P, Busch AJ, Choy EHS, Häuser W. Cochrane CD009796.pub2 (2013),
#: Summary of findings 1: the control groups' pain, 7.37 (SD 2.10) on a 0-10 scale, the SD that
#: review itself uses to put its pain SMD in points (SMD -0.29, CI -0.47 to -0.11, is 2.3 % to
#: 10.3 % of the scale: 0.11 x 2.10 and 0.49 x 2.10 points). docs/evidence.md "Converting to points".
FIBROMYALGIA_PAIN_SD_POINTS = 2.10
FIBROMYALGIA_PAIN_SD_SOURCE = (
    "Bernardy 2013 (Cochrane, fibromyalgia): control-group pain 7.37 (SD 2.10) on a 0-10 scale"
)
#: The SD of each condition that has one from its own trials; any other borrows the low-back SD.
_PAIN_SD_BY_CONDITION: dict[str, tuple[float, str]] = {
    "low_back_pain": (PAIN_SD_POINTS, PAIN_SD_SOURCE),
    "neck_pain": (NECK_PAIN_SD_POINTS, NECK_PAIN_SD_SOURCE),
    "fibromyalgia": (FIBROMYALGIA_PAIN_SD_POINTS, FIBROMYALGIA_PAIN_SD_SOURCE),
}

#: Fewest independent trials that can be pooled (one trial is a result, not a meta-analysis).
MIN_TRIALS_TO_POOL = 2
#: Pooling in the library uses REML with Hartung-Knapp-Sidik-Jonkman intervals, which keep their
#: coverage with few trials (IntHout J et al. BMC Med Res Methodol 2014;14:25).
POOL_METHOD, POOL_HKSJ = "REML", True
#: Judgement kinds, from best to worst, plus the two "cannot say" kinds.
JUDGEMENTS: tuple[str, ...] = (
    "meaningful",
    "possibly_meaningful",
    "too_small_to_feel",
    "clear",
    "uncertain",
    "worse",
    "no_interval",
)


@dataclass(frozen=True)
class Judgement:
    """What an effect means for a person: a kind (one of :data:`JUDGEMENTS`) and a plain sentence."""

    kind: str
    sentence: str


@dataclass(frozen=True)
class EvidenceRow:
    """One effect row, normalised (negative = better with massage), with points and a judgement.

    ``reported`` is the effect as published (e.g. ``RR 2.7 (0.99 to 7.5)``); ``effect`` and ``ci95``
    are normalised, on the log scale for ratio measures.
    """

    study_id: str
    citation: str
    level: str
    design: str
    outcome: str
    outcome_detail: str
    comparator: str
    timepoint: str
    effect_type: str
    reported: str
    effect: float | None
    ci95: tuple[float, float] | None
    se: float | None
    points: float | None
    points_ci95: tuple[float, float] | None
    judgement: Judgement
    poolable: bool
    status: str
    note: str

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict."""
        return as_dict(self)


@dataclass(frozen=True)
class PooledEffect:
    """A random-effects pool of independent trials, with its translation and judgement."""

    condition: str
    outcome: str
    effect_type: str
    scale: str | None
    study_ids: tuple[str, ...]
    meta: MetaResult
    points: float | None
    points_ci95: tuple[float, float] | None
    judgement: Judgement

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict."""
        return as_dict(self)


@dataclass(frozen=True)
class EvidenceSummary:
    """Everything ``touchdose evidence`` shows for one condition / outcome."""

    condition: str | None
    outcome: str | None
    rows: tuple[EvidenceRow, ...]
    pooled: tuple[PooledEffect, ...]
    messages: tuple[str, ...]
    mid_points: float
    pain_sd_points: float
    pain_sd_source: str
    dose: Dose | None
    guidelines: tuple[Guideline, ...]

    def to_dict(self) -> dict[str, Any]:
        """Return the ``touchdose evidence --json`` object (the rows under ``studies``)."""
        keys = ("condition", "outcome", "mid_points", "pain_sd_points", "pain_sd_source", "studies", "pooled",
                "messages", "dose", "guidelines")  # fmt: skip
        return as_dict(self, keys, studies=self.rows)


def pain_sd(condition: str | None) -> tuple[float, str]:
    """The 0-10 pain SD used to translate SMDs for a condition, and its source.

    The condition's own SD where the library has one (low back, neck, fibromyalgia); otherwise the
    low-back SD, and the source says it is borrowed.

    Examples
    --------
    >>> pain_sd("fibromyalgia")
    (2.1, 'Bernardy 2013 (Cochrane, fibromyalgia): control-group pain 7.37 (SD 2.10) on a 0-10 scale')
    >>> pain_sd("knee_osteoarthritis")[1]
    'Furlan 2015 (Cochrane, massage for low back pain): control-group pain SD 26.7 on 0-100; borrowed: ...'
    """
    if condition in _PAIN_SD_BY_CONDITION:
        return _PAIN_SD_BY_CONDITION[condition]
    if condition is None:
        return PAIN_SD_POINTS, PAIN_SD_SOURCE + "; each condition's rows use that condition's SD"
    return PAIN_SD_POINTS, PAIN_SD_SOURCE + "; borrowed: the library has no SD from trials of this condition"


def to_points(effect_type: str, scale: str | None, outcome: str, value: float, sd: float) -> float | None:
    """Translate a pain effect into points on the 0-10 scale; ``None`` when it is not a pain effect.

    Notes
    -----
    SMD: ``points = SMD x SD`` (SD of pain on 0-10). Mean difference on a 0-10 scale: as is; on a
    0-100 scale: divided by 10. Other outcomes and ratio measures are not translated.

    Examples
    --------
    >>> to_points("SMD", None, "pain", -0.5, 2.67)
    -1.335
    >>> to_points("MD", "0-100", "pain", -4.8, 2.67)
    -0.48
    >>> to_points("RR", None, "pain", 0.5, 2.67) is None
    True
    """
    if outcome != "pain":
        return None
    if effect_type == "SMD":
        return value * sd
    if effect_type == "MD" and scale == "0-10":
        return value
    if effect_type == "MD" and scale == "0-100":
        return value / 10
    return None


def judge(
    effect: float, ci95: tuple[float, float] | None, *, points: bool, mid: float = MID_POINTS
) -> Judgement:
    """Judge an effect (negative = better with massage) against zero and, in points, against the MID.

    Parameters
    ----------
    effect : float
        Point estimate (points on 0-10 when ``points``; else on the effect's own scale).
    ci95 : tuple of float or None
        Its 95 % interval (``None``: no interval was reported).
    points : bool
        Whether the effect is in points on the 0-10 pain scale (then the MID applies).
    mid : float
        Minimally important difference in points (IMMPACT, Dworkin 2008).

    Returns
    -------
    Judgement

    Notes
    -----
    Interval entirely below ``-mid``: meaningful. Estimate at or beyond ``-mid`` but the interval
    reaches past it: possibly meaningful. Interval below 0 but estimate smaller than the MID:
    statistically clear but too small to feel. Interval spanning 0: uncertain. Interval above 0:
    worse with massage.

    Examples
    --------
    >>> judge(-0.6, (-0.9, -0.3), points=True).kind
    'too_small_to_feel'
    >>> judge(-0.6, (-1.4, 0.2), points=True).kind
    'uncertain'
    """
    if ci95 is None:
        return Judgement(
            "no_interval", "No confidence interval was reported: how sure this is cannot be judged."
        )
    lo, hi = ci95
    if lo > 0:
        return Judgement("worse", "The whole interval lies on the side of worse outcomes with massage.")
    if hi >= 0:
        return Judgement("uncertain", "The interval includes no effect at all: this could be no difference.")
    if not points:
        return Judgement("clear", "Statistically clear in favour of massage (no 0-10 pain translation).")
    if hi <= -mid:
        return Judgement(
            "meaningful",
            f"Clear, and large enough to feel: the whole interval is beyond the "
            f"{mid:g}-point minimally important difference.",
        )
    if effect <= -mid:
        return Judgement(
            "possibly_meaningful",
            f"Clear, and on average about as large as the {mid:g}-point "
            f"minimally important difference, but it could be smaller.",
        )
    return Judgement(
        "too_small_to_feel",
        f"Statistically clear but too small to feel: less than the {mid:g}-point change a patient notices.",
    )


def reported(e: Effect) -> str:
    """The effect as published, e.g. ``SMD 0.62 (0.05 to 1.20)``; empty for a narrative row.

    Examples
    --------
    >>> reported(load_library().effects_for("fibromyalgia", "pain")[0])
    'SMD 0.62 (0.05 to 1.2)'
    """
    if e.estimate is None:
        return ""
    text = f"{e.effect_type} {e.estimate:g}"
    if e.ci_low is not None and e.ci_high is not None:
        text += f" ({e.ci_low:g} to {e.ci_high:g})"
    elif e.se is not None:
        text += f" (SE {e.se:g})"
    return text + (f" on {e.scale}" if e.scale else "")


def _row(e: Effect, lib: Library, mid: float) -> EvidenceRow:
    study = lib.study(e.study_id)
    sd = pain_sd(study.condition)[0]
    effect = ci = pts = pts_ci = None
    if e.estimate is not None:
        n = e.normalised()
        effect, ci = (
            n.effect,
            (n.ci_low, n.ci_high) if n.ci_low is not None and n.ci_high is not None else None,
        )
        if ci is None and n.se is not None:
            ci = (n.effect - Z_975 * n.se, n.effect + Z_975 * n.se)
        pts = to_points(e.effect_type, e.scale, e.outcome, n.effect, sd)
        if pts is not None and ci is not None:
            lo, hi = (to_points(e.effect_type, e.scale, e.outcome, x, sd) for x in ci)
            pts_ci = (lo, hi) if lo is not None and hi is not None else None
        judgement = judge(
            pts if pts is not None else effect,
            pts_ci if pts is not None else ci,
            points=pts is not None,
            mid=mid,
        )
    else:
        judgement = Judgement("no_interval", e.finding or "No numbers were reported.")
    return EvidenceRow(
        study_id=e.study_id,
        citation=study.citation,
        level=study.level,
        design=study.design,
        outcome=e.outcome,
        outcome_detail=e.outcome_detail,
        comparator=e.comparator,
        timepoint=e.timepoint,
        effect_type=e.effect_type,
        reported=reported(e),
        effect=effect,
        ci95=ci,
        se=e.normalised().se if e.estimate is not None else None,
        points=pts,
        points_ci95=pts_ci,
        judgement=judgement,
        poolable=e.poolable,
        status=e.status,
        note=e.pool_note or e.finding,
    )


def _pool(effects: Iterable[Effect], lib: Library, mid: float) -> tuple[PooledEffect, ...]:
    groups: dict[tuple[str, str, str, str | None], list[Effect]] = {}
    for e in effects:
        if e.poolable:
            key = (lib.study(e.study_id).condition, e.outcome, e.effect_type, e.scale)
            groups.setdefault(key, []).append(e)
    out = []
    for (condition, outcome, effect_type, scale), rows in groups.items():
        sd = pain_sd(condition)[0]
        if len({e.study_id for e in rows}) < MIN_TRIALS_TO_POOL:
            continue
        norm = [e.normalised() for e in rows]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", FewStudiesWarning)  # the thinness is said in the messages instead
            meta = meta_analysis(
                [n.effect for n in norm],
                [(n.se or 0.0) ** 2 for n in norm],
                method=POOL_METHOD,
                hksj=POOL_HKSJ,
            )
        pts = to_points(effect_type, scale, outcome, meta.estimate, sd)
        pts_ci = None
        if pts is not None:
            lo, hi = (to_points(effect_type, scale, outcome, x, sd) for x in meta.ci95)
            pts_ci = (lo, hi) if lo is not None and hi is not None else None
        judgement = judge(
            pts if pts is not None else meta.estimate,
            pts_ci if pts is not None else meta.ci95,
            points=pts is not None,
            mid=mid,
        )
        out.append(
            PooledEffect(
                condition,
                outcome,
                effect_type,
                scale,
                tuple(e.study_id for e in rows),
                meta,
                pts,
                pts_ci,
                judgement,
            )
        )
    return tuple(out)


_CONDITION_WORDS = {"other": "other conditions"}


def _messages(
    rows: tuple[EvidenceRow, ...], pooled: tuple[PooledEffect, ...], condition: str | None
) -> list[str]:
    where = f" for {_CONDITION_WORDS.get(condition, words(condition, capital=False))}" if condition else ""
    numbers = [r for r in rows if r.ci95 is not None]
    if not rows:
        return [f"The library has no studies{where}: the evidence is too thin to say anything."]
    msgs = []
    if not numbers:
        msgs.append(
            f"No study{where} reports an effect with a confidence interval: the evidence is too thin "
            "to say anything in numbers; the findings below are descriptions only."
        )
    if not pooled:
        msgs.append(
            f"Nothing{where} is pooled: there are not two independent trials with usable numbers on "
            "the same outcome. Reviews are shown side by side and never combined, because they "
            "share trials."
        )
    for p in pooled:
        msgs.append(
            f"The pooled {p.outcome} result rests on {p.meta.k} trials; with so few, the Hartung-Knapp "
            "interval is wide by design and the spread between trials is hard to estimate."
        )
    if any(r.judgement.kind == "too_small_to_feel" for r in rows) or any(
        p.judgement.kind == "too_small_to_feel" for p in pooled
    ):
        msgs.append("Some effects are statistically clear but smaller than the change a patient can feel.")
    if any(r.status in ("U", "D") for r in rows):
        msgs.append("Rows marked U are unverified and rows marked D are derived by us; treat them with care.")
    return msgs


def evidence_summary(
    condition: str | None = None,
    outcome: str | None = None,
    *,
    library: Library | None = None,
    mid: float = MID_POINTS,
) -> EvidenceSummary:
    """Collect, pool where honest, translate and judge the evidence for a condition.

    Parameters
    ----------
    condition : str or None
        One of :data:`touchdose.records.CONDITIONS`; ``None`` for all.
    outcome : str or None
        One of :data:`touchdose.evidence.library.EVIDENCE_OUTCOMES`; ``None`` for all.
    library : Library or None
        Defaults to the packaged library.
    mid : float
        Minimally important difference in points (default IMMPACT :data:`MID_POINTS`).

    Returns
    -------
    EvidenceSummary

    Notes
    -----
    Points = SMD x the condition's SD (:func:`pain_sd`: :data:`FIBROMYALGIA_PAIN_SD_POINTS`,
    :data:`NECK_PAIN_SD_POINTS`, else :data:`PAIN_SD_POINTS`).
    Pools only ``poolable`` rows (trial level, with an interval), grouped by outcome, effect type
    and scale, with REML and HKSJ intervals, when at least :data:`MIN_TRIALS_TO_POOL` trials agree.

    References
    ----------
    Dworkin RH et al. (2008). J Pain 9:105-121 (IMMPACT). Furlan AD et al. (2015) Cochrane
    CD001929. Bernardy K et al. (2013) Cochrane CD009796. Thieme K, Mathys M, Turk DC (2017).
    J Pain 18:747-756.

    Examples
    --------
    >>> s = evidence_summary("fibromyalgia", "pain")
    >>> s.pooled, s.rows[0].study_id, round(s.rows[0].points or 0, 2)
    ((), 'Li2014', -1.3)
    """
    if condition is not None and condition not in CONDITIONS:
        raise ValueError(f"condition = {condition!r} is not one of {', '.join(CONDITIONS)}")
    if outcome is not None and outcome not in EVIDENCE_OUTCOMES:
        raise ValueError(f"outcome = {outcome!r} is not one of {', '.join(EVIDENCE_OUTCOMES)}")
    if not mid > 0:
        raise ValueError(f"mid = {mid!r} is not allowed (allowed: a positive number of points)")
    lib = library or load_library()
    sd, sd_source = pain_sd(condition)
    effects = lib.effects_for(condition, outcome)
    rows = tuple(_row(e, lib, mid) for e in effects)
    pooled = _pool(effects, lib, mid)
    show_guidelines = condition in (None, "fibromyalgia")
    return EvidenceSummary(
        condition=condition,
        outcome=outcome,
        rows=rows,
        pooled=pooled,
        messages=tuple(_messages(rows, pooled, condition)),
        mid_points=mid,
        pain_sd_points=sd,
        pain_sd_source=sd_source,
        dose=starting_dose(condition) if condition else None,
        guidelines=lib.guidelines if show_guidelines else (),
    )
