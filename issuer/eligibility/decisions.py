"""Eligibility outcomes: eligible with the justifying facts, or refused with a reason.

Reason codes are stable; each carries a sentence a person understands, in French and in
English.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from issuer.company.executive import CertificationMethod
from issuer.company.matching import MatchRecord
from issuer.company.models import DataFreshness, Establishment, LegalUnit

CredentialKind = Literal[
    "company_registration",
    "legal_representative",
    "executive_certification",
    "public_agent",
    "gaia_x_participant",
]
CREDENTIAL_KINDS: tuple[CredentialKind, ...] = (
    "company_registration",
    "legal_representative",
    "executive_certification",
    "public_agent",
    "gaia_x_participant",
)

ReasonCode = Literal[
    "invalid_siret",
    "siren_mismatch",
    "organisation_not_found",
    "source_unavailable",
    "malformed_source_data",
    "stale_data",
    "organisation_ceased",
    "establishment_closed",
    "organisation_not_diffusible",
    "no_active_mandate",
    "represented_by_legal_person",
    "close_match",
    "mandate_unconfirmed",
    "certification_not_presented",
    "certification_not_confirmed",
    "not_public_agent",
    "no_subdivision_code",
]


@dataclass(frozen=True, slots=True)
class Reason:
    """Why a credential is refused."""

    code: ReasonCode
    message_fr: str
    message_en: str


@dataclass(frozen=True, slots=True)
class Decision:
    """The verdict for one credential kind, with the facts behind it."""

    kind: CredentialKind
    eligible: bool
    reason: Reason | None = None
    legal_unit: LegalUnit | None = None
    establishment: Establishment | None = None
    head_office: Establishment | None = None
    match: MatchRecord | None = None
    certification_method: CertificationMethod | None = None
    subdivision_code: str | None = None
    roles: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class EligibilityReport:
    """One decision per credential kind, and the data sources consulted."""

    decisions: dict[CredentialKind, Decision]
    sources: tuple[DataFreshness, ...] = field(default=())

    def __getitem__(self, kind: CredentialKind) -> Decision:
        return self.decisions[kind]

    @property
    def eligible_kinds(self) -> tuple[CredentialKind, ...]:
        return tuple(k for k in CREDENTIAL_KINDS if self.decisions[k].eligible)
