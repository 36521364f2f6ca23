"""``touchdose simulate --format parquet`` and ``--mix``: a client dataset for ``touchdose cohort``."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq
from typer.testing import CliRunner

from touchdose.cli import app
from touchdose.cohort.dataset import partitions, read_partition
from touchdose.io import read_client_file


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, " ".join(result.output.split())


def test_parquet_holds_the_same_clients_as_the_json_files(tmp_path: Path) -> None:
    common = ("--clients", "6", "--seed", "4", "--days", "60", "--mix", "helps=2,harmed_moderate=1")
    assert _run("simulate", *common, "--out", str(tmp_path / "j"))[0] == 0
    code, text = _run("simulate", *common, "--format", "parquet", "--out", str(tmp_path / "p"))
    assert code == 0 and "client dataset of 6 clients" in text
    from_json = [read_client_file(f) for f in sorted((tmp_path / "j").glob("client-*.json"))]
    from_parquet = [x.client_file for p in partitions(tmp_path / "p") for x in read_partition(p)]
    assert from_parquet == from_json
    truth = json.loads((tmp_path / "j" / "truth.json").read_text(encoding="utf-8"))
    table = pq.read_table(tmp_path / "p" / "truth.parquet").to_pydict()
    assert table["kind"] == [c["kind"] for c in truth["clients"]]
    assert set(table["kind"]) <= {"helps", "harmed_moderate"}
    assert truth["kind"] == "helps=0.666667,harmed_moderate=0.333333"


def test_titration_policy_is_written_through_the_records(tmp_path: Path) -> None:
    args = ("--clients", "2", "--days", "50", "--policy", "titration", "--format", "parquet")
    assert _run("simulate", *args, "--out", str(tmp_path / "t"))[0] == 0
    assert sum(p.clients for p in partitions(tmp_path / "t")) == 2


def test_bad_mix_and_format_are_refused(tmp_path: Path) -> None:
    out = str(tmp_path / "x")
    code, text = _run("simulate", "--mix", "helps=0.5,joy=0.5", "--out", out)
    assert code == 2 and "kind = 'joy' is not allowed" in text
    code, text = _run("simulate", "--mix", "helps", "--out", out)
    assert code == 2 and "mix item 'helps' is not allowed (allowed: kind=share" in text
    code, text = _run("simulate", "--kind", "helps", "--mix", "helps=1", "--out", out)
    assert code == 2 and "--kind and --mix are not allowed together" in text
    code, text = _run("simulate", "--format", "xml", "--out", out)
    assert code == 2 and "format = 'xml' is not allowed (allowed: json, parquet)" in text
    assert not (tmp_path / "x").exists()
