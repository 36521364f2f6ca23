"""The ``touchdose meta`` input table (docs/formats.md "Meta-analysis input"), validated row by row.

Pure: takes the header and rows already read from a CSV file and returns the
study labels with ``yi``/``vi``. Accepted column sets (``study`` always first):

* ``study,yi,vi`` or ``study,yi,sei`` - effects with their variance or standard error;
* ``study,n1,mean1,sd1,n2,mean2,sd2`` - group data, Hedges' g as metafor ``escalc("SMD")``;
* ``study,estimate,ci_low,ci_high`` - an estimate and its 95 % CI (``log=True`` for ratio measures);
* ``study,ai,bi,ci,di`` - 2x2 counts (events / non-events per group), log RR or log OR.

Examples
--------
>>> t = parse_meta_table(["study", "yi", "sei"], [{"study": "A", "yi": "0.5", "sei": "0.2"},
...                                                 {"study": "B", "yi": "0.1", "sei": "0.1"}])
>>> t.labels, t.kind, [round(v, 3) for v in t.vi]
(('A', 'B'), 'yi_sei', [0.04, 0.01])
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from touchdose.evidence.effects import EffectSizes, from_ci, from_sei, log_odds_ratio, log_risk_ratio, smd

#: Column sets by input kind (after ``study``).
INPUT_KINDS: dict[str, tuple[str, ...]] = {
    "yi_vi": ("yi", "vi"),
    "yi_sei": ("yi", "sei"),
    "groups": ("n1", "mean1", "sd1", "n2", "mean2", "sd2"),
    "ci": ("estimate", "ci_low", "ci_high"),
    "counts": ("ai", "bi", "ci", "di"),
}
#: 2x2 measures for count input.
COUNT_MEASURES: tuple[str, ...] = ("RR", "OR")
#: Most problems listed in one error before the rest are only counted (docs/formats.md "Errors").
MAX_LISTED = 50


class MetaInputError(ValueError):
    """The table is malformed; ``problems`` lists each one (line, field, value, what is allowed)."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = tuple(problems)
        shown = list(self.problems[:MAX_LISTED])
        if len(self.problems) > MAX_LISTED:
            shown.append(f"... and {len(self.problems) - MAX_LISTED} more")
        super().__init__("\n".join(shown))


@dataclass(frozen=True)
class MetaTable:
    """A validated meta-analysis input: labels, effects, variances, and what the input was."""

    labels: tuple[str, ...]
    yi: tuple[float, ...]
    vi: tuple[float, ...]
    kind: str
    log_scale: bool


_RULES = {"ai": "a whole number >= 0", "bi": "a whole number >= 0", "ci": "a whole number >= 0",
          "di": "a whole number >= 0", "n1": "a whole number > 0", "n2": "a whole number > 0"}


def detect_kind(header: Sequence[str]) -> str:
    """Which input kind a header is; raise :class:`MetaInputError` naming the accepted headers."""
    cols = [c.strip() for c in header]
    if cols and cols[0] == "study":
        for kind, needed in INPUT_KINDS.items():
            if tuple(cols[1:]) == needed:
                return kind
    accepted = "; ".join("study," + ",".join(c) for c in INPUT_KINDS.values())
    raise MetaInputError([f"line 1: header {','.join(cols)!r} is not allowed (allowed: {accepted})"])


def _numbers(kind: str, rows: Sequence[Mapping[str, str]]) -> tuple[list[str], list[list[float]], list[str]]:
    labels: list[str] = []
    columns: list[list[float]] = [[] for _ in INPUT_KINDS[kind]]
    problems: list[str] = []
    positive = {"vi", "sei", "n1", "n2", "sd1", "sd2"}
    counts = {"ai", "bi", "ci", "di"}
    for line, row in enumerate(rows, start=2):
        label = (row.get("study") or "").strip()
        if not label:
            problems.append(f"line {line}: study = '' is not allowed (allowed: a non-empty name)")
        labels.append(label)
        for j, name in enumerate(INPUT_KINDS[kind]):
            raw = (row.get(name) or "").strip()
            try:
                value = float(raw)
            except ValueError:
                value = math.nan
            ok = math.isfinite(value)
            if name in positive:
                ok = ok and value > 0
            if name in counts or name in ("n1", "n2"):
                ok = ok and value >= 0 and value == int(value)
            if not ok:
                rule = _RULES.get(name, "a positive number" if name in positive else "a number")
                problems.append(f"line {line}: {name} = {raw!r} is not allowed (allowed: {rule})")
            columns[j].append(value)
    return labels, columns, problems


def parse_meta_table(
    header: Sequence[str], rows: Sequence[Mapping[str, str]], *, log: bool = False, measure: str = "RR"
) -> MetaTable:
    """Validate a meta-analysis table and compute ``yi``/``vi``.

    Parameters
    ----------
    header : sequence of str
        The CSV header (decides the input kind, see :data:`INPUT_KINDS`).
    rows : sequence of mappings
        One mapping per data row (column name to text), as :class:`csv.DictReader` gives.
    log : bool
        For ``estimate,ci_low,ci_high``: a ratio measure, analysed on the log scale.
    measure : {"RR", "OR"}
        For 2x2 counts: log risk ratio or log odds ratio.

    Returns
    -------
    MetaTable

    Raises
    ------
    MetaInputError
        Listing every bad row (line number, field, value, what is allowed).

    Notes
    -----
    ``sei`` becomes ``vi = sei²``; group data become Hedges' g with the exact correction and
    metafor's LS variance; a 95 % CI becomes ``se = width / (2 x 1.96)`` (on the log scale with
    ``log``); counts follow metafor ``escalc`` with 1/2 added to tables with a zero cell.
    """
    kind = detect_kind(header)
    if measure.upper() not in COUNT_MEASURES:
        raise MetaInputError([f"measure = {measure!r} is not allowed (allowed: rr or or)"])
    labels, cols, problems = _numbers(kind, rows)
    if kind == "ci":
        for i, (est, lo, hi) in enumerate(zip(*cols, strict=True)):
            if all(math.isfinite(x) for x in (est, lo, hi)) and not (lo <= est <= hi and lo < hi):
                problems.append(f"line {i + 2}: ci_low <= estimate <= ci_high is required "
                                f"(got {lo:g}, {est:g}, {hi:g})")
            elif log and min(est, lo, hi) <= 0:
                problems.append(f"line {i + 2}: estimate = {est:g} is not allowed with --log "
                                "(allowed: positive ratios and interval ends)")
    if len(labels) < 2 and not problems:
        problems.append(f"the table has {len(labels)} studies (allowed: at least 2)")
    if problems:
        raise MetaInputError(problems)
    try:
        es = _effects(kind, cols, log=log, measure=measure.upper())
    except ValueError as e:
        raise MetaInputError([str(e)]) from None
    return MetaTable(tuple(labels), es.yi, es.vi, kind, log_scale=(kind == "ci" and log) or kind == "counts")


def _effects(kind: str, c: list[list[float]], *, log: bool, measure: str) -> EffectSizes:
    if kind == "yi_vi":
        return EffectSizes(tuple(c[0]), tuple(c[1]), "GENERIC")
    if kind == "yi_sei":
        return from_sei(c[0], c[1])
    if kind == "groups":
        return smd(*c)
    if kind == "ci":
        return from_ci(c[0], c[1], c[2], log=log)
    return (log_risk_ratio if measure == "RR" else log_odds_ratio)(*c)
