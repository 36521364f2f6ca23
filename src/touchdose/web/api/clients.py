"""Who am I, the clients I may see, their analysis, and the published evidence."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router

from touchdose.evidence.library import EVIDENCE_OUTCOMES, load_library
from touchdose.evidence.summary import evidence_summary
from touchdose.io import profile_to_dict
from touchdose.records import CONDITIONS
from touchdose.web import access, selectors, services
from touchdose.web.api.auth import actor
from touchdose.web.api.errors import RequestProblems
from touchdose.web.api.schemas import (
    AnalysisOut,
    ClientDetailOut,
    ClientOut,
    EvidenceOut,
    Id,
    MeOut,
    ProfilePatch,
)

router = Router(tags=["clients"])


@router.get("/me", response=MeOut, summary="Who the token or session belongs to")
def me(request: HttpRequest) -> dict[str, Any]:
    user = actor(request)
    client = access.client_of(user)
    return {
        "username": user.get_username(),
        "client_id": client.pk if client else None,
        "therapist": access.therapist_of(user) is not None,
    }


@router.get(
    "/clients",
    response=list[ClientOut],
    summary="Your own client account and every client who shares with you",
)
def clients(request: HttpRequest) -> list[dict[str, Any]]:
    rows = selectors.clients_for_user(actor=actor(request))
    return [{"id": c.pk, "can_write": can_write, "timezone": c.timezone} for c, can_write in rows]


@router.get(
    "/clients/{client_id}", response=ClientDetailOut, summary="One client's profile (the intake answers)"
)
def client_detail(request: HttpRequest, client_id: Id) -> dict[str, Any]:
    client, can_write = access.get_client_for_user(actor(request), client_id)
    profile = selectors.client_profile_read(actor=actor(request), client=client)
    return {
        "id": client.pk,
        "can_write": can_write,
        "timezone": client.timezone,
        "profile": profile_to_dict(profile),
    }


@router.patch(
    "/clients/{client_id}/profile",
    response=ClientDetailOut,
    summary="Change the intake answers, e.g. the safety checklist (the client only; fields not sent stay)",
)
def profile_patch(request: HttpRequest, client_id: Id, payload: ProfilePatch) -> dict[str, Any]:
    user = actor(request)
    client = access.require_client_rw(user, client_id)
    services.client_intake_save(actor=user, client=client, **payload.model_dump(exclude_unset=True))
    return client_detail(request, client_id)


@router.get(
    "/clients/{client_id}/analysis",
    response=AnalysisOut,
    summary="The engine's analysis (docs/formats.md analyze JSON)",
)
def analysis(request: HttpRequest, client_id: Id) -> dict[str, Any]:
    client, _ = access.get_client_for_user(actor(request), client_id)
    found = selectors.client_analysis(actor=actor(request), client=client)
    return {"analysis": found.analysis.to_dict(), "warnings": list(found.notes)}


evidence_router = Router(tags=["evidence"])


@evidence_router.get(
    "/evidence", response=dict[str, Any], summary="Evidence summary: trials, pooled effects, doses"
)
def evidence(
    request: HttpRequest, condition: str | None = None, outcome: str | None = None
) -> dict[str, Any]:
    """:func:`touchdose.evidence.summary.evidence_summary` as JSON: each result in points on the
    0-10 scale with its judgement, the pooled effects where pooling is honest, the trial dose and
    the guideline positions. ``condition`` and ``outcome`` are optional filters."""
    problems = [
        {"where": f"query.{name}", "problem": f"not allowed (allowed: one of {', '.join(allowed)})"}
        for name, value, allowed in (
            ("condition", condition, CONDITIONS),
            ("outcome", outcome, EVIDENCE_OUTCOMES),
        )
        if value is not None and value not in allowed
    ]
    if problems:
        raise RequestProblems(problems)
    return evidence_summary(condition, outcome).to_dict()


@evidence_router.get(
    "/evidence/library", response=EvidenceOut, summary="The curated evidence library as stored"
)
def evidence_library(request: HttpRequest, condition: str | None = None) -> dict[str, Any]:
    """Studies, their effect estimates as published and guideline positions; ``condition`` keeps
    one condition's studies and effects (an unknown condition gives empty lists)."""
    library = load_library()
    studies = [s for s in library.studies if condition is None or s.condition == condition]
    kept = {s.id for s in studies}
    return {
        "condition": condition,
        "studies": [s.to_dict() for s in studies],
        "effects": [e.to_dict() for e in library.effects if e.study_id in kept],
        "guidelines": [g.to_dict() for g in library.guidelines],
    }
