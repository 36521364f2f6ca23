"""Static files as ``touchdose serve`` gives them (docs/performance.md "Static files"): pages link
names with the content's hash, served for ten years (``immutable``) and compressed (brotli or
gzip, whichever the browser accepts); the plain names still work, with a short lifetime."""

from __future__ import annotations

import gzip
import hashlib
import re
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import brotli
import pytest
from django.contrib.staticfiles import finders
from tests.web.test_serve import serving

TEN_YEARS = 315360000  # seconds: WhiteNoise's lifetime of a file whose name carries its hash


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with serving(tmp_path_factory.mktemp("static"), "--no-worker") as (base, _):
        yield base


def get(url: str, encoding: str | None = None) -> tuple[dict[str, str], bytes]:
    request = urllib.request.Request(url, headers={"Accept-Encoding": encoding} if encoding else {})
    with urllib.request.urlopen(request) as response:
        return {k.lower(): v for k, v in response.headers.items()}, response.read()


@pytest.mark.slow
def test_pages_link_hashed_names_served_for_ten_years_and_compressed(server: str) -> None:
    _, page = get(server + "/accounts/login/")
    css = re.search(rb'href="(/static/touchdose/app\.([0-9a-f]{12})\.css)"', page)
    assert css, "the login page does not link a hashed app.css"
    url, digest = server + css.group(1).decode(), css.group(2).decode()
    plain_headers, plain = get(url)
    assert "content-encoding" not in plain_headers
    assert hashlib.md5(plain).hexdigest()[:12] == digest  # the name follows the content
    assert plain == Path(str(finders.find("touchdose/app.css"))).read_bytes()
    for encoding, decompress in (("br", brotli.decompress), ("gzip", gzip.decompress)):
        headers, body = get(url, f"{encoding}, identity")
        assert headers["content-encoding"] == encoding
        assert len(body) < len(plain) / 2 and decompress(body) == plain
        assert f"max-age={TEN_YEARS}" in headers["cache-control"] and "immutable" in headers["cache-control"]
        assert "accept-encoding" in headers["vary"].lower()


@pytest.mark.slow
def test_a_plain_name_is_still_served_but_only_briefly_cached(server: str) -> None:
    headers, body = get(server + "/static/touchdose/app.css", "gzip")
    max_age = int(re.search(r"max-age=(\d+)", headers["cache-control"]).group(1))  # type: ignore[union-attr]
    assert max_age <= 3600 and "immutable" not in headers["cache-control"]
    content = gzip.decompress(body) if headers.get("content-encoding") == "gzip" else body
    assert content == Path(str(finders.find("touchdose/app.css"))).read_bytes()
