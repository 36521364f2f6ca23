"""Export a client file as a FHIR R4 (R4B models) collection Bundle, validated with ``fhir.resources``.

What goes where (docs/instruments.md section 5; codes in :mod:`touchdose.io.fhir_codes`):

- the client -> a pseudonymous ``Patient``: the touchdose client id as its only identifier, no name,
  no birth date, no gender; time zone, maximum pressure, sensitivity and regions to avoid as extensions;
- each condition -> a ``Condition`` (project code system); each contraindication ticked at intake ->
  a ``Condition`` (project contraindication code, plus the SNOMED CT concept where one matches exactly);
- ACR 2016 answers and FIQR items -> one ``QuestionnaireResponse`` each, and their scores (computed by
  :mod:`touchdose.instruments`) as ``Observation`` s (category ``survey``, UCUM ``{score}``) derived
  from them;
- each check-in -> a panel ``Observation`` whose members are pain (LOINC 72514-3), sleep duration
  (LOINC 93832-4, hours), the other daily ratings and one ``Observation`` per red flag reported (code
  ``red-flag``, the flag as its ``valueCodeableConcept``);
- each massage -> a ``Procedure`` with its dose (pressure and minutes as extensions, the performed
  period, techniques, body sites, adverse events as complications) and the before / during / after
  ratings as ``Observation`` s that are ``partOf`` it.

Every id is a name-based UUID of the client id and the record's place, so exporting the same file twice
gives the same Bundle. :func:`touchdose.io.fhir_read.client_file_from_fhir` reads it back.
"""

from __future__ import annotations

import json
import uuid
import warnings
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from touchdose.instruments.acr2016 import score_acr2016
from touchdose.instruments.fiqr import FiqrInvalidWarning, score_fiqr
from touchdose.io import fhir_codes as fc
from touchdose.io.fhir_read import FhirInvalid, validate_bundle
from touchdose.records import (
    ACR_SYMPTOM_ITEMS,
    CHECKIN_RATINGS,
    Acr2016Answers,
    CheckIn,
    ClientFile,
    ClientProfile,
    Session,
)

Json = dict[str, Any]

#: Score keys of ``touchdose analyze --json`` "instruments" (docs/formats.md) -> project code, value type.
ACR_SCORE_CODES: tuple[tuple[str, str, str], ...] = (
    ("wpi", "wpi", "quantity"),
    ("sss", "sss", "quantity"),
    ("severity", "fs-psd", "quantity"),
    ("generalized", "acr2016-generalized", "boolean"),
    ("meets_criteria", "acr2016-criteria-met", "boolean"),
)
FIQR_SCORE_COMPONENTS: tuple[str, ...] = ("function", "overall", "symptoms")

# --- small builders -----------------------------------------------------------------------------------


def _coding(system: str, code: str, display: str | None = None) -> Json:
    out: Json = {"system": system, "code": code}
    if display:
        out["display"] = display
    return out


def _concept(system: str, code: str, display: str) -> Json:
    return {"coding": [_coding(system, code, display)], "text": display}


def _score(value: float) -> Json:
    return {"value": value, "unit": "{score}", "system": fc.UCUM, "code": "{score}"}


def _quantity(value: float, unit: str) -> Json:
    return {"value": value, "unit": unit, "system": fc.UCUM, "code": unit}


def _category(code: str, display: str) -> list[Json]:
    return [{"coding": [_coding(fc.OBSERVATION_CATEGORY, code, display)]}]


SURVEY = _category("survey", "Survey")
ACTIVITY = _category("activity", "Activity")


def _ext(name: str, **value: Any) -> Json:
    return {"url": fc.extension_url(name), **value}


def _when(t: datetime) -> str:
    return t.isoformat()


class _Ids:
    """Name-based UUIDs: the same client file always gives the same ids."""

    def __init__(self, client_id: str) -> None:
        self._namespace = uuid.uuid5(uuid.NAMESPACE_URL, "urn:touchdose:client:" + client_id)

    def __call__(self, key: str) -> str:
        return str(uuid.uuid5(self._namespace, key))


def _entry(rid: str, resource: Json) -> Json:
    return {"fullUrl": "urn:uuid:" + rid, "resource": {**resource, "id": rid}}


def _ref(rid: str) -> Json:
    return {"reference": "urn:uuid:" + rid}


# --- resources ----------------------------------------------------------------------------------------


def _patient(client: ClientProfile) -> Json:
    ext = [_ext("client-timezone", valueString=client.timezone)]
    if client.max_pressure is not None:
        ext.append(_ext("max-pressure", valueInteger=client.max_pressure))
    if client.sensitivity is not None:
        ext.append(_ext("sensitivity", valueCode=client.sensitivity))
    for area in client.avoid_regions:
        ext.append(_ext("avoid-region", valueCoding=_coding(fc.AREA_SYSTEM, area, fc.AREA_CODES[area])))
    return {
        "resourceType": "Patient",
        "identifier": [{"system": fc.CLIENT_ID_SYSTEM, "value": client.id}],
        "extension": ext,
    }


def _condition(code: str, patient: str) -> Json:
    return {
        "resourceType": "Condition",
        "code": _concept(fc.CONDITION_SYSTEM, code, fc.CONDITION_CODES[code]),
        "subject": _ref(patient),
    }


def _with_snomed(system: str, code: str, display: str, snomed: tuple[str, str] | None) -> Json:
    """The project coding first (the reader's key), then the equivalent SNOMED CT concept if any."""
    concept = _concept(system, code, display)
    if snomed is not None:
        concept["coding"].append(_coding(fc.SNOMED_CT, *snomed))
    return concept


def _contraindication(code: str, patient: str) -> Json:
    return {
        "resourceType": "Condition",
        "code": _with_snomed(
            fc.CONTRAINDICATION_SYSTEM,
            code,
            fc.CONTRAINDICATION_CODES[code],
            fc.CONTRAINDICATION_SNOMED.get(code),
        ),
        "subject": _ref(patient),
    }


def _acr_response(answers: Acr2016Answers, patient: str) -> Json:
    items: list[Json] = []
    if answers.wpi_regions:
        items.append(
            {
                "linkId": "wpi",
                "text": "Areas with pain in the past 7 days",
                "answer": [
                    {"valueCoding": _coding(fc.AREA_SYSTEM, a, fc.AREA_CODES[a])} for a in answers.wpi_regions
                ],
            }
        )
    for name in ACR_SYMPTOM_ITEMS:
        value = getattr(answers, name)
        if value is not None:
            items.append({"linkId": f"sss.{name}", "answer": [{"valueInteger": value}]})
    if answers.symptoms_3_months is not None:
        items.append({"linkId": "symptoms_3_months", "answer": [{"valueBoolean": answers.symptoms_3_months}]})
    complete = answers.symptoms_3_months is not None and all(
        getattr(answers, n) is not None for n in ACR_SYMPTOM_ITEMS
    )
    return {
        "resourceType": "QuestionnaireResponse",
        "questionnaire": fc.QUESTIONNAIRE_ACR2016,
        "status": "completed" if complete else "in-progress",
        "subject": _ref(patient),
        "item": items,
    }


def _fiqr_response(fiqr: tuple[int | None, ...], patient: str) -> Json:
    groups: list[Json] = []
    position = 0
    for domain, count in fc.FIQR_DOMAINS:
        questions = [
            {"linkId": f"fiqr.{domain}.q{i}", "answer": [{"valueInteger": fiqr[position + i - 1]}]}
            for i in range(1, count + 1)
            if fiqr[position + i - 1] is not None
        ]
        position += count
        if questions:
            groups.append({"linkId": f"fiqr.{domain}", "item": questions})
    return {
        "resourceType": "QuestionnaireResponse",
        "questionnaire": fc.QUESTIONNAIRE_FIQR,
        "status": "completed" if all(v is not None for v in fiqr) else "in-progress",
        "subject": _ref(patient),
        "item": groups,
    }


def _observation(patient: str, code: Json, category: list[Json], **rest: Any) -> Json:
    return {
        "resourceType": "Observation",
        "status": "final",
        "category": category,
        "code": code,
        "subject": _ref(patient),
        **rest,
    }


def _local(code: str) -> Json:
    return _concept(fc.RECORDS_SYSTEM, code, fc.RECORD_CODES[code])


def _pain_code(local_code: str | None = None) -> Json:
    coding = [_coding(fc.LOINC, *fc.LOINC_PAIN)]
    if local_code is not None:
        coding.append(_coding(fc.RECORDS_SYSTEM, local_code, fc.RECORD_CODES[local_code]))
    return {"coding": coding, "text": fc.LOINC_PAIN[1]}


def _scores(client: ClientProfile) -> dict[str, dict[str, Any]]:
    """The instrument scores, computed where every score is computed (:mod:`touchdose.instruments`)."""
    out: dict[str, dict[str, Any]] = {}
    if client.acr2016 is not None:
        out["acr2016"] = score_acr2016(client.acr2016).to_dict()
    if client.fiqr is not None:
        with warnings.catch_warnings():
            # An unscorable FIQR is visible in the Bundle: its response is "in-progress", no total.
            warnings.simplefilter("ignore", FiqrInvalidWarning)
            out["fiqr"] = score_fiqr(client.fiqr).to_dict()
    return out


def _score_observations(
    client: ClientProfile, patient: str, ids: _Ids, responses: Mapping[str, str]
) -> list[Json]:
    out: list[Json] = []
    scores = _scores(client)
    acr = scores.get("acr2016")
    if acr is not None and "acr2016" in responses:
        for key, code, kind in ACR_SCORE_CODES:
            if acr.get(key) is None:
                continue
            value = (
                {"valueQuantity": _score(acr[key])}
                if kind == "quantity"
                else {"valueBoolean": bool(acr[key])}
            )
            concept = _concept(fc.INSTRUMENTS_SYSTEM, code, fc.INSTRUMENT_CODES[code])
            obs = _observation(patient, concept, SURVEY, derivedFrom=[_ref(responses["acr2016"])], **value)
            out.append(_entry(ids(f"score/{code}"), obs))
    fiqr = scores.get("fiqr")
    if fiqr is not None and fiqr.get("total") is not None and "fiqr" in responses:
        components = [
            {
                "code": _concept(fc.INSTRUMENTS_SYSTEM, f"fiqr-{c}", fc.INSTRUMENT_CODES[f"fiqr-{c}"]),
                "valueQuantity": _score(fiqr[c]),
            }
            for c in FIQR_SCORE_COMPONENTS
            if fiqr.get(c) is not None
        ]
        concept = _concept(fc.INSTRUMENTS_SYSTEM, "fiqr-total", fc.INSTRUMENT_CODES["fiqr-total"])
        obs = _observation(
            patient,
            concept,
            SURVEY,
            derivedFrom=[_ref(responses["fiqr"])],
            valueQuantity=_score(fiqr["total"]),
            component=components,
        )
        out.append(_entry(ids("score/fiqr-total"), obs))
    return out


def _checkin_entries(c: CheckIn, index: int, patient: str, ids: _Ids) -> list[Json]:
    when = {"effectiveDateTime": _when(c.time)}
    members: list[tuple[str, Json]] = []

    def add(key: str, code: Json, category: list[Json], **value: Any) -> None:
        members.append((key, _observation(patient, code, category, **value, **when)))

    add("pain", _pain_code(), SURVEY, valueQuantity=_score(c.pain))
    if c.sleep_hours is not None:
        add(
            "sleep",
            _concept(fc.LOINC, *fc.LOINC_SLEEP),
            ACTIVITY,
            valueQuantity=_quantity(c.sleep_hours, "h"),
        )
    for name in CHECKIN_RATINGS:
        value = getattr(c, name)
        if value is not None:
            add(name, _local(fc.CHECKIN_FIELD_CODES[name]), SURVEY, valueQuantity=_score(value))
    add("flare", _local("flare"), SURVEY, valueBoolean=c.flare)
    if c.rescue_doses is not None:
        add("rescue", _local("rescue-doses"), SURVEY, valueInteger=c.rescue_doses)
    if c.activity_minutes is not None:
        add(
            "activity",
            _local("activity-minutes"),
            ACTIVITY,
            valueQuantity=_quantity(c.activity_minutes, "min"),
        )
    for flag in c.red_flags:
        answer = _with_snomed(fc.RED_FLAG_SYSTEM, flag, fc.RED_FLAG_CODES[flag], fc.RED_FLAG_SNOMED.get(flag))
        add(f"red-flag/{flag}", _local("red-flag"), SURVEY, valueCodeableConcept=answer)
    member_entries = [_entry(ids(f"checkin/{index}/{key}"), obs) for key, obs in members]
    panel = _observation(
        patient,
        _local("checkin"),
        SURVEY,
        hasMember=[{"reference": e["fullUrl"]} for e in member_entries],
        **when,
    )
    if c.note:
        panel["note"] = [{"text": c.note}]
    return [_entry(ids(f"checkin/{index}"), panel), *member_entries]


def _procedure(s: Session, patient: str) -> Json:
    end = s.start + timedelta(minutes=s.minutes)
    ext = [
        _ext("massage-pressure", valueInteger=s.pressure),
        *(
            _ext("massage-technique", valueCoding=_coding(fc.TECHNIQUE_SYSTEM, t, fc.TECHNIQUE_CODES[t]))
            for t in s.technique
        ),
    ]
    proc: Json = {
        "resourceType": "Procedure",
        "status": "completed",
        "code": _local("massage"),
        "subject": _ref(patient),
        "performedPeriod": {"start": _when(s.start), "end": _when(end)},
        "extension": [*ext, _ext("massage-minutes", valueQuantity=_quantity(s.minutes, "min"))],
    }
    if s.regions:
        proc["bodySite"] = [_concept(fc.AREA_SYSTEM, r, fc.AREA_CODES[r]) for r in s.regions]
    if s.adverse:
        proc["complication"] = [_concept(fc.ADVERSE_SYSTEM, a, fc.ADVERSE_CODES[a]) for a in s.adverse]
    if s.note:
        proc["note"] = [{"text": s.note}]
    if s.therapist is not None:
        proc["performer"] = [{"actor": {"display": s.therapist}}]
    return proc


#: When each session rating was taken: at the start, at the end, or over the whole period.
SESSION_RATING_TIMES: dict[str, str] = {
    "pain_before": "start",
    "pain_during_max": "period",
    "pain_after": "end",
    "relaxation_after": "end",
}


def _session_entries(s: Session, index: int, patient: str, ids: _Ids) -> list[Json]:
    proc_id = ids(f"session/{index}")
    proc = _procedure(s, patient)
    out = [_entry(proc_id, proc)]
    period = proc["performedPeriod"]
    for field_name, code in fc.SESSION_RATING_CODES.items():
        value = getattr(s, field_name)
        if value is None:
            continue
        when, is_pain = SESSION_RATING_TIMES[field_name], field_name.startswith("pain")
        effective = {"effectivePeriod": period} if when == "period" else {"effectiveDateTime": period[when]}
        concept = _pain_code(code) if is_pain else _local(code)
        obs = _observation(
            patient, concept, SURVEY, valueQuantity=_score(value), partOf=[_ref(proc_id)], **effective
        )
        out.append(_entry(ids(f"session/{index}/{code}"), obs))
    return out


# --- public API ---------------------------------------------------------------------------------------


def client_file_to_fhir(cf: ClientFile) -> Json:
    """Build the FHIR R4 collection Bundle of one client file and validate it.

    Parameters
    ----------
    cf : ClientFile
        The client's profile, sessions and check-ins.

    Returns
    -------
    dict
        The Bundle as JSON-ready data (``json.dumps`` it to write a ``.json`` file). It has passed
        :func:`validate_bundle`.

    Notes
    -----
    The ACR 2016 and FIQR scores come from :func:`touchdose.instruments.acr2016.score_acr2016` and
    :func:`touchdose.instruments.fiqr.score_fiqr`; each becomes an Observation ``derivedFrom`` its
    QuestionnaireResponse (a score that cannot be computed is left out). Resource counts: 1 Patient, one
    Condition per condition and per contraindication, one QuestionnaireResponse per instrument
    answered, per check-in one panel plus one member per measured value and per red flag, per
    session one Procedure plus one Observation per rating given.

    References
    ----------
    HL7 FHIR R4B (4.3.0), https://hl7.org/fhir/R4B/. LOINC 72514-3 and 93832-4 (docs/instruments.md 5.2).

    Examples
    --------
    >>> from datetime import datetime, timezone
    >>> from touchdose.records import CheckIn, ClientFile, ClientProfile
    >>> cf = ClientFile(ClientProfile(id="c-001"),
    ...                 checkins=(CheckIn(time=datetime(2026, 1, 4, 20, tzinfo=timezone.utc), pain=6),))
    >>> bundle = client_file_to_fhir(cf)
    >>> [e["resource"]["resourceType"] for e in bundle["entry"]]
    ['Patient', 'Observation', 'Observation', 'Observation']
    >>> bundle["entry"][2]["resource"]["code"]["coding"][0]["code"]
    '72514-3'
    """
    ids = _Ids(cf.client.id)
    patient = ids("patient")
    entries = [_entry(patient, _patient(cf.client))]
    entries += [
        _entry(ids(f"condition/{i}"), _condition(c, patient)) for i, c in enumerate(cf.client.conditions)
    ]
    entries += [
        _entry(ids(f"contraindication/{i}"), _contraindication(c, patient))
        for i, c in enumerate(cf.client.contraindications)
    ]
    responses: dict[str, str] = {}
    if cf.client.acr2016 is not None:
        responses["acr2016"] = ids("questionnaire/acr2016")
        entries.append(_entry(responses["acr2016"], _acr_response(cf.client.acr2016, patient)))
    if cf.client.fiqr is not None:
        responses["fiqr"] = ids("questionnaire/fiqr")
        entries.append(_entry(responses["fiqr"], _fiqr_response(cf.client.fiqr, patient)))
    entries += _score_observations(cf.client, patient, ids, responses)
    for i, c in enumerate(cf.checkins):
        entries += _checkin_entries(c, i, patient, ids)
    for i, s in enumerate(cf.sessions):
        entries += _session_entries(s, i, patient, ids)
    bundle: Json = {
        "resourceType": "Bundle",
        "id": ids("bundle"),
        "type": "collection",
        "entry": entries,
    }
    validate_bundle(bundle)
    return bundle


def client_file_to_fhir_json(cf: ClientFile) -> str:
    """The Bundle of :func:`client_file_to_fhir` as indented JSON text (UTF-8 safe, ends with a newline)."""
    return json.dumps(client_file_to_fhir(cf), ensure_ascii=False, indent=2) + "\n"


__all__ = ["FhirInvalid", "client_file_to_fhir", "client_file_to_fhir_json", "validate_bundle"]
