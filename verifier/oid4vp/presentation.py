"""The port through which the response endpoint verifies each presentation.

OpenID4VP fixes what binds a presentation to the request (Appendix B): for SD-JWT VC the
KB-JWT ``nonce`` and ``aud`` = the Client Identifier *with its prefix* (B.3.6); for
``jwt_vc_json`` the VP's ``nonce`` and ``aud`` (B.1.3.1.5); for ``ldp_vc`` the proof's
``challenge`` and ``domain`` (B.1.3.2.5). Everything else (signature, validity, status,
trust, policy) is the verification pipeline's job. :class:`PresentationVerifier` is the
small interface this package needs; :class:`CredentialsPresentationVerifier` implements it
with :mod:`credentials` alone (signature, validity, holder binding; no status or trust) for
deployments and tests without the full pipeline.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from credentials.did.resolver import DidResolver
from credentials.result import Check, VerificationResult
from credentials.sd_jwt_vc import DidKeyResolver, check_sd_jwt_vc, issuer_key_resolver
from credentials.vc_jose import verify_vp_jwt
from verifier.oid4vp.dcql import FORMAT_JWT_VC_JSON, FORMAT_SD_JWT_VC
from verifier.oid4vp.matching import PresentedCredential


@dataclass(slots=True)
class PresentationOutcome:
    """The verdict on one presentation and the credentials it proved."""

    verified: bool
    checks: list[Check] = field(default_factory=list)
    credentials: list[PresentedCredential] = field(default_factory=list)
    detail: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "verified": self.verified,
            "checks": [check.to_json() for check in self.checks],
            "credentials": [
                {
                    "format": c.format,
                    "issuer": c.issuer,
                    "vct": c.vct,
                    "types": list(c.types),
                    "claims": dict(c.claims),
                }
                for c in self.credentials
            ],
            **({"detail": self.detail} if self.detail else {}),
        }


class PresentationVerifier(Protocol):
    """Verify one presentation bound to ``nonce`` and ``audience`` (the client_id)."""

    def verify(
        self,
        presentation: object,
        *,
        format: str,
        nonce: str,
        audience: str,
        require_holder_binding: bool,
        now: float,
    ) -> PresentationOutcome: ...


def _outcome(
    result: VerificationResult, credentials: list[PresentedCredential]
) -> PresentationOutcome:
    return PresentationOutcome(
        verified=result.verified,
        checks=list(result.checks),
        credentials=credentials if result.verified else [],
    )


def _types(claims: Mapping[str, Any]) -> tuple[str, ...]:
    value = claims.get("type")
    items = value if isinstance(value, list) else [value]
    return tuple(item for item in items if isinstance(item, str))


class CredentialsPresentationVerifier:
    """SD-JWT VC and ``vp+jwt`` verification with :mod:`credentials` and a DID resolver."""

    def __init__(self, resolver: DidResolver) -> None:
        self._resolver = resolver
        self._handlers: dict[str, Callable[..., PresentationOutcome]] = {
            FORMAT_SD_JWT_VC: self._sd_jwt_vc,
            FORMAT_JWT_VC_JSON: self._vp_jwt,
        }

    def verify(
        self,
        presentation: object,
        *,
        format: str,
        nonce: str,
        audience: str,
        require_holder_binding: bool,
        now: float,
    ) -> PresentationOutcome:
        handler = self._handlers.get(format)
        if handler is None:
            check = Check("format", False, f"presentations in {format!r} are not verified here")
            return PresentationOutcome(verified=False, checks=[check])
        return handler(
            presentation,
            nonce=nonce,
            audience=audience,
            require_holder_binding=require_holder_binding,
            now=now,
        )

    def _sd_jwt_vc(
        self,
        presentation: object,
        *,
        nonce: str,
        audience: str,
        require_holder_binding: bool,
        now: float,
    ) -> PresentationOutcome:
        def by_did_url(did_url: str) -> Any:
            return self._resolver.verification_method_for(did_url, "assertionMethod").public_key

        result = check_sd_jwt_vc(
            presentation,
            issuer_key=issuer_key_resolver(did=DidKeyResolver(by_did_url)),
            now=now,
            require_key_binding=require_holder_binding,
            expected_nonce=nonce,
            expected_aud=audience,
        )
        claims = result.claims
        credential = PresentedCredential(
            format=FORMAT_SD_JWT_VC,
            claims=claims,
            vct=claims.get("vct") if isinstance(claims.get("vct"), str) else None,
            issuer=claims.get("iss") if isinstance(claims.get("iss"), str) else None,
        )
        return _outcome(result, [credential])

    def _vp_jwt(
        self,
        presentation: object,
        *,
        nonce: str,
        audience: str,
        require_holder_binding: bool,
        now: float,
    ) -> PresentationOutcome:
        result = verify_vp_jwt(
            presentation,
            key_resolver=self._resolver.jose_key_resolver("authentication"),
            credential_key_resolver=self._resolver.jose_key_resolver("assertionMethod"),
            now=now,
            expected_nonce=nonce,
            expected_audience=audience,
            require_holder_is_subject=require_holder_binding,
        )
        credentials = []
        for nested in result.extra.get("credentials", []):
            claims = nested.get("claims") or {}
            credentials.append(
                PresentedCredential(
                    format=FORMAT_JWT_VC_JSON,
                    claims=claims,
                    types=_types(claims),
                    issuer=nested.get("issuer"),
                )
            )
        if not credentials:
            result.fail("data_model", "the presentation holds no credential")
        return _outcome(result, credentials)
