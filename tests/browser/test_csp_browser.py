"""Security finding 13 in a real browser: with the Content-Security-Policy on, Chromium refuses
nothing on the pages people use (the demo client's and therapist's pages, the login, the Learn
pages, the report), so the policy breaks no script, style, chart or body map."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect


def log_in(page: Any, base: str, username: str, password: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label(re.compile(r"^Username:?$")).fill(username)
    page.get_by_label(re.compile(r"^Password:?$")).fill(password)
    page.get_by_role("button", name="Log in").click()
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))


def watch(page: Any) -> list[str]:
    """Every policy violation the page reports, from the console and the DOM event both."""
    refused: list[str] = []
    page.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None)
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', e => "
        "console.error('Content Security Policy: ' + e.violatedDirective + ' ' + e.blockedURI))"
    )
    return refused


def test_finding_13_the_policy_refuses_nothing_the_pages_use(live_server: Any, new_page: Any) -> None:
    from touchdose.web.demo import demo_load
    from touchdose.web.models import Client

    logins = demo_load()
    base = live_server.url
    client_id = Client.objects.get(user__username=logins.client_username).pk
    page = new_page()
    refused = watch(page)
    page.goto(f"{base}/accounts/login/")
    page.goto(f"{base}/learn/")
    page.goto(f"{base}/learn/evidence/")
    log_in(page, base, logins.client_username, logins.password)
    page.goto(f"{base}/clients/{client_id}/")
    expect(page.locator("figure svg").first).to_be_visible()  # the charts are drawn
    for path in ("checkin/", "intake/", "sessions/", "data/", "report/html/", "sharing/"):
        page.goto(f"{base}/clients/{client_id}/{path}")
        page.wait_for_load_state("load")
    page.goto(f"{base}/accounts/tokens/")
    therapist = new_page()
    refused += watch(therapist)
    log_in(therapist, base, logins.therapist_username, logins.password)
    therapist.goto(f"{base}/clients/{client_id}/")
    therapist.wait_for_load_state("load")
    assert refused == []
