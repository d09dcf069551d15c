"""Encrypted responses (OpenID4VP 1.0 §8.3) and ``direct_post.jwt`` (§8.3.1).

https://openid.net/specs/openid-4-verifiable-presentations-1_0.html#section-8.3

One ephemeral P-256 key per transaction (HAIP §5: ECDH-ES on P-256, ``A128GCM`` and
``A256GCM`` for verifiers), published in ``client_metadata.jwks`` with ``alg`` (§8.3: "The
``alg`` parameter MUST be present in the JWKs") and a ``kid`` the JWE must repeat.
"""

from __future__ import annotations

import json
import secrets
from typing import Any, Final

from joserfc import jwe
from joserfc.errors import JoseError
from joserfc.jwk import ECKey

from verifier.oid4vp.errors import InvalidRequest

KEY_ALGORITHM: Final = "ECDH-ES"
ENC_VALUES: Final = ("A128GCM", "A256GCM")
MAX_JWE_BYTES: Final = 512 * 1024


def generate_response_key() -> dict[str, Any]:
    """A fresh private JWK (``use: enc``, ``alg: ECDH-ES``, random ``kid``)."""
    key = ECKey.generate_key(
        "P-256",
        parameters={"alg": KEY_ALGORITHM, "use": "enc", "kid": secrets.token_urlsafe(12)},
        private=True,
    )
    return dict(key.as_dict(private=True))


def public_response_jwk(private_jwk: dict[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in private_jwk.items() if name != "d"}


def decrypt_response(token: str, private_jwk: dict[str, Any]) -> dict[str, Any]:
    """Decrypt the ``response`` JWE and return its JSON payload (the response parameters).

    Refuses another algorithm or content encryption than advertised, a ``kid`` that is not
    this transaction's key, and anything that does not decrypt under it.
    """
    if not isinstance(token, str) or not token or len(token) > MAX_JWE_BYTES:
        raise InvalidRequest("response must be a compact JWE")
    key = ECKey.import_key(private_jwk)
    try:
        decrypted = jwe.decrypt_compact(token, key, algorithms=[KEY_ALGORITHM, *ENC_VALUES])
    except (JoseError, ValueError, UnicodeError) as exc:
        raise InvalidRequest(f"response JWE cannot be decrypted: {type(exc).__name__}") from None
    protected = decrypted.protected
    kid = protected.get("kid")
    if kid is not None and kid != private_jwk.get("kid"):
        raise InvalidRequest("response JWE kid is not the key of this transaction")
    try:
        payload = json.loads(decrypted.plaintext or b"")
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise InvalidRequest("response JWE payload is not JSON") from None
    if not isinstance(payload, dict):
        raise InvalidRequest("response JWE payload must be a JSON object")
    return payload
