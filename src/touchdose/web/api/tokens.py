"""Personal API tokens: list, create (the token is shown once), revoke. Browser session only."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from ninja import Router, Status

from touchdose.web import selectors, services
from touchdose.web.api.auth import actor, session_auth
from touchdose.web.api.schemas import Id, TokenCreatedOut, TokenIn, TokenOut
from touchdose.web.models import ApiToken

router = Router(tags=["tokens"], auth=session_auth)


@router.get("/tokens", response=list[TokenOut], summary="Your personal tokens (never the tokens themselves)")
def token_list(request: HttpRequest) -> QuerySet[ApiToken]:
    return selectors.api_tokens_of(user=actor(request))


@router.post("/tokens", response={201: TokenCreatedOut}, summary="Make a personal token (shown once)")
def token_create(request: HttpRequest, payload: TokenIn) -> Status[ApiToken]:
    token, raw = services.api_token_create(actor=actor(request), name=payload.name, days=payload.days)
    token.token = raw  # type: ignore[attr-defined]  # shown once, in this response only
    return Status(201, token)


@router.delete(
    "/tokens/{token_id}", response={204: None}, summary="Revoke a token (it stops working at once)"
)
def token_revoke(request: HttpRequest, token_id: Id) -> HttpResponse:
    if not services.api_token_revoke(actor=actor(request), token_id=token_id):
        raise Http404
    return HttpResponse(status=204)
