"""The Learn page in a real browser: the controls redraw the chart, with and without JavaScript."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect


def curve_alt(page: Any) -> str:
    return str(page.locator("figure.chart svg").first.get_attribute("aria-label"))


def test_moving_the_controls_redraws_the_chart(live_server: Any, page: Any, shoot: Any) -> None:
    page.goto(f"{live_server.url}/learn/")
    assert "sensitization 0.6" in curve_alt(page)
    # The script submits the form when a control changes: choosing a pressure redraws at once.
    with page.expect_navigation():
        page.get_by_label("Massage pressure", exact=True).select_option("1")
    assert "pressure=1" in page.url
    assert "At pressure 1 (very light)" in curve_alt(page)
    page.locator("#id_sensitization").fill("0")  # a range input; fill() sets it and fires change
    page.wait_for_url("**sensitization=0&**")
    assert "sensitization 0 " in curve_alt(page)
    shoot(page, "learn-model-desktop")


def test_without_javascript_the_show_button_redraws(browser: Any, live_server: Any, shoot: Any) -> None:
    context = browser.new_context(java_script_enabled=False, viewport={"width": 1100, "height": 900})
    try:
        page = context.new_page()
        page.goto(f"{live_server.url}/learn/")
        page.get_by_label("Massage pressure", exact=True).select_option("5")
        page.get_by_role("button", name="Show").click()
        page.wait_for_url("**pressure=5**")
        assert "At pressure 5 (deep)" in curve_alt(page)
    finally:
        context.close()


def test_learn_page_fits_a_phone(live_server: Any, phone: Any, shoot: Any) -> None:
    phone.goto(f"{live_server.url}/learn/")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"the page scrolls sideways on a 375 px phone ({width} px wide)"
    box = phone.locator("figure.chart svg").first.bounding_box()
    assert box and box["width"] <= 375 and box["width"] >= 300  # the chart scales to the column
    show = phone.get_by_role("button", name="Show").bounding_box()
    assert show and show["height"] >= 44 and show["width"] >= 44
    shoot(phone, "learn-model-phone")


@pytest.mark.parametrize("params", ["sensitization=7", "pressure=9"])
def test_bad_values_show_a_message_not_a_crash(live_server: Any, page: Any, params: str) -> None:
    response = page.goto(f"{live_server.url}/learn/?{params}")
    assert response.status == 400
    expect(page.get_by_role("alert")).to_be_visible()


def test_evidence_page_switches_condition_and_fits_a_phone(live_server: Any, phone: Any, shoot: Any) -> None:
    phone.goto(f"{live_server.url}/learn/evidence/")
    expect(phone.get_by_role("heading", name="What the studies show")).to_be_visible()
    assert "Fibromyalgia" in phone.get_by_label("Condition").input_value().capitalize()
    shoot(phone, "learn-evidence-phone")
    with phone.expect_navigation():
        phone.get_by_label("Condition").select_option("all")
    assert "condition=all" in phone.url
    expect(phone.get_by_role("heading", name="Pooled results")).to_be_visible()
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"the evidence page scrolls sideways on a 375 px phone ({width} px wide)"
    shoot(phone, "learn-evidence-all-phone")


def test_evidence_page_on_a_desktop(live_server: Any, page: Any, shoot: Any) -> None:
    page.goto(f"{live_server.url}/learn/evidence/?condition=all")
    assert page.locator("figure.chart svg").count() >= 2  # points forest + one per pooled result
    shoot(page, "learn-evidence-desktop")
