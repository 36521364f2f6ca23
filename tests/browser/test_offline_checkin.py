"""The installable app in Chromium: the manifest and service worker register; with the network
off (Playwright's offline mode) a check-in, and a session's follow-up, is accepted and shown as
waiting; back online it is saved once, with the moment it was made."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from django.contrib.auth.models import User
from django.test import Client as HttpClient
from django.utils import timezone
from playwright.sync_api import expect

from touchdose.web import selectors, services
from touchdose.web.models import CheckIn, Client


def signed_in_client(page: Any, base: str) -> Client:
    user = User.objects.create(username="olga", email="olga@example.org")
    client = Client.objects.create(user=user, timezone="Europe/Stockholm", intake_done=True)
    http = HttpClient()
    http.force_login(user)
    cookie = http.cookies["sessionid"]
    page.context.add_cookies([{"name": "sessionid", "value": cookie.value, "url": base}])
    return client


def test_offline_check_in_is_queued_and_sent_once_with_its_time(
    live_server: Any, phone: Any, shoot: Any
) -> None:
    base = live_server.url
    client = signed_in_client(phone, base)
    phone.goto(f"{base}/clients/{client.pk}/checkin/")
    manifest = phone.evaluate("fetch(document.querySelector('link[rel=manifest]').href).then(r => r.json())")
    assert manifest["display"] == "standalone" and manifest["start_url"] == "/"
    assert {icon["sizes"] for icon in manifest["icons"]} == {"192x192", "512x512"}
    scope = phone.evaluate("navigator.serviceWorker.ready.then(r => r.scope)")
    assert scope == f"{base}/"
    phone.reload()  # now the service worker controls the page and keeps a copy of it
    phone.wait_for_function("navigator.serviceWorker.controller !== null")

    phone.context.set_offline(True)
    phone.reload()  # the form opens without a network
    expect(phone.get_by_role("heading", name="How are you today?")).to_be_visible()
    phone.locator("#f-pain label").filter(has=phone.locator("input[value='3']")).click()
    before = datetime.now(UTC)
    phone.get_by_role("button", name="Save").first.click()
    after = datetime.now(UTC)
    status = phone.locator("#offline-status")
    expect(status).to_contain_text("1 entry is saved on this phone, waiting to be sent")
    expect(status).to_contain_text("when you are online")
    shoot(phone, "offline-checkin-waiting")
    assert CheckIn.objects.count() == 0

    phone.context.set_offline(False)  # the browser says "online": the queue is sent
    expect(status).to_be_hidden()
    saved = CheckIn.objects.get()
    assert saved.pain == 3
    assert before - timedelta(seconds=1) <= saved.time <= after + timedelta(seconds=1)  # when it was made
    assert saved.time.second != 0 or saved.time.microsecond != 0  # the moment, not the minute shown
    phone.reload()
    phone.wait_for_timeout(500)
    assert CheckIn.objects.count() == 1  # sent once


def test_offline_follow_up_is_queued_and_sent_once_with_its_time(
    live_server: Any, phone: Any, shoot: Any
) -> None:
    base = live_server.url
    client = signed_in_client(phone, base)
    session = services.session_record(
        actor=None, client=client, start=timezone.now() - timedelta(hours=25), pressure=2, minutes=45,
        technique=["swedish"],
    )  # fmt: skip
    url = f"{base}/sessions/{session.pk}/followup/24/"
    phone.goto(url)
    phone.evaluate("navigator.serviceWorker.ready.then(r => r.scope)")
    phone.reload()  # now the service worker controls the page and keeps a copy of it
    phone.wait_for_function("navigator.serviceWorker.controller !== null")
    phone.reload()
    phone.wait_for_function("caches.open('touchdose-pages-v1').then(c => c.match(location.pathname))")

    phone.context.set_offline(True)
    phone.reload()  # the follow-up opens without a network
    expect(phone.get_by_role("heading", name="24 h after")).to_be_visible()
    phone.locator("#f-pain label").filter(has=phone.locator("input[value='6']")).click()
    phone.get_by_text("Anything new or unusual?").click()
    phone.get_by_label("New numbness or weakness in an arm or a leg").check()
    before = datetime.now(UTC)
    phone.get_by_role("button", name="Save").first.click()
    after = datetime.now(UTC)
    status = phone.locator("#offline-status")
    expect(status).to_contain_text("1 entry is saved on this phone, waiting to be sent")
    expect(status).to_contain_text("The 24 h follow-up made")
    expect(status).to_contain_text("you ticked something new: once it is sent, this app shows what to do")
    expect(phone.get_by_text("Your answer is saved on this phone.")).to_be_visible()
    expect(phone.locator("form[data-offline-once]")).to_be_hidden()  # not answered twice
    phone.reload()  # still offline: the kept page knows its answer is waiting
    expect(phone.locator("form[data-offline-once]")).to_be_hidden()
    expect(status).to_contain_text("1 entry is saved on this phone")
    shoot(phone, "offline-followup-waiting")
    assert CheckIn.objects.count() == 0

    phone.context.set_offline(False)  # back online: the queue is sent
    expect(status).to_be_hidden()
    expect(phone.get_by_text("Your answer has been sent. Thank you.")).to_be_visible()
    alert = phone.locator("#offline-flag")
    expect(alert).to_have_attribute("role", "alert")
    results = f"/clients/{client.pk}/"
    expect(alert.get_by_role("link", name="see what to do")).to_have_attribute("href", results)
    saved = CheckIn.objects.get()
    assert (saved.pain, saved.red_flags, saved.client_id) == (6, ["numbness_weakness"], client.pk)
    assert before - timedelta(seconds=1) <= saved.time <= after + timedelta(seconds=1)  # when it was made
    assert selectors.followup_of(session=session, hours=24).state == "answered"
    phone.goto(base + results)
    expect(phone.locator("section.safety")).to_be_visible()  # the safety message it points to
    phone.goto(url)
    expect(phone.get_by_text("You have answered this follow-up")).to_be_visible()
    assert CheckIn.objects.count() == 1  # sent once


def test_the_service_worker_is_served_from_the_root_with_its_headers(live_server: Any) -> None:
    import urllib.request

    with urllib.request.urlopen(f"{live_server.url}/sw.js") as response:
        assert response.headers["Content-Type"].startswith("text/javascript")
        assert response.headers["Service-Worker-Allowed"] == "/"
        assert response.headers["Cache-Control"] == "no-cache"
        assert b'addEventListener("fetch"' in response.read()
