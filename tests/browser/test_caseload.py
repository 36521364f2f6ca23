"""The therapist's caseload with 40 shared clients in a real browser, on a desktop and a 375 px phone:
who needs attention first, one card per client, nothing wider than the phone."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect
from tests.web.caseload_world import FLARE, NEWCOMER, SAFETY, make_caseload
from tests.web.conftest import make_client

from touchdose.analysis.caseload import TIER_HEADINGS
from touchdose.web import services
from touchdose.web.models import Therapist

PASSWORD = "quiet-harbour-lamp-77"
MIN_TARGET_PX = 44  # WCAG 2.5.5 target size, as the other phone tests


def log_in(page: Any, base: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label(re.compile(r"^Username:?$")).fill("tove")
    page.get_by_label(re.compile(r"^Password:?$")).fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def test_caseload_of_forty_on_desktop_and_phone(live_server: Any, new_page: Any, shoot: Any) -> None:
    user = services.account_signup(username="tove", email="", password=PASSWORD, role="therapist")
    make_caseload(Therapist.objects.get(user=user), make_client)
    base = live_server.url

    desktop = new_page()
    log_in(desktop, base)
    desktop.goto(f"{base}/therapist/")
    expect(desktop.get_by_role("heading", name="My clients", level=1)).to_be_visible()
    groups = desktop.locator("section.caseload-group h2").all_inner_texts()
    assert groups[0].startswith(TIER_HEADINGS["safety"]) and len(groups) >= 4
    first = desktop.locator("section.caseload-group").first
    assert SAFETY in first.inner_text()
    cards = desktop.locator("li.caseload-client")
    assert cards.count() == 40
    names = [c.split("\n", 1)[0] for c in cards.all_inner_texts()]
    assert names.index(next(n for n in names if n.startswith(FLARE))) < names.index(
        next(n for n in names if n.startswith(NEWCOMER)))  # fmt: skip
    assert desktop.locator(".caseload-summary").inner_text() == "40 clients, by verdict:"
    counts = desktop.locator(".caseload-counts li").all_inner_texts()
    assert sum(int(c.rsplit(":", 1)[1]) for c in counts) == 40
    shoot(desktop, "caseload-01-desktop")

    phone = new_page({"width": 375, "height": 740})
    log_in(phone, base)
    phone.goto(f"{base}/therapist/")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"the caseload scrolls sideways on a 375 px phone ({width} px wide)"
    small = []
    for link in phone.locator("li.caseload-client .who a").all():
        box = link.bounding_box()
        if box["height"] < MIN_TARGET_PX:
            small.append((link.inner_text(), round(box["height"])))
    assert not small, f"client links under {MIN_TARGET_PX} px high: {small}"
    shoot(phone, "caseload-02-phone")
    phone.get_by_role("link", name=FLARE).click()
    assert "results" in phone.get_by_role("heading", level=1).inner_text()
