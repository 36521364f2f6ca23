"""Every headline and action the engine can say: one short sentence, plain words (docs/design.md item 7)."""

from __future__ import annotations

import itertools
import re

import pytest

from touchdose.analysis.verdict import VERDICT_STATES
from touchdose.analysis.wording import (
    MAX_WORDS,
    NEEDS,
    action_for_need,
    action_for_plan,
    action_for_safety,
    headline,
)


def every_headline() -> list[str]:
    leads = ("pain", "sleep_hours", "mood", "fatigue")
    out = [headline(s, lead=lead) for s in VERDICT_STATES for lead in leads]
    return out + [headline("mixed", harmful_from=p) for p in range(1, 6)]


def every_action() -> list[str]:
    out = [action_for_need(n, c) for n in NEEDS for c in (1, 2, 7)]
    out += [action_for_safety(level) for level in ("emergency", "see_doctor", "caution", None)]
    for state, pressure, current, stop, no_safe, pause in itertools.product(
        VERDICT_STATES, (None, 1, 2, 3, 4, 5), (None, 1, 3, 5), (False, True), (False, True),
        ((None, None), (0, 10), (1, 12), (3, 14)),
    ):  # fmt: skip
        out.append(action_for_plan(
            state, pressure=pressure, minutes=30, per_week=2, stop=stop, no_safe_pressure=no_safe,
            current=current, pause_after=pause[0], pause_days=pause[1],
        ))  # fmt: skip
    return sorted(set(out))


def sentences(text: str) -> int:
    return len(re.findall(r"[.!?](\s|$)", text))


@pytest.mark.parametrize("text", every_headline() + every_action())
def test_one_short_plain_sentence(text: str) -> None:
    words = text.split()
    assert len(words) <= MAX_WORDS, text
    assert sentences(text) == 1 and text[0].isupper(), text
    # no statistics jargon in front of a tired reader
    for jargon in ("probability", "posterior", "interval", "significant", "%", "rho", "credible"):
        assert jargon not in text.lower(), text
    # plain English counts
    assert not re.search(r"\b1 (more )?(days|sessions)\b", text), text


def test_every_state_has_its_own_headline() -> None:
    said = {s: headline(s) for s in VERDICT_STATES}
    assert len(set(said.values())) == len(VERDICT_STATES)
    assert "more pain" in said["more_pain"]


def test_an_unknown_need_is_refused_by_name() -> None:
    with pytest.raises(ValueError, match="need = 'cake' is not allowed"):
        action_for_need("cake")
