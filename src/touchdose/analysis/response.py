"""Per-session response: immediately after, at the 24 h and 48 h follow-ups, and a 72 h look.

A session *helped* (meaningful relief, no aggravation), was *mixed* (relief, then
aggravation), had *no effect*, or *harmed* (aggravation without relief).
Relief is at least :data:`RELIEF_POINTS` or :data:`RELIEF_PERCENT` less pain than before
(immediately or at 24 h). Aggravation is a follow-up pain at least :data:`AGGRAVATION_POINTS`
above the before-pain (at 24 h, 48 h, or the 72 h look that catches harm showing late), a
flare, or an immediate worsening of that size. An outcome is never guessed: without both the
24 h and 48 h follow-ups (and no aggravation already seen) it is ``unknown``; the 72 h look only
adds what it sees.

Follow-ups are found by the hours between the session and the entry: an entry reports the 24 h
before it, so the one 18-36 h after a session covers the day after it whether it is written in
the evening (34 h after a 10:00 session) or the next morning (22 h), and likewise for 48 h and
72 h.

Examples
--------
>>> from datetime import datetime, timedelta, timezone
>>> from touchdose.records import CheckIn, ClientFile, ClientProfile, Session
>>> t0 = datetime(2026, 1, 5, 10, tzinfo=timezone.utc)
>>> cf = ClientFile(
...     client=ClientProfile(id="c-1"),
...     sessions=(Session(start=t0, pressure=2, minutes=45, pain_before=6, pain_after=4),),
...     checkins=(CheckIn(time=t0 + timedelta(hours=24), pain=5),
...               CheckIn(time=t0 + timedelta(hours=48), pain=6)),
... )
>>> r = session_responses(cf)[0]
>>> (r.immediate_change, r.change_24h, r.change_48h, r.outcome)
(-2, -1, 0, 'helped')
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from touchdose.analysis.diary import baseline_days, diary_dates
from touchdose.analysis.rhythm import NO_RHYTHM, WeekdayRhythm, weekday_rhythm
from touchdose.instruments.change import MODERATE_PERCENT, MODERATE_POINTS
from touchdose.records import CheckIn, ClientFile, Session

#: Follow-up windows in hours after the session start (docs/design.md "Domain"): a check-in
#: 18-36 h after is the session's 24 h follow-up, 36-60 h its 48 h one. The flare that
#: sensitized clients describe peaks a day or two after (docs/sources.md; Cambron 2007).
FOLLOWUP_24H_HOURS: tuple[float, float] = (18.0, 36.0)
FOLLOWUP_48H_HOURS: tuple[float, float] = (36.0, 60.0)
#: The 72 h look (docs/design.md, "What a diary entry covers": "a 72 h look catches harm that
#: shows late"): the entry 60-84 h after, the next 24 h window, for aggravation only.
FOLLOWUP_72H_HOURS: tuple[float, float] = (60.0, 84.0)
#: Every follow-up window, in order; a flare reported before the last one closes counts.
FOLLOWUP_WINDOWS: tuple[tuple[float, float], ...] = (
    FOLLOWUP_24H_HOURS,
    FOLLOWUP_48H_HOURS,
    FOLLOWUP_72H_HOURS,
)
#: Aggravation: pain at least this many points above the before-pain: IMMPACT's "moderately
#: important" change on the 0-10 scale (Dworkin 2008; Farrar 2001), defined once in
#: :mod:`touchdose.instruments.change`.
AGGRAVATION_POINTS = MODERATE_POINTS
#: Relief of one session: at least 2 points or at least 30 % less pain than before, either one
#: (docs/design.md, "Thresholds"; Farrar 2001 in chronic pain, Mease 2011 in fibromyalgia). A
#: smaller change in one pair of ratings is within a person's measurement error, about 1.8
#: points on the 0-10 scale (issue 17's review); the diary comparison, which averages many
#: days, keeps the 1-point MID.
RELIEF_POINTS = MODERATE_POINTS
RELIEF_PERCENT = MODERATE_PERCENT
#: When a session has no before-pain, the diary's last pain within this many hours
#: before the session stands in for it (measured, not guessed; the source is reported).
BEFORE_FROM_DIARY_HOURS = 36.0

SESSION_OUTCOMES: tuple[str, ...] = ("helped", "mixed", "no_effect", "harmed", "unknown")
#: The outcomes that mean the session aggravated (:func:`classify`: "mixed" when it also
#: relieved, otherwise "harmed"), for readers of an older file without ``aggravated``.
AGGRAVATED_OUTCOMES: frozenset[str] = frozenset({"harmed", "mixed"})
#: Each session outcome in plain words: the one wording the pages, the report, the CLI and the
#: charts show (the clinician and the client read the same words).
OUTCOME_WORDS: dict[str, str] = {
    "helped": "helped",
    "mixed": "mixed",
    "no_effect": "no effect",
    "harmed": "more pain",
    "unknown": "not known yet",
}


@dataclass(frozen=True)
class SessionResponse:
    """How one session went: changes in points (negative = less pain) and the outcome."""

    start: datetime
    pressure: int
    minutes: int
    pain_before: int | None
    before_source: str | None  # "session", "diary" or None
    immediate_change: int | None
    change_24h: int | None
    change_48h: int | None
    flare: bool
    aggravated: bool
    relieved: bool
    outcome: str
    change_72h: int | None = None
    #: The 24 h, 48 h and 72 h follow-up changes net of the client's weekly rhythm (``None`` when
    #: the look has no entry): what the harm judgement tests look by look.
    net_changes: tuple[int | None, int | None, int | None] = (None, None, None)
    #: The 24 h, 48 h and 72 h follow-up pains above the client's usual pain for that day and
    #: weekday (:meth:`touchdose.analysis.rhythm.WeekdayRhythm.usual`; ``None`` when unknown).
    above_usual: tuple[float | None, float | None, float | None] = (None, None, None)

    @property
    def has_followup(self) -> bool:
        return self.change_24h is not None or self.change_48h is not None

    def to_dict(self) -> dict[str, Any]:
        """The docs/formats.md ``sessions[]`` object (and a few more keys: ``aggravated`` is the
        one reading of "followed by more pain" that charts and reports use)."""
        return {
            "start": self.start.isoformat(),
            "pressure": self.pressure,
            "minutes": self.minutes,
            "pain_before": self.pain_before,
            "immediate_change": self.immediate_change,
            "change_24h": self.change_24h,
            "change_48h": self.change_48h,
            "change_72h": self.change_72h,
            "aggravated": self.aggravated,
            "flare": self.flare,
            "outcome": self.outcome,
        }


@dataclass(frozen=True)
class DataSummary:
    """How much data there is (docs/formats.md ``data``)."""

    checkin_days: int
    baseline_days: int
    sessions: int
    sessions_with_followup: int

    def to_dict(self) -> dict[str, int]:
        return {
            "checkin_days": self.checkin_days,
            "baseline_days": self.baseline_days,
            "sessions": self.sessions,
            "sessions_with_followup": self.sessions_with_followup,
        }


class Diary:
    """The check-ins with their times, searchable by time (check-ins are kept in time order).

    ``seconds`` are the check-in times as POSIX seconds, for the window searches.
    """

    def __init__(self, checkins: tuple[CheckIn, ...]) -> None:
        self.checkins = checkins
        self.times = [c.time for c in checkins]
        self.seconds = [t.timestamp() for t in self.times]

    def between(self, lo: datetime, hi: datetime, *, include_hi: bool = False) -> tuple[CheckIn, ...]:
        side = bisect_right if include_hi else bisect_left
        return self.checkins[bisect_left(self.times, lo) : side(self.times, hi)]


    def nearest(self, t0: float, window: tuple[float, float]) -> int | None:
        """Index of the check-in in ``[t0 + lo, t0 + hi)`` hours (``t0`` in POSIX seconds)
        closest to the window's middle: the one follow-up search of the engine."""
        lo, hi = t0 + window[0] * 3600.0, t0 + window[1] * 3600.0
        i, j = bisect_left(self.seconds, lo), bisect_left(self.seconds, hi)
        if i >= j:
            return None
        middle = (lo + hi) / 2
        return min(range(i, j), key=lambda k: abs(self.seconds[k] - middle))


def _in_window(diary: Diary, start: datetime, window: tuple[float, float]) -> CheckIn | None:
    """The check-in in ``[start + lo, start + hi)`` closest to the window's middle."""
    k = diary.nearest(start.timestamp(), window)
    return None if k is None else diary.checkins[k]


def _before_pain(session: Session, diary: Diary) -> tuple[int | None, str | None]:
    if session.pain_before is not None:
        return session.pain_before, "session"
    earliest = session.start - timedelta(hours=BEFORE_FROM_DIARY_HOURS)
    earlier = diary.between(earliest, session.start, include_hi=True)
    return (earlier[-1].pain, "diary") if earlier else (None, None)


def _flare_after(session: Session, diary: Diary) -> bool:
    """A flare reported with the session or in a check-in up to the end of the last window."""
    end = session.start + timedelta(hours=FOLLOWUP_WINDOWS[-1][1])
    return session.flare_reported or any(
        c.flare for c in diary.between(session.start, end) if c.time > session.start
    )


def is_relief(change: int | None, before: int | None) -> bool:
    """Whether ``change`` (after - before) is a session's relief: :data:`RELIEF_POINTS` or
    :data:`RELIEF_PERCENT` of ``before``, either one.

    >>> is_relief(-2, 8), is_relief(-1, 8), is_relief(-2, 7), is_relief(-1, 3), is_relief(-1, None)
    (True, False, True, True, False)
    """
    if change is None:
        return False
    share = before is not None and before > 0 and -change >= RELIEF_PERCENT / 100 * before
    return -change >= RELIEF_POINTS or share


def classify(
    immediate: int | None,
    change_24h: int | None,
    change_48h: int | None,
    flare: bool,
    change_72h: int | None = None,
    before: int | None = None,
) -> tuple[str, bool, bool]:
    """The outcome class and whether the session aggravated and relieved.

    ``before`` is the pain before the session (for the 30 % relief); without it relief needs
    :data:`RELIEF_POINTS`.

    >>> classify(-2, 2, None, False)
    ('mixed', True, True)
    >>> classify(-2, None, None, False)
    ('unknown', False, True)
    >>> classify(-1, 0, 0, False), classify(-1, 0, 0, False, before=3)
    (('no_effect', False, False), ('helped', False, True))
    >>> classify(0, 0, 1, False, change_72h=2)
    ('harmed', True, False)
    """
    follow = [c for c in (change_24h, change_48h, change_72h) if c is not None]
    aggravated = (
        flare
        or any(c >= AGGRAVATION_POINTS for c in follow)
        or (immediate is not None and immediate >= AGGRAVATION_POINTS)
    )
    relieved = is_relief(immediate, before) or is_relief(change_24h, before)
    if aggravated:
        return ("mixed" if relieved else "harmed"), True, relieved
    if change_24h is None or change_48h is None:
        return "unknown", False, relieved  # no aggravation *seen* is not "no aggravation"
    return ("helped" if relieved else "no_effect"), False, relieved


def session_response(
    session: Session, checkins: tuple[CheckIn, ...] | Diary, rhythm: WeekdayRhythm = NO_RHYTHM
) -> SessionResponse:
    """The response to one session, given the client's check-ins (time ordered).

    The changes are the ratings' own; the outcome is judged on each follow-up change net of the
    client's weekly ``rhythm`` (:func:`client_rhythm`), so pain that is always higher on Mondays
    is not "more pain" 48 h after every Saturday session.
    """
    diary = checkins if isinstance(checkins, Diary) else Diary(checkins)
    before, source = _before_pain(session, diary)

    def change(pain: int | None) -> int | None:
        return None if pain is None or before is None else pain - before

    follow = [_in_window(diary, session.start, w) for w in FOLLOWUP_WINDOWS]
    immediate = change(session.pain_after)
    c24, c48, c72 = (change(f.pain if f else None) for f in follow)
    net = [
        None if c is None or f is None else c - rhythm.between(session.start, f.time)
        for c, f in zip((c24, c48, c72), follow, strict=True)
    ]
    usual = [None if f is None else rhythm.usual(f.time) for f in follow]
    above = [None if f is None or u is None else f.pain - u for f, u in zip(follow, usual, strict=True)]
    flare = _flare_after(session, diary)
    outcome, aggravated, relieved = classify(immediate, net[0], net[1], flare, net[2], before)
    return SessionResponse(
        start=session.start,
        pressure=session.pressure,
        minutes=session.minutes,
        pain_before=before,
        before_source=source,
        immediate_change=immediate,
        change_24h=c24,
        change_48h=c48,
        flare=flare,
        aggravated=aggravated,
        relieved=relieved,
        outcome=outcome,
        change_72h=c72,
        net_changes=(net[0], net[1], net[2]),
        above_usual=(above[0], above[1], above[2]),
    )


def client_rhythm(cf: ClientFile, diary: Diary | None = None) -> WeekdayRhythm:
    """The client's weekly rhythm of pain on massage-free entries (:mod:`touchdose.analysis.rhythm`)."""
    d = Diary(cf.checkins) if diary is None else diary
    pains = [c.pain for c in d.checkins]
    free_after = FOLLOWUP_WINDOWS[-1][1]  # past every follow-up look a session gets
    return weekday_rhythm(d.times, pains, [s.start for s in cf.sessions], cf.client.zone, free_after)


def session_responses(cf: ClientFile) -> tuple[SessionResponse, ...]:
    """The response to every session of a client, in time order, judged net of its weekly rhythm."""
    diary = Diary(cf.checkins)  # built once: each session then finds its follow-ups by bisection
    rhythm = client_rhythm(cf, diary)
    return tuple(session_response(s, diary, rhythm) for s in cf.sessions)


def data_summary(cf: ClientFile, responses: tuple[SessionResponse, ...] | None = None) -> DataSummary:
    """Diary days, baseline days before the first session, sessions, sessions with a follow-up."""
    responses = session_responses(cf) if responses is None else responses
    dates = diary_dates(cf)
    return DataSummary(
        checkin_days=len(dates),
        baseline_days=baseline_days(cf),
        sessions=len(cf.sessions),
        sessions_with_followup=sum(r.has_followup for r in responses),
    )
