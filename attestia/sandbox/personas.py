"""Sandbox personas: the fictitious people the ProConnect emulator lets a developer log in as.

``personas.json`` (package data, schema version 1) lists each persona's ProConnect claims
(scope → claim map of the ProConnect federation, reference §1.5), the organisations
(SIRETs) it can choose among, the ``acr`` values it can reach (§1.6), and, when the persona
has gone through the certification-dirigeant FranceConnect step (§1.7), its civil identity
(birth date, gender, birthplace). Every SIRET exists in the offline company dataset
(``issuer/company/data``) so that each persona exercises one eligibility case.

Schema of one entry::

    {"id": slug, "description": {"fr", "en"},
     "claims": {"sub", "given_name", "usual_name", "email", "uid", "organizational_unit",
                "belonging_population", "phone", "idp_id", "idp_acr", "roles": [...]},
     "sirets": [{"siret", "organization_label"}, ...],
     "acr_values": [...], "civil_identity": null | {"birthdate", "gender", "birthplace",
     "birthcountry"}, "trust_registry_admin": bool}

:meth:`Persona.userinfo` renders the claims a ProConnect userinfo response would carry for
one chosen SIRET and ACR (``phone`` becomes ``phone_number``; ``siren`` is derived).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from issuer.company.identifiers import is_valid_siret

SCHEMA_VERSION = 1
CERTIFICATION_DIRIGEANT_ACR = "https://proconnect.gouv.fr/assurance/certification-dirigeant"
#: ``acr_values_supported`` of the ProConnect federation (reference §1.6).
SUPPORTED_ACR_VALUES = frozenset(
    {
        "eidas0",
        "eidas0-mfa",
        "eidas1",
        "eidas1-mfa",
        "eidas2",
        "eidas3",
        CERTIFICATION_DIRIGEANT_ACR,
    }
)
#: ``roles`` values of the federation's identity DTO (reference §1.5).
KNOWN_ROLES = frozenset(
    {
        "agent_public",
        "agent_public_etat",
        "agent_public_territorial",
        "agent_public_hospitalier",
        "agent_public_L100-3",
        "dirigeant",
    }
)

Gender = Literal["female", "male"]


class PersonaError(ValueError):
    """``personas.json`` does not follow the schema."""


@dataclass(frozen=True, slots=True)
class LocalizedText:
    """A short text in French and English."""

    fr: str
    en: str


@dataclass(frozen=True, slots=True)
class OrganisationChoice:
    """One SIRET the persona may pick at login, with the label ProConnect would show."""

    siret: str
    organization_label: str

    @property
    def siren(self) -> str:
        return self.siret[:9]


@dataclass(frozen=True, slots=True)
class CivilIdentity:
    """Identity certified via FranceConnect (certification dirigeant); not a ProConnect claim."""

    birthdate: str
    gender: Gender | None
    birthplace: str | None
    birthcountry: str | None


@dataclass(frozen=True, slots=True)
class PersonaClaims:
    """The ProConnect claims of a persona that do not depend on the chosen organisation."""

    sub: str
    given_name: str
    usual_name: str
    email: str
    uid: str
    organizational_unit: str | None
    belonging_population: str | None
    phone: str | None
    idp_id: str
    idp_acr: str
    roles: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Persona:
    """A fictitious professional of the sandbox."""

    id: str
    description: LocalizedText
    claims: PersonaClaims
    sirets: tuple[OrganisationChoice, ...]
    acr_values: tuple[str, ...]
    civil_identity: CivilIdentity | None
    trust_registry_admin: bool

    @property
    def default_siret(self) -> str:
        return self.sirets[0].siret

    def can_reach(self, acr: str) -> bool:
        return acr in self.acr_values

    def userinfo(self, siret: str | None = None, acr: str | None = None) -> dict[str, Any]:
        """The userinfo claims ProConnect would return for this persona (reference §1.5).

        ``siret`` must be one of :attr:`sirets` (default: the first); ``acr`` one of
        :attr:`acr_values` (default: the first) and is echoed as ``idp_acr``.
        """
        chosen = self._choice(siret)
        reached = self.acr_values[0] if acr is None else acr
        if reached not in self.acr_values:
            raise PersonaError(f"persona {self.id} cannot reach acr {reached}")
        claims: dict[str, Any] = {
            "sub": self.claims.sub,
            "given_name": self.claims.given_name,
            "usual_name": self.claims.usual_name,
            "email": self.claims.email,
            "uid": self.claims.uid,
            "siret": chosen.siret,
            "siren": chosen.siren,
            "organization_label": chosen.organization_label,
            "idp_id": self.claims.idp_id,
            "idp_acr": reached,
            "roles": list(self.claims.roles),
        }
        optional = {
            "organizational_unit": self.claims.organizational_unit,
            "belonging_population": self.claims.belonging_population,
            "phone_number": self.claims.phone,
        }
        claims.update({name: value for name, value in optional.items() if value is not None})
        return claims

    def _choice(self, siret: str | None) -> OrganisationChoice:
        if siret is None:
            return self.sirets[0]
        for choice in self.sirets:
            if choice.siret == siret:
                return choice
        raise PersonaError(f"persona {self.id} cannot choose SIRET {siret}")


@dataclass(frozen=True, slots=True)
class PersonaCatalogue:
    """All personas, in file order, addressable by id."""

    personas: tuple[Persona, ...]

    def __iter__(self) -> Iterator[Persona]:
        return iter(self.personas)

    def __len__(self) -> int:
        return len(self.personas)

    def get(self, persona_id: str) -> Persona:
        for persona in self.personas:
            if persona.id == persona_id:
                return persona
        raise KeyError(persona_id)

    @property
    def administrators(self) -> tuple[Persona, ...]:
        return tuple(p for p in self.personas if p.trust_registry_admin)


def load_personas(path: Path | None = None) -> PersonaCatalogue:
    """Load and validate ``personas.json`` (the packaged file unless ``path`` is given)."""
    if path is None:
        text = resources.files(__package__).joinpath("personas.json").read_text("utf-8")
    else:
        text = path.read_text("utf-8")
    return parse_personas(json.loads(text))


def parse_personas(document: Mapping[str, Any]) -> PersonaCatalogue:
    """Validate a decoded personas document; raise :class:`PersonaError` on any defect."""
    if document.get("schema_version") != SCHEMA_VERSION:
        raise PersonaError(f"unsupported schema_version {document.get('schema_version')!r}")
    entries = document.get("personas")
    if not isinstance(entries, list) or not entries:
        raise PersonaError("'personas' must be a non-empty list")
    personas = tuple(_parse_persona(entry) for entry in entries)
    ids = [p.id for p in personas]
    if len(set(ids)) != len(ids):
        raise PersonaError("persona ids must be unique")
    subs = [p.claims.sub for p in personas]
    if len(set(subs)) != len(subs):
        raise PersonaError("persona 'sub' claims must be unique")
    return PersonaCatalogue(personas)


def _parse_persona(entry: Mapping[str, Any]) -> Persona:
    try:
        persona_id = _text(entry["id"])
        raw = entry["claims"]
        claims = PersonaClaims(
            sub=_text(raw["sub"]),
            given_name=_text(raw["given_name"]),
            usual_name=_text(raw["usual_name"]),
            email=_text(raw["email"]),
            uid=_text(raw["uid"]),
            organizational_unit=_optional_text(raw.get("organizational_unit")),
            belonging_population=_optional_text(raw.get("belonging_population")),
            phone=_optional_text(raw.get("phone")),
            idp_id=_text(raw["idp_id"]),
            idp_acr=_text(raw["idp_acr"]),
            roles=tuple(_text(role) for role in raw.get("roles", [])),
        )
        sirets = tuple(
            OrganisationChoice(_text(s["siret"]), _text(s["organization_label"]))
            for s in entry["sirets"]
        )
        acr_values = tuple(_text(a) for a in entry["acr_values"])
        civil = entry.get("civil_identity")
        description = LocalizedText(
            _text(entry["description"]["fr"]), _text(entry["description"]["en"])
        )
        admin = entry.get("trust_registry_admin", False)
    except (KeyError, TypeError) as exc:
        raise PersonaError(f"persona entry is missing or mistypes {exc}") from exc
    if not sirets or not all(is_valid_siret(s.siret) for s in sirets):
        raise PersonaError(f"persona {persona_id}: every SIRET must be valid")
    if not acr_values or not set(acr_values) <= SUPPORTED_ACR_VALUES:
        raise PersonaError(f"persona {persona_id}: unsupported acr value")
    if claims.idp_acr not in acr_values:
        raise PersonaError(f"persona {persona_id}: idp_acr must be one of its acr_values")
    if not set(claims.roles) <= KNOWN_ROLES:
        raise PersonaError(f"persona {persona_id}: unknown role")
    if not isinstance(admin, bool):
        raise PersonaError(f"persona {persona_id}: trust_registry_admin must be a boolean")
    return Persona(
        id=persona_id,
        description=description,
        claims=claims,
        sirets=sirets,
        acr_values=acr_values,
        civil_identity=_parse_civil(persona_id, civil),
        trust_registry_admin=admin,
    )


def _parse_civil(persona_id: str, raw: Any) -> CivilIdentity | None:
    if raw is None:
        return None
    if not isinstance(raw, Mapping):
        raise PersonaError(f"persona {persona_id}: civil_identity must be an object")
    gender = raw.get("gender")
    if gender not in (None, "female", "male"):
        raise PersonaError(f"persona {persona_id}: gender must be 'female' or 'male'")
    return CivilIdentity(
        birthdate=_text(raw.get("birthdate")),
        gender=gender,
        birthplace=_optional_text(raw.get("birthplace")),
        birthcountry=_optional_text(raw.get("birthcountry")),
    )


def _text(value: Any) -> str:
    if not isinstance(value, str) or not value:
        raise PersonaError(f"expected a non-empty string, got {value!r}")
    return value


def _optional_text(value: Any) -> str | None:
    return None if value is None else _text(value)
