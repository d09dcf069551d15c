"""Outbound HTTP for the standards: a :class:`Fetcher` protocol and its SSRF-safe version.

DID documents (did:web), status lists and metadata are fetched from URLs that someone else
chose. :class:`SafeFetcher` resolves and checks every address, pins the connection to it,
re-checks each redirect, caps bodies and decompression, and times out; :class:`JsonFetcher`
adds JSON parsing and a TTL cache on an injected clock.
"""

from credentials.net.decompress import DecompressionLimitError, inflate
from credentials.net.fetcher import (
    FetchedDocument,
    Fetcher,
    FetchError,
    ForbiddenDestinationError,
    ResponseTooLargeError,
)
from credentials.net.json_fetcher import CachingFetcher, JsonFetcher
from credentials.net.safe_fetcher import FetchPolicy, Resolver, SafeFetcher, system_resolver

__all__ = [
    "CachingFetcher",
    "DecompressionLimitError",
    "FetchError",
    "FetchPolicy",
    "FetchedDocument",
    "Fetcher",
    "ForbiddenDestinationError",
    "JsonFetcher",
    "Resolver",
    "ResponseTooLargeError",
    "SafeFetcher",
    "inflate",
    "system_resolver",
]
