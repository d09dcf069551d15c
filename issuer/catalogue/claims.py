"""Claims of each kind, built from the facts the eligibility checks established.

The facts are the register records (:mod:`issuer.company.models`: the legal unit, the
establishment, the matched mandate) and the ProConnect identity (any object with the
userinfo attributes of :class:`IdentityFacts`). Each function returns the claim dict the
minter signs, with absent facts left out, never invented. The VAT number is computed from
the SIREN by :func:`issuer.company.identifiers.vat_number`; the address is structured.

:func:`check_claims` enforces a kind's shape at minting: every mandatory claim present, no
claim the kind does not define, strings where strings are expected.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Protocol

from issuer.catalogue.models import KindSpec
from issuer.company.executive import CertificationMethod as CertificationMethod
from issuer.company.identifiers import vat_number
from issuer.company.models import Establishment, LegalUnit, Mandate

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class ClaimsError(ValueError):
    """The claims do not fit the kind (missing mandatory claim, unknown claim, bad value)."""

    code = "invalid_claims"


class IdentityFacts(Protocol):
    """What the claims need from a ProConnect identity (OIDC userinfo, ProConnect v2)."""

    @property
    def sub(self) -> str: ...

    @property
    def given_name(self) -> str: ...

    @property
    def usual_name(self) -> str: ...

    @property
    def organizational_unit(self) -> str | None: ...

    @property
    def belonging_population(self) -> str | None: ...


def _drop_none(values: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in values.items() if v is not None and v != {}}


def _address(establishment: Establishment) -> dict[str, str]:
    address = establishment.address
    return _drop_none(
        {
            "street_address": address.street,
            "postal_code": address.postal_code,
            "locality": address.city,
            "commune_code": address.commune_code,
            "country_code": address.country,
        }
    )


def company_registration_claims(
    legal_unit: LegalUnit, establishment: Establishment
) -> dict[str, Any]:
    """The company as the registers record it; the establishment is the ProConnect SIRET's."""
    if establishment.siren != legal_unit.siren:
        raise ClaimsError("the establishment does not belong to the legal unit")
    return _drop_none(
        {
            "siren": legal_unit.siren,
            "siret": establishment.siret,
            "legal_name": legal_unit.legal_name,
            "legal_form": legal_unit.legal_form.code,
            "legal_form_label": legal_unit.legal_form.label,
            "naf": legal_unit.naf or establishment.naf,
            "address": _address(establishment),
            "vat_number": vat_number(legal_unit.siren),
            "administrative_status": legal_unit.status,
            "creation_date": (
                legal_unit.creation_date.isoformat() if legal_unit.creation_date else None
            ),
        }
    )


def legal_representative_claims(legal_unit: LegalUnit, mandate: Mandate) -> dict[str, Any]:
    """The person as the mandate record names them (matched to the ProConnect identity)."""
    if mandate.siren != legal_unit.siren or mandate.name is None:
        raise ClaimsError("the mandate must be a named person's mandate in this legal unit")
    if not mandate.active:
        raise ClaimsError("the mandate has ended")
    name = mandate.name
    return _drop_none(
        {
            "given_name": " ".join(name.given_names) or None,
            "family_name": name.usage_name or name.birth_name,
            "birth_date": mandate.birth_date.isoformat() if mandate.birth_date else None,
            "siren": legal_unit.siren,
            "legal_name": legal_unit.legal_name,
            "role_code": mandate.role_code,
            "role_label": mandate.role_label or mandate.role_code,
            "since": mandate.since.isoformat() if mandate.since else None,
        }
    )


def executive_certification_claims(
    identity: IdentityFacts,
    legal_unit: LegalUnit,
    *,
    method: CertificationMethod,
    acr: str,
) -> dict[str, Any]:
    """A ProConnect-certified executive: ``acr`` is the id_token's (the assurance)."""
    return _drop_none(
        {
            "given_name": identity.given_name,
            "family_name": identity.usual_name,
            "siren": legal_unit.siren,
            "legal_name": legal_unit.legal_name,
            "certification_method": method,
            "assurance_level": acr,
        }
    )


def public_agent_claims(
    identity: IdentityFacts, administration: LegalUnit, establishment: Establishment
) -> dict[str, Any]:
    """A public agent of the administration whose establishment ProConnect returned."""
    if establishment.siren != administration.siren:
        raise ClaimsError("the establishment does not belong to the administration")
    return _drop_none(
        {
            "given_name": identity.given_name,
            "family_name": identity.usual_name,
            "administration_siret": establishment.siret,
            "administration_name": administration.legal_name,
            "organizational_unit": identity.organizational_unit,
            "belonging_population": identity.belonging_population,
        }
    )


def check_claims(kind: KindSpec, claims: Mapping[str, Any]) -> None:
    """Refuse claims that do not fit ``kind`` (raises :class:`ClaimsError`)."""
    specs = {claim.path: claim for claim in kind.claims}
    for claim in kind.claims:
        if claim.mandatory and _lookup(claims, claim.path) is None:
            raise ClaimsError(f"mandatory claim {'.'.join(claim.path)} is missing")
    for name, value in claims.items():
        _check_value(specs, (name,), value)


def _lookup(claims: Mapping[str, Any], path: tuple[str, ...]) -> Any:
    value: Any = claims
    for part in path:
        if not isinstance(value, Mapping):
            return None
        value = value.get(part)
    return value


def _check_value(specs: Mapping[tuple[str, ...], Any], path: tuple[str, ...], value: Any) -> None:
    spec = specs.get(path)
    shown = ".".join(path)
    if spec is None:
        raise ClaimsError(f"claim {shown} is not defined by the kind")
    if spec.value_type == "object":
        if not isinstance(value, Mapping) or not value:
            raise ClaimsError(f"claim {shown} must be a non-empty object")
        for name, inner in value.items():
            _check_value(specs, (*path, name), inner)
        return
    if not isinstance(value, str) or not value.strip():
        raise ClaimsError(f"claim {shown} must be a non-empty string")
    if spec.value_type == "date" and not _ISO_DATE.match(value):
        raise ClaimsError(f"claim {shown} must be an ISO 8601 date (YYYY-MM-DD)")
