"""The pipeline's answer: a verdict, every check with a stable code, what was disclosed.

Check codes are a closed set (:data:`CheckCode`) whatever format was verified, so a
connector can act on them without knowing the format:

======================  ==============================================================
``malformed``           the input cannot be parsed (never raised: reported)
``data_model``          VCDM / SD-JWT VC data model rules
``signature``           the issuer's (or holder's) signature or proof, and its key
``expired``             past ``exp`` / ``validUntil`` / ``expirationDate``
``not_yet_valid``       before ``nbf`` / ``validFrom`` / ``issuanceDate``, future ``iat``
``status``              Token Status List / Bitstring Status List (revoked, suspended…)
``holder_binding``      KB-JWT nonce, audience, ``sd_hash``, freshness; VP challenge and
                        domain; the presenter is the subject
``trust``               the issuer was authorised for the type when it issued, and is not
                        cancelled now
``policy``              required credentials, claims, same SIREN, minimum assurance
``x5u_chain``           Gaia-X: the signing JWK's ``x5u`` chain (leaf = JWK, anchored)
``shacl``               Gaia-X: the credential subjects conform to the SHACL shapes
``terms_and_conditions`` Gaia-X: each issuer signed the current terms and conditions
``subdivision_code``    Gaia-X: ISO 3166-2 subdivision codes
``registration_join``   Gaia-X: the participant's registration number is in the bundle
``did_resolution``      Gaia-X: every did:web named resolves
``compliance_integrity`` Gaia-X: a compliance credential's digests match the credentials
======================  ==============================================================

``target`` says what a check is about: ``"presentation"``, ``"credential[0]"``… (with a
``presentation[i]/`` prefix when several presentations answer one request).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Final, Literal, get_args

CheckCode = Literal[
    "malformed",
    "data_model",
    "signature",
    "expired",
    "not_yet_valid",
    "status",
    "holder_binding",
    "trust",
    "policy",
    "x5u_chain",
    "shacl",
    "terms_and_conditions",
    "subdivision_code",
    "registration_join",
    "did_resolution",
    "compliance_integrity",
]
CHECK_CODES: Final[frozenset[str]] = frozenset(get_args(CheckCode))

#: Library error codes (``credentials.*``) folded into the stable set.
_CODE_MAP: Final[dict[str, CheckCode]] = {
    "disclosures": "signature",
    "key_resolution": "signature",
    "malformed_proof": "signature",
    "unknown_cryptosuite": "signature",
    "proof_verification": "signature",
    "verification_method": "signature",
    "proof_purpose": "signature",
    "invalid_challenge": "holder_binding",
    "invalid_domain": "holder_binding",
    "proof_expired": "expired",
    "proof_not_yet_valid": "not_yet_valid",
    "unknown_context": "data_model",
    "context_integrity": "data_model",
    "context_conflict": "data_model",
    "invalid_jsonld": "data_model",
    "datetime": "data_model",
    "input_too_large": "malformed",
    "canonicalization_limit": "malformed",
    "status_range": "status",
    "status_list_length": "status",
    "status_verification": "status",
    "status_list_mismatch": "status",
    "fetch_failed": "status",
    "forbidden_destination": "status",
    "response_too_large": "status",
    "decompression_limit": "status",
    "invalid": "malformed",
}


def stable_code(code: str) -> CheckCode:
    """Map a ``credentials`` error code onto :data:`CheckCode` (unknown codes: malformed)."""
    if code in CHECK_CODES:
        return code  # type: ignore[return-value]
    return _CODE_MAP.get(code, "malformed")


@dataclass(frozen=True, slots=True)
class ReportCheck:
    """One check: its stable code, outcome, a sentence, and what it was about."""

    code: CheckCode
    passed: bool
    detail: str
    target: str

    def to_json(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "passed": self.passed,
            "detail": self.detail,
            "target": self.target,
        }


@dataclass(slots=True)
class CredentialReport:
    """What the pipeline learnt about one credential.

    ``claims`` are the disclosed claims: the processed SD-JWT claims, or the
    ``credentialSubject`` of a VCDM credential (the first one when there are several).
    ``types`` are what the trust registry and policies match: the ``vct`` of an SD-JWT VC,
    the VCDM ``type`` values other than ``VerifiableCredential`` (or the subject's
    ``type`` for Gaia-X Tagus credentials, whose credential type is only
    ``VerifiableCredential``).
    """

    target: str
    format: str
    issuer: str | None = None
    types: list[str] = field(default_factory=list)
    claims: dict[str, Any] = field(default_factory=dict)
    document: dict[str, Any] = field(default_factory=dict)
    issued_at: datetime | None = None
    subject_ids: list[str] = field(default_factory=list)
    trust_entry: dict[str, Any] | None = None
    checks: list[ReportCheck] = field(default_factory=list)

    @property
    def verified(self) -> bool:
        return bool(self.checks) and all(check.passed for check in self.checks)

    def add(self, code: str, passed: bool, detail: str = "") -> None:
        self.checks.append(ReportCheck(stable_code(code), passed, detail, self.target))

    def to_json(self) -> dict[str, Any]:
        return {
            "target": self.target,
            "format": self.format,
            "verified": self.verified,
            "issuer": self.issuer,
            "types": self.types,
            "issued_at": self.issued_at.isoformat() if self.issued_at else None,
            "claims": self.claims,
            "trust": self.trust_entry,
        }


@dataclass(slots=True)
class VerificationReport:
    """The verdict on one input (or on every presentation of one ``vp_token``).

    ``verified`` is true only when at least one check ran and none failed. ``checks``
    holds every check, the presentation's and each credential's, in order.
    """

    kind: Literal["credential", "presentation"]
    format: str | None
    checks: list[ReportCheck] = field(default_factory=list)
    credentials: list[CredentialReport] = field(default_factory=list)
    holder: str | None = None
    policy: str | None = None
    trust_checked: bool = True

    @property
    def verified(self) -> bool:
        return bool(self.checks) and all(check.passed for check in self.checks)

    @property
    def failed(self) -> list[ReportCheck]:
        return [check for check in self.checks if not check.passed]

    @property
    def problems(self) -> list[str]:
        """One line per failed check, ``target: code: detail``."""
        return [f"{c.target}: {c.code}: {c.detail}" for c in self.failed]

    def add(self, code: str, passed: bool, detail: str, target: str) -> None:
        self.checks.append(ReportCheck(stable_code(code), passed, detail, target))

    def absorb(self, credential: CredentialReport) -> None:
        """Append a credential and its checks."""
        self.credentials.append(credential)
        self.checks.extend(credential.checks)

    @property
    def single(self) -> CredentialReport | None:
        return self.credentials[0] if len(self.credentials) == 1 else None

    def to_json(self) -> dict[str, Any]:
        single = self.single
        return {
            "verified": self.verified,
            "kind": self.kind,
            "format": self.format,
            "policy": self.policy,
            "holder": self.holder,
            "checks": [check.to_json() for check in self.checks],
            "problems": self.problems,
            "claims": single.claims if single else None,
            "issuer": single.issuer if single else None,
            "trust": single.trust_entry if single else None,
            "trust_checked": self.trust_checked,
            "credentials": [credential.to_json() for credential in self.credentials],
        }
