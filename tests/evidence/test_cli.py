"""``touchdose meta`` and ``touchdose evidence`` through the real Typer app."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from touchdose.cli import app

DATA = Path(__file__).parent / "data"
runner = CliRunner()


def test_meta_on_dat_bcg_prints_metafor_reml_numbers() -> None:
    result = runner.invoke(app, ["meta", str(DATA / "dat_bcg_yi_vi.csv")], env={"COLUMNS": "120"})
    assert result.exit_code == 0, result.output
    # metafor docs/reference/rma.uni.html example 1 (REML): tau² 0.3132 (SE 0.1664), I² 92.22 %, H² 12.86,
    # Q(df = 12) = 152.2330, estimate -0.7145, SE 0.1798, z -3.9744, CI -1.0669 to -0.3622
    for text in ("tau^2 = 0.3132 (SE = 0.1664)", "I^2 = 92.22 %; H^2 = 12.86", "Q(df = 12) = 152.2330",
                 "estimate = -0.7145, SE = 0.1798, z = -3.9744", "95 % CI -1.0669 to -0.3622"):
        assert text in result.output


def test_meta_json_from_counts_has_the_formats_keys() -> None:
    result = runner.invoke(app, ["meta", str(DATA / "dat_bcg.csv"), "--json"])
    assert result.exit_code == 0, result.output
    d = json.loads(result.output)
    for key in ("estimate", "se", "ci95", "tau2", "i2", "q", "q_p", "pred95", "k", "method"):
        assert key in d
    # metafor transf.html: exp(pred) 0.4894 (0.3441-0.6962), PI 0.1546-1.5490
    assert d["k"] == 13 and d["method"] == "REML" and abs(d["exp"]["estimate"] - 0.4894) <= 6e-5
    assert abs(d["exp"]["pred95"][0] - 0.1546) <= 6e-5 and abs(d["exp"]["pred95"][1] - 1.5490) <= 6e-5


def test_meta_dl_hksj_options(tmp_path: Path) -> None:
    args = ["meta", str(DATA / "dat_bcg_yi_vi.csv"), "--method", "dl", "--hksj", "--json"]
    result = runner.invoke(app, args)
    d = json.loads(result.output)
    # DERIVED (docs/references.md §1.2; PyMARE and statsmodels agree): DL+KH CI -1.10782 ... -0.32041
    assert d["method"] == "DL" and d["hksj"] and d["df"] == 12
    assert abs(d["ci95"][0] - -1.10782) <= 6e-6 and abs(d["ci95"][1] - -0.32041) <= 6e-6


def test_meta_group_data_and_ci_input(tmp_path: Path) -> None:
    groups = tmp_path / "g.csv"
    groups.write_text("study,n1,mean1,sd1,n2,mean2,sd2\nCarroll,60,94,22,60,92,20\nGrant,65,98,21,65,92,22\n"
                      "Peck,40,98,28,40,88,26\nDonat,200,94,19,200,82,17\nStewart,50,98,21,45,88,22\n"
                      "Young,85,96,21,85,92,22\n")
    d = json.loads(runner.invoke(app, ["meta", str(groups), "--json"]).output)
    # DERIVED in docs/references.md §2.2 (Chen & Peace data): REML mu 0.3607 (SE 0.1011)
    assert abs(d["estimate"] - 0.3607) <= 6e-5 and abs(d["se"] - 0.1011) <= 6e-5
    ci = tmp_path / "ci.csv"
    ci.write_text("study,estimate,ci_low,ci_high\nA,2.7,0.99,7.5\nB,2.30,1.3,4.1\n")
    result = runner.invoke(app, ["meta", str(ci), "--log", "--json"])
    assert "only 2 studies" in result.stderr
    d = json.loads(result.stdout)
    assert d["scale"] == "log" and d["k"] == 2


def test_meta_rejects_every_bad_row_with_exit_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("study,yi,vi\nA,0.1,0.2\nB,x,0.1\n,0.3,-1\n")
    result = runner.invoke(app, ["meta", str(bad)])
    assert result.exit_code == 2
    assert "line 3: yi = 'x'" in result.output and "line 4: study = ''" in result.output
    assert "line 4: vi = '-1'" in result.output
    header = tmp_path / "h.csv"
    header.write_text("name,effect\nA,1\n")
    result = runner.invoke(app, ["meta", str(header)])
    assert result.exit_code == 2 and "study,yi,vi" in result.output


@pytest.mark.parametrize("suffix", [".png", ".svg"])
def test_meta_writes_a_forest_plot(tmp_path: Path, suffix: str) -> None:
    out = tmp_path / f"forest{suffix}"
    result = runner.invoke(app, ["meta", str(DATA / "dat_bcg.csv"), "--plot", str(out)])
    assert result.exit_code == 0, result.output
    data = out.read_bytes()
    assert data.startswith(b"\x89PNG") if suffix == ".png" else b"<svg" in data[:200]


def test_meta_refuses_an_unknown_plot_type(tmp_path: Path) -> None:
    result = runner.invoke(app, ["meta", str(DATA / "dat_bcg.csv"), "--plot", str(tmp_path / "f.pdf")])
    assert result.exit_code == 2 and ".png or .svg" in result.output


def test_evidence_fibromyalgia_shows_studies_points_judgement_and_guidelines(tmp_path: Path) -> None:
    out = tmp_path / "fm.png"
    result = runner.invoke(app, ["evidence", "--condition", "fibromyalgia", "--plot", str(out)],
                           env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    assert "Li2014" in text and "Ughreja2021" in text and "Field2002" in text
    assert "SD 2.1 (Bernardy 2013" in text and "Minimally important difference: 1 point" in text
    assert "Nothing for fibromyalgia is pooled" in text
    assert "AWMF" in text and "not recommended" in text and "EULAR" in text
    assert out.read_bytes().startswith(b"\x89PNG")


def test_evidence_json_and_bad_condition() -> None:
    d = json.loads(runner.invoke(app, ["evidence", "--condition", "knee_osteoarthritis", "--json"]).output)
    assert d["pooled"][0]["meta"]["k"] == 2 and d["dose"]["minutes"] == 60
    result = runner.invoke(app, ["evidence", "--condition", "migraine"])
    assert result.exit_code == 2 and "fibromyalgia" in result.output


def test_meta_accepts_spaces_in_the_header(tmp_path: Path) -> None:
    f = tmp_path / "s.csv"
    f.write_text("study, yi, sei\nA,0.5,0.2\nB,0.1,0.1\nC,0.3,0.15\n")
    d = json.loads(runner.invoke(app, ["meta", str(f), "--json", "--method", "dl"]).output)
    assert d["k"] == 3 and d["method"] == "DL"
