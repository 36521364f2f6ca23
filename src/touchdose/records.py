"""Plain, validated records: the client profile, a massage session, a daily check-in.

Pure Python: no Django, no files. Every record checks its own fields when it is
built and raises :class:`RecordError` listing *every* broken field, each with
the record, the field, the value and what is allowed. The vocabularies (pressure
levels, techniques, the 19 ACR 2016 areas, adverse events, contraindications and red
flags) live here once and everything else imports them.

Examples
--------
>>> from datetime import datetime, timezone
>>> s = Session(start=datetime(2026, 1, 5, 10, tzinfo=timezone.utc), pressure=2, minutes=45)
>>> PRESSURE_NAMES[s.pressure]
'light'
>>> Session(start=datetime(2026, 1, 5, 10, tzinfo=timezone.utc), pressure=0, minutes=45)
Traceback (most recent call last):
...
touchdose.records.RecordError: session: pressure = 0 is not allowed (allowed: a whole number 1-5)
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import datetime
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo, available_timezones

# --- Vocabularies (docs/design.md "Domain") --------------------------------------

#: Pressure scale 1-5 used by therapist and client alike (docs/design.md "Domain").
PRESSURE_NAMES: dict[int, str] = {1: "very light", 2: "light", 3: "moderate", 4: "firm", 5: "deep"}
PRESSURE_MIN, PRESSURE_MAX = 1, 5

TECHNIQUES: tuple[str, ...] = (
    "swedish",
    "deep_tissue",
    "myofascial_release",
    "trigger_point",
    "shiatsu",
    "connective_tissue",
    "lymphatic_drainage",
    "reflexology",
    "thai",
    "other",
)

#: The 19 areas of the ACR 2016 Widespread Pain Index and their region (1-5);
#: Wolfe F et al. Semin Arthritis Rheum 2016;46:319-29, table (docs/instruments.md 1.1).
AREA_REGION: dict[str, int] = {
    "jaw_left": 1, "shoulder_girdle_left": 1, "upper_arm_left": 1, "lower_arm_left": 1,
    "jaw_right": 2, "shoulder_girdle_right": 2, "upper_arm_right": 2, "lower_arm_right": 2,
    "hip_left": 3, "upper_leg_left": 3, "lower_leg_left": 3,
    "hip_right": 4, "upper_leg_right": 4, "lower_leg_right": 4,
    "neck": 5, "upper_back": 5, "lower_back": 5, "chest": 5, "abdomen": 5,
}  # fmt: skip
AREAS: tuple[str, ...] = tuple(AREA_REGION)
#: Areas that count in the WPI but never make a region painful for "generalized pain"
#: (Wolfe 2016: "Jaw, chest, and abdominal pain are excluded from the generalized pain definition").
GENERALIZED_EXCLUDED: frozenset[str] = frozenset({"jaw_left", "jaw_right", "chest", "abdomen"})

#: Labels as printed on the ACR 2016 form (Wolfe 2016 table).
AREA_LABELS: dict[str, str] = {
    "jaw_left": "Jaw, left", "shoulder_girdle_left": "Shoulder girdle, left",
    "upper_arm_left": "Upper arm, left", "lower_arm_left": "Lower arm, left",
    "jaw_right": "Jaw, right", "shoulder_girdle_right": "Shoulder girdle, right",
    "upper_arm_right": "Upper arm, right", "lower_arm_right": "Lower arm, right",
    "hip_left": "Hip (buttock, trochanter), left", "upper_leg_left": "Upper leg, left",
    "lower_leg_left": "Lower leg, left", "hip_right": "Hip (buttock, trochanter), right",
    "upper_leg_right": "Upper leg, right", "lower_leg_right": "Lower leg, right",
    "neck": "Neck", "upper_back": "Upper back", "lower_back": "Lower back",
    "chest": "Chest", "abdomen": "Abdomen",
}  # fmt: skip

ADVERSE_EVENTS: tuple[str, ...] = ("soreness", "bruising", "headache", "fatigue", "dizziness", "flare")
SENSITIVITIES: tuple[str, ...] = ("low", "typical", "high")
#: What the client hopes massage will do (docs/design.md "Verdict and plan": less pain, better
#: sleep, less stress, moving more), most important first; they decide which outcome leads.
GOALS: tuple[str, ...] = ("less_pain", "better_sleep", "less_stress", "move_more")
CONDITIONS: tuple[str, ...] = (
    "fibromyalgia",
    "low_back_pain",
    "neck_pain",
    "knee_osteoarthritis",
    "tension_headache",
    "cancer_pain",
    "other",
)

#: Contraindications asked at intake (a short checklist), each with the words the client reads
#: (also the display of its FHIR code).
#: What each one does to the plan is decided in :mod:`touchdose.analysis.safety` (docs/safety.md).
CONTRAINDICATION_LABELS: dict[str, str] = {
    "blood_thinners": "Blood thinners (anticoagulants)",
    "bleeding_disorder": "A bleeding or clotting disorder",
    "dvt": "A blood clot in a vein (DVT), or a calf that is swollen and painful",
    "recent_surgery_or_fracture": "Surgery or a broken bone in the last 3 months",
    "osteoporosis": "Osteoporosis (thin, fragile bones)",
    "cancer": "Cancer, now or under treatment",
    "bone_metastases": "Cancer that has spread to the bones",
    "fever_or_infection": "A fever or an infection right now",
    "pregnancy": "Pregnancy",
    "broken_skin": "Broken, infected or raw skin where massage would go",
}
CONTRAINDICATIONS: tuple[str, ...] = tuple(CONTRAINDICATION_LABELS)

#: Red flags asked at check-in ("anything new or unusual?"), each with the words the client reads
#: (also the display of its FHIR code).
#: Any of them puts a safety message above every verdict (:mod:`touchdose.analysis.safety`).
RED_FLAG_LABELS: dict[str, str] = {
    "numbness_weakness": "New numbness or weakness in an arm or a leg",
    "bowel_bladder_change": "New trouble holding or passing urine or stool, or numbness between the legs",
    "weight_loss": "Losing weight without trying",
    "fever_night_sweats": "Fever, or night sweats that soak the sheets",
    "chest_pain_breathless": "Chest pain, or trouble breathing",
    "swollen_calf": "A calf that is swollen, warm or painful",
    "unusual_bruising": "Bruises that came without a knock",
}
RED_FLAGS: tuple[str, ...] = tuple(RED_FLAG_LABELS)

NRS_MIN, NRS_MAX = 0, 10  # every 0-10 rating (pain, fatigue, mood, sleep quality, relaxation)
SLEEP_HOURS_MAX = 24.0
MINUTES_MAX = 240  # a longer single massage is almost certainly a typing error
FIQR_ITEMS = 21
#: Every time a record holds lies in these years. Far wider than any diary, and narrow enough that
#: moving a time to UTC or to any other zone can never overflow Python's datetime (years 1-9999);
#: the readers, the forms and the API all refuse what lies outside (issue 13, finding 5).
YEAR_MIN, YEAR_MAX = 1900, 2200
TIME_RULE = f"an ISO 8601 time with a UTC offset, in the years {YEAR_MIN}-{YEAR_MAX}"
ZONE_RULE = "an IANA time zone name such as Europe/Stockholm"


# --- Errors -------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """One broken field: which record, which field, the value, and what is allowed."""

    record: str
    field: str
    value: Any
    allowed: str

    def __str__(self) -> str:
        return f"{self.record}: {self.field} = {self.value!r} is not allowed (allowed: {self.allowed})"


class RecordError(ValueError):
    """A record broke one or more rules; ``problems`` lists each of them."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(str(p) for p in self.problems))


class _Checker:
    """Collects problems for one record so that all of them are reported at once."""

    def __init__(self, record: str) -> None:
        self.record = record
        self.problems: list[Problem] = []

    def add(self, field_name: str, value: Any, allowed: str) -> None:
        self.problems.append(Problem(self.record, field_name, value, allowed))

    def whole(self, field_name: str, value: Any, low: int, high: int, *, optional: bool = False) -> None:
        if value is None and optional:
            return
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            self.add(field_name, value, f"a whole number {low}-{high}")

    def number(self, field_name: str, value: Any, low: float, high: float, *, optional: bool = False) -> None:
        if value is None and optional:
            return
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not low <= value <= high:
            self.add(field_name, value, f"a number {low:g}-{high:g}")

    def members(
        self, field_name: str, values: Any, vocabulary: tuple[str, ...], *, distinct: bool = False
    ) -> None:
        if not isinstance(values, tuple):
            self.add(field_name, values, "a list")
            return
        for v in values:
            if v not in vocabulary:
                self.add(field_name, v, "one of " + ", ".join(vocabulary))
        if distinct:
            for v in sorted({v for v in values if isinstance(v, str) and values.count(v) > 1}):
                self.add(field_name, v, "each item at most once")

    def aware(self, field_name: str, value: Any) -> None:
        aware = isinstance(value, datetime) and value.tzinfo is not None and value.utcoffset() is not None
        if not aware or not YEAR_MIN <= value.year <= YEAR_MAX:
            self.add(field_name, value, TIME_RULE)

    def boolean(self, field_name: str, value: Any, *, optional: bool = False) -> None:
        if value is None and optional:
            return
        if not isinstance(value, bool):
            self.add(field_name, value, "true or false")

    def text(self, field_name: str, value: Any) -> None:
        if not is_text(value):
            self.add(field_name, value, TEXT_RULE)

    def raise_if_any(self) -> None:
        if self.problems:
            raise RecordError(self.problems)


TEXT_RULE = "text (Unicode, without the NUL character)"


def is_text(value: Any) -> bool:
    """Text that every store and every output can hold: a ``str`` that encodes as UTF-8 (no lone
    surrogate such as ``\\ud800``, which JSON can carry) and has no NUL (PostgreSQL refuses it).

    >>> is_text("ok"), is_text("a\\x00b"), is_text("\\ud800"), is_text(3)
    (True, False, False, False)
    """
    if not isinstance(value, str) or "\x00" in value:
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


@lru_cache(maxsize=1)
def _zone_names() -> frozenset[str]:
    return frozenset(available_timezones())


def is_timezone(name: Any) -> bool:
    """Whether ``name`` is an IANA time zone this machine knows.

    Checked against the list of zones rather than by opening one: ``ZoneInfo("Europe")`` opens a
    directory and ``ZoneInfo("A" * 300)`` a name too long for the file system, and both raise
    ``OSError`` rather than "unknown zone" (issue 13, finding 5).

    >>> is_timezone("Europe/Stockholm"), is_timezone("Europe"), is_timezone("A" * 300)
    (True, False, False)
    """
    return isinstance(name, str) and name in _zone_names()


def zone_named(name: str) -> ZoneInfo:
    """The zone called ``name``; ``ValueError`` naming the rule when there is none."""
    if not is_timezone(name):
        raise ValueError(f"timezone = {str(name)[:60]!r} is not allowed (allowed: {ZONE_RULE})")
    return ZoneInfo(name)


# --- Records --------------------------------------------------------------------

# Field metadata keys: the highest answer of an ACR 2016 symptom item; a 0-10 rating.
_SSS_MAX = "sss_max"
_RATING = {"rating": True}


@dataclass(frozen=True)
class Acr2016Answers:
    """The client's answers to the ACR 2016 questionnaire (scored in ``instruments``).

    ``None`` for a symptom item means "not answered" (the score is then incomplete).
    """

    wpi_regions: tuple[str, ...] = ()
    # The six Symptom Severity Scale items, each with its highest answer (``_SSS_MAX``): part A,
    # past week, 0-3; part B, past 6 months, 0 or 1 (Wolfe 2016 table; docs/instruments.md 1.2).
    fatigue: int | None = field(default=None, metadata={_SSS_MAX: 3})
    waking_unrefreshed: int | None = field(default=None, metadata={_SSS_MAX: 3})
    cognitive: int | None = field(default=None, metadata={_SSS_MAX: 3})
    headaches: int | None = field(default=None, metadata={_SSS_MAX: 1})
    lower_abdominal_pain: int | None = field(default=None, metadata={_SSS_MAX: 1})
    depression: int | None = field(default=None, metadata={_SSS_MAX: 1})
    symptoms_3_months: bool | None = None

    def __post_init__(self) -> None:
        c = _Checker("acr2016")
        c.members("wpi_regions", self.wpi_regions, AREAS)
        for name, highest in ACR_SYMPTOM_MAX.items():
            c.whole(name, getattr(self, name), 0, highest, optional=True)
        c.boolean("symptoms_3_months", self.symptoms_3_months, optional=True)
        c.raise_if_any()


#: The ACR 2016 symptom items in questionnaire order, each with its highest answer (3 or 1):
#: the one list the instruments, the file formats, FHIR, the web intake and the simulator use.
ACR_SYMPTOM_MAX: dict[str, int] = {
    f.name: f.metadata[_SSS_MAX] for f in fields(Acr2016Answers) if _SSS_MAX in f.metadata
}
ACR_SYMPTOM_ITEMS: tuple[str, ...] = tuple(ACR_SYMPTOM_MAX)
#: Every field of the ACR 2016 answers, in order (the keys of the client file's ``acr2016`` object).
ACR_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(Acr2016Answers))


@dataclass(frozen=True)
class ClientProfile:
    """Who the client is, as far as the engine needs to know (pseudonymous ``id``)."""

    id: str
    timezone: str = "UTC"
    conditions: tuple[str, ...] = ()
    max_pressure: int | None = None
    sensitivity: str | None = None
    avoid_regions: tuple[str, ...] = ()
    acr2016: Acr2016Answers | None = None
    fiqr: tuple[int | None, ...] | None = None
    contraindications: tuple[str, ...] = ()
    goals: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        c = _Checker("client")
        if not is_text(self.id) or not self.id.strip() or len(self.id) > 100:
            c.add("id", self.id, "a non-empty text of at most 100 characters")
        if not is_timezone(self.timezone):
            c.add("timezone", self.timezone, ZONE_RULE)
        c.members("conditions", self.conditions, CONDITIONS)
        c.whole("max_pressure", self.max_pressure, PRESSURE_MIN, PRESSURE_MAX, optional=True)
        if self.sensitivity is not None and self.sensitivity not in SENSITIVITIES:
            c.add("sensitivity", self.sensitivity, "one of " + ", ".join(SENSITIVITIES))
        c.members("avoid_regions", self.avoid_regions, AREAS)
        c.members("contraindications", self.contraindications, CONTRAINDICATIONS, distinct=True)
        c.members("goals", self.goals, GOALS)
        if self.fiqr is not None:
            if not isinstance(self.fiqr, tuple) or len(self.fiqr) != FIQR_ITEMS:
                c.add("fiqr", self.fiqr, f"a list of {FIQR_ITEMS} item scores (0-10 or null)")
            else:
                for i, item in enumerate(self.fiqr, start=1):
                    c.whole(f"fiqr[{i}]", item, NRS_MIN, NRS_MAX, optional=True)
        c.raise_if_any()

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


@dataclass(frozen=True)
class Session:
    """One massage session and how the client rated it before, during and just after."""

    start: datetime
    pressure: int
    minutes: int
    technique: tuple[str, ...] = ("other",)  # "other" = not said; never guessed
    regions: tuple[str, ...] = ()
    pain_before: int | None = field(default=None, metadata=_RATING)
    pain_during_max: int | None = field(default=None, metadata=_RATING)
    pain_after: int | None = field(default=None, metadata=_RATING)
    relaxation_after: int | None = field(default=None, metadata=_RATING)
    adverse: tuple[str, ...] = ()
    note: str = ""
    therapist: str | None = None

    def __post_init__(self) -> None:
        c = _Checker("session")
        c.aware("start", self.start)
        c.whole("pressure", self.pressure, PRESSURE_MIN, PRESSURE_MAX)
        c.whole("minutes", self.minutes, 1, MINUTES_MAX)
        c.members("technique", self.technique, TECHNIQUES)
        if isinstance(self.technique, tuple) and not self.technique:
            c.add("technique", "", "at least one of " + ", ".join(TECHNIQUES))
        c.members("regions", self.regions, AREAS)
        for name in SESSION_RATINGS:
            c.whole(name, getattr(self, name), NRS_MIN, NRS_MAX, optional=True)
        c.members("adverse", self.adverse, ADVERSE_EVENTS)
        c.text("note", self.note)
        if self.therapist is not None:
            c.text("therapist", self.therapist)
        c.raise_if_any()

    @property
    def flare_reported(self) -> bool:
        return "flare" in self.adverse


#: The client's own 0-10 ratings of a session (pain before, worst during, after; relaxation after).
SESSION_RATINGS: tuple[str, ...] = tuple(f.name for f in fields(Session) if f.metadata.get("rating"))


@dataclass(frozen=True)
class CheckIn:
    """A diary entry: pain is the average over the last 24 h (0-10)."""

    time: datetime
    pain: int
    fatigue: int | None = field(default=None, metadata=_RATING)
    sleep_hours: float | None = None
    sleep_quality: int | None = field(default=None, metadata=_RATING)
    mood: int | None = field(default=None, metadata=_RATING)
    flare: bool = False
    rescue_doses: int | None = None
    activity_minutes: int | None = None
    note: str = ""
    red_flags: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        c = _Checker("checkin")
        c.aware("time", self.time)
        c.whole("pain", self.pain, NRS_MIN, NRS_MAX)
        for name in CHECKIN_RATINGS:
            c.whole(name, getattr(self, name), NRS_MIN, NRS_MAX, optional=True)
        c.number("sleep_hours", self.sleep_hours, 0, SLEEP_HOURS_MAX, optional=True)
        c.boolean("flare", self.flare)
        c.whole("rescue_doses", self.rescue_doses, 0, 50, optional=True)
        c.whole("activity_minutes", self.activity_minutes, 0, 1440, optional=True)
        c.text("note", self.note)
        c.members("red_flags", self.red_flags, RED_FLAGS, distinct=True)
        c.raise_if_any()


#: A check-in's optional 0-10 ratings besides pain (fatigue, sleep quality, mood: 10 = best).
CHECKIN_RATINGS: tuple[str, ...] = tuple(f.name for f in fields(CheckIn) if f.metadata.get("rating"))


@dataclass(frozen=True)
class ClientFile:
    """Everything known about one client: the profile and the time-ordered records."""

    client: ClientProfile
    sessions: tuple[Session, ...] = field(default=())
    checkins: tuple[CheckIn, ...] = field(default=())

    def __post_init__(self) -> None:
        # Keep records in time order once, here, so no consumer has to sort again.
        object.__setattr__(self, "sessions", tuple(sorted(self.sessions, key=lambda s: s.start)))
        object.__setattr__(self, "checkins", tuple(sorted(self.checkins, key=lambda c: c.time)))
