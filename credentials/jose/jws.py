"""Compact JWS (RFC 7515 §7.1) signing and policy-checked verification."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from credentials import multiformats as mf
from credentials.errors import KeyResolutionError, MalformedError, SignatureError
from credentials.jose.policy import FORBIDDEN_ALGORITHMS, JosePolicy, typ_matches
from credentials.keys import PublicKey, Signer, verify_raw

#: Maps a verified-to-be-well-formed protected header to the public key to check against.
KeyResolver = Callable[[Mapping[str, Any]], PublicKey]

#: Header parameters that carry or point at keys; refused unless a format opts in.
KEY_CARRYING_HEADERS = frozenset({"jwk", "jku", "x5u"})


@dataclass(frozen=True, slots=True)
class DecodedJWS:
    """The parts of a compact JWS, decoded but not yet verified."""

    header: dict[str, Any]
    payload: bytes
    signing_input: bytes
    signature: bytes

    def payload_json(self) -> dict[str, Any]:
        try:
            value = json.loads(self.payload)
        except (ValueError, UnicodeDecodeError, RecursionError) as exc:
            raise MalformedError(f"JWS payload is not JSON: {exc}") from None
        if not isinstance(value, dict):
            raise MalformedError("JWS payload must be a JSON object")
        return value


def _json_b64(value: Mapping[str, Any]) -> str:
    return mf.b64url_encode(json.dumps(value, separators=(",", ":")).encode())


def sign_compact(
    header: Mapping[str, Any], payload: bytes | Mapping[str, Any], signer: Signer
) -> str:
    """Sign ``payload`` with ``signer``; ``alg`` comes from it (``kid`` only if in ``header``)."""
    protected = {"alg": signer.algorithm, **header}
    if protected["alg"] != signer.algorithm:
        raise SignatureError(f"header alg {protected['alg']} differs from the signer's")
    body = (
        payload
        if isinstance(payload, bytes)
        else json.dumps(payload, separators=(",", ":")).encode()
    )
    signing_input = f"{_json_b64(protected)}.{mf.b64url_encode(body)}".encode("ascii")
    return f"{signing_input.decode('ascii')}.{mf.b64url_encode(signer.sign(signing_input))}"


def decode_compact(token: str, policy: JosePolicy) -> DecodedJWS:
    """Split and decode a compact JWS under the policy's size limits; no signature check."""
    if not isinstance(token, str):
        raise MalformedError("a compact JWS must be a string")
    if len(token) > policy.max_token_bytes:
        raise MalformedError("token exceeds the size limit")
    parts = token.split(".")
    if len(parts) != 3:
        raise MalformedError("a compact JWS has three dot-separated parts")
    header_b64, payload_b64, sig_b64 = parts
    if len(header_b64) > policy.max_header_bytes * 4 // 3 + 4:
        raise MalformedError("protected header exceeds the size limit")
    if len(payload_b64) > policy.max_payload_bytes * 4 // 3 + 4:
        raise MalformedError("payload exceeds the size limit")
    try:
        header = json.loads(mf.b64url_decode(header_b64))
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        raise MalformedError(f"protected header is not JSON: {exc}") from None
    if not isinstance(header, dict):
        raise MalformedError("protected header must be a JSON object")
    return DecodedJWS(
        header=header,
        payload=mf.b64url_decode(payload_b64),
        signing_input=f"{header_b64}.{payload_b64}".encode("ascii"),
        signature=mf.b64url_decode(sig_b64),
    )


def check_header(
    header: Mapping[str, Any],
    policy: JosePolicy,
    typ: Iterable[str] | None,
    *,
    allow_key_headers: Iterable[str] = (),
) -> str:
    """Apply the policy to a protected header and return its ``alg``."""
    alg = header.get("alg")
    if not isinstance(alg, str) or alg in FORBIDDEN_ALGORITHMS or alg not in policy.algorithms:
        raise SignatureError(f"algorithm {alg!r} is not allowed")
    if typ is not None:
        expected = list(typ)
        if not typ_matches(header.get("typ"), expected):
            raise MalformedError(f"typ {header.get('typ')!r} is not one of {expected}")
    crit = header.get("crit")
    if crit is not None:
        if not isinstance(crit, list) or not crit or not all(isinstance(c, str) for c in crit):
            raise MalformedError("crit must be a non-empty array of strings")
        for name in crit:
            if name not in policy.understood_crit:
                raise MalformedError(f"critical header parameter {name!r} is not understood")
            if name not in header:
                raise MalformedError(f"critical header parameter {name!r} is absent")
    refused = (KEY_CARRYING_HEADERS - frozenset(allow_key_headers)) & header.keys()
    if refused:
        raise KeyResolutionError(f"keys from header parameters {sorted(refused)} are refused")
    return alg


def verify_compact(
    token: str,
    *,
    policy: JosePolicy,
    typ: Iterable[str] | None,
    key_resolver: KeyResolver,
    allow_key_headers: Iterable[str] = (),
) -> DecodedJWS:
    """Decode, apply the policy, resolve the key and verify the signature.

    ``typ=None`` skips the ``typ`` check and is only for formats that define none.
    """
    decoded = decode_compact(token, policy)
    alg = check_header(decoded.header, policy, typ, allow_key_headers=allow_key_headers)
    key = key_resolver(decoded.header)
    if not verify_raw(key, alg, decoded.signing_input, decoded.signature):
        raise SignatureError("signature does not verify")
    return decoded
