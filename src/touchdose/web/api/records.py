"""Sessions and check-ins: list, create, read, change, delete.

Access is the pages' access (:mod:`touchdose.web.access`): the client reads and writes their own
records; a therapist the client shares with reads them and may log a session; anyone else gets 404.
"""

from __future__ import annotations

from typing import Annotated

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Status

from touchdose.web import access, selectors, services
from touchdose.web.api.auth import actor
from touchdose.web.api.schemas import (
    PAGE_MAX,
    CheckInIn,
    CheckInOut,
    CheckInPatch,
    Id,
    SessionIn,
    SessionOut,
    SessionPatch,
)
from touchdose.web.models import CheckIn, MassageSession

router = Router(tags=["records"])

Offset = Annotated[int, Query(ge=0, le=10_000_000)]
Limit = Annotated[int, Query(ge=1, le=PAGE_MAX)]


def _page(offset: int, limit: int) -> slice:
    return slice(offset, offset + limit)


# --- sessions ------------------------------------------------------------------------------------
# The field rules (who writes which field) and the PATCH merge live in the services.


@router.get(
    "/clients/{client_id}/sessions", response=list[SessionOut], summary="A client's sessions, newest first"
)
def session_list(
    request: HttpRequest, client_id: Id, offset: Offset = 0, limit: Limit = 200
) -> QuerySet[MassageSession]:
    client, _ = access.get_client_for_user(actor(request), client_id)
    return selectors.sessions_list(actor=actor(request), client=client)[_page(offset, limit)]


@router.post(
    "/clients/{client_id}/sessions",
    response={201: SessionOut},
    summary="Log a session (the client, or their therapist)",
)
def session_create(request: HttpRequest, client_id: Id, payload: SessionIn) -> Status[MassageSession]:
    user = actor(request)
    client, can_write = access.get_client_for_user(user, client_id)
    therapist = None if can_write else access.require_linked_therapist(user, client_id)[1]
    fields = payload.model_dump(exclude_unset=True)
    return Status(201, services.session_record(actor=user, client=client, therapist=therapist, **fields))


@router.get("/sessions/{session_id}", response=SessionOut, summary="One session")
def session_get(request: HttpRequest, session_id: Id) -> MassageSession:
    session, _ = access.get_session_for_user(actor(request), session_id)
    return selectors.session_read(actor=actor(request), session=session)


@router.patch(
    "/sessions/{session_id}", response=SessionOut, summary="Change a session (fields not sent stay)"
)
def session_patch(request: HttpRequest, session_id: Id, payload: SessionPatch) -> MassageSession:
    user = actor(request)
    session = access.require_session_rw(user, session_id)
    return services.session_update(actor=user, session=session, **payload.model_dump(exclude_unset=True))


@router.delete("/sessions/{session_id}", response={204: None}, summary="Delete a session")
def session_delete(request: HttpRequest, session_id: Id) -> HttpResponse:
    user = actor(request)
    services.session_delete(actor=user, session=access.require_session_rw(user, session_id))
    return HttpResponse(status=204)


# --- check-ins -----------------------------------------------------------------------------------


@router.get(
    "/clients/{client_id}/checkins", response=list[CheckInOut], summary="A client's check-ins, newest first"
)
def checkin_list(
    request: HttpRequest, client_id: Id, offset: Offset = 0, limit: Limit = 200
) -> QuerySet[CheckIn]:
    client, _ = access.get_client_for_user(actor(request), client_id)
    return selectors.checkins_list(actor=actor(request), client=client)[_page(offset, limit)]


@router.post(
    "/clients/{client_id}/checkins", response={201: CheckInOut}, summary="Record a check-in (the client only)"
)
def checkin_create(request: HttpRequest, client_id: Id, payload: CheckInIn) -> Status[CheckIn]:
    user = actor(request)
    client = access.require_client_rw(user, client_id)
    fields = payload.model_dump(exclude_unset=True)
    return Status(201, services.checkin_record(actor=user, client=client, **fields))


@router.get("/checkins/{checkin_id}", response=CheckInOut, summary="One check-in")
def checkin_get(request: HttpRequest, checkin_id: Id) -> CheckIn:
    checkin, _ = access.get_checkin_for_user(actor(request), checkin_id)
    return selectors.checkin_read(actor=actor(request), checkin=checkin)


@router.patch(
    "/checkins/{checkin_id}", response=CheckInOut, summary="Change a check-in (fields not sent stay)"
)
def checkin_patch(request: HttpRequest, checkin_id: Id, payload: CheckInPatch) -> CheckIn:
    user = actor(request)
    checkin = access.require_checkin_rw(user, checkin_id)
    return services.checkin_update(actor=user, checkin=checkin, **payload.model_dump(exclude_unset=True))


@router.delete("/checkins/{checkin_id}", response={204: None}, summary="Delete a check-in")
def checkin_delete(request: HttpRequest, checkin_id: Id) -> HttpResponse:
    user = actor(request)
    services.checkin_delete(actor=user, checkin=access.require_checkin_rw(user, checkin_id))
    return HttpResponse(status=204)
