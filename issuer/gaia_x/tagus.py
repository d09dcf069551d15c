"""Tagus (Trust Framework 22.10) participant credentials, signed with JsonWebSignature2020.

Reference gaia-x.md §1.2–1.3, after the compliance service v2.1.0 fixtures: three VCDM 1.1
credentials — ``gx:legalRegistrationNumber`` (``gx:vatID``), ``gx:LegalParticipant`` and
``gx:GaiaXTermsAndConditions`` — each with a JsonWebSignature2020 proof in the Gaia-X
flavour (PS256 over the hex SHA-256 of the URDNA2015 N-Quads), bundled in an *unsigned*
VCDM 1.1 presentation.

Rules applied: every Gaia-X property is ``gx:``-prefixed (the trustframework context only
defines the prefix; unprefixed terms would silently vanish); the participant's
``gx:legalRegistrationNumber.id`` equals the registration credential's subject ``id``;
``gx:countrySubdivisionCode`` comes from the ISO 3166-2 list the compliance business rule
checks (never ``FR-75``) and must also match the shape's pattern, which ``FR-75C`` does
not: Paris is written with its region, ``FR-IDF`` (see :func:`tagus_subdivision_code`); the
terms-and-conditions text is reproduced
exactly (``sh:hasValue``).

A self-issued registration-number credential passes only non-production compliance
instances; production ones require it from a GXDCH notary (§1.2 b).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from credentials import jws2020
from credentials.data_integrity import AssertionMethodPurpose
from credentials.jsonld import ContextRegistry
from credentials.keys import Signer
from credentials.vcdm import CREDENTIALS_V1_CONTEXT
from issuer.gaia_x.facts import ParticipantFacts, PostalFacts
from issuer.gaia_x.identifiers import CredentialIds
from issuer.gaia_x.vocabulary import TAGUS_CONTEXT, TAGUS_TERMS_AND_CONDITIONS

JWS_2020_CONTEXT: Final = "https://w3id.org/security/suites/jws-2020/v1"
TAGUS_CONTEXTS: Final = (CREDENTIALS_V1_CONTEXT, JWS_2020_CONTEXT, TAGUS_CONTEXT)


def _instant(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


#: ``gx:PostalAddressShape`` ``sh:pattern`` (flag ``i``) of ``gx:countrySubdivisionCode``.
SUBDIVISION_PATTERN: Final = re.compile(r"^[a-zA-Z]{2}-(?:[a-zA-Z]{1,3}|[0-9]{1,3})$", re.I)
#: Département codes the pattern refuses, and the region code used instead (both in the
#: compliance service's ISO 3166-2 list). ``FR-75C`` (Paris) mixes digits and a letter.
#: Corsica has no way out: ``FR-2A``, ``FR-2B`` and the region ``FR-20R`` all mix them, so
#: its codes are kept (list-valid, refused by the 22.10 pattern; Loire is unaffected).
PATTERN_FALLBACK: Final = {"FR-75C": "FR-IDF"}


def tagus_subdivision_code(code: str) -> str:
    """A code both the 22.10 shape pattern and the compliance ISO 3166-2 rule accept.

    The business rule refuses ``FR-75`` (not an ISO 3166-2 code) and the shape's pattern
    refuses ``FR-75C``; the region code ``FR-IDF`` satisfies both, so Paris gets it. Every
    other French code is kept as is (see :data:`PATTERN_FALLBACK` for Corsica).
    """
    if SUBDIVISION_PATTERN.fullmatch(code):
        return code
    return PATTERN_FALLBACK.get(code, code)


def tagus_address(address: PostalFacts) -> dict[str, Any]:
    """A ``gx:PostalAddressShape`` node: only ``gx:countrySubdivisionCode`` is defined."""
    return {"gx:countrySubdivisionCode": tagus_subdivision_code(address.subdivision_code)}


@dataclass(frozen=True, slots=True)
class TagusCredentials:
    """The three Tagus credentials of one participant (unsecured or secured)."""

    registration_number: dict[str, Any]
    legal_participant: dict[str, Any]
    terms_and_conditions: dict[str, Any]

    def all(self) -> tuple[dict[str, Any], ...]:
        """In the order of the compliance fixtures: registration, participant, T&C."""
        return (self.registration_number, self.legal_participant, self.terms_and_conditions)


def _credential(
    vc_id: str, issuer: str, issued: datetime, expires: datetime | None, contexts: list[str]
) -> dict[str, Any]:
    credential: dict[str, Any] = {
        "@context": contexts,
        "type": ["VerifiableCredential"],
        "id": vc_id,
        "issuer": issuer,
        "issuanceDate": _instant(issued),
    }
    if expires is not None:
        credential["expirationDate"] = _instant(expires)
    return credential


def tagus_credentials(
    facts: ParticipantFacts,
    *,
    ids: CredentialIds,
    issuer: str,
    issued: datetime,
    expires: datetime | None = None,
    terms_and_conditions: str = TAGUS_TERMS_AND_CONDITIONS,
) -> TagusCredentials:
    """Build the unsecured registration-number, participant and T&C credentials."""
    lrn_id = ids.legal_registration_number
    lrn = _credential(lrn_id, issuer, issued, expires, [CREDENTIALS_V1_CONTEXT, JWS_2020_CONTEXT])
    lrn["credentialSubject"] = {
        "@context": TAGUS_CONTEXT,
        "type": "gx:legalRegistrationNumber",
        "id": lrn_id,
        "gx:vatID": facts.vat_id,
        "gx:vatID-countryCode": "FR",
    }
    participant = _credential(ids.legal_participant, issuer, issued, expires, list(TAGUS_CONTEXTS))
    participant["credentialSubject"] = {
        "id": ids.subject(ids.legal_participant),
        "type": "gx:LegalParticipant",
        "gx:legalName": facts.legal_name,
        "gx:legalRegistrationNumber": {"id": lrn["credentialSubject"]["id"]},
        "gx:headquarterAddress": tagus_address(facts.headquarters_address),
        "gx:legalAddress": tagus_address(facts.legal_address),
    }
    terms = _credential(ids.terms_and_conditions, issuer, issued, expires, list(TAGUS_CONTEXTS))
    terms["credentialSubject"] = {
        "@context": TAGUS_CONTEXT,
        "type": "gx:GaiaXTermsAndConditions",
        "id": ids.subject(ids.terms_and_conditions),
        "gx:termsAndConditions": terms_and_conditions,
    }
    return TagusCredentials(lrn, participant, terms)


def sign_tagus_credentials(
    credentials: TagusCredentials,
    signer: Signer,
    *,
    registry: ContextRegistry,
    created: datetime,
) -> TagusCredentials:
    """Each credential with a JsonWebSignature2020 proof, Gaia-X flavour (§2.1)."""
    signed = [
        jws2020.add_proof(
            credential,
            signer=signer,
            purpose=AssertionMethodPurpose(),
            registry=registry,
            created=created,
            flavour="gaia-x",
        )
        for credential in credentials.all()
    ]
    return TagusCredentials(*signed)


def tagus_presentation(credentials: TagusCredentials) -> dict[str, Any]:
    """The unsigned VCDM 1.1 presentation compliance v1 takes (§1.3)."""
    return {
        "@context": CREDENTIALS_V1_CONTEXT,
        "type": "VerifiablePresentation",
        "verifiableCredential": list(credentials.all()),
    }
