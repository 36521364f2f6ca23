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
from contextlib import contextmanager
from pathlib import Path

import pytest

from touchdose.cli.worker import WORKER_NICENESS

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


@contextmanager
def serving(data_dir: Path, *options: str) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    """``touchdose serve`` on a free port of 127.0.0.1 with ``data_dir``: its address once it
    answers, and the process (stopped on leaving)."""
    port = free_port()
    process = subprocess.Popen(
        [*TOUCHDOSE, "serve", "--port", str(port), *options],
        env=environment(data_dir),
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


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("serve")


@pytest.fixture(scope="module")
def demo_server(demo_dir: Path) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    """One server for the module (loading the demo history takes a few seconds)."""
    with serving(demo_dir, "--demo") as running:
        yield running


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


def children_of(pid: int) -> dict[int, str]:
    """The command lines of a process's children by pid (Linux /proc)."""
    found = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) == pid:
                command = (stat.parent / "cmdline").read_bytes()
                found[int(stat.parent.name)] = command.replace(b"\0", b" ").decode()
        except (OSError, IndexError, ValueError):
            continue
    return found


def niceness(pid: int) -> int:
    """The nice value of process ``pid`` (field 19 of /proc/PID/stat)."""
    return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[16])


def running(pid: int) -> bool:
    try:
        return (Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]) != "Z"
    except OSError:
        return False


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads the process tree from /proc")
def test_serve_runs_several_web_processes_and_exactly_one_job_worker(tmp_path: Path) -> None:
    port = free_port()
    process = subprocess.Popen(
        [*TOUCHDOSE, "serve", "--port", str(port), "--workers", "3", "--server", "gunicorn"],
        env=environment(tmp_path), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    try:
        wait_for(f"http://127.0.0.1:{port}/accounts/login/", process)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and len(children_of(process.pid)) < 4:
            time.sleep(0.3)
        children = children_of(process.pid)
        jobs = [c for c in children.values() if c.rstrip().endswith(" worker")]
        assert len(jobs) == 1, children  # one job worker for the whole server
        assert len(children) - len(jobs) == 3, children  # the web processes
        (worker_pid,) = (pid for pid, c in children.items() if c.rstrip().endswith(" worker"))
        while time.monotonic() < deadline and niceness(worker_pid) != WORKER_NICENESS:
            time.sleep(0.3)  # it lowers its priority once Django is set up
        assert niceness(worker_pid) == WORKER_NICENESS  # the pages go first
        assert {niceness(pid) for pid in children if pid != worker_pid} == {niceness(process.pid)}
    finally:
        process.terminate()
        output = process.communicate(timeout=60)[0]
    assert process.returncode == 0, output
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and any(running(pid) for pid in children):
        time.sleep(0.3)
    assert not [pid for pid in children if running(pid)]  # SIGTERM stopped every one of them


@pytest.mark.slow
def test_waitress_cannot_run_several_processes_and_says_so(tmp_path: Path) -> None:
    done = subprocess.run(
        [*TOUCHDOSE, "serve", "--server", "waitress", "--workers", "2"],
        env=environment(tmp_path), capture_output=True, text=True,
    )  # fmt: skip
    assert done.returncode == 2
    assert "--workers needs gunicorn" in done.stdout
