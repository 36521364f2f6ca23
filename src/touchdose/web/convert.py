"""Converters between database rows (:mod:`touchdose.web.models`) and :mod:`touchdose.records`.

The one place that knows how a row maps onto a record, so the web stores and checks exactly what the
files and the engine use. The field lists are the record's fields that the model has a column for,
in record order: a field added to a record is stored by the web once the model has its column (until
then the record's default applies). No database access here: the selectors fetch the rows, these
functions only translate them.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable, Collection, Iterable, Mapping
from typing import Any

from django.db import models

from touchdose.records import Acr2016Answers, CheckIn, ClientFile, ClientProfile, Session
from touchdose.web.models import CheckIn as CheckInRow
from touchdose.web.models import Client, MassageSession


def _stored_fields(record_type: type, model: type[models.Model]) -> tuple[str, ...]:
    fields = model._meta.get_fields()
    columns = {f.name for f in fields if f.concrete and not (f.is_relation or f.primary_key)}
    return tuple(f.name for f in dataclasses.fields(record_type) if f.name in columns)


#: A session's stored fields (the record's ``therapist`` is the row's foreign key, not a column).
SESSION_FIELDS = _stored_fields(Session, MassageSession)
CHECKIN_FIELDS = _stored_fields(CheckIn, CheckInRow)
#: The intake answers the engine reads (the client's profile; its ``id`` is made from the row's).
PROFILE_FIELDS = _stored_fields(ClientProfile, Client)


@functools.cache
def _defaults(record_type: type) -> dict[str, Any]:
    fields = dataclasses.fields(record_type)
    return {f.name: f.default for f in fields if f.default is not dataclasses.MISSING}


def _stored(value: Any) -> Any:
    """A record's value as a row stores it (JSON lists for tuples)."""
    return list(value) if isinstance(value, tuple) else value


def _recorded(value: Any) -> Any:
    """A row's value as a record holds it (tuples for lists)."""
    return tuple(value) if isinstance(value, list) else value


def stored_values(source: Any, names: Iterable[str]) -> dict[str, Any]:
    """The named fields of a row or a record, as a row stores them."""
    return {name: _stored(getattr(source, name)) for name in names}


def check_known(what: str, fields: Iterable[str], allowed: Collection[str]) -> None:
    """Refuse (ValueError) a field name that is not one of ``allowed``."""
    unknown = sorted(set(fields) - set(allowed))
    if unknown:
        raise ValueError(f"{what}: {', '.join(unknown)} is not a field (allowed: {', '.join(allowed)})")


def _checked_values(
    what: str, record_type: type, names: tuple[str, ...], given: Mapping[str, Any], build: Callable[..., Any]
) -> dict[str, Any]:
    """Values to store from ``given``, checked by building the record with ``build``.

    A field not given takes the record's default (a required one is None, so the record names it);
    an empty list, note or flag given as None is stored empty. Raises ValueError naming a field the
    record does not have, RecordError listing every broken field.
    """
    check_known(what, given, names)
    defaults = _defaults(record_type)
    values = {}
    for name in names:
        value, default = given.get(name, defaults.get(name)), defaults.get(name)
        if isinstance(default, tuple):
            value = list(value or [])
        elif isinstance(default, bool):
            value = bool(value)
        elif isinstance(default, str):
            value = value or ""
        values[name] = value
    build(values)
    return values


def session_values(given: Mapping[str, Any]) -> dict[str, Any]:
    """A session's values to store (see :func:`_checked_values`)."""
    return _checked_values("session", Session, SESSION_FIELDS, given, session_of)


def checkin_values(given: Mapping[str, Any]) -> dict[str, Any]:
    """A check-in's values to store (see :func:`_checked_values`)."""
    return _checked_values("checkin", CheckIn, CHECKIN_FIELDS, given, checkin_of)


def session_of(values: Mapping[str, Any], *, therapist: str | None = None) -> Session:
    """The record of a session's stored values; raises RecordError listing every broken field."""
    return Session(**{name: _recorded(values[name]) for name in SESSION_FIELDS}, therapist=therapist)


def checkin_of(values: Mapping[str, Any]) -> CheckIn:
    """The record of a check-in's stored values; raises RecordError listing every broken field."""
    return CheckIn(**{name: _recorded(values[name]) for name in CHECKIN_FIELDS})


def session_of_row(row: MassageSession) -> Session:
    therapist = str(row.therapist_id) if row.therapist_id else None
    return session_of(stored_values(row, SESSION_FIELDS), therapist=therapist)


def checkin_of_row(row: CheckInRow) -> CheckIn:
    return checkin_of(stored_values(row, CHECKIN_FIELDS))


def profile_of(values: Mapping[str, Any], *, client_id: int) -> ClientProfile:
    """The engine's profile of the client's stored intake answers; raises RecordError listing
    every broken field (an empty sensitivity means not said)."""
    acr = values["acr2016"]
    return ClientProfile(
        id=f"c-{client_id}",
        timezone=values["timezone"],
        conditions=tuple(values["conditions"]),
        max_pressure=values["max_pressure"],
        sensitivity=values["sensitivity"] or None,
        avoid_regions=tuple(values["avoid_regions"]),
        acr2016=Acr2016Answers(**{**acr, "wpi_regions": tuple(acr.get("wpi_regions", ()))}) if acr else None,
        fiqr=tuple(values["fiqr"]) if values["fiqr"] else None,
        contraindications=tuple(values["contraindications"] or ()),
    )


def profile_of_row(client: Client) -> ClientProfile:
    return profile_of(stored_values(client, PROFILE_FIELDS), client_id=client.pk)


def client_file_of(
    client: Client, sessions: Iterable[MassageSession], checkins: Iterable[CheckInRow]
) -> ClientFile:
    """A client and their rows as the engine's :class:`~touchdose.records.ClientFile`."""
    return ClientFile(
        client=profile_of_row(client),
        sessions=tuple(session_of_row(s) for s in sessions),
        checkins=tuple(checkin_of_row(c) for c in checkins),
    )
