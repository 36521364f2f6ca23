"""Issue 13's fuzz run: N damaged client files through ``touchdose analyze``, ``touchdose import``
and the web import, on SQLite and PostgreSQL. Prints the crashes and the partial writes (goal: 0
and 0) and how many files each entry point took or refused.

    python benchmarks/fuzz.py                       # 10,000 files; PostgreSQL from DATABASE_URL
    python benchmarks/fuzz.py --files 500 --databases sqlite

The files come from ``tests/fuzzfiles.py`` (the suite's generator: a valid JSON, CSV or FHIR
file with one to three of the probe's mutations), seeded, so a run is repeatable. Everything runs
in-process: the commands through Typer's test runner, the web import through Django's test client
(upload, then the preview's save button), against a real database: a fresh SQLite file, or the
PostgreSQL database of ``DATABASE_URL`` (its tables are made if missing; the clients this run
makes are deleted at the end). One process per database, side by side.

A crash is a traceback or an exit code other than 0 or 2 (a command), or an HTTP 500 (the web).
A partial write is a refused file that stored anything, or an accepted one that stored other than
exactly its records.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import random
import subprocess
import sys
import tempfile
import time
import warnings
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from fuzzfiles import FuzzFile, encoded, fuzz_file  # noqa: E402 - the suite's generator, by path

DATABASES = ("sqlite", "postgres")
PREFIX = "fuzzbench-"


@dataclass
class Tally:
    """One entry point's outcome over the files."""

    accepted: int = 0
    refused: int = 0
    crashes: list[str] = field(default_factory=list)
    partial: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"accepted": self.accepted, "refused": self.refused, "crashes": self.crashes,
                "partial": self.partial}  # fmt: skip


def generated(n: int, seed: int) -> Iterator[FuzzFile]:
    """The run's files, one at a time (the same ``n`` and ``seed`` give the same files)."""
    for i in range(n):
        yield fuzz_file(random.Random(seed * 1_000_003 + i))


# --- one database, in a child process ----------------------------------------------------------


def _django(database: str, data_dir: Path, url: str | None) -> None:
    os.environ["TOUCHDOSE_DATA_DIR"] = str(data_dir)
    os.environ["DJANGO_SETTINGS_MODULE"] = "touchdose.web.settings"
    os.environ.pop("DATABASE_URL", None)
    if database == "postgres":
        assert url, "PostgreSQL needs --postgres-url or DATABASE_URL"
        os.environ["DATABASE_URL"] = url
    import django

    django.setup()
    from django.core.management import call_command
    from django.test.utils import setup_test_environment

    call_command("migrate", interactive=False, verbosity=0)
    logging.disable(logging.WARNING)  # "Bad Request" for each refused upload: refusing is the point
    setup_test_environment()  # the test client's host, templates' context, mail kept in memory


class Runner:
    """The three entry points on one database. Each import has a client of its own, emptied before
    every file, so what a file stores is exactly what that client holds afterwards."""

    def __init__(self, run_id: str) -> None:
        from django.contrib.auth.models import User
        from django.test import Client as HttpClient
        from typer.testing import CliRunner

        from touchdose.cli import app
        from touchdose.web.models import Client

        self.app, self.cli = app, CliRunner()
        self.user_model, self.client_model = User, Client
        self.run_id, self.made = run_id, 0
        self.import_client, self.web_client = self.new_client(), self.new_client()
        self.http = HttpClient(raise_request_exception=False)
        self.http.force_login(self.web_client.user)

    def new_client(self) -> Any:
        self.made += 1
        user = self.user_model.objects.create(username=f"{PREFIX}{self.run_id}-{self.made}")
        return self.client_model.objects.create(user=user, timezone="Europe/Oslo")

    @staticmethod
    def emptied(client: Any) -> Any:
        client.sessions.all().delete()
        client.checkins.all().delete()
        return client

    @staticmethod
    def rows(client: Any) -> int:
        return int(client.sessions.count() + client.checkins.count())

    @staticmethod
    def expected(path: Path, client: Any, zone: str) -> int:
        """The records the one reader finds in the file (what an accepted import must store)."""
        from touchdose.io import load_client_file
        from touchdose.web import convert

        cf = load_client_file(path, timezone=zone, profile=convert.profile_of_row(client)).client_file
        return len(cf.sessions) + len(cf.checkins)

    def command(self, args: list[str]) -> tuple[int, str | None]:
        result = self.cli.invoke(self.app, args)
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            return -1, type(result.exception).__name__
        return result.exit_code, None

    def analyze(self, path: Path, tally: Tally, label: str) -> None:
        code, error = self.command(["analyze", "--json", str(path)])
        self._count(tally, label, code, error)

    def cli_import(self, path: Path, tally: Tally, label: str) -> None:
        client = self.emptied(self.import_client)
        code, error = self.command(["import", str(path), "--client", str(client.pk)])
        self._count(tally, label, code, error)
        if code == 2 and self.rows(client):
            tally.partial.append(f"{label}: refused, but {self.rows(client)} rows stored")
        elif code == 0 and self.rows(client) != self.expected(path, client, client.timezone):
            tally.partial.append(f"{label}: accepted, {self.rows(client)} rows stored")

    def web_import(self, path: Path, tally: Tally, label: str) -> None:
        from django.core.files.uploadedfile import SimpleUploadedFile
        from django.urls import reverse

        client, http = self.emptied(self.web_client), self.http
        upload = SimpleUploadedFile(path.name, path.read_bytes())
        form = {"file": upload, "timezone": "Europe/Oslo"}
        first = http.post(reverse("data_import", args=[client.pk]), form)
        status = first.status_code
        if status == 200:
            context = first.context
            status = http.post(
                reverse("data_import_confirm", args=[client.pk]),
                {"kind": context["parsed"].kind, "data": context["data"], "timezone": context["zone"]},
            ).status_code
        if status >= 500:
            tally.crashes.append(f"{label}: HTTP {status}")
        elif status == 302:
            tally.accepted += 1
            if self.rows(client) != self.expected(path, client, "Europe/Oslo"):
                tally.partial.append(f"{label}: accepted, {self.rows(client)} rows stored")
        else:
            tally.refused += 1
            if self.rows(client):
                tally.partial.append(f"{label}: refused with HTTP {status}, but rows stored")

    @staticmethod
    def _count(tally: Tally, label: str, code: int, error: str | None) -> None:
        if code == 0:
            tally.accepted += 1
        elif code == 2:
            tally.refused += 1
        else:
            tally.crashes.append(f"{label}: {error or f'exit code {code}'}")

    def clean_up(self) -> None:
        self.user_model.objects.filter(username__startswith=f"{PREFIX}{self.run_id}-").delete()


def child(args: argparse.Namespace) -> None:
    """Run every file through the entry points on ``args.child`` and print one JSON line."""
    warnings.simplefilter("ignore")  # the engine's notes about thin data: not what is measured here
    work = Path(tempfile.mkdtemp(prefix=f"touchdose-fuzz-{args.child}-"))
    _django(args.child, work / "data", args.postgres_url)
    runner = Runner(run_id=f"{os.getpid()}")
    kinds: Counter[str] = Counter()
    tallies = {"analyze": Tally(), "import": Tally(), "web import": Tally()}
    started = time.perf_counter()
    try:
        for i, fuzzed in enumerate(generated(args.files, args.seed)):
            kinds[fuzzed.kind] += 1
            path = work / f"client-{i}{fuzzed.suffix}"
            path.write_bytes(encoded(fuzzed.text))
            label = f"file {i} ({fuzzed.kind}: {'; '.join(fuzzed.mutations)[:80]})"
            if args.child == "sqlite":  # analyze needs no database: once is enough
                runner.analyze(path, tallies["analyze"], label)
            runner.cli_import(path, tallies["import"], label)
            runner.web_import(path, tallies["web import"], label)
            path.unlink()
    finally:
        runner.clean_up()
    seconds = time.perf_counter() - started
    out = {name: t.as_dict() for name, t in tallies.items() if t.accepted + t.refused + len(t.crashes)}
    print(json.dumps({"database": args.child, "seconds": seconds, "kinds": kinds, "tallies": out}))


# --- the parent: one child per database, then the table ----------------------------------------


def parent(args: argparse.Namespace) -> int:
    wanted = [d for d in args.databases.split(",") if d]
    unknown = set(wanted) - set(DATABASES)
    if unknown:
        raise SystemExit(f"--databases: {', '.join(sorted(unknown))} not allowed (allowed: sqlite, postgres)")
    if "postgres" in wanted and not args.postgres_url:
        print("PostgreSQL skipped: no --postgres-url and no DATABASE_URL", file=sys.stderr)
        wanted.remove("postgres")
    started = time.perf_counter()
    options = ["--files", str(args.files), "--seed", str(args.seed), "--postgres-url", args.postgres_url]
    command = [sys.executable, __file__, *options, "--child"]
    children = {db: subprocess.Popen([*command, db], stdout=subprocess.PIPE, text=True) for db in wanted}
    results = {}
    for db, proc in children.items():
        stdout, _ = proc.communicate()
        if proc.returncode != 0:
            print(f"{db}: the run itself failed (exit {proc.returncode})", file=sys.stderr)
            return 1
        results[db] = json.loads(stdout.strip().splitlines()[-1])
    return report(results, time.perf_counter() - started)


def report(results: dict[str, Any], seconds: float) -> int:
    kinds = next(iter(results.values()))["kinds"] if results else {}
    n = sum(kinds.values())
    print(f"{n} files: " + ", ".join(f"{count} {kind}" for kind, count in sorted(kinds.items())))
    print(f"{'entry point':<26}{'accepted':>9}{'refused':>9}{'crashes':>9}{'partial':>9}{'seconds':>9}")
    total_crashes = total_partial = 0
    examples: list[str] = []
    for db, result in results.items():
        for name, t in result["tallies"].items():
            crashes, partial = len(t["crashes"]), len(t["partial"])
            total_crashes, total_partial = total_crashes + crashes, total_partial + partial
            examples += [f"{db} {name} crash: {c}" for c in t["crashes"][:5]]
            examples += [f"{db} {name} partial write: {p}" for p in t["partial"][:5]]
            where = f"{name} ({db})"
            print(f"{where:<26}{t['accepted']:>9}{t['refused']:>9}{crashes:>9}{partial:>9}"
                  f"{result['seconds']:>9.0f}")  # fmt: skip
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"crashes {total_crashes}, partial writes {total_partial}; {seconds:.0f} s wall clock, "
          f"{os.cpu_count()} cores, load average {load}")  # fmt: skip
    for line in examples:
        print("  " + line)
    return 1 if total_crashes or total_partial else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=10_000, help="how many files (default 10,000)")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--databases", default="sqlite,postgres", help="sqlite, postgres or both (default)")
    parser.add_argument("--postgres-url", default=os.environ.get("DATABASE_URL", ""))
    parser.add_argument("--child", choices=DATABASES, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args)
    else:
        raise SystemExit(parent(args))


if __name__ == "__main__":
    main()
