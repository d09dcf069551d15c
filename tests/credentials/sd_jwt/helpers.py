"""Building hand-made (often broken) SD-JWTs for the negative tests."""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping
from typing import Any

from credentials import multiformats as mf
from credentials.jose import sign_compact
from credentials.keys import Signer
from credentials.sd_jwt.digest import b64_digest


def raw_disclosure(*elements: Any) -> tuple[str, str]:
    """An encoded disclosure of any shape, and its sha-256 digest."""
    encoded = mf.b64url_encode(json.dumps(list(elements)).encode())
    return encoded, b64_digest("sha-256", encoded)


def signed(
    payload: Mapping[str, Any],
    signer: Signer,
    *,
    typ: str = "dc+sd-jwt",
    header: Mapping[str, Any] | None = None,
) -> str:
    return sign_compact({"typ": typ, **(header or {})}, payload, signer)


def unsigned_jwt(header: Mapping[str, Any], payload: Mapping[str, Any]) -> str:
    def part(value: Mapping[str, Any]) -> str:
        return mf.b64url_encode(json.dumps(value).encode())

    return f"{part(header)}.{part(payload)}."


def combine(jwt: str, *disclosures: str, kb_jwt: str = "") -> str:
    return "~".join((jwt, *disclosures, "")) + kb_jwt


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()
