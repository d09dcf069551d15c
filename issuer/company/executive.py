"""Executive certification ("certification dirigeant"): ProConnect's claim, cross-checked.

ProConnect signals a certified executive with the id_token ``acr``
``https://proconnect.gouv.fr/assurance/certification-dirigeant`` (reference §1.6), and may
instead put ``dirigeant`` in ``roles`` (§1.5, the announced replacement). Either claim is
only accepted when the register confirms it: an active natural-person legal-representative
pouvoir of the same SIREN must match the person exactly (:mod:`issuer.company.matching`).

The method names are the vocabulary of issued credentials: they are the
``certification_method`` claim of the executive-certification kind
(:func:`issuer.catalogue.claims.executive_certification_claims`), used here unchanged.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from issuer.company.matching import MatchRecord, PersonToMatch, best_match
from issuer.company.models import Mandates
from issuer.company.roles import RolePolicy

CERTIFICATION_DIRIGEANT_ACR = "https://proconnect.gouv.fr/assurance/certification-dirigeant"
DIRIGEANT_ROLE = "dirigeant"

CertificationMethod = Literal["proconnect_certification_dirigeant", "roles_dirigeant"]


def certification_claim(acr: str | None, roles: Sequence[str]) -> CertificationMethod | None:
    """How ProConnect claimed the certification, if it did (``acr`` wins over ``roles``)."""
    if acr == CERTIFICATION_DIRIGEANT_ACR:
        return "proconnect_certification_dirigeant"
    if DIRIGEANT_ROLE in roles:
        return "roles_dirigeant"
    return None


@dataclass(frozen=True, slots=True)
class ExecutiveCheck:
    """The claim, and the register's answer to it."""

    method: CertificationMethod | None
    match: MatchRecord | None

    @property
    def certified(self) -> bool:
        return self.method is not None and self.match is not None and self.match.is_match


def check_executive(
    person: PersonToMatch,
    acr: str | None,
    roles: Sequence[str],
    mandates: Mandates,
    policy: RolePolicy | None = None,
) -> ExecutiveCheck:
    """Cross-check ProConnect's certification claim against the SIREN's pouvoirs."""
    method = certification_claim(acr, roles)
    if method is None:
        return ExecutiveCheck(method=None, match=None)
    return ExecutiveCheck(method=method, match=best_match(person, mandates, policy))
