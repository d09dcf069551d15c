"""DID and DID URL syntax (W3C DID Core 1.0 §3.1, §3.2).

::

    did                = "did:" method-name ":" method-specific-id
    method-name        = 1*method-char            ; %x61-7A / DIGIT
    method-specific-id = *( *idchar ":" ) 1*idchar
    idchar             = ALPHA / DIGIT / "." / "-" / "_" / pct-encoded
    did-url            = did path-abempty [ "?" query ] [ "#" fragment ]
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Final

from credentials.errors import MalformedError

MAX_DID_URL_LENGTH: Final = 8192

# Written with possessive quantifiers (no backtracking): every delimiter that may follow a
# part ("/", "?", "#", end) is outside that part's characters, so giving characters back
# never helps a match, and a did:jwk URL (~190 characters) parses in about 2 µs instead of
# the 29 µs the backtracking form took. ``(?<!:)``: a method-specific id does not end with
# a colon (its last segment is ``1*idchar``).
_DID: Final = (
    r"did:(?P<method>[a-z0-9]+):"
    r"(?P<msi>(?:[A-Za-z0-9._:-]++|%[0-9A-Fa-f]{2})++)(?<!:)"
)
_PCHAR: Final = r"(?:[A-Za-z0-9._~!$&'()*+,;=:@-]++|%[0-9A-Fa-f]{2})"
_DID_URL: Final = re.compile(
    rf"^{_DID}(?P<path>(?:/{_PCHAR}*+)*+)"
    rf"(?:\?(?P<query>(?:{_PCHAR}|[/?]++)*+))?"
    rf"(?:#(?P<fragment>(?:{_PCHAR}|[/?]++)*+))?$"
)


@dataclass(frozen=True, slots=True)
class DidUrl:
    """A parsed DID URL; ``did`` alone when path, query and fragment are absent."""

    did: str
    method: str
    method_specific_id: str
    path: str = ""
    query: str | None = None
    fragment: str | None = None

    def __str__(self) -> str:
        text = self.did + self.path
        if self.query is not None:
            text += "?" + self.query
        if self.fragment is not None:
            text += "#" + self.fragment
        return text


def parse_did_url(text: object) -> DidUrl:
    """Parse a DID or DID URL; anything else is :class:`MalformedError`."""
    if not isinstance(text, str) or len(text) > MAX_DID_URL_LENGTH:
        raise MalformedError("a DID URL must be a string of reasonable length")
    return _parse(text)


@lru_cache(maxsize=2048)
def _parse(text: str) -> DidUrl:
    """Cached: one key proof's ``kid`` is parsed about seven times on its way (resolution,
    dereferencing, binding), and :class:`DidUrl` is immutable. Refusals are not cached."""
    match = _DID_URL.match(text)
    if match is None:
        raise MalformedError(f"not a DID URL: {text[:80]!r}")
    method, msi = match.group("method"), match.group("msi")
    return DidUrl(
        did=f"did:{method}:{msi}",
        method=method,
        method_specific_id=msi,
        path=match.group("path") or "",
        query=match.group("query"),
        fragment=match.group("fragment"),
    )


def parse_did(text: object) -> DidUrl:
    """Parse a bare DID (no path, query or fragment)."""
    parsed = parse_did_url(text)
    if parsed.path or parsed.query is not None or parsed.fragment is not None:
        raise MalformedError(f"expected a DID, not a DID URL: {str(parsed)[:80]!r}")
    return parsed


def absolute_did_url(base_did: str, reference: str) -> str:
    """Resolve a relative DID URL (``#key-1``) against the document's DID (§3.2.2)."""
    if reference.startswith("#"):
        return base_did + reference
    return reference
