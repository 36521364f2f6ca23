"""Is massage helping this client? The verdict, with a headline, an action and its reasons.

The verdict reads two kinds of evidence a real client has: how each session went
(:mod:`touchdose.analysis.response`: relief, aggravation, missing follow-ups) and the
n-of-1 comparison of the diary on massage days against days without massage
(:mod:`touchdose.analysis.comparison`). The states are those of docs/formats.md:

* ``more_pain`` — mainly more pain: most sessions were followed by more pain than the
  client's usual ups and downs, or the diary shows pain credibly higher on massage days;
* ``mixed`` — repeated aggravations, but not mainly, or only at the firmer pressures;
* ``gathering_data`` — not enough to judge benefit; says exactly what is missing;
* ``helping`` — pain credibly lower on massage days by at least the MID;
* ``soothing`` — pain unchanged, mood or sleep credibly better on massage days;
* ``no_effect`` — nothing measurable.

Safety comes first (docs/design.md item 4): harm is judged per pressure
(:func:`touchdose.analysis.harm.judge_harm`) before any benefit, and says so even while the
comparison is still gathering data. The client's goals (:data:`touchdose.records.GOALS`) decide
which outcome leads the headline and the reasons (docs/design.md item 6).

Examples
--------
>>> v = reach_verdict((), None)
>>> v.state, v.missing[0]
('gathering_data', 'a first massage session, rated before and after')
>>> v.headline
'It is too soon to tell if massage helps you.'
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from touchdose.analysis.background import DEFAULT_BACKGROUND_RATE, Background, p_excess
from touchdose.analysis.comparison import DIARY_OUTCOMES, Comparison, Refusal
from touchdose.analysis.harm import (
    MIN_AGGRAVATIONS,
    MIN_JUDGED_SESSIONS,
    Harm,
    SessionTally,
    judge_harm,
    tally_sessions,
)
from touchdose.analysis.response import AGGRAVATION_POINTS, SessionResponse
from touchdose.analysis.safety import Safety
from touchdose.analysis.wording import headline as headline_for
from touchdose.records import PRESSURE_NAMES
from touchdose.text import count, noun, percent

__all__ = [
    "CAUTION",
    "FINDINGS",
    "HARM_P",
    "HELPING_P",
    "NO_CHANGE_P",
    "SOOTHING_P",
    "VERDICT_LABELS",
    "VERDICT_STATES",
    "Verdict",
    "comparison_reason",
    "outcome_finding",
    "reach_verdict",
]

VERDICT_STATES: tuple[str, ...] = ("gathering_data", "helping", "soothing", "no_effect", "mixed", "more_pain")
#: Each state in plain words: the one label the CLI, the web pages and the report show for it
#: (the client's own sentence is ``Verdict.headline``).
VERDICT_LABELS: dict[str, str] = {
    "gathering_data": "Still gathering data",
    "helping": "Massage seems to be helping",
    "soothing": "Soothing, but pain is unchanged",
    "no_effect": "No measurable effect so far",
    "mixed": "Mixed: relief, then more pain",
    "more_pain": "Mainly more pain",
}

#: Every verdict carries this caution (docs/design.md "Verdict and plan"; docs/formats.md example).
CAUTION = "Self-reported n-of-1 data, not medical advice."
CAUTION_MORE_PAIN = (
    " If massage mainly brings more pain, stop, and talk to your physician before trying again."
)

#: Posterior probability of a meaningful benefit (>= MID) needed to say "helping": 0.8,
#: odds of 4 to 1. Checked on simulated clients (docs/validation.md, benchmarks/verdicts.py).
HELPING_P = 0.8
#: Posterior probability of a meaningful harm (>= MID more pain on massage days) that makes
#: the diary alone say "more pain".
HARM_P = 0.8
#: "Soothing" needs mood or sleep better on massage days by at least its MID (mood 1 point,
#: sleep 0.5 h; comparison.DIARY_OUTCOMES) with this posterior probability, the same 4 to 1 odds
#: as "helping": an interval that merely excludes zero is not a change anyone would feel
#: (docs/design.md, "Thresholds").
SOOTHING_P = 0.8
#: "Helping" also needs P(benefit >= MID) of at least this against the days at least 6 days after
#: any massage (the late look's clean days): more likely than not, so a benefit that exists
#: only because late harm made the other massage-free days worse is not called helping. Our
#: choice, checked on simulated clients (docs/validation.md).
HELPING_CHECK_P = 0.5


@dataclass(frozen=True)
class Verdict:
    """The verdict: a state, a headline and an action for a tired reader, the reasons with numbers.

    Attributes
    ----------
    state : str
        One of :data:`VERDICT_STATES`.
    reasons : tuple of str
        Plain sentences with numbers, the first one saying what the state means here.
    caution : str
        Self-reported data, not medical advice.
    missing : tuple of str
        What a verdict still needs (``gathering_data``).
    headline, action : str
        One sentence each: what was found, and what to do next (docs/formats.md version 2;
        the action is filled in from the plan by :func:`touchdose.analysis.plan.assess`).
    need : str or None
        The kind of data still needed first (:data:`touchdose.analysis.wording.NEEDS`), and
        ``need_count`` how many more days or sessions.
    harmful_from : int or None
        The gentlest pressure from which the client's own sessions show more pain.
    lead : str
        The diary outcome that leads the headline and the reasons (the client's goal).
    safety : Safety or None
        The screening (:func:`touchdose.analysis.safety.screen`), shown before all else.
    """

    state: str
    reasons: tuple[str, ...]
    caution: str
    missing: tuple[str, ...] = ()
    headline: str = ""
    action: str = ""
    need: str | None = None
    need_count: int = 0
    harmful_from: int | None = None
    lead: str = "pain"
    safety: Safety | None = None

    def __post_init__(self) -> None:
        if self.state not in VERDICT_STATES:
            raise ValueError(f"verdict: state = {self.state!r} is not one of {', '.join(VERDICT_STATES)}")
        if not self.headline:
            object.__setattr__(self, "headline", headline_for(self.state, harmful_from=self.harmful_from))

    def with_action(self, action: str) -> Verdict:
        """The same verdict with its action sentence (from the plan)."""
        return replace(self, action=action)

    def to_dict(self) -> dict[str, Any]:
        """docs/formats.md ``verdict`` (``state``, ``headline``, ``action``, ``reasons``,
        ``caution``, ``safety``) plus ``missing`` and ``harmful_from``."""
        return {
            "state": self.state,
            "headline": self.headline,
            "action": self.action,
            "reasons": list(self.reasons),
            "caution": self.caution,
            "missing": list(self.missing),
            "safety": None if self.safety is None else self.safety.to_dict(),
            "harmful_from": self.harmful_from,
        }


#: P(no change as large as the MID) from which an outcome's comparison reads "no change you would
#: feel": the same 4 to 1 odds as helping and harm.
NO_CHANGE_P = 0.8
#: What one outcome's comparison found, for the results table (words: wording.outcome_meaning).
FINDINGS: tuple[str, ...] = ("better", "worse", "no_change", "small", "unclear", "not_yet")


def outcome_finding(c: Comparison | Refusal) -> str:
    """What the n-of-1 comparison of one outcome found, with the verdict's odds: "better"
    (P(benefit >= MID) >= :data:`HELPING_P`), "worse" (P(harm >= MID) >= :data:`HARM_P`),
    "no_change" (P(neither) >= :data:`NO_CHANGE_P`), "small" (none of these, but the 95 %
    interval excludes no change: something changed, perhaps too little to feel), "unclear", or
    "not_yet" (refused: too little data).

    Examples
    --------
    >>> from touchdose.analysis.comparison import Refusal
    >>> outcome_finding(Refusal("pain", ("too few days",), ("more days",)))
    'not_yet'
    """
    if isinstance(c, Refusal):
        return "not_yet"
    if c.p_benefit >= HELPING_P:
        return "better"
    if c.p_harm >= HARM_P:
        return "worse"
    if c.p_no_meaningful >= NO_CHANGE_P:
        return "no_change"
    return "small" if c.ci95[0] > 0 or c.ci95[1] < 0 else "unclear"


def _num(x: float) -> str:
    return f"{abs(x):.1f}"


def _session_reasons(t: SessionTally) -> list[str]:
    if t.sessions == 0:
        return ["No massage sessions recorded yet."]
    if t.judged == 0:  # never "0 of 0"
        out = ["No session has a known outcome yet."]
    else:
        were = "was" if t.judged == 1 else "were"
        out = [
            f"{t.aggravated} of {count(t.judged, 'session')} with a known outcome {were} followed by more "
            f"pain (at least {AGGRAVATION_POINTS:g} points more at a follow-up, a flare, or right after)."
        ]
    if t.helped:
        out.append(
            f"{t.helped} of {t.judged} brought relief of at least 1 point without more pain afterwards."
        )
    if t.unknown:
        out.append(
            f"{t.unknown} of {count(t.sessions, 'session')} could not be judged yet: a 24 h or 48 h "
            "follow-up is missing or not yet due."
        )
    return out


def comparison_reason(c: Comparison) -> str:
    """The reason that says what one outcome's comparison found, in words with its numbers."""
    o = DIARY_OUTCOMES[c.outcome]
    unit = "hours" if c.outcome == "sleep_hours" else "points"
    higher = c.effect > 0
    word = "higher" if higher else "lower"
    if c.outcome == "sleep_hours":
        word = "longer" if higher else "shorter"
    lo, hi = c.ci95
    return (
        f"{o.label.capitalize()} was {_num(c.effect)} {unit} {word} on massage days than on days without "
        f"massage (95 % interval {lo:+.1f} to {hi:+.1f}); chance of a meaningful benefit (at least "
        f"{c.mid:g} {noun(1 if c.mid == 1 else 2, unit[:-1])}): {percent(c.p_benefit)}, of a meaningful "
        f"harm: {percent(c.p_harm)}."
    )


def _refusal_reasons(comps: Mapping[str, Comparison | Refusal]) -> list[str]:
    """One line per distinct refusal reason, naming every outcome it stopped."""
    grouped: dict[str, list[str]] = {}
    for k, v in comps.items():
        if isinstance(v, Refusal):
            label = DIARY_OUTCOMES[k].label if k in DIARY_OUTCOMES else k
            grouped.setdefault(" ".join(v.reasons), []).append(label)
    out = []
    for text, labels in grouped.items():
        names = labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " or " + labels[-1]
        out.append(f"No {names} comparison: {text}")
    return out


def _worth_saying(c: Comparison) -> bool:
    """Pain always; a secondary outcome when its interval excludes no change."""
    lo, hi = c.ci95
    return c.outcome == "pain" or lo > 0.0 or hi < 0.0


def _late_reason(c: Comparison) -> str | None:
    """Days 3-5 after massage, said when they look worse than days without massage."""
    late = c.late
    if late is None or not (late.ci95[0] > 0.0 or late.p_harm >= HARM_P):
        return None
    lo, hi = late.ci95
    return (
        f"Pain was {_num(late.effect)} points higher 3 to 5 days after massage than on days without "
        f"massage (95 % interval {lo:+.1f} to {hi:+.1f}); chance of a meaningful harm showing late: "
        f"{percent(late.p_harm)}."
    )


def _not_from_late_harm(c: Comparison) -> bool:
    """The benefit holds against the days free of any late effect too (when the late look was
    made): P(benefit >= MID in the first 60 h against days 6+ after massage) >= 1/2."""
    return c.late is None or c.late.p_benefit_early >= HELPING_CHECK_P


def _meaningfully_better(c: Comparison) -> bool:
    """A benefit of at least the outcome's MID with probability :data:`SOOTHING_P`."""
    return c.p_benefit >= SOOTHING_P


def _missing(t: SessionTally, pain: Comparison | Refusal | None) -> tuple[list[str], str | None, int]:
    """What is still needed, in words, and the kind and count of the first need (wording.NEEDS)."""
    need: list[str] = []
    kinds: list[tuple[str, int]] = []
    if t.sessions == 0:
        need.append("a first massage session, rated before and after")
        kinds.append(("first_session", 1))
    if t.judged < MIN_JUDGED_SESSIONS:
        more = MIN_JUDGED_SESSIONS - t.judged
        need.append(
            f"{count(more, 'more session')} with pain rated before, and a diary entry "
            "24 h and 48 h after"
        )
        kinds.append(("followups", more))
    if pain is None:
        need.append("daily pain entries in the diary")
        kinds.append(("diary", 0))
    elif isinstance(pain, Refusal):
        need.extend(pain.needs)
        kinds.append((pain.need or "diary", pain.days or pain.sessions))
    kind, how_many = kinds[0] if kinds else (None, 0)
    return need, kind, how_many


#: The client's goals (:data:`touchdose.records.GOALS`) and the diary outcome each one is about.
#: "Moving more" is about activity, which the diary records but the comparison does not judge.
GOAL_OUTCOMES: dict[str, str] = {
    "less_pain": "pain",
    "better_sleep": "sleep_hours",
    "less_stress": "mood",
    "move_more": "activity_minutes",
}


def _lead(goals: Sequence[str], made: Mapping[str, Comparison]) -> str:
    """The outcome that leads: the first goal whose outcome is credibly better, else pain."""
    for goal in goals:
        outcome = GOAL_OUTCOMES.get(goal, "")
        if outcome in made and _meaningfully_better(made[outcome]):
            return outcome
    return "pain"


def _reason_order(goals: Sequence[str]) -> list[str]:
    """Diary outcomes in the order the reasons give them: the client's goals first."""
    first = [GOAL_OUTCOMES[g] for g in goals if GOAL_OUTCOMES.get(g) in DIARY_OUTCOMES]
    return list(dict.fromkeys([*first, *DIARY_OUTCOMES]))


def reach_verdict(
    responses: Sequence[SessionResponse],
    comparisons: Mapping[str, Comparison | Refusal] | None,
    background: Background | None = None,
    *,
    tally: SessionTally | None = None,
    goals: Sequence[str] = (),
) -> Verdict:
    """Decide the verdict from the session responses and the n-of-1 comparisons.

    Parameters
    ----------
    responses : sequence of SessionResponse
        Every session's response (:func:`touchdose.analysis.response.session_responses`).
    comparisons : mapping or None
        Outcome name -> :class:`Comparison` or :class:`Refusal`
        (``compare_all(cf).results``); ``None`` when no comparison was attempted.
    background : Background, optional
        The client's own spontaneous aggravation rate
        (:func:`touchdose.analysis.background.background_aggravation`); ``None`` assumes 10 %, said
        to be assumed, as 10 pseudo-observations.
    tally : SessionTally, optional
        ``tally_sessions(responses)`` when the caller already has it (not counted twice).
    goals : sequence of str
        The client's goals (:data:`touchdose.records.GOALS`), most important first.

    Returns
    -------
    Verdict
        ``state`` (one of :data:`VERDICT_STATES`), ``headline``, ``reasons``, ``caution``,
        ``missing``, ``need``, ``harmful_from``, ``lead``.

    Notes
    -----
    Harm first (:func:`touchdose.analysis.harm.judge_harm`, per pressure, whatever the amount
    of data): ``more_pain`` if the sessions show a pattern of more pain in at least half of them,
    or (with 3 or more judged sessions) the diary's P(harm >= MID) >= 0.8, or the late look's
    P(harm >= MID on days 3-5) >= 0.8 without P(benefit >= MID) >= 0.8 on days 0-2; ``mixed``
    if a pattern in at least a fifth of them, only at the firmer pressures, or late harm after
    relief. Then ``gathering_data`` if fewer than 3 sessions are judged or the pain comparison
    was refused; ``helping`` if pain P(benefit >= MID) >= 0.8 and the benefit holds against the
    days free of any late effect; ``soothing`` if mood or sleep hours P(benefit >= MID) >= 0.8
    (:data:`SOOTHING_P`); otherwise ``no_effect``. The lead outcome is the first goal whose
    outcome is meaningfully better.

    References
    ----------
    Dworkin RH et al. J Pain 2008;9:105-21 (IMMPACT: the MID).

    Examples
    --------
    >>> reach_verdict((), {}).state
    'gathering_data'
    """
    t = tally_sessions(responses) if tally is None else tally
    harm = judge_harm(responses, background)
    comps = dict(comparisons or {})
    pain = comps.get("pain")
    made = {k: v for k, v in comps.items() if isinstance(v, Comparison)}
    lead = _lead(goals, made)
    reasons = _session_reasons(t)
    order = [k for k in _reason_order(goals) if k in made and _worth_saying(made[k])]
    reasons += [comparison_reason(made[k]) for k in order]
    late = _late_reason(made["pain"]) if "pain" in made else None
    reasons += [late] if late else []
    reasons += _refusal_reasons(comps)
    reasons += _harm_reasons(harm, t)
    pain_made = pain if isinstance(pain, Comparison) else None

    state = harm.state
    harmful_from = harm.harmful_from
    gentlest = min((r.pressure for r in responses), default=None)
    late_harm = pain_made is not None and pain_made.late is not None and pain_made.late.p_harm >= HARM_P
    relief_first = pain_made is not None and pain_made.p_benefit >= HELPING_P
    enough = t.judged >= MIN_JUDGED_SESSIONS
    if enough and pain_made is not None and (pain_made.p_harm >= HARM_P or (late_harm and not relief_first)):
        state, harmful_from = "more_pain", gentlest  # the diary itself shows more pain
    elif enough and late_harm and state is None:
        state, harmful_from = "mixed", gentlest  # relief first, then more pain late
    if state == "more_pain":
        return Verdict(state, tuple(_headline(state, t, harm) + reasons), CAUTION + CAUTION_MORE_PAIN,
                       harmful_from=harmful_from, lead=lead)  # fmt: skip
    if state == "mixed":
        return Verdict(state, tuple(_headline(state, t, harm) + reasons), CAUTION,
                       harmful_from=harmful_from, lead=lead)  # fmt: skip
    if t.judged < MIN_JUDGED_SESSIONS or pain_made is None:
        missing, need, how_many = _missing(t, pain)
        first = "Not enough data for a verdict yet. Still needed: " + "; ".join(missing) + "."
        return Verdict("gathering_data", (first, *reasons), CAUTION, tuple(missing), need=need,
                       need_count=how_many, lead=lead)  # fmt: skip
    if pain_made.p_benefit >= HELPING_P and _not_from_late_harm(pain_made):
        state = "helping"
    elif any(_meaningfully_better(made[k]) for k in ("mood", "sleep_hours") if k in made):
        state = "soothing"
        if lead == "pain":
            lead = next(k for k in ("mood", "sleep_hours") if k in made and _meaningfully_better(made[k]))
    else:
        state = "no_effect"
    words = headline_for(state, lead=lead)
    opening = _headline(state, t, harm, lead)
    return Verdict(state, (*opening, *reasons), CAUTION, headline=words, lead=lead)


def _harm_reasons(harm: Harm, t: SessionTally) -> list[str]:
    """Why the harm judgement came out as it did (only when there is something to say)."""
    late = harm.look_reason()
    if late is not None:
        return [late]
    if harm.state is not None and harm.excess is not None:
        at = (
            f" at pressure {harm.harmful_from} ({PRESSURE_NAMES[harm.harmful_from]}) or firmer"
            if harm.only_firmer and harm.harmful_from is not None else ""
        )
        return [_background_reason(harm.aggravated, harm.sessions, harm.background, harm.excess, at)]
    a, n = t.rate_sample
    if a >= MIN_AGGRAVATIONS:
        return [_background_reason(a, n, harm.background, p_excess(a, n, harm.background), "")]
    return []


def _background_reason(a: int, n: int, background: Background | None, excess: float, at: str) -> str:
    if background is not None and background.measured:
        base = (
            f"on days far from any massage pain rose that much in {background.events} of "
            f"{background.windows} two-day stretches"
        )
    elif background is not None and background.own_rate is not None:
        base = (
            f"from the day-to-day ups and downs in your diary, pain rises that much on its own "
            f"{percent(background.own_rate)} of the time"
        )
    else:
        usual = percent(DEFAULT_BACKGROUND_RATE)
        base = (
            f"your diary is too short to measure how often your pain rises on its own, so we "
            f"assumed {usual}"
        )
    return (
        f"More pain followed {a} of {n} sessions{at} with both follow-ups; {base}. Chance that these "
        f"sessions bring more pain than your usual ups and downs: {percent(excess)}."
    )


_LABEL = {"mood": "mood", "sleep_hours": "sleep"}


def _headline(state: str, t: SessionTally, harm: Harm, lead: str = "pain") -> list[str]:
    """The first reason: what the state means for this client, in one sentence with numbers."""
    firmer = harm.only_firmer
    text = {
        "more_pain": f"Massage mainly brought more pain: {t.aggravated} of {t.judged} judged sessions.",
        "mixed": (
            f"Sessions at pressure {harm.harmful_from} or firmer were followed by more pain "
            f"({harm.aggravated} of {harm.sessions}); gentler ones were not: gentler, shorter or less often."
            if firmer else
            f"Some relief, but {t.aggravated} of {t.judged} judged sessions were followed by more pain: "
            "gentler, shorter or less often."
        ),
        "helping": "Pain was meaningfully lower after massage; continue.",
        "soothing": (
            f"Pain did not change in a way you would feel, but {_LABEL.get(lead, 'mood or sleep')} was "
            "better after massage: worth continuing if you value that."
        ),
        "no_effect": (
            "Nothing measurable changed with massage; it may not be worth the time and cost."
        ),
    }[state]
    return [text]
