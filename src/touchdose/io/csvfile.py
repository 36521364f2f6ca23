"""The CSV client file of docs/formats.md: one row per session or check-in.

The profile is not part of the CSV; it comes from ``--client-json`` or options.
Three optional columns extend the published header (docs/formats.md allows adding
optional fields): ``relaxation_after`` and ``therapist`` (sessions) and ``red_flags``
(check-ins, a ``;``-separated list); the writer adds them only when a record uses them,
so files without them stay byte-for-byte docs/formats.md.

Free text (a note, a therapist's name) that a spreadsheet would run as a formula is written with a
leading apostrophe and read back without it (:func:`neutralise`, :func:`restore`; OWASP "CSV
Injection"), so the file is safe to open and still re-imports exactly.
"""

from __future__ import annotations

import csv
import io
from datetime import tzinfo
from typing import Any

from touchdose.io._build import BuildContext, build_checkin, build_session
from touchdose.io._values import number_from_text, split_list
from touchdose.io.problems import FileRejected, RowProblem
from touchdose.records import CheckIn, ClientFile, ClientProfile, Session

COLUMNS: tuple[str, ...] = (
    "record", "time", "pain", "pain_before", "pain_during_max", "pain_after", "pressure", "minutes",
    "technique", "regions", "fatigue", "sleep_hours", "sleep_quality", "mood", "flare", "rescue_doses",
    "activity_minutes", "adverse", "note",
)  # fmt: skip
OPTIONAL_COLUMNS: tuple[str, ...] = ("relaxation_after", "therapist", "red_flags")
SESSION_COLUMNS = (
    "pain_before", "pain_during_max", "pain_after", "pressure", "minutes", "technique", "regions",
    "adverse", "note", "relaxation_after", "therapist",
)  # fmt: skip
CHECKIN_COLUMNS = (
    "pain", "fatigue", "sleep_hours", "sleep_quality", "mood", "flare", "rescue_doses", "activity_minutes",
    "note", "red_flags",
)  # fmt: skip
_LIST_COLUMNS = {"technique", "regions", "adverse", "red_flags"}
_TEXT_COLUMNS = {"note", "therapist", "flare", "time"}
#: The columns of free text, the only ones a formula can hide in (numbers, times, booleans and
#: the vocabularies' words never start with one of :data:`FORMULA_STARTS`).
FREE_TEXT_COLUMNS = ("note", "therapist")
RECORD_KINDS = ("session", "checkin")
#: The first characters that make a spreadsheet read a cell as a formula (OWASP, "CSV Injection":
#: docs/security.md), and the apostrophe that makes it plain text again.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
FORMULA_GUARD = "'"


def neutralise(text: str) -> str:
    """``text`` as a CSV cell a spreadsheet shows as text: an apostrophe before a leading formula
    character (and before text that already starts with apostrophes and then one, so that
    :func:`restore` can always tell the two apart).

    Examples
    --------
    >>> neutralise("=SUM(A1)"), neutralise("-1"), neutralise("fine")
    ("'=SUM(A1)", "'-1", 'fine')
    >>> neutralise("'=1"), neutralise("it's ok")
    ("''=1", "it's ok")
    """
    return FORMULA_GUARD + text if text.lstrip(FORMULA_GUARD).startswith(FORMULA_STARTS) else text


def restore(cell: str) -> str:
    """The text :func:`neutralise` was given: ``restore(neutralise(t)) == t`` for every ``t``.

    Examples
    --------
    >>> restore("'=1+1"), restore("''=1"), restore("'quoted'")
    ('=1+1', "'=1", "'quoted'")
    """
    guarded = cell.startswith(FORMULA_GUARD) and cell.lstrip(FORMULA_GUARD).startswith(FORMULA_STARTS)
    return cell[len(FORMULA_GUARD) :] if guarded else cell


# --- writing ---------------------------------------------------------------------


def _cell(value: Any, column: str = "") -> str:
    if isinstance(value, str) and column in FREE_TEXT_COLUMNS:
        return neutralise(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, tuple):
        return ";".join(value)
    if isinstance(value, float):
        return repr(value)
    return str(value)


def _used(cf: ClientFile, column: str) -> bool:
    """Whether any record fills an optional column (empty lists and ``None`` do not count)."""
    records = cf.sessions if column in SESSION_COLUMNS else cf.checkins
    return any(getattr(r, column) not in (None, ()) for r in records)


def dumps(cf: ClientFile) -> str:
    """The sessions and check-ins of ``cf`` as CSV text (time order, check-ins before sessions on ties)."""
    header = [*COLUMNS, *(c for c in OPTIONAL_COLUMNS if _used(cf, c))]
    rows: list[tuple[Any, int, dict[str, str]]] = []
    for c in cf.checkins:
        row = {
            "record": "checkin",
            "time": c.time.isoformat(),
            **{k: _cell(getattr(c, k), k) for k in CHECKIN_COLUMNS if k in header},
        }
        rows.append((c.time, 0, row))
    for s in cf.sessions:
        cells = {k: _cell(getattr(s, k), k) for k in SESSION_COLUMNS if k in header}
        rows.append((s.start, 1, {"record": "session", "time": s.start.isoformat(), **cells}))
    rows.sort(key=lambda r: (r[0], r[1]))
    lines = [_line(header), *(_line([row.get(column, "") for column in header]) for _, _, row in rows)]
    return "".join(lines)


def _line(cells: list[str]) -> str:
    """One CSV line: a cell holding a comma, a quote or a line break (``\\r`` too, which the csv
    module leaves bare when lines end in ``\\n``) in double quotes, its quotes doubled."""
    return ",".join(_quoted(cell) for cell in cells) + "\n"


def _quoted(cell: str) -> str:
    return '"' + cell.replace('"', '""') + '"' if any(ch in cell for ch in ',"\r\n') else cell


# --- reading ---------------------------------------------------------------------


def loads(
    text: str, *, profile: ClientProfile, zone: tzinfo, source: str = "<data>"
) -> tuple[ClientFile, int]:
    """Parse CSV text; return the client file and how many times had no UTC offset.

    Raises :class:`FileRejected` listing every bad row (line, field, value, allowed).
    """
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""))
    try:
        header = next(reader)
    except (StopIteration, csv.Error):
        raise FileRejected(  # noqa: B904 - the CSV error adds nothing for the reader
            source, [RowProblem("line 1", "file", "header", "", "a header row: " + ",".join(COLUMNS))]
        )
    header = [h.strip() for h in header]
    problems = _header_problems(header)
    if problems:
        raise FileRejected(source, problems)
    ctx = BuildContext(zone=zone)
    sessions: list[Session] = []
    checkins: list[CheckIn] = []
    try:
        for cells in reader:
            where = f"line {reader.line_num}"
            if not any(c.strip() for c in cells):
                continue  # blank lines are harmless
            _read_row(dict(zip(header, cells, strict=False)), cells, header, where, ctx, sessions, checkins)
    except csv.Error as e:
        ctx.problems.append(RowProblem(f"line {reader.line_num}", "file", "csv", str(e), "well-formed CSV"))
    if ctx.problems:
        raise FileRejected(source, ctx.problems)
    return ClientFile(client=profile, sessions=tuple(sessions), checkins=tuple(checkins)), ctx.naive_times


def _header_problems(header: list[str]) -> list[RowProblem]:
    known = (*COLUMNS, *OPTIONAL_COLUMNS)
    problems = [RowProblem("line 1", "file", "header", h, "a known column: " + ", ".join(known))
                for h in header if h not in known]  # fmt: skip
    for required in ("record", "time"):
        if required not in header:
            problems.append(
                RowProblem("line 1", "file", "header", ",".join(header)[:60], f"a {required} column")
            )
    if len(set(header)) != len(header):
        problems.append(RowProblem("line 1", "file", "header", ",".join(header)[:60], "each column once"))
    return problems


def _read_row(
    row: dict[str, str],
    cells: list[str],
    header: list[str],
    where: str,
    ctx: BuildContext,
    sessions: list[Session],
    checkins: list[CheckIn],
) -> None:
    kind = row.get("record", "").strip().lower()
    if len(cells) > len(header):
        ctx.problems.append(
            RowProblem(where, kind or "row", "cells", len(cells), f"at most {len(header)} cells")
        )
        return
    if kind not in RECORD_KINDS:
        ctx.problems.append(RowProblem(where, "row", "record", row.get("record", ""), "session or checkin"))
        return
    own = SESSION_COLUMNS if kind == "session" else CHECKIN_COLUMNS
    raw: dict[str, Any] = {("start" if kind == "session" else "time"): row.get("time", "")}
    for column in header:
        value = row.get(column, "")
        if column in ("record", "time") or value == "" or (not value.strip() and column != "note"):
            continue
        if column not in own:
            ctx.problems.append(RowProblem(where, kind, column, value, f"empty in a {kind} row"))
            continue
        raw[column] = _convert(column, value)
    record = build_session(raw, where, ctx) if kind == "session" else build_checkin(raw, where, ctx)
    if isinstance(record, Session):
        sessions.append(record)
    elif isinstance(record, CheckIn):
        checkins.append(record)


def _convert(column: str, value: str) -> Any:
    if column in _LIST_COLUMNS:
        return split_list(value)
    if column in FREE_TEXT_COLUMNS:
        return restore(value)
    if column in _TEXT_COLUMNS:
        return value
    return number_from_text(value)
