"""Issue 13, finding 7, and the access matrix of the admin's sharing pages: staff can list the
shares but not add one, clear ``revoked_at`` or delete one (sharing changes only through the
audited services); a client or therapist gets the admin's login page, never a share."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client as HttpClient
from tests.web.conftest import PERSONAS, World

from touchdose.web import services
from touchdose.web.models import AuditEvent, Share

#: (what, method, address of the share, the form sent)
PAGES: list[tuple[str, str, Callable[[Share], str], dict[str, Any]]] = [
    ("list", "get", lambda s: "/admin/touchdose/share/", {}),
    ("view", "get", lambda s: f"/admin/touchdose/share/{s.pk}/change/", {}),
    ("add form", "get", lambda s: "/admin/touchdose/share/add/", {}),
    ("add", "post", lambda s: "/admin/touchdose/share/add/",
     {"client": "CLIENT", "therapist": "THERAPIST"}),
    ("restore", "post", lambda s: f"/admin/touchdose/share/{s.pk}/change/",
     {"client": "CLIENT", "therapist": "THERAPIST", "revoked_at_0": "", "revoked_at_1": ""}),
    ("delete", "post", lambda s: f"/admin/touchdose/share/{s.pk}/delete/", {"post": "yes"}),
]  # fmt: skip
STAFF_MAY = {"list": 200, "view": 200}  # everything else: 403


@pytest.fixture
def staff(db: Any) -> HttpClient:
    admin_user = User.objects.create(username="root", is_staff=True, is_superuser=True)
    http = HttpClient()
    http.force_login(admin_user)
    return http


def revoked_share(world: World) -> Share:
    services.share_revoke(actor=world.client_a.user, client=world.client_a, share_id=world.share.pk)
    return Share.objects.get(pk=world.share.pk)


def send(http: HttpClient, world: World, method: str, url: str, form: dict[str, Any]) -> Any:
    ids = {"CLIENT": str(world.client_a.pk), "THERAPIST": str(world.therapist_linked.pk)}
    data = {key: ids.get(value, value) for key, value in form.items()}
    return http.get(url) if method == "get" else http.post(url, data)


@pytest.mark.parametrize(("what", "method", "url", "form"), PAGES, ids=[p[0] for p in PAGES])
def test_finding_7_staff_can_look_at_shares_but_not_change_them(
    world: World, staff: HttpClient, what: str, method: str, url: Any, form: dict[str, Any]
) -> None:
    share = revoked_share(world)
    shares, events = list(Share.objects.values_list()), AuditEvent.objects.count()
    response = send(staff, world, method, url(share), form)
    assert response.status_code == STAFF_MAY.get(what, 403)
    assert list(Share.objects.values_list()) == shares
    assert Share.objects.get(pk=share.pk).revoked_at is not None
    assert not Share.objects.filter(client=world.client_a, revoked_at__isnull=True).exists()
    assert AuditEvent.objects.count() == events


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(("what", "method", "url", "form"), PAGES, ids=[p[0] for p in PAGES])
def test_finding_7_the_admin_sharing_pages_are_staff_only(
    world: World, persona: str, what: str, method: str, url: Any, form: dict[str, Any]
) -> None:
    share = world.share
    shares = list(Share.objects.values_list())
    response = send(world.http(persona), world, method, url(share), form)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    assert list(Share.objects.values_list()) == shares
