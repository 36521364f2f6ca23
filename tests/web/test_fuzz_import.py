"""Issue 13, finding 5, through the web: a few hundred damaged files uploaded to the import page
(and, when the preview accepts one, saved) never give a server error, and a rejected file writes
nothing. ``benchmarks/fuzz.py`` runs 10,000 through the same pages on SQLite and PostgreSQL."""

from __future__ import annotations

import itertools
import random
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client as HttpClient
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.fuzzfiles import KINDS, encoded, fuzz_file
from tests.web.conftest import make_client

from touchdose.web.models import CheckIn, MassageSession

NUMBERS = itertools.count()


def stored() -> tuple[int, int]:
    return MassageSession.objects.count(), CheckIn.objects.count()


def upload_and_save(http: HttpClient, client_id: int, name: str, data: bytes) -> tuple[int, int | None]:
    """The status of the upload step and, when it showed a preview, of the save step."""
    upload = SimpleUploadedFile(name, data)
    first = http.post(reverse("data_import", args=[client_id]), {"file": upload, "timezone": "Europe/Oslo"})
    if first.status_code != 200:
        return first.status_code, None
    context = first.context
    saved = http.post(
        reverse("data_import_confirm", args=[client_id]),
        {"kind": context["parsed"].kind, "data": context["data"], "timezone": context["zone"]},
    )
    return first.status_code, saved.status_code


@given(st.randoms(use_true_random=False), st.sampled_from(KINDS))
@settings(
    max_examples=150, deadline=None, derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)  # fmt: skip
def test_finding_5_fuzzed_uploads_never_give_a_server_error_nor_a_partial_write(
    db: Any, rng: random.Random, kind: str
) -> None:
    client = make_client(f"fuzz-{next(NUMBERS)}")
    http = HttpClient()
    http.force_login(client.user)
    fuzzed = fuzz_file(rng, kind)
    before = stored()
    first, second = upload_and_save(http, client.pk, f"client{fuzzed.suffix}", encoded(fuzzed.text))
    assert first in (200, 400), fuzzed.mutations
    assert second in (None, 302, 400), fuzzed.mutations
    if second != 302:
        assert stored() == before, "a rejected file wrote something"
    else:
        added = client.sessions.count(), client.checkins.count()
        assert sum(added) == sum(stored()) - sum(before)


def test_finding_5_year_1_in_the_check_in_form_and_link_is_a_clean_error(db: Any) -> None:
    client = make_client("yr", tz="Asia/Tokyo")
    http = HttpClient()
    http.force_login(client.user)
    url = reverse("checkin_new", args=[client.pk])
    for at in ("0001-01-01T00:00:00+05:00", "9999-12-31T23:59:59-05:00", "0001-01-01T00:00"):
        assert http.get(url, {"at": at}).status_code == 200
    for time in ("0001-01-01T00:00", "9999-12-31T23:59"):
        response = http.post(url, {"pain": "3", "time": time})
        assert response.status_code == 200
        assert "Pick a time in the years 1900-2200" in response.content.decode()
    assert not client.checkins.exists()
