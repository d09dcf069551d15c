"""Loire participant credentials: ``gx:LegalPerson``, ``gx:VatID``, ``gx:Issuer`` as VC-JWTs.

Gaia-X ICAM 24.07 / 25.11 credential format (reference gaia-x.md §3): VCDM 2.0 credentials
with the context ``https://w3id.org/gaia-x/development#``, each secured as a ``vc+jwt``
(VC-JOSE-COSE §3.1.1) and bundled in a ``vp+jwt`` of ``EnvelopedVerifiableCredential``
entries (§3.1.2), which is what a GXDCH compliance service accepts at
``POST /v2/api/credential-offers/standard-compliance`` (§5).

Shape facts (gx.shacl.ttl 25.11): ``gx:LegalPersonShape`` is closed (only
``gx:registrationNumber``, ``gx:legalAddress``, ``gx:headquartersAddress``, the
organisation links, ``schema:name`` and ``schema:description``), so SIRET or representative
facts never go on it; ``gx:AddressShape`` (closed) requires ``gx:countryCode`` and allows
``vcard:street-address``, ``vcard:postal-code``, ``vcard:locality`` and a NUTS2
``vcard:region``; ``gx:VatIDShape`` requires ``gx:vatID``; ``gx:IssuerShape`` pins
``gx:gaiaxTermsAndConditions`` to the published hashes. Referenced nodes are ``<vc id>#cs``
so that the merged graph joins (``gx:registrationNumber`` → the VatID subject).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from credentials.keys import Signer
from credentials.vc_jose import build_presentation, sign_vc_jwt, sign_vp_jwt
from credentials.vcdm import CREDENTIALS_V2_CONTEXT
from issuer.gaia_x.facts import ParticipantFacts, PostalFacts
from issuer.gaia_x.identifiers import CredentialIds
from issuer.gaia_x.vocabulary import LOIRE_CONTEXT, LOIRE_TERMS_AND_CONDITIONS_SHA256, SCHEMA_ORG

LOIRE_CONTEXTS: Final[tuple[str | dict[str, str], ...]] = (
    CREDENTIALS_V2_CONTEXT,
    LOIRE_CONTEXT,
    {"schema": SCHEMA_ORG},
)


def _instant(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def loire_address(address: PostalFacts) -> dict[str, Any]:
    """A ``gx:Address`` node: country code, then the optional vCard parts that are known."""
    node: dict[str, Any] = {"type": "gx:Address", "gx:countryCode": address.country_code}
    for term, value in (
        ("vcard:street-address", address.street),
        ("vcard:postal-code", address.postal_code),
        ("vcard:locality", address.locality),
        ("vcard:region", address.nuts2),
    ):
        if value:
            node[term] = value
    return node


@dataclass(frozen=True, slots=True)
class LoireCredentials:
    """The three unsecured Loire credentials of one participant."""

    legal_person: dict[str, Any]
    registration_number: dict[str, Any]
    issuer_terms: dict[str, Any]

    def all(self) -> tuple[dict[str, Any], ...]:
        return (self.legal_person, self.registration_number, self.issuer_terms)


def _credential(
    kind: str, vc_id: str, issuer: str, valid_from: datetime, valid_until: datetime | None
) -> dict[str, Any]:
    credential: dict[str, Any] = {
        "@context": list(LOIRE_CONTEXTS),
        "type": ["VerifiableCredential", kind],
        "id": vc_id,
        "issuer": issuer,
        "validFrom": _instant(valid_from),
    }
    if valid_until is not None:
        credential["validUntil"] = _instant(valid_until)
    return credential


def loire_credentials(
    facts: ParticipantFacts,
    *,
    ids: CredentialIds,
    issuer: str,
    valid_from: datetime,
    valid_until: datetime | None = None,
    terms_and_conditions: str = LOIRE_TERMS_AND_CONDITIONS_SHA256,
) -> LoireCredentials:
    """Build the unsecured ``gx:LegalPerson``, ``gx:VatID`` and ``gx:Issuer`` credentials."""
    vat = _credential("gx:VatID", ids.registration_number, issuer, valid_from, valid_until)
    vat["credentialSubject"] = {
        "id": ids.subject(ids.registration_number),
        "type": "gx:VatID",
        "gx:vatID": facts.vat_id,
        "gx:countryCode": "FR",
    }
    person = _credential("gx:LegalPerson", ids.legal_person, issuer, valid_from, valid_until)
    person["credentialSubject"] = {
        "id": ids.subject(ids.legal_person),
        "type": "gx:LegalPerson",
        "schema:name": facts.legal_name,
        "gx:registrationNumber": {"id": vat["credentialSubject"]["id"]},
        "gx:legalAddress": loire_address(facts.legal_address),
        "gx:headquartersAddress": loire_address(facts.headquarters_address),
    }
    terms = _credential("gx:Issuer", ids.issuer_terms, issuer, valid_from, valid_until)
    terms["credentialSubject"] = {
        "id": ids.subject(ids.issuer_terms),
        "type": "gx:Issuer",
        "gx:gaiaxTermsAndConditions": terms_and_conditions,
    }
    return LoireCredentials(person, vat, terms)


def sign_loire_credentials(
    credentials: LoireCredentials,
    signer: Signer,
    *,
    issued_at: int,
    expires_at: int | None = None,
) -> list[str]:
    """Each credential as a compact ``vc+jwt`` signed by the issuer's (RSA, PS256) key."""
    return [
        sign_vc_jwt(credential, signer, issued_at=issued_at, expires_at=expires_at)
        for credential in credentials.all()
    ]


def loire_presentation(
    vc_jwts: Sequence[str],
    signer: Signer,
    *,
    holder: str,
    issued_at: int,
    expires_at: int | None = None,
    audience: str | None = None,
) -> str:
    """The ``vp+jwt`` enveloping ``vc_jwts``, signed by ``holder`` — the compliance input."""
    presentation = build_presentation(list(vc_jwts), holder=holder)
    return sign_vp_jwt(
        presentation, signer, issued_at=issued_at, expires_at=expires_at, audience=audience
    )
