"""Request and response shapes of the API.

Sessions, check-ins and tokens take their fields and types from the models (django-ninja
``ModelSchema``); the rest are shapes of their own. The shapes carry types only. The rules (ranges,
vocabularies, time with a UTC offset) live in :mod:`touchdose.records` and are applied by the
services, so a bad value gets the same words here as in a file or a form. The only limits set here
protect the transport: ids fit the database, text holds no NUL character (PostgreSQL refuses it),
times lie in years 1900-2200 (so converting them to UTC cannot overflow).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from ninja import Field, ModelSchema, Path, Schema
from pydantic import AfterValidator, ConfigDict

from touchdose.records import YEAR_MAX, YEAR_MIN  # the one bound of every time (records.py)
from touchdose.web.convert import CHECKIN_FIELDS, SESSION_FIELDS
from touchdose.web.models import ApiToken, CheckIn, MassageSession
from touchdose.web.services import API_TOKEN_DAYS, API_TOKEN_DAYS_MAX

#: Largest id the database holds (a signed 64-bit integer).
MAX_ID = 2**63 - 1
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
#: A response always carries every field (null where empty): the schema says each one is required.
ALWAYS_SENT = ConfigDict(json_schema_serialization_defaults_required=True)


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


#: The longest IANA time zone name stored (the model's column).
ZONE_MAX = 64


class ProfilePatch(Schema):
    """Intake answers the API changes; a field not sent stays as stored (the defaults shown are
    never applied). The safety checklist (``contraindications``, docs/safety.md) and the plain
    profile fields; ``max_pressure`` null means no limit, an empty list clears a list."""

    timezone: Annotated[str, Field(max_length=ZONE_MAX), AfterValidator(_no_nul)] = "UTC"
    conditions: list[Word] = Field(default_factory=list)
    max_pressure: int | None = None
    avoid_regions: list[Word] = Field(default_factory=list)
    contraindications: list[Word] = Field(default_factory=list)


# --- sessions and check-ins: the model's fields (django-ninja ModelSchema), with the transport limits
# above on times, words and text. A field not sent takes the record's default (see the services).


class SessionIn(ModelSchema):
    start: Time
    technique: list[Word] = Field(default_factory=lambda: ["other"])
    regions: list[Word] = Field(default_factory=list)
    adverse: list[Word] = Field(default_factory=list)
    note: Text = ""

    class Meta:
        model = MassageSession
        fields = SESSION_FIELDS


class SessionPatch(ModelSchema):
    start: Time | None = None
    technique: list[Word] | None = None
    regions: list[Word] | None = None
    adverse: list[Word] | None = None
    note: Text | None = None

    class Meta:
        model = MassageSession
        fields = SESSION_FIELDS
        fields_optional = "__all__"


class SessionOut(ModelSchema):
    model_config = ALWAYS_SENT
    id: int
    client_id: int
    logged_by_therapist: bool
    technique: list[str]
    regions: list[str]
    adverse: list[str]
    note: str

    class Meta:
        model = MassageSession
        fields = ("id", *SESSION_FIELDS)

    @staticmethod
    def resolve_logged_by_therapist(row: MassageSession) -> bool:
        return row.therapist_id is not None


class CheckInIn(ModelSchema):
    time: Time
    note: Text = ""
    red_flags: list[Word] = Field(default_factory=list)  # docs/safety.md "Red flags at check-in"

    class Meta:
        model = CheckIn
        fields = CHECKIN_FIELDS


class CheckInPatch(ModelSchema):
    time: Time | None = None
    flare: bool | None = None  # not the model's default: a field not sent stays as stored
    note: Text | None = None
    red_flags: list[Word] | None = None

    class Meta:
        model = CheckIn
        fields = CHECKIN_FIELDS
        fields_optional = "__all__"


class CheckInOut(ModelSchema):
    model_config = ALWAYS_SENT
    id: int
    client_id: int
    note: str
    red_flags: list[str]

    class Meta:
        model = CheckIn
        fields = ("id", *CHECKIN_FIELDS)


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
    #: How long the token works (it stops at ``expires_at``).
    days: Annotated[int, Field(ge=1, le=API_TOKEN_DAYS_MAX)] = API_TOKEN_DAYS


class TokenOut(ModelSchema):
    model_config = ALWAYS_SENT
    id: int

    class Meta:
        model = ApiToken
        fields = ("id", "name", "prefix", "created_at", "last_used_at", "expires_at", "revoked_at")


class TokenCreatedOut(TokenOut):
    token: str  # shown once; only its hash is stored
