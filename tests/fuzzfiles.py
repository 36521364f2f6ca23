"""Damaged client files for the fuzz test (``tests/io/test_fuzz.py``, ``tests/web/test_fuzz_import.py``)
and ``benchmarks/fuzz.py``: a valid file (JSON, CSV or FHIR Bundle) with one to three mutations,
each drawn from the payloads an outside probe used (issue 13, finding 5) and a careless user makes.

The generator takes any ``random.Random``: the benchmark passes a seeded one, Hypothesis its own
(``st.randoms(use_true_random=False)``), so the suite's examples are reproducible and shrink.
"""

from __future__ import annotations

import copy
import json
import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from touchdose.io import csvfile, jsonfile
from touchdose.io.fhir import client_file_to_fhir_json
from touchdose.records import CheckIn, ClientFile, ClientProfile, Session

KINDS = ("json", "csv", "fhir")

#: Values that once crashed a reader, a form or the database, and their cousins.
PAYLOADS: tuple[Any, ...] = (
    "Europe", "A" * 300, "Europe/../etc/passwd", "", " ", "UTC\x00",  # time zones
    "0001-01-01T00:00:00+05:00", "9999-12-31T23:59:59-05:00", "0001-01-01T00:00:00", "1899-12-31T23:00Z",
    "2201-01-01T00:00+00:00", "2026-02-30T10:00+01:00", "2026-01-05T25:00", "yesterday",
    "<BIG>", 10**30, -1, 2**63, 1.5, float("1e308"), True, None,
    "\ud800", "note \udfff end", "nul \x00 here", '=HYPERLINK("http://x","y")', "+1+1", "-2+3", "@SUM(A1)",
    "\r\n", '"', ",,,", "x" * 5000, [], {}, [[[]]], {"a": {"b": {}}}, ["swedish", "swedish"], ["nope"],
)  # fmt: skip
#: Stands for a JSON integer of 4,400 digits (Python refuses to turn it into text, so it goes in last).
BIG = "<BIG>"
BIG_DIGITS = "9" * 4400
NUMBER_TEXT = ("9" * 4400, "1e999", "nan", "-0", "0x10", "1_000", "٣")  # cells only CSV can carry


def base_file(rng: random.Random) -> ClientFile:
    """A small valid client file: a few check-ins and sessions over a fortnight."""
    start = datetime(2026, 1, 5, 20, tzinfo=UTC)
    zone = rng.choice(["UTC", "Europe/Stockholm", "America/New_York", "Asia/Kolkata"])
    checkins = tuple(
        CheckIn(time=start + timedelta(days=d), pain=rng.randint(0, 10), fatigue=rng.randint(0, 10),
                sleep_hours=rng.choice([None, 6.5, 7.0]), note=rng.choice(["", "ok", "tired, sore"]))
        for d in range(rng.randint(1, 8))
    )  # fmt: skip
    sessions = tuple(
        Session(start=start + timedelta(days=3 * d, hours=-6), pressure=rng.randint(1, 5),
                minutes=rng.choice([30, 45, 60]), technique=("swedish",), pain_before=rng.randint(0, 10),
                pain_after=rng.randint(0, 10), note=rng.choice(["", "gentle"]))
        for d in range(rng.randint(0, 4))
    )  # fmt: skip
    profile = ClientProfile(id="c-fuzz", timezone=zone, conditions=("fibromyalgia",))
    return ClientFile(client=profile, sessions=sessions, checkins=checkins)


@dataclass(frozen=True)
class FuzzFile:
    kind: str  # json, csv or fhir
    text: str
    mutations: tuple[str, ...]  # what was done, for a report

    @property
    def suffix(self) -> str:
        return {"json": ".json", "csv": ".csv", "fhir": ".fhir.json"}[self.kind]


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every place in a JSON tree (dict keys and list indices)."""
    found = [prefix]
    if isinstance(node, dict):
        for key, value in node.items():
            found += _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            found += _paths(value, (*prefix, i))
    return found


def _mutate_tree(tree: Any, rng: random.Random) -> str:
    places = [p for p in _paths(tree) if p]
    if not places:
        return "empty"
    where = rng.choice(places)
    parent = tree
    for step in where[:-1]:
        parent = parent[step]
    last = where[-1]
    action = rng.choice(("replace", "replace", "replace", "delete", "duplicate", "rename"))
    if action == "replace" or (action in ("delete", "rename") and isinstance(parent, list)):
        parent[last] = copy.deepcopy(rng.choice(PAYLOADS))
    elif action == "delete":
        del parent[last]
    elif action == "rename":
        parent[rng.choice(["\ud800", "x" * 200, "note ", "pain", "time"])] = parent.pop(last)
    elif isinstance(parent, list):
        parent.append(copy.deepcopy(parent[last]))
    else:
        parent[last] = [parent[last], parent[last]]
    return f"{action} {'/'.join(map(str, where))[:60]}"


def _mutate_csv(text: str, rng: random.Random) -> tuple[str, str]:
    rows = [line.split(",") for line in text.split("\n")]
    row = rng.randrange(len(rows))
    if not rows[row] or rows[row] == [""]:
        return text, "blank row"
    col = rng.randrange(len(rows[row]))
    action = rng.choice(("cell", "cell", "number", "drop", "extra", "cut"))
    if action == "cell":
        payload = rng.choice(PAYLOADS)
        cell = payload if isinstance(payload, str) else json.dumps(payload)
        rows[row][col] = BIG_DIGITS if cell == BIG else cell
    elif action == "number":
        rows[row][col] = rng.choice(NUMBER_TEXT)
    elif action == "drop":
        del rows[row][col]
    elif action == "extra":
        rows[row].append(rng.choice(["x", "", "1"]))
    else:  # a file cut off mid-way
        joined = "\n".join(",".join(r) for r in rows)
        return joined[: rng.randrange(len(joined) + 1)], "cut"
    return "\n".join(",".join(r) for r in rows), f"{action} line {row + 1} cell {col + 1}"


def _mutate_text(text: str, rng: random.Random) -> tuple[str, str]:
    """Byte-level damage that any format can suffer: a cut, a flipped character, an inserted one."""
    if not text:
        return text, "empty"
    at = rng.randrange(len(text))
    action = rng.choice(("cut", "flip", "insert"))
    if action == "cut":
        return text[:at], "cut"
    char = rng.choice(['"', "{", "]", ",", "\\", "\x00", "\ud800", "9", "\n"])
    if action == "flip":
        return text[:at] + char + text[at + 1 :], "flip"
    return text[:at] + char + text[at:], "insert"


def fuzz_file(rng: random.Random, kind: str | None = None) -> FuzzFile:
    """One damaged (or, after harmless mutations, still valid) client file."""
    kind = kind or rng.choice(KINDS)
    cf = base_file(rng)
    done: list[str] = []
    if kind == "csv":
        text = csvfile.dumps(cf)
        for _ in range(rng.randint(1, 3)):
            text, what = _mutate_text(text, rng) if rng.random() < 0.15 else _mutate_csv(text, rng)
            done.append(what)
        return FuzzFile(kind, text, tuple(done))
    tree = json.loads(jsonfile.dumps(cf) if kind == "json" else client_file_to_fhir_json(cf))
    for _ in range(rng.randint(1, 3)):
        done.append(_mutate_tree(tree, rng))
    text = json.dumps(tree, ensure_ascii=rng.random() < 0.5)  # "\\ud800" escaped, or the character
    text = text.replace(json.dumps(BIG), BIG_DIGITS)
    if rng.random() < 0.15:
        text, what = _mutate_text(text, rng)
        done.append(what)
    return FuzzFile(kind, text, tuple(done))


def encoded(text: str) -> bytes:
    """The file as bytes on disk or in an upload (a lone surrogate becomes bytes that are not UTF-8)."""
    return text.encode("utf-8", errors="surrogatepass")
