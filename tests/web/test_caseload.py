"""The therapist's caseload with 40 shared clients: who needs attention first, from the results
cache, in a bounded number of queries."""

from __future__ import annotations

import re
from typing import Any

from django.urls import reverse
from tests.web.caseload_world import FLARE, FOLLOWUPS, NEWCOMER, SAFETY, make_caseload
from tests.web.conftest import World, make_client

from touchdose.analysis.caseload import FLAG_WORDS, TIER_HEADINGS, TIERS
from touchdose.web import selectors
from touchdose.web.audit import Action
from touchdose.web.models import AuditEvent

#: Queries for a caseload page with a warm cache, whatever the number of clients (9 measured with 1
#: client and with 41): the session and user, the therapist, the shares with their clients, one
#: audit insert, their record versions, the recent sessions and check-ins, the page's own account.
MAX_QUERIES_WARM = 10


def test_forty_clients_sorted_by_who_needs_attention_first(
    world: World, django_assert_max_num_queries: Any
) -> None:
    made = make_caseload(world.therapist_linked, make_client)
    found = selectors.caseload(actor=world.users["therapist_linked"], therapist=world.therapist_linked)
    row = {r.client.user.get_username(): r for r in found.rows}
    assert len(row) == 41 and set(made) < set(row)  # the 40 and client A, who shared before
    assert found.rows[0].attention.tier == "safety"
    assert row[SAFETY].attention.tier == "safety"
    assert row[SAFETY].attention.words[0] == FLAG_WORDS["safety_pause"]
    assert row[FLARE].attention.tier == "harm"
    assert FLAG_WORDS["flare_after_last"] in row[FLARE].attention.words
    due = row[FOLLOWUPS]
    assert len(due.followups) >= 1 and f"{len(due.followups)} follow-up" in " ".join(due.attention.words)
    assert row[NEWCOMER].attention.tier == "gathering"
    ranks = [r.attention.rank for r in found.rows]
    assert ranks == sorted(ranks) and len(set(ranks)) >= 4
    assert sum(found.by_verdict.values()) == 41
    # The page: tier headings in order of urgency, the counts by verdict, each client linked.
    http = world.http("therapist_linked")
    with django_assert_max_num_queries(MAX_QUERIES_WARM):
        page = http.get(reverse("therapist_home")).content.decode()
    where = [page.index(f'id="tier-{t}">{TIER_HEADINGS[t]}') for t in TIERS if f'id="tier-{t}"' in page]
    assert len(where) >= 4 and where == sorted(where)
    assert page.index(SAFETY) < page.index(FLARE) < page.index(NEWCOMER)
    assert "41 clients, by verdict:" in page and re.search(r"<li>[^<]+: <strong>\d+</strong></li>", page)
    assert reverse("dashboard", args=[made[FLARE].pk]) in page


def test_the_page_runs_the_engine_only_for_clients_whose_records_changed(world: World) -> None:
    make_caseload(world.therapist_linked, make_client, clients=8)
    actor, therapist = world.users["therapist_linked"], world.therapist_linked
    first = selectors.caseload(actor=actor, therapist=therapist)
    again = selectors.caseload(actor=actor, therapist=therapist)
    assert [r.results.analysis for r in first.rows] == [r.results.analysis for r in again.rows]
    listed = AuditEvent.objects.filter(action=Action.CLIENT_LISTED, actor=actor)
    assert listed.count() == 2 * 9  # every client, each time the list was shown


def test_a_revoked_or_foreign_client_is_not_listed(world: World) -> None:
    found = selectors.caseload(actor=world.users["therapist_stranger"], therapist=world.therapist_stranger)
    assert found.rows == () and found.by_verdict == {}
    page = world.http("therapist_stranger").get(reverse("therapist_home")).content.decode()
    assert "No client shares with you yet" in page
