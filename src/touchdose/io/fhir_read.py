"""Validate a touchdose FHIR Bundle and read it back into a :class:`~touchdose.records.ClientFile`.

Validation is ``fhir.resources`` (R4B models: structure, types, required elements, date formats) plus
what it leaves out (docs/instruments.md 5.3): required code bindings for the statuses we use and
references that must resolve inside the Bundle. The reader understands the Bundles that
:func:`touchdose.io.fhir.client_file_to_fhir` writes, so export -> import changes nothing; score
Observations are derived data and are skipped (the engine recomputes them).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any, TypeVar

from fhir.resources.R4B.bundle import Bundle
from pydantic import ValidationError

from touchdose import records
from touchdose.io import fhir_codes as fc
from touchdose.records import Acr2016Answers, CheckIn, ClientFile, ClientProfile, RecordError, Session

Json = dict[str, Any]
_R = TypeVar("_R")
#: What a valid Bundle that is not shaped like ours raises when read (a missing fullUrl, a list
#: where we expect an object, a time out of range): reported as "cannot be read", never a crash.
_DAMAGED = (KeyError, TypeError, ValueError, IndexError, AttributeError, OverflowError)


class FhirInvalid(ValueError):
    """A Bundle failed validation; ``problems`` lists each failure (location and kind, never the value)."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = list(problems)
        shown = "; ".join(self.problems[:20])
        more = f" (and {len(self.problems) - 20} more)" if len(self.problems) > 20 else ""
        super().__init__(f"FHIR Bundle is not valid: {shown}{more}")


#: Codes FHIR binds "required" that fhir.resources does not check (docs/instruments.md 5.3).
REQUIRED_BINDINGS: dict[str, frozenset[str]] = {
    "Observation.status": frozenset({"registered", "preliminary", "final", "amended"}),
    "Procedure.status": frozenset({"completed", "in-progress", "not-done"}),
    "QuestionnaireResponse.status": frozenset({"in-progress", "completed", "amended"}),
}


def _entries(bundle: Json) -> list[tuple[int, Json]]:
    """The Bundle's entries that are objects, with their index (``entry`` may be null, or hold
    anything: a model that validates says little about the shape of the raw data)."""
    entries = bundle.get("entry")
    return [(i, e) for i, e in enumerate(entries) if isinstance(e, dict)] if isinstance(entries, list) else []


def _check_references(bundle: Json) -> list[str]:
    """Every ``urn:uuid`` reference must point at an entry of the same Bundle, and fullUrls be unique."""
    urls = Counter(e.get("fullUrl") for _, e in _entries(bundle))
    problems = [f"entry.fullUrl {u} appears more than once"
                for u in sorted(u for u, n in urls.items() if isinstance(u, str) and n > 1)]  # fmt: skip
    known = {u for u in urls if isinstance(u, str)}

    def walk(node: Any, where: str) -> None:
        if isinstance(node, dict):
            ref = node.get("reference")
            if isinstance(ref, str) and ref.startswith("urn:uuid:") and ref not in known:
                problems.append(f"{where}.reference does not resolve inside the Bundle")
            for key, value in node.items():
                walk(value, f"{where}.{key}")
        elif isinstance(node, list):
            for i, value in enumerate(node):
                walk(value, f"{where}[{i}]")

    for i, e in _entries(bundle):
        walk(e.get("resource"), f"entry[{i}].resource")
    return problems


def _check_bindings(bundle: Json) -> list[str]:
    problems = []
    if bundle.get("type") != "collection":
        problems.append("Bundle.type must be 'collection'")
    entries = bundle.get("entry")
    for i, e in enumerate(entries if isinstance(entries, list) else []):
        # Also runs on data that failed the model checks, so nothing here may assume its shape.
        resource = e.get("resource") if isinstance(e, dict) else None
        if not isinstance(resource, dict):
            continue
        allowed = REQUIRED_BINDINGS.get(f"{resource.get('resourceType')}.status")
        status = resource.get("status")
        if allowed is not None and not (isinstance(status, str) and status in allowed):
            problems.append(f"entry[{i}].resource.status is not one of {', '.join(sorted(allowed))}")
    return problems


def _without_value(error: Any) -> str:
    """The validator's message with the offending value blanked out, should it quote it (health data)."""
    message = str(error.get("msg", "not valid"))
    value = error.get("input")
    if isinstance(value, (str, int, float)) and not isinstance(value, bool) and str(value).strip():
        message = message.replace(str(value), "<value>")
    return message


def validate_bundle(data: Json | str) -> Bundle:
    """Validate a Bundle with ``fhir.resources`` (R4B) plus the checks it leaves out; return the model.

    Parameters
    ----------
    data : dict or str
        The Bundle as data or JSON text.

    Returns
    -------
    fhir.resources.R4B.bundle.Bundle
        The parsed, validated Bundle.

    Raises
    ------
    FhirInvalid
        Listing every problem by location and kind (values are never echoed: they are health data).

    Examples
    --------
    >>> validate_bundle({"resourceType": "Bundle", "type": "collection"}).type
    'collection'
    >>> validate_bundle({"resourceType": "Bundle"})
    Traceback (most recent call last):
    ...
    touchdose.io.fhir_read.FhirInvalid: FHIR Bundle is not valid: type: ...; Bundle.type must be 'collection'
    """
    if isinstance(data, str):
        try:
            data = json.loads(data)
        except json.JSONDecodeError as exc:
            raise FhirInvalid([f"not JSON (line {exc.lineno}, column {exc.colno})"]) from None
        except (ValueError, RecursionError) as exc:  # a 4,300-digit number, nesting too deep
            raise FhirInvalid([f"not JSON that can be read ({type(exc).__name__})"]) from None
    if not isinstance(data, dict) or data.get("resourceType") != "Bundle":
        raise FhirInvalid(["resourceType must be 'Bundle'"])
    try:
        model = Bundle.model_validate(data)
    except ValidationError as exc:
        problems = [".".join(str(p) for p in err["loc"]) + ": " + _without_value(err) for err in exc.errors()]
        raise FhirInvalid(problems + _check_bindings(data)) from None
    except (KeyError, TypeError, RecursionError) as exc:  # fhir.resources trips on some shapes itself
        raise FhirInvalid([f"Bundle: a resource that cannot be read ({type(exc).__name__})"]) from None
    problems = _check_bindings(data) + _check_references(data)
    if problems:
        raise FhirInvalid(problems)
    return model


# --- reading a touchdose Bundle back ------------------------------------------------------------------


def _codes(concept: Json | None, system: str) -> list[str]:
    return [c["code"] for c in (concept or {}).get("coding", []) if c.get("system") == system and "code" in c]


def _code(concept: Json | None, system: str) -> str | None:
    found = _codes(concept, system)
    return found[0] if found else None


def _extensions(resource: Json, name: str) -> list[Json]:
    url = fc.extension_url(name)
    return [e for e in resource.get("extension", []) if e.get("url") == url]


def _one_extension(resource: Json, name: str, key: str) -> Any:
    found = _extensions(resource, name)
    return found[0].get(key) if found else None


def _whole(value: Any) -> Any:
    """JSON numbers such as ``6.0`` back to ``6`` so that the record checks see a whole number."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


def _value(obs: Json) -> Any:
    if "valueQuantity" in obs:
        return obs["valueQuantity"].get("value")
    for key in ("valueInteger", "valueBoolean", "valueString"):
        if key in obs:
            return obs[key]
    return None


def _time(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


class _Reader:
    """Indexes one Bundle and turns its resources into records, collecting every problem."""

    def __init__(self, bundle: Json) -> None:
        self.entries: list[tuple[str, Json]] = [
            (e["fullUrl"], e["resource"]) for e in bundle.get("entry", [])
        ]
        self.by_url = dict(self.entries)
        self.parts: dict[str, list[Json]] = {}  # Procedure fullUrl -> the Observations partOf it
        for _, r in self.of_type("Observation"):
            for p in r.get("partOf", []):
                self.parts.setdefault(str(p.get("reference")), []).append(r)
        self.problems: list[str] = []

    def of_type(self, resource_type: str) -> Iterator[tuple[str, Json]]:
        return ((u, r) for u, r in self.entries if r.get("resourceType") == resource_type)

    def build(self, what: str, make: Callable[[], _R]) -> _R | None:
        try:
            return make()
        except RecordError as exc:
            self.problems += [
                f"{what}: {p.field} is not allowed (allowed: {p.allowed})" for p in exc.problems
            ]
        except _DAMAGED as exc:
            self.problems.append(f"{what}: cannot be read ({type(exc).__name__})")
        return None

    # -- profile --
    def patient(self) -> Json | None:
        patients = [r for _, r in self.of_type("Patient")]
        if len(patients) != 1:
            self.problems.append(f"Bundle: {len(patients)} Patient resources (allowed: exactly 1)")
            return None
        return patients[0]

    def responses(self) -> dict[str, Json]:
        return {r.get("questionnaire", ""): r for _, r in self.of_type("QuestionnaireResponse")}

    def acr2016(self, qr: Json) -> Acr2016Answers:
        answers = {i["linkId"]: i.get("answer", []) for i in qr.get("item", [])}
        symptoms = {
            name: _whole(answers[f"sss.{name}"][0]["valueInteger"])
            for name in records.ACR_SYMPTOM_ITEMS
            if answers.get(f"sss.{name}")
        }
        three_months = answers.get("symptoms_3_months")
        return Acr2016Answers(
            wpi_regions=tuple(a["valueCoding"]["code"] for a in answers.get("wpi", [])),
            symptoms_3_months=three_months[0]["valueBoolean"] if three_months else None,
            **symptoms,
        )

    def fiqr(self, qr: Json) -> tuple[int | None, ...]:
        found: dict[str, Any] = {}
        for group in qr.get("item", []):
            for q in group.get("item", []):
                if q.get("answer"):
                    found[q["linkId"]] = _whole(q["answer"][0]["valueInteger"])
        items = [found.get(f"fiqr.{d}.q{i}") for d, n in fc.FIQR_DOMAINS for i in range(1, n + 1)]
        return tuple(items)

    def condition_codes(self, system: str) -> tuple[str, ...]:
        """The codes of one project system over every Condition (conditions and contraindications)."""
        return tuple(c for _, r in self.of_type("Condition") for c in _codes(r.get("code"), system))

    def profile(self) -> ClientProfile | None:
        patient = self.patient()
        if patient is None:
            return None
        ids = [i["value"] for i in patient.get("identifier", []) if i.get("system") == fc.CLIENT_ID_SYSTEM]
        if len(ids) != 1:
            self.problems.append("Patient: identifier with the touchdose client-id system is missing")
            return None
        responses = self.responses()
        acr = responses.get(fc.QUESTIONNAIRE_ACR2016)
        fiqr = responses.get(fc.QUESTIONNAIRE_FIQR)
        return self.build(
            "Patient",
            lambda: ClientProfile(
                id=ids[0],
                timezone=_one_extension(patient, "client-timezone", "valueString") or "UTC",
                conditions=self.condition_codes(fc.CONDITION_SYSTEM),
                contraindications=self.condition_codes(fc.CONTRAINDICATION_SYSTEM),
                max_pressure=_whole(_one_extension(patient, "max-pressure", "valueInteger")),
                sensitivity=_one_extension(patient, "sensitivity", "valueCode"),
                avoid_regions=tuple(e["valueCoding"]["code"] for e in _extensions(patient, "avoid-region")),
                acr2016=self.acr2016(acr) if acr is not None else None,
                fiqr=self.fiqr(fiqr) if fiqr is not None else None,
            ),
        )

    # -- check-ins --
    def checkin(self, url: str, panel: Json) -> CheckIn | None:
        return self.build(f"check-in {url}", lambda: CheckIn(**self._checkin_fields(panel)))

    def _checkin_fields(self, panel: Json) -> dict[str, Any]:
        fields: dict[str, Any] = {"time": _time(panel["effectiveDateTime"])}
        if panel.get("note"):
            fields["note"] = panel["note"][0].get("text", "")
        local = {code: name for name, code in fc.CHECKIN_FIELD_CODES.items()}
        red_flags: list[str] = []
        for member in panel.get("hasMember", []):
            obs = self.by_url[member["reference"]]
            code = obs.get("code")
            if _code(code, fc.RECORDS_SYSTEM) == "red-flag":
                red_flags += _codes(obs.get("valueCodeableConcept"), fc.RED_FLAG_SYSTEM)
            elif _code(code, fc.LOINC) == fc.LOINC_PAIN[0]:
                fields["pain"] = _whole(_value(obs))
            elif _code(code, fc.LOINC) == fc.LOINC_SLEEP[0]:
                fields["sleep_hours"] = _value(obs)
            elif (name := local.get(_code(code, fc.RECORDS_SYSTEM) or "")) is not None:
                value = _value(obs)
                fields[name] = value if name == "flare" else _whole(value)
        if red_flags:
            fields["red_flags"] = tuple(red_flags)
        return fields

    # -- sessions --
    def session(self, url: str, proc: Json) -> Session | None:
        return self.build(f"session {url}", lambda: Session(**self._session_fields(url, proc)))

    def _session_fields(self, url: str, proc: Json) -> dict[str, Any]:
        minutes = _one_extension(proc, "massage-minutes", "valueQuantity") or {}
        fields: dict[str, Any] = {
            "start": _time(proc["performedPeriod"]["start"]),
            "pressure": _whole(_one_extension(proc, "massage-pressure", "valueInteger")),
            "minutes": _whole(minutes.get("value")),
            "technique": tuple(e["valueCoding"]["code"] for e in _extensions(proc, "massage-technique")),
            "regions": tuple(c for site in proc.get("bodySite", []) for c in _codes(site, fc.AREA_SYSTEM)),
            "adverse": tuple(c for x in proc.get("complication", []) for c in _codes(x, fc.ADVERSE_SYSTEM)),
            "note": proc["note"][0].get("text", "") if proc.get("note") else "",
            "therapist": proc["performer"][0]["actor"].get("display") if proc.get("performer") else None,
        }
        ratings = {code: name for name, code in fc.SESSION_RATING_CODES.items()}
        for obs in self.parts.get(url, []):
            name = ratings.get(_code(obs.get("code"), fc.RECORDS_SYSTEM) or "")
            if name is not None:
                fields[name] = _whole(_value(obs))
        return fields


def client_file_from_fhir(data: Json | str) -> ClientFile:
    """Read a touchdose FHIR Bundle (as written by ``client_file_to_fhir``) back into a client file.

    Parameters
    ----------
    data : dict or str
        A Bundle that ``client_file_to_fhir`` wrote, as data or JSON text; it is checked with
        :func:`validate_bundle` first.

    Returns
    -------
    ClientFile
        Equal to the client file that was exported.

    Raises
    ------
    FhirInvalid
        When the Bundle does not validate or a resource cannot become a record; every problem is
        listed (location and rule, never the value).

    Examples
    --------
    >>> from datetime import datetime, timezone
    >>> from touchdose.io.fhir import client_file_to_fhir
    >>> from touchdose.records import CheckIn, ClientFile, ClientProfile
    >>> cf = ClientFile(ClientProfile(id="c-001", conditions=("fibromyalgia",)),
    ...                 checkins=(CheckIn(time=datetime(2026, 1, 4, 20, tzinfo=timezone.utc), pain=6),))
    >>> client_file_from_fhir(client_file_to_fhir(cf)) == cf
    True
    """
    model = validate_bundle(data)
    try:
        # Read the validated model, not the input: nulls are gone and every element has its FHIR type.
        reader = _Reader(json.loads(model.model_dump_json(exclude_none=True)))
        profile = reader.profile()
        checkins = [
            reader.checkin(u, r)
            for u, r in reader.of_type("Observation")
            if _code(r.get("code"), fc.RECORDS_SYSTEM) == "checkin"
        ]
        sessions = [reader.session(u, r) for u, r in reader.of_type("Procedure")]
    except _DAMAGED as exc:
        raise FhirInvalid([f"Bundle: not shaped like a touchdose Bundle ({type(exc).__name__})"]) from None
    if reader.problems or profile is None:
        raise FhirInvalid(reader.problems or ["Bundle: no client profile"])
    return ClientFile(
        client=profile,
        sessions=tuple(s for s in sessions if s is not None),
        checkins=tuple(c for c in checkins if c is not None),
    )
