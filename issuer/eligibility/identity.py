"""The authenticated identity eligibility works from (ProConnect claims, reference §1.5)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from issuer.company.matching import PersonToMatch
from issuer.company.models import Gender


@dataclass(frozen=True, slots=True)
class AuthenticatedIdentity:
    """A ProConnect login: userinfo claims plus the id_token ``acr``.

    ``birthdate``, ``gender`` and ``birthplace`` (INSEE commune code) are not ProConnect
    claims; they are present only when the person went through a FranceConnect step (the
    certification-dirigeant flow) and let matching check more than names.
    """

    given_name: str
    usual_name: str
    email: str
    uid: str
    siret: str
    siren: str | None = None
    organizational_unit: str | None = None
    belonging_population: str | None = None
    phone: str | None = None
    idp_id: str | None = None
    idp_acr: str | None = None
    acr: str | None = None
    roles: tuple[str, ...] = ()
    birthdate: date | None = None
    gender: Gender | None = None
    birthplace: str | None = None
    sub: str | None = None

    @classmethod
    def from_claims(
        cls, claims: Mapping[str, Any], *, acr: str | None, birthdate: date | None = None
    ) -> AuthenticatedIdentity:
        """Build from userinfo claims (``phone_number`` is ProConnect's name for ``phone``)."""
        roles = claims.get("roles") or ()
        return cls(
            given_name=str(claims.get("given_name", "")),
            usual_name=str(claims.get("usual_name", "")),
            email=str(claims.get("email", "")),
            uid=str(claims.get("uid", "")),
            siret=str(claims.get("siret", "")),
            siren=claims.get("siren"),
            organizational_unit=claims.get("organizational_unit"),
            belonging_population=claims.get("belonging_population"),
            phone=claims.get("phone_number", claims.get("phone")),
            idp_id=claims.get("idp_id"),
            idp_acr=claims.get("idp_acr"),
            acr=acr,
            roles=tuple(str(r) for r in roles),
            birthdate=birthdate,
            sub=claims.get("sub"),
        )

    def person(self) -> PersonToMatch:
        return PersonToMatch(
            family_name=self.usual_name,
            given_names=self.given_name,
            birth_date=self.birthdate,
            gender=self.gender,
            birthplace=self.birthplace,
        )
