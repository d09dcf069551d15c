"""The issuer's credential catalogue: kinds, configurations, vocabulary, type metadata.

Credential configurations are data (OpenID4VCI 1.0 §12.2.4): ``kinds/*.json`` describe
what a credential says (claims and their display in French and English), and
``configurations/*.json`` offer a kind in one format (``dc+sd-jwt``, ``jwt_vc_json``,
``ldp_vc``). :func:`load_catalogue` validates everything at start and returns a
:class:`Catalogue`.
"""

from issuer.catalogue.claims import (
    ClaimsError,
    IdentityFacts,
    check_claims,
    company_registration_claims,
    executive_certification_claims,
    legal_representative_claims,
    public_agent_claims,
)
from issuer.catalogue.configuration import CredentialConfiguration, vct_url
from issuer.catalogue.errors import CatalogueError, UnknownConfigurationError
from issuer.catalogue.loader import Catalogue, load_catalogue
from issuer.catalogue.models import FORMATS, Format, Kind
from issuer.catalogue.type_metadata import type_metadata
from issuer.catalogue.vocabulary import ATTESTIA_V1, VOCAB_BASE

__all__ = [
    "ATTESTIA_V1",
    "FORMATS",
    "VOCAB_BASE",
    "Catalogue",
    "CatalogueError",
    "ClaimsError",
    "CredentialConfiguration",
    "Format",
    "IdentityFacts",
    "Kind",
    "UnknownConfigurationError",
    "check_claims",
    "company_registration_claims",
    "executive_certification_claims",
    "legal_representative_claims",
    "load_catalogue",
    "public_agent_claims",
    "type_metadata",
    "vct_url",
]
