"""The report's evidence: the client's condition and massage, by weight and certainty, not the newest."""

from __future__ import annotations

import pytest

from touchdose.evidence.chosen import evidence_for_client
from touchdose.evidence.library import load_library


def test_a_swedish_massage_client_is_not_shown_a_myofascial_release_review() -> None:
    # Ughreja 2021 (the newest fibromyalgia review) pooled myofascial release only; Li 2014 pooled
    # massage in general (9 trials, 404 people): the fit for Swedish massage.
    chosen = evidence_for_client("fibromyalgia", ("swedish",))
    assert chosen is not None and chosen.row.study_id == "Li2014"
    assert chosen.certainty == "not graded by the review"


def test_a_myofascial_release_client_gets_the_graded_review() -> None:
    # Ughreja 2021 grades its evidence "moderate" (docs/evidence.md 11); Li 2014 does not grade it.
    chosen = evidence_for_client("fibromyalgia", ("myofascial_release", "swedish"))
    assert chosen is not None and chosen.study.id == "Ughreja2021" and chosen.certainty == "moderate"
    assert "myofascial release, as in your sessions" in chosen.why


def test_other_technique_means_massage_in_general() -> None:
    chosen = evidence_for_client("fibromyalgia", ("other",))
    assert chosen is not None and chosen.study.technique is None


def test_a_review_with_more_people_beats_a_single_trial() -> None:
    # Low back pain: Furlan 2015 (Cochrane, 25 trials, 3,096 people, low to very low certainty)
    # over Cherkin 2011 (one trial, 401 people).
    chosen = evidence_for_client("low_back_pain", ("swedish",))
    assert chosen is not None and chosen.study.id == "Furlan2015"
    assert chosen.certainty == "low to very low" and "3,096 people" in chosen.why


def test_nothing_in_points_gives_none() -> None:
    assert evidence_for_client("tension_headache") is None


def test_certainty_must_be_a_known_grade() -> None:
    from importlib import resources

    from touchdose.evidence.library import LibraryError, parse_studies

    text = (resources.files("touchdose.evidence") / "data" / "studies.csv").read_text(encoding="utf-8")
    bad = text.replace(",moderate\n", ",fairly good\n", 1)
    with pytest.raises(LibraryError, match="certainty"):
        parse_studies(bad)
    assert {s.certainty for s in load_library().studies} >= {None, "moderate", "low to very low"}
