"""did:web identifiers and their HTTPS locations (did:web Method Specification §3.2).

``did:web:example.com`` ↔ ``https://example.com/.well-known/did.json``;
``did:web:example.com:user:alice`` ↔ ``https://example.com/user/alice/did.json``; a port is
percent-encoded in the host part (``did:web:127.0.0.1%3A8000``).
"""

from __future__ import annotations

from urllib.parse import quote, unquote, urlsplit

from credentials.errors import MalformedError

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
