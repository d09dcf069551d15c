"""JsonWebSignature2020 proofs on VCDM 1.1 documents, in both flavours in use.

- ``"specification"`` — W3C CCG "JSON Web Signature 2020" (lds-jws2020), the Linked Data
  Signatures algorithm: canonicalise (URDNA2015) the proof options — the proof without
  ``jws``, with the document's ``@context`` — and the document without ``proof``; the
  signed payload is ``SHA-256(options) || SHA-256(document)`` (64 raw bytes).
- ``"gaia-x"`` — what the Gaia-X Tagus tooling (compliance v1, wizard, notary) signs
  (reference gaia-x.md §2.1): the payload is the 64-character lowercase hex SHA-256 of the
  URDNA2015 N-Quads of the document without ``proof``; the proof options are not signed.

Both write ``proof.jws`` as a detached JWS with ``{"alg": "PS256", "b64": false,
"crit": ["b64"]}`` (RFC 7797, see :mod:`credentials.jws2020.detached_jws`). The key is a
``JsonWebKey2020`` verification method's ``publicKeyJwk`` found by the injected resolver;
purposes (controller relationship, ``created`` / ``expires``, challenge/domain) are the
Data Integrity purpose objects. A verifier tries the Gaia-X flavour first and then the
specification one, as the Gaia-X compliance service does.

Both flavours canonicalise in JSON-LD safe mode (:mod:`credentials.jsonld.safe_mode`):
a document (or, in the specification flavour, proof options) whose expansion would drop an
undefined term, a relative IRI… is refused with ``unsafe_jsonld`` when signing and when
verifying. The Gaia-X Tagus compliance fixtures are safe, so there is no opt-out.
"""

from __future__ import annotations

import copy
import hashlib
from collections.abc import Collection, Mapping
from datetime import datetime
from typing import Any, Final, Literal

from credentials.data_integrity.errors import (
    MalformedProofError,
    ProofPurposeError,
    ProofVerificationError,
    VerificationMethodError,
)
from credentials.data_integrity.purposes.base import ProofPurpose, format_datetime
from credentials.data_integrity.verification_method import (
    VerificationMethodResolver,
    public_key_of,
)
from credentials.errors import CredentialError
from credentials.jsonld.canonicalization import canonicalize, check_input_bounds
from credentials.jsonld.registry import ContextRegistry
from credentials.jws2020.detached_jws import (
    JWS2020_ALGORITHMS,
    parse_detached,
    sign_detached,
    verify_detached,
)
from credentials.keys import Signer
from credentials.result import VerificationResult

Flavour = Literal["gaia-x", "specification"]
FLAVOURS: Final[tuple[Flavour, ...]] = ("gaia-x", "specification")
PROOF_TYPE: Final = "JsonWebSignature2020"
JWS_2020_CONTEXT: Final = "https://w3id.org/security/suites/jws-2020/v1"


def canonical_document(unsecured: Mapping[str, Any], registry: ContextRegistry) -> str:
    """URDNA2015 N-Quads of the document; it must not carry ``proof``."""
    if "proof" in unsecured:
        raise MalformedProofError("the document to canonicalise must not contain proof")
    return canonicalize(unsecured, registry)


def gaia_x_payload(unsecured: Mapping[str, Any], registry: ContextRegistry) -> bytes:
    """The Gaia-X flavour payload: ASCII hex SHA-256 of the document's canonical N-Quads."""
    digest = hashlib.sha256(canonical_document(unsecured, registry).encode()).hexdigest()
    return digest.encode("ascii")


def specification_payload(
    unsecured: Mapping[str, Any], proof: Mapping[str, Any], registry: ContextRegistry
) -> bytes:
    """lds-jws2020 payload: hash of the canonical proof options, then of the document."""
    options = {k: v for k, v in proof.items() if k not in ("jws", "proofValue")}
    options["@context"] = unsecured.get("@context")
    return (
        hashlib.sha256(canonicalize(options, registry).encode()).digest()
        + hashlib.sha256(canonical_document(unsecured, registry).encode()).digest()
    )


def _payload(
    flavour: Flavour,
    unsecured: Mapping[str, Any],
    proof: Mapping[str, Any],
    registry: ContextRegistry,
) -> bytes:
    if flavour == "gaia-x":
        return gaia_x_payload(unsecured, registry)
    return specification_payload(unsecured, proof, registry)


def add_proof(
    document: Mapping[str, Any],
    *,
    signer: Signer,
    purpose: ProofPurpose,
    registry: ContextRegistry,
    created: datetime | None,
    flavour: Flavour = "gaia-x",
    verification_method: str | None = None,
) -> dict[str, Any]:
    """Return a copy of ``document`` with a JsonWebSignature2020 ``proof`` (one proof).

    The document's ``@context`` must already include the JWS-2020 context (VCDM 1.1
    documents name it explicitly, as the Gaia-X examples do).
    """
    check_input_bounds(document)
    secured = copy.deepcopy(dict(document))
    if "proof" in secured:
        raise MalformedProofError("the document already has a proof")
    contexts = secured.get("@context")
    if JWS_2020_CONTEXT not in (contexts if isinstance(contexts, list) else [contexts]):
        raise MalformedProofError(f"@context must include {JWS_2020_CONTEXT}")
    proof: dict[str, Any] = {"type": PROOF_TYPE}
    if created is not None:
        proof["created"] = format_datetime(created)
    purpose.update(proof)
    proof["verificationMethod"] = verification_method or signer.kid
    proof["jws"] = sign_detached(_payload(flavour, secured, proof, registry), signer)
    secured["proof"] = proof
    return secured


def verify_proof(
    unsecured: Mapping[str, Any],
    proof: object,
    *,
    purpose: ProofPurpose,
    resolver: VerificationMethodResolver,
    registry: ContextRegistry,
    now: datetime,
    flavours: Collection[Flavour] = FLAVOURS,
    algorithms: Collection[str] = JWS2020_ALGORITHMS,
) -> Flavour:
    """Verify one JsonWebSignature2020 proof; return the flavour that verified, or raise."""
    if not isinstance(proof, Mapping) or proof.get("type") != PROOF_TYPE:
        raise MalformedProofError(f"proof type must be {PROOF_TYPE}")
    method_id = proof.get("verificationMethod")
    if not isinstance(method_id, str) or not method_id:
        raise MalformedProofError("proof verificationMethod must be a non-empty string")
    _, header, _ = parse_detached(proof.get("jws"), algorithms)
    if not purpose.match(proof):
        raise ProofPurposeError(
            f"proofPurpose is {proof.get('proofPurpose')!r}, expected {purpose.term!r}"
        )
    resolved = resolver(method_id)
    jwk = resolved.method.get("publicKeyJwk")
    if isinstance(jwk, Mapping) and "alg" in jwk and jwk["alg"] != header["alg"]:
        raise VerificationMethodError(f"key is for {jwk['alg']}, the jws uses {header['alg']}")
    public_key = public_key_of(resolved.method)
    purpose.validate(proof, resolved, now=now)
    for flavour in flavours:
        payload = _payload(flavour, unsecured, proof, registry)
        if verify_detached(proof["jws"], payload, public_key, algorithms):
            return flavour
    raise ProofVerificationError("JsonWebSignature2020 signature does not verify")


def verify(
    document: Mapping[str, Any],
    *,
    purpose: ProofPurpose,
    resolver: VerificationMethodResolver,
    registry: ContextRegistry,
    now: datetime,
    flavours: Collection[Flavour] = FLAVOURS,
    algorithms: Collection[str] = JWS2020_ALGORITHMS,
) -> VerificationResult:
    """Verify the JsonWebSignature2020 proof of a credential; never raises on bad input.

    ``extra["flavour"]`` names the flavour that verified.
    """
    result = VerificationResult(format="jws2020")
    try:
        if not isinstance(document, Mapping):
            raise MalformedProofError("a secured document must be a JSON object")
        check_input_bounds(document)
        if "proof" not in document:
            raise MalformedProofError("the document has no proof")
        issuer = document.get("issuer")
        issuer_id = issuer.get("id") if isinstance(issuer, Mapping) else issuer
        result.issuer = issuer_id if isinstance(issuer_id, str) else None
        unsecured = {k: v for k, v in document.items() if k != "proof"}
        flavour = verify_proof(
            unsecured,
            document["proof"],
            purpose=purpose,
            resolver=resolver,
            registry=registry,
            now=now,
            flavours=flavours,
            algorithms=algorithms,
        )
    except CredentialError as exc:
        result.fail_with(exc)
        return result
    result.passed("signature", f"JsonWebSignature2020 ({flavour} flavour)")
    result.extra["flavour"] = flavour
    return result
