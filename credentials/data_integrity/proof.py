"""Adding and verifying ``DataIntegrityProof`` proofs (VC Data Integrity 1.0 §4).

Every call takes the three things jsonld-signatures passes around: the *suite* (how to
canonicalise, hash and sign), the *purpose* (why the proof exists: relationship,
challenge, domain, time) and the *context registry* (the only document loader). Keys come
from a :class:`~credentials.keys.Signer` when signing and from an injected
:class:`~credentials.data_integrity.verification_method.VerificationMethodResolver` when
verifying; the time is always passed in.

- §4.2 Add Proof, and §2.1.2 proof sets: adding a proof to a document that already has one
  turns ``proof`` into a set; each proof signs the document without any proof.
- §4.4 Verify Proof / §4.5 Verify Proof Sets: each proof is verified on its own;
  :func:`verify` never raises on a bad proof and returns a
  :class:`~credentials.result.VerificationResult` with one check per proof and
  ``extra["proofs"]`` giving the per-proof details. Proof chains (``previousProof``) are not
  supported and are reported as malformed.
- JSON-LD safe mode (as jsonld-signatures): the document and the proof configuration are
  canonicalised with :mod:`credentials.jsonld.safe_mode` on, so anything JSON-LD
  expansion would drop (an undefined term, a relative IRI or ``@type``…) and hence leave
  unsigned makes :func:`add_proof` raise and :func:`verify` fail with ``unsafe_jsonld``.
  There is no opt-out here.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from credentials.data_integrity.errors import (
    MalformedProofError,
    ProofGenerationError,
    ProofPurposeError,
    ProofVerificationError,
    UnknownCryptosuiteError,
)
from credentials.data_integrity.purposes.base import ProofPurpose, format_datetime
from credentials.data_integrity.suites.rdfc import (
    DATA_INTEGRITY_PROOF,
    DEFAULT_SUITES,
    RdfcCryptosuite,
    decode_proof_value,
)
from credentials.data_integrity.verification_method import (
    VerificationMethodResolver,
    public_key_of,
)
from credentials.errors import CredentialError
from credentials.jsonld.canonicalization import check_input_bounds
from credentials.jsonld.registry import CREDENTIALS_V2, DATA_INTEGRITY_V2, ContextRegistry
from credentials.keys import Signer, key_type_of
from credentials.result import VerificationResult

#: Contexts that define ``DataIntegrityProof`` and its members.
SUITE_CONTEXTS: Final = frozenset({CREDENTIALS_V2, DATA_INTEGRITY_V2})


def _contexts(document: Mapping[str, Any]) -> list[Any]:
    value = document.get("@context")
    if value is None:
        raise MalformedProofError("the document has no @context")
    return list(value) if isinstance(value, list) else [value]


def _with_suite_context(document: dict[str, Any]) -> None:
    contexts = _contexts(document)
    if not SUITE_CONTEXTS.intersection(c for c in contexts if isinstance(c, str)):
        document["@context"] = [*contexts, DATA_INTEGRITY_V2]


def add_proof(
    document: Mapping[str, Any],
    *,
    suite: RdfcCryptosuite,
    purpose: ProofPurpose,
    signer: Signer,
    registry: ContextRegistry,
    created: datetime | None,
    expires: datetime | None = None,
    verification_method: str | None = None,
    proof_id: str | None = None,
) -> dict[str, Any]:
    """Return a copy of ``document`` secured with one more proof (VC-DI 1.0 §4.2).

    ``created`` is normally the issuer's ``now``; the data-integrity v2 context is appended
    to ``@context`` when no context in it defines ``DataIntegrityProof``. Raises
    :class:`~credentials.jsonld.errors.UnsafeJsonLdError` when the document or the proof
    options hold anything canonicalisation would drop (it would not be signed).
    """
    check_input_bounds(document)
    secured = copy.deepcopy(dict(document))
    existing = secured.pop("proof", None)
    _with_suite_context(secured)
    options: dict[str, Any] = {"type": DATA_INTEGRITY_PROOF, "cryptosuite": suite.name}
    if proof_id is not None:
        options["id"] = proof_id
    if created is not None:
        options["created"] = format_datetime(created)
    if expires is not None:
        options["expires"] = format_datetime(expires)
    options["verificationMethod"] = verification_method or signer.kid
    purpose.update(options)
    if not options["verificationMethod"]:
        raise ProofGenerationError("a proof needs a verificationMethod")
    hash_name = suite.parameters_for(signer.key_type).hash_name
    canonical_document = suite.canonical_document(secured, registry, hash_name)
    canonical_config = suite.canonical_proof_config(
        options, secured["@context"], registry, hash_name
    )
    hash_data = suite.hash_data(canonical_config, canonical_document, hash_name)
    proof = {**options, "proofValue": suite.sign(hash_data, signer)}
    if existing is None:
        secured["proof"] = proof
    else:
        previous = existing if isinstance(existing, list) else [existing]
        secured["proof"] = [*previous, proof]
    return secured


def _check_proof_shape(
    proof: object, suites: Mapping[str, RdfcCryptosuite]
) -> tuple[Mapping[str, Any], RdfcCryptosuite]:
    if not isinstance(proof, Mapping):
        raise MalformedProofError("proof must be a JSON object")
    if proof.get("type") != DATA_INTEGRITY_PROOF:
        raise MalformedProofError(f"proof type {proof.get('type')!r} is not {DATA_INTEGRITY_PROOF}")
    name = proof.get("cryptosuite")
    if not isinstance(name, str) or name not in suites:
        raise UnknownCryptosuiteError(f"cryptosuite {name!r} is not accepted")
    if "previousProof" in proof:
        raise MalformedProofError("proof chains (previousProof) are not supported")
    for member in ("verificationMethod", "proofPurpose"):
        if not isinstance(proof.get(member), str) or not proof[member]:
            raise MalformedProofError(f"proof {member} must be a non-empty string")
    decode_proof_value(proof.get("proofValue"))
    return proof, suites[name]


def verify_proof(
    unsecured: Mapping[str, Any],
    proof: object,
    *,
    purpose: ProofPurpose,
    resolver: VerificationMethodResolver,
    registry: ContextRegistry,
    now: datetime,
    suites: Mapping[str, RdfcCryptosuite] = DEFAULT_SUITES,
) -> str:
    """Verify one proof over ``unsecured`` (the document without ``proof``); raise if bad.

    Returns the verification method id. Follows VC-DI-EdDSA / VC-DI-ECDSA §3.x.2 "Verify
    Proof": when the proof options carry ``@context``, the document's ``@context`` MUST
    start with those values, in order, and they replace it for canonicalisation.
    """
    checked, suite = _check_proof_shape(proof, suites)
    if not purpose.match(checked):
        raise ProofPurposeError(
            f"proofPurpose is {checked.get('proofPurpose')!r}, expected {purpose.term!r}"
        )
    document = dict(unsecured)
    document_contexts = _contexts(document)
    if not SUITE_CONTEXTS.intersection(c for c in document_contexts if isinstance(c, str)):
        raise MalformedProofError("no @context of the document defines DataIntegrityProof")
    options = {k: v for k, v in checked.items() if k != "proofValue"}
    if "@context" in options:
        proof_contexts = options["@context"]
        proof_contexts = proof_contexts if isinstance(proof_contexts, list) else [proof_contexts]
        if document_contexts[: len(proof_contexts)] != proof_contexts:
            raise MalformedProofError("the document @context does not start with the proof's")
        document["@context"] = proof_contexts
    method_id = str(checked["verificationMethod"])
    resolved = resolver(method_id)
    public_key = public_key_of(resolved.method)
    hash_name = suite.parameters_for(key_type_of(public_key)).hash_name
    purpose.validate(checked, resolved, now=now)
    canonical_document = suite.canonical_document(document, registry, hash_name)
    canonical_config = suite.canonical_proof_config(
        options, document["@context"], registry, hash_name
    )
    hash_data = suite.hash_data(canonical_config, canonical_document, hash_name)
    if not suite.verify(hash_data, str(checked["proofValue"]), public_key):
        raise ProofVerificationError(f"{suite.name} signature does not verify")
    return method_id


@dataclass(frozen=True, slots=True)
class ProofResult:
    """The outcome for one proof of a proof set."""

    index: int
    verified: bool
    cryptosuite: str | None
    verification_method: str | None
    code: str
    detail: str

    def to_json(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "verified": self.verified,
            "cryptosuite": self.cryptosuite,
            "verificationMethod": self.verification_method,
            "code": self.code,
            "detail": self.detail,
        }


def _member(proof: object, name: str) -> str | None:
    value = proof.get(name) if isinstance(proof, Mapping) else None
    return value if isinstance(value, str) else None


def verify(
    document: Mapping[str, Any],
    *,
    purpose: ProofPurpose,
    resolver: VerificationMethodResolver,
    registry: ContextRegistry,
    now: datetime,
    suites: Mapping[str, RdfcCryptosuite] = DEFAULT_SUITES,
) -> VerificationResult:
    """Verify every proof of ``document`` made for ``purpose``; never raises on bad input.

    Proofs made for another purpose are listed in ``extra["proofs"]`` as skipped; the
    result is verified only when at least one proof matched the purpose and every matching
    proof verified.
    """
    result = VerificationResult(format="data_integrity")
    if isinstance(document, Mapping):
        issuer = document.get("issuer")
        issuer_id = issuer.get("id") if isinstance(issuer, Mapping) else issuer
        result.issuer = issuer_id if isinstance(issuer_id, str) else None
        types = document.get("type")
        result.credential_types = [
            t for t in (types if isinstance(types, list) else [types]) if isinstance(t, str)
        ]
    try:
        if not isinstance(document, Mapping):
            raise MalformedProofError("a secured document must be a JSON object")
        check_input_bounds(document)
        proofs = document.get("proof")
        if proofs is None:
            raise MalformedProofError("the document has no proof")
    except CredentialError as exc:
        result.fail_with(exc)
        return result
    unsecured = {k: v for k, v in document.items() if k != "proof"}
    outcomes: list[ProofResult] = []
    for index, proof in enumerate(proofs if isinstance(proofs, list) else [proofs]):
        suite_name = _member(proof, "cryptosuite")
        method = _member(proof, "verificationMethod")
        if isinstance(proof, Mapping) and "proofPurpose" in proof and not purpose.match(proof):
            outcomes.append(
                ProofResult(index, False, suite_name, method, "skipped", "other proof purpose")
            )
            continue
        try:
            verify_proof(
                unsecured,
                proof,
                purpose=purpose,
                resolver=resolver,
                registry=registry,
                now=now,
                suites=suites,
            )
        except CredentialError as exc:
            outcomes.append(ProofResult(index, False, suite_name, method, exc.code, exc.detail))
            result.fail(exc.code, f"proof {index}: {exc.detail}")
        else:
            outcomes.append(ProofResult(index, True, suite_name, method, "signature", "verified"))
            result.passed("signature", f"proof {index} ({suite_name}) by {method}")
    if not result.checks:
        result.fail(ProofPurposeError.code, f"no proof made for {purpose.term}")
    result.extra["proofs"] = [outcome.to_json() for outcome in outcomes]
    return result
