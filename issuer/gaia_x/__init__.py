"""Gaia-X participant credentials for French companies (reference gaia-x.md).

- Loire (primary; Gaia-X ICAM 24.07/25.11, ontology 25.11): ``gx:LegalPerson``,
  ``gx:VatID`` and ``gx:Issuer`` as VC-JWTs in a VP-JWT — :mod:`issuer.gaia_x.loire`.
- Tagus (Trust Framework 22.10, compatibility): ``gx:LegalParticipant``,
  ``gx:legalRegistrationNumber`` and ``gx:GaiaXTermsAndConditions`` with
  JsonWebSignature2020 — :mod:`issuer.gaia_x.tagus`.
- The x5u chain of the did:web RSA key — :mod:`issuer.gaia_x.x509_chain`; the GXDCH
  compliance client — :mod:`issuer.gaia_x.compliance`; the stored compliance credentials —
  :mod:`issuer.gaia_x.models`; HTTP routes — :mod:`issuer.gaia_x.web`.
"""

from issuer.gaia_x.compliance import ComplianceClient, ComplianceCredential
from issuer.gaia_x.context_documents import gaia_x_registry
from issuer.gaia_x.errors import (
    CertificateChainError,
    ComplianceError,
    ComplianceRejected,
    GaiaXError,
    MissingFacts,
    NotEligible,
)
from issuer.gaia_x.facts import ParticipantFacts, PostalFacts, participant_facts
from issuer.gaia_x.nuts import nuts2_for_address, nuts2_for_departement
from issuer.gaia_x.participant import (
    GaiaXIssuerConfig,
    LoireBundle,
    TagusBundle,
    build_loire_bundle,
    build_tagus_bundle,
    submit_participant,
)
from issuer.gaia_x.x509_chain import (
    CertificateChain,
    chain_url,
    gaia_x_published_key_extra,
    generate_dev_chain,
    load_operator_chain,
    load_or_create_dev_chain,
)

__all__ = [
    "CertificateChain",
    "CertificateChainError",
    "ComplianceClient",
    "ComplianceCredential",
    "ComplianceError",
    "ComplianceRejected",
    "GaiaXError",
    "GaiaXIssuerConfig",
    "LoireBundle",
    "MissingFacts",
    "NotEligible",
    "ParticipantFacts",
    "PostalFacts",
    "TagusBundle",
    "build_loire_bundle",
    "build_tagus_bundle",
    "chain_url",
    "gaia_x_published_key_extra",
    "gaia_x_registry",
    "generate_dev_chain",
    "load_operator_chain",
    "load_or_create_dev_chain",
    "nuts2_for_address",
    "nuts2_for_departement",
    "participant_facts",
    "submit_participant",
]
