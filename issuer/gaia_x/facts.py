"""The company facts a Gaia-X participant credential states, taken from an eligibility decision.

The ``gaia_x_participant`` decision (``issuer.eligibility``) carries the legal unit, the
user's establishment and the head office. In French law the *siège social* is both the
legal address and the headquarters, so both Gaia-X addresses are the head office's (the
user's own establishment only stands in when it is the head office). The VAT number is
derived from the SIREN (reference gaia-x.md §1.2 b); the ISO 3166-2 subdivision and the
NUTS2 region from the commune code, else the postal code.
"""

from __future__ import annotations

from dataclasses import dataclass

from issuer.company.geography import UnknownLocation, subdivision_for_address
from issuer.company.identifiers import vat_number
from issuer.company.models import Establishment
from issuer.eligibility import Decision
from issuer.gaia_x.errors import MissingFacts, NotEligible
from issuer.gaia_x.nuts import nuts2_for_address


@dataclass(frozen=True, slots=True)
class PostalFacts:
    """One address as Gaia-X states it."""

    country_code: str
    subdivision_code: str
    street: str | None = None
    postal_code: str | None = None
    locality: str | None = None
    nuts2: str | None = None


@dataclass(frozen=True, slots=True)
class ParticipantFacts:
    """What the participant credentials say about one legal unit."""

    siren: str
    legal_name: str
    vat_id: str
    legal_address: PostalFacts
    headquarters_address: PostalFacts


def postal_facts(establishment: Establishment) -> PostalFacts:
    """The Gaia-X view of an establishment's address; refuses an address with no subdivision."""
    address = establishment.address
    try:
        subdivision = subdivision_for_address(address.postal_code, address.commune_code)
    except UnknownLocation as exc:
        raise MissingFacts(f"no ISO 3166-2 subdivision for the head office: {exc}") from None
    return PostalFacts(
        country_code=address.country or "FR",
        subdivision_code=subdivision,
        street=address.street,
        postal_code=address.postal_code,
        locality=address.city,
        nuts2=nuts2_for_address(address.postal_code, address.commune_code),
    )


def participant_facts(decision: Decision) -> ParticipantFacts:
    """The facts of an eligible ``gaia_x_participant`` decision."""
    if decision.kind != "gaia_x_participant" or not decision.eligible:
        reason = decision.reason.code if decision.reason else "not a gaia_x_participant decision"
        raise NotEligible(f"no Gaia-X participant credential: {reason}")
    unit = decision.legal_unit
    if unit is None:
        raise MissingFacts("the decision has no legal unit")
    head_office = decision.head_office
    if head_office is None and decision.establishment and decision.establishment.head_office:
        head_office = decision.establishment
    if head_office is None:
        raise MissingFacts("the decision has no head office establishment")
    address = postal_facts(head_office)
    if decision.subdivision_code and decision.subdivision_code != address.subdivision_code:
        raise MissingFacts(
            f"subdivision {decision.subdivision_code} of the decision differs from the "
            f"head office's {address.subdivision_code}"
        )
    return ParticipantFacts(
        siren=unit.siren,
        legal_name=unit.legal_name,
        vat_id=unit.vat_number or vat_number(unit.siren),
        legal_address=address,
        headquarters_address=address,
    )
