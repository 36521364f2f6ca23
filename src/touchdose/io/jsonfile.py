"""The JSON client file of docs/formats.md: ``{"client": {...}, "sessions": [...], "checkins": [...]}``."""

from __future__ import annotations

import json
from dataclasses import fields
from datetime import datetime, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

from touchdose.io._build import BuildContext, build_checkin, build_session
from touchdose.io._values import as_tuple, whole_from_json
from touchdose.io.problems import FileRejected, RowProblem, problems_from
from touchdose.records import (
    ACR_FIELDS,
    Acr2016Answers,
    CheckIn,
    ClientFile,
    ClientProfile,
    RecordError,
    Session,
    is_timezone,
)

#: The keys of the ``client`` object: the profile record's fields, in their order.
PROFILE_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(ClientProfile))


# --- writing ---------------------------------------------------------------------


def _time(t: datetime) -> str:
    return t.isoformat()


def profile_to_dict(p: ClientProfile) -> dict[str, Any]:
    """The ``client`` object; optional fields that are not set are left out."""
    out: dict[str, Any] = {"id": p.id, "timezone": p.timezone}
    if p.conditions:
        out["conditions"] = list(p.conditions)
    if p.max_pressure is not None:
        out["max_pressure"] = p.max_pressure
    if p.sensitivity is not None:
        out["sensitivity"] = p.sensitivity
    if p.avoid_regions:
        out["avoid_regions"] = list(p.avoid_regions)
    if p.acr2016 is not None:
        a = p.acr2016
        out["acr2016"] = {name: getattr(a, name) for name in ACR_FIELDS}
        out["acr2016"]["wpi_regions"] = list(a.wpi_regions)
    if p.fiqr is not None:
        out["fiqr"] = list(p.fiqr)
    if p.contraindications:
        out["contraindications"] = list(p.contraindications)
    if p.goals:
        out["goals"] = list(p.goals)
    return out


def session_to_dict(s: Session) -> dict[str, Any]:
    """One session as docs/formats.md writes it (one technique as a string, several as a list)."""
    out: dict[str, Any] = {
        "start": _time(s.start),
        "technique": s.technique[0] if len(s.technique) == 1 else list(s.technique),
        "pressure": s.pressure,
        "minutes": s.minutes,
        "regions": list(s.regions),
        "pain_before": s.pain_before,
        "pain_during_max": s.pain_during_max,
        "pain_after": s.pain_after,
        "relaxation_after": s.relaxation_after,
        "adverse": list(s.adverse),
        "note": s.note,
    }
    if s.therapist is not None:
        out["therapist"] = s.therapist
    return out


def checkin_to_dict(c: CheckIn) -> dict[str, Any]:
    """One check-in as docs/formats.md writes it (``red_flags`` only when some were reported, so a
    file without any stays readable by version 1 readers)."""
    out: dict[str, Any] = {
        "time": _time(c.time),
        "pain": c.pain,
        "fatigue": c.fatigue,
        "sleep_hours": c.sleep_hours,
        "sleep_quality": c.sleep_quality,
        "mood": c.mood,
        "flare": c.flare,
        "rescue_doses": c.rescue_doses,
        "activity_minutes": c.activity_minutes,
        "note": c.note,
    }
    if c.red_flags:
        out["red_flags"] = list(c.red_flags)
    return out


def client_file_to_dict(cf: ClientFile) -> dict[str, Any]:
    """The whole client file as a JSON-ready dictionary (docs/formats.md "Client file, JSON")."""
    return {
        "client": profile_to_dict(cf.client),
        "sessions": [session_to_dict(s) for s in cf.sessions],
        "checkins": [checkin_to_dict(c) for c in cf.checkins],
    }


def dumps(cf: ClientFile) -> str:
    """Serialise a client file; stable key order and a final newline, so equal data gives equal bytes."""
    return json.dumps(client_file_to_dict(cf), indent=2, ensure_ascii=False) + "\n"


# --- reading ---------------------------------------------------------------------


def _zone(name: str) -> tzinfo:
    """The zone for times without offset; a bad name is reported by the profile, read in UTC meanwhile."""
    return ZoneInfo(name if is_timezone(name) else "UTC")


def _unknown_fields(raw: dict[str, Any], known: tuple[str, ...], where: str, record: str) -> list[RowProblem]:
    """One problem for each key of ``raw`` that is not a field of the record."""
    allowed = "a known field: " + ", ".join(known)
    return [RowProblem(where, record, k, _short(raw[k]), allowed) for k in raw if k not in known]


def profile_from_dict(raw: Any, where: str = "client") -> tuple[ClientProfile | None, list[RowProblem]]:
    """Build the profile; return it (or ``None``) and the problems found."""
    if not isinstance(raw, dict):
        return None, [RowProblem(where, "client", "client", _short(raw), "an object with at least an id")]
    problems = _unknown_fields(raw, PROFILE_FIELDS, where, "client")
    acr: Acr2016Answers | None = None
    if raw.get("acr2016") is not None:
        acr, acr_problems = _acr_from_dict(raw["acr2016"], where)
        problems.extend(acr_problems)
    values: dict[str, Any] = {k: raw[k] for k in PROFILE_FIELDS if k in raw and raw[k] is not None}
    values.pop("acr2016", None)
    for key in ("conditions", "avoid_regions", "fiqr", "contraindications", "goals"):
        if key in values:
            values[key] = as_tuple(values[key])
    if "fiqr" in values and isinstance(values["fiqr"], tuple):
        values["fiqr"] = tuple(whole_from_json(v) for v in values["fiqr"])
    if "max_pressure" in values:
        values["max_pressure"] = whole_from_json(values["max_pressure"])
    if "id" not in values:
        problems.append(RowProblem(where, "client", "id", None, "a value (this field is required)"))
        return None, problems
    try:
        profile = ClientProfile(acr2016=acr, **values)
    except RecordError as e:
        return None, problems + problems_from(e, where)
    except TypeError:
        return None, [
            *problems,
            RowProblem(where, "client", "client", _short(raw), "the fields of docs/formats.md"),
        ]
    return (profile if not problems else None), problems


def _acr_from_dict(raw: Any, where: str) -> tuple[Acr2016Answers | None, list[RowProblem]]:
    if not isinstance(raw, dict):
        return None, [RowProblem(where, "acr2016", "acr2016", _short(raw), "an object of ACR 2016 answers")]
    problems = _unknown_fields(raw, ACR_FIELDS, where, "acr2016")
    values = {k: whole_from_json(raw[k]) for k in ACR_FIELDS if k in raw and raw[k] is not None}
    if "wpi_regions" in values:
        values["wpi_regions"] = as_tuple(values["wpi_regions"])
    try:
        return Acr2016Answers(**values), problems
    except RecordError as e:
        return None, problems + problems_from(e, where)


def client_file_from_dict(raw: Any, *, timezone: str | None = None, source: str = "<data>") -> ClientFile:
    """Build and validate a whole client file; raise :class:`FileRejected` listing every problem."""
    return load_dict(raw, timezone=timezone, source=source)[0]


def load_dict(raw: Any, *, timezone: str | None = None, source: str = "<data>") -> tuple[ClientFile, int]:
    """Like :func:`client_file_from_dict`, also returning how many times had no UTC offset.

    Times without offset are taken in ``timezone`` if given, else the client's time zone.
    """
    if not isinstance(raw, dict):
        raise FileRejected(
            source, [RowProblem("file", "file", "file", _short(raw), 'an object {"client": ...}')]
        )
    problems: list[RowProblem] = [
        RowProblem("file", "file", k, _short(raw[k]), "client, sessions, checkins")
        for k in raw
        if k not in ("client", "sessions", "checkins")
    ]
    profile, profile_problems = profile_from_dict(raw.get("client"))
    problems.extend(profile_problems)
    zone = _zone(timezone or (profile.timezone if profile else "UTC"))
    ctx = BuildContext(zone=zone)
    sessions = _records(raw, "sessions", build_session, ctx)
    checkins = _records(raw, "checkins", build_checkin, ctx)
    problems.extend(ctx.problems)
    if problems or profile is None:
        raise FileRejected(source, problems)
    cf = ClientFile(client=profile, sessions=tuple(sessions), checkins=tuple(checkins))
    return cf, ctx.naive_times


def _records(raw: dict[str, Any], key: str, build: Any, ctx: BuildContext) -> list[Any]:
    items = raw.get(key, [])
    if not isinstance(items, list):
        ctx.problems.append(RowProblem(key, key, key, _short(items), "a list of records"))
        return []
    out = []
    for i, item in enumerate(items):
        where = f"{key}[{i}]"
        if not isinstance(item, dict):
            ctx.problems.append(RowProblem(where, key.rstrip("s"), key, _short(item), "an object"))
            continue
        record = build(item, where, ctx)
        if record is not None:
            out.append(record)
    return out


def _short(value: Any) -> Any:
    """Keep error messages short: a long value is cut (and never dumped whole)."""
    text = value if isinstance(value, (int, float, bool, type(None))) else str(value)
    return text[:60] + "..." if isinstance(text, str) and len(text) > 60 else text


def loads(text: str, *, timezone: str | None = None, source: str = "<data>") -> tuple[ClientFile, int]:
    """Parse JSON text into a client file and the count of times without offset."""
    return load_dict(parse(text, source=source), timezone=timezone, source=source)


def parse(text: str, *, source: str = "<data>") -> Any:
    """JSON text as data; :class:`FileRejected` when it is not JSON Python can read."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as e:
        raise FileRejected(
            source, [RowProblem(f"line {e.lineno}", "file", "json", e.msg, "valid JSON")]
        ) from None
    except RecursionError:
        raise FileRejected(
            source, [RowProblem("file", "file", "json", "nested too deeply", "valid JSON")]
        ) from None
    except ValueError:  # an integer of more digits than Python converts (4,300; issue 13, finding 5)
        raise FileRejected(
            source, [RowProblem("file", "file", "json", "a long number", "numbers of at most 4300 digits")]
        ) from None
