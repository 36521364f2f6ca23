"""PGIC: appendix 8 "pgic" vectors and worked examples P1-P4 (docs/instruments.md 3.5-3.6)."""

from __future__ import annotations

from typing import Any

import pytest

from touchdose.instruments.pgic import PGIC_LABELS, score_pgic

# (code, label, Farrar 2001 responder = much/very much improved, IMMPACT level per Dworkin 2008 Table 1)
PGIC_VECTORS = [
    (1, "Very much improved", True, "substantial"),
    (2, "Much improved", True, "moderate"),  # P1
    (3, "Minimally improved", False, "minimal"),  # P2
    (4, "No change", False, "none"),  # P3
    (6, "Much worse", False, "worse"),  # P4
]


@pytest.mark.parametrize(("code", "label", "responder", "immpact"), PGIC_VECTORS)
def test_pgic_vectors(code: int, label: str, responder: bool, immpact: str) -> None:
    r = score_pgic(code)
    assert (r.label, r.responder, r.immpact) == (label, responder, immpact)
    assert r.to_dict() == {"code": code, "label": label, "responder": responder, "immpact": immpact}


def test_all_seven_labels_and_only_two_responders() -> None:
    assert [score_pgic(c).responder for c in range(1, 8)] == [True, True] + [False] * 5
    assert PGIC_LABELS[5] == "Minimally worse" and PGIC_LABELS[7] == "Very much worse"


@pytest.mark.parametrize("bad", [0, 8, 2.0, True, "2"])
def test_pgic_rejects(bad: Any) -> None:
    with pytest.raises(ValueError, match=r"pgic = .* \(allowed: a whole number 1-7"):
        score_pgic(bad)
