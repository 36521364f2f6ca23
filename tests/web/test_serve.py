"""``touchdose serve`` and ``touchdose createuser`` as a user runs them: a real process on a free
port, a fresh data directory, nothing installed beyond the package."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

TOUCHDOSE = [sys.executable, "-c", "from touchdose.cli import main; main()"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def environment(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TOUCHDOSE_", "DJANGO_"))}
    env.pop("DATABASE_URL", None)  # the embedded default: SQLite in the data directory
    env["TOUCHDOSE_DATA_DIR"] = str(data_dir)
    return env


def wait_for(url: str, process: subprocess.Popen[str], seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"serve exited early: {process.stdout.read() if process.stdout else ''}")
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except OSError:
            time.sleep(0.3)
    raise AssertionError("serve did not answer")


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("serve")


@pytest.fixture(scope="module")
def demo_server(demo_dir: Path) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    """One server for the module (loading the demo history takes a few seconds)."""
    tmp_path = demo_dir
    port = free_port()
    process = subprocess.Popen(
        [*TOUCHDOSE, "serve", "--port", str(port), "--demo"],
        env=environment(tmp_path),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(base + "/accounts/login/", process)
        yield base, process
    finally:
        if process.poll() is None:
            process.terminate()
            process.wait(timeout=20)


@pytest.mark.slow
def test_serve_demo_runs_the_app_with_its_own_assets(demo_server: tuple[str, subprocess.Popen[str]]) -> None:
    base, _ = demo_server
    page = urllib.request.urlopen(base + "/accounts/login/").read().decode()
    assert "Log in" in page
    css = re.search(r'href="(/static/[^"]+\.css)"', page).group(1)
    assert urllib.request.urlopen(base + css).status == 200
    assert "//" not in re.sub(
        r"https?://www\.w3\.org/\S+", "", page.split("<body>")[0].replace("http://", "")
    )


@pytest.mark.slow
def test_serve_demo_prints_working_logins(
    demo_server: tuple[str, subprocess.Popen[str]], demo_dir: Path
) -> None:
    _, process = demo_server
    process.terminate()
    output = process.communicate(timeout=20)[0]
    found = re.search(r"client:\s+(\S+)\s+password: (\S+)", output)
    assert found is not None, output
    assert re.search(r"therapist:\s+demo-therapist\s+password: " + re.escape(found.group(2)), output)
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='touchdose.web.settings'; django.setup(); "
        "from django.contrib.auth import authenticate; from touchdose.web.models import Client; "
        f"u = authenticate(username='{found.group(1)}', password='{found.group(2)}'); "
        "c = u.client; print(c.sessions.count(), c.checkins.count(), c.shares.count())"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], env=environment(demo_dir), capture_output=True, text=True
    )
    sessions, checkins, shares = map(int, out.stdout.split())
    assert sessions >= 10 and checkins >= 60 and shares == 1  # months of history, shared with the therapist


@pytest.mark.slow
def test_createuser_makes_an_account_that_can_log_in(tmp_path: Path) -> None:
    env = environment(tmp_path)
    done = subprocess.run(
        [*TOUCHDOSE, "createuser", "tess", "--role", "therapist", "--password", "calm-waters-2026"],
        env=env, capture_output=True, text=True,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    again = subprocess.run(
        [*TOUCHDOSE, "createuser", "tess", "--password", "calm-waters-2026"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert again.returncode == 2 and "is taken" in again.stderr
    weak = subprocess.run(
        [*TOUCHDOSE, "createuser", "bo", "--password", "123"], env=env, capture_output=True, text=True
    )
    assert weak.returncode == 2 and "password is not allowed" in weak.stderr
