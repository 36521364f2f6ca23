"""Reading and writing client files (docs/formats.md).

``read_client_file`` picks the format by extension. A bad file is rejected whole
with :class:`FileRejected`, which lists every bad row; nothing is half-read.
:func:`export_text` is the one export of a client's data (JSON, CSV or FHIR), used by
``touchdose export`` and the web app's download; :func:`write_atomically` is the one way
anything is written to a file: whole or not at all, never a temporary file left behind.

Examples
--------
>>> from touchdose.records import ClientFile, ClientProfile
>>> cf = ClientFile(client=ClientProfile(id="c-1"))
>>> client_file_from_dict(client_file_to_dict(cf)) == cf
True
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

from touchdose.io import csvfile, jsonfile
from touchdose.io.jsonfile import (
    client_file_from_dict,
    client_file_to_dict,
    profile_from_dict,
    profile_to_dict,
)
from touchdose.io.problems import MAX_LISTED_PROBLEMS, FileRejected, RowProblem
from touchdose.records import ZONE_RULE, ClientFile, ClientProfile, is_timezone
from touchdose.text import count

__all__ = [
    "EXPORT_FORMATS",
    "MAX_LISTED_PROBLEMS",
    "FileRejected",
    "LoadedFile",
    "RowProblem",
    "atomic_path",
    "client_file_from_dict",
    "client_file_to_dict",
    "export_text",
    "load_client_file",
    "load_text",
    "profile_from_dict",
    "profile_to_dict",
    "read_client_file",
    "write_atomically",
    "write_csv",
    "write_json",
]

FORMATS = ("json", "csv")


@dataclass(frozen=True)
class LoadedFile:
    """A client file as read, with what the reader had to assume about it."""

    client_file: ClientFile
    naive_times: int  # times written without a UTC offset
    assumed_timezone: str  # the zone those times were taken in

    def notes(self) -> list[str]:
        """Plain-words notes for the report: what was assumed while reading."""
        if not self.naive_times:
            return []
        n = self.naive_times
        return [f"{count(n, 'time')} without a UTC offset read as {self.assumed_timezone} time"]


def _format_of(path: Path, fmt: str | None) -> str:
    chosen = (fmt or path.suffix.lstrip(".")).lower()
    if chosen not in FORMATS:
        raise FileRejected(
            str(path), [RowProblem("file", "file", "format", chosen or path.name, "json or csv")]
        )
    return chosen


def _zone_name(name: str | None, source: str) -> str | None:
    if name is None:
        return None
    if not is_timezone(name):
        raise FileRejected(source, [RowProblem("option", "file", "timezone", name[:60], ZONE_RULE)])
    return name


def load_client_file(
    path: str | Path,
    *,
    timezone: str | None = None,
    profile: ClientProfile | None = None,
    fmt: str | None = None,
) -> LoadedFile:
    """Read a JSON or CSV client file, or a touchdose FHIR Bundle (JSON).

    Times without offset are taken in ``timezone``; if it is not given, in the
    client's own time zone (JSON, or the ``profile`` given for a CSV), else UTC.
    A CSV carries no profile: pass ``profile`` (default: id from the file name).
    """
    path = Path(path)
    source = str(path)
    zone_name = _zone_name(timezone, source)
    kind = _format_of(path, fmt)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise FileRejected(
            source, [RowProblem("file", "file", "encoding", path.name, "UTF-8 text")]
        ) from None
    default = profile or ClientProfile(id=path.stem[:100].strip() or "client", timezone=zone_name or "UTC")
    return load_text(text, kind=kind, source=source, timezone=timezone, profile=default)


def load_text(
    text: str, *, kind: str, source: str, timezone: str | None = None, profile: ClientProfile | None = None
) -> LoadedFile:
    """Read client-file text of ``kind`` (json or csv; a JSON FHIR Bundle is recognised by its
    ``resourceType``): the one reader behind ``analyze``, ``import`` and the web import.

    Raises :class:`FileRejected` listing every problem; nothing else, whatever the text holds.
    """
    zone_name = _zone_name(timezone, source)
    if kind == "json":
        raw = jsonfile.parse(text, source=source)
        if isinstance(raw, dict) and raw.get("resourceType") == "Bundle":
            return LoadedFile(fhir_bundle(raw, source), 0, zone_name or "UTC")
        cf, naive = jsonfile.load_dict(raw, timezone=zone_name, source=source)
        return LoadedFile(cf, naive, zone_name or cf.client.timezone)
    if kind != "csv":
        raise FileRejected(source, [RowProblem("file", "file", "format", kind, "json or csv")])
    prof = profile or ClientProfile(id="client", timezone=zone_name or "UTC")
    zone = zone_name or prof.timezone
    cf, naive = csvfile.loads(text, profile=prof, zone=ZoneInfo(zone), source=source)
    return LoadedFile(cf, naive, zone)


def fhir_bundle(raw: dict[str, object], source: str) -> ClientFile:
    """A touchdose FHIR Bundle (as ``touchdose export --format fhir`` writes it) as a client file;
    :class:`FileRejected` listing every problem. Its times all carry an offset."""
    from touchdose.io.fhir_read import FhirInvalid, client_file_from_fhir  # fhir.resources loads slowly

    try:
        return client_file_from_fhir(raw)
    except FhirInvalid as e:
        allowed = "a touchdose FHIR Bundle (docs/formats.md)"
        problems = [RowProblem("bundle", "fhir", "resource", p, allowed) for p in e.problems]
        raise FileRejected(source, problems) from None


def read_client_file(
    path: str | Path, *, timezone: str | None = None, profile: ClientProfile | None = None
) -> ClientFile:
    """Read a JSON or CSV client file (see :func:`load_client_file`)."""
    return load_client_file(path, timezone=timezone, profile=profile).client_file


#: What a client's data can be exported as: the two client-file formats and a FHIR R4 Bundle.
EXPORT_FORMATS = ("csv", "json", "fhir")


def export_text(cf: ClientFile, fmt: str) -> str:
    """A client's data as ``fmt``: the docs/formats.md JSON or CSV file, or a FHIR R4 Bundle (JSON).

    JSON and CSV re-import unchanged; CSV holds the sessions and check-ins, not the profile. The
    FHIR Bundle is validated before it is returned (:class:`touchdose.io.fhir.FhirInvalid` if not).

    Examples
    --------
    >>> from touchdose.records import ClientFile, ClientProfile
    >>> export_text(ClientFile(client=ClientProfile(id="c-1")), "csv").splitlines()[0][:12]
    'record,time,'
    >>> export_text(ClientFile(client=ClientProfile(id="c-1")), "pdf")
    Traceback (most recent call last):
    ...
    ValueError: format = 'pdf' is not allowed (allowed: csv, json, fhir)
    """
    if fmt == "json":
        return jsonfile.dumps(cf)
    if fmt == "csv":
        return csvfile.dumps(cf)
    if fmt == "fhir":
        from touchdose.io.fhir import client_file_to_fhir_json  # fhir.resources loads only when asked

        return client_file_to_fhir_json(cf)
    raise ValueError(f"format = {fmt!r} is not allowed (allowed: {', '.join(EXPORT_FORMATS)})")


@contextmanager
def atomic_path(path: str | Path) -> Iterator[Path]:
    """A fresh temporary file beside ``path`` to write to; it replaces ``path`` when the block ends.

    Whatever goes wrong inside the block (or in the rename), the temporary file is removed and
    ``path`` is left as it was: a reader sees the old file or the whole new one, never half a file.
    For writers that want a path (``pyarrow.parquet.write_table``); :func:`write_atomically` for
    bytes or text.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> with atomic_path(folder / "a.txt") as tmp:
    ...     _ = tmp.write_text("whole")
    >>> sorted(p.name for p in folder.iterdir()), (folder / "a.txt").read_text()
    (['a.txt'], 'whole')
    """
    target = Path(path)
    fd, name = tempfile.mkstemp(dir=target.resolve().parent, prefix=f".{target.name}.", suffix=".tmp")
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)  # gone after the rename; removed here after a failure


def write_atomically(path: str | Path, data: bytes | str) -> None:
    """Write ``data`` (bytes, or text as UTF-8) to ``path`` whole or not at all (see :func:`atomic_path`)."""
    payload = data.encode("utf-8") if isinstance(data, str) else data
    with atomic_path(path) as tmp:
        tmp.write_bytes(payload)


def write_json(cf: ClientFile, path: str | Path) -> None:
    """Write the docs/formats.md JSON client file."""
    write_atomically(path, jsonfile.dumps(cf))


def write_csv(cf: ClientFile, path: str | Path) -> None:
    """Write the docs/formats.md CSV client file (sessions and check-ins; the profile is not part of it)."""
    write_atomically(path, csvfile.dumps(cf))
