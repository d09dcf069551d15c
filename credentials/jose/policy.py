"""What a verifier accepts from a JWS: algorithms, ``typ``, ``crit``, sizes.

RFC 8725 §3.1 (perform algorithm verification), §3.11 (use explicit typing), RFC 7515
§4.1.11 (``crit``: "If any of the listed extension Header Parameters are not understood and
supported by the recipient, then the JWS is invalid").
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Final

#: Recommended asymmetric algorithms; RS256 and anything symmetric must be asked for.
DEFAULT_ALGORITHMS: Final = frozenset({"ES256", "ES384", "EdDSA", "PS256"})

#: Never acceptable for a credential, whatever a policy says.
FORBIDDEN_ALGORITHMS: Final = frozenset({"none", "HS256", "HS384", "HS512"})


@dataclass(frozen=True, slots=True)
class JosePolicy:
    """Limits a verifier applies before any cryptography runs."""

    algorithms: frozenset[str] = DEFAULT_ALGORITHMS
    understood_crit: frozenset[str] = field(default_factory=frozenset)
    max_token_bytes: int = 256 * 1024
    max_header_bytes: int = 16 * 1024
    max_payload_bytes: int = 192 * 1024

    def __post_init__(self) -> None:
        bad = self.algorithms & FORBIDDEN_ALGORITHMS
        if bad:
            raise ValueError(f"algorithms never allowed: {sorted(bad)}")

    def with_crit(self, names: Iterable[str]) -> JosePolicy:
        return JosePolicy(
            algorithms=self.algorithms,
            understood_crit=self.understood_crit | frozenset(names),
            max_token_bytes=self.max_token_bytes,
            max_header_bytes=self.max_header_bytes,
            max_payload_bytes=self.max_payload_bytes,
        )


def _normalise_typ(value: str) -> str:
    value = value.strip().lower()
    return value.removeprefix("application/")


def typ_matches(actual: object, expected: Iterable[str]) -> bool:
    """Compare ``typ`` values as media types: case-insensitive, ``application/`` optional.

    RFC 7515 §4.1.9: "the 'application/' prefix SHOULD be omitted"; recipients compare
    media type values case-insensitively (RFC 2045 §2).
    """
    if not isinstance(actual, str):
        return False
    got = _normalise_typ(actual)
    return any(got == _normalise_typ(candidate) for candidate in expected)
