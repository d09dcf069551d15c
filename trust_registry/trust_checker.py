"""What the verifier asks the trust registry, whether local or from a signed list.

The verifier's trust step calls :meth:`TrustChecker.is_authorized` once per credential.
The rule both implementations apply: the issuer was authorised to issue the type at the
time of issuance (:mod:`trust_registry.history`) AND the issuer is not cancelled now.
Suspension is not retroactive (credentials issued before it stay acceptable);
cancellation is (the registrar's kill switch, ARF annex 2 Reg_20a/22a).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol, runtime_checkable


@dataclass(frozen=True, slots=True)
class TrustDecision:
    """The verdict, a sentence saying why, and the registry entry it rests on.

    ``entry`` is the entity as recorded at the time of issuance (JSON-able), or None when
    the issuer is unknown.
    """

    authorized: bool
    reason: str
    entry: dict[str, Any] | None = field(default=None)


@runtime_checkable
class TrustChecker(Protocol):
    """Answers "may this issuer have issued this credential type at that time?"."""

    def is_authorized(
        self, issuer_id: str, credential_type: str, issued_at: datetime, now: datetime
    ) -> TrustDecision: ...
