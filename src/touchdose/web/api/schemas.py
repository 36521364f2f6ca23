"""Request and response shapes of the API.

The shapes carry types only. The rules (ranges, vocabularies, time with a UTC offset) live in
:mod:`touchdose.records` and are applied by the services, so a bad value gets the same words here
as in a file or a form. The only limits set here protect the transport: ids fit the database,
text holds no NUL character (PostgreSQL refuses it), times lie in years 1900-2200 (so converting
them to UTC cannot overflow).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from ninja import Field, Path, Schema
from pydantic import AfterValidator

#: Largest id the database holds (a signed 64-bit integer).
MAX_ID = 2**63 - 1
#: Times outside these years are refused before they reach the database (see the module docstring).
YEAR_MIN, YEAR_MAX = 1900, 2200
#: Lists return at most this many rows per request (use ``offset`` for the next page).
PAGE_MAX = 1000
#: Text fields are capped so one request cannot fill the disk.
TEXT_MAX = 10_000


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("text must not contain the NUL character")
    return value


def _sane_year(value: datetime) -> datetime:
    if not YEAR_MIN <= value.year <= YEAR_MAX:
        raise ValueError(f"the year must be {YEAR_MIN}-{YEAR_MAX}")
    return value


Text = Annotated[str, Field(max_length=TEXT_MAX), AfterValidator(_no_nul)]
Word = Annotated[str, Field(max_length=40), AfterValidator(_no_nul)]
Time = Annotated[datetime, AfterValidator(_sane_year)]
Id = Annotated[int, Path(ge=1, le=MAX_ID)]


class Problem(Schema):
    where: str
    problem: str


class ErrorOut(Schema):
    detail: str
    problems: list[Problem] = Field(default_factory=list)


class MeOut(Schema):
    username: str
    client_id: int | None
    therapist: bool


class ClientOut(Schema):
    id: int
    can_write: bool
    timezone: str


class ClientDetailOut(ClientOut):
    profile: dict[str, Any]  # docs/formats.md "client" object


class SessionIn(Schema):
    start: Time
    pressure: int
    minutes: int
    technique: list[Word] = Field(default_factory=lambda: ["other"])
    regions: list[Word] = Field(default_factory=list)
    pain_before: int | None = None
    pain_during_max: int | None = None
    pain_after: int | None = None
    relaxation_after: int | None = None
    adverse: list[Word] = Field(default_factory=list)
    note: Text = ""


class SessionPatch(Schema):
    start: Time | None = None
    pressure: int | None = None
    minutes: int | None = None
    technique: list[Word] | None = None
    regions: list[Word] | None = None
    pain_before: int | None = None
    pain_during_max: int | None = None
    pain_after: int | None = None
    relaxation_after: int | None = None
    adverse: list[Word] | None = None
    note: Text | None = None


class SessionOut(Schema):
    id: int
    client_id: int
    logged_by_therapist: bool
    start: datetime
    pressure: int
    minutes: int
    technique: list[str]
    regions: list[str]
    pain_before: int | None
    pain_during_max: int | None
    pain_after: int | None
    relaxation_after: int | None
    adverse: list[str]
    note: str


class CheckInIn(Schema):
    time: Time
    pain: int
    fatigue: int | None = None
    sleep_hours: float | None = None
    sleep_quality: int | None = None
    mood: int | None = None
    flare: bool = False
    rescue_doses: int | None = None
    activity_minutes: int | None = None
    note: Text = ""


class CheckInPatch(Schema):
    time: Time | None = None
    pain: int | None = None
    fatigue: int | None = None
    sleep_hours: float | None = None
    sleep_quality: int | None = None
    mood: int | None = None
    flare: bool | None = None
    rescue_doses: int | None = None
    activity_minutes: int | None = None
    note: Text | None = None


class CheckInOut(Schema):
    id: int
    client_id: int
    time: datetime
    pain: int
    fatigue: int | None
    sleep_hours: float | None
    sleep_quality: int | None
    mood: int | None
    flare: bool
    rescue_doses: int | None
    activity_minutes: int | None
    note: str


class AnalysisOut(Schema):
    analysis: dict[str, Any]  # docs/formats.md `touchdose analyze --json` object
    warnings: list[str]


class EvidenceOut(Schema):
    condition: str | None
    studies: list[dict[str, Any]]
    effects: list[dict[str, Any]]
    guidelines: list[dict[str, Any]]


class TokenIn(Schema):
    name: Annotated[str, Field(min_length=1, max_length=80), AfterValidator(_no_nul)]


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class TokenCreatedOut(TokenOut):
    token: str  # shown once; only its hash is stored
