"""Starting doses by condition, taken from the trials in the evidence library.

One source: the plan in the engine reads :func:`starting_dose`, which reads the
minutes, frequency, weeks and technique from the trial's row in the evidence
library (``data/studies.csv``); nothing else holds a copy of these numbers.
Every dose names the trial it comes from and how well the dose was verified
(``docs/evidence.md``). Where no trial of massage with a usable dose
exists for a condition, the dose is a stated fallback, and ``basis`` says so.

Examples
--------
>>> d = starting_dose("knee_osteoarthritis")
>>> (d.minutes, d.sessions_per_week, d.weeks, d.technique)
(60, 1, 8, 'swedish')
>>> starting_dose("cancer_pain").basis
'fallback'
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from touchdose.evidence.library import load_library
from touchdose.records import CONDITIONS, TECHNIQUES
from touchdose.types import Result

#: ``basis`` values: the dose is the trial's (``trial``), the trial's with one element
#: unverified and filled in from another trial (``trial_partial``), or no trial exists (``fallback``).
DOSE_BASES: tuple[str, ...] = ("trial", "trial_partial", "fallback")


@dataclass(frozen=True)
class Dose(Result):
    """A starting dose of massage for one condition.

    Attributes
    ----------
    condition : str
        One of :data:`touchdose.records.CONDITIONS`.
    minutes : int
        Minutes per session.
    sessions_per_week : int
        Sessions per week.
    weeks : int
        Length of the course in weeks (after it, judge whether it helped).
    technique : str
        One of :data:`touchdose.records.TECHNIQUES`.
    citation : str
        The trial the dose comes from (short form; the full citation is in the library).
    study_id : str or None
        The trial's id in the evidence library, ``None`` for a fallback.
    basis : str
        One of :data:`DOSE_BASES`.
    why : str
        One plain sentence: where the dose comes from and what is uncertain.
    """

    condition: str
    minutes: int
    sessions_per_week: int
    weeks: int
    technique: str
    citation: str
    study_id: str | None
    basis: str
    why: str

    def __post_init__(self) -> None:
        if self.condition not in CONDITIONS:
            raise ValueError(f"dose: condition = {self.condition!r} is not one of {', '.join(CONDITIONS)}")
        if self.technique not in TECHNIQUES:
            raise ValueError(f"dose: technique = {self.technique!r} is not one of {', '.join(TECHNIQUES)}")
        if self.basis not in DOSE_BASES:
            raise ValueError(f"dose: basis = {self.basis!r} is not one of {', '.join(DOSE_BASES)}")
        for name, low, high in (("minutes", 5, 120), ("sessions_per_week", 1, 7), ("weeks", 1, 52)):
            value = getattr(self, name)
            if not isinstance(value, int) or not low <= value <= high:
                allowed = f"a whole number {low}-{high}"
                raise ValueError(f"dose: {name} = {value!r} is not allowed (allowed: {allowed})")


# Fallback for conditions without a massage trial that reports a usable dose: the shortest
# session of the dosing trials (30 min: Sherman 2014 neck arms; Field 2002 fibromyalgia), the
# lowest frequency (once a week: Perlman 2012 knee OA) and the shortest course (4 weeks: Sherman 2014).
# No single trial gave this combination: putting the smallest of each together is our choice.
FALLBACK_MINUTES, FALLBACK_SESSIONS_PER_WEEK, FALLBACK_WEEKS = 30, 1, 4
_FALLBACK_WHY = (
    "No trial in the library reports a massage dose for this condition, so touchdose puts together the "
    "smallest of each part the dosing trials used: 30 minutes once a week (Perlman 2012's lightest arm) "
    "for 4 weeks (Sherman 2014's course). That combination is our choice, not a trial's; your own "
    "follow-ups decide whether to increase it."
)

# condition -> (library study id, basis, fields the trial did not report, why). The minutes,
# sessions per week, weeks and technique themselves are read from the library (studies.csv):
# one source for the numbers.
_FROM_TRIAL: dict[str, tuple[str, str, dict[str, Any], str]] = {
    "fibromyalgia": (
        "Field2002", "trial", {},
        "Field 2002 (24 adults with fibromyalgia) gave 30-minute massages twice a week for 5 weeks, "
        "against relaxation therapy; it is the one fibromyalgia trial in the library with a verified dose. "
        "The trial gave no reason for its length; starting with it, and gently, is our choice.",
    ),
    "low_back_pain": (
        "Cherkin2011", "trial_partial", {"minutes": 60},
        "Cherkin 2011 (401 adults with chronic low back pain) gave 10 relaxation massages over 10 weeks; "
        "its session length was not verified, so touchdose takes 60 minutes from the dosing trials: in "
        "Sherman 2014 (neck) 30-minute sessions did not beat the wait-list, and in Perlman 2012 (knee) the "
        "benefit levelled off at 60 minutes once a week. Borrowing them for low back pain is our choice.",
    ),
    "neck_pain": (
        "Sherman2014", "trial_partial", {},
        "Sherman 2014 (228 adults with chronic neck pain) found 60-minute massages 2 or 3 times a week for "
        "4 weeks better than wait-list, and 30-minute ones not. touchdose uses the lower of the two "
        "frequencies that worked (our choice); the trial's technique mix was not verified, so Swedish "
        "massage is assumed.",
    ),
    "knee_osteoarthritis": (
        "Perlman2012", "trial", {},
        "Perlman 2012 (125 adults with knee osteoarthritis) compared 30 and 60 minutes, once or twice a "
        "week, for 8 weeks of Swedish massage; benefit levelled off at 60 minutes once a week.",
    ),
    "tension_headache": (
        "MoraskaChandler2008", "trial", {},
        "Moraska & Chandler's pilot (16 adults) gave 45-minute trigger-point massages twice a week for "
        "6 weeks and headaches became less frequent; the later controlled trial (Moraska 2015) found no "
        "difference from placebo ultrasound, so we expect little (our reading).",
    ),
}


def _from_trial(condition: str) -> Dose:
    study_id, basis, filled, why = _FROM_TRIAL[condition]
    study = load_library().study(study_id)
    values = {name: filled.get(name, getattr(study, name))
              for name in ("minutes", "sessions_per_week", "weeks", "technique")}
    missing = [name for name, value in values.items() if value is None]
    if missing:
        raise ValueError(f"dose: study {study_id} in the library has no {', '.join(missing)}")
    first_author = study.citation.split(" ")[0].rstrip(",")
    return Dose(
        condition, values["minutes"], values["sessions_per_week"], values["weeks"], values["technique"],
        f"{first_author} {study.year}", study_id, basis, why,
    )


def starting_dose(condition: str) -> Dose:
    """Return the trial-based starting dose of massage for a condition.

    Parameters
    ----------
    condition : str
        One of :data:`touchdose.records.CONDITIONS`.

    Returns
    -------
    Dose
        Minutes, sessions per week, weeks and technique, with the trial, how it
        was verified (``basis``) and a plain ``why`` sentence.

    Raises
    ------
    ValueError
        If ``condition`` is not in :data:`touchdose.records.CONDITIONS`.

    Notes
    -----
    The dose is the lowest effective arm of the condition's dosing or efficacy
    trial; the plan reduces it after an aggravation. Conditions without a trial
    dose fall back to the smallest dose the dosing trials used.

    References
    ----------
    Field T et al. J Clin Rheumatol 2002;8:72-76. Sherman KJ et al. Ann Fam Med
    2014;12:112-120. Perlman AI et al. PLoS One 2012;7:e30248. Cherkin DC et al.
    Ann Intern Med 2011;155:1-9. Moraska A, Chandler C. PMC2565109.

    Examples
    --------
    >>> starting_dose("neck_pain").minutes
    60
    >>> starting_dose("migraine")
    Traceback (most recent call last):
    ...
    ValueError: condition = 'migraine' is not one of fibromyalgia, low_back_pain, neck_pain, ...
    """
    if not isinstance(condition, str) or condition not in CONDITIONS:
        raise ValueError(f"condition = {condition!r} is not one of {', '.join(CONDITIONS)}")
    if condition in _FROM_TRIAL:
        return _from_trial(condition)
    return Dose(condition, FALLBACK_MINUTES, FALLBACK_SESSIONS_PER_WEEK, FALLBACK_WEEKS, "swedish",
                "no trial dose", None, "fallback", _FALLBACK_WHY)
