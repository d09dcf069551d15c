"""Register facts and ProConnect identities from which each kind's claims are built."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from issuer.catalogue import (
    company_registration_claims,
    executive_certification_claims,
    legal_representative_claims,
    public_agent_claims,
)
from issuer.company.models import (
    Address,
    BirthDate,
    DataFreshness,
    Establishment,
    LegalForm,
    LegalUnit,
    Mandate,
    PersonName,
)
from issuer.eligibility import Decision
from issuer.minting.gaia_x import gaia_x_participant_claims

FRESH = DataFreshness(source="offline", fetched_at=datetime(2026, 3, 1, tzinfo=UTC))
SIREN = "552081317"
SIRET = "55208131766522"


def legal_unit(siren: str = SIREN, name: str = "ÉLECTRICITÉ DE FRANCE") -> LegalUnit:
    return LegalUnit(
        siren=siren,
        legal_name=name,
        legal_form=LegalForm("5599", "SA à conseil d'administration (s.a.i.)"),
        category="company",
        naf="35.11Z",
        creation_date=date(1955, 1, 1),
        status="active",
        cessation_date=None,
        diffusion="public",
        vat_number="FR03552081317",
        head_office_siret=SIRET,
        freshness=FRESH,
    )


def establishment(siret: str = SIRET) -> Establishment:
    return Establishment(
        siret=siret,
        siren=siret[:9],
        address=Address("22-30 AVENUE DE WAGRAM", "75008", "PARIS", "75108"),
        head_office=True,
        status="active",
        closing_date=None,
        naf="35.11Z",
        freshness=FRESH,
    )


def mandate() -> Mandate:
    return Mandate(
        siren=SIREN,
        person_type="natural_person",
        role_code="5132",
        role_label="Président-directeur général",
        active=True,
        since=date(2022, 11, 23),
        name=PersonName("RÉMONT", None, ("Luc", "Marie")),
        birth_date=BirthDate(1969, 9),
    )


@dataclass(frozen=True)
class Identity:
    sub: str = "proconnect-sub-4f2a"
    given_name: str = "Luc"
    usual_name: str = "Rémont"
    organizational_unit: str | None = "Direction du numérique"
    belonging_population: str | None = "agent_public_titulaire"


def claims_for(kind: str) -> dict[str, Any]:
    if kind == "company_registration":
        return company_registration_claims(legal_unit(), establishment())
    if kind == "legal_representative":
        return legal_representative_claims(legal_unit(), mandate())
    if kind == "executive_certification":
        return executive_certification_claims(
            Identity(),
            legal_unit(),
            method="proconnect_certification_dirigeant",
            acr="https://proconnect.gouv.fr/assurance/certification-dirigeant",
        )
    if kind == "gaia_x_participant":
        head_office = establishment()
        decision = Decision(
            kind="gaia_x_participant",
            eligible=True,
            legal_unit=legal_unit(),
            establishment=head_office,
            head_office=head_office,
        )
        return gaia_x_participant_claims(decision)
    admin = legal_unit("110044013", "DIRECTION INTERMINISTERIELLE DU NUMERIQUE")
    return public_agent_claims(Identity(), admin, establishment("11004401300040"))
