"""The forest plot: deterministic SVG, alt text with the pooled numbers, PNG on demand."""

from __future__ import annotations

from touchdose.evidence.meta import meta_analysis
from touchdose.reports.charts.forest import forest_plot


def test_forest_plot_is_deterministic_and_described() -> None:
    yi, vi = [-0.5, -0.2, -0.9], [0.04, 0.09, 0.06]
    pooled = meta_analysis(yi, vi, method="DL").to_dict()
    a = forest_plot(["A", "B", "C"], yi, vi, pooled, title="Test")
    b = forest_plot(["A", "B", "C"], yi, vi, pooled, title="Test")
    assert a.svg == b.svg and a.svg.startswith("<svg")
    assert f"{pooled['estimate']:.2f}" in a.alt and "3 studies" in a.alt
    assert a.png(dpi=60).startswith(b"\x89PNG")


def test_forest_plot_without_studies_says_so() -> None:
    chart = forest_plot([], [], [], None, title="Empty")
    assert "No studies" in chart.alt
