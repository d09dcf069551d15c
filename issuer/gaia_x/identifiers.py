"""Identifiers of one participant's Gaia-X credentials, under the deployment's base URL.

Every referenced node is ``<credential id>#cs`` (the Gaia-X tooling convention, reference
gaia-x.md §3.2), so references such as ``gx:registrationNumber`` or
``gx:legalRegistrationNumber`` name the subject of the credential that describes it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class CredentialIds:
    """Credential ``id`` URLs for one SIREN."""

    base: str

    @classmethod
    def for_participant(cls, base_url: str, siren: str) -> CredentialIds:
        return cls(f"{base_url.rstrip('/')}/issuer/gaia-x/participants/{siren}")

    @staticmethod
    def subject(credential_id: str) -> str:
        return f"{credential_id}#cs"

    @property
    def legal_person(self) -> str:
        return f"{self.base}/legal-person"

    @property
    def registration_number(self) -> str:
        return f"{self.base}/vat-id"

    @property
    def issuer_terms(self) -> str:
        return f"{self.base}/issuer"

    @property
    def legal_participant(self) -> str:
        return f"{self.base}/legal-participant.json"

    @property
    def legal_registration_number(self) -> str:
        return f"{self.base}/legal-registration-number.json"

    @property
    def terms_and_conditions(self) -> str:
        return f"{self.base}/terms-and-conditions.json"
