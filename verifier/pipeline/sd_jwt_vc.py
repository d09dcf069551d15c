"""The ``dc+sd-jwt`` stage: RFC 9901 §7 and SD-JWT VC §3.4 through ``credentials``.

An SD-JWT VC is at once the credential and (with its KB-JWT) the presentation, so it
yields one :class:`~verifier.pipeline.report.CredentialReport` carrying the holder
binding checks too. Key binding is required when the caller verifies a presentation
(RFC 9901 §7.1: the verifier's policy, never inferred from a KB-JWT's presence); the
KB-JWT's ``nonce`` / ``aud`` must equal the caller's ``challenge`` / ``domain``, its
``sd_hash`` the presented SD-JWT, its ``iat`` be recent (§7.3).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from credentials.errors import CredentialError
from credentials.sd_jwt import SdJwtPolicy, check_sd_jwt
from credentials.sd_jwt_vc import check_payload
from verifier.pipeline.keys import KeyDirectory
from verifier.pipeline.report import CredentialReport

#: Claims that describe the token rather than the subject; not shown as disclosed claims.
_TECHNICAL = frozenset({"_sd_alg", "cnf", "status"})


@dataclass(frozen=True, slots=True)
class SdJwtOutcome:
    """The report, and what the status step needs (the verified payload)."""

    report: CredentialReport
    claims: dict[str, Any] | None
    header: dict[str, Any] | None


def verify_sd_jwt_vc(
    text: str,
    *,
    target: str,
    keys: KeyDirectory,
    now: float,
    policy: SdJwtPolicy,
    require_key_binding: bool,
    challenge: str | None,
    domain: str | None,
) -> SdJwtOutcome:
    """Run the SD-JWT VC checks; the report's checks use the stable codes."""
    report = CredentialReport(target=target, format="dc+sd-jwt")
    if require_key_binding and (challenge is None or domain is None):
        report.add(
            "holder_binding",
            False,
            "a presentation needs the verifier's challenge (nonce) and domain (audience)",
        )
        return SdJwtOutcome(report, None, None)
    result, verified = check_sd_jwt(
        text,
        issuer_key=keys.sd_jwt_issuer(now),
        now=now,
        require_key_binding=require_key_binding,
        expected_nonce=challenge,
        expected_aud=domain,
        policy=policy,
    )
    for check in result.checks:
        if check.code == "malformed" and check.passed:
            continue
        if check.code == "disclosures":
            detail = f"disclosures: {check.detail}" if check.detail else "disclosures match"
            report.add("signature", check.passed, detail)
            continue
        report.add(check.code, check.passed, check.detail)
    if verified is None:
        return SdJwtOutcome(report, None, None)
    try:
        check_payload(verified.issuer_payload, verified.claims)
    except CredentialError as exc:
        report.add("data_model", False, exc.detail)
        return SdJwtOutcome(report, None, None)
    report.add("data_model", True, "SD-JWT VC payload")
    claims = verified.claims
    report.issuer = claims.get("iss") if isinstance(claims.get("iss"), str) else None
    report.types = [claims["vct"]]
    report.claims = {k: v for k, v in claims.items() if k not in _TECHNICAL}
    iat = claims.get("iat")
    if isinstance(iat, int | float) and not isinstance(iat, bool):
        report.issued_at = datetime.fromtimestamp(iat, UTC)
    cnf = claims.get("cnf")
    if isinstance(cnf, dict) and isinstance(cnf.get("kid"), str):
        report.subject_ids = [cnf["kid"]]
    return SdJwtOutcome(report, claims, verified.header)
