"""The results cache (docs/performance.md): the engine's analysis and the charts of a client are
kept under a key that changes with every write to that client's records, so a warm page runs no
analysis and draws no chart, and a write is never followed by an old result."""

from __future__ import annotations

import re
import socket
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import transaction
from django.test import Client as HttpClient
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from tests.web.conftest import World

from touchdose.analysis.engine import ClientAnalysis
from touchdose.analysis.plan import Plan
from touchdose.analysis.verdict import Verdict
from touchdose.painmodel import simulate_clients
from touchdose.records import CheckIn, ClientFile, ClientProfile
from touchdose.reports import charts
from touchdose.web import conf, refresh, results, selectors, services
from touchdose.web.models import Client, Share
from touchdose.web.reminders.worker import run_worker


@pytest.fixture
def history(world: World) -> Client:
    """Client B with two months of a simulated client (enough for a verdict and three charts)."""
    cf = simulate_clients(1, seed=5, kind="helps", days=60, timezone="Europe/Stockholm").clients[0]
    services.client_file_import(actor=None, client=world.client_b, cf=cf)
    return world.client_b


class Counted:
    """Counts the calls of the engine and of the chart drawing while a test runs."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.analyses = self.charts = 0
        real_analyze, real_charts = selectors.analyze_client, selectors.web_charts

        def analyze(*args: Any, **kwargs: Any) -> Any:
            self.analyses += 1
            return real_analyze(*args, **kwargs)

        def draw(*args: Any, **kwargs: Any) -> Any:
            self.charts += 1
            return real_charts(*args, **kwargs)

        monkeypatch.setattr(selectors, "analyze_client", analyze)
        monkeypatch.setattr(selectors, "web_charts", draw)


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> Counted:
    return Counted(monkeypatch)


def without_tokens(page: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", page)


def results_page(world: World, persona: str, client: Client) -> str:
    response = world.http(persona).get(reverse("dashboard", args=[client.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_a_warm_results_page_runs_no_analysis_and_draws_no_chart(
    world: World, history: Client, counted: Counted
) -> None:
    first = results_page(world, "client_b", history)
    assert (counted.analyses, counted.charts) == (1, 1)
    assert first.count("<figure") == 3
    again = results_page(world, "client_b", history)
    assert (counted.analyses, counted.charts) == (1, 1)  # nothing recomputed
    assert without_tokens(again) == without_tokens(first)


@pytest.mark.parametrize(
    "write",
    ["checkin_record", "checkin_update", "checkin_delete", "session_record", "session_update",
     "session_delete", "client_intake_save", "client_file_import"],
)  # fmt: skip
def test_every_write_to_the_records_makes_the_next_page_compute_afresh(
    world: World, history: Client, counted: Counted, write: str
) -> None:
    results_page(world, "client_b", history)
    before = Client.objects.get(pk=history.pk).records_version
    checkin, session = history.checkins.first(), history.sessions.first()
    assert checkin is not None and session is not None
    now = timezone.now()
    calls = {
        "checkin_record": lambda: services.checkin_record(actor=None, client=history, time=now, pain=9),
        "checkin_update": lambda: services.checkin_update(actor=None, checkin=checkin, pain=9),
        "checkin_delete": lambda: services.checkin_delete(actor=None, checkin=checkin),
        "session_record": lambda: services.session_record(
            actor=None, client=history, start=now, pressure=1, minutes=30, technique=["swedish"]
        ),
        "session_update": lambda: services.session_update(actor=None, session=session, pressure=5),
        "session_delete": lambda: services.session_delete(actor=None, session=session),
        "client_intake_save": lambda: services.client_intake_save(
            actor=None, client=history, timezone="America/New_York"
        ),
        "client_file_import": lambda: services.client_file_import(
            actor=None, client=history,
            cf=ClientFile(ClientProfile(id="c-file"), checkins=(CheckIn(time=now, pain=8),)),
        ),
    }
    calls[write]()
    assert Client.objects.get(pk=history.pk).records_version > before
    results_page(world, "client_b", history)
    assert (counted.analyses, counted.charts) == (2, 2)


def test_the_cache_holds_typed_results_and_the_page_shows_the_latest(world: World, history: Client) -> None:
    found = selectors.client_analysis(actor=None, client=history)
    assert isinstance(found.analysis, ClientAnalysis)
    assert isinstance(found.analysis.verdict, Verdict) and isinstance(found.analysis.plan, Plan)
    row = Client.objects.get(pk=history.pk)
    key = results.key("analysis", client_id=row.pk, created=row.created_at, version=row.records_version)
    stored = cache.get(key)
    assert isinstance(stored, results.ClientResults) and stored.analysis == found.analysis
    services.checkin_record(actor=None, client=history, time=timezone.now(), pain=10, flare=True)
    fresh = selectors.client_analysis(actor=None, client=history)
    assert fresh.version == found.version + 1
    assert fresh.analysis.data.checkin_days >= found.analysis.data.checkin_days
    assert fresh.analysis != found.analysis


def test_a_stale_client_object_cannot_put_an_older_version_back(world: World, history: Client) -> None:
    stale = Client.objects.get(pk=history.pk)  # read before another request writes
    services.checkin_record(actor=None, client=history, time=timezone.now(), pain=3)
    stale.goals = "walk every day"
    stale.save()
    row = Client.objects.get(pk=history.pk)
    assert row.records_version == stale.records_version + 1 and row.goals == "walk every day"


def test_many_clients_at_once_cost_one_cache_round_trip_when_warm(
    world: World, history: Client, counted: Counted, django_assert_max_num_queries: Any
) -> None:
    clients = [world.client_a, history]
    cold = selectors.client_analyses(actor=None, clients=clients)
    assert set(cold) == {world.client_a.pk, history.pk} and counted.analyses == 2
    with django_assert_max_num_queries(1 + len(clients)):  # the versions, then one audit row each
        warm = selectors.client_analyses(actor=None, clients=clients)
    assert counted.analyses == 2
    assert {pk: r.analysis for pk, r in warm.items()} == {pk: r.analysis for pk, r in cold.items()}


def test_an_unreadable_entry_is_computed_again(world: World, history: Client, counted: Counted) -> None:
    row = Client.objects.get(pk=history.pk)
    key = results.key("analysis", client_id=row.pk, created=row.created_at, version=row.records_version)
    cache.set(key, "not a result")  # e.g. left by another version of the code
    found = selectors.client_analysis(actor=None, client=history)
    assert isinstance(found.analysis, ClientAnalysis) and counted.analyses == 1


def test_the_key_names_the_code_the_client_and_the_version() -> None:
    created = timezone.now()
    one = results.key("analysis", client_id=7, created=created, version=3)
    assert one != results.key("analysis", client_id=7, created=created, version=4)
    assert one != results.key("analysis", client_id=7, created=created + timedelta(seconds=1), version=3)
    assert one != results.key("charts", client_id=7, created=created, version=3)
    assert results.code_fingerprint() in one
    with pytest.raises(ValueError, match="kind = 'report' is not allowed"):
        results.key("report", client_id=7, created=created, version=3)


def test_web_charts_pickle_without_their_drawing(world: World, history: Client) -> None:
    found = selectors.client_analysis(actor=None, client=history)
    drawn = selectors.client_charts(client=history, found=found)
    assert [c.title for c in drawn] == [charts.diary.TITLE, charts.sessions.SESSIONS_TITLE,
                                        charts.sessions.PRESSURE_TITLE]  # fmt: skip
    with pytest.raises(ValueError, match="drawn only as SVG"):
        drawn[0].png()


def redis_running() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
            return True
    except OSError:
        return False


@pytest.mark.parametrize("backend", ["file", "database", "memory", "redis://127.0.0.1:6379/0"])
def test_each_cache_backend_keeps_the_typed_results(
    world: World, history: Client, counted: Counted, backend: str, tmp_path: Path
) -> None:
    if backend.startswith("redis") and not redis_running():
        pytest.skip("Redis is not running at 127.0.0.1:6379 (the redis backend is optional)")
    config = {**conf.cache_from_setting(backend, tmp_path), "KEY_PREFIX": f"test-{uuid.uuid4().hex}"}
    with override_settings(CACHES={"default": config}):
        if backend == "database":
            call_command("createcachetable", verbosity=0)
        try:
            first = selectors.client_analysis(actor=None, client=history)
            again = selectors.client_analysis(actor=None, client=history)
            assert counted.analyses == 1 and again.analysis == first.analysis
            assert isinstance(again.analysis.plan, Plan)
        finally:
            cache.clear()


@pytest.mark.parametrize("value", ["memcached://x", "files", "redis"])
def test_an_unknown_cache_is_refused_with_the_choices(value: str, tmp_path: Path) -> None:
    refused = rf"TOUCHDOSE_CACHE = '{value}' is not allowed \(allowed: file"
    with pytest.raises(ImproperlyConfigured, match=refused):
        conf.cache_from_setting(value, tmp_path)


# --- After a write: the job worker computes, the caseload shows the last analysis meanwhile ----------


def refresh_jobs(client: Client) -> int:
    return DBTaskResult.objects.filter(task_path=refresh.refresh_results_job.module_path,
                                       args_kwargs__args=[client.pk]).count()  # fmt: skip


@pytest.fixture
def therapist(world: World, history: Client) -> HttpClient:
    """The linked therapist, sharing with the client of ``history``, after a first look at the
    caseload (so the client's analysis is stored)."""
    Share.objects.create(client=history, therapist=world.therapist_linked)
    http = world.http("therapist_linked")
    assert "updating" not in http.get(reverse("therapist_home")).content.decode()
    return http


@pytest.mark.django_db(transaction=True)  # the worker commits and checks its connection as in production
def test_a_write_leaves_a_job_that_makes_the_next_page_warm(
    world: World, history: Client, counted: Counted
) -> None:
    assert refresh_jobs(history) == 1  # the import of two months: one job, not one per record
    run_worker(batch=True, signals=False)  # the jobs of the world's writes
    results_page(world, "client_b", history)
    services.checkin_record(actor=history.user, client=history, time=timezone.now(), pain=7)
    assert refresh_jobs(history) == 2
    counted.analyses = counted.charts = 0
    run_worker(batch=True, signals=False)  # the real worker, as `touchdose worker` runs it
    assert (counted.analyses, counted.charts) == (1, 1)
    page = results_page(world, "client_b", history)
    assert (counted.analyses, counted.charts) == (1, 1)  # the page found both ready
    assert page.count("<figure") == 3
    assert selectors.refresh_results(client_id=history.pk) is False  # nothing left to do


def test_a_write_that_rolls_back_leaves_no_job(world: World, history: Client) -> None:
    before = refresh_jobs(history)
    with pytest.raises(RuntimeError), transaction.atomic():
        services.checkin_record(actor=history.user, client=history, time=timezone.now(), pain=7)
        raise RuntimeError("the request failed after the write")
    assert refresh_jobs(history) == before


@pytest.mark.django_db(transaction=True)  # the worker commits and checks its connection as in production
def test_the_caseload_shows_the_last_analysis_as_updating_until_the_worker_ran(
    history: Client, counted: Counted, therapist: HttpClient
) -> None:
    services.checkin_record(actor=history.user, client=history, time=timezone.now(), pain=9)
    counted.analyses = 0
    page = therapist.get(reverse("therapist_home")).content.decode()
    assert counted.analyses == 0  # no engine in the request: the analysis before the write is shown
    assert page.count("updating: new entries since this") == 1  # Bea's row only
    run_worker(batch=True, signals=False)
    assert "updating" not in therapist.get(reverse("therapist_home")).content.decode()


def test_with_no_worker_the_caseload_computes_after_the_grace(
    history: Client, counted: Counted, therapist: HttpClient
) -> None:
    services.checkin_record(actor=history.user, client=history, time=timezone.now(), pain=9)
    long_ago = timezone.now() - selectors.STALE_GRACE - timedelta(seconds=1)
    Client.objects.filter(pk=history.pk).update(records_changed_at=long_ago)
    counted.analyses = 0
    page = therapist.get(reverse("therapist_home")).content.decode()
    assert counted.analyses == 1 and "updating" not in page


def test_a_deleted_account_leaves_no_latest_analysis(
    world: World, history: Client, django_capture_on_commit_callbacks: Any
) -> None:
    results_page(world, "client_b", history)
    latest = results.latest_key(client_id=history.pk, created=history.created_at)
    assert isinstance(cache.get(latest), results.ClientResults)
    with django_capture_on_commit_callbacks(execute=True):  # emptied once the deletion commits
        services.account_delete(user=history.user)
    assert cache.get(latest) is None


def test_what_the_client_says_about_their_safety_is_never_shown_late(
    history: Client, counted: Counted, therapist: HttpClient
) -> None:
    services.checkin_record(actor=history.user, client=history, time=timezone.now(), pain=5,
                            red_flags=["weight_loss"])  # fmt: skip
    # An ordinary entry after it, before the worker ran: the analysis before the red flag must
    # still not stand in for the current one.
    services.checkin_record(actor=history.user, client=history, time=timezone.now(), pain=5)
    counted.analyses = 0
    page = therapist.get(reverse("therapist_home")).content.decode()
    assert counted.analyses == 1 and "updating" not in page
    assert "safety-see_doctor" in page
