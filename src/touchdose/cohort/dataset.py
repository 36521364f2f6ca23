"""Many clients on disk: the client-file Parquet dataset, and where a cohort's clients come from.

A client dataset is a directory of Parquet files (``part-00000.parquet``, ...), partitioned by
client: one row per client, holding the whole docs/formats.md client file in nested columns
(``client`` a struct, ``sessions`` and ``checkins`` lists of structs; times are UTC instants).
No client is split across files or row groups, so every row group can be analysed on its own.

A cohort *source* is such a dataset (or one Parquet file), or a directory of JSON/CSV client
files. :func:`partitions` cuts a source into pieces of whole clients; :func:`read_partition`
turns one piece into validated :class:`~touchdose.records.ClientFile` records, through the same
field rules as ``touchdose analyze`` (a bad client is reported, with every problem, and skipped).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pyarrow as pa
import pyarrow.parquet as pq

from touchdose.io import FileRejected, RowProblem, load_client_file
from touchdose.io.jsonfile import client_file_to_dict, load_dict, profile_from_dict
from touchdose.records import ACR_SYMPTOM_ITEMS, CheckIn, ClientFile, RecordError, Session

#: Clients per Parquet file and per row group when writing. A row group of a thousand
#: client-years is a few megabytes: small enough for one Dask task, large enough that the
#: per-task overhead is negligible.
CLIENTS_PER_FILE = 20_000
CLIENTS_PER_ROW_GROUP = 1_000
#: JSON/CSV client files per partition of a directory source.
FILES_PER_PARTITION = 200

_TIME = pa.timestamp("us", tz="UTC")
_TEXTS = pa.list_(pa.string())
ACR_TYPE = pa.struct([
    ("wpi_regions", _TEXTS),
    *((name, pa.int8()) for name in ACR_SYMPTOM_ITEMS),
    ("symptoms_3_months", pa.bool_()),
])  # fmt: skip
CLIENT_TYPE = pa.struct([
    ("id", pa.string()), ("timezone", pa.string()), ("conditions", _TEXTS), ("max_pressure", pa.int8()),
    ("sensitivity", pa.string()), ("avoid_regions", _TEXTS), ("acr2016", ACR_TYPE),
    ("fiqr", pa.list_(pa.int8())), ("contraindications", _TEXTS), ("goals", _TEXTS),
])  # fmt: skip
SESSION_TYPE = pa.struct([
    ("start", _TIME), ("technique", _TEXTS), ("pressure", pa.int8()), ("minutes", pa.int16()),
    ("regions", _TEXTS), ("pain_before", pa.int8()), ("pain_during_max", pa.int8()),
    ("pain_after", pa.int8()), ("relaxation_after", pa.int8()), ("adverse", _TEXTS),
    ("note", pa.string()), ("therapist", pa.string()),
])  # fmt: skip
CHECKIN_TYPE = pa.struct([
    ("time", _TIME), ("pain", pa.int8()), ("fatigue", pa.int8()), ("sleep_hours", pa.float64()),
    ("sleep_quality", pa.int8()), ("mood", pa.int8()), ("flare", pa.bool_()), ("rescue_doses", pa.int8()),
    ("activity_minutes", pa.int16()), ("note", pa.string()), ("red_flags", _TEXTS),
])  # fmt: skip
#: One row per client: the JSON client file of docs/formats.md in columns.
SCHEMA = pa.schema([
    ("client_id", pa.string()), ("client", CLIENT_TYPE),
    ("sessions", pa.list_(SESSION_TYPE)), ("checkins", pa.list_(CHECKIN_TYPE)),
])  # fmt: skip
REQUIRED_COLUMNS = tuple(SCHEMA.names)


# --- writing ----------------------------------------------------------------------------


def client_row(cf: ClientFile) -> dict[str, Any]:
    """One client as a row of :data:`SCHEMA` (the JSON client file, times as UTC instants)."""
    d = client_file_to_dict(cf)
    for raw, s in zip(d["sessions"], cf.sessions, strict=True):
        raw["start"] = s.start
        raw["technique"] = list(s.technique)
    for raw, c in zip(d["checkins"], cf.checkins, strict=True):
        raw["time"] = c.time
    return {"client_id": cf.client.id, **d}


def part_name(index: int) -> str:
    """File name of the ``index``-th part of a dataset."""
    return f"part-{index:05d}.parquet"


class DatasetWriter:
    """Writes a client dataset part by part into a hidden directory, renamed into place on close.

    A crash or an error leaves no half-written dataset at ``out``. Used as a context manager:
    ``with DatasetWriter(out) as w: w.write_table(table)``.
    """

    def __init__(self, out: str | Path, *, clients_per_file: int = CLIENTS_PER_FILE,
                 row_group: int = CLIENTS_PER_ROW_GROUP) -> None:  # fmt: skip
        self.out = Path(out)
        if self.out.exists() and (not self.out.is_dir() or any(self.out.iterdir())):
            raise FileExistsError(f"{self.out}: already exists and is not an empty directory")
        self.out.parent.mkdir(parents=True, exist_ok=True)
        self.tmp = Path(tempfile.mkdtemp(prefix=f".{self.out.name}.", dir=self.out.parent))
        self.clients_per_file = clients_per_file
        self.row_group = row_group
        self.parts = 0
        self.clients = 0
        self._pending: list[pa.Table] = []
        self._pending_rows = 0

    def write_table(self, table: pa.Table) -> None:
        """Add whole clients (rows of :data:`SCHEMA`)."""
        self._pending.append(table.cast(SCHEMA))
        self._pending_rows += table.num_rows
        self.clients += table.num_rows
        while self._pending_rows >= self.clients_per_file:
            self._flush(self.clients_per_file)

    def write_clients(self, clients: Iterable[ClientFile]) -> None:
        """Add client files (converted with :func:`client_row`)."""
        self.write_table(pa.Table.from_pylist([client_row(cf) for cf in clients], schema=SCHEMA))

    def _flush(self, rows: int) -> None:
        table = pa.concat_tables(self._pending)
        head, rest = table.slice(0, rows), table.slice(rows)
        pq.write_table(head, self.tmp / part_name(self.parts), row_group_size=self.row_group)
        self.parts += 1
        self._pending = [rest] if rest.num_rows else []
        self._pending_rows = rest.num_rows

    def close(self) -> None:
        """Write what is left and move the dataset into place."""
        if self._pending_rows:
            self._flush(self._pending_rows)
        if self.out.exists():
            self.out.rmdir()
        os.replace(self.tmp, self.out)

    def abort(self) -> None:
        shutil.rmtree(self.tmp, ignore_errors=True)

    def __enter__(self) -> DatasetWriter:
        return self

    def __exit__(self, kind: object, value: object, tb: object) -> None:
        if kind is None:
            self.close()
        else:
            self.abort()


def write_dataset(clients: Iterable[ClientFile], out: str | Path, **options: int) -> int:
    """Write client files as a client dataset at ``out``; return the number of clients."""
    with DatasetWriter(out, **options) as w:
        batch: list[ClientFile] = []
        for cf in clients:
            batch.append(cf)
            if len(batch) == w.row_group:
                w.write_clients(batch)
                batch = []
        if batch:
            w.write_clients(batch)
    return w.clients


# --- reading ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Partition:
    """A piece of a cohort source holding whole clients.

    ``kind`` is ``"parquet"`` (``paths`` is one file, ``row_groups`` the groups to read) or
    ``"files"`` (``paths`` are JSON/CSV client files).
    """

    index: int
    kind: str
    paths: tuple[str, ...]
    row_groups: tuple[int, ...] = ()
    clients: int = 0
    first_row: int = 0  # row number of the first client in its file (for messages)
    offset: int = 0  # first row read within the row group(s)


#: Files beside a dataset that are not clients (the simulator's truth).
NOT_CLIENTS = frozenset({"truth.parquet", "truth.json"})


class SourceError(ValueError):
    """A cohort source that cannot be read at all (missing, empty, or not a client dataset)."""


def _parquet_files(source: Path) -> list[Path]:
    if source.is_file():
        return [source]
    found = (p for p in source.rglob("*.parquet") if not p.name.startswith("."))
    return sorted(p for p in found if p.name not in NOT_CLIENTS)


def _client_files(source: Path) -> list[Path]:
    found = (p for p in source.iterdir() if p.is_file() and p.suffix.lower() in (".json", ".csv"))
    return sorted(p for p in found if p.name not in NOT_CLIENTS)



def partitions(source: str | Path, *, files_per_partition: int = FILES_PER_PARTITION,
               at_least: int = 1) -> list[Partition]:  # fmt: skip
    """Cut a cohort source into partitions of whole clients (one per Parquet row group).

    With fewer row groups than ``at_least``, each row group is cut into slices of rows, so that a
    small cohort still keeps every worker busy.

    Raises
    ------
    SourceError
        The source does not exist, holds no clients, or a Parquet file lacks the client columns.
    """
    path = Path(source)
    if not path.exists():
        raise SourceError(f"{path}: no such file or directory")
    parquet = _parquet_files(path) if path.is_dir() or path.suffix == ".parquet" else []
    out: list[Partition] = []
    if parquet:
        groups = [(f, g, meta.row_group(g).num_rows) for f in parquet for meta in [_metadata(f)]
                  for g in range(meta.num_row_groups)]  # fmt: skip
        cuts = max(1, -(-at_least // max(len(groups), 1)))
        first = {f: 0 for f in parquet}
        for f, g, rows in groups:
            step = max(1, -(-rows // cuts))
            for start in range(0, rows, step):
                size = min(step, rows - start)
                out.append(Partition(len(out), "parquet", (str(f),), (g,), size, first[f] + start, start))
            first[f] += rows
        return out
    files = _client_files(path) if path.is_dir() else []
    if not files:
        raise SourceError(f"{path}: no client files (.json, .csv) or Parquet client dataset found")
    for start in range(0, len(files), files_per_partition):
        chunk = tuple(str(p) for p in files[start : start + files_per_partition])
        out.append(Partition(len(out), "files", chunk, clients=len(chunk)))
    return out


def _metadata(path: Path) -> pq.FileMetaData:
    try:
        meta = pq.read_metadata(path)
    except (OSError, pa.ArrowInvalid) as e:
        raise SourceError(f"{path}: not a readable Parquet file ({e})") from None
    missing = [c for c in REQUIRED_COLUMNS if c not in meta.schema.to_arrow_schema().names]
    if missing:
        raise SourceError(f"{path}: not a client dataset (missing columns: {', '.join(missing)}; "
                          f"allowed: the columns {', '.join(REQUIRED_COLUMNS)})")  # fmt: skip
    return meta


@dataclass(frozen=True)
class Loaded:
    """One client read from a partition: its records, or why it was rejected."""

    client_id: str
    source: str
    client_file: ClientFile | None
    error: FileRejected | None = None


def read_partition(part: Partition) -> Iterator[Loaded]:
    """The clients of one partition, validated with the JSON client file's rules."""
    if part.kind == "files":
        for name in part.paths:
            yield _load_file(Path(name))
        return
    yield from load_rows(read_table(part), part.paths[0], part.first_row)


def read_table(part: Partition) -> pa.Table:
    """The rows of a Parquet partition (:data:`SCHEMA` columns)."""
    if part.kind != "parquet":
        raise ValueError(f"read_table: partition {part.index} is {part.kind!r} (allowed: parquet)")
    parquet = pq.ParquetFile(part.paths[0])
    table = parquet.read_row_groups(list(part.row_groups), columns=list(REQUIRED_COLUMNS))
    return table.slice(part.offset, part.clients)


def load_rows(table: pa.Table, path: str, first_row: int = 0) -> Iterator[Loaded]:
    """Each row of a client-dataset table as validated records (``first_row``: its row in the file)."""
    ids = table.column("client_id").to_pylist()
    profiles = table.column("client").to_pylist()
    sessions = _ListColumn(table.column("sessions"), "start")
    checkins = _ListColumn(table.column("checkins"), "time")
    for i in range(table.num_rows):
        yield _load_client(ids[i], profiles[i], sessions, checkins, i, f"{path} row {first_row + i}")


_UTC = ZoneInfo("UTC")
_EPOCH_UTC = datetime(1970, 1, 1, tzinfo=_UTC)


class _ListColumn:
    """A ``list<struct>`` column flattened: row offsets and each field as a plain Python list.

    Reading field by field is many times faster than turning every nested struct into a dict.
    """

    def __init__(self, column: pa.ChunkedArray, time_field: str) -> None:
        arr = column.combine_chunks() if column.num_chunks != 1 else column.chunk(0)
        self.offsets = arr.offsets.to_numpy()
        self.null = arr.is_null().to_numpy(zero_copy_only=False)
        struct = arr.values
        self.names = [struct.type.field(j).name for j in range(struct.type.num_fields)]
        children = struct.flatten()
        self.fields: dict[str, list[Any]] = {}
        for name, child in zip(self.names, children, strict=True):
            if name == time_field:
                us = child.cast(pa.int64()).to_pylist()
                self.fields[name] = [None if x is None else _EPOCH_UTC + timedelta(microseconds=x)
                                     for x in us]  # fmt: skip
            else:
                self.fields[name] = child.to_pylist()

    def rows(self, i: int) -> range:
        return range(0) if self.null[i] else range(int(self.offsets[i]), int(self.offsets[i + 1]))

    def dicts(self, i: int) -> list[dict[str, Any]]:
        return [{n: self.fields[n][j] for n in self.names} for j in self.rows(i)]


def _load_client(client_id: Any, profile: Any, sessions: _ListColumn, checkins: _ListColumn, i: int,
                 where: str) -> Loaded:  # fmt: skip
    """Build the client's records directly; if anything is wrong, read it as a JSON file would be
    read, so the problems are reported exactly as ``touchdose analyze`` reports them."""
    # Optional profile fields that are null are simply not given (as in a JSON file).
    raw_profile = profile
    if isinstance(profile, dict):
        raw_profile = {k: v for k, v in profile.items() if v is not None}
    name = str(client_id or (raw_profile.get("id") if isinstance(raw_profile, dict) else None) or where)
    built, _ = profile_from_dict(raw_profile, where)
    if built is not None:
        try:
            zone = built.zone
            cf = ClientFile(built, tuple(_sessions(sessions, i, zone)), tuple(_checkins(checkins, i, zone)))
            return Loaded(built.id, where, cf)
        except (RecordError, TypeError, ValueError, AttributeError, KeyError):
            pass  # a bad value or a column the dataset does not have: read as a JSON file would be
    raw = {"client": raw_profile, "sessions": _aware(sessions.dicts(i), "start"),
           "checkins": _aware(checkins.dicts(i), "time")}  # fmt: skip
    try:
        cf, _ = load_dict(raw, source=where)
    except FileRejected as e:
        return Loaded(name, where, None, e)
    return Loaded(cf.client.id, where, cf)


def _aware(rows: list[dict[str, Any]], time_field: str) -> list[dict[str, Any]]:
    return [{k: v for k, v in row.items() if v is not None or k == time_field} for row in rows]


def _sessions(col: _ListColumn, i: int, zone: ZoneInfo) -> Iterator[Session]:
    f = col.fields
    for j in col.rows(i):
        start = f["start"][j]
        yield Session(
            start=start.astimezone(zone), pressure=f["pressure"][j], minutes=f["minutes"][j],
            technique=tuple(f["technique"][j] or ("other",)), regions=tuple(f["regions"][j] or ()),
            pain_before=f["pain_before"][j], pain_during_max=f["pain_during_max"][j],
            pain_after=f["pain_after"][j], relaxation_after=f["relaxation_after"][j],
            adverse=tuple(f["adverse"][j] or ()), note=f["note"][j] or "",
            therapist=f["therapist"][j] or None,
        )  # fmt: skip


def _checkins(col: _ListColumn, i: int, zone: ZoneInfo) -> Iterator[CheckIn]:
    f = col.fields
    for j in col.rows(i):
        flare = f["flare"][j]
        yield CheckIn(
            time=f["time"][j].astimezone(zone), pain=f["pain"][j], fatigue=f["fatigue"][j],
            sleep_hours=f["sleep_hours"][j], sleep_quality=f["sleep_quality"][j], mood=f["mood"][j],
            flare=False if flare is None else flare, rescue_doses=f["rescue_doses"][j],
            activity_minutes=f["activity_minutes"][j], note=f["note"][j] or "",
            red_flags=tuple(f["red_flags"][j] or ()),
        )  # fmt: skip


def _load_file(path: Path) -> Loaded:
    try:
        cf = load_client_file(path).client_file
    except FileRejected as e:
        return Loaded(path.stem, str(path), None, e)
    except OSError as e:
        problem = RowProblem("file", "file", "file", path.name, f"a readable file ({e.strerror or e})")
        return Loaded(path.stem, str(path), None, FileRejected(str(path), [problem]))
    return Loaded(cf.client.id, str(path), cf)
