"""Issue 13, finding 15: ``touchdose import FILE --client ID`` puts a JSON, CSV or FHIR file into the
web app's database through the web import's service: all or nothing, audited, and a bad file gives
the same list of problems as ``touchdose analyze`` with exit code 2."""

from __future__ import annotations

import itertools
import random
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.fuzzfiles import KINDS, encoded, fuzz_file
from tests.web.conftest import make_client
from typer.testing import CliRunner

from touchdose.cli import app
from touchdose.io import export_text, load_client_file, read_client_file
from touchdose.web import convert, selectors
from touchdose.web.models import AuditEvent, CheckIn, MassageSession

EXAMPLES = Path(__file__).parents[2] / "examples"
EXAMPLE = EXAMPLES / "fibromyalgia-client.json"
runner = CliRunner()
NUMBERS = itertools.count()


def run(*args: str) -> Any:
    return runner.invoke(app, list(args), catch_exceptions=False)


def stored() -> tuple[int, int]:
    return MassageSession.objects.count(), CheckIn.objects.count()


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["json", "csv", "fhir"])
def test_finding_15_import_puts_each_format_into_the_database_once(fmt: str, tmp_path: Path) -> None:
    example = read_client_file(EXAMPLE)
    path = tmp_path / f"client.{'fhir.json' if fmt == 'fhir' else fmt}"
    path.write_text(export_text(example, fmt), encoding="utf-8")
    client = make_client("ines", tz=example.client.timezone)

    result = run("import", str(path), "--client", f"c-{client.pk}")
    assert result.exit_code == 0, result.stderr
    n_sessions, n_checkins = len(example.sessions), len(example.checkins)
    assert f"Imported {n_sessions} sessions and {n_checkins} check-ins" in result.stderr
    cf = selectors.client_file_for(client)
    assert (cf.sessions, cf.checkins) == (example.sessions, example.checkins)
    assert AuditEvent.objects.filter(client_ref=client.pk, action="imported").count() == 1

    again = run("import", str(path), "--client", str(client.pk))
    assert again.exit_code == 0
    assert f"({n_sessions + n_checkins} already stored, skipped)" in again.stderr
    assert stored() == (n_sessions, n_checkins)


@pytest.mark.django_db
def test_finding_15_a_bad_file_lists_what_analyze_lists_exits_2_and_writes_nothing() -> None:
    bad = EXAMPLES / "bad-client.csv"
    client = make_client("jon")
    events = AuditEvent.objects.count()
    analysed = run("analyze", str(bad))
    imported = run("import", str(bad), "--client", f"c-{client.pk}")
    assert analysed.exit_code == imported.exit_code == 2
    assert imported.stderr == analysed.stderr
    assert "rejected" in imported.stderr and "nothing was read or written" in imported.stderr
    assert stored() == (0, 0) and AuditEvent.objects.count() == events


@pytest.mark.django_db
def test_finding_15_one_bad_row_among_good_ones_writes_nothing(tmp_path: Path) -> None:
    lines = (EXAMPLES / "fibromyalgia-client.csv").read_text(encoding="utf-8").splitlines()
    cells = lines[-1].split(",")
    cells[2] = "11"  # one out-of-range value in the last row
    path = tmp_path / "one-bad.csv"
    path.write_text("\n".join([*lines[:-1], ",".join(cells)]) + "\n", encoding="utf-8")
    client = make_client("kim")
    result = run("import", str(path), "--client", f"c-{client.pk}")
    assert result.exit_code == 2
    assert f"line {len(lines)}" in result.stderr
    assert stored() == (0, 0)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--client", "c-999999"], "no such client"),
        (["--client", "c-x"], "is not allowed"),
        (["--client", "CLIENT", "--timezone", "Mars/Base"], "IANA"),
    ],
)
def test_finding_15_a_bad_client_or_option_exits_2(args: list[str], message: str) -> None:
    client = make_client("lou")
    args = [str(client.pk) if arg == "CLIENT" else arg for arg in args]
    result = runner.invoke(app, ["import", str(EXAMPLE), *args])
    assert result.exit_code == 2
    assert message in result.stderr
    assert stored() == (0, 0)


@pytest.mark.django_db
def test_finding_15_a_missing_file_exits_2(tmp_path: Path) -> None:
    client = make_client("max")
    result = run("import", str(tmp_path / "nope.json"), "--client", f"c-{client.pk}")
    assert result.exit_code == 2
    assert "cannot read the file" in result.stderr


@given(st.randoms(use_true_random=False), st.sampled_from(KINDS))
@settings(
    max_examples=150, deadline=None, derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)  # fmt: skip
def test_finding_15_fuzzed_files_import_whole_or_exit_2_with_nothing_written(
    db: Any, tmp_path: Path, rng: random.Random, kind: str
) -> None:
    """Issue 13's fuzz test through ``touchdose import`` (the readers and the web import have theirs:
    tests/io/test_fuzz.py, tests/web/test_fuzz_import.py): exit 0 with every record stored, or exit 2
    with a list of problems and nothing stored; never a traceback."""
    fuzzed = fuzz_file(rng, kind)
    path = tmp_path / f"fuzz-{next(NUMBERS)}{fuzzed.suffix}"
    path.write_bytes(encoded(fuzzed.text))
    client = make_client(path.stem)
    before = stored()
    result = runner.invoke(app, ["import", str(path), "--client", f"c-{client.pk}"])
    assert result.exception is None or isinstance(result.exception, SystemExit), fuzzed.mutations
    assert result.exit_code in (0, 2), (fuzzed.mutations, result.stderr[-500:])
    if result.exit_code == 2:
        assert "rejected" in result.stderr or "cannot read" in result.stderr
        assert stored() == before
        return
    cf = load_client_file(path, timezone=client.timezone, profile=convert.profile_of_row(client)).client_file
    assert (client.sessions.count(), client.checkins.count()) == (len(cf.sessions), len(cf.checkins))
    assert sum(stored()) - sum(before) == len(cf.sessions) + len(cf.checkins)
