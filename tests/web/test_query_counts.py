"""Queries per page with data of a real size (docs/performance.md "Cheap pages"): the demo client
(four months of diary, 15 sessions) shared with a therapist who has nine more clients. Every cap
is below the number of rows the page shows (sessions, check-ins, clients), so a query per row
(an N+1) breaks it; each page is also counted again after the data grew, and must cost the same.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from tests.web.caseload_world import make_caseload
from tests.web.conftest import make_client

from touchdose.web import services
from touchdose.web.demo import DEMO_CLIENT, DEMO_THERAPIST, demo_load
from touchdose.web.models import Client, Therapist

#: Clients of the therapist besides the demo client (the caseload's smallest world: four
#: written by hand, the rest simulated).
OTHER_CLIENTS = 9


@dataclass
class Clinic:
    client: Client
    therapist: Therapist
    as_client: HttpClient
    as_therapist: HttpClient
    api: HttpClient  # the demo client's personal API token


@pytest.fixture
def clinic(db: Any) -> Clinic:
    demo_load()
    client = Client.objects.get(user__username=DEMO_CLIENT)
    therapist = Therapist.objects.get(user__username=DEMO_THERAPIST)
    make_caseload(therapist, make_client, clients=OTHER_CLIENTS)
    as_client, as_therapist = HttpClient(), HttpClient()
    as_client.force_login(client.user)
    as_therapist.force_login(therapist.user)
    raw = services.api_token_create(actor=client.user, name="load")[1]
    api = HttpClient(headers={"authorization": f"Bearer {raw}"})
    assert client.sessions.count() >= 12 and client.checkins.count() >= 90
    assert therapist.shares.count() == OTHER_CLIENTS + 1
    return Clinic(client, therapist, as_client, as_therapist, api)


def queries(call: Callable[[], Any], status: int = 200) -> int:
    """How many queries ``call`` (a request) made; it must answer with ``status``."""
    with CaptureQueriesContext(connection) as captured:
        response = call()
    assert response.status_code == status, response.content[:300]
    return len(captured.captured_queries)


#: page -> (who asks, its address, the most queries it may make with a warm results cache).
#: Measured on SQLite and PostgreSQL alike; every cap is below the page's rows (>= 12 sessions,
#: >= 50 diary rows on a page, 10 clients).
PAGES: dict[str, tuple[str, Callable[[Clinic], str], int]] = {
    # home: + the audit row of its follow-ups; + the records version of the cached safety
    # screening and its audit row (issue 17)
    "home (client)": ("client", lambda c: reverse("home"), 11),
    "results (client)": ("client", lambda c: reverse("dashboard", args=[c.client.pk]), 8),
    "results (therapist)": ("therapist", lambda c: reverse("dashboard", args=[c.client.pk]), 9),
    "session list (client)": ("client", lambda c: reverse("session_list", args=[c.client.pk]), 7),
    "session list (therapist)": ("therapist", lambda c: reverse("session_list", args=[c.client.pk]), 8),
    "check-in page": ("client", lambda c: reverse("checkin_new", args=[c.client.pk]), 7),  # + audit row
    "diary": ("client", lambda c: reverse("checkin_list", args=[c.client.pk]), 8),
    "therapist's client list": ("therapist", lambda c: reverse("therapist_home"), 11),
    "session form (therapist)": ("therapist", lambda c: reverse("session_new", args=[c.client.pk]), 10),
    "API analysis (session)": ("client", lambda c: f"/api/v1/clients/{c.client.pk}/analysis", 6),
    "API analysis (token)": ("api", lambda c: f"/api/v1/clients/{c.client.pk}/analysis", 8),
}


def _http(clinic: Clinic, who: str) -> HttpClient:
    return {"client": clinic.as_client, "therapist": clinic.as_therapist, "api": clinic.api}[who]


def _grow(clinic: Clinic) -> None:
    """A fortnight more of diary and two more sessions for every client of the therapist."""
    now = timezone.now()
    for share in clinic.therapist.shares.select_related("client"):
        for day in range(14):
            services.checkin_record(actor=None, client=share.client, time=now - timedelta(hours=day * 7 + 1),
                                    pain=5)  # fmt: skip
        for hours in (30, 80):
            services.session_record(actor=None, client=share.client, therapist=clinic.therapist,
                                    start=now - timedelta(hours=hours), pressure=2, minutes=30,
                                    technique=["swedish"])  # fmt: skip


@pytest.mark.slow
def test_every_page_makes_a_few_queries_whatever_the_size_of_the_data(clinic: Clinic) -> None:
    counts = {}
    for name, (who, url, cap) in PAGES.items():
        http, address = _http(clinic, who), url(clinic)
        queries(lambda http=http, address=address: http.get(address))  # warm the results cache
        counts[name] = queries(lambda http=http, address=address: http.get(address))
        assert counts[name] <= cap, f"{name}: {counts[name]} queries (at most {cap})"
    _grow(clinic)
    for name, (who, url, _) in PAGES.items():
        http, address = _http(clinic, who), url(clinic)
        queries(lambda http=http, address=address: http.get(address))
        again = queries(lambda http=http, address=address: http.get(address))
        assert again == counts[name], f"{name}: {counts[name]} queries, then {again} with more data"


#: A page that finds no cached result reads the client's sessions and check-ins once, for the
#: analysis and the charts both: two more queries than warm, however long the history.
COLD_EXTRA = 2


@pytest.mark.slow
def test_a_page_after_a_write_reads_the_records_in_a_fixed_number_of_queries(clinic: Clinic) -> None:
    results = reverse("dashboard", args=[clinic.client.pk])
    queries(lambda: clinic.as_client.get(results))
    warm = queries(lambda: clinic.as_client.get(results))
    cache.clear()
    assert queries(lambda: clinic.as_client.get(results)) <= warm + COLD_EXTRA
    # The therapist's list after every client changed something: all ten analysed, still one
    # query for everyone's sessions and one for everyone's check-ins.
    listing = reverse("therapist_home")
    queries(lambda: clinic.as_therapist.get(listing))
    warm_list = queries(lambda: clinic.as_therapist.get(listing))
    cache.clear()
    assert queries(lambda: clinic.as_therapist.get(listing)) <= warm_list + 2


@pytest.mark.slow
def test_saving_a_check_in_costs_the_same_whatever_the_history(clinic: Clinic) -> None:
    url = reverse("checkin_new", args=[clinic.client.pk])
    now = timezone.localtime()

    def post(minutes: int) -> Any:
        at = (now - timedelta(minutes=minutes)).strftime("%Y-%m-%dT%H:%M")
        return clinic.as_client.post(url, {"pain": "4", "time": at})

    first = queries(lambda: post(1), status=302)
    assert first <= 10  # session, user, client, the row, the version, the refresh job, the audit, the message
    _grow(clinic)
    assert queries(lambda: post(2), status=302) == first
