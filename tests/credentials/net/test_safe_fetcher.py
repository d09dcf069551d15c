"""SafeFetcher: SSRF checks, address pinning, redirects, size caps, timeouts.

Nothing here touches the network: DNS is a table and the transport is ``httpx.MockTransport``.
"""

from __future__ import annotations

import gzip
import http.server
import threading
from typing import ClassVar

import httpx
import pytest

from credentials.net import (
    FetchError,
    FetchPolicy,
    ForbiddenDestinationError,
    ResponseTooLargeError,
    SafeFetcher,
)
from tests.credentials.net.conftest import FakeNet, respond

ACCEPT = "application/json"


def test_connects_to_the_checked_address_with_host_and_sni(net: FakeNet) -> None:
    net.handler = lambda _r: respond(body=b'{"ok":true}')
    document = net.fetcher().fetch(
        "https://issuer.example/a/did.json?x=1", accept=ACCEPT, max_bytes=100
    )
    assert document.status == 200
    assert document.body == b'{"ok":true}'
    assert document.media_type == "application/json"
    (request,) = net.requests
    assert request.url.host == "93.184.216.34"
    assert request.url.raw_path == b"/a/did.json?x=1"
    assert request.headers["host"] == "issuer.example"
    assert request.extensions["sni_hostname"] == "issuer.example"
    assert request.headers["accept"] == ACCEPT
    assert "cookie" not in request.headers


def test_ipv6_pinning_and_non_default_port(net: FakeNet) -> None:
    net.fetcher().fetch("https://v6.example:8443/x", accept=ACCEPT, max_bytes=100)
    (request,) = net.requests
    assert request.url.host == "2606:2800:220:1:248:1893:25c8:1946"
    assert request.url.port == 8443
    assert request.headers["host"] == "v6.example:8443"


def test_dns_rebinding_cannot_move_the_connection(net: FakeNet) -> None:
    """The name is resolved once per hop; the request goes to that address, not a new one."""
    answers = iter([["93.184.216.34"], ["127.0.0.1"]])
    fetcher = SafeFetcher(resolver=lambda _h, _p: next(answers), transport_factory=net.transport)
    fetcher.fetch("https://issuer.example/", accept=ACCEPT, max_bytes=100)
    assert net.requests[0].url.host == "93.184.216.34"


@pytest.mark.parametrize(
    "url",
    [
        "https://127.0.0.1/.well-known/did.json",
        "https://10.0.0.1/",
        "https://169.254.169.254/latest/meta-data/",
        "https://[::1]/",
        "https://[::ffff:127.0.0.1]/",
        "https://[fe80::1]/",
        "https://100.64.0.1/",
        "https://0.0.0.0/",
        "https://internal.example/",
        "https://mixed.example/",
        "https://metadata.example/",
        "https://localhost/",
    ],
)
def test_non_public_destinations_are_refused(net: FakeNet, url: str) -> None:
    with pytest.raises(ForbiddenDestinationError):
        net.fetcher().fetch(url, accept=ACCEPT, max_bytes=100)
    assert net.requests == []


@pytest.mark.parametrize(
    "url",
    [
        "http://issuer.example/",
        "ftp://issuer.example/",
        "file:///etc/passwd",
        "https://user:pw@issuer.example/",
        "https:///nohost",
        "https://issuer.example:99999/",
        "//issuer.example/",
    ],
)
def test_bad_urls_are_refused(net: FakeNet, url: str) -> None:
    with pytest.raises(ForbiddenDestinationError):
        net.fetcher().fetch(url, accept=ACCEPT, max_bytes=100)
    assert net.requests == []


def test_unresolvable_host(net: FakeNet) -> None:
    with pytest.raises(FetchError):
        net.fetcher().fetch("https://nowhere.example/", accept=ACCEPT, max_bytes=100)


def test_dev_allow_list_permits_exact_host_over_http(net: FakeNet) -> None:
    fetcher = net.fetcher(FetchPolicy(dev_hosts=frozenset({"localhost:8000"})))
    fetcher.fetch("http://localhost:8000/.well-known/did.json", accept=ACCEPT, max_bytes=100)
    (request,) = net.requests
    assert request.url.scheme == "http"
    assert request.url.host == "127.0.0.1"
    assert request.headers["host"] == "localhost:8000"
    assert "sni_hostname" not in request.extensions
    with pytest.raises(ForbiddenDestinationError):
        fetcher.fetch("http://localhost:8001/", accept=ACCEPT, max_bytes=100)


def test_allowed_ports(net: FakeNet) -> None:
    fetcher = net.fetcher(FetchPolicy(allowed_ports=frozenset({443})))
    fetcher.fetch("https://issuer.example/", accept=ACCEPT, max_bytes=100)
    with pytest.raises(ForbiddenDestinationError):
        fetcher.fetch("https://issuer.example:8443/", accept=ACCEPT, max_bytes=100)


def test_redirects_are_followed_and_rechecked(net: FakeNet) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/start":
            return respond(302, headers={"location": "/next"})
        if request.url.path == "/next":
            return respond(307, headers={"location": "https://v6.example/final"})
        return respond(body=b"[1]")

    net.handler = handler
    document = net.fetcher().fetch("https://issuer.example/start", accept=ACCEPT, max_bytes=100)
    assert document.body == b"[1]"
    assert document.url == "https://v6.example/final"
    assert [r.headers["host"] for r in net.requests] == [
        "issuer.example",
        "issuer.example",
        "v6.example",
    ]


@pytest.mark.parametrize(
    "location",
    [
        "https://10.0.0.1/x",
        "https://internal.example/x",
        "http://issuer.example/x",
        "https://[::1]/",
    ],
)
def test_redirect_to_a_forbidden_destination_is_refused(net: FakeNet, location: str) -> None:
    net.handler = lambda _r: respond(301, headers={"location": location})
    with pytest.raises(ForbiddenDestinationError):
        net.fetcher().fetch("https://issuer.example/", accept=ACCEPT, max_bytes=100)
    assert len(net.requests) == 1


def test_redirect_limit(net: FakeNet) -> None:
    net.handler = lambda r: respond(302, headers={"location": r.url.path + "x"})
    with pytest.raises(FetchError, match="redirects"):
        net.fetcher().fetch("https://issuer.example/a", accept=ACCEPT, max_bytes=100)
    assert len(net.requests) == 4


def test_redirect_without_location(net: FakeNet) -> None:
    net.handler = lambda _r: respond(302)
    with pytest.raises(FetchError):
        net.fetcher().fetch("https://issuer.example/", accept=ACCEPT, max_bytes=100)


def test_oversized_body_is_refused(net: FakeNet) -> None:
    net.handler = lambda _r: respond(body=b"x" * 10_000)
    with pytest.raises(ResponseTooLargeError):
        net.fetcher().fetch("https://issuer.example/", accept=ACCEPT, max_bytes=4096)


def test_declared_oversized_body_is_refused(net: FakeNet) -> None:
    net.handler = lambda _r: respond(body=b"x", headers={"content-length": "999999"})
    with pytest.raises(ResponseTooLargeError):
        net.fetcher().fetch("https://issuer.example/", accept=ACCEPT, max_bytes=4096)


def test_gzip_content_encoding_is_decoded_within_the_cap(net: FakeNet) -> None:
    net.handler = lambda _r: respond(
        body=gzip.compress(b'{"a":1}'), headers={"content-encoding": "gzip"}
    )
    document = net.fetcher().fetch("https://issuer.example/", accept=ACCEPT, max_bytes=100)
    assert document.body == b'{"a":1}'
    assert net.requests[0].headers["accept-encoding"] == "gzip, identity"


def test_gzip_bomb_body_is_refused(net: FakeNet) -> None:
    bomb = gzip.compress(bytes(32 * 1024 * 1024))
    net.handler = lambda _r: respond(body=bomb, headers={"content-encoding": "gzip"})
    with pytest.raises(ResponseTooLargeError):
        net.fetcher().fetch("https://issuer.example/", accept=ACCEPT, max_bytes=len(bomb) + 10)


def test_unknown_content_encoding_is_refused(net: FakeNet) -> None:
    net.handler = lambda _r: respond(headers={"content-encoding": "br"})
    with pytest.raises(FetchError):
        net.fetcher().fetch("https://issuer.example/", accept=ACCEPT, max_bytes=100)


def test_transport_errors_become_fetch_errors(net: FakeNet) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectTimeout("timed out", request=request)

    net.handler = handler
    with pytest.raises(FetchError):
        net.fetcher().fetch("https://issuer.example/", accept=ACCEPT, max_bytes=100)


def test_timeouts_are_passed_per_request(net: FakeNet) -> None:
    net.fetcher(FetchPolicy(timeout=2.5)).fetch(
        "https://issuer.example/", accept=ACCEPT, max_bytes=100
    )
    timeouts = net.requests[0].extensions["timeout"]
    assert timeouts == {"connect": 2.5, "read": 2.5, "write": 2.5, "pool": 2.5}


def test_deadline_stops_slow_bodies(net: FakeNet) -> None:
    ticks = iter(range(0, 1000, 10))
    fetcher = SafeFetcher(
        FetchPolicy(deadline=15),
        resolver=net.resolve,
        transport_factory=net.transport,
        monotonic=lambda: float(next(ticks)),
    )
    net.handler = lambda _r: respond(body=b"x" * 50_000)
    with pytest.raises(FetchError, match="deadline"):
        fetcher.fetch("https://issuer.example/", accept=ACCEPT, max_bytes=100_000)


def test_non_200_is_returned_to_the_caller(net: FakeNet) -> None:
    net.handler = lambda _r: respond(404, body=b"nope", headers={"content-type": "text/plain"})
    document = net.fetcher().fetch("https://issuer.example/", accept=ACCEPT, max_bytes=100)
    assert document.status == 404


def test_default_transport_ignores_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """No proxy from the environment: the default transport is built with trust_env=False."""
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.invalid:3128")
    monkeypatch.setenv("HTTP_PROXY", "http://proxy.invalid:3128")
    transport = SafeFetcher()._default_transport()
    assert isinstance(transport, httpx.HTTPTransport)
    assert type(transport._pool).__name__ == "ConnectionPool"
    transport.close()


class _Handler(http.server.BaseHTTPRequestHandler):
    seen: ClassVar[list[tuple[str, str | None, str | None]]] = []

    def do_GET(self) -> None:
        self.seen.append((self.path, self.headers.get("Host"), self.headers.get("Cookie")))
        body = b'{"id":"ok"}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Set-Cookie", "session=1")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        return


def test_real_transport_connects_to_the_pinned_address(monkeypatch: pytest.MonkeyPatch) -> None:
    """End to end over a loopback socket with the default httpx transport (dev allow-list)."""
    monkeypatch.setenv("HTTP_PROXY", "http://proxy.invalid:3128")
    server = http.server.HTTPServer(("127.0.0.1", 0), _Handler)
    port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        fetcher = SafeFetcher(
            FetchPolicy(dev_hosts=frozenset({f"pinned.test:{port}"})),
            resolver=lambda _h, _p: ["127.0.0.1"],
        )
        for _ in range(2):
            document = fetcher.fetch(
                f"http://pinned.test:{port}/did.json", accept=ACCEPT, max_bytes=100
            )
            assert document.body == b'{"id":"ok"}'
    finally:
        server.shutdown()
        server.server_close()
    assert _Handler.seen == [("/did.json", f"pinned.test:{port}", None)] * 2
