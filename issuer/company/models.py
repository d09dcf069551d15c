"""Typed domain objects returned by every company register.

Whatever the source (Recherche d'entreprises, Sirene, API Entreprise, RNE, offline), a
lookup yields these objects; parsers map each source's wire shape onto them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

AdministrativeStatus = Literal["active", "ceased"]
"""``etatAdministratif``: ``A`` → active, ``C`` (legal unit) / ``F`` (establishment) → ceased."""

DiffusionStatus = Literal["public", "non_diffusible"]
"""``statutDiffusion``: ``O`` → public, ``P`` → non-diffusible (partially hidden data)."""

LegalCategory = Literal[
    "entrepreneur_individuel",
    "company",
    "association",
    "public_body",
    "other",
]

PersonType = Literal["natural_person", "legal_person"]
Gender = Literal["female", "male"]


@dataclass(frozen=True, slots=True)
class DataFreshness:
    """Where the data came from and when it was fetched (and last updated at the source)."""

    source: str
    fetched_at: datetime
    source_updated_at: date | None = None

    def age_hours(self, now: datetime) -> float:
        return (now - self.fetched_at).total_seconds() / 3600


@dataclass(frozen=True, slots=True)
class LegalForm:
    """INSEE *catégorie juridique* (4-digit code) and its label when known."""

    code: str
    label: str | None


@dataclass(frozen=True, slots=True)
class LegalUnit:
    """An *unité légale* identified by its SIREN."""

    siren: str
    legal_name: str
    legal_form: LegalForm
    category: LegalCategory
    naf: str | None
    creation_date: date | None
    status: AdministrativeStatus
    cessation_date: date | None
    diffusion: DiffusionStatus
    vat_number: str
    head_office_siret: str | None
    freshness: DataFreshness

    @property
    def is_active(self) -> bool:
        return self.status == "active"

    @property
    def is_diffusible(self) -> bool:
        return self.diffusion == "public"


@dataclass(frozen=True, slots=True)
class Address:
    """A structured postal address of an establishment."""

    street: str | None
    postal_code: str | None
    city: str | None
    commune_code: str | None
    country: str = "FR"


@dataclass(frozen=True, slots=True)
class Establishment:
    """An *établissement* identified by its SIRET."""

    siret: str
    siren: str
    address: Address
    head_office: bool
    status: AdministrativeStatus
    closing_date: date | None
    naf: str | None
    freshness: DataFreshness

    @property
    def is_active(self) -> bool:
        return self.status == "active"


@dataclass(frozen=True, slots=True)
class BirthDate:
    """A birth date as precise as the source gives it (Recherche d'entreprises: year-month)."""

    year: int
    month: int | None = None
    day: int | None = None

    @classmethod
    def parse(cls, text: str) -> BirthDate:
        """Read ``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD`` or ``YYYYMMDD``."""
        raw = text.strip()
        if len(raw) == 8 and raw.isdigit():
            raw = f"{raw[:4]}-{raw[4:6]}-{raw[6:]}"
        parts = raw.split("-")
        if not 1 <= len(parts) <= 3 or not all(p.isdigit() for p in parts):
            raise ValueError(f"not a birth date: {text!r}")
        numbers = [int(p) for p in parts]
        if len(numbers) == 3:
            date(*numbers)
        elif len(numbers) == 2 and not 1 <= numbers[1] <= 12:
            raise ValueError(f"not a birth date: {text!r}")
        return cls(*numbers)

    def isoformat(self) -> str:
        parts = [f"{self.year:04d}"]
        if self.month is not None:
            parts.append(f"{self.month:02d}")
            if self.day is not None:
                parts.append(f"{self.day:02d}")
        return "-".join(parts)


@dataclass(frozen=True, slots=True)
class PersonName:
    """A natural person's names: birth name, usage name and given names in order."""

    birth_name: str
    usage_name: str | None
    given_names: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Mandate:
    """A *pouvoir* / *mandataire social*: who holds which role in a legal unit."""

    siren: str
    person_type: PersonType
    role_code: str | None
    role_label: str | None
    active: bool
    since: date | None = None
    until: date | None = None
    name: PersonName | None = None
    birth_date: BirthDate | None = None
    gender: Gender | None = None
    birthplace_commune: str | None = None
    birth_country: str | None = None
    company_siren: str | None = None
    company_name: str | None = None


@dataclass(frozen=True, slots=True)
class Mandates:
    """The mandates a source lists for one SIREN."""

    siren: str
    items: tuple[Mandate, ...]
    freshness: DataFreshness

    @property
    def active_natural_persons(self) -> tuple[Mandate, ...]:
        return tuple(
            m for m in self.items if m.active and m.person_type == "natural_person" and m.name
        )
