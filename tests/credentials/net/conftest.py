"""Fakes for the fetcher tests: DNS answers and an httpx transport that records requests."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence

import httpx
import pytest

from credentials.net import FetchPolicy, SafeFetcher


class ChunkStream(httpx.SyncByteStream):
    """A streamed response body, as a real transport delivers it."""

    def __init__(self, body: bytes, chunk: int = 4096) -> None:
        self._body = body
        self._chunk = chunk

    def __iter__(self) -> Iterator[bytes]:
        for start in range(0, len(self._body), self._chunk):
            yield self._body[start : start + self._chunk]


def respond(
    status: int = 200,
    body: bytes = b"{}",
    headers: Mapping[str, str] | None = None,
) -> httpx.Response:
    return httpx.Response(
        status,
        headers={"content-type": "application/json", **(headers or {})},
        stream=ChunkStream(body),
    )


class FakeNet:
    """DNS table + request handler; ``requests`` records what reached the 'network'."""

    def __init__(self, dns: Mapping[str, Sequence[str]]) -> None:
        self.dns = dict(dns)
        self.requests: list[httpx.Request] = []
        self.handler: Callable[[httpx.Request], httpx.Response] = lambda _r: respond()

    def resolve(self, host: str, port: int) -> list[str]:
        return list(self.dns.get(host, []))

    def transport(self) -> httpx.BaseTransport:
        def handle(request: httpx.Request) -> httpx.Response:
            self.requests.append(request)
            return self.handler(request)

        return httpx.MockTransport(handle)

    def fetcher(self, policy: FetchPolicy | None = None) -> SafeFetcher:
        return SafeFetcher(policy, resolver=self.resolve, transport_factory=self.transport)


@pytest.fixture
def net() -> FakeNet:
    return FakeNet(
        {
            "issuer.example": ["93.184.216.34"],
            "v6.example": ["2606:2800:220:1:248:1893:25c8:1946"],
            "internal.example": ["10.0.0.7"],
            "mixed.example": ["93.184.216.34", "192.168.1.1"],
            "metadata.example": ["169.254.169.254"],
            "localhost": ["127.0.0.1", "::1"],
        }
    )
