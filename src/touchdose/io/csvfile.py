"""The CSV client file of docs/formats.md: one row per session or check-in.

The profile is not part of the CSV; it comes from ``--client-json`` or options.
Three optional columns extend the published header (docs/formats.md allows adding
optional fields): ``relaxation_after`` and ``therapist`` (sessions) and ``red_flags``
(check-ins, a ``;``-separated list); the writer adds them only when a record uses them,
so files without them stay byte-for-byte docs/formats.md.
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
RECORD_KINDS = ("session", "checkin")


# --- writing ---------------------------------------------------------------------


def _cell(value: Any) -> str:
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
            **{k: _cell(getattr(c, k)) for k in CHECKIN_COLUMNS if k in header},
        }
        rows.append((c.time, 0, row))
    for s in cf.sessions:
        cells = {k: _cell(getattr(s, k)) for k in SESSION_COLUMNS if k in header}
        rows.append((s.start, 1, {"record": "session", "time": s.start.isoformat(), **cells}))
    rows.sort(key=lambda r: (r[0], r[1]))
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, lineterminator="\n", extrasaction="raise")
    writer.writeheader()
    for _, _, row in rows:
        writer.writerow(row)
    return out.getvalue()


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
    if column in _TEXT_COLUMNS:
        return value
    return number_from_text(value)
