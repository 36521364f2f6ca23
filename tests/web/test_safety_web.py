"""Issue 17, the web half: contraindications at intake and red flags at check-in are stored, reach
the engine (``verdict.safety``, the plan capped or stopped) and are shown first (docs/safety.md)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from tests.web.conftest import World

from touchdose.analysis.safety_rules import CONTRAINDICATION_RULES, RED_FLAG_RULES
from touchdose.records import CONTRAINDICATIONS, RED_FLAGS, RecordError
from touchdose.web import convert, selectors, services


@pytest.mark.parametrize("code", CONTRAINDICATIONS)
def test_each_contraindication_saved_at_intake_reaches_the_engine(world: World, code: str) -> None:
    client = world.client_b
    before = selectors.client_analysis(actor=client.user, client=client).analysis
    assert before.verdict is not None and before.verdict.safety is not None
    assert before.verdict.safety.level is None  # nothing found without it

    services.client_intake_save(actor=client.user, client=client, contraindications=[code])

    client.refresh_from_db()
    assert client.contraindications == [code]
    assert convert.profile_of_row(client).contraindications == (code,)
    analysis = selectors.client_analysis(actor=client.user, client=client).analysis
    rule = CONTRAINDICATION_RULES[code]
    safety, plan = analysis.verdict.safety, analysis.plan  # type: ignore[union-attr]
    assert safety is not None and plan is not None
    assert (safety.level, safety.contraindications, safety.stop) == (rule.level, (code,), rule.stop)
    assert rule.why in safety.why
    assert safety.max_pressure == rule.max_pressure
    assert plan.stop is rule.stop
    if rule.stop:
        assert plan.pressure is None
    elif rule.max_pressure is not None:
        assert plan.pressure is not None and plan.pressure <= rule.max_pressure
    assert set(rule.avoid_regions) <= set(plan.avoid_regions)


def test_an_unknown_contraindication_is_refused_naming_the_field_and_nothing_is_saved(world: World) -> None:
    client = world.client_b
    expected = r"client: contraindications = 'gout' is not allowed \(allowed: one of blood_thinners, "
    with pytest.raises(RecordError, match=expected):
        services.client_intake_save(
            actor=client.user, client=client, contraindications=["osteoporosis", "gout"]
        )
    client.refresh_from_db()
    assert client.contraindications == [] and not client.intake_done


@pytest.mark.parametrize("flag", RED_FLAGS)
def test_each_red_flag_in_a_check_in_gives_its_level_and_stops_the_plan(world: World, flag: str) -> None:
    client = world.client_b
    row = services.checkin_record(
        actor=client.user, client=client, time=timezone.now() - timedelta(minutes=5), pain=4, red_flags=[flag]
    )
    row.refresh_from_db()
    assert row.red_flags == [flag]
    assert convert.checkin_of_row(row).red_flags == (flag,)
    analysis = selectors.client_analysis(actor=client.user, client=client).analysis
    safety, plan = analysis.verdict.safety, analysis.plan  # type: ignore[union-attr]
    assert safety is not None and plan is not None
    assert (safety.level, safety.red_flags, safety.stop) == (RED_FLAG_RULES[flag].level, (flag,), True)
    assert plan.stop and plan.pressure is None


def test_an_unknown_red_flag_is_refused_and_no_check_in_is_saved(world: World) -> None:
    client = world.client_b
    with pytest.raises(RecordError, match=r"checkin: red_flags = 'hiccups' is not allowed"):
        services.checkin_record(actor=client.user, client=client, time=timezone.now(), pain=4,
                                red_flags=["hiccups"])  # fmt: skip
    assert not client.checkins.exists()
