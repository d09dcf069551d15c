"""did:web identifiers and their HTTPS locations (did:web Method Specification §3.2).

``did:web:example.com`` ↔ ``https://example.com/.well-known/did.json``;
``did:web:example.com:user:alice`` ↔ ``https://example.com/user/alice/did.json``; a port is
percent-encoded in the host part (``did:web:127.0.0.1%3A8000``).
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote, unquote, urlsplit

from credentials.errors import KeyResolutionError, MalformedError
from credentials.net.fetcher import Fetcher, FetchError

MAX_DID_LENGTH = 2048


def did_web_from_url(base_url: str) -> str:
    """The did:web for a deployment's public base URL (path segments become ``:`` parts)."""
    parts = urlsplit(base_url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise MalformedError(f"not an http(s) URL: {base_url!r}")
    host = parts.hostname
    if parts.port is not None:
        host = f"{host}:{parts.port}"
    segments = [quote(host, safe="")]
    segments += [quote(seg, safe="") for seg in parts.path.split("/") if seg]
    return "did:web:" + ":".join(segments)


def did_web_document_path(did: str) -> str:
    """The URL path at which the DID document of ``did`` is published."""
    segments = _split(did)
    if len(segments) == 1:
        return "/.well-known/did.json"
    return "/" + "/".join(unquote(seg) for seg in segments[1:]) + "/did.json"


def did_web_to_url(did: str, *, scheme: str = "https") -> str:
    """The location of the DID document; ``scheme`` is ``http`` only for dev allow-lists."""
    segments = _split(did)
    host = unquote(segments[0])
    if "/" in host or "@" in host or "?" in host or "#" in host:
        raise MalformedError(f"invalid did:web host {host!r}")
    return f"{scheme}://{host}{did_web_document_path(did)}"


def _split(did: str) -> list[str]:
    if not isinstance(did, str) or len(did) > MAX_DID_LENGTH:
        raise MalformedError("DID must be a string of reasonable length")
    if not did.startswith("did:web:"):
        raise MalformedError(f"not a did:web: {did!r}")
    method_specific = did[len("did:web:") :]
    if not method_specific or "#" in method_specific or "?" in method_specific:
        raise MalformedError(f"invalid did:web identifier {did!r}")
    segments = method_specific.split(":")
    if any(not seg for seg in segments):
        raise MalformedError(f"empty segment in {did!r}")
    return segments


#: Media types a did:web server answers with (DID Core §6.2, did:web §3.2 Read).
DID_JSON_ACCEPT = "application/did+json, application/did+ld+json;q=0.9, application/json;q=0.8"
MAX_DID_DOCUMENT_BYTES = 128 * 1024


def resolve_did_web(
    did: str,
    fetcher: Fetcher,
    *,
    http_hosts: frozenset[str] = frozenset(),
    max_bytes: int = MAX_DID_DOCUMENT_BYTES,
) -> dict[str, Any]:
    """Fetch and check the DID document of a did:web (did:web §3.2 Read).

    The fetch goes through ``fetcher`` (in production the SSRF-guarded
    :class:`credentials.net.SafeFetcher`); ``http_hosts`` are dev hosts served over plain
    http, each ``host`` or ``host:port`` exactly (as :class:`credentials.net.FetchPolicy`
    reads its ``dev_hosts``). The document must be a JSON object whose ``id`` is exactly
    ``did`` (so that a host cannot answer for another DID). Fetch failures are
    :class:`KeyResolutionError` chained to their cause.
    """
    url = did_web_to_url(did)
    parts = urlsplit(url)
    if parts.netloc in http_hosts or parts.hostname in http_hosts:
        url = did_web_to_url(did, scheme="http")
    try:
        document = fetcher.fetch(url, accept=DID_JSON_ACCEPT, max_bytes=max_bytes)
    except FetchError as exc:
        raise KeyResolutionError(f"cannot fetch {did}: {exc.detail}") from exc
    if document.status != 200:
        raise KeyResolutionError(f"{url} answered HTTP {document.status}")
    try:
        parsed = json.loads(document.body)
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise MalformedError(f"the DID document of {did} is not JSON") from None
    if not isinstance(parsed, dict):
        raise MalformedError(f"the DID document of {did} is not a JSON object")
    if parsed.get("id") != did:
        raise KeyResolutionError(f"the document at {url} is not the DID document of {did}")
    return parsed


class WebMethod:
    """The ``web`` method for :class:`credentials.did.resolver.DidResolver`."""

    name = "web"

    def __init__(
        self,
        fetcher: Fetcher,
        *,
        http_hosts: frozenset[str] = frozenset(),
        max_bytes: int = MAX_DID_DOCUMENT_BYTES,
    ) -> None:
        self._fetcher = fetcher
        self._http_hosts = http_hosts
        self._max_bytes = max_bytes

    def resolve(self, did: str) -> dict[str, Any]:
        return resolve_did_web(
            did, self._fetcher, http_hosts=self._http_hosts, max_bytes=self._max_bytes
        )
