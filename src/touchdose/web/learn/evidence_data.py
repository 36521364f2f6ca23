"""What the evidence page shows, gathered from :mod:`touchdose.evidence` and drawn with the forest plot.

Everything here is published data from the packaged library; nothing about any client.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from touchdose.evidence.library import RATIO_TYPES
from touchdose.evidence.summary import EvidenceRow, EvidenceSummary, PooledEffect, evidence_summary
from touchdose.reports.charts import Chart
from touchdose.reports.charts.forest import Z_975, forest_plot

#: Status tags of the library (touchdose.evidence.library.STATUSES) in words.
STATUS_WORDS = {
    "V": "read in the source",
    "V2": "read in a source quoting it",
    "D": "derived by us from published numbers",
    "U": "not verified",
}
#: Judgement kinds (touchdose.evidence.summary.JUDGEMENTS) that the page marks as "too small to feel".
SMALL = frozenset({"too_small_to_feel"})
LABEL_CHARS = 28  # forest-plot row labels longer than this are shortened (the table has them in full)


def _label(number: int, row: EvidenceRow) -> str:
    """``#3 Li2014, post-treatment``: the number is the row's number in the studies table."""
    text = f"#{number} {row.study_id}, {row.timepoint}" if row.timepoint else f"#{number} {row.study_id}"
    return text if len(text) <= LABEL_CHARS else text[: LABEL_CHARS - 1] + "…"


def _vi(lo: float, hi: float) -> float:
    return ((hi - lo) / (2 * Z_975)) ** 2


def points_forest(summary: EvidenceSummary) -> Chart | None:
    """Every pain result that can be put in points, side by side (never pooled: reviews share trials)."""
    numbered = [(i, r) for i, r in enumerate(summary.rows, 1) if r.points is not None and r.points_ci95]
    if not numbered:
        return None
    rows = [r for _, r in numbered]
    return forest_plot(
        [_label(i, r) for i, r in numbered],
        [float(r.points) for r in rows if r.points is not None],
        [_vi(*r.points_ci95) for r in rows if r.points_ci95 is not None],
        None,
        xlabel="Points on 0-10 (negative = less pain)",
        title="Pain results in points",
        mid=summary.mid_points,
    )


def _mid_on_scale(p: PooledEffect, summary: EvidenceSummary) -> float | None:
    """The MID on the pooled effect's own scale, when it is a pain effect that translates to points."""
    if p.points is None or not p.meta.estimate:
        return None
    return summary.mid_points * abs(p.meta.estimate / p.points)


def pooled_forest(p: PooledEffect, summary: EvidenceSummary) -> Chart:
    """The trials of one pool with the pooled diamond and the prediction interval."""
    numbered = [
        (i, r)
        for i, r in enumerate(summary.rows, 1)
        if r.study_id in p.study_ids
        and r.outcome == p.outcome
        and r.effect_type == p.effect_type
        and r.poolable
        and r.effect is not None
        and r.se is not None
    ]
    rows = [r for _, r in numbered]
    return forest_plot(
        [_label(i, r) for i, r in numbered],
        [float(r.effect) for r in rows if r.effect is not None],
        [float(r.se) ** 2 for r in rows if r.se is not None],
        p.meta.to_dict(),
        log_scale=p.effect_type in RATIO_TYPES,
        xlabel=f"{p.effect_type} (negative = better)",
        title=f"Pooled {p.outcome.replace('_', ' ')}",
        mid=_mid_on_scale(p, summary),
    )


@dataclass(frozen=True)
class PooledView:
    pooled: PooledEffect
    chart: Chart

    @property
    def small(self) -> bool:
        return self.pooled.judgement.kind in SMALL


@lru_cache(maxsize=16)
def page_data_cached(condition: str | None) -> dict[str, Any]:
    summary = evidence_summary(condition)
    return {
        "condition": condition,
        "summary": summary,
        "rows": summary.rows,
        "pooled": [PooledView(p, pooled_forest(p, summary)) for p in summary.pooled],
        "points_chart": points_forest(summary),
        "guidelines": summary.guidelines,
        "dose": summary.dose,
        "status_words": STATUS_WORDS,
        "small_count": sum(r.judgement.kind in SMALL for r in summary.rows),
    }


def page_data(condition: str | None) -> dict[str, Any]:
    """The evidence page's context for one condition (``None``: every condition)."""
    return dict(page_data_cached(condition))
