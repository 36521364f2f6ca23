"""A new client in a real browser: sign up, intake, check in, log a massage, answer its follow-up,
and read the dashboard with a verdict. Driven only through what a person sees: labels and buttons."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from playwright.sync_api import expect

PASSWORD = "calm-river-stone-42"
ZONE = "Europe/Stockholm"


def choose(page: Any, field: str, value: str | int) -> None:
    """Tap one of the big buttons of a scale or choice field (the radio itself is visually hidden)."""
    page.locator(f"#f-{field} label").filter(has=page.locator(f"input[value='{value}']")).click()


def sign_up(page: Any, base: str, username: str, role: str) -> None:
    page.goto(f"{base}/accounts/signup/")
    page.get_by_label(role).check()
    page.get_by_label(re.compile(r"^Username:?$")).fill(username)
    page.get_by_label(re.compile(r"^Password:?$")).fill(PASSWORD)
    page.get_by_label(re.compile(r"^Password confirmation:?$")).fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()


def complete_intake(page: Any) -> None:
    expect(page.get_by_role("heading", name="About you")).to_be_visible()
    page.locator("#f-conditions").get_by_label("Fibromyalgia").check()
    page.get_by_label(re.compile(r"^Your time zone:?$")).select_option(ZONE)
    page.locator("#f-wpi_regions").get_by_label("Upper back").check()
    choose(page, "preferred_pressure", 2)
    choose(page, "max_pressure", 3)
    page.get_by_role("button", name="Save").click()


def local_now() -> datetime:
    return datetime.now(ZoneInfo(ZONE)).replace(second=0, microsecond=0)


def check_in(page: Any, pain: int, at: datetime | None = None) -> None:
    page.get_by_role("link", name="Check in now").click()
    expect(page.get_by_role("heading", name="How are you today?")).to_be_visible()
    choose(page, "pain", pain)
    if at is not None:  # a late entry: open "Time: now" and move it back
        page.get_by_text(re.compile(r"^Time: now")).click()
        page.get_by_label(re.compile(r"^When:?$")).fill(at.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_role("button", name="Save").first.click()


def log_massage(page: Any, start: datetime) -> None:
    page.get_by_role("link", name="Log a massage").click()
    page.get_by_label(re.compile(r"^When the massage started:?$")).fill(start.strftime("%Y-%m-%dT%H:%M"))
    choose(page, "pressure", 2)
    page.get_by_label(re.compile(r"^Minutes:?$")).fill("45")
    page.locator("#f-regions").get_by_label("Upper back").check()
    choose(page, "pain_before", 6)
    choose(page, "pain_after", 4)
    page.get_by_role("button", name="Save session").click()


def test_new_client_signs_up_checks_in_logs_a_massage_and_sees_a_verdict(
    live_server: Any, page: Any, shoot: Any
) -> None:
    base = live_server.url
    sign_up(page, base, "maria", "A person living with pain")
    shoot(page, "client-01-intake")
    complete_intake(page)

    # Home: the daily check-in is one tap away. This one is a late entry for yesterday morning.
    expect(page.get_by_role("heading", name="Hello")).to_be_visible()
    check_in(page, 6, at=local_now() - timedelta(hours=40))
    expect(page.get_by_text("Saved. Thank you.")).to_be_visible()
    shoot(page, "client-02-home-after-checkin")

    # A massage 30 hours ago, logged late: its 24 h follow-up (18-36 h after) is due now.
    started = local_now() - timedelta(hours=30)
    page.goto(f"{base}/")
    log_massage(page, started)
    expect(page.get_by_text("Session saved.")).to_be_visible()
    shoot(page, "client-03-sessions")

    page.goto(f"{base}/")
    card = page.locator("section.task").filter(has_text="24 h after")
    expect(card).to_have_count(1)
    shoot(page, "client-04-followup-due")
    card.get_by_role("link", name="Answer now").click()
    heading = re.compile(r"^24 h after .+'s massage at \d\d:\d\d$")
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    choose(page, "pain", 5)
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Saved. Thank you.")).to_be_visible()
    assert page.locator("section.task").filter(has_text="24 h after").count() == 0  # answered: gone

    page.get_by_role("link", name="See my results").click()
    verdict = page.locator("#verdict")
    expect(verdict).to_be_visible()
    assert verdict.inner_text().strip()  # a verdict in words, never empty
    expect(page.get_by_role("heading", name="Pain over time")).to_be_visible()
    assert page.locator("figure svg").count() >= 1
    captions = " ".join(page.locator("figcaption").all_inner_texts())
    assert "1 massage session, all at pressure 2 (light)" in captions  # the chart restates the data
    shoot(page, "client-05-dashboard")
