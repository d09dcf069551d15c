"""Wallet keys: a holder key that signs key proofs (Appendix F.1) and a DPoP key (RFC 9449)."""

from __future__ import annotations

import hashlib
import secrets
import time
from dataclasses import dataclass, field
from typing import Any

from credentials import multiformats as mf
from credentials.did.jwk import did_jwk_from_jwk
from credentials.jose import sign_jwt
from credentials.keys import (
    KeyType,
    SoftwareSigner,
    generate_private_key,
    jwk_thumbprint,
    public_jwk,
)

PROOF_TYP = "openid4vci-proof+jwt"


def _signer(key_type: KeyType) -> SoftwareSigner:
    key = generate_private_key(key_type)
    return SoftwareSigner(key, kid=jwk_thumbprint(public_jwk(key.public_key())))


@dataclass
class WalletKey:
    """A holder key; ``did`` is its did:jwk."""

    key_type: KeyType = "P-256"
    signer: SoftwareSigner = field(init=False)

    def __post_init__(self) -> None:
        self.signer = _signer(self.key_type)

    @property
    def jwk(self) -> dict[str, Any]:
        return self.signer.public_jwk()

    @property
    def did(self) -> str:
        return did_jwk_from_jwk(self.jwk)

    def proof(
        self,
        *,
        audience: str,
        nonce: str | None,
        by: str = "kid",
        issued_at: float | None = None,
        client_id: str | None = None,
        header: dict[str, Any] | None = None,
        claims: dict[str, Any] | None = None,
    ) -> str:
        """A key proof JWT; ``by`` is ``kid`` (did:jwk DID URL), ``jwk``, or ``both``."""
        protected: dict[str, Any] = {"typ": PROOF_TYP}
        if by in ("kid", "both"):
            protected["kid"] = self.did + "#0"
        if by in ("jwk", "both"):
            protected["jwk"] = self.jwk
        protected.update(header or {})
        body: dict[str, Any] = {
            "aud": audience,
            "iat": int(time.time() if issued_at is None else issued_at),
        }
        if nonce is not None:
            body["nonce"] = nonce
        if client_id is not None:
            body["iss"] = client_id
        body.update(claims or {})
        return sign_jwt(protected, body, self.signer)


@dataclass
class DpopKey:
    """A DPoP key pair and proof maker (RFC 9449 §4.2)."""

    signer: SoftwareSigner = field(default_factory=lambda: _signer("P-256"))

    @property
    def jkt(self) -> str:
        return jwk_thumbprint(self.signer.public_jwk())

    def proof(
        self,
        method: str,
        url: str,
        *,
        access_token: str | None = None,
        jti: str | None = None,
        issued_at: float | None = None,
    ) -> str:
        claims: dict[str, Any] = {
            "jti": jti or secrets.token_urlsafe(16),
            "htm": method,
            "htu": url,
            "iat": int(time.time() if issued_at is None else issued_at),
        }
        if access_token is not None:
            digest = hashlib.sha256(access_token.encode("ascii")).digest()
            claims["ath"] = mf.b64url_encode(digest)
        header = {"typ": "dpop+jwt", "jwk": self.signer.public_jwk()}
        return sign_jwt(header, claims, self.signer)
