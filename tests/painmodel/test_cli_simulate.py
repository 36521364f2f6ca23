"""``touchdose simulate``: files that ``touchdose analyze`` accepts, a truth file, same bytes per seed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from touchdose.cli import app
from touchdose.io import read_client_file


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.output


def _files(d: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(d.iterdir())}


def test_twenty_clients_that_analyze_accepts_plus_the_truth(tmp_path: Path) -> None:
    out = tmp_path / "d"
    code, _ = _run("simulate", "--clients", "20", "--seed", "1", "--out", str(out))
    assert code == 0
    files = sorted(out.glob("client-*.json"))
    assert len(files) == 20
    truth = json.loads((out / "truth.json").read_text(encoding="utf-8"))
    assert [c["id"] for c in truth["clients"]] == [read_client_file(f).client.id for f in files]
    code, output = _run("analyze", "--json", *map(str, files))
    assert code == 0
    lines = [json.loads(line) for line in output.splitlines() if line.startswith("{")]
    assert len(lines) == 20 and all("error" not in line for line in lines)


def test_the_same_seed_writes_the_same_bytes(tmp_path: Path) -> None:
    a, b, c = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    for d, seed in ((a, "7"), (b, "7"), (c, "8")):
        assert _run("simulate", "--clients", "5", "--seed", seed, "--days", "60", "--out", str(d))[0] == 0
    assert _files(a) == _files(b)
    assert _files(a) != _files(c)


def test_a_fixed_pressure_and_a_kind_are_honoured(tmp_path: Path) -> None:
    out = tmp_path / "d"
    args = ("--clients", "3", "--seed", "2", "--policy", "fixed:1", "--kind", "harmed_moderate")
    assert _run("simulate", *args, "--days", "60", "--out", str(out))[0] == 0
    for f in out.glob("client-*.json"):
        assert {s.pressure for s in read_client_file(f).sessions} == {1}
    truth = json.loads((out / "truth.json").read_text(encoding="utf-8"))
    assert truth["policy"] == "fixed:1" and {c["kind"] for c in truth["clients"]} == {"harmed_moderate"}


def test_intake_adds_acr_answers_to_the_profile(tmp_path: Path) -> None:
    out = tmp_path / "d"
    assert _run("simulate", "--clients", "2", "--days", "30", "--intake", "--out", str(out))[0] == 0
    assert all(read_client_file(f).client.acr2016 is not None for f in out.glob("client-*.json"))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--policy", "fixed:9"), "fixed:9"),
        (("--policy", "gentle"), "gentle"),
        (("--kind", "cured"), "cured"),
        (("--timezone", "Mars/Olympus"), "Mars/Olympus"),
    ],
)
def test_bad_options_exit_2_and_write_nothing(tmp_path: Path, args: tuple[str, ...], message: str) -> None:
    out = tmp_path / "d"
    code, output = _run("simulate", "--clients", "2", "--out", str(out), *args)
    assert code == 2
    assert message in output
    assert not out.exists() or not any(out.iterdir())
