"""French company registers: identifiers, register clients and the mandate-matching rules.

Sources (see the project reference ``proconnect-and-company-data.md``): API Recherche
d'entreprises, INSEE API Sirene 3.11, API Entreprise v3, INPI RNE, and an offline registry
shipped as package data for development.
"""

from issuer.company.composite import CompositeRegistry, RegistryConfig
from issuer.company.errors import (
    InvalidIdentifier,
    MalformedResponse,
    NotFound,
    NotProvided,
    RateLimited,
    RegistryConfigurationError,
    RegistryError,
    RegistryUnavailable,
    StaleData,
)
from issuer.company.factory import build_registry
from issuer.company.models import (
    Address,
    BirthDate,
    DataFreshness,
    Establishment,
    LegalForm,
    LegalUnit,
    Mandate,
    Mandates,
    PersonName,
)
from issuer.company.offline import OfflineRegistry
from issuer.company.registry import CompanyRegistry

__all__ = [
    "Address",
    "BirthDate",
    "CompanyRegistry",
    "CompositeRegistry",
    "DataFreshness",
    "Establishment",
    "InvalidIdentifier",
    "LegalForm",
    "LegalUnit",
    "MalformedResponse",
    "Mandate",
    "Mandates",
    "NotFound",
    "NotProvided",
    "OfflineRegistry",
    "PersonName",
    "RateLimited",
    "RegistryConfig",
    "RegistryConfigurationError",
    "RegistryError",
    "RegistryUnavailable",
    "StaleData",
    "build_registry",
]
