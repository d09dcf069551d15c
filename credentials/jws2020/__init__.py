"""JSON Web Signature 2020 (W3C CCG lds-jws2020, https://w3c-ccg.github.io/lds-jws2020/).

``JsonWebSignature2020`` proofs for VCDM 1.1 credentials, in the specification flavour and
the Gaia-X Tagus flavour, with ``JsonWebKey2020`` keys resolved through an injected callback
and contexts from a :class:`~credentials.jsonld.registry.ContextRegistry`.
"""

from credentials.jws2020.detached_jws import (
    JWS2020_ALGORITHMS,
    parse_detached,
    sign_detached,
    verify_detached,
)
from credentials.jws2020.suite import (
    FLAVOURS,
    PROOF_TYPE,
    Flavour,
    add_proof,
    canonical_document,
    gaia_x_payload,
    specification_payload,
    verify,
    verify_proof,
)

__all__ = [
    "FLAVOURS",
    "JWS2020_ALGORITHMS",
    "PROOF_TYPE",
    "Flavour",
    "add_proof",
    "canonical_document",
    "gaia_x_payload",
    "parse_detached",
    "sign_detached",
    "specification_payload",
    "verify",
    "verify_detached",
    "verify_proof",
]
