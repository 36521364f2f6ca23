"""The explainer curves the Learn page and the docs figure draw (issue 3, part 4)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from touchdose.painmodel.explainer import DEFAULT_PRESET, NEXT_DAY_HOURS, PRESETS, days_after, pressure_curve


def test_typical_and_sensitized_curves_part_where_the_model_says() -> None:
    typical, sensitized = pressure_curve(0.0, points=5), pressure_curve(0.8, points=5)
    # Typical: every pressure lowers pain during and the next day; sensitized: moderate (3)
    # and above raise it, and the lightest raises it least.
    assert all(p < 6.0 for p in typical.during + typical.next_day)
    assert all(p > 6.0 for p in sensitized.during[2:]) and sensitized.next_day[2] >= 8.0
    assert sensitized.during[0] == min(sensitized.during)


def test_the_parts_of_the_during_pain_add_up() -> None:
    c = pressure_curve(0.6, points=9)
    for during, dampened, relayed, tissue in zip(c.during, c.dampened, c.relayed, c.tissue, strict=True):
        # during = (b - bD + N(1 - D) + R) x descending factor; descending relaxation removes at
        # most descending_relief (0.05) x relaxation of it in the typical system.
        assert during == pytest.approx(6.0 - dampened + tissue + relayed, rel=0.05)


def test_days_after_meets_the_pressure_curve_at_the_next_evening() -> None:
    d = days_after(0.8, 3, step_hours=1.0)
    c = pressure_curve(0.8, points=5)
    assert d.pain[d.hours.index(NEXT_DAY_HOURS)] == pytest.approx(c.next_day[2], abs=1e-3)
    assert d.pain[0] == pytest.approx(c.after[2], abs=1e-3)


def test_the_flare_builds_up_then_fades() -> None:
    d = days_after(0.9, 4, days=6, step_hours=6)
    peak = d.flare.index(max(d.flare))
    assert 0 < peak < len(d.flare) - 1
    assert d.flare[0] == 0.0 and d.flare[-1] < 0.1 * max(d.flare)


def test_results_are_json_ready() -> None:
    for result in (pressure_curve(0.3), days_after(0.3, 2)):
        data = result.to_dict()
        assert json.loads(json.dumps(data)) == data


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: pressure_curve(1.2), "sensitization = 1.2"),
        (lambda: pressure_curve(0.5, background_pain=11), "background_pain = 11"),
        (lambda: pressure_curve(0.5, points=1), "points = 1"),
        (lambda: days_after(0.5, 6), "pressure = 6"),
        (lambda: days_after(0.5, 3, days=30), "days = 30"),
    ],
)
def test_bad_inputs_name_the_field_and_the_range(call: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        call()  # type: ignore[operator]


def _at(xs: tuple[float, ...], ys: tuple[float, ...], pressure: int) -> float:
    return float(np.interp(pressure, xs, ys))


def test_the_learn_presets_say_what_the_design_says() -> None:
    """docs/design.md "How gentle?": a typical system is eased by any pressure; at the fibromyalgia
    setting lighter massage still helps some (very light and light ease pain just after and the
    next evening) while moderate or firmer is followed by more pain; strongly sensitized, even the
    lightest touch hurts during the massage."""
    presets = {p.key: pressure_curve(p.sensitization) for p in PRESETS}
    typical, fibro, strong = presets["typical"], presets["fibromyalgia"], presets["strongly_sensitized"]
    before = fibro.background_pain
    for p in range(1, 6):
        assert _at(typical.pressures, typical.after, p) < before
        assert _at(strong.pressures, strong.during, p) > before
    for p in (1, 2):
        assert _at(fibro.pressures, fibro.after, p) < before
        assert _at(fibro.pressures, fibro.next_day, p) < before
        assert min(days_after(DEFAULT_PRESET.sensitization, p).pain) < before
    for p in (3, 4, 5):
        assert _at(fibro.pressures, fibro.during, p) > before
        assert _at(fibro.pressures, fibro.next_day, p) > before
        assert max(days_after(DEFAULT_PRESET.sensitization, p).pain) > before
    assert DEFAULT_PRESET.key == "fibromyalgia"
