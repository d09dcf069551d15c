"""ProConnect relying party: OpenID Connect Core 1.0 against the ProConnect federation.

ProConnect (formerly AgentConnect) is the French state's OpenID Connect federation for
professionals; its provider lives under ``https://<domain>/api/v2`` with discovery at
``/api/v2/.well-known/openid-configuration`` (reference §1.1). This package is the
framework-free protocol side of the login:

- :mod:`.constants`: the federation's scopes, claims, ``acr`` values and roles;
- :mod:`.metadata`: discovery and JWKS, fetched with a timeout and cached with a TTL;
- :mod:`.tokens`: id_token (OIDC Core §3.1.3.7) and signed userinfo (§5.3.2) validation;
- :mod:`.identity`: the authenticated identity kept in a web session;
- :mod:`.client`: the authorization request (with PKCE, RFC 7636), the callback, logout
  (OpenID Connect RP-Initiated Logout 1.0).

Storage of the pending login and of the identity is the caller's job; HTTP goes through an
injected ``httpx`` transport so that tests (and the in-process sandbox) replace it.
"""

from issuer.proconnect.client import (
    AuthorizationRequest,
    CallbackParams,
    PendingLogin,
    RelyingParty,
    RelyingPartyConfig,
)
from issuer.proconnect.constants import CERTIFICATION_DIRIGEANT_ACR
from issuer.proconnect.errors import OIDCError
from issuer.proconnect.identity import ProConnectIdentity

__all__ = [
    "CERTIFICATION_DIRIGEANT_ACR",
    "AuthorizationRequest",
    "CallbackParams",
    "OIDCError",
    "PendingLogin",
    "ProConnectIdentity",
    "RelyingParty",
    "RelyingPartyConfig",
]
