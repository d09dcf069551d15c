"""The outbound-fetch interface every standard here is given (DID documents, status lists).

Code in ``credentials`` never opens a socket itself: it is handed a :class:`Fetcher`. The
production implementation is :class:`credentials.net.safe_fetcher.SafeFetcher`; tests pass a
fake.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol

from credentials.errors import CredentialError


class FetchError(CredentialError):
    """The document could not be retrieved (network error, timeout, bad redirect, HTTP error)."""

    code = "fetch_failed"


class ForbiddenDestinationError(FetchError):
    """The URL, or an address its host resolves to, is outside what may be fetched (SSRF)."""

    code = "forbidden_destination"


class ResponseTooLargeError(FetchError):
    """The response body (after content decoding) exceeds the caller's limit."""

    code = "response_too_large"


@dataclass(frozen=True, slots=True)
class FetchedDocument:
    """A response: status, media type, body (decoded, size-capped), headers (lower-case)."""

    status: int
    content_type: str | None
    body: bytes
    headers: Mapping[str, str] = field(default_factory=dict)
    url: str = ""

    @property
    def media_type(self) -> str | None:
        """The ``Content-Type`` without parameters, lower-cased."""
        if self.content_type is None:
            return None
        return self.content_type.split(";", 1)[0].strip().lower() or None


class Fetcher(Protocol):
    """GET ``url`` with an ``Accept`` header, reading at most ``max_bytes`` of body."""

    def fetch(self, url: str, *, accept: str, max_bytes: int) -> FetchedDocument: ...
