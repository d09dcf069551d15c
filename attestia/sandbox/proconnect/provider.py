"""The sandbox OpenID Provider: ProConnect's ``/api/v2`` behaviour, in process.

It follows what the federation publishes (reference §1.2–§1.6): discovery with the
federation's scopes, claims and ``acr`` values; ``authorize`` (code flow only, ``state``
and ``nonce`` ≥ 32 characters, optional PKCE S256, the ``claims`` parameter, unknown
parameters refused); ``token`` with ``client_secret_post`` (ProConnect's default) or
``client_secret_basic``; codes valid 60 s and single-use; ``userinfo`` as an ES256-signed
JWT (``application/jwt``) or JSON; RP-initiated logout at ``session/end``.

The signing key is an ES256 key generated in memory when the application starts (it is not
a key of the deployment's DID document); like the codes it lives as long as the process.
The client is the one registered in settings: ``ATTESTIA_PROCONNECT_CLIENT_ID`` (default
``attestia-dev``) and ``ATTESTIA_PROCONNECT_CLIENT_SECRET`` (default: random per start),
with the deployment's ``/auth/callback`` and ``/auth/logged-out`` as its only URIs.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import urlencode

from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import ECKey

from attestia.sandbox.personas import Persona, PersonaCatalogue, PersonaError
from attestia.sandbox.proconnect.errors import (
    InvalidClientError,
    InvalidGrantError,
    InvalidRequestError,
    InvalidTokenError,
    RedirectableError,
    UnsupportedGrantTypeError,
)
from attestia.sandbox.proconnect.grants import (
    ACCESS_TOKEN_LIFETIME,
    CODE_LIFETIME,
    INTERACTION_LIFETIME,
    AuthorizationParams,
    ExpiringStore,
    Grant,
)
from issuer.proconnect.constants import (
    ACR_VALUES,
    CERTIFICATION_DIRIGEANT_ACR,
    CLAIMS_SUPPORTED,
    SCOPE_CLAIMS,
)
from issuer.proconnect.tokens import access_token_hash

ID_TOKEN_LIFETIME = 3600
MIN_RANDOM_LENGTH = 32
#: Parameters ProConnect accepts at ``authorize`` (reference §1.3; PKCE per its config).
ALLOWED_PARAMETERS = frozenset(
    {
        "response_type",
        "client_id",
        "redirect_uri",
        "scope",
        "state",
        "nonce",
        "claims",
        "prompt",
        "acr_values",
        "idp_hint",
        "login_hint",
        "siret_hint",
        "code_challenge",
        "code_challenge_method",
    }
)
_PASSWORD_LEVELS = frozenset({"eidas0", "eidas0-mfa", "eidas1", "eidas1-mfa"})


@dataclass(frozen=True, slots=True)
class SandboxClient:
    """The one client registered at the sandbox."""

    client_id: str
    client_secret: str
    redirect_uris: tuple[str, ...]
    post_logout_redirect_uris: tuple[str, ...]
    userinfo_format: Literal["jwt", "json"] = "jwt"


class UnknownClientError(InvalidRequestError):
    """``client_id`` or ``redirect_uri`` is not registered: the error must not be
    redirected (RFC 6749 §4.1.2.1: the server "MUST NOT automatically redirect")."""


def _b64url_sha256(value: str) -> str:
    digest = hashlib.sha256(value.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def certification_essential(claims: Mapping[str, Any]) -> bool:
    """Whether the ``claims`` request makes certification dirigeant essential.

    As ProConnect Identité reads it: ``acr`` essential with the certification value and no
    password level requested beside it (reference §1.6).
    """
    id_token = claims.get("id_token")
    acr = id_token.get("acr") if isinstance(id_token, Mapping) else None
    if not isinstance(acr, Mapping) or acr.get("essential") is not True:
        return False
    values = acr.get("values")
    wanted = set(values) if isinstance(values, list) else {acr.get("value")}
    return CERTIFICATION_DIRIGEANT_ACR in wanted and not (wanted & _PASSWORD_LEVELS)


def redirect_error(redirect_uri: str, state: str | None, error: RedirectableError) -> str:
    """RFC 6749 §4.1.2.1: the error, its description and the ``state`` as received."""
    query = {"error": error.code, "error_description": error.description}
    if state:
        query["state"] = state
    return f"{redirect_uri}?{urlencode(query)}"


class SandboxProvider:
    """A ProConnect-like OpenID Provider over the sandbox personas."""

    def __init__(
        self,
        *,
        issuer: str,
        client: SandboxClient,
        personas: PersonaCatalogue,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.issuer = issuer
        self.client = client
        self.personas = personas
        self.clock = clock
        self.key = ECKey.generate_key("P-256", parameters={"use": "sig", "alg": "ES256"})
        self.key.ensure_kid()
        self._interactions: ExpiringStore[AuthorizationParams] = ExpiringStore()
        self._codes: ExpiringStore[Grant] = ExpiringStore()
        self._used_codes: ExpiringStore[str] = ExpiringStore()
        self._access_tokens: ExpiringStore[Grant] = ExpiringStore()

    # Discovery ------------------------------------------------------------------------

    def discovery(self) -> dict[str, Any]:
        """OpenID Connect Discovery 1.0 §3, with the federation's values (reference §1)."""
        base = self.issuer
        return {
            "issuer": base,
            "authorization_endpoint": f"{base}/authorize",
            "token_endpoint": f"{base}/token",
            "userinfo_endpoint": f"{base}/userinfo",
            "jwks_uri": f"{base}/jwks",
            "end_session_endpoint": f"{base}/session/end",
            "scopes_supported": list(SCOPE_CLAIMS),
            "claims_supported": list(CLAIMS_SUPPORTED),
            "acr_values_supported": list(ACR_VALUES),
            "response_types_supported": ["code"],
            "response_modes_supported": ["query"],
            "grant_types_supported": ["authorization_code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["ES256"],
            "userinfo_signing_alg_values_supported": ["ES256"],
            "token_endpoint_auth_methods_supported": ["client_secret_post", "client_secret_basic"],
            "code_challenge_methods_supported": ["S256"],
            "claims_parameter_supported": True,
            "request_parameter_supported": False,
            "request_uri_parameter_supported": False,
        }

    def jwks(self) -> dict[str, Any]:
        return {"keys": [self.key.as_dict(private=False)]}

    # Authorization --------------------------------------------------------------------

    def validate_authorization(self, params: Mapping[str, str]) -> AuthorizationParams:
        """OIDC Core §3.1.2.2. Raises :class:`UnknownClientError` (show a page) or
        :class:`RedirectableError` (send back to the client)."""
        if params.get("client_id") != self.client.client_id:
            raise UnknownClientError("unknown client_id")
        redirect_uri = params.get("redirect_uri", "")
        if redirect_uri not in self.client.redirect_uris:
            raise UnknownClientError("redirect_uri is not registered for this client")
        unknown = sorted(set(params) - ALLOWED_PARAMETERS)
        if unknown:
            raise RedirectableError("invalid_request", f"unknown parameter {unknown[0]}")
        if params.get("response_type") != "code":
            raise RedirectableError("unsupported_response_type", "only response_type=code")
        scopes = tuple(params.get("scope", "").split())
        if "openid" not in scopes:
            raise RedirectableError("invalid_scope", "scope must include openid")
        state, nonce = params.get("state", ""), params.get("nonce", "")
        if len(state) < MIN_RANDOM_LENGTH or len(nonce) < MIN_RANDOM_LENGTH:
            raise RedirectableError(
                "invalid_request", "state and nonce must each be at least 32 characters"
            )
        challenge = params.get("code_challenge")
        method = params.get("code_challenge_method")
        if (challenge or method) and (method != "S256" or not challenge):
            raise RedirectableError(
                "invalid_request", "PKCE needs code_challenge with code_challenge_method=S256"
            )
        try:
            claims = json.loads(params["claims"]) if params.get("claims") else {}
        except ValueError:
            claims = None
        if not isinstance(claims, dict):
            raise RedirectableError("invalid_request", "claims must be a JSON object")
        return AuthorizationParams(
            client_id=self.client.client_id,
            redirect_uri=redirect_uri,
            scopes=scopes,
            state=state,
            nonce=nonce,
            code_challenge=challenge,
            claims=claims,
            certification_essential=certification_essential(claims),
            siret_hint=params.get("siret_hint"),
        )

    def start_interaction(self, request: AuthorizationParams) -> str:
        interaction = secrets.token_urlsafe(24)
        self._interactions.put(interaction, request, self.clock() + INTERACTION_LIFETIME)
        return interaction

    def interaction(self, interaction: str) -> AuthorizationParams | None:
        return self._interactions.peek(interaction, self.clock())

    def error_redirect(self, request: AuthorizationParams, error: RedirectableError) -> str:
        return redirect_error(request.redirect_uri, request.state, error)

    def complete_interaction(
        self, interaction: str, *, persona_id: str, siret: str, acr: str
    ) -> str:
        """The persona picker's answer: the redirect back with a code, or with
        ``access_denied`` when an essential certification cannot be reached (OIDC Core
        §5.5.1.1 lets the OP refuse when an essential claim cannot be met)."""
        request = self._interactions.take(interaction, self.clock())
        if request is None:
            raise InvalidRequestError("this login page has expired; start again")
        try:
            persona = self.personas.get(persona_id)
            persona.userinfo(siret, acr)
        except (KeyError, PersonaError):
            raise InvalidRequestError("unknown persona, SIRET or acr for this persona") from None
        if request.certification_essential and not persona.can_reach(CERTIFICATION_DIRIGEANT_ACR):
            return self.error_redirect(
                request,
                RedirectableError(
                    "access_denied",
                    "certification dirigeant is essential but this user cannot obtain it",
                ),
            )
        return self.issue_code(request, persona, siret=siret, acr=acr)

    def deny(self, interaction: str) -> str:
        request = self._interactions.take(interaction, self.clock())
        if request is None:
            raise InvalidRequestError("this login page has expired; start again")
        return self.error_redirect(
            request, RedirectableError("access_denied", "the user cancelled the login")
        )

    def issue_code(
        self, request: AuthorizationParams, persona: Persona, *, siret: str, acr: str
    ) -> str:
        now = self.clock()
        code = secrets.token_urlsafe(32)
        grant = Grant(request, persona.id, siret, acr, int(now), secrets.token_urlsafe(16))
        self._codes.put(code, grant, now + CODE_LIFETIME)
        return f"{request.redirect_uri}?{urlencode({'code': code, 'state': request.state})}"

    # Token ----------------------------------------------------------------------------

    def authenticate_client(self, form: Mapping[str, str], basic: tuple[str, str] | None) -> None:
        """``client_secret_post`` or ``client_secret_basic`` (OIDC Core §9), not both."""
        posted = form.get("client_secret")
        if basic is not None and posted is not None:
            raise InvalidRequestError("use one client authentication method only")
        client_id, secret = basic if basic is not None else (form.get("client_id"), posted)
        if (
            client_id != self.client.client_id
            or secret is None
            or not hmac.compare_digest(secret.encode(), self.client.client_secret.encode())
        ):
            raise InvalidClientError("client authentication failed")

    def token(self, form: Mapping[str, str], basic: tuple[str, str] | None) -> dict[str, Any]:
        """RFC 6749 §4.1.3 / OIDC Core §3.1.3: exchange a code once."""
        self.authenticate_client(form, basic)
        if form.get("grant_type") != "authorization_code":
            raise UnsupportedGrantTypeError("only authorization_code is supported")
        code = form.get("code", "")
        now = self.clock()
        grant = self._codes.take(code, now)
        if grant is None:
            revoked = self._used_codes.take(code, now)
            if revoked is not None:  # RFC 6749 §4.1.2: revoke what a replayed code gave
                self._access_tokens.discard(revoked)
            raise InvalidGrantError("the code is unknown, expired or already used")
        request = grant.request
        if form.get("redirect_uri") != request.redirect_uri:
            raise InvalidGrantError("redirect_uri differs from the authorization request")
        verifier = form.get("code_verifier")
        if request.code_challenge is not None and (
            verifier is None
            or not hmac.compare_digest(
                _b64url_sha256(verifier).encode(), request.code_challenge.encode()
            )
        ):
            raise InvalidGrantError("PKCE verification failed (RFC 7636 §4.6)")
        access_token = secrets.token_urlsafe(32)
        self._access_tokens.put(access_token, grant, now + ACCESS_TOKEN_LIFETIME)
        self._used_codes.put(code, access_token, now + ACCESS_TOKEN_LIFETIME)
        return {
            "access_token": access_token,
            "token_type": "Bearer",
            "expires_in": ACCESS_TOKEN_LIFETIME,
            "id_token": self.id_token(grant, access_token),
            "scope": " ".join(request.scopes),
        }

    def sign(self, claims: Mapping[str, Any], typ: str = "JWT") -> str:
        header = {"alg": "ES256", "kid": self.key.kid, "typ": typ}
        return jwt.encode(header, dict(claims), self.key, algorithms=["ES256"])

    def id_token(self, grant: Grant, access_token: str, *, nonce: str | None = None) -> str:
        """The id_token of OIDC Core §2, with ProConnect's ``acr``/``amr``/``sid``."""
        now = int(self.clock())
        persona = self.personas.get(grant.persona_id)
        claims: dict[str, Any] = {
            "iss": self.issuer,
            "sub": persona.claims.sub,
            "aud": grant.request.client_id,
            "exp": now + ID_TOKEN_LIFETIME,
            "iat": now,
            "nonce": grant.request.nonce if nonce is None else nonce,
            "acr": grant.acr,
            "auth_time": grant.auth_time,
            "sid": grant.sid,
            "at_hash": access_token_hash(access_token, "ES256"),
        }
        id_token_claims = grant.request.claims.get("id_token")
        if "amr" in grant.request.scopes or (
            isinstance(id_token_claims, dict) and "amr" in id_token_claims
        ):
            claims["amr"] = ["pwd", "mfa"] if grant.acr != "eidas1" else ["pwd"]
        return self.sign(claims)

    # Userinfo -------------------------------------------------------------------------

    def userinfo_claims(self, access_token: str) -> dict[str, Any]:
        grant = self._access_tokens.peek(access_token, self.clock())
        if grant is None:
            raise InvalidTokenError(
                "the access token is unknown or expired",
                headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
            )
        persona = self.personas.get(grant.persona_id)
        full = persona.userinfo(grant.siret, grant.acr)
        full["custom"] = {}
        granted = {claim for scope in grant.request.scopes for claim in SCOPE_CLAIMS.get(scope, ())}
        return {name: value for name, value in full.items() if name in granted or name == "sub"}

    def userinfo(self, access_token: str) -> tuple[str, str | dict[str, Any]]:
        """OIDC Core §5.3.2: ``application/jwt`` signed, with ``iss``/``aud``, or JSON."""
        claims = self.userinfo_claims(access_token)
        if self.client.userinfo_format == "json":
            return "application/json", claims
        now = int(self.clock())
        signed = {**claims, "iss": self.issuer, "aud": self.client.client_id, "iat": now}
        return "application/jwt", self.sign({**signed, "exp": now + ACCESS_TOKEN_LIFETIME})

    # Logout ---------------------------------------------------------------------------

    def end_session(self, params: Mapping[str, str]) -> str | None:
        """RP-Initiated Logout 1.0 §2–§3: check the hint and the URI, then redirect.

        §3: the OP "MUST NOT perform post-logout redirection unless the
        post_logout_redirect_uri … exactly matches one of the previously registered"
        values, and when ``id_token_hint`` is given it must be an id_token this OP issued
        to that client (an expired one is accepted, as §2 allows).
        """
        hint = params.get("id_token_hint")
        client_id = params.get("client_id")
        if hint:
            try:
                claims = jwt.decode(hint, self.key, algorithms=["ES256"]).claims
            except (JoseError, ValueError):
                raise InvalidRequestError("id_token_hint was not issued by this provider") from None
            if claims.get("iss") != self.issuer or claims.get("aud") != self.client.client_id:
                raise InvalidRequestError("id_token_hint was not issued to this client")
            if client_id is not None and client_id != claims.get("aud"):
                raise InvalidRequestError("client_id does not match id_token_hint")
        elif client_id != self.client.client_id:
            raise InvalidRequestError("id_token_hint or a known client_id is required")
        target = params.get("post_logout_redirect_uri")
        if target is None:
            return None
        if target not in self.client.post_logout_redirect_uris:
            raise InvalidRequestError("post_logout_redirect_uri is not registered")
        state = params.get("state")
        return f"{target}?{urlencode({'state': state})}" if state else target
