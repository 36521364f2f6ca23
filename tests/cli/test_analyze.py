"""``touchdose analyze``: the docs/formats.md JSON, JSON Lines, the terminal report and exit codes."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from touchdose import __version__
from touchdose.cli import app

EXAMPLES = Path(__file__).parents[2] / "examples"
JSON_FILE = str(EXAMPLES / "fibromyalgia-client.json")
CSV_FILE = str(EXAMPLES / "fibromyalgia-client.csv")
PROFILE = str(EXAMPLES / "fibromyalgia-profile.json")
BAD_FILE = str(EXAMPLES / "bad-client.csv")
runner = CliRunner()


def _json(args: list[str]) -> list[dict[str, object]]:
    result = runner.invoke(app, ["analyze", *args, "--json"])
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_json_has_every_formats_key() -> None:
    (out,) = _json([JSON_FILE])
    assert list(out)[:8] == [
        "client_id", "instruments", "data", "sessions", "comparison", "titration", "verdict", "plan",
    ]  # fmt: skip
    assert out["client_id"] == "c-001"
    assert out["data"] == {"checkin_days": 21, "baseline_days": 7, "sessions": 4, "sessions_with_followup": 4}
    assert [s["outcome"] for s in out["sessions"]] == ["helped", "helped", "harmed", "helped"]  # type: ignore[index]
    assert out["instruments"]["fiqr"]["total"] == 55.5  # type: ignore[index]  # docs/formats.md example items


def test_the_csv_twin_gives_the_same_json() -> None:
    assert _json([CSV_FILE, "--client-json", PROFILE]) == _json([JSON_FILE])


def test_several_files_give_json_lines_and_a_bad_one_exit_2_after_all() -> None:
    result = runner.invoke(app, ["analyze", JSON_FILE, BAD_FILE, JSON_FILE, "--json"])
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert result.exit_code == 2
    assert [line.get("client_id") for line in lines] == ["c-001", None, "c-001"]
    assert lines[1]["file"] == BAD_FILE and len(lines[1]["problems"]) == 4


def test_a_rejected_file_prints_one_line_per_problem_and_exits_2() -> None:
    result = runner.invoke(app, ["analyze", BAD_FILE])
    assert result.exit_code == 2
    problem_lines = [line for line in result.stderr.splitlines() if line.startswith("line ")]
    assert [line.split(" (")[0] for line in problem_lines] == ["line 2", "line 3", "line 4", "line 5"]


def test_a_missing_file_is_bad_input() -> None:
    result = runner.invoke(app, ["analyze", "no-such-file.json"])
    assert result.exit_code == 2 and "cannot read the file" in result.stderr


def test_terminal_report_shows_sessions_in_plain_words() -> None:
    result = runner.invoke(app, ["analyze", JSON_FILE], env={"COLUMNS": "120"})
    assert result.exit_code == 0
    assert (
        "2 (light)" in result.stdout
        and "harmed" in result.stdout
        and "7 before the first session" in result.stdout
    )


def test_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.stdout.strip() == f"touchdose {__version__}"
