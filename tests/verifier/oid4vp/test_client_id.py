"""Client Identifier Prefixes (§5.9.3) and the dev X.509 chain."""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization

from credentials.keys import SoftwareSigner, generate_private_key
from verifier.oid4vp.client_id import (
    dev_chain_file,
    x509_hash_identity,
    x509_san_dns_identity,
)
from verifier.oid4vp.setup import identity_factory


@pytest.fixture
def signer() -> SoftwareSigner:
    return SoftwareSigner(generate_private_key("P-256"), "did:web:v.example#k1")


def test_x509_hash_is_the_sha256_of_the_der_leaf(signer: SoftwareSigner, tmp_path: Path) -> None:
    chain = dev_chain_file(tmp_path / "chain.pem", signer, "verifier.example")
    identity = x509_hash_identity(signer, chain)
    der = chain[0].public_bytes(serialization.Encoding.DER)
    digest = base64.urlsafe_b64encode(hashlib.sha256(der).digest()).decode().rstrip("=")
    assert identity.client_id == f"x509_hash:{digest}"
    assert identity.header["x5c"] == [base64.b64encode(der).decode()]  # no trust anchor


def test_dev_chain_is_kept_and_renewed_for_another_key(
    signer: SoftwareSigner, tmp_path: Path
) -> None:
    path = tmp_path / "chain.pem"
    first = dev_chain_file(path, signer, "verifier.example")
    again = dev_chain_file(path, signer, "verifier.example")
    assert first[0] == again[0]
    other = SoftwareSigner(generate_private_key("P-256"), "k2")
    renewed = dev_chain_file(path, other, "verifier.example")
    assert renewed[0] != first[0]
    leaf = renewed[0]
    leaf.verify_directly_issued_by(renewed[1])
    san = leaf.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert san.get_values_for_type(x509.DNSName) == ["verifier.example"]


def test_x509_san_dns_needs_the_name_in_the_leaf(signer: SoftwareSigner, tmp_path: Path) -> None:
    chain = dev_chain_file(tmp_path / "chain.pem", signer, "verifier.example")
    assert x509_san_dns_identity(signer, chain, "verifier.example").client_id == (
        "x509_san_dns:verifier.example"
    )
    with pytest.raises(ValueError, match="dNSName"):
        x509_san_dns_identity(signer, chain, "other.example")


@pytest.mark.parametrize("prefix", ["redirect_uri", "x509_hash"])
def test_production_refuses_dev_identities(
    prefix: str, signer: SoftwareSigner, tmp_path: Path
) -> None:
    with pytest.raises(ValueError, match=r"development only|CHAIN_FILE"):
        identity_factory(
            prefix,  # type: ignore[arg-type]
            signer=signer,
            did="did:web:v.example",
            verification_method=signer.kid,
            base_url="https://v.example",
            chain_file=None,
            dns_name=None,
            dev_chain_path=tmp_path / "c.pem",
            production=True,
        )
