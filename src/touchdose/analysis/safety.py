"""What the engine must not ignore: contraindications, red flags and a severe flare.

Pure: it reads a :class:`~touchdose.records.ClientFile` and returns a :class:`Safety` result,
shown before every verdict (docs/formats.md ``verdict.safety``) and applied last to the plan
(:func:`touchdose.analysis.plan.apply_safety`). docs/safety.md says what each answer does and why.

* **Red flags** (``checkin.red_flags``): new symptoms that can mean a serious illness behind the
  pain (the red-flag framework of Finucane 2020; NICE NG59 asks to rule out such causes). Chest
  pain or breathlessness and new bowel or bladder trouble: emergency services now; every other
  flag: the doctor today. Massage pauses while a flag is recent (:data:`RED_FLAG_PAUSE_DAYS`).
* **Contraindications** (``client.contraindications``): each caps the pressure, adds regions to
  avoid, or stops massage until it is over or a doctor has said yes (:data:`CONTRAINDICATION_RULES`).
* **A severe flare** after the latest massage (pain up :data:`SEVERE_FLARE_POINTS` or more above
  the usual, still up after :data:`SEVERE_FLARE_HOURS` hours, or rescue medicine needed): pause
  until pain is back to the usual level, then restart one level lighter and shorter.

Examples
--------
>>> from datetime import datetime, timezone
>>> from touchdose.records import CheckIn, ClientFile, ClientProfile
>>> t = datetime(2026, 1, 5, 20, tzinfo=timezone.utc)
>>> s = screen(ClientFile(ClientProfile(id="c-1"),
...                       checkins=(CheckIn(time=t, pain=5, red_flags=("chest_pain_breathless",)),)))
>>> s.level, s.stop
('emergency', True)
>>> screen(ClientFile(ClientProfile(id="c-1", contraindications=("osteoporosis",)))).max_pressure
1
>>> screen(ClientFile(ClientProfile(id="c-1"))).to_dict() is None
True
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from touchdose.analysis._exposure import WASHOUT_DAYS
from touchdose.analysis.response import AGGRAVATION_POINTS
from touchdose.analysis.safety_rules import (
    CONTRAINDICATION_RULES,
    RED_FLAG_RULES,
    SAFETY_LEVEL_WORDS,
    SAFETY_LEVELS,
    ContraindicationRule,
    RedFlagRule,
)
from touchdose.instruments.change import MID_POINTS
from touchdose.records import (
    AREA_LABELS,
    CONTRAINDICATION_LABELS,
    CONTRAINDICATIONS,
    PRESSURE_MIN,
    PRESSURE_NAMES,
    RED_FLAG_LABELS,
    RED_FLAGS,
    CheckIn,
    ClientFile,
    Session,
)

__all__ = [
    "BACK_TO_USUAL_POINTS",
    "CONTRAINDICATION_RULES",
    "RED_FLAG_PAUSE_DAYS",
    "RED_FLAG_REMINDER_DAYS",
    "RED_FLAG_RULES",
    "SAFETY_HEADLINES",
    "SAFETY_LEVELS",
    "SAFETY_LEVEL_WORDS",
    "SEVERE_FLARE_HOURS",
    "SEVERE_FLARE_POINTS",
    "USUAL_PAIN_DAYS",
    "ContraindicationRule",
    "RedFlagRule",
    "Safety",
    "SevereFlare",
    "screen",
    "severe_flare",
]

#: The one sentence a tired reader sees first, per level.
SAFETY_HEADLINES: dict[str, str] = {
    "emergency": "Get help now: call emergency services.",
    "see_doctor": "Contact your doctor today.",
    "caution": "Please read this before the next massage.",
}

#: A red flag pauses massage while it was reported in a check-in within this many days before the
#: latest record (ticking it again each day it is still there keeps the pause). Our choice: a week
#: gives time to see a doctor; the client's own reports, not a guess, decide when it ends.
RED_FLAG_PAUSE_DAYS = 7
#: After the pause, a reminder (level ``caution``) stays for this many days after the report:
#: massage may go on once a doctor has checked it. Our choice (four weeks).
RED_FLAG_REMINDER_DAYS = 28

#: Severe flare (docs/design.md "Clinical safety"): pain this many points above the client's usual.
SEVERE_FLARE_POINTS = 3
#: ... or pain still up (by :data:`~touchdose.analysis.response.AGGRAVATION_POINTS`) in a check-in
#: more than this many hours after the massage; the ordinary post-massage discomfort of Cambron 2007
#: lasted at most 36 h, and the follow-ups look at 24 h and 48 h.
SEVERE_FLARE_HOURS = 72.0
#: The client's usual pain: the median of the check-ins in this many days before the massage
#: (two weeks: our choice, the baseline the n-of-1 comparison also asks for at least one week of).
USUAL_PAIN_DAYS = 14
#: Pain counts as back to usual within the minimally important difference (1 point, IMMPACT).
BACK_TO_USUAL_POINTS = MID_POINTS

_RANK = {level: i for i, level in enumerate(SAFETY_LEVELS)}


@dataclass(frozen=True)
class SevereFlare:
    """A severe flare after the latest massage (see :func:`severe_flare`)."""

    session_start: datetime
    pressure: int
    usual_pain: float
    peak_pain: int
    signs: tuple[str, ...]
    ongoing: bool
    restart_pressure: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "session_start": self.session_start.isoformat(),
            "pressure": self.pressure,
            "usual_pain": self.usual_pain,
            "peak_pain": self.peak_pain,
            "signs": list(self.signs),
            "ongoing": self.ongoing,
            "restart_pressure": self.restart_pressure,
        }


@dataclass(frozen=True)
class Safety:
    """What the screening found and what it does to the plan.

    Attributes
    ----------
    level : str or None
        The most urgent level found (one of :data:`SAFETY_LEVELS`), ``None`` when nothing was found.
    why : tuple of str
        Plain sentences, most urgent first: whom to contact and how urgently, what to do.
    stop : bool
        Massage pauses now (a recent red flag, a contraindication that stops, an ongoing severe flare).
    stop_why : tuple of str
        The reasons for the pause, for the plan (most urgent first).
    max_pressure : int or None
        The lowest cap of the contraindications and of a severe flare that has settled.
    cap_why : tuple of str
        Why the pressure is capped at ``max_pressure``.
    avoid_regions : tuple of str
        Regions the contraindications leave out.
    avoid_why : tuple of str
        Why, one sentence per contraindication that leaves regions out.
    shorter : bool
        Restart shorter (after a severe flare that has settled).
    red_flags : tuple of str
        The red flags that pause massage now.
    contraindications : tuple of str
        The contraindications on the intake.
    flare : SevereFlare or None
        The severe flare after the latest massage, if any.
    """

    level: str | None = None
    why: tuple[str, ...] = ()
    stop: bool = False
    stop_why: tuple[str, ...] = ()
    max_pressure: int | None = None
    cap_why: tuple[str, ...] = ()
    avoid_regions: tuple[str, ...] = ()
    avoid_why: tuple[str, ...] = ()
    shorter: bool = False
    red_flags: tuple[str, ...] = ()
    contraindications: tuple[str, ...] = ()
    flare: SevereFlare | None = None

    @property
    def headline(self) -> str | None:
        """One sentence for a tired reader (``None`` when nothing was found)."""
        return None if self.level is None else SAFETY_HEADLINES[self.level]

    @property
    def level_words(self) -> str | None:
        """The level in a few words, for a one-line flag (``None`` when nothing was found)."""
        return None if self.level is None else SAFETY_LEVEL_WORDS[self.level]

    @property
    def found(self) -> tuple[str, ...]:
        """What was found, in the client's words: the red flags that pause massage, the
        contraindications, a severe flare; a red flag that no longer pauses (a reminder) is only
        in :attr:`why`, so this may be empty when ``level`` is set.

        >>> Safety("caution", contraindications=("osteoporosis",)).found
        ('Osteoporosis (thin, fragile bones)',)
        """
        flare = () if self.flare is None else ("A severe flare after the last massage",)
        return (
            *(RED_FLAG_LABELS[f] for f in self.red_flags),
            *(CONTRAINDICATION_LABELS[c] for c in self.contraindications),
            *flare,
        )

    def to_dict(self) -> dict[str, Any] | None:
        """docs/formats.md ``verdict.safety``: ``None``, or ``level`` and ``why`` (plus a few keys)."""
        if self.level is None:
            return None
        return {
            "level": self.level,
            "why": list(self.why),
            "headline": self.headline,
            "stop": self.stop,
            "red_flags": list(self.red_flags),
            "contraindications": list(self.contraindications),
            "severe_flare": None if self.flare is None else self.flare.to_dict(),
        }


# --- the severe flare ----------------------------------------------------------------------------


def _median(values: Sequence[float]) -> float:
    return float(statistics.median(values))


def severe_flare(
    session: Session, checkins: Sequence[CheckIn], *, usual: float | None = None
) -> SevereFlare | None:
    """Whether a massage was followed by a severe flare, and whether it is still going on.

    Parameters
    ----------
    session : Session
        The massage (normally the latest one).
    checkins : sequence of CheckIn
        The diary in time order; the check-ins after the session are read up to the next one's
        start by the caller.
    usual : float, optional
        The client's usual pain; by default the median of the check-ins in the
        :data:`USUAL_PAIN_DAYS` days before the session, else the session's before-pain.

    Returns
    -------
    SevereFlare or None
        ``None`` when there is no severe flare or nothing to judge it by.

    Notes
    -----
    Severe when, within :data:`SEVERE_FLARE_HOURS` hours after the start, pain reaches the usual +
    :data:`SEVERE_FLARE_POINTS`; or pain is still at least the usual + ``AGGRAVATION_POINTS`` in the
    first check-in more than that many hours after, having been up before; or rescue medicine was
    taken above the usual amount along with a flare or a 2-point rise. Ongoing while the latest
    check-in's pain is more than :data:`BACK_TO_USUAL_POINTS` above the usual.

    Examples
    --------
    >>> from datetime import datetime, timedelta, timezone
    >>> t0 = datetime(2026, 1, 5, 10, tzinfo=timezone.utc)
    >>> s = Session(start=t0, pressure=3, minutes=30, pain_before=4)
    >>> f = severe_flare(s, [CheckIn(time=t0 + timedelta(hours=24), pain=8)])
    >>> f.signs, f.ongoing, f.restart_pressure
    (('pain 4 points above your usual',), True, 2)
    """
    t0 = session.start
    if usual is None:
        before = [c.pain for c in checkins if t0 - timedelta(days=USUAL_PAIN_DAYS) <= c.time < t0]
        usual = _median(before) if before else session.pain_before
    if usual is None:
        return None
    end = t0 + timedelta(hours=SEVERE_FLARE_HOURS)
    early = [c for c in checkins if t0 < c.time <= end]
    late = [c for c in checkins if c.time > end]
    rescue_before = [c.rescue_doses for c in checkins if c.time < t0 and c.rescue_doses is not None]
    usual_rescue = _median(rescue_before) if rescue_before else 0.0
    # The check-ins that show the massage was followed by more pain (all of them when the session
    # itself already reported a flare).
    up = [c for c in early if session.flare_reported or c.flare or c.pain >= usual + AGGRAVATION_POINTS]
    signs: list[str] = []
    peak = max((c.pain for c in early), default=0)
    if early and peak >= usual + SEVERE_FLARE_POINTS:
        signs.append(f"pain {peak - usual:g} points above your usual")
    if up and late and late[0].pain >= usual + AGGRAVATION_POINTS:
        signs.append(f"still up more than {SEVERE_FLARE_HOURS:g} hours later")
    if up and any((c.rescue_doses or 0) > usual_rescue for c in up):
        signs.append("rescue medicine needed")
    if not signs:
        return None
    after = early + late
    return SevereFlare(
        session_start=t0,
        pressure=session.pressure,
        usual_pain=usual,
        peak_pain=max(peak, max((c.pain for c in late), default=0)),
        signs=tuple(signs),
        ongoing=after[-1].pain > usual + BACK_TO_USUAL_POINTS,
        restart_pressure=max(PRESSURE_MIN, session.pressure - 1),
    )


# --- screening -----------------------------------------------------------------------------------


#: A check-in is free of massage when no session started in this many hours before it (the
#: comparison's washout: the 72 h exposure window and one more day).
_MASSAGE_FREE_HOURS = 24.0 * (WASHOUT_DAYS + 1)


def _usual_without_massage(cf: ClientFile, latest: Session, checkins: Sequence[CheckIn]) -> float | None:
    """The client's usual pain *without* massage: the median of the massage-free check-ins in the
    :data:`USUAL_PAIN_DAYS` days before the latest session, else of those before the first session;
    ``None`` (the default rule of :func:`severe_flare`) when there are none.

    A client massaged twice a week whose relief lasts has no massage-free days in those two weeks:
    their median would be the relieved level, and pain back at its own level when the relief wears
    off or a break starts would read as a severe flare that never ends (fixed in issue 11).
    """
    starts = sorted(s.start for s in cf.sessions)
    since = latest.start - timedelta(days=USUAL_PAIN_DAYS)

    def free(c: CheckIn) -> bool:
        return not any(timedelta(0) <= c.time - s < timedelta(hours=_MASSAGE_FREE_HOURS) for s in starts)

    recent = [c.pain for c in checkins if since <= c.time < latest.start and free(c)]
    if recent:
        return _median(recent)
    baseline = [c.pain for c in checkins if c.time < starts[0]]
    return _median(baseline) if baseline else None


def _day(t: datetime, cf: ClientFile) -> str:
    local = t.astimezone(cf.client.zone)
    return f"{local:%a} {local.day} {local:%b}"


def _latest_time(cf: ClientFile) -> datetime | None:
    times = [c.time for c in cf.checkins] + [s.start for s in cf.sessions]
    return max(times) if times else None


def _red_flags(cf: ClientFile, as_of: datetime) -> tuple[list[tuple[str, str]], list[str]]:
    """(level, sentence) per red flag reported up to ``as_of``, and the flags that pause massage."""
    last: dict[str, datetime] = {}
    for c in cf.checkins:
        if c.time <= as_of:
            for flag in c.red_flags:
                last[flag] = c.time
    found: list[tuple[str, str]] = []
    pausing: list[str] = []
    for flag in RED_FLAGS:  # vocabulary order, so the same flags always read the same
        if flag not in last:
            continue
        age = as_of - last[flag]
        when = _day(last[flag], cf)
        if age <= timedelta(days=RED_FLAG_PAUSE_DAYS):
            rule = RED_FLAG_RULES[flag]
            found.append((rule.level, f"{rule.action} (You reported it on {when}.)"))
            pausing.append(flag)
        elif age <= timedelta(days=RED_FLAG_REMINDER_DAYS):
            found.append(
                (
                    "caution",
                    f"On {when} you reported: {RED_FLAG_LABELS[flag].lower()}. If a doctor has not "
                    "checked it yet, do that before the next massage.",
                )
            )
    return found, pausing


def _flare_sentences(f: SevereFlare, cf: ClientFile) -> tuple[str, str]:
    when = _day(f.session_start, cf)
    signs = ", ".join(f.signs)
    if f.ongoing:
        return (
            f"A severe flare after the massage on {when} ({signs}): pause massage until your pain is "
            f"back to your usual (about {f.usual_pain:g} of 10). If this flare is not like your usual "
            "ones, contact your doctor.",
            f"Pause: a severe flare after the massage on {when}; wait until pain is back to about "
            f"{f.usual_pain:g}.",
        )
    name = PRESSURE_NAMES[f.restart_pressure]
    return (
        f"A severe flare followed the massage on {when} ({signs}); your pain is back to usual. Restart "
        f"one level lighter (pressure {f.restart_pressure}, {name}) and shorter.",
        f"Pressure {f.restart_pressure} ({name}) at most, and shorter: one level lighter than the "
        f"massage on {when}, which was followed by a severe flare.",
    )


def screen(cf: ClientFile, *, as_of: datetime | None = None) -> Safety:
    """Screen a client's records for red flags, contraindications and a severe flare.

    Parameters
    ----------
    cf : ClientFile
        The client's profile (contraindications), check-ins (red flags) and sessions.
    as_of : datetime, optional
        The time the screening is for (aware); default the latest check-in or session, so a
        red flag in the last entry always pauses massage.

    Returns
    -------
    Safety
        The level, the sentences, and what the plan must do (stop, cap, avoid, shorter).

    Notes
    -----
    Red flags reported within :data:`RED_FLAG_PAUSE_DAYS` days pause massage at their level
    (:data:`RED_FLAG_RULES`); older ones within :data:`RED_FLAG_REMINDER_DAYS` days leave a
    ``caution`` reminder. Contraindications apply :data:`CONTRAINDICATION_RULES`. A severe flare
    (:func:`severe_flare`) after the latest massage pauses while it lasts, then caps the pressure
    one level below that massage's and shortens the session.

    References
    ----------
    Finucane LM et al. J Orthop Sports Phys Ther 2020;50(7):350-372. NICE guideline NG59 (2016,
    updated 2020). Walton T. Medical Conditions and Massage Therapy: A Decision Tree Approach.
    Lippincott Williams & Wilkins, 2011. Batavia M. J Bodyw Mov Ther 2004;8(1):48-57.
    """
    if as_of is not None and (as_of.tzinfo is None or as_of.utcoffset() is None):
        raise ValueError(f"screen: as_of = {as_of!r} is not allowed (allowed: a time with a UTC offset)")
    when = as_of or _latest_time(cf)
    found: list[tuple[str, str]] = []
    pausing: list[str] = []
    stop_why: list[str] = []
    if when is not None:
        found, pausing = _red_flags(cf, when)
        if pausing:
            names = "; ".join(RED_FLAG_LABELS[f].lower() for f in pausing)
            stop_why.append(
                f"Pause massage until a doctor has checked what you reported ({names}): see the safety "
                "message at the top."
            )
    caps: list[tuple[int, str]] = []
    avoid: list[str] = []
    avoid_why: list[str] = []
    for code in CONTRAINDICATIONS:
        if code not in cf.client.contraindications:
            continue
        rule = CONTRAINDICATION_RULES[code]
        found.append((rule.level, rule.why))
        if rule.stop:
            label = CONTRAINDICATION_LABELS[code].lower()
            stop_why.append(f"No massage for now: {label} (see the safety message at the top).")
        if rule.max_pressure is not None:
            caps.append((rule.max_pressure, rule.why))
        if rule.avoid_regions:
            avoid += [a for a in rule.avoid_regions if a not in avoid]
            areas = ", ".join(AREA_LABELS[a].lower() for a in rule.avoid_regions)
            avoid_why.append(f"Avoid {areas}: {CONTRAINDICATION_LABELS[code].lower()} (see the safety note).")
    flare = None
    if cf.sessions:
        latest = cf.sessions[-1]
        seen = [c for c in cf.checkins if when is None or c.time <= when]
        flare = severe_flare(latest, seen, usual=_usual_without_massage(cf, latest, seen))
    if flare is not None:
        shown, plan_line = _flare_sentences(flare, cf)
        found.append(("caution", shown))
        if flare.ongoing:
            stop_why.append(plan_line)
        else:
            caps.append((flare.restart_pressure, plan_line))
    if not found:
        return Safety(contraindications=tuple(cf.client.contraindications))
    found.sort(key=lambda item: _RANK[item[0]])  # stable: most urgent first, order kept within a level
    cap = min((c for c, _ in caps), default=None)
    return Safety(
        level=found[0][0],
        why=tuple(sentence for _, sentence in found),
        stop=bool(stop_why),
        stop_why=tuple(stop_why),
        max_pressure=cap,
        cap_why=tuple(why for c, why in caps if c == cap),
        avoid_regions=tuple(avoid),
        avoid_why=tuple(avoid_why),
        shorter=flare is not None and not flare.ongoing,
        red_flags=tuple(pausing),
        contraindications=tuple(cf.client.contraindications),
        flare=flare,
    )
