"""The relying party's login: authorization request, callback, logout.

OIDC Core 1.0 §3.1 authorization code flow, with PKCE S256 (RFC 7636 §4.2), ``state`` and
``nonce`` of 48 characters (ProConnect requires ≥ 32, reference §1.3), the ``claims``
parameter (OIDC Core §5.5) asking for ``acr`` and ``amr`` in the id_token, and, for an
executive credential, ``acr`` essential with the certification-dirigeant value
(reference §1.6). The code is exchanged over httpx, the client authenticated with
authlib's encoders; the id_token is then validated (:func:`.tokens.verify_id_token`),
``acr`` checked on this side, and userinfo read as a signed JWT (``application/jwt``) or
JSON as configured.

Logout: OpenID Connect RP-Initiated Logout 1.0 §2, to ``end_session_endpoint`` with
``id_token_hint``, ``state`` and the one configured ``post_logout_redirect_uri``.
"""

from __future__ import annotations

import base64
import hashlib
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal, cast
from urllib.parse import urlencode

import httpx
from authlib.common.security import generate_token
from authlib.common.urls import add_params_to_qs
from authlib.oauth2.auth import ClientAuth

from credentials.keys import Signer
from issuer.proconnect.client_auth import private_key_jwt
from issuer.proconnect.constants import CERTIFICATION_DIRIGEANT_ACR
from issuer.proconnect.errors import (
    CertificationMissingError,
    InvalidStateError,
    InvalidUserinfoError,
    ProviderDeniedError,
    ProviderUnavailableError,
    TokenRequestFailedError,
)
from issuer.proconnect.identity import ProConnectIdentity
from issuer.proconnect.metadata import Key, ProviderCache
from issuer.proconnect.tokens import (
    check_userinfo_subject,
    verify_id_token,
    verify_userinfo_jwt,
)

AuthMethod = Literal["client_secret_post", "client_secret_basic", "private_key_jwt"]
RANDOM_LENGTH = 48
VERIFIER_LENGTH = 64


@dataclass(frozen=True, slots=True)
class RelyingPartyConfig:
    """How this client is registered at the provider."""

    issuer: str
    client_id: str
    redirect_uri: str
    post_logout_redirect_uri: str
    scopes: tuple[str, ...]
    client_secret: str | None = None
    auth_method: AuthMethod = "client_secret_post"
    userinfo_format: Literal["jwt", "json"] = "jwt"
    timeout: float = 10.0
    cache_ttl: float = 3600.0
    client_assertion_signer: Signer | None = None


@dataclass(frozen=True, slots=True)
class PendingLogin:
    """What must be remembered server-side between the redirect and the callback."""

    state: str
    nonce: str
    code_verifier: str
    certification: bool
    next_path: str

    def to_json(self) -> dict[str, Any]:
        return {
            "state": self.state,
            "nonce": self.nonce,
            "code_verifier": self.code_verifier,
            "certification": self.certification,
            "next_path": self.next_path,
        }

    @classmethod
    def from_json(cls, data: Any) -> PendingLogin:
        try:
            return cls(
                state=str(data["state"]),
                nonce=str(data["nonce"]),
                code_verifier=str(data["code_verifier"]),
                certification=bool(data["certification"]),
                next_path=str(data["next_path"]),
            )
        except (KeyError, TypeError):
            raise InvalidStateError("the pending login is unreadable") from None


@dataclass(frozen=True, slots=True)
class AuthorizationRequest:
    url: str
    pending: PendingLogin


@dataclass(frozen=True, slots=True)
class CallbackParams:
    """The query of the redirect back (OIDC Core §3.1.2.5 and §3.1.2.6)."""

    state: str | None
    code: str | None = None
    error: str | None = None
    error_description: str | None = None


@dataclass(frozen=True, slots=True)
class LoginResult:
    identity: ProConnectIdentity
    id_token: str


def s256_challenge(code_verifier: str) -> str:
    """RFC 7636 §4.2: ``BASE64URL-ENCODE(SHA256(ASCII(code_verifier)))``."""
    digest = hashlib.sha256(code_verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def claims_request(certification: bool) -> dict[str, Any]:
    """The ``claims`` parameter (OIDC Core §5.5; reference §1.6)."""
    acr: dict[str, Any] | None = (
        {"essential": True, "value": CERTIFICATION_DIRIGEANT_ACR} if certification else None
    )
    return {"id_token": {"acr": acr, "amr": None}}


class RelyingParty:
    """ProConnect login for one registered client; stateless between calls except caches."""

    def __init__(
        self,
        config: RelyingPartyConfig,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        clock: Callable[[], float] = time.time,
        random_token: Callable[[int], str] = generate_token,
    ) -> None:
        if config.auth_method == "private_key_jwt" and config.client_assertion_signer is None:
            raise ValueError("private_key_jwt needs a client assertion signer")
        if config.auth_method != "private_key_jwt" and not config.client_secret:
            raise ValueError(f"{config.auth_method} needs a client secret")
        if "openid" not in config.scopes:
            raise ValueError("scopes must include openid")
        self.config = config
        self._transport = transport
        self._clock = clock
        self._random = random_token
        self.provider = ProviderCache(config.issuer, http=self._http, ttl=config.cache_ttl)

    def _http(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(
            transport=self._transport, timeout=self.config.timeout, follow_redirects=False
        )

    async def _key(self, kid: str | None, alg: str) -> Key | None:
        return await self.provider.key(kid, alg)

    async def start_login(self, *, certification: bool, next_path: str) -> AuthorizationRequest:
        """Build the authorization request (OIDC Core §3.1.2.1) and what to remember."""
        metadata = await self.provider.metadata()
        pending = PendingLogin(
            state=self._random(RANDOM_LENGTH),
            nonce=self._random(RANDOM_LENGTH),
            code_verifier=self._random(VERIFIER_LENGTH),
            certification=certification,
            next_path=next_path,
        )
        query = {
            "response_type": "code",
            "client_id": self.config.client_id,
            "redirect_uri": self.config.redirect_uri,
            "scope": " ".join(self.config.scopes),
            "state": pending.state,
            "nonce": pending.nonce,
            "claims": json.dumps(claims_request(certification), separators=(",", ":")),
            "code_challenge": s256_challenge(pending.code_verifier),
            "code_challenge_method": "S256",
        }
        separator = "&" if "?" in metadata.authorization_endpoint else "?"
        return AuthorizationRequest(
            f"{metadata.authorization_endpoint}{separator}{urlencode(query)}", pending
        )

    async def finish_login(self, params: CallbackParams, pending: PendingLogin) -> LoginResult:
        """Complete the login; the caller has matched ``params.state`` to ``pending``."""
        if params.state != pending.state:
            raise InvalidStateError("state does not match the login started here")
        if params.error:
            detail = f": {params.error_description}" if params.error_description else ""
            raise ProviderDeniedError(f"{params.error[:64]}{detail[:200]}")
        if not params.code:
            raise InvalidStateError("the callback carries neither code nor error")
        metadata = await self.provider.metadata()
        token = await self._exchange(metadata.token_endpoint, params.code, pending)
        id_token = token.get("id_token")
        access_token = token.get("access_token")
        if not isinstance(id_token, str) or not isinstance(access_token, str):
            raise TokenRequestFailedError("token response lacks id_token or access_token")
        verified = await verify_id_token(
            id_token,
            keys=self._key,
            issuer=metadata.issuer,
            client_id=self.config.client_id,
            nonce=pending.nonce,
            now=self._clock(),
            access_token=access_token,
        )
        if pending.certification and verified.claims.get("acr") != CERTIFICATION_DIRIGEANT_ACR:
            raise CertificationMissingError(
                f"acr is {verified.claims.get('acr')!r}, not {CERTIFICATION_DIRIGEANT_ACR}"
            )
        userinfo = await self._userinfo(
            metadata.userinfo_endpoint, access_token, verified.claims["sub"]
        )
        identity = ProConnectIdentity.from_claims(
            id_token=verified.claims,
            userinfo=userinfo,
            certification_requested=pending.certification,
        )
        return LoginResult(identity=identity, id_token=id_token)

    async def _exchange(self, endpoint: str, code: str, pending: PendingLogin) -> dict[str, Any]:
        """RFC 6749 §4.1.3 token request with the PKCE ``code_verifier`` (RFC 7636 §4.5),
        the client authenticated by authlib's ``ClientAuth`` encoders (OIDC Core §9)."""
        config = self.config
        body = add_params_to_qs(
            "",
            [
                ("grant_type", "authorization_code"),
                ("code", code),
                ("redirect_uri", config.redirect_uri),
                ("code_verifier", pending.code_verifier),
            ],
        )
        method: Any = config.auth_method
        if config.auth_method == "private_key_jwt":
            assert config.client_assertion_signer is not None
            method = private_key_jwt(config.client_assertion_signer, endpoint)
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Accept": "application/json",
        }
        auth = ClientAuth(config.client_id, config.client_secret, method)
        prepare = cast(Callable[..., tuple[str, dict[str, str], str]], auth.prepare)
        _, headers, body = prepare("POST", endpoint, headers, body)
        try:
            async with self._http() as client:
                response = await client.post(endpoint, content=body, headers=headers)
        except httpx.HTTPError as exc:
            raise ProviderUnavailableError(f"token endpoint: {type(exc).__name__}") from None
        try:
            token = response.json()
        except ValueError:
            token = None
        if not isinstance(token, dict):
            raise ProviderUnavailableError(f"token endpoint: HTTP {response.status_code}, no JSON")
        if response.status_code != 200 or "error" in token:
            error = str(token.get("error", "server_error"))[:64]
            raise TokenRequestFailedError(f"token endpoint refused the code: {error}")
        if str(token.get("token_type", "")).lower() != "bearer":
            raise TokenRequestFailedError("token_type must be Bearer")
        return token

    async def _userinfo(self, endpoint: str, access_token: str, sub: str) -> dict[str, Any]:
        """OIDC Core §5.3: a signed JWT (§5.3.2) or JSON, as this client is registered."""
        try:
            async with self._http() as client:
                response = await client.get(
                    endpoint,
                    headers={
                        "Authorization": f"Bearer {access_token}",
                        "Accept": "application/jwt, application/json",
                    },
                )
        except httpx.HTTPError as exc:
            raise ProviderUnavailableError(f"userinfo: {type(exc).__name__}") from None
        if response.status_code != 200:
            raise ProviderUnavailableError(f"userinfo: HTTP {response.status_code}")
        media_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
        if media_type == "application/jwt":
            return await verify_userinfo_jwt(
                response.text.strip(),
                keys=self._key,
                issuer=self.config.issuer,
                client_id=self.config.client_id,
                sub=sub,
                now=self._clock(),
            )
        if self.config.userinfo_format == "jwt":
            raise InvalidUserinfoError(
                f"userinfo must be a signed JWT, got {media_type or 'nothing'}"
            )
        try:
            claims = response.json()
        except ValueError:
            raise InvalidUserinfoError("userinfo is not JSON") from None
        return check_userinfo_subject(claims, sub)

    async def logout_url(self, *, id_token: str | None, state: str) -> str | None:
        """The provider's ``end_session_endpoint`` URL (RP-Initiated Logout 1.0 §2)."""
        metadata = await self.provider.metadata()
        if metadata.end_session_endpoint is None:
            return None
        query = {"state": state, "post_logout_redirect_uri": self.config.post_logout_redirect_uri}
        if id_token:
            query["id_token_hint"] = id_token
        else:
            query["client_id"] = self.config.client_id
        separator = "&" if "?" in metadata.end_session_endpoint else "?"
        return f"{metadata.end_session_endpoint}{separator}{urlencode(query)}"
