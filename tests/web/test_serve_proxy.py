"""Security finding 13.2: ``TOUCHDOSE_BEHIND_HTTPS_PROXY`` works end to end through the real
``touchdose serve``, under gunicorn and under waitress, behind a small proxy started here that does
what nginx does after ending TLS: it forwards plain HTTP with ``X-Forwarded-Proto: https``, the
visitor's ``Host`` and ``X-Forwarded-For``.

Through the proxy: no SSL redirect loop, HSTS sent, secure cookies, and a login POST with an
``https://`` Origin accepted without ``TOUCHDOSE_CSRF_TRUSTED_ORIGINS``. Straight to the server
from an address that is not the proxy: the forged header is ignored (redirect to HTTPS)."""

from __future__ import annotations

import http.client
import re
import subprocess
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory, override_settings
from tests.web.test_serve import TOUCHDOSE, environment, free_port

from touchdose.web.middleware import TrustedProxyMiddleware

PUBLIC_HOST = "touchdose.test"
#: The proxy connects from this loopback address (the only trusted one); the test's own direct
#: requests come from 127.0.0.1, an address that is not the proxy.
PROXY_ADDRESS = "127.0.0.2"
PASSWORD = "calm-waters-over-stones-2026"
HSTS_SECONDS = 31_536_000


class Proxy(BaseHTTPRequestHandler):
    """Forward each request to the app as a TLS-ending reverse proxy would (no redirects followed)."""

    upstream_port = 0

    def do_GET(self) -> None:
        self.forward()

    def do_POST(self) -> None:
        self.forward()

    def forward(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        dropped = ("connection", "x-forwarded-proto")
        headers = {k: v for k, v in self.headers.items() if k.lower() not in dropped}
        headers.update({"X-Forwarded-Proto": "https", "X-Forwarded-For": self.client_address[0]})
        upstream = http.client.HTTPConnection(
            "127.0.0.1", self.upstream_port, timeout=60, source_address=(PROXY_ADDRESS, 0)
        )
        upstream.request(self.command, self.path, body=body or None, headers=headers)
        answer = upstream.getresponse()
        content = answer.read()
        self.send_response(answer.status)
        for name, value in answer.getheaders():
            if name.lower() not in ("connection", "transfer-encoding", "content-length", "date", "server"):
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(content)))
        self.end_headers()
        self.wfile.write(content)
        upstream.close()

    def log_message(self, *args: object) -> None:  # quiet
        pass


class Answer:
    def __init__(self, response: http.client.HTTPResponse) -> None:
        self.status, self.headers, self.content = response.status, response.headers, response.read().decode()

    def getheader(self, name: str, default: str | None = None) -> str | None:
        return self.headers.get(name, default)


def request(port: int, method: str, path: str, headers: dict[str, str], body: str | None = None) -> Answer:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    connection.request(method, path, body=body, headers=headers)
    answer = Answer(connection.getresponse())
    connection.close()
    return answer


def answered(port: int, process: subprocess.Popen[str], seconds: float = 120) -> None:
    """Wait until the server answers anything (its answer to a plain request is a redirect)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"serve exited: {process.stdout.read() if process.stdout else ''}")
        try:
            request(port, "GET", "/accounts/login/", {"Host": PUBLIC_HOST})
            return
        except OSError:
            time.sleep(0.3)
    raise AssertionError("serve did not answer")


def cookies_of(answer: Answer) -> dict[str, str]:
    """Set-Cookie lines by cookie name."""
    return {line.split("=", 1)[0]: line for line in answer.headers.get_all("Set-Cookie") or []}


@pytest.fixture(scope="module", params=["gunicorn", "waitress"])
def behind_proxy(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[int, int]]:
    """``touchdose serve`` in production mode behind the proxy: (proxy port, server port)."""
    data = tmp_path_factory.mktemp(f"proxy-{request.param}")
    env = environment(data)
    env.update(
        TOUCHDOSE_MODE="production", TOUCHDOSE_SECRET_KEY="p" * 24 + "q" * 24,
        TOUCHDOSE_EMAIL_HOST="127.0.0.1", TOUCHDOSE_ALLOWED_HOSTS=PUBLIC_HOST,
        TOUCHDOSE_BEHIND_HTTPS_PROXY="true", TOUCHDOSE_TRUSTED_PROXIES=PROXY_ADDRESS,
        TOUCHDOSE_SSL_REDIRECT="true", TOUCHDOSE_HSTS_SECONDS=str(HSTS_SECONDS),
    )  # fmt: skip
    made = subprocess.run(
        [*TOUCHDOSE, "createuser", "ann", "--password", PASSWORD], env=env, capture_output=True, text=True
    )
    assert made.returncode == 0, made.stderr
    port = free_port()
    workers = ["--workers", "2"] if request.param == "gunicorn" else []
    server = subprocess.Popen(
        [*TOUCHDOSE, "serve", "--port", str(port), "--server", request.param, *workers, "--no-worker"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    Proxy.upstream_port = port
    proxy = ThreadingHTTPServer(("127.0.0.1", 0), Proxy)
    threading.Thread(target=proxy.serve_forever, daemon=True).start()
    try:
        answered(port, server)
        yield proxy.server_address[1], port
    finally:
        proxy.shutdown()
        server.terminate()
        server.wait(timeout=30)


@pytest.mark.slow
def test_finding_2_through_the_proxy_https_is_seen_no_redirect_loop_and_hsts_sent(
    behind_proxy: tuple[int, int],
) -> None:
    proxy_port, _ = behind_proxy
    page = request(proxy_port, "GET", "/accounts/login/", {"Host": PUBLIC_HOST})
    assert page.status == 200, (page.status, page.getheader("Location"))
    assert (page.getheader("Strict-Transport-Security") or "").startswith(f"max-age={HSTS_SECONDS}")
    cookie = cookies_of(page)["csrftoken"]
    assert "Secure" in cookie


@pytest.mark.slow
def test_finding_2_a_forged_header_from_anyone_but_the_proxy_is_ignored(
    behind_proxy: tuple[int, int],
) -> None:
    _, server_port = behind_proxy
    forged = {"Host": PUBLIC_HOST, "X-Forwarded-Proto": "https", "X-Forwarded-Host": "evil.example"}
    page = request(server_port, "GET", "/accounts/login/", forged)
    assert page.status == 301
    assert page.getheader("Location") == f"https://{PUBLIC_HOST}/accounts/login/"
    assert page.getheader("Strict-Transport-Security") is None  # plain HTTP: no HSTS


@pytest.mark.slow
def test_finding_2_login_post_with_an_https_origin_works_without_trusted_origins(
    behind_proxy: tuple[int, int],
) -> None:
    proxy_port, _ = behind_proxy
    form = request(proxy_port, "GET", "/accounts/login/", {"Host": PUBLIC_HOST})
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.content).group(1)
    csrf_cookie = cookies_of(form)["csrftoken"].split(";", 1)[0]
    body = f"csrfmiddlewaretoken={token}&username=ann&password={PASSWORD}"
    answer = request(proxy_port, "POST", "/accounts/login/", {
        "Host": PUBLIC_HOST, "Origin": f"https://{PUBLIC_HOST}", "Referer": f"https://{PUBLIC_HOST}/accounts/login/",
        "Cookie": csrf_cookie, "Content-Type": "application/x-www-form-urlencoded",
    }, body)  # fmt: skip
    assert answer.status == 302, (answer.status, answer.content[:300])
    assert answer.getheader("Location") in ("/", f"https://{PUBLIC_HOST}/")
    assert "Secure" in cookies_of(answer)["sessionid"]


def test_proxy_headers_only_from_the_trusted_proxy() -> None:
    """The middleware's rule in one process: a trusted peer's headers stay and its visitor's address
    becomes REMOTE_ADDR; anyone else's proxy headers are removed."""
    seen: dict[str, Any] = {}

    def view(request: HttpRequest) -> HttpResponse:
        seen.update(request.META)
        return HttpResponse()

    headers = {"HTTP_X_FORWARDED_PROTO": "https", "HTTP_X_FORWARDED_FOR": "203.0.113.9, 198.51.100.7"}
    with override_settings(BEHIND_HTTPS_PROXY=True, TRUSTED_PROXIES=["10.0.0.5"]):
        middleware = TrustedProxyMiddleware(view)
        middleware(RequestFactory().get("/", REMOTE_ADDR="10.0.0.5", **headers))
        assert seen["REMOTE_ADDR"] == "198.51.100.7" and seen["HTTP_X_FORWARDED_PROTO"] == "https"
        seen.clear()
        middleware(RequestFactory().get("/", REMOTE_ADDR="10.0.0.6", **headers))
        assert seen["REMOTE_ADDR"] == "10.0.0.6" and "HTTP_X_FORWARDED_PROTO" not in seen
    with override_settings(BEHIND_HTTPS_PROXY=False, TRUSTED_PROXIES=["10.0.0.5"]):
        seen.clear()
        TrustedProxyMiddleware(view)(RequestFactory().get("/", REMOTE_ADDR="10.0.0.5", **headers))
        assert "HTTP_X_FORWARDED_PROTO" not in seen and seen["REMOTE_ADDR"] == "10.0.0.5"

