"""Keys, clock and helpers for the SD-JWT tests."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from credentials import multiformats as mf
from credentials.keys import PublicKey, SoftwareSigner, generate_private_key

NOW = 1_750_000_000
NONCE = "n-0S6_WzA2Mj"
AUD = "https://verifier.example.org"
ISS = "https://issuer.example.org"


def signer_from_jwk(jwk: Mapping[str, Any], kid: str = "") -> SoftwareSigner:
    """A P-256 signer from a private JWK (the OWF settings keys)."""
    d = int.from_bytes(mf.b64url_decode(str(jwk["d"])), "big")
    return SoftwareSigner(ec.derive_private_key(d, ec.SECP256R1()), kid)


def fixed_key(key: PublicKey):  # type: ignore[no-untyped-def]
    """An issuer key resolver that always answers ``key``."""

    def resolve(header: Mapping[str, Any], payload: Mapping[str, Any]) -> PublicKey:
        return key

    return resolve


@pytest.fixture(scope="session")
def issuer_signer() -> SoftwareSigner:
    return SoftwareSigner(generate_private_key("P-256"), "https://issuer.example.org#key-1")


@pytest.fixture(scope="session")
def holder_signer() -> SoftwareSigner:
    return SoftwareSigner(generate_private_key("P-256"), "")


@pytest.fixture(scope="session")
def other_signer() -> SoftwareSigner:
    return SoftwareSigner(generate_private_key("P-256"), "other")
