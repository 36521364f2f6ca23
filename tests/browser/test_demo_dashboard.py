"""The demo client's months of history in a real browser: the dashboard's verdict and all three
charts, on a desktop and on a 375 px phone, and the demo therapist's client list."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect


def log_in(page: Any, base: str, username: str, password: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label(re.compile(r"^Username:?$")).fill(username)
    page.get_by_label(re.compile(r"^Password:?$")).fill(password)
    page.get_by_role("button", name="Log in").click()


def test_demo_dashboard_shows_a_verdict_and_three_charts(live_server: Any, new_page: Any, shoot: Any) -> None:
    from touchdose.web.demo import demo_load

    logins = demo_load()
    base = live_server.url
    desktop = new_page()
    log_in(desktop, base, logins.client_username, logins.password)
    desktop.get_by_role("link", name="See my results").click()
    expect(desktop.locator("#verdict")).to_be_visible()
    assert "Still gathering data" not in desktop.locator("#verdict").inner_text()  # months of data
    titles = desktop.locator("figure h2").all_inner_texts()
    assert titles[:3] == ["Pain over time", "Pain before and after each session", "Pressure and aggravation"]
    for svg in desktop.locator("figure svg").all():
        box = svg.bounding_box()
        assert box and box["width"] <= 360 * 1.6 + 1  # charts stop growing on a wide screen
    shoot(desktop, "demo-01-dashboard-desktop")

    phone = new_page({"width": 375, "height": 740})
    log_in(phone, base, logins.client_username, logins.password)
    phone.goto(desktop.url)
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"the dashboard scrolls sideways on a 375 px phone ({width} px wide)"
    # Every word in the charts is at least 11 px as drawn on the phone (font size times the scale).
    sizes = phone.evaluate(
        "[...document.querySelectorAll('figure svg text')].map(t => "
        "parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a)"
    )
    assert sizes and min(sizes) >= 11, f"chart text down to {min(sizes):.1f} px on a 375 px phone"
    shoot(phone, "demo-02-dashboard-phone")

    therapist = new_page()
    log_in(therapist, base, logins.therapist_username, logins.password)
    therapist.goto(f"{base}/therapist/")
    expect(therapist.get_by_role("link", name="Demo Client")).to_be_visible()  # the display name
    shoot(therapist, "demo-03-therapist-list")
