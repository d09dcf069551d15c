"""W3C Verifiable Credential Data Integrity 1.0 (REC 2025), https://www.w3.org/TR/vc-data-integrity/

``DataIntegrityProof`` with the cryptosuites ``eddsa-rdfc-2022`` (VC-DI-EdDSA 1.0 §3) and
``ecdsa-rdfc-2019`` (VC-DI-ECDSA 1.0 §3), the purposes ``assertionMethod`` and
``authentication``, proof sets, and Multikey verification methods resolved through an
injected callback. Contexts come only from a
:class:`~credentials.jsonld.registry.ContextRegistry`.
"""

from credentials.data_integrity.proof import ProofResult, add_proof, verify, verify_proof
from credentials.data_integrity.purposes import (
    AssertionMethodPurpose,
    AuthenticationPurpose,
    ProofPurpose,
)
from credentials.data_integrity.suites import (
    DEFAULT_SUITES,
    ECDSA_RDFC_2019,
    EDDSA_RDFC_2022,
    RdfcCryptosuite,
)
from credentials.data_integrity.verification_method import (
    ResolvedMethod,
    StaticResolver,
    VerificationMethodResolver,
)

__all__ = [
    "DEFAULT_SUITES",
    "ECDSA_RDFC_2019",
    "EDDSA_RDFC_2022",
    "AssertionMethodPurpose",
    "AuthenticationPurpose",
    "ProofPurpose",
    "ProofResult",
    "RdfcCryptosuite",
    "ResolvedMethod",
    "StaticResolver",
    "VerificationMethodResolver",
    "add_proof",
    "verify",
    "verify_proof",
]
