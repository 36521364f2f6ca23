"""Who needs attention first: a therapist's caseload ordered from the engine's results.

The therapist between two clients needs the next step in a glance. For each client the
engine has already concluded (:class:`~touchdose.analysis.engine.ClientAnalysis`, from the
results cache) this module decides how soon the client needs the therapist, and says why in a
few words. Nothing here re-runs the engine.

The order, most urgent first (:data:`TIERS`):

1. ``safety`` — the screening pauses massage (a red flag, a contraindication that stops, an
   ongoing severe flare);
2. ``harm`` — a flare or more pain after the last session, or a verdict of more pain;
3. ``caution`` — a mixed verdict, or the plan says to stop;
4. ``missing`` — follow-ups due or a rating missing for the last session;
5. ``gathering`` — not enough data for a verdict yet;
6. ``fine`` — nothing needs doing now.

Within a tier the client whose last session is the most recent comes first.

Examples
--------
>>> from touchdose.analysis.engine import analyze_client
>>> from touchdose.records import ClientFile, ClientProfile
>>> a = attention(analyze_client(ClientFile(ClientProfile(id="c-1"))), followups_due=0)
>>> a.tier, a.words
('gathering', ('No verdict yet: more data needed',))
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from touchdose.analysis.engine import ClientAnalysis
from touchdose.text import count

__all__ = ["FLAG_WORDS", "TIERS", "TIER_HEADINGS", "Attention", "Flag", "attention"]

#: Tiers of attention, most urgent first (the module's docstring says what puts a client in each).
TIERS: tuple[str, ...] = ("safety", "harm", "caution", "missing", "gathering", "fine")
#: The heading of each tier in the caseload.
TIER_HEADINGS: dict[str, str] = {
    "safety": "Safety first: no massage for now",
    "harm": "More pain or a flare",
    "caution": "Go gentler or stop",
    "missing": "Follow-ups or ratings missing",
    "gathering": "Still gathering data",
    "fine": "Going to plan",
}

#: The words of each flag, as the therapist reads them in the caseload (one home for them).
FLAG_WORDS: dict[str, str] = {
    "safety_pause": "Safety: no massage for now",
    "flare_after_last": "Flare after the last session",
    "more_pain_after_last": "More pain after the last session",
    "verdict_more_pain": "Mainly more pain with massage",
    "verdict_mixed": "Some sessions followed by more pain",
    "plan_stop": "The plan says stop",
    "rating_missing": "Rating missing for the last session",
    "gathering_data": "No verdict yet: more data needed",
}


@dataclass(frozen=True)
class Flag:
    """One thing that needs attention: its tier (how urgent) and its words."""

    tier: str
    words: str


@dataclass(frozen=True)
class Attention:
    """How soon a client needs the therapist, and why.

    Attributes
    ----------
    tier : str
        One of :data:`TIERS`.
    flags : tuple of Flag
        What needs attention, most urgent first (empty when nothing does).
    last_session : datetime or None
        Start of the client's last session (orders clients within a tier).
    """

    tier: str
    flags: tuple[Flag, ...]
    last_session: datetime | None

    @property
    def words(self) -> tuple[str, ...]:
        """The flags' words, most urgent first."""
        return tuple(f.words for f in self.flags)

    @property
    def rank(self) -> int:
        """0 for the most urgent tier."""
        return TIERS.index(self.tier)

    def sort_key(self) -> tuple[int, float]:
        """Most urgent tier first; within it, the most recent last session first."""
        recent = -self.last_session.timestamp() if self.last_session is not None else float("inf")
        return self.rank, recent

    def to_dict(self) -> dict[str, Any]:
        return {
            "tier": self.tier,
            "flags": [{"tier": f.tier, "words": f.words} for f in self.flags],
            "last_session": None if self.last_session is None else self.last_session.isoformat(),
        }


def attention(analysis: ClientAnalysis, *, followups_due: int) -> Attention:
    """How soon this client needs attention, from the engine's results and the follow-ups due.

    Parameters
    ----------
    analysis : ClientAnalysis
        The engine's (cached) result for the client.
    followups_due : int
        Follow-up answers (24 h, 48 h) whose window is open and that the client has not given.

    Returns
    -------
    Attention
    """
    if followups_due < 0:
        raise ValueError(f"attention: followups_due = {followups_due!r} is not allowed (allowed: 0 or more)")
    verdict, plan = analysis.verdict, analysis.plan
    last = analysis.sessions[-1] if analysis.sessions else None
    found: list[tuple[str, str]] = []  # (tier, flag words)
    if verdict is not None and verdict.safety is not None and verdict.safety.stop:
        found.append(("safety", FLAG_WORDS["safety_pause"]))
    if last is not None and last.flare:
        found.append(("harm", FLAG_WORDS["flare_after_last"]))
    elif last is not None and last.aggravated:
        found.append(("harm", FLAG_WORDS["more_pain_after_last"]))
    state = verdict.state if verdict is not None else None
    if state == "more_pain":
        found.append(("harm", FLAG_WORDS["verdict_more_pain"]))
    if state == "mixed":
        found.append(("caution", FLAG_WORDS["verdict_mixed"]))
    if plan is not None and plan.stop and not any(t == "safety" for t, _ in found):
        found.append(("caution", FLAG_WORDS["plan_stop"]))
    if followups_due:
        found.append(("missing", count(followups_due, "follow-up") + " due"))
    if last is not None and (last.pain_before is None or last.immediate_change is None):
        found.append(("missing", FLAG_WORDS["rating_missing"]))
    if state == "gathering_data":
        found.append(("gathering", FLAG_WORDS["gathering_data"]))
    tier = min((t for t, _ in found), key=TIERS.index, default="fine")
    ordered = sorted(found, key=lambda item: TIERS.index(item[0]))
    flags = tuple(Flag(t, words) for t, words in ordered)
    return Attention(tier, flags, last.start if last is not None else None)
