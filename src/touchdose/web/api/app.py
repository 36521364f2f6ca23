"""The :class:`ninja.NinjaAPI` mounted at ``/api/v1/`` (OpenAPI at ``/api/v1/openapi.json``)."""

from __future__ import annotations

from ninja import NinjaAPI

from touchdose.web.api import clients, errors, records, tokens
from touchdose.web.api.auth import ANY_AUTH

api = NinjaAPI(
    title="touchdose API",
    version="1",
    description=(
        "Clients (own and shared), sessions and check-ins, analysis results and evidence. "
        "Authenticate with a personal token (Authorization: Bearer td_...) or the signed-in browser "
        'session with its CSRF token. Errors are {"detail": ..., "problems": [...]}.'
    ),
    urls_namespace="api",
    auth=ANY_AUTH,
    docs_url=None,  # the interactive docs load scripts from a CDN; the app ships every asset itself
)
errors.install(api)
api.add_router("", clients.router)
api.add_router("", clients.evidence_router)
api.add_router("", records.router)
api.add_router("", tokens.router)
