"""Detached JWS with unencoded payload (RFC 7797), as JsonWebSignature2020 uses it.

RFC 7797 §3: with ``"b64": false`` the JWS Signing Input is
``ASCII(BASE64URL(UTF8(JWS Protected Header))) || '.' || JWS Payload`` — the payload bytes
as they are. §6: "b64" MUST be listed in ``crit``. JsonWebSignature2020 (W3C CCG
lds-jws2020 §"jws") writes the detached compact form ``<header>..<signature>``.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping
from typing import Any, Final

from credentials import multiformats as mf
from credentials.errors import CredentialError, MalformedError, SignatureError
from credentials.keys import PublicKey, Signer, verify_raw

#: The algorithms lds-jws2020 registers that this package can compute.
JWS2020_ALGORITHMS: Final = frozenset({"PS256", "ES256", "ES384", "EdDSA"})
MAX_JWS_LENGTH: Final = 8192


def unencoded_header(algorithm: str) -> dict[str, Any]:
    """``{"alg": …, "b64": false, "crit": ["b64"]}`` in the member order Gaia-X emits."""
    return {"alg": algorithm, "b64": False, "crit": ["b64"]}


def _encode_header(header: Mapping[str, Any]) -> str:
    return mf.b64url_encode(json.dumps(header, separators=(",", ":")).encode())


def sign_detached(payload: bytes, signer: Signer) -> str:
    """``<protected header>..<signature>`` over the unencoded ``payload`` (RFC 7797 §3)."""
    if signer.algorithm not in JWS2020_ALGORITHMS:
        raise SignatureError(f"JsonWebSignature2020 does not use {signer.algorithm}")
    header = _encode_header(unencoded_header(signer.algorithm))
    signature = signer.sign(header.encode("ascii") + b"." + payload)
    return f"{header}..{mf.b64url_encode(signature)}"


def parse_detached(
    jws: object, allowed: Collection[str] = JWS2020_ALGORITHMS
) -> tuple[str, dict[str, Any], bytes]:
    """Split and check a detached unencoded JWS: (encoded header, header, signature).

    The header MUST carry ``"b64": false`` with ``"b64"`` in ``crit`` (RFC 7797 §6), no
    other critical extension, and an allowed ``alg``.
    """
    if not isinstance(jws, str) or len(jws) > MAX_JWS_LENGTH:
        raise MalformedError("jws must be a string of reasonable size")
    parts = jws.split(".")
    if len(parts) != 3 or parts[1] != "":
        raise MalformedError("jws must be a detached compact JWS (header..signature)")
    try:
        header = json.loads(mf.b64url_decode(parts[0]))
        signature = mf.b64url_decode(parts[2])
    except (ValueError, CredentialError) as exc:
        raise MalformedError(f"jws header or signature is not valid: {exc}") from None
    if not isinstance(header, dict):
        raise MalformedError("jws header must be a JSON object")
    if header.get("b64") is not False or header.get("crit") != ["b64"]:
        raise MalformedError('jws header must have "b64": false and "crit": ["b64"]')
    if header.get("alg") not in allowed:
        raise SignatureError(f"jws alg {header.get('alg')!r} is not allowed")
    return parts[0], header, signature


def verify_detached(
    jws: object,
    payload: bytes,
    public_key: PublicKey,
    allowed: Collection[str] = JWS2020_ALGORITHMS,
) -> bool:
    """True when the detached unencoded JWS signs ``payload`` with ``public_key``."""
    encoded_header, header, signature = parse_detached(jws, allowed)
    signing_input = encoded_header.encode("ascii") + b"." + payload
    return verify_raw(public_key, str(header["alg"]), signing_input, signature)
