"""JSON documents over a :class:`~credentials.net.fetcher.Fetcher`, cached for a TTL.

DID documents and status list credentials are fetched far more often than they change; the
cache keeps each successfully parsed document for ``ttl`` seconds of the injected clock, at
most ``max_entries`` of them (least recently used evicted first). Failures are not cached.
Callers receive a deep copy, so mutating a result cannot poison the cache.
"""

from __future__ import annotations

import copy
import json
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, Final

from credentials.errors import MalformedError
from credentials.net.fetcher import FetchedDocument, Fetcher, FetchError

DEFAULT_MAX_BYTES: Final = 256 * 1024


def _is_json_media_type(media_type: str | None) -> bool:
    return media_type is not None and (media_type.endswith("/json") or media_type.endswith("+json"))


class CachingFetcher:
    """A :class:`Fetcher` that keeps 200 responses for ``ttl`` seconds."""

    def __init__(
        self,
        fetcher: Fetcher,
        *,
        clock: Callable[[], float],
        ttl: float = 300.0,
        max_entries: int = 256,
    ) -> None:
        self._fetcher = fetcher
        self._clock = clock
        self._ttl = ttl
        self._max_entries = max_entries
        self._entries: OrderedDict[tuple[str, str], tuple[float, int, FetchedDocument]] = (
            OrderedDict()
        )

    def fetch(self, url: str, *, accept: str, max_bytes: int) -> FetchedDocument:
        key = (url, accept)
        now = self._clock()
        cached = self._entries.get(key)
        if cached is not None and cached[0] > now and len(cached[2].body) <= max_bytes:
            self._entries.move_to_end(key)
            return cached[2]
        document = self._fetcher.fetch(url, accept=accept, max_bytes=max_bytes)
        if document.status == 200:
            self._entries[key] = (now + self._ttl, max_bytes, document)
            self._entries.move_to_end(key)
            while len(self._entries) > self._max_entries:
                self._entries.popitem(last=False)
        return document

    def clear(self) -> None:
        self._entries.clear()


class JsonFetcher:
    """GET a JSON document (HTTP 200, a JSON media type), parse it and cache it."""

    def __init__(
        self,
        fetcher: Fetcher,
        *,
        clock: Callable[[], float],
        ttl: float = 300.0,
        max_entries: int = 256,
        max_bytes: int = DEFAULT_MAX_BYTES,
        require_json_media_type: bool = True,
    ) -> None:
        self._fetcher = fetcher
        self._clock = clock
        self._ttl = ttl
        self._max_entries = max_entries
        self._max_bytes = max_bytes
        self._require_json = require_json_media_type
        self._entries: OrderedDict[tuple[str, str], tuple[float, Any]] = OrderedDict()

    def get(self, url: str, *, accept: str = "application/json") -> Any:
        key = (url, accept)
        cached = self._entries.get(key)
        if cached is not None and cached[0] > self._clock():
            self._entries.move_to_end(key)
            return copy.deepcopy(cached[1])
        document = self._fetcher.fetch(url, accept=accept, max_bytes=self._max_bytes)
        if document.status != 200:
            raise FetchError(f"GET {url} answered HTTP {document.status}")
        if self._require_json and not _is_json_media_type(document.media_type):
            raise FetchError(f"GET {url} answered {document.media_type!r}, not JSON")
        try:
            value = json.loads(document.body)
        except (ValueError, UnicodeDecodeError, RecursionError) as exc:
            raise MalformedError(f"{url} is not JSON: {type(exc).__name__}") from None
        self._entries[key] = (self._clock() + self._ttl, value)
        self._entries.move_to_end(key)
        while len(self._entries) > self._max_entries:
            self._entries.popitem(last=False)
        return copy.deepcopy(value)

    def clear(self) -> None:
        self._entries.clear()
