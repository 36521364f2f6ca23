"""A clinic's load on ``touchdose serve`` (issue 14, docs/performance.md "The load test").

Run from the repository root (needs the ``bench`` extra: ``pip install -e '.[bench]'``)::

    .venv/bin/python benchmarks/load.py                          # the full run (about 20 minutes)
    .venv/bin/python benchmarks/load.py --duration 20 --saturation 10 --clients 20 --databases sqlite

It simulates ``--clients`` clients with a year each once (``benchmarks/load_world.py``), then
for each database (SQLite in a fresh data directory; PostgreSQL at ``--postgres``, emptied
first) and each server configuration, in the same run:

- **old**: the code before issue 14 (main at ``OLD_COMMIT``, taken from this clone's git history
  into a temporary directory and run with this environment's packages), ``touchdose serve``:
  waitress, one process, 8 threads, on its own database with the same clients;
- **single** (not run unless asked): this code in the old configuration,
  ``touchdose serve --server waitress --workers 1``: what the code alone changed;
- **new**: this code, ``touchdose serve`` (gunicorn, one process per core, 8 threads each);

it loads the demo and the clients into the database with that configuration's code, starts the
server itself (127.0.0.1 only, a free port) on a data directory of its own (so an empty results
cache), goes once
through every user's pages unmeasured (a clinic's server runs warm), then runs ``--users``
simulated people for ``--duration`` seconds with 1-3 s between requests, then again with none
(``--saturation`` seconds: the most it can serve), and stops the server. A person's loop: log in
(the form, then the POST), home, results, session list, the API's analysis, and in 30 % of loops
a check-in (the form, then the POST). One person in five is a therapist: their home is the
caseload of 20 clients, and they look at one of those clients; they post no check-ins.

Prints, per run: requests, errors, p50/p95/p99/max per page, all pages but the login POST
together, the login POST apart, requests per second, and the load average of the machine before
and after (the machine may be shared: figures taken under load are pessimistic). Goals: no
errors; p99 <= 100 ms over all pages but the login POST, which has p99 <= 1 s; at saturation
the new configuration serves at least 5 times the old one's requests per second.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import os
import random
import re
import signal
import socket
import subprocess
import sys
import tarfile
import tempfile
import time
import urllib.request
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx

from touchdose.web.hashers import ARGON2_COSTS

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
TOUCHDOSE = [PYTHON, "-c", "from touchdose.cli import main; main()"]
PASSWORD = "load-test-password-14"
HOST = "127.0.0.1"  # never anything else
#: main just before issue 14's first commit (5efae57, the results cache): the code the issue measured.
OLD_COMMIT = "1b3c585210da7bea17872f4467a80cc4a6361432"


@dataclass(frozen=True)
class Config:
    label: str
    args: list[str]
    commit: str | None = None  # None: this checkout


CONFIGS = {
    "old": Config(f"{OLD_COMMIT[:7]}, before issue 14: waitress, 1 process x 8 threads", [], OLD_COMMIT),
    "single": Config("this code, waitress, 1 process x 8 threads", ["--server", "waitress", "--workers=1"]),
    "new": Config("this code, gunicorn, 1 process per core x 8 threads", []),
}
PAGES = ("login page", "login POST", "home", "caseload", "results", "session list", "API analysis",
         "check-in page", "check-in POST")  # fmt: skip
LOGIN_POST = "login POST"
CHECKIN_SHARE = 0.3
THERAPIST_EVERY = 5  # one simulated person in five is a therapist
GOAL_P99_MS, GOAL_LOGIN_P99_MS, GOAL_SPEEDUP = 100.0, 1000.0, 5.0
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@dataclass
class Person:
    username: str
    therapist: bool
    client_ids: list[int]
    zone: ZoneInfo


@dataclass
class Tally:
    """Response times (ms) and errors per page for one run."""

    times: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    examples: list[str] = field(default_factory=list)

    def add(self, page: str, ms: float, problem: str | None) -> None:
        self.times[page].append(ms)
        if problem:
            self.errors[page] += 1
            if len(self.examples) < 5:
                self.examples.append(f"{page}: {problem}")


class Stop(Exception):
    """The run's time is up."""


class Session:
    """One simulated person's browser: its own cookies, its think time, its tally."""

    def __init__(self, base: str, person: Person, tally: Tally, think: float, deadline: float,
                 rng: random.Random, checkin_share: float = CHECKIN_SHARE):  # fmt: skip
        self.http = httpx.AsyncClient(base_url=base, timeout=60, follow_redirects=False)
        self.person, self.tally, self.think, self.deadline, self.rng = person, tally, think, deadline, rng
        self.checkin_share = checkin_share

    async def request(
        self, page: str, method: str, url: str, expect: int, **kwargs: object
    ) -> httpx.Response | None:
        if time.monotonic() >= self.deadline:
            raise Stop
        started = time.perf_counter()
        try:
            response = await self.http.request(method, url, **kwargs)  # type: ignore[arg-type]
            problem = None if response.status_code == expect else f"{response.status_code} from {url}"
        except httpx.HTTPError as error:
            response, problem = None, f"{type(error).__name__} from {url}"
        self.tally.add(page, 1000 * (time.perf_counter() - started), problem)
        if self.think:
            await asyncio.sleep(self.rng.uniform(1, 3) * self.think)
        return response if problem is None else None

    async def form_token(self, page: str, url: str) -> str | None:
        response = await self.request(page, "GET", url, 200)
        found = CSRF.search(response.text) if response is not None else None
        return found.group(1) if found else None

    async def loop(self) -> None:
        """Log in, home, results, session list, API, sometimes a check-in; then a new session."""
        p = self.person
        self.http.cookies.clear()
        token = await self.form_token("login page", "/accounts/login/")
        if token is None:
            return
        form = {"username": p.username, "password": PASSWORD, "csrfmiddlewaretoken": token}
        headers = {"Referer": f"{self.http.base_url}accounts/login/"}
        if (
            await self.request(LOGIN_POST, "POST", "/accounts/login/", 302, data=form, headers=headers)
            is None
        ):
            return
        client_id = self.rng.choice(p.client_ids)
        if p.therapist:  # a therapist's home is their caseload
            await self.request("caseload", "GET", "/therapist/", 200)
        else:
            await self.request("home", "GET", "/", 200)
        await self.request("results", "GET", f"/clients/{client_id}/", 200)
        await self.request("session list", "GET", f"/clients/{client_id}/sessions/", 200)
        await self.request("API analysis", "GET", f"/api/v1/clients/{client_id}/analysis", 200)
        if p.therapist or self.rng.random() >= self.checkin_share:
            return
        url = f"/clients/{client_id}/checkin/"
        token = await self.form_token("check-in page", url)
        if token is not None:
            now = datetime.now(p.zone).strftime("%Y-%m-%dT%H:%M")
            data = {"pain": str(self.rng.randint(2, 8)), "time": now, "csrfmiddlewaretoken": token}
            await self.request(
                "check-in POST", "POST", url, 302, data=data, headers={"Referer": f"{self.http.base_url}"}
            )

    async def run(self, once: bool = False) -> None:
        try:
            while time.monotonic() < self.deadline:
                await self.loop()
                if once:
                    break
        except Stop:
            pass
        finally:
            await self.http.aclose()


async def drive(
    base: str, people: list[Person], seconds: float, think: float, seed: int, once: bool = False
) -> tuple[Tally, float]:
    """Run every person's loop until ``seconds`` have passed (``once``: one loop each, no
    check-in: the warm-up); the tally and the elapsed time."""
    tally = Tally()
    started = time.monotonic()
    deadline = started + seconds
    sessions = [
        Session(
            base,
            person,
            tally,
            think,
            deadline,
            random.Random(seed * 1000 + i),
            0.0 if once else CHECKIN_SHARE,
        )
        for i, person in enumerate(people)
    ]

    async def arrive(i: int, session: Session) -> None:  # people arrive over the first 2 seconds
        await asyncio.sleep(i * min(think, 1.0) * 2 / len(sessions))
        await session.run(once=once)

    await asyncio.gather(*(arrive(i, s) for i, s in enumerate(sessions)))
    return tally, time.monotonic() - started


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = max(0, min(len(ordered) - 1, round(q / 100 * len(ordered) + 0.5) - 1))  # nearest rank
    return ordered[rank]


def row(name: str, times: list[float], errors: int) -> str:
    p = [percentile(times, q) for q in (50, 95, 99)]
    top = max(times) if times else float("nan")
    return f"  {name:<22}{len(times):>9}{errors:>7}{p[0]:>9.0f}{p[1]:>9.0f}{p[2]:>9.0f}{top:>9.0f}"


@dataclass
class Result:
    database: str
    config: str
    kind: str  # "think 1-3 s" or "saturation"
    requests: int
    errors: int
    p99_pages: float
    p99_login: float
    rate: float
    page_rate: float  # pages but the login POST, per second


def report(
    database: str, config: str, kind: str, tally: Tally, elapsed: float, load: tuple[float, float]
) -> Result:
    print(f"\n{database} / {config} ({CONFIGS[config].label}) / {kind}: {elapsed:.0f} s, "
          f"load average {load[0]:.2f} before, {load[1]:.2f} after")  # fmt: skip
    print(f"  {'page':<22}{'requests':>9}{'errors':>7}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'max ms':>9}")
    for page in PAGES:
        if tally.times.get(page):
            print(row(page, tally.times[page], tally.errors[page]))
    pages = [t for page, ts in tally.times.items() if page != LOGIN_POST for t in ts]
    errors_pages = sum(n for page, n in tally.errors.items() if page != LOGIN_POST)
    print(row("all but login POST", pages, errors_pages))
    everything = [t for ts in tally.times.values() for t in ts]
    errors = sum(tally.errors.values())
    print(row("all", everything, errors))
    rate = len(everything) / elapsed
    print(f"  throughput {rate:.1f} requests/s ({len(pages) / elapsed:.1f}/s without the login POSTs)")
    for example in tally.examples:
        print(f"  error: {example}")
    return Result(database, config, kind, len(everything), errors, percentile(pages, 99),
                  percentile(tally.times.get(LOGIN_POST, []), 99), rate, len(pages) / elapsed)  # fmt: skip


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


class Server:
    """``touchdose serve`` in its own process group on 127.0.0.1; stopped with SIGTERM."""

    def __init__(self, env: dict[str, str], args: list[str], log: Path) -> None:
        self.port = free_port()
        self.base = f"http://{HOST}:{self.port}"
        self.log = log.open("w")
        command = [*TOUCHDOSE, "serve", "--host", HOST, "--port", str(self.port), *args]
        self.process = subprocess.Popen(command, env=env, stdout=self.log, stderr=subprocess.STDOUT,
                                        start_new_session=True)  # fmt: skip
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"touchdose serve exited; see {log}")
            try:
                urllib.request.urlopen(self.base + "/accounts/login/", timeout=5)
                return
            except OSError:
                time.sleep(0.5)
        self.stop()
        raise RuntimeError(f"touchdose serve did not answer; see {log}")

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.log.close()


def people_of(world: dict[str, object], users: int) -> list[Person]:
    """``users`` people: every fifth a therapist, the others clients (the demo client first)."""
    clients = list(world["clients"])  # type: ignore[call-overload]
    therapists = list(world["therapists"])  # type: ignore[call-overload]
    people = []
    for i in range(users):
        if i % THERAPIST_EVERY == THERAPIST_EVERY - 1:
            t = therapists[(i // THERAPIST_EVERY) % len(therapists)]
            people.append(Person(t["username"], True, t["client_ids"], ZoneInfo("UTC")))
        else:
            c = clients[(i - i // THERAPIST_EVERY) % len(clients)]
            people.append(Person(c["username"], False, c["client_ids"], ZoneInfo(c["timezone"])))
    return people


def environment(data_dir: Path, database_url: str | None, code: Path | None = None) -> dict[str, str]:
    """The server's environment: its data directory, its database and, for older code, that
    code's ``src`` first on the import path."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TOUCHDOSE_", "DJANGO_", "DATABASE_URL"))}
    env.pop("PYTHONPATH", None)
    if code is not None:
        env["PYTHONPATH"] = str(code / "src")
    env["TOUCHDOSE_DATA_DIR"] = str(data_dir)
    env["TOUCHDOSE_LOG_LEVEL"] = "WARNING"
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def source_of(commit: str, work: Path) -> Path:
    """The ``src`` tree of ``commit``, from this clone's history, in a directory under ``work``."""
    target = work / f"code-{commit[:7]}"
    if not target.exists():
        archive = subprocess.run(["git", "-C", str(ROOT), "archive", "--format=tar", commit, "src"],
                                 capture_output=True, check=False)  # fmt: skip
        if archive.returncode != 0:
            raise SystemExit(
                f"load.py: the old code ({commit[:7]}) is not in this clone's history "
                f"({archive.stderr.decode().strip()}); fetch it, or run --configs new"
            )
        with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
            tar.extractall(target, filter="data")
    return target


def simulate(args: argparse.Namespace, work: Path) -> Path:
    """The clients' rows, simulated once by this code for every database and configuration."""
    rows = work / "rows.pickle"
    print(f"\n=== simulating {args.clients} clients with {args.days} days each ...", flush=True)
    subprocess.run(
        [PYTHON, str(ROOT / "benchmarks" / "load_world.py"), "simulate", "--clients", str(args.clients),
         "--days", str(args.days), "--out", str(rows)],
        env=environment(work / "simulate", None), check=True,
    )  # fmt: skip
    return rows


def load(env: dict[str, str], rows: Path, label: str) -> dict[str, Any]:
    """The demo and the clients written into the database by the code ``env`` runs."""
    loaded = subprocess.run(
        [PYTHON, str(ROOT / "benchmarks" / "load_world.py"), "build", "--rows", str(rows),
         "--password", PASSWORD],
        env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    if loaded.returncode != 0:
        raise SystemExit(f"load.py: loading the clinic for {label} failed:\n{loaded.stderr[-3000:]}")
    world: dict[str, Any] = json.loads(loaded.stdout.strip().splitlines()[-1])
    counts = f"{world['checkins']} check-ins, {world['sessions']} sessions"
    people = f"{len(world['clients'])} clients, {len(world['therapists']) + 1} therapists"
    print(f"    {label}: {people}, {counts} (loaded in {world['seconds']} s)", flush=True)
    return world


def run_database(name: str, database_url: str | None, args: argparse.Namespace, work: Path,
                 rows: Path) -> list[Result]:  # fmt: skip
    print(f"\n=== {name}", flush=True)
    results = []
    for config in args.configs:
        spec = CONFIGS[config]
        code = source_of(spec.commit, work) if spec.commit else None
        data_dir = work / f"{name}-{config}"
        env = environment(data_dir, database_url, code)
        if args.argon2 and code is None:  # the old code has Django's cost and no such setting
            env["TOUCHDOSE_ARGON2"] = args.argon2
        people = people_of(load(env, rows, f"{name} / {config}"), args.users)
        server = Server(env, spec.args, work / f"{name}-{config}.log")
        try:
            warm = time.monotonic()
            asyncio.run(drive(server.base, people, seconds=3600, think=0, seed=0, once=True))
            took = time.monotonic() - warm
            print(f"\n{name} / {config}: warmed up in {took:.0f} s (every page once, unmeasured)")
            for kind, seconds, think in (
                ("think 1-3 s", args.duration, 1.0),
                ("saturation", args.saturation, 0.0),
            ):
                if seconds <= 0:
                    continue
                before = os.getloadavg()[0]
                tally, elapsed = asyncio.run(drive(server.base, people, seconds, think, seed=1))
                results.append(report(name, config, kind, tally, elapsed, (before, os.getloadavg()[0])))
        finally:
            server.stop()
    return results


def summary(results: list[Result]) -> None:
    print("\n=== summary (goals: 0 errors; p99 <= 100 ms but the login POST; login POST p99 <= 1 s;"
          f" saturation throughput new/old >= {GOAL_SPEEDUP:.0f})")  # fmt: skip
    print(f"  {'database':<10}{'config':<8}{'run':<13}{'requests':>9}{'errors':>7}{'p99 pages':>11}"
          f"{'p99 login':>11}{'req/s':>8}{'pages/s':>9}")  # fmt: skip
    for r in results:
        print(f"  {r.database:<10}{r.config:<8}{r.kind:<13}{r.requests:>9}{r.errors:>7}{r.p99_pages:>9.0f}ms"
              f"{r.p99_login:>9.0f}ms{r.rate:>8.1f}{r.page_rate:>9.1f}")  # fmt: skip
    for database in dict.fromkeys(r.database for r in results):
        sat = {r.config: r for r in results if r.database == database and r.kind == "saturation"}
        if "old" in sat and "new" in sat:
            new, old = sat["new"], sat["old"]
            print(f"  {database}: saturation throughput new/old = {new.rate / old.rate:.2f} "
                  f"(pages but the login POST: {new.page_rate / old.page_rate:.2f})")  # fmt: skip
    for r in results:
        if r.kind != "saturation" and r.config == "new":
            met = r.errors == 0 and r.p99_pages <= GOAL_P99_MS and r.p99_login <= GOAL_LOGIN_P99_MS
            print(f"  {r.database} new, think 1-3 s: goals {'met' if met else 'NOT met'}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50, help="simulated people at once (50)")
    parser.add_argument("--duration", type=float, default=180, help="seconds with 1-3 s think time (180)")
    parser.add_argument(
        "--saturation", type=float, default=60, help="seconds with no think time (60; 0: none)"
    )
    parser.add_argument("--clients", type=int, default=200, help="simulated clients besides the demo (200)")
    parser.add_argument("--days", type=int, default=365, help="days of history per client (365)")
    parser.add_argument("--databases", default="sqlite,postgres", help="sqlite,postgres (both)")
    parser.add_argument("--configs", default="old,new", help="some of old,single,new (default: old,new)")
    parser.add_argument("--argon2", choices=tuple(ARGON2_COSTS), default=None,
                        help="TOUCHDOSE_ARGON2 for this code's servers (default: the app's own)")  # fmt: skip
    parser.add_argument("--postgres", default=os.environ.get("DATABASE_URL"),
                        help="PostgreSQL database to use, EMPTIED first (default: DATABASE_URL)")  # fmt: skip
    args = parser.parse_args()
    args.configs = [c for c in args.configs.split(",") if c]
    if not set(args.configs) <= set(CONFIGS) or args.users < 1 or args.clients < 1:
        parser.error(f"--configs: some of {', '.join(CONFIGS)}; --users and --clients: at least 1")
    wanted = [d for d in args.databases.split(",") if d]
    if "postgres" in wanted and not args.postgres:
        parser.error("PostgreSQL needs --postgres URL or DATABASE_URL (or --databases sqlite)")
    if args.postgres and httpx.URL(args.postgres).host not in ("127.0.0.1", "localhost", "::1"):
        parser.error("--postgres must be on this machine (127.0.0.1)")
    print(f"load.py: {args.users} users, {args.duration:.0f} s with think time 1-3 s, {args.saturation:.0f} "
          f"s saturation; {os.cpu_count()} cores; load average now {os.getloadavg()[0]:.2f}")  # fmt: skip
    results: list[Result] = []
    with tempfile.TemporaryDirectory(prefix="touchdose-load-") as tmp:
        rows = simulate(args, Path(tmp))
        for database in wanted:
            if database not in ("sqlite", "postgres"):
                parser.error(f"--databases: {database!r} is not allowed (allowed: sqlite, postgres)")
            url = args.postgres if database == "postgres" else None
            results += run_database(database, url, args, Path(tmp), rows)
    summary(results)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
