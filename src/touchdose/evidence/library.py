"""The evidence library: curated massage studies as package data, validated on load.

Three CSV files under ``touchdose/evidence/data`` (curated from
``docs/evidence.md``): ``studies.csv`` (one row per study: citation,
identifiers, design, population, condition, dose), ``effects.csv`` (one row per
effect estimate: outcome, comparator, effect as published, its direction, how it
was verified, whether it may be pooled) and ``guidelines.csv`` (the fibromyalgia
guideline positions compared by Thieme 2017).

Parsing is pure (text in, records out); only :func:`load_library` reads the
package data, through :mod:`importlib.resources`. A malformed row raises
:class:`LibraryError` listing every problem with file, line, field and value.

Examples
--------
>>> lib = load_library()
>>> lib.study("Field2002").minutes, lib.study("Field2002").condition
(30, 'fibromyalgia')
>>> e = lib.effects_for("fibromyalgia", "pain")[0]
>>> e.study_id, e.estimate, round(e.normalised().effect, 2)
('Li2014', 0.62, -0.62)
"""

from __future__ import annotations

import csv
import functools
import io
import math
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from typing import Any

from touchdose.evidence.effects import Z_975
from touchdose.records import CONDITIONS, TECHNIQUES
from touchdose.types import Result, as_dict

#: Outcome domains an effect row may have.
EVIDENCE_OUTCOMES: tuple[str, ...] = (
    "pain", "function", "composite", "anxiety", "depression", "sleep", "fatigue", "quality_of_life",
    "headache_frequency", "responder", "adverse_events",
)
#: Effect types: standardized / raw mean difference, ratio measures, or a narrative finding without numbers.
EFFECT_TYPES: tuple[str, ...] = ("SMD", "MD", "RR", "OR", "narrative")
RATIO_TYPES: tuple[str, ...] = ("RR", "OR")
#: Study levels: a trial, or a review that pools its own trials (never pooled again).
LEVELS: tuple[str, ...] = ("trial", "review")
#: Verification tags of docs/evidence.md: V read verbatim, V2 via a secondary source quoting
#: the primary, D derived by us from verified numbers, U unverified.
STATUSES: tuple[str, ...] = ("V", "V2", "D", "U")
#: Certainty of a review's evidence as the review itself grades it (GRADE words, best first);
#: empty in studies.csv when the review does not grade it or the grade could not be read.
CERTAINTIES: tuple[str, ...] = ("high", "moderate", "low", "low to very low", "very low")
#: Which sign of the published estimate favours massage.
FAVOURS: tuple[str, ...] = ("negative", "positive", "above 1", "below 1")

_STUDY_COLUMNS = (
    "id", "citation", "year", "pmid", "doi", "design", "level", "population", "condition", "n_total",
    "minutes", "sessions_per_week", "weeks", "technique", "dose_status", "source", "certainty",
)
_EFFECT_COLUMNS = (
    "study_id", "outcome", "outcome_detail", "comparator", "timepoint", "effect_type", "scale", "estimate",
    "ci_low", "ci_high", "se", "favours_massage_if", "poolable", "pool_note", "status", "finding", "source",
)
_GUIDELINE_COLUMNS = ("guideline", "year", "citation", "doi", "massage_position", "status", "note", "source")


class LibraryError(ValueError):
    """The evidence library data is malformed; the message lists every bad field."""


@dataclass(frozen=True)
class Study(Result):
    """One study: citation, identifiers, design, population and the massage dose it used."""

    id: str
    citation: str
    year: int
    pmid: str | None
    doi: str | None
    design: str
    level: str
    population: str
    condition: str
    n_total: int | None
    minutes: int | None
    sessions_per_week: int | None
    weeks: int | None
    technique: str | None
    dose_status: str
    source: str
    certainty: str | None = None


@dataclass(frozen=True)
class Normalised:
    """An effect on the analysis scale with its direction normalised: negative = better with massage.

    Ratio measures are on the log scale. ``se`` is the reported SE or the 95 % interval width / 3.92.
    """

    effect: float
    ci_low: float | None
    ci_high: float | None
    se: float | None


@dataclass(frozen=True)
class Effect:
    """One effect estimate as published, with its direction, verification and poolability."""

    study_id: str
    outcome: str
    outcome_detail: str
    comparator: str
    timepoint: str
    effect_type: str
    scale: str | None
    estimate: float | None
    ci_low: float | None
    ci_high: float | None
    se: float | None
    favours_massage_if: str | None
    poolable: bool
    pool_note: str
    status: str
    finding: str
    source: str

    @property
    def has_interval(self) -> bool:
        """Whether the row carries an uncertainty (a CI or an SE)."""
        return self.se is not None or self.ci_low is not None

    def normalised(self) -> Normalised:
        """The effect with negative = better for massage (log scale for ratios).

        Examples
        --------
        >>> e = load_library().effects_for("neck_pain", "responder")[-1]
        >>> e.estimate, round(e.normalised().effect, 4), round(e.normalised().se or 0, 4)
        (2.7, -0.9933, 0.5166)
        """
        if self.estimate is None:
            raise ValueError(f"{self.study_id}: a narrative row has no effect to normalise")
        ratio = self.effect_type in RATIO_TYPES
        f: Callable[[float], float] = math.log if ratio else float
        sign = -1.0 if self.favours_massage_if in ("positive", "above 1") else 1.0
        est = sign * f(self.estimate)
        lo = hi = None
        if self.ci_low is not None and self.ci_high is not None:
            lo, hi = sorted((sign * f(self.ci_low), sign * f(self.ci_high)))
        se = self.se
        if se is None and lo is not None and hi is not None:
            se = (hi - lo) / (2 * Z_975)
        return Normalised(est, lo, hi, se)

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict, with the normalised effect when there is one."""
        return as_dict(self, normalised=self.normalised() if self.estimate is not None else None)


@dataclass(frozen=True)
class Guideline(Result):
    """A guideline's position on massage for fibromyalgia, with what was verified."""

    guideline: str
    year: int
    citation: str
    doi: str | None
    massage_position: str
    status: str
    note: str
    source: str


@dataclass(frozen=True)
class Library:
    """The whole curated library."""

    studies: tuple[Study, ...]
    effects: tuple[Effect, ...]
    guidelines: tuple[Guideline, ...]

    def study(self, study_id: str) -> Study:
        """The study with this id (``KeyError`` if absent)."""
        for s in self.studies:
            if s.id == study_id:
                return s
        raise KeyError(study_id)

    def effects_for(self, condition: str | None = None, outcome: str | None = None) -> tuple[Effect, ...]:
        """Effect rows for a condition and/or outcome (``None`` = any), in file order."""
        cond = {s.id: s.condition for s in self.studies}
        return tuple(
            e for e in self.effects
            if (condition is None or cond[e.study_id] == condition)
            and (outcome is None or e.outcome == outcome)
        )

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict."""
        return as_dict(self)


class _Row:
    """Field reader for one CSV row that collects problems instead of stopping at the first."""

    def __init__(self, file: str, line: int, row: dict[str, str], problems: list[str]) -> None:
        self.file, self.line, self.row, self.problems = file, line, row, problems

    def bad(self, field: str, allowed: str) -> None:
        self.problems.append(f"{self.file} line {self.line}: {field} = {self.row.get(field, '')!r} "
                             f"is not allowed (allowed: {allowed})")

    def text(self, field: str, *, required: bool = True) -> str:
        value = (self.row.get(field) or "").strip()
        if required and not value:
            self.bad(field, "a non-empty value")
        return value

    def opt(self, field: str) -> str | None:
        value = self.text(field, required=False)
        return None if value in ("", "NA") else value

    def choice(self, field: str, allowed: tuple[str, ...], *, required: bool = True) -> str | None:
        value = self.opt(field)
        if value is None and not required:
            return None
        if value not in allowed:
            self.bad(field, "one of " + ", ".join(allowed))
        return value

    def integer(self, field: str, low: int, high: int, *, required: bool = False) -> int | None:
        value = self.opt(field)
        if value is None:
            if required:
                self.bad(field, f"a whole number {low}-{high}")
            return None
        try:
            number = int(value)
        except ValueError:
            number = low - 1
        if not low <= number <= high:
            self.bad(field, f"a whole number {low}-{high}")
            return None
        return number

    def number(self, field: str) -> float | None:
        value = self.opt(field)
        if value is None:
            return None
        try:
            number = float(value)
        except ValueError:
            number = math.nan
        if not math.isfinite(number):
            self.bad(field, "a number or empty")
            return None
        return number


def _rows(text: str, file: str, columns: tuple[str, ...], problems: list[str]) -> list[_Row]:
    reader = csv.DictReader(io.StringIO(text))
    if tuple(reader.fieldnames or ()) != columns:
        got = ",".join(reader.fieldnames or [])
        raise LibraryError(f"{file}: header must be {','.join(columns)} (got {got})")
    out = []
    for row in reader:
        if None in row or any(v is None for v in row.values()):
            problems.append(f"{file} line {reader.line_num}: expected {len(columns)} fields")
            continue
        out.append(_Row(file, reader.line_num, row, problems))
    return out


def _study(r: _Row) -> Study:
    doi = r.opt("doi")
    if doi is not None and not doi.startswith("10."):
        r.bad("doi", "a DOI starting with 10. or empty")
    pmid = r.opt("pmid")
    if pmid is not None and not pmid.isdigit():
        r.bad("pmid", "digits or empty")
    return Study(
        id=r.text("id"), citation=r.text("citation"), year=r.integer("year", 1900, 2100, required=True) or 0,
        pmid=pmid, doi=doi, design=r.text("design"), level=r.choice("level", LEVELS) or "",
        population=r.text("population"), condition=r.choice("condition", CONDITIONS) or "",
        n_total=r.integer("n_total", 1, 1_000_000), minutes=r.integer("minutes", 1, 240),
        sessions_per_week=r.integer("sessions_per_week", 1, 14), weeks=r.integer("weeks", 1, 104),
        technique=r.choice("technique", TECHNIQUES, required=False), dose_status=r.text("dose_status"),
        source=r.text("source"), certainty=r.choice("certainty", CERTAINTIES, required=False),
    )


def parse_studies(text: str) -> tuple[Study, ...]:
    """Parse and validate ``studies.csv`` text; raise :class:`LibraryError` listing every problem."""
    problems: list[str] = []
    studies = tuple(_study(r) for r in _rows(text, "studies.csv", _STUDY_COLUMNS, problems))
    seen: set[str] = set()
    for s in studies:
        if s.id in seen:
            problems.append(f"studies.csv: id {s.id!r} appears twice")
        seen.add(s.id)
    if problems:
        raise LibraryError("; ".join(problems))
    return studies


def _check_effect(r: _Row, e: Effect, levels: dict[str, str]) -> None:
    if e.effect_type == "narrative":
        if e.estimate is not None or not e.finding:
            r.bad("estimate", "empty for a narrative row, which needs a finding")
        if e.poolable:
            r.bad("poolable", "no for a narrative row")
        return
    if e.estimate is None:
        r.bad("estimate", f"a number for a {e.effect_type} row")
        return
    if e.favours_massage_if is None:
        r.bad("favours_massage_if", "one of " + ", ".join(FAVOURS))
    ratio = e.effect_type in RATIO_TYPES
    if ratio and e.estimate <= 0:
        r.bad("estimate", "a positive ratio")
    if (e.ci_low is None) != (e.ci_high is None):
        r.bad("ci_high", "both interval ends or neither")
    elif e.ci_low is not None and e.ci_high is not None and not e.ci_low <= e.estimate <= e.ci_high:
        r.bad("ci_low", "an interval that contains the estimate")
    if e.se is not None and e.se <= 0:
        r.bad("se", "a positive standard error")
    if e.effect_type == "MD" and e.scale is None:
        r.bad("scale", "the scale of a mean difference, e.g. 0-10")
    if e.poolable and levels.get(e.study_id) != "trial":
        r.bad("poolable", "no for a review (its trials would be counted twice)")
    if e.poolable and not e.has_interval:
        r.bad("poolable", "no for a row without a CI or SE")


def _effect(r: _Row, levels: dict[str, str]) -> Effect:
    study_id = r.text("study_id")
    if study_id not in levels:
        r.bad("study_id", "the id of a study in studies.csv")
    poolable = r.choice("poolable", ("yes", "no")) == "yes"
    e = Effect(
        study_id=study_id, outcome=r.choice("outcome", EVIDENCE_OUTCOMES) or "",
        outcome_detail=r.text("outcome_detail"),
        comparator=r.text("comparator"), timepoint=r.text("timepoint"),
        effect_type=r.choice("effect_type", EFFECT_TYPES) or "", scale=r.opt("scale"),
        estimate=r.number("estimate"), ci_low=r.number("ci_low"), ci_high=r.number("ci_high"),
        se=r.number("se"),
        favours_massage_if=r.choice("favours_massage_if", FAVOURS, required=False), poolable=poolable,
        pool_note=r.text("pool_note", required=not poolable), status=r.choice("status", STATUSES) or "",
        finding=r.text("finding", required=False), source=r.text("source"),
    )
    _check_effect(r, e, levels)
    return e


def parse_effects(text: str, studies: tuple[Study, ...]) -> tuple[Effect, ...]:
    """Parse and validate ``effects.csv`` text against the studies; raise :class:`LibraryError`."""
    problems: list[str] = []
    levels = {s.id: s.level for s in studies}
    effects = tuple(_effect(r, levels) for r in _rows(text, "effects.csv", _EFFECT_COLUMNS, problems))
    if problems:
        raise LibraryError("; ".join(problems))
    return effects


def parse_guidelines(text: str) -> tuple[Guideline, ...]:
    """Parse and validate ``guidelines.csv`` text; raise :class:`LibraryError`."""
    problems: list[str] = []
    out = []
    for r in _rows(text, "guidelines.csv", _GUIDELINE_COLUMNS, problems):
        status = r.text("status")
        if status.split(" ")[0] not in STATUSES:
            r.bad("status", "V, V2, D or U, optionally followed by a note")
        out.append(Guideline(
            guideline=r.text("guideline"), year=r.integer("year", 1900, 2100, required=True) or 0,
            citation=r.text("citation"), doi=r.opt("doi"), massage_position=r.text("massage_position"),
            status=status, note=r.text("note"), source=r.text("source"),
        ))
    if problems:
        raise LibraryError("; ".join(problems))
    return tuple(out)


def parse_library(studies_csv: str, effects_csv: str, guidelines_csv: str) -> Library:
    """Build a :class:`Library` from the three CSV texts (pure; used by tests and :func:`load_library`)."""
    studies = parse_studies(studies_csv)
    return Library(studies, parse_effects(effects_csv, studies), parse_guidelines(guidelines_csv))


@functools.cache
def load_library() -> Library:
    """Load and validate the library shipped with touchdose (cached).

    Returns
    -------
    Library
        Studies, effect rows and guideline positions.

    Raises
    ------
    LibraryError
        If the packaged data is malformed (a test guards against this).
    """
    data = resources.files("touchdose.evidence") / "data"
    names = ("studies.csv", "effects.csv", "guidelines.csv")
    texts = [(data / name).read_text(encoding="utf-8") for name in names]
    return parse_library(*texts)
