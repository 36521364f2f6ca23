"""The codes of touchdose's FHIR export: LOINC and UCUM where a code exists, our own code systems otherwise.

LOINC has codes for a 0-10 pain rating and for sleep duration, but none for the ACR 2016 fibromyalgia
criteria, the FIQR, the daily fatigue / mood ratings or a massage dose (docs/instruments.md 5.2:
"no verified LOINC" for FIQR; the 90858-2 seen in one third-party file is unverified and not used).
Those concepts get codes in the project code systems below. The systems are URNs: identifiers that
name touchdose without pretending to be a web address anyone can resolve. docs/fhir.md lists every
code (a test keeps the page and this module in step).
"""

from __future__ import annotations

from touchdose.instruments.fiqr import DOMAIN_ITEMS
from touchdose.records import (
    ADVERSE_EVENTS,
    AREA_LABELS,
    CONDITIONS,
    CONTRAINDICATION_LABELS,
    RED_FLAG_LABELS,
    TECHNIQUES,
)
from touchdose.text import words

# --- External systems (docs/instruments.md 5.1-5.2) ---------------------------------------------
LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
SNOMED_CT = "http://snomed.info/sct"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"

#: LOINC 72514-3 "Pain severity - 0-10 verbal numeric rating [Score] - Reported" (HL7 BE; VSAC pain set).
LOINC_PAIN = ("72514-3", "Pain severity - 0-10 verbal numeric rating [Score] - Reported")
#: LOINC 93832-4 "Sleep duration" (HL7 Personal Health Record IG), in hours (UCUM "h").
LOINC_SLEEP = ("93832-4", "Sleep duration")

# --- Project code systems -----------------------------------------------------------------------------
SYSTEM_BASE = "urn:touchdose:fhir:"
#: Scores of the instruments (local codes suggested in docs/instruments.md 5.2).
INSTRUMENTS_SYSTEM = SYSTEM_BASE + "CodeSystem:instruments"
#: Everything else touchdose records: daily ratings, session context, the massage itself.
RECORDS_SYSTEM = SYSTEM_BASE + "CodeSystem:records"
TECHNIQUE_SYSTEM = SYSTEM_BASE + "CodeSystem:technique"
AREA_SYSTEM = SYSTEM_BASE + "CodeSystem:wpi-area"
ADVERSE_SYSTEM = SYSTEM_BASE + "CodeSystem:adverse-event"
CONDITION_SYSTEM = SYSTEM_BASE + "CodeSystem:condition"
CONTRAINDICATION_SYSTEM = SYSTEM_BASE + "CodeSystem:contraindication"
RED_FLAG_SYSTEM = SYSTEM_BASE + "CodeSystem:red-flag"
#: The pseudonymous client id (the only identifier a touchdose Patient carries).
CLIENT_ID_SYSTEM = SYSTEM_BASE + "client-id"
EXTENSION_BASE = SYSTEM_BASE + "StructureDefinition:"
QUESTIONNAIRE_ACR2016 = SYSTEM_BASE + "Questionnaire:acr2016"
QUESTIONNAIRE_FIQR = SYSTEM_BASE + "Questionnaire:fiqr"

INSTRUMENT_CODES: dict[str, str] = {
    "wpi": "ACR 2016 Widespread Pain Index (0-19)",
    "sss": "ACR 2016 Symptom Severity Scale (0-12)",
    "fs-psd": "Fibromyalgia severity / polysymptomatic distress (WPI + SSS, 0-31)",
    "acr2016-generalized": "ACR 2016 generalized pain (4 of 5 regions)",
    "acr2016-criteria-met": "ACR 2016 fibromyalgia criteria met",
    "fiqr-total": "FIQR total score (0-100)",
    "fiqr-function": "FIQR function domain (0-30)",
    "fiqr-overall": "FIQR overall impact domain (0-20)",
    "fiqr-symptoms": "FIQR symptoms domain (0-50)",
}

RECORD_CODES: dict[str, str] = {
    "checkin": "Daily check-in panel",
    "fatigue-nrs": "Fatigue, 0-10 numeric rating",
    "sleep-quality-nrs": "Sleep quality, 0-10 numeric rating",
    "mood-nrs": "Mood / anxiety, 0-10 numeric rating",
    "flare": "Flare of pain reported",
    "rescue-doses": "Rescue medication doses taken",
    "activity-minutes": "Minutes of physical activity",
    "pain-before-session": "Pain just before a massage, 0-10",
    "pain-during-session-max": "Worst pain during a massage, 0-10",
    "pain-after-session": "Pain just after a massage, 0-10",
    "relaxation-after-session": "Relaxation just after a massage, 0-10",
    "massage": "Massage therapy session",
    "red-flag": "New or unusual symptom reported at check-in",
}

#: Record fields of a check-in <-> project codes (pain and sleep hours use LOINC instead).
CHECKIN_FIELD_CODES: dict[str, str] = {
    "fatigue": "fatigue-nrs",
    "sleep_quality": "sleep-quality-nrs",
    "mood": "mood-nrs",
    "flare": "flare",
    "rescue_doses": "rescue-doses",
    "activity_minutes": "activity-minutes",
}
#: Record fields of a session's ratings <-> project codes.
SESSION_RATING_CODES: dict[str, str] = {
    "pain_before": "pain-before-session",
    "pain_during_max": "pain-during-session-max",
    "pain_after": "pain-after-session",
    "relaxation_after": "relaxation-after-session",
}
#: FIQR items per domain in questionnaire order (Bennett 2009; docs/instruments.md 2.1).
FIQR_DOMAINS: tuple[tuple[str, int], ...] = tuple((name, len(items)) for name, items in DOMAIN_ITEMS.items())

#: Extensions carrying what FHIR has no element for (the massage dose, the client's settings).
EXTENSIONS: dict[str, str] = {
    "massage-pressure": "Pressure of the massage, 1 very light - 5 deep (valueInteger)",
    "massage-minutes": "Length of the massage in minutes (valueQuantity, UCUM min)",
    "massage-technique": "A technique used in the massage (valueCoding, repeats, in the order given)",
    "client-timezone": "The client's IANA time zone (valueString)",
    "max-pressure": "Highest pressure the client accepts, 1-5 (valueInteger)",
    "sensitivity": "Self-reported sensitivity: low, typical or high (valueCode)",
    "avoid-region": "A WPI area the client wants left alone (valueCoding, repeats)",
}

TECHNIQUE_CODES: dict[str, str] = {t: words(t) for t in TECHNIQUES}
AREA_CODES: dict[str, str] = dict(AREA_LABELS)
ADVERSE_CODES: dict[str, str] = {a: words(a) for a in ADVERSE_EVENTS}
CONDITION_CODES: dict[str, str] = {c: words(c) for c in CONDITIONS}
CONTRAINDICATION_CODES: dict[str, str] = dict(CONTRAINDICATION_LABELS)
RED_FLAG_CODES: dict[str, str] = dict(RED_FLAG_LABELS)

#: SNOMED CT concepts that mean the same as a project code, given as a second coding. Only where one
#: well-known concept is an exact match: a project code that joins two things ("numbness or weakness",
#: "fever or infection") or is broader than any one concept ("a DVT or a swollen painful calf") has
#: none. Each code was checked against FHIR resources and value sets in public repositories
#: (docs/fhir.md "SNOMED CT").
CONTRAINDICATION_SNOMED: dict[str, tuple[str, str]] = {
    "bleeding_disorder": ("64779008", "Blood coagulation disorder"),
    "osteoporosis": ("64859006", "Osteoporosis"),
    "cancer": ("363346000", "Malignant neoplastic disease"),
    "bone_metastases": ("94222008", "Secondary malignant neoplasm of bone"),
    "pregnancy": ("77386006", "Pregnant"),
}
RED_FLAG_SNOMED: dict[str, tuple[str, str]] = {
    "weight_loss": ("448765001", "Unintentional weight loss"),
}

#: Every project code system with its codes, for the documentation and the tests.
CODE_SYSTEMS: dict[str, dict[str, str]] = {
    INSTRUMENTS_SYSTEM: INSTRUMENT_CODES,
    RECORDS_SYSTEM: RECORD_CODES,
    TECHNIQUE_SYSTEM: TECHNIQUE_CODES,
    AREA_SYSTEM: AREA_CODES,
    ADVERSE_SYSTEM: ADVERSE_CODES,
    CONDITION_SYSTEM: CONDITION_CODES,
    CONTRAINDICATION_SYSTEM: CONTRAINDICATION_CODES,
    RED_FLAG_SYSTEM: RED_FLAG_CODES,
}


def extension_url(name: str) -> str:
    """The URL of one touchdose extension (``name`` must be a key of :data:`EXTENSIONS`).

    Examples
    --------
    >>> extension_url("massage-pressure")
    'urn:touchdose:fhir:StructureDefinition:massage-pressure'
    """
    if name not in EXTENSIONS:
        raise ValueError(f"extension = {name!r} is not allowed (allowed: one of {', '.join(EXTENSIONS)})")
    return EXTENSION_BASE + name
