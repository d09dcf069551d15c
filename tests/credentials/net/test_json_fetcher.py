"""JsonFetcher and CachingFetcher: parsing, media types, TTL cache on an injected clock."""

from __future__ import annotations

import pytest

from credentials.errors import MalformedError
from credentials.net import CachingFetcher, FetchedDocument, FetchError, JsonFetcher


class CountingFetcher:
    def __init__(self, document: FetchedDocument) -> None:
        self.document = document
        self.calls = 0

    def fetch(self, url: str, *, accept: str, max_bytes: int) -> FetchedDocument:
        self.calls += 1
        return self.document


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _doc(
    body: bytes = b'{"a":[1]}', status: int = 200, ctype: str | None = "application/did+json"
) -> FetchedDocument:
    return FetchedDocument(status=status, content_type=ctype, body=body)


def test_caches_until_ttl() -> None:
    inner, clock = CountingFetcher(_doc()), Clock()
    fetcher = JsonFetcher(inner, clock=clock, ttl=60)
    first = fetcher.get("https://x.example/d")
    first["a"].append(2)
    assert fetcher.get("https://x.example/d") == {"a": [1]}
    assert inner.calls == 1
    clock.now += 61
    fetcher.get("https://x.example/d")
    assert inner.calls == 2


def test_eviction_bound() -> None:
    inner, clock = CountingFetcher(_doc()), Clock()
    fetcher = JsonFetcher(inner, clock=clock, max_entries=2)
    for name in ("a", "b", "c", "a"):
        fetcher.get(f"https://x.example/{name}")
    assert inner.calls == 4


@pytest.mark.parametrize(
    ("document", "error"),
    [
        (_doc(status=404), FetchError),
        (_doc(ctype="text/html"), FetchError),
        (_doc(ctype=None), FetchError),
        (_doc(body=b"{not json"), MalformedError),
        (_doc(body=b"\xff\xfe"), MalformedError),
    ],
)
def test_refusals_are_not_cached(document: FetchedDocument, error: type[Exception]) -> None:
    inner = CountingFetcher(document)
    fetcher = JsonFetcher(inner, clock=Clock())
    for _ in range(2):
        with pytest.raises(error):
            fetcher.get("https://x.example/d")
    assert inner.calls == 2


def test_json_media_types_accepted() -> None:
    for ctype in (
        "application/json; charset=utf-8",
        "application/did+ld+json",
        "application/ld+json",
    ):
        assert JsonFetcher(CountingFetcher(_doc(ctype=ctype)), clock=Clock()).get("https://x/") == {
            "a": [1]
        }


def test_caching_fetcher_keeps_only_successes() -> None:
    clock = Clock()
    ok = CountingFetcher(_doc())
    cache = CachingFetcher(ok, clock=clock, ttl=10)
    cache.fetch("https://x/", accept="a", max_bytes=100)
    cache.fetch("https://x/", accept="a", max_bytes=100)
    assert ok.calls == 1
    cache.fetch("https://x/", accept="b", max_bytes=100)
    assert ok.calls == 2
    clock.now += 11
    cache.fetch("https://x/", accept="a", max_bytes=100)
    assert ok.calls == 3
    failing = CountingFetcher(_doc(status=500))
    cache = CachingFetcher(failing, clock=clock)
    cache.fetch("https://x/", accept="a", max_bytes=100)
    cache.fetch("https://x/", accept="a", max_bytes=100)
    assert failing.calls == 2
