"""Helpers shared by the views."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from touchdose.web.models import Client


def show_in_zone_of(client: Client) -> None:
    """Times on this page are the client's local times (stored in UTC)."""
    timezone.activate(ZoneInfo(client.timezone))


def page(request: HttpRequest, template: str, context: dict[str, Any], status: int = 200) -> HttpResponse:
    return render(request, f"touchdose/{template}", context, status=status)


def client_id_of(request: HttpRequest) -> int | None:
    client = getattr(request.user, "client", None) if request.user.is_authenticated else None
    return client.pk if client else None
