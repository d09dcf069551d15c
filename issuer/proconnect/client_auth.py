"""Client authentication at the token endpoint (OIDC Core 1.0 §9).

ProConnect registers clients with ``client_secret_post`` by default and also allows
``private_key_jwt`` (reference §1.3). For ``private_key_jwt`` the client sends a JWT
"signed using the private key … containing iss, sub (both the client_id), aud (the token
endpoint), jti, exp and iat" (§9), signed here through a :class:`credentials.keys.Signer`
so that the private key never leaves the key store.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from authlib.common.security import generate_token
from authlib.oauth2.auth import ClientAuth

from credentials.jose import sign_jwt
from credentials.keys import Signer

CLIENT_ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
ASSERTION_LIFETIME = 60


def assertion_kid(signer: Signer) -> str:
    """The ``kid`` published for the client key: the fragment of its DID URL."""
    return signer.kid.rsplit("#", 1)[-1]


def client_assertion(
    signer: Signer, *, client_id: str, audience: str, now: float | None = None
) -> str:
    issued = int(time.time() if now is None else now)
    claims = {
        "iss": client_id,
        "sub": client_id,
        "aud": audience,
        "jti": generate_token(32),
        "iat": issued,
        "exp": issued + ASSERTION_LIFETIME,
    }
    header = {"alg": signer.algorithm, "typ": "JWT", "kid": assertion_kid(signer)}
    return sign_jwt(header, claims, signer)


def private_key_jwt(
    signer: Signer, audience: str
) -> Callable[[ClientAuth, str, str, Any, Any], tuple[str, Any, Any]]:
    """An authlib client-auth hook adding ``client_assertion`` to the form body."""

    def prepare(auth: ClientAuth, _method: str, uri: str, headers: Any, body: Any) -> Any:
        form = urlencode(
            {
                "client_id": auth.client_id,
                "client_assertion_type": CLIENT_ASSERTION_TYPE,
                "client_assertion": client_assertion(
                    signer, client_id=auth.client_id, audience=audience
                ),
            }
        )
        body = f"{body}&{form}" if body else form
        return uri, headers, body

    return prepare
