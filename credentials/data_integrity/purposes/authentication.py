"""``authentication`` (Controlled Identifiers v1.0 §2.3.1) with ``challenge`` and ``domain``.

VC Data Integrity 1.0 §2.1: ``domain`` "is used to restrict the proof to a specific
security domain" and ``challenge`` "is used to mitigate replay attacks"; §4.4 Verify Proof:
if the verifier passed an expected domain (challenge) and the proof's value differs, an
``INVALID_DOMAIN_ERROR`` (``INVALID_CHALLENGE_ERROR``) MUST be raised. A holder's
presentation proof carries both; a verifier always supplies the values it issued.
"""

from __future__ import annotations

from collections.abc import Mapping, MutableMapping
from datetime import datetime, timedelta
from typing import Any

from credentials.data_integrity.errors import (
    InvalidChallengeError,
    InvalidDomainError,
    ProofGenerationError,
)
from credentials.data_integrity.purposes.base import DEFAULT_CLOCK_SKEW, ProofPurpose
from credentials.data_integrity.verification_method import ResolvedMethod


def _domains(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return list(value)
    return []


class AuthenticationPurpose(ProofPurpose):
    """A holder authenticates, bound to the verifier's ``challenge`` and ``domain``."""

    term = "authentication"

    def __init__(
        self,
        *,
        challenge: str,
        domain: str | None = None,
        clock_skew: timedelta = DEFAULT_CLOCK_SKEW,
    ) -> None:
        super().__init__(clock_skew=clock_skew)
        if not challenge:
            raise ProofGenerationError("an authentication proof needs a challenge")
        self.challenge = challenge
        self.domain = domain

    def update(self, proof: MutableMapping[str, Any]) -> None:
        super().update(proof)
        proof["challenge"] = self.challenge
        if self.domain is not None:
            proof["domain"] = self.domain

    def validate(
        self, proof: Mapping[str, Any], resolved: ResolvedMethod, *, now: datetime
    ) -> None:
        super().validate(proof, resolved, now=now)
        if proof.get("challenge") != self.challenge:
            raise InvalidChallengeError("proof challenge does not match the expected challenge")
        if self.domain is not None and self.domain not in _domains(proof.get("domain")):
            raise InvalidDomainError("proof domain does not match the expected domain")
