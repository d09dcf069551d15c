"""The refusal reasons, worded for the person who reads them (French and English)."""

from __future__ import annotations

from datetime import date

from issuer.company.errors import RegistryError
from issuer.company.matching import Criterion, MatchRecord
from issuer.eligibility.decisions import Reason

_CRITERIA_FR: dict[Criterion, str] = {
    "family_name": "nom",
    "given_name": "prénom",
    "gender": "sexe",
    "birth_date": "date de naissance",
    "birthplace": "lieu de naissance",
}


def invalid_siret(siret: str) -> Reason:
    return Reason(
        "invalid_siret",
        f"Le SIRET « {siret} » transmis par ProConnect n'est pas valide",
        f"SIRET '{siret}' sent by ProConnect is not valid",
    )


def siren_mismatch(siren: str, siret: str) -> Reason:
    return Reason(
        "siren_mismatch",
        f"Le SIREN {siren} ne correspond pas au SIRET {siret}",
        f"SIREN {siren} does not match SIRET {siret}",
    )


def from_registry_error(error: RegistryError) -> Reason:
    """Map a lookup failure onto a refusal, keeping the error's own wording."""
    code = {
        "not_found": "organisation_not_found",
        "invalid_identifier": "invalid_siret",
        "stale_data": "stale_data",
        "malformed_response": "malformed_source_data",
    }.get(error.code, "source_unavailable")
    return Reason(code, error.message_fr, error.message_en)  # type: ignore[arg-type]


def stale(source: str, max_age_hours: float) -> Reason:
    return Reason(
        "stale_data",
        f"Les données de {source} datent de plus de {max_age_hours:g} heures",
        f"data from {source} older than {max_age_hours:g} hours",
    )


def ceased(on: date | None) -> Reason:
    when_fr = f" le {on.isoformat()}" if on else ""
    when_en = f" on {on.isoformat()}" if on else ""
    return Reason("organisation_ceased", f"Entreprise cessée{when_fr}", f"company ceased{when_en}")


def establishment_closed(siret: str) -> Reason:
    return Reason(
        "establishment_closed",
        f"L'établissement {siret} est fermé",
        f"establishment {siret} is closed",
    )


def not_diffusible() -> Reason:
    return Reason(
        "organisation_not_diffusible",
        "Organisation non diffusible : ses données ne peuvent pas être attestées",
        "organisation not diffusible: its data cannot be attested",
    )


def no_active_mandate(siren: str) -> Reason:
    return Reason(
        "no_active_mandate",
        f"Aucun mandat actif de représentant légal pour cette personne au SIREN {siren}",
        f"no active mandate for this person at SIREN {siren}",
    )


def represented_by_legal_person(siren: str, names: list[str]) -> Reason:
    who = ", ".join(names) or "?"
    return Reason(
        "represented_by_legal_person",
        f"Le SIREN {siren} est représenté par une personne morale ({who}), pas par vous",
        f"SIREN {siren} is represented by a legal person ({who}), not by you",
    )


def close_match(record: MatchRecord) -> Reason:
    total = len(record.outcomes)
    fr = ", ".join(_CRITERIA_FR[c] for c in record.mismatched)
    en = ", ".join(c.replace("_", " ") for c in record.mismatched)
    return Reason(
        "close_match",
        f"Votre identité correspond à un dirigeant sur {record.score} critères sur {total} "
        f"seulement (différence : {fr})",
        f"your identity matches a director on {record.score} of {total} criteria only "
        f"(differs: {en})",
    )


def mandate_unconfirmed(siren: str) -> Reason:
    """A names-only match: a namesake cannot be told apart from the representative."""
    return Reason(
        "mandate_unconfirmed",
        f"Votre nom correspond à un représentant légal du SIREN {siren}, mais cela n'a pas "
        "pu être confirmé : connectez-vous avec la « certification dirigeant » de ProConnect",
        f"your name matches a legal representative of SIREN {siren}, but it could not be "
        "confirmed: log in with ProConnect's « certification dirigeant »",
    )


def certification_not_presented() -> Reason:
    return Reason(
        "certification_not_presented",
        "ProConnect n'a pas certifié que vous êtes dirigeant (certification dirigeant)",
        "ProConnect did not certify you as an executive (certification dirigeant)",
    )


def certification_not_confirmed(siren: str) -> Reason:
    return Reason(
        "certification_not_confirmed",
        f"La certification dirigeant n'est pas confirmée par le registre pour le SIREN {siren}",
        f"executive certification not confirmed by the register for SIREN {siren}",
    )


def not_public_agent() -> Reason:
    return Reason(
        "not_public_agent",
        "ProConnect ne vous identifie pas comme agent public",
        "ProConnect does not identify you as a public agent",
    )


def no_subdivision(siret: str) -> Reason:
    return Reason(
        "no_subdivision_code",
        f"L'adresse du siège {siret} n'a pas de code de subdivision ISO 3166-2",
        f"head office {siret} address has no ISO 3166-2 subdivision code",
    )
