"""A therapist links with a client's code, logs a session and loses access on revocation; and the
daily check-in on a 375 px phone (no sideways scrolling, every target at least 44 px)."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from playwright.sync_api import expect

PASSWORD = "calm-river-stone-42"
MIN_TARGET_PX = 44  # WCAG 2.5.5 target size (and Apple's HIG): at least 44 x 44 CSS px


def sign_up(page: Any, base: str, username: str, role: str) -> None:
    page.goto(f"{base}/accounts/signup/")
    page.get_by_label(role).check()
    page.get_by_label(re.compile(r"^Username:?$")).fill(username)
    page.get_by_label(re.compile(r"^Password:?$")).fill(PASSWORD)
    page.get_by_label(re.compile(r"^Password confirmation:?$")).fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()


def open_menu(page: Any, link: str) -> None:
    """Open the menu's "More" and follow one of its links."""
    page.locator("header .more-nav summary").click()
    page.locator("header .more-links").get_by_role("link", name=link).click()


def choose(page: Any, field: str, value: str | int) -> None:
    page.locator(f"#f-{field} label").filter(has=page.locator(f"input[value='{value}']")).click()


def test_therapist_links_logs_a_session_and_loses_access_on_revoke(
    live_server: Any, new_page: Any, shoot: Any
) -> None:
    base = live_server.url
    client, therapist = new_page(), new_page()

    sign_up(client, base, "ana", "A person living with pain")
    open_menu(client, "Sharing")
    client.get_by_role("button", name="Make a sharing code").click()
    code = client.locator(".code").inner_text().strip()
    assert code
    shoot(client, "share-01-code")

    sign_up(therapist, base, "tomas", "A massage therapist")
    therapist.get_by_role("link", name="Add a client").first.click()
    therapist.get_by_label(re.compile(r"^Code from your client:?$")).fill(code)
    therapist.get_by_role("button", name="Add client").click()
    therapist.goto(f"{base}/therapist/")
    therapist.get_by_role("link", name="ana").click()
    dashboard_url = therapist.url
    assert "results" in therapist.get_by_role("heading", level=1).inner_text()
    shoot(therapist, "share-02-therapist-sees-client")

    therapist.get_by_role("link", name="Log a session for this client").click()
    start = datetime.now(ZoneInfo("UTC")).replace(second=0, microsecond=0) - timedelta(hours=2)
    therapist.get_by_label(re.compile(r"^When the massage started:?$")).fill(start.strftime("%Y-%m-%dT%H:%M"))
    choose(therapist, "pressure", 2)
    therapist.get_by_label(re.compile(r"^Minutes:?$")).fill("40")
    shoot(therapist, "share-03-therapist-logs-session")
    therapist.get_by_role("button", name="Save session").click()
    expect(therapist.get_by_text("Session saved.")).to_be_visible()

    # The client sees the therapist's session among their own.
    client.get_by_role("link", name="Sessions").click()
    assert client.get_by_role("cell", name="tomas").count() >= 1 or "tomas" in client.content()
    shoot(client, "share-04-client-sees-session")

    # The client removes access; from that moment the therapist gets nothing.
    open_menu(client, "Sharing")
    client.get_by_role("button", name=re.compile("^Remove access")).click()
    expect(client.get_by_text("Nobody but you.")).to_be_visible()
    response = therapist.goto(dashboard_url)
    assert response.status in (403, 404)
    assert "40" not in therapist.locator("main").inner_text()  # none of the client's records leak
    therapist.goto(f"{base}/therapist/")
    assert therapist.get_by_role("link", name="ana").count() == 0
    shoot(therapist, "share-05-after-revoke")


def test_check_in_on_a_375_px_phone(live_server: Any, phone: Any, shoot: Any) -> None:
    base = live_server.url
    sign_up(phone, base, "lea", "A person living with pain")
    phone.goto(f"{base}/")
    phone.get_by_role("link", name="Check in now").click()
    expect(phone.get_by_role("heading", name="How are you today?")).to_be_visible()

    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"the check-in scrolls sideways on a 375 px phone ({width} px wide)"

    targets = phone.locator("#f-pain label > span").all() + phone.locator("main button, main summary").all()
    small = []
    for target in targets:
        if not target.is_visible():
            continue
        box = target.bounding_box()
        if box["width"] < MIN_TARGET_PX or box["height"] < MIN_TARGET_PX:
            small.append((target.inner_text(), round(box["width"]), round(box["height"])))
    assert len(targets) >= 14  # eleven pain buttons 0-10, Save, and the two "more" summaries
    shoot(phone, "phone-01-checkin")
    assert not small, f"tap targets under {MIN_TARGET_PX} px: {small}"
    shoot(phone, "phone-01-checkin")

    choose(phone, "pain", 4)
    phone.get_by_role("button", name="Save").first.click()
    expect(phone.get_by_text("Saved. Thank you.")).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    shoot(phone, "phone-02-home")


def test_check_in_with_the_keyboard_alone(live_server: Any, page: Any, shoot: Any) -> None:
    base = live_server.url
    sign_up(page, base, "noor", "A person living with pain")
    page.goto(f"{base}/")
    page.get_by_role("link", name="Check in now").click()
    for _ in range(40):  # Tab from the top of the page to the pain scale
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.name") == "pain":
            break
    else:
        raise AssertionError("the pain scale cannot be reached with the Tab key")
    for _ in range(3):
        page.keyboard.press("ArrowRight")  # arrow keys move along a radio group and choose
    chosen = page.evaluate("document.activeElement.value")
    assert page.locator(f"#f-pain input[value='{chosen}']").is_checked()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Save"
    shoot(page, "keyboard-01-checkin-focus")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.get_by_text("Saved. Thank you.")).to_be_visible()
    page.get_by_role("link", name="Diary").click()
    assert page.locator("main").get_by_text(chosen, exact=True).count() >= 1
