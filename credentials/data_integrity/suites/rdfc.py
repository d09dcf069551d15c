"""The RDFC-1.0 cryptosuites: ``eddsa-rdfc-2022`` and ``ecdsa-rdfc-2019``.

Both follow the same four steps (VC-DI-EdDSA 1.0 §3.2 / VC-DI-ECDSA 1.0 §3.3):

1. *Transformation* (§3.2.3 / §3.3.3): RDFC-1.0 canonical N-Quads of the unsecured document,
   with JSON-LD safe mode on (:mod:`credentials.jsonld.safe_mode`): a document whose
   expansion would drop data is refused with ``unsafe_jsonld`` rather than signed in part.
2. *Proof configuration* (§3.2.5 / §3.3.5): the proof options without ``proofValue``, with
   ``@context`` set to the document's ``@context``, canonicalised the same way.
3. *Hashing* (§3.2.4 / §3.3.4): ``hash(canonical proof config) || hash(canonical document)``;
   SHA-256, except ``ecdsa-rdfc-2019`` with P-384, which uses SHA-384 both here and as the
   RDFC-1.0 hash function.
4. *Proof serialization* (§3.2.6 / §3.3.6): Ed25519 (RFC 8032) or ECDSA (``r || s``, the
   curve's hash), encoded as multibase base58-btc in ``proofValue``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from credentials import multiformats as mf
from credentials.data_integrity.errors import (
    MalformedProofError,
    ProofGenerationError,
    VerificationMethodError,
)
from credentials.errors import CredentialError
from credentials.jsonld.canonicalization import (
    DEFAULT_LIMITS,
    CanonicalizationLimits,
    HashName,
    canonicalize,
)
from credentials.jsonld.registry import ContextRegistry
from credentials.keys import KeyType, PublicKey, Signer, key_type_of, verify_raw

DATA_INTEGRITY_PROOF: Final = "DataIntegrityProof"


@dataclass(frozen=True, slots=True)
class SuiteParameters:
    """What one key type means for a suite: the JWS algorithm and the hash."""

    algorithm: str
    hash_name: HashName


@dataclass(frozen=True, slots=True)
class RdfcCryptosuite:
    """A Data Integrity cryptosuite over RDFC-1.0 canonical N-Quads."""

    name: str
    parameters: Mapping[KeyType, SuiteParameters]
    limits: CanonicalizationLimits = DEFAULT_LIMITS

    @property
    def proof_type(self) -> str:
        return DATA_INTEGRITY_PROOF

    def parameters_for(self, key_type: KeyType) -> SuiteParameters:
        try:
            return self.parameters[key_type]
        except KeyError:
            raise VerificationMethodError(
                f"{self.name} does not use {key_type} keys "
                f"(accepts {', '.join(sorted(self.parameters))})"
            ) from None

    def canonical_document(
        self, unsecured: Mapping[str, Any], registry: ContextRegistry, hash_name: HashName
    ) -> str:
        """§3.x.3 Transformation: canonical N-Quads of the document without ``proof``."""
        if "proof" in unsecured:
            raise ProofGenerationError("transformation input must not contain a proof")
        return canonicalize(unsecured, registry, hash_name=hash_name, limits=self.limits)

    def canonical_proof_config(
        self,
        proof_options: Mapping[str, Any],
        document_context: Any,
        registry: ContextRegistry,
        hash_name: HashName,
    ) -> str:
        """§3.x.5 Proof Configuration: options + the document's ``@context``, canonicalised."""
        if proof_options.get("type") != DATA_INTEGRITY_PROOF:
            raise MalformedProofError(f"proof type must be {DATA_INTEGRITY_PROOF}")
        if proof_options.get("cryptosuite") != self.name:
            raise MalformedProofError(f"proof cryptosuite must be {self.name}")
        config = {k: v for k, v in proof_options.items() if k != "proofValue"}
        config["@context"] = document_context
        return canonicalize(config, registry, hash_name=hash_name, limits=self.limits)

    @staticmethod
    def hash_data(
        canonical_proof_config: str, canonical_document: str, hash_name: HashName
    ) -> bytes:
        """§3.x.4 Hashing: proof-configuration hash followed by document hash."""
        digest = getattr(hashlib, hash_name)
        return bytes(
            digest(canonical_proof_config.encode()).digest()
            + digest(canonical_document.encode()).digest()
        )

    def sign(self, hash_data: bytes, signer: Signer) -> str:
        """§3.x.6 Proof Serialization: sign and encode as multibase base58-btc."""
        expected = self.parameters_for(signer.key_type).algorithm
        if signer.algorithm not in ({expected} | ({"Ed25519"} if expected == "EdDSA" else set())):
            raise ProofGenerationError(
                f"{self.name} with a {signer.key_type} key signs with {expected}, "
                f"not {signer.algorithm}"
            )
        try:
            signature = signer.sign(hash_data)
        except CredentialError as exc:
            raise ProofGenerationError(f"signing failed: {exc.detail}") from None
        return mf.multibase_encode(signature, "z")

    def verify(self, hash_data: bytes, proof_value: str, public_key: PublicKey) -> bool:
        """§3.x.7 Proof Verification over ``hash_data`` with the method's public key."""
        signature = decode_proof_value(proof_value)
        algorithm = self.parameters_for(key_type_of(public_key)).algorithm
        return verify_raw(public_key, algorithm, hash_data, signature)


def decode_proof_value(proof_value: object) -> bytes:
    """``proofValue`` must be multibase base58-btc (``z`` prefix); anything else is malformed."""
    if not isinstance(proof_value, str) or not proof_value.startswith("z"):
        raise MalformedProofError("proofValue must be a multibase base58-btc string")
    try:
        return mf.multibase_decode(proof_value)
    except CredentialError as exc:
        raise MalformedProofError(f"proofValue is not multibase: {exc.detail}") from None


EDDSA_RDFC_2022: Final = RdfcCryptosuite(
    name="eddsa-rdfc-2022",
    parameters={"Ed25519": SuiteParameters("EdDSA", "sha256")},
)

ECDSA_RDFC_2019: Final = RdfcCryptosuite(
    name="ecdsa-rdfc-2019",
    parameters={
        "P-256": SuiteParameters("ES256", "sha256"),
        "P-384": SuiteParameters("ES384", "sha384"),
    },
)

#: The cryptosuites a verifier accepts unless told otherwise.
DEFAULT_SUITES: Final[Mapping[str, RdfcCryptosuite]] = {
    EDDSA_RDFC_2022.name: EDDSA_RDFC_2022,
    ECDSA_RDFC_2019.name: ECDSA_RDFC_2019,
}
