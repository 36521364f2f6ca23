"""The installable app in Chromium: the manifest and service worker register; with the network
off (Playwright's offline mode) a check-in is accepted and shown as waiting; back online it is
saved once, with the moment it was made."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from django.contrib.auth.models import User
from django.test import Client as HttpClient
from playwright.sync_api import expect

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


def test_the_service_worker_is_served_from_the_root_with_its_headers(live_server: Any) -> None:
    import urllib.request

    with urllib.request.urlopen(f"{live_server.url}/sw.js") as response:
        assert response.headers["Content-Type"].startswith("text/javascript")
        assert response.headers["Service-Worker-Allowed"] == "/"
        assert response.headers["Cache-Control"] == "no-cache"
        assert b'addEventListener("fetch"' in response.read()
