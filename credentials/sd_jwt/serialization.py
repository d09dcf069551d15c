"""The compact serialization ``<JWT>~<D1>~...~<Dn>~[<KB-JWT>]`` (RFC 9901 §4, §4.3).

JSON serialization (RFC 9901 §8) is not implemented.
"""

from __future__ import annotations

from dataclasses import dataclass

from credentials.errors import MalformedError
from credentials.sd_jwt.constants import SEPARATOR


@dataclass(frozen=True, slots=True)
class CompactSdJwt:
    """The parts of a compact SD-JWT or SD-JWT+KB, split but not verified.

    ``hashed_part`` is the input "up to and including the last ``~``", the string
    ``sd_hash`` is computed over (RFC 9901 §4.3.1), kept as received.
    """

    issuer_jwt: str
    disclosures: tuple[str, ...]
    kb_jwt: str | None
    hashed_part: str

    def serialize(self) -> str:
        return self.hashed_part + (self.kb_jwt or "")


def split_compact(text: str, *, max_length: int, max_disclosures: int) -> CompactSdJwt:
    """Split a compact SD-JWT, refusing oversize input before any decoding."""
    if not isinstance(text, str):
        raise MalformedError("an SD-JWT must be a string")
    if len(text) > max_length:
        raise MalformedError(f"SD-JWT exceeds {max_length} characters")
    if not text.isascii():
        raise MalformedError("an SD-JWT is ASCII only")
    last = text.rfind(SEPARATOR)
    if last < 0:
        raise MalformedError("an SD-JWT ends its issuer JWT and disclosures with '~'")
    if text.count(SEPARATOR) - 1 > max_disclosures:
        raise MalformedError(f"more than {max_disclosures} disclosures")
    hashed_part = text[: last + 1]
    parts = hashed_part.split(SEPARATOR)
    issuer_jwt = parts[0]
    disclosures = tuple(parts[1:-1])
    if not issuer_jwt or any(not d for d in disclosures):
        raise MalformedError("empty component in the SD-JWT")
    kb_jwt = text[last + 1 :] or None
    return CompactSdJwt(issuer_jwt, disclosures, kb_jwt, hashed_part)


def join_compact(issuer_jwt: str, disclosures: list[str] | tuple[str, ...]) -> str:
    """``<JWT>~<D1>~...~<Dn>~`` (an SD-JWT without key binding)."""
    return SEPARATOR.join((issuer_jwt, *disclosures, ""))
