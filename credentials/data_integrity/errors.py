"""Data Integrity errors, named after VC Data Integrity 1.0 §3 "Algorithms" error codes.

https://www.w3.org/TR/vc-data-integrity/#processing-errors lists ``PROOF_GENERATION_ERROR``,
``PROOF_VERIFICATION_ERROR``, ``MALFORMED_PROOF_ERROR``, ``INVALID_DOMAIN_ERROR`` and
``INVALID_CHALLENGE_ERROR``; each class below carries the matching stable lowercase ``code``.
"""

from __future__ import annotations

from credentials.errors import (
    CredentialError,
    ExpiredError,
    HolderBindingError,
    KeyResolutionError,
    MalformedError,
    NotYetValidError,
    SignatureError,
)


class ProofGenerationError(CredentialError):
    """``PROOF_GENERATION_ERROR``: a proof could not be created (bad options, wrong key)."""

    code = "proof_generation"


class MalformedProofError(MalformedError):
    """``MALFORMED_PROOF_ERROR``: "The proof does not conform to the expected format"
    (missing or invalid ``type``, ``cryptosuite``, ``proofValue`` not multibase…)."""

    code = "malformed_proof"


class UnknownCryptosuiteError(MalformedProofError):
    """The proof names a cryptosuite that the verifier does not allow."""

    code = "unknown_cryptosuite"


class ProofVerificationError(SignatureError):
    """``PROOF_VERIFICATION_ERROR``: the signature does not match the secured data."""

    code = "proof_verification"


class ProofPurposeError(CredentialError):
    """The proof's purpose is not the expected one, or the verification method is not
    authorised for it by its controller (Controlled Identifiers v1.0 §2.3)."""

    code = "proof_purpose"


class VerificationMethodError(KeyResolutionError):
    """The verification method cannot be resolved, or its key does not fit the cryptosuite."""

    code = "verification_method"


class InvalidDomainError(HolderBindingError):
    """``INVALID_DOMAIN_ERROR``: the proof's ``domain`` is not the expected one."""

    code = "invalid_domain"


class InvalidChallengeError(HolderBindingError):
    """``INVALID_CHALLENGE_ERROR``: the proof's ``challenge`` is not the expected one."""

    code = "invalid_challenge"


class ProofExpiredError(ExpiredError):
    """The proof's ``expires`` is in the past (VC Data Integrity 1.0 §2.1 ``expires``)."""

    code = "proof_expired"


class ProofNotYetValidError(NotYetValidError):
    """The proof's ``created`` is in the future beyond the allowed clock skew."""

    code = "proof_not_yet_valid"
