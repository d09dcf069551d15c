"""Issuer and holder keys, a DID-URL key resolver, and a valid credential."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pytest

from credentials.errors import KeyResolutionError
from credentials.keys import PublicKey, SoftwareSigner, generate_private_key
from credentials.vcdm import CREDENTIALS_V2_CONTEXT

ISSUER = "did:web:issuer.attestia.example"
HOLDER = "did:key:z6MkholderAttestiaExample"
OTHER = "did:web:mallory.example"
NOW = datetime(2025, 6, 1, tzinfo=UTC)


@dataclass
class Keys:
    issuer: SoftwareSigner
    holder: SoftwareSigner
    other: SoftwareSigner
    extra: dict[str, PublicKey] = field(default_factory=dict)

    def resolver(self) -> Callable[[Mapping[str, Any]], PublicKey]:
        known = {s.kid: s.public_key() for s in (self.issuer, self.holder, self.other)}
        known.update(self.extra)

        def resolve(header: Mapping[str, Any]) -> PublicKey:
            try:
                return known[header["kid"]]
            except KeyError:
                raise KeyResolutionError(f"unknown kid {header.get('kid')!r}") from None

        return resolve


@pytest.fixture(scope="session")
def keys() -> Keys:
    return Keys(
        issuer=SoftwareSigner(generate_private_key("P-256"), f"{ISSUER}#key-1"),
        holder=SoftwareSigner(
            generate_private_key("Ed25519"), f"{HOLDER}#z6MkholderAttestiaExample"
        ),
        other=SoftwareSigner(generate_private_key("P-256"), f"{OTHER}#key-1"),
    )


def make_credential(**overrides: Any) -> dict[str, Any]:
    credential: dict[str, Any] = {
        "@context": [CREDENTIALS_V2_CONTEXT, "https://w3id.org/attestia/v1"],
        "id": "urn:uuid:0c9a4a47-6d3e-4bb7-9a55-2e8d7b0b1f00",
        "type": ["VerifiableCredential", "CompanyRegistrationCredential"],
        "issuer": ISSUER,
        "validFrom": "2025-01-01T00:00:00Z",
        "validUntil": "2026-01-01T00:00:00Z",
        "credentialSubject": {"id": HOLDER, "siren": "552100554", "legalName": "EXEMPLE SA"},
    }
    credential.update(overrides)
    return credential
