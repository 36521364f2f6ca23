"""Issue 17 in a real browser: a client ticks a red flag at check-in on a 375 px phone and sees the
safety message above everything (home and results); their therapist sees the flag in the client list."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect

from touchdose.analysis.caseload import TIER_HEADINGS
from touchdose.analysis.safety import SAFETY_HEADLINES
from touchdose.analysis.safety_rules import RED_FLAG_RULES, SAFETY_LEVEL_WORDS
from touchdose.records import RED_FLAG_LABELS
from touchdose.web import services
from touchdose.web.models import Client, Therapist

PASSWORD = "amber-field-lantern-58"
FLAG = "numbness_weakness"
PHONE_WIDTH = 375


def log_in(page: Any, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label(re.compile(r"^Username:?$")).fill(username)
    page.get_by_label(re.compile(r"^Password:?$")).fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def serious_axe_findings(page: Any) -> list[str]:
    """axe-core's serious and critical findings on the page as it is now (the bar of issue 10)."""
    from axe_playwright_python.sync_playwright import Axe

    found = Axe().run(page).response["violations"]
    return [
        f"{v['impact']} {v['id']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in found
        if v["impact"] in ("serious", "critical")
    ]


def top(page: Any, selector: str) -> float:
    box = page.locator(selector).first.bounding_box()
    assert box is not None, f"{selector} is not shown"
    return float(box["y"])


def test_a_red_flag_ticked_on_a_phone_comes_first_and_reaches_the_therapist(
    live_server: Any, phone: Any, new_page: Any, shoot: Any
) -> None:
    base = live_server.url
    client_user = services.account_signup(username="mira", email="", password=PASSWORD, role="client",
                                          timezone_name="Europe/Stockholm")  # fmt: skip
    therapist_user = services.account_signup(username="tove", email="", password=PASSWORD, role="therapist")
    client = Client.objects.get(user=client_user)
    therapist = Therapist.objects.get(user=therapist_user)
    code = services.share_code_create(actor=client_user, client=client)
    services.share_code_redeem(actor=therapist_user, therapist=therapist, code=code)

    # The client checks in on a phone: pain, then the optional question, one tick, save.
    log_in(phone, base, "mira")
    expect(phone.locator(".card.safety")).to_have_count(0)  # nothing to say yet
    phone.get_by_role("link", name="Check in now").click()
    phone.locator("#f-pain label").filter(has=phone.locator("input[value='4']")).click()
    question = phone.locator("details.new-or-unusual")
    question.locator("summary").click()
    question.get_by_label(RED_FLAG_LABELS[FLAG]).check()
    shoot(phone, "safety-01-check-in-red-flag-phone")
    assert serious_axe_findings(phone) == []
    question.get_by_role("button", name="Save").click()

    # Home: the safety message is the first thing, above the greeting and every task.
    alert = phone.get_by_role("alert").filter(has_text=SAFETY_HEADLINES["see_doctor"])
    expect(alert).to_be_visible()
    expect(alert).to_contain_text(RED_FLAG_RULES[FLAG].action)  # whom to contact, how urgently
    expect(alert).to_contain_text("No massage until this is sorted out.")
    safety_top = top(phone, ".card.safety")
    assert safety_top < top(phone, "main h1") < top(phone, "main a.button")
    assert safety_top < phone.viewport_size["height"] / 2  # on the first screen, without scrolling
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE_WIDTH, f"the home page scrolls sideways on a phone ({width} px wide)"
    shoot(phone, "safety-02-home-phone")
    assert serious_axe_findings(phone) == []

    # Results: above the verdict's headline, and the plan says no massage.
    phone.get_by_role("link", name="See my results").click()
    expect(phone.get_by_role("heading", name=SAFETY_HEADLINES["see_doctor"])).to_be_visible()
    assert top(phone, ".card.safety") < top(phone, "#verdict")
    expect(phone.locator("#rec")).to_contain_text("No massage for now.")
    shoot(phone, "safety-03-results-phone")

    # The therapist's client list: the client is in the "safety first" group with the flag's words.
    desk = new_page()
    log_in(desk, base, "tove")
    desk.goto(f"{base}/therapist/")
    group = desk.locator("section.caseload-group").first
    expect(group.get_by_role("heading", level=2)).to_contain_text(TIER_HEADINGS["safety"])
    card = group.locator("li.caseload-client").filter(has_text="mira")
    expect(card.locator(".safety-flag")).to_have_text(
        f"{SAFETY_LEVEL_WORDS['see_doctor']}: {RED_FLAG_LABELS[FLAG]}"
    )
    shoot(desk, "safety-04-therapist-list")
