"""The access matrix: every page, every persona. Each gets exactly what it should, the rest a
403 or 404 (404 where even the existence of the record is not theirs to know), anonymous
visitors the login page; and right after client A revokes, the therapist gets 404 everywhere."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone
from tests.web.conftest import PERSONAS, World

from touchdose.web import services

OK, REDIRECT, FORBIDDEN, NOT_FOUND, LOGIN = 200, 302, 403, 404, "login"


@dataclass(frozen=True)
class Page:
    name: str
    method: str
    url: Callable[[World], str]
    expect: dict[str, int | str]  # persona -> status (anonymous always goes to the login page)
    data: Callable[[World], dict[str, Any]] | None = None


def a(name: str, **kwargs: Any) -> Callable[[World], str]:
    return lambda w: reverse(name, kwargs={"client_id": w.client_a.pk, **kwargs})


def owner_only(ok: int) -> dict[str, int | str]:
    """Client A's own page: the linked therapist may read A's records but not change them."""
    return {
        "client_a": ok,
        "client_b": NOT_FOUND,
        "therapist_linked": FORBIDDEN,
        "therapist_stranger": NOT_FOUND,
    }


def shared(ok: int) -> dict[str, int | str]:
    return {"client_a": ok, "client_b": NOT_FOUND, "therapist_linked": ok, "therapist_stranger": NOT_FOUND}


def own_account(ok: int) -> dict[str, int | str]:
    """A page of one's own client account: every client gets their own, therapists 403."""
    return {"client_a": ok, "client_b": ok, "therapist_linked": FORBIDDEN, "therapist_stranger": FORBIDDEN}


def checkin_post(w: World) -> dict[str, Any]:
    return {"pain": "4", "time": "2026-01-05T10:00"}


def session_post(w: World) -> dict[str, Any]:
    return {"start": "2026-01-05T10:00", "pressure": "2", "minutes": "40", "technique": ["swedish"]}


def fresh_session(w: World) -> Any:
    """A session the therapist logged 19 hours ago: its 24 h follow-up is open (made on first use)."""
    if not hasattr(w, "fresh"):
        w.fresh = services.session_record(  # type: ignore[attr-defined]
            actor=None, client=w.client_a, therapist=w.therapist_linked, pressure=2, minutes=30,
            start=timezone.now() - timedelta(hours=19), technique=["swedish"],
        )  # fmt: skip
    return w.fresh  # type: ignore[attr-defined]


def followup_url(w: World) -> str:
    return reverse("followup", args=[fresh_session(w).pk, 24])


PAGES = [
    Page("dashboard", "get", a("dashboard"), shared(OK)),
    Page("diary", "get", a("checkin_list"), shared(OK)),
    Page("sessions", "get", a("session_list"), shared(OK)),
    Page("session form", "get", a("session_new"), shared(OK)),
    Page("log session", "post", a("session_new"), shared(REDIRECT), session_post),
    Page("check-in form", "get", a("checkin_new"), owner_only(OK)),
    Page(
        "check in from the offline queue",
        "post",
        a("checkin_queued"),
        owner_only(201),
        lambda w: {"pain": "4", "made_at": timezone.now().isoformat()},
    ),
    Page(
        "follow-up from the offline queue",
        "post",
        lambda w: reverse("followup_queued", args=[fresh_session(w).pk, 24]),
        owner_only(201),
        lambda w: {"pain": "4", "made_at": timezone.now().isoformat()},
    ),
    Page("check in", "post", a("checkin_new"), owner_only(REDIRECT), checkin_post),
    Page("intake", "get", a("intake"), owner_only(OK)),
    Page("sharing", "get", a("sharing"), owner_only(OK)),
    Page("make code", "post", a("sharing"), owner_only(OK), lambda w: {}),
    Page(
        "revoke",
        "post",
        lambda w: reverse("share_revoke", args=[w.client_a.pk, w.share.pk]),
        owner_only(REDIRECT),
        lambda w: {},
    ),
    Page("export", "get", a("export"), owner_only(OK)),
    Page("audit", "get", a("audit_log"), owner_only(OK)),
    Page("edit check-in", "get", lambda w: reverse("checkin_edit", args=[w.checkin.pk]), owner_only(OK)),
    Page(
        "change check-in",
        "post",
        lambda w: reverse("checkin_edit", args=[w.checkin.pk]),
        owner_only(REDIRECT),
        checkin_post,
    ),
    Page(
        "delete check-in",
        "post",
        lambda w: reverse("checkin_delete", args=[w.checkin.pk]),
        owner_only(REDIRECT),
        lambda w: {},
    ),
    Page("edit session", "get", lambda w: reverse("session_edit", args=[w.own_session.pk]), owner_only(OK)),
    Page(
        "rate session",
        "post",
        lambda w: reverse("session_edit", args=[w.therapist_session.pk]),
        # the therapist who logged it gets their own form back (ratings are not theirs to give)
        {**owner_only(REDIRECT), "therapist_linked": OK},
        lambda w: {"pain_before": "6", "pain_after": "3"},
    ),
    Page(
        "delete session",
        "post",
        lambda w: reverse("session_delete", args=[w.own_session.pk]),
        owner_only(REDIRECT),
        lambda w: {},
    ),
    Page(
        "correct therapist's session",
        "get",
        lambda w: reverse("session_edit", args=[w.therapist_session.pk]),
        shared(OK),
    ),
    Page(
        "save therapist's session",
        "post",
        lambda w: reverse("session_edit", args=[w.therapist_session.pk]),
        shared(REDIRECT),
        lambda w: {**session_post(w), "pain_before": "6"},
    ),
    Page(
        "delete therapist's session",
        "post",
        lambda w: reverse("session_delete", args=[w.therapist_session.pk]),
        shared(REDIRECT),
        lambda w: {},
    ),
    Page("follow-up form", "get", followup_url, owner_only(OK)),
    Page("answer follow-up", "post", followup_url, owner_only(REDIRECT), lambda w: {"pain": "4"}),
    Page("rating page", "get", lambda w: reverse("session_rate", args=[w.therapist_session.pk]),
         owner_only(OK)),
    Page(
        "rate on the rating page",
        "post",
        lambda w: reverse("session_rate", args=[w.therapist_session.pk]),
        owner_only(REDIRECT),
        lambda w: {"pain_before": "6", "pain_after": "3"},
    ),
    Page(
        "client list",
        "get",
        lambda w: reverse("therapist_home"),
        {"client_a": FORBIDDEN, "client_b": FORBIDDEN, "therapist_linked": OK, "therapist_stranger": OK},
    ),
    Page(
        "link client",
        "get",
        lambda w: reverse("link_client"),
        {"client_a": FORBIDDEN, "client_b": FORBIDDEN, "therapist_linked": OK, "therapist_stranger": OK},
    ),
    # Reminders (each client's own account page; the calendar feed and the unsubscribe link carry
    # their own secret and are tested in test_reminder_pages.py).
    Page("reminders", "get", lambda w: reverse("reminder_settings"), own_account(OK)),
    Page(
        "save reminders",
        "post",
        lambda w: reverse("reminder_settings"),
        own_account(REDIRECT),
        lambda w: {
            "email_followups": "on",
            "email": "a@example.org",
            "quiet_start": "22:00",
            "quiet_end": "07:00",
        },
    ),
    Page(
        "new calendar link",
        "post",
        lambda w: reverse("calendar_link_reset"),
        own_account(REDIRECT),
        lambda w: {},
    ),
    Page(
        "calendar link off",
        "post",
        lambda w: reverse("calendar_link_remove"),
        own_account(REDIRECT),
        lambda w: {},
    ),
]
#: Pages of the signed-in person's own account: the same for everyone, whoever shares with whom.
OWN_ACCOUNT_PAGES = ("client list", "link client", "reminders", "save reminders", "new calendar link",
                     "calendar link off")  # fmt: skip


def request(w: World, persona: str, page: Page) -> Any:
    http = w.http(persona)
    url = page.url(w)
    if page.method == "get":
        return http.get(url)
    return http.post(url, page.data(w) if page.data else {})


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_each_persona_gets_exactly_what_it_should(world: World, page: Page, persona: str) -> None:
    response = request(world, persona, page)
    if persona == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
        return
    assert response.status_code == page.expect[persona], response.content[:300]


@pytest.mark.parametrize(
    "page", [p for p in PAGES if p.expect["therapist_linked"] != FORBIDDEN or True], ids=lambda p: p.name
)
def test_after_revocation_the_therapist_gets_404_on_every_client_page(world: World, page: Page) -> None:
    services.share_revoke(actor=world.users["client_a"], client=world.client_a, share_id=world.share.pk)
    response = request(world, "therapist_linked", page)
    if page.name in OWN_ACCOUNT_PAGES:  # their own pages stay as they were, without client A
        assert response.status_code == page.expect["therapist_linked"]
        assert "anna" not in response.content.decode()
    else:
        assert response.status_code == NOT_FOUND


def test_the_therapist_list_shows_only_clients_who_share(world: World) -> None:
    linked = world.http("therapist_linked").get(reverse("therapist_home")).content.decode()
    stranger = world.http("therapist_stranger").get(reverse("therapist_home")).content.decode()
    assert "anna" in linked and "bea" not in linked
    assert "anna" not in stranger


def test_a_rejected_write_changes_nothing(world: World) -> None:
    world.http("therapist_linked").post(
        reverse("session_edit", args=[world.therapist_session.pk]), {"pain_before": "6", "pain_after": "3"}
    )
    world.therapist_session.refresh_from_db()
    assert world.therapist_session.pain_before is None
    before = world.client_a.checkins.count()
    world.http("therapist_linked").post(reverse("checkin_delete", args=[world.checkin.pk]))
    world.http("client_b").post(reverse("checkin_delete", args=[world.checkin.pk]))
    world.http("therapist_stranger").post(
        reverse("checkin_new", args=[world.client_a.pk]), checkin_post(world)
    )
    assert world.client_a.checkins.count() == before


# --- The admin: every page it has, for every persona and for staff ------------------------------


def admin_pages(w: World) -> dict[str, str]:
    """Every admin page by name: the index, each registered model's list, and a record's page of
    the models with records here (taken from the admin's own registry, so a new one is covered)."""
    from django.contrib import admin

    pages = {"index": reverse("admin:index")}
    for model in admin.site._registry:
        label = f"{model._meta.app_label}_{model._meta.model_name}"
        pages[f"{label} list"] = reverse(f"admin:{label}_changelist")
    records = {"touchdose_client": w.client_a.pk, "touchdose_therapist": w.therapist_linked.pk,
               "touchdose_share": w.share.pk, "auth_user": w.users["client_a"].pk}  # fmt: skip
    for label, pk in records.items():
        pages[f"{label} record"] = reverse(f"admin:{label}_change", args=[pk])
    pages["share add"] = reverse("admin:touchdose_share_add")
    return pages


@pytest.mark.parametrize("persona", PERSONAS)
def test_no_persona_reaches_any_admin_page(world: World, persona: str) -> None:
    http = world.http(persona)
    pages = admin_pages(world)
    assert len(pages) >= 12
    for name, url in pages.items():
        response = http.get(url)
        assert response.status_code == 302, name
        assert response["Location"].startswith(reverse("admin:login")), name


def test_staff_reach_every_admin_page_but_cannot_grant_a_share(world: World) -> None:
    from django.contrib.auth.models import User

    http = HttpClient()
    http.force_login(User.objects.create_superuser(username="root", email="", password=None))
    for name, url in admin_pages(world).items():
        assert http.get(url).status_code == (FORBIDDEN if name == "share add" else OK), name
