"""Screenshots of the demo for docs/screenshots/, and the page measurements that go with them.

Run from the repository root (Debian's ``chromium`` must be installed; nothing is downloaded)::

    .venv/bin/python scripts/screenshots.py                 # PNGs into docs/screenshots/
    .venv/bin/python scripts/screenshots.py --out /tmp/x    # somewhere else (e.g. a "before" set)

A throw-away data directory (SQLite) gets the demo (``touchdose serve --demo``'s client and
therapist) plus one session the therapist logged 20 hours ago, so the home page has a follow-up
and a rating to give. The app is served by waitress on a free port and Chromium (Playwright) takes
the results page, the check-in and the follow-up on a 375 px phone and a 1280 px desktop.
It prints, for every page a client or therapist reaches, how wide and tall it is at 375 px, and
where the results page's verdict and plan start on the phone.

Each picture is the first screen a person sees (the window, not the whole page), reduced to a
128-colour palette with Pillow (which matplotlib brings), so the set stays a few hundred KB.
"""

from __future__ import annotations

import argparse
import io
import os
import re
import socket
import sys
import tempfile
import threading
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 900}
ZONE = "Europe/Stockholm"  # the demo client's
CLIENT_PAGES = (("sessions", "sessions/"), ("diary", "checkins/"), ("sharing", "sharing/"),
                ("intake", "intake/"), ("audit", "audit/"), ("your data", "data/"))  # fmt: skip


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _serve() -> tuple[str, Any]:
    """The app under waitress on a free loopback port, in a daemon thread."""
    from waitress.server import create_server

    from touchdose.web.wsgi import application

    port = _free_port()
    server = create_server(application, host="127.0.0.1", port=port, threads=4)
    threading.Thread(target=server.run, daemon=True).start()
    return f"http://127.0.0.1:{port}", server


def _setup() -> Any:
    """A fresh database with the demo and a session 20 hours old; the demo's logins."""
    os.environ["TOUCHDOSE_DATA_DIR"] = tempfile.mkdtemp(prefix="touchdose-shots-")
    os.environ.pop("DATABASE_URL", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "touchdose.web.settings"
    from touchdose.cli.serve import setup_django

    setup_django()
    from django.utils import timezone

    from touchdose.web import services
    from touchdose.web.demo import demo_load
    from touchdose.web.models import Client, Therapist

    logins = demo_load()
    client = Client.objects.get(user__username=logins.client_username)
    therapist = Therapist.objects.get(user__username=logins.therapist_username)
    services.session_record(
        actor=therapist.user, client=client, therapist=therapist, pressure=2, minutes=45,
        start=timezone.now() - timedelta(hours=20), technique=["swedish"], regions=["upper_back"],
    )  # fmt: skip
    # the check-ins of the last day would answer the new session's follow-up: the demo's diary ends now
    client.checkins.filter(time__gte=timezone.now() - timedelta(hours=3)).delete()
    return logins, client.pk


def _log_in(page: Any, base: str, username: str, password: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label(re.compile(r"^Username:?$")).fill(username)
    page.get_by_label(re.compile(r"^Password:?$")).fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()


def _save(page: Any, path: Path) -> None:
    """The window's first screen as a small PNG (a 128-colour palette; as taken without Pillow)."""
    shot = page.screenshot(full_page=False)
    try:
        from PIL import Image
    except ImportError:  # pragma: no cover - matplotlib depends on Pillow
        path.write_bytes(shot)
        return
    image = Image.open(io.BytesIO(shot)).convert("RGB")
    image.quantize(colors=128, method=Image.Quantize.MEDIANCUT).save(path, optimize=True)


def _measure(page: Any) -> tuple[int, int]:
    return page.evaluate("[document.documentElement.scrollWidth, document.documentElement.scrollHeight]")


def _top_of(page: Any, selector: str) -> int | None:
    found = page.locator(selector)
    if not found.count():
        return None
    box = found.first.bounding_box()
    return round(box["y"]) if box else None


def _shots(browser: Any, base: str, logins: Any, client_id: int, out: Path) -> None:
    rows: list[tuple[str, str, int, int]] = []
    for label, viewport in (("phone", PHONE), ("desktop", DESKTOP)):
        extra = {"is_mobile": True, "has_touch": True} if label == "phone" else {}
        context = browser.new_context(viewport=viewport, locale="en-GB", timezone_id=ZONE, **extra)
        page = context.new_page()
        _log_in(page, base, logins.client_username, logins.password)
        _save(page, out / f"home-{label}.png")
        rows.append(("client home", label, *_measure(page)))
        followup = page.locator("a[href*='/followup/'], a[href*='?at=']")
        if followup.count():
            followup.first.click()
            page.wait_for_load_state()
            _save(page, out / f"followup-{label}.png")
            rows.append(("follow-up", label, *_measure(page)))
        page.goto(f"{base}/clients/{client_id}/checkin/")
        _save(page, out / f"checkin-{label}.png")
        rows.append(("check-in", label, *_measure(page)))
        page.goto(f"{base}/clients/{client_id}/")
        page.wait_for_load_state()
        _save(page, out / f"results-{label}.png")
        rows.append(("results", label, *_measure(page)))
        if label == "phone":
            tops = {name: _top_of(page, sel) for name, sel in (("verdict", "#verdict"), ("plan", "#rec"))}
            print(f"results on the phone: verdict at {tops['verdict']} px, plan at {tops['plan']} px")
            for name, path in CLIENT_PAGES:
                page.goto(f"{base}/clients/{client_id}/{path}")
                rows.append((name, label, *_measure(page)))
            for name, path in (("account", "/accounts/password/change/"), ("tokens", "/accounts/tokens/"),
                               ("learn", "/learn/"), ("learn evidence", "/learn/evidence/"),
                               ("not found", "/no-such-page/")):  # fmt: skip
                page.goto(base + path)
                rows.append((name, label, *_measure(page)))
        context.close()
    context = browser.new_context(viewport=PHONE, locale="en-GB", timezone_id=ZONE)
    page = context.new_page()
    _log_in(page, base, logins.therapist_username, logins.password)
    for name, path in (("therapist list", "/therapist/"), ("therapist: results", f"/clients/{client_id}/"),
                       ("therapist: log session", f"/clients/{client_id}/sessions/new/")):  # fmt: skip
        page.goto(base + path)
        rows.append((name, "phone", *_measure(page)))
    page.goto(f"{base}/clients/{client_id}/")
    _save(page, out / "therapist-results-phone.png")
    context.close()
    print(f"{'page':<24} {'viewport':<8} {'width':>6} {'height':>7}")
    for name, label, width, height in rows:
        flag = "  <- scrolls sideways" if label == "phone" and width > PHONE["width"] else ""
        print(f"{name:<24} {label:<8} {width:>6} {height:>7}{flag}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    args = parser.parse_args()
    if not Path(CHROMIUM).exists():
        print(f"needs Debian's chromium at {CHROMIUM}", file=sys.stderr)
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    logins, client_id = _setup()
    base, server = _serve()
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's loop shares this thread
    from playwright.sync_api import sync_playwright

    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
            _shots(browser, base, logins, client_id, args.out)
            browser.close()
    finally:
        server.close()
    print(f"screenshots in {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
