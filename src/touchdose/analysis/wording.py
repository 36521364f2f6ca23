"""The verdict's headline and action: one sentence each, for a tired reader (docs/design.md item 7).

A person with fibro fog reads one headline (what the engine found) and one action (what to do
next); the numbers and reasons are one tap away. Every sentence the headline or the action can
say is written here, once, in plain words: short words, at most :data:`MAX_WORDS` words, no
statistics, correct plurals. ``tests/analysis/test_wording.py`` checks every one of them.

The headline follows the verdict's state and, where the state allows, the client's goal
(:data:`touchdose.records.GOALS`): a client whose goal is sleep and whose sleep is better hears
that first. The action follows the plan: stop, pause massage, a planned break, gentler, hold,
or one step firmer.

Examples
--------
>>> headline("helping")
'Massage seems to help your pain.'
>>> action_for_need("first_session")
'Rate your pain before and after your first massage.'
"""

from __future__ import annotations

from touchdose.records import PRESSURE_NAMES
from touchdose.text import count

__all__ = [
    "MAX_WORDS",
    "NEEDS",
    "action_for_need",
    "action_for_plan",
    "action_for_safety",
    "better_words",
    "headline",
    "outcome_meaning",
]

#: Each headline and action sentence has at most this many words (docs/design.md item 7: one
#: sentence a tired reader takes in at a glance; our limit).
MAX_WORDS = 25

#: What "better" means for each diary outcome, said as the client would say it.
_BETTER: dict[str, str] = {
    "pain": "your pain",
    "sleep_hours": "you sleep longer",
    "mood": "your mood",
    "fatigue": "you feel less tired",
}


def better_words(outcome: str) -> str:
    """The plain words for an outcome getting better (``"sleep_hours"`` -> "you sleep longer").

    Examples
    --------
    >>> better_words("mood")
    'your mood'
    """
    return _BETTER.get(outcome, outcome.replace("_", " "))


#: What one outcome's comparison found, in words a tired reader takes in (the results page's
#: table; the finding is :func:`touchdose.analysis.verdict.outcome_finding`).
_MEANING: dict[str, dict[str, str]] = {
    "better": {
        "pain": "Likely less pain with massage.",
        "sleep_hours": "You likely sleep longer with massage.",
        "fatigue": "You likely feel less tired with massage.",
        "mood": "Your mood is likely better with massage.",
    },
    "worse": {
        "pain": "Likely more pain with massage.",
        "sleep_hours": "You likely sleep less with massage.",
        "fatigue": "You likely feel more tired with massage.",
        "mood": "Your mood is likely worse with massage.",
    },
}
_MEANING_ANY = {
    "no_change": "No change big enough to feel.",
    "small": "It changed, but maybe too little to feel.",
    "unclear": "Not clear yet.",
    "not_yet": "Too few diary days to compare yet.",
}


def outcome_meaning(outcome: str, finding: str) -> str:
    """One short sentence for what the comparison of ``outcome`` found.

    Examples
    --------
    >>> outcome_meaning("sleep_hours", "better")
    'You likely sleep longer with massage.'
    >>> outcome_meaning("mood", "unclear")
    'Not clear yet.'
    """
    if finding in _MEANING_ANY:
        return _MEANING_ANY[finding]
    if finding not in _MEANING or outcome not in _MEANING[finding]:
        allowed = ", ".join([*_MEANING, *_MEANING_ANY])
        raise ValueError(f"wording: finding = {finding!r} for {outcome!r} is not allowed (allowed: {allowed})"
                         )
    return _MEANING[finding][outcome]


def headline(state: str, *, lead: str = "pain", harmful_from: int | None = None) -> str:
    """One sentence saying what the engine found.

    Parameters
    ----------
    state : str
        The verdict state (:data:`touchdose.analysis.verdict.VERDICT_STATES`).
    lead : str
        The diary outcome that leads (the client's goal, when it is credibly better; pain
        otherwise): ``"pain"``, ``"sleep_hours"``, ``"mood"`` or ``"fatigue"``.
    harmful_from : int, optional
        The gentlest pressure followed by more pain, when only firmer pressures were.

    Examples
    --------
    >>> headline("soothing", lead="sleep_hours")
    'You seem to sleep longer after massage, but your pain has not changed.'
    >>> headline("mixed", harmful_from=3)
    'Moderate pressure or firmer was followed by more pain.'
    """
    if state == "more_pain":
        return "Massage has mostly been followed by more pain for you."
    if state == "mixed":
        if harmful_from is not None:
            name = PRESSURE_NAMES[harmful_from].capitalize()
            return f"{name} pressure or firmer was followed by more pain."
        return "Massage brings some relief, but some sessions were followed by more pain."
    if state == "helping":
        if lead == "pain":
            return "Massage seems to help your pain."
        return f"Massage seems to help: {better_words(lead)}, and your pain is lower too."
    if state == "soothing":
        if lead == "sleep_hours":
            return "You seem to sleep longer after massage, but your pain has not changed."
        if lead == "fatigue":
            return "You seem less tired after massage, but your pain has not changed."
        return "Massage seems to lift your mood, but your pain has not changed."
    if state == "no_effect":
        return "We see no clear change from massage so far."
    return "It is too soon to tell if massage helps you."


def _pressure(level: int) -> str:
    return f"{PRESSURE_NAMES[level]} pressure ({level} of 5)"


def action_for_plan(
    state: str,
    *,
    pressure: int | None,
    minutes: int,
    per_week: int,
    stop: bool,
    no_safe_pressure: bool = False,
    current: int | None = None,
    pause_after: int | None = None,
    pause_days: int | None = None,
) -> str:
    """One sentence saying what to do next, from the plan.

    Parameters
    ----------
    state : str
        The verdict state.
    pressure, minutes, per_week, stop
        The plan (``pressure`` is ``None`` when the plan stops or pauses massage).
    no_safe_pressure : bool
        The plan pauses massage because no pressure has a risk under the target.
    current : int, optional
        The pressure of the latest session (to say "the same" or "firmer").
    pause_after, pause_days : int, optional
        A planned massage-free stretch: after this many more sessions, this many days.

    Examples
    --------
    >>> action_for_plan("helping", pressure=2, minutes=30, per_week=2, stop=False, current=2)
    'Keep the same light pressure (2 of 5).'
    >>> action_for_plan("gathering_data", pressure=2, minutes=30, per_week=2, stop=False,
    ...                 current=2, pause_after=2, pause_days=10)
    'After 2 more sessions, take a 10-day break from massage, so we can tell if it helps.'
    """
    if stop or pressure is None:
        if no_safe_pressure:
            return "Take a break from massage, and talk it over with your therapist or doctor."
        return "Stop massage for now, and talk with your doctor before you try it again."
    if pause_days is not None:
        if not pause_after:
            return f"Take a {pause_days}-day break from massage now, so we can tell if it helps."
        first = "your next session" if pause_after == 1 else count(pause_after, "more session")
        return f"After {first}, take a {pause_days}-day break from massage, so we can tell if it helps."
    if state == "more_pain":
        return f"If you try again, ask for very light touch only, {minutes} minutes, once a week."
    if state == "mixed" or (current is not None and pressure < current):
        return f"Next time, ask for a gentler touch: {_pressure(pressure)}, for {minutes} minutes."
    if current is not None and pressure > current:
        return f"You may try one step firmer next time: {_pressure(pressure)}."
    if state == "no_effect":
        return f"Stay at {_pressure(pressure)}, or stop if it is not worth your time and money."
    if current is None:
        return f"Start with {_pressure(pressure)}, {minutes} minutes, and write down your pain each day."
    return f"Keep the same {_pressure(pressure)}."


#: What a verdict can still be waiting for (``Verdict.need``), the first missing item decides.
NEEDS: tuple[str, ...] = ("first_session", "followups", "diary", "baseline", "alternation", "break", "phase")


def action_for_need(need: str, n: int = 0) -> str:
    """One sentence saying how to get the data a verdict still needs.

    Parameters
    ----------
    need : str
        One of :data:`NEEDS`: a first session rated before and after, diary entries on the
        days after each session, daily diary entries, massage-free diary days before the next
        session (``n`` more), more separate spells of massage (``n`` more sessions), a break from
        massage of ``n`` days (the sessions were too close together to compare), or, after a
        planned break, more diary days with massage (``n`` more).
    n : int
        How many more (days or sessions).

    Examples
    --------
    >>> action_for_need("baseline", 3)
    'Write down your pain each day, and wait 3 more days before your next massage.'
    >>> action_for_need("alternation", 1)
    'Keep your diary going, with 1 more session in a new week.'
    """
    if need == "first_session":
        return "Rate your pain before and after your first massage."
    if need == "followups":
        return "Write down your pain each evening, most of all on the two days after a massage."
    if need == "diary":
        return "Write down your pain once a day, every day."
    if need == "baseline":
        wait = count(n, "more day")
        return f"Write down your pain each day, and wait {wait} before your next massage."
    if need == "alternation":
        more = count(n, "more session")
        return f"Keep your diary going, with {more} in a new week."
    if need == "break":  # sessions too close together: only days without massage can help
        free = count(n, "day")
        return f"Keep your diary going, and leave {free} without massage before your next session."
    if need == "phase":
        more = count(n, "more day")
        return f"Keep up your massage and your diary for {more} after the break."
    raise ValueError(f"wording: need = {need!r} is not allowed (allowed: one of {', '.join(NEEDS)})")


def action_for_safety(level: str | None) -> str:
    """The action when the safety screening pauses massage (its own headline says whom to contact).

    Examples
    --------
    >>> action_for_safety("see_doctor")
    'Pause massage until your doctor has seen you.'
    """
    if level == "emergency":
        return "Do not have a massage now: get help first."
    if level == "see_doctor":
        return "Pause massage until your doctor has seen you."
    return "Pause massage for now, as the note above says."
