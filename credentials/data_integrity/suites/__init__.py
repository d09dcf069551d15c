"""Data Integrity cryptosuites: ``eddsa-rdfc-2022`` (VC-DI-EdDSA 1.0 §3) and
``ecdsa-rdfc-2019`` (VC-DI-ECDSA 1.0 §3)."""

from credentials.data_integrity.suites.rdfc import (
    DEFAULT_SUITES,
    ECDSA_RDFC_2019,
    EDDSA_RDFC_2022,
    RdfcCryptosuite,
    SuiteParameters,
    decode_proof_value,
)

__all__ = [
    "DEFAULT_SUITES",
    "ECDSA_RDFC_2019",
    "EDDSA_RDFC_2022",
    "RdfcCryptosuite",
    "SuiteParameters",
    "decode_proof_value",
]
