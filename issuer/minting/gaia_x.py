"""Gaia-X participant credentials through the catalogue: claims in, Gaia-X builders out.

The ``gaia_x_participant`` kind's claims (SIREN, legal name, VAT number, head office
address) are what an offer stores, like any kind's; at minting, :func:`facts_from_claims`
turns them back into :class:`~issuer.gaia_x.ParticipantFacts` (ISO 3166-2 subdivision and
NUTS2 region recomputed from the commune code) and :func:`build_participant` calls the
builder the configuration names (reference gaia-x.md §1.2, §3):

- ``gaia_x_loire``: the ``gx:LegalPerson`` VC-JWT (PS256) of the Loire bundle;
- ``gaia_x_tagus``: the ``gx:LegalParticipant`` JSON-LD credential with its
  JsonWebSignature2020 proof.

Its companions (``gx:VatID`` / ``gx:legalRegistrationNumber``, the issuer's terms and
conditions) are delivered with the whole presentation by the portal and the CLI; one
OpenID4VCI credential request yields one credential per key proof.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from credentials.jsonld import ContextRegistry
from credentials.keys import Signer
from issuer.catalogue import ClaimsError
from issuer.catalogue.models import Builder
from issuer.company.geography import UnknownLocation, subdivision_for_address
from issuer.eligibility import Decision
from issuer.gaia_x import (
    GaiaXError,
    GaiaXIssuerConfig,
    ParticipantFacts,
    PostalFacts,
    build_loire_bundle,
    build_tagus_bundle,
    nuts2_for_address,
    participant_facts,
)


def gaia_x_participant_claims(decision: Decision) -> dict[str, Any]:
    """The ``gaia_x_participant`` claims of an eligible decision: the head office's.

    Raises :class:`~issuer.gaia_x.GaiaXError` (``not_eligible``, ``missing_facts``).
    """
    facts = participant_facts(decision)
    head_office = decision.head_office or decision.establishment
    assert head_office is not None  # participant_facts found one
    address = head_office.address
    postal = {
        "street_address": address.street,
        "postal_code": address.postal_code,
        "locality": address.city,
        "commune_code": address.commune_code,
        "country_code": address.country or "FR",
    }
    return {
        "siren": facts.siren,
        "legal_name": facts.legal_name,
        "vat_number": facts.vat_id,
        "address": {k: v for k, v in postal.items() if v},
    }


def _text(value: object, name: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ClaimsError(f"claim {name} must be a non-empty string")
    return value


def facts_from_claims(claims: Mapping[str, Any]) -> ParticipantFacts:
    """The participant facts stated by ``claims``; :class:`ClaimsError` when incomplete."""
    address = claims.get("address")
    if not isinstance(address, Mapping):
        raise ClaimsError("claim address must be an object")
    postal_code, commune_code = address.get("postal_code"), address.get("commune_code")
    try:
        subdivision = subdivision_for_address(postal_code, commune_code)
    except UnknownLocation as exc:
        raise ClaimsError(f"no ISO 3166-2 subdivision for the head office: {exc}") from None
    postal = PostalFacts(
        country_code=str(address.get("country_code") or "FR"),
        subdivision_code=subdivision,
        street=address.get("street_address"),
        postal_code=postal_code,
        locality=address.get("locality"),
        nuts2=nuts2_for_address(postal_code, commune_code),
    )
    return ParticipantFacts(
        siren=_text(claims.get("siren"), "siren"),
        legal_name=_text(claims.get("legal_name"), "legal_name"),
        vat_id=_text(claims.get("vat_number"), "vat_number"),
        legal_address=postal,
        headquarters_address=postal,
    )


@dataclass(frozen=True, slots=True)
class GaiaXMinting:
    """What the builders need beyond the claims: who signs, where ids live, the contexts."""

    base_url: str
    issuer_did: str
    registry: ContextRegistry


def build_participant(
    builder: Builder,
    claims: Mapping[str, Any],
    *,
    signer: Signer,
    setup: GaiaXMinting,
    now: datetime,
    valid_until: datetime,
) -> str | dict[str, Any]:
    """The participant credential ``builder`` issues for ``claims``, signed by ``signer``."""
    facts = facts_from_claims(claims)
    config = GaiaXIssuerConfig(
        base_url=setup.base_url, issuer_did=setup.issuer_did, validity=valid_until - now
    )
    try:
        if builder == "gaia_x_loire":
            loire = build_loire_bundle(facts, signer=signer, config=config, now=now)
            return loire.vc_jwts[0]
        tagus = build_tagus_bundle(
            facts, signer=signer, config=config, registry=setup.registry, now=now
        )
        return tagus.credentials.legal_participant
    except GaiaXError as exc:
        raise ClaimsError(f"Gaia-X participant credential: {exc.detail}") from None
