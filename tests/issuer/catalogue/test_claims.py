"""Claims built from register facts and the ProConnect identity."""

from __future__ import annotations

import dataclasses

import pytest

from issuer.catalogue import (
    ClaimsError,
    company_registration_claims,
    legal_representative_claims,
    load_catalogue,
    public_agent_claims,
)
from issuer.catalogue.claims import check_claims
from issuer.company.identifiers import is_valid_vat_number
from tests.issuer.minting.samples import Identity, claims_for, establishment, legal_unit, mandate

CATALOGUE = load_catalogue("https://issuer.example")


@pytest.mark.parametrize("kind", sorted(CATALOGUE.kinds))
def test_claims_fit_their_kind(kind: str) -> None:
    check_claims(CATALOGUE.kinds[kind], claims_for(kind))


def test_company_registration_vat_from_siren_and_structured_address() -> None:
    claims = company_registration_claims(legal_unit(), establishment())
    assert claims["vat_number"] == "FR03552081317"
    assert is_valid_vat_number(claims["vat_number"])
    assert claims["address"] == {
        "street_address": "22-30 AVENUE DE WAGRAM",
        "postal_code": "75008",
        "locality": "PARIS",
        "commune_code": "75108",
        "country_code": "FR",
    }
    assert claims["creation_date"] == "1955-01-01"


def test_absent_facts_are_left_out() -> None:
    unit = dataclasses.replace(legal_unit(), creation_date=None, naf=None)
    place = dataclasses.replace(establishment(), naf=None)
    claims = company_registration_claims(unit, place)
    assert "creation_date" not in claims
    assert "naf" not in claims
    check_claims(CATALOGUE.kinds["company_registration"], claims)


def test_legal_representative_from_the_mandate() -> None:
    claims = legal_representative_claims(legal_unit(), mandate())
    assert claims["given_name"] == "Luc Marie"
    assert claims["family_name"] == "RÉMONT"
    assert claims["birth_date"] == "1969-09"
    assert claims["role_code"] == "5132"
    assert claims["since"] == "2022-11-23"


def test_public_agent_from_the_identity() -> None:
    claims = claims_for("public_agent")
    assert claims["organizational_unit"] == Identity().organizational_unit
    assert claims["administration_siret"] == "11004401300040"


@pytest.mark.parametrize(
    "build",
    [
        lambda: company_registration_claims(legal_unit(), establishment("11004401300040")),
        lambda: legal_representative_claims(legal_unit("110044013"), mandate()),
        lambda: legal_representative_claims(
            legal_unit(), dataclasses.replace(mandate(), active=False)
        ),
        lambda: legal_representative_claims(
            legal_unit(), dataclasses.replace(mandate(), name=None)
        ),
        lambda: public_agent_claims(Identity(), legal_unit(), establishment("11004401300040")),
    ],
    ids=[
        "establishment-of-another-unit",
        "mandate-of-another-unit",
        "mandate-ended",
        "mandate-without-person",
        "agent-establishment-of-another-administration",
    ],
)
def test_inconsistent_facts_are_refused(build: object) -> None:
    with pytest.raises(ClaimsError):
        build()  # type: ignore[operator]
