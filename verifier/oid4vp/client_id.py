"""Client Identifier Prefixes (OpenID4VP 1.0 §5.9.3) and how each signs its requests.

https://openid.net/specs/openid-4-verifiable-presentations-1_0.html#section-5.9.3

- ``redirect_uri:<response_uri>``: dev only; such requests "cannot be signed", so the
  request object is an unsecured JWT (RFC 9101 §4, ``alg: none``).
- ``x509_san_dns:<host>``: signed with the leaf certificate's key, chain in ``x5c``; the
  host is a ``dNSName`` SAN of the leaf.
- ``x509_hash:<b64url SHA-256 of the DER leaf>``: as above (HAIP's required prefix).
- ``decentralized_identifier:<did>``: signed with a key of the DID, named by ``kid``.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, Literal

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from credentials.keys import Signer, public_key_from_jwk

Prefix = Literal["redirect_uri", "x509_san_dns", "x509_hash", "decentralized_identifier"]
PREFIXES: Final[tuple[Prefix, ...]] = (
    "redirect_uri",
    "x509_san_dns",
    "x509_hash",
    "decentralized_identifier",
)


@dataclass(frozen=True, slots=True)
class ClientIdentity:
    """The verifier as the wallet sees it: ``client_id`` and how requests are signed."""

    prefix: Prefix
    client_id: str
    signer: Signer | None
    header: dict[str, Any]

    @property
    def signs(self) -> bool:
        return self.signer is not None


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def x509_hash(leaf_der: bytes) -> str:
    """§5.9.3 ``x509_hash``: "base64url-encoded value of the SHA-256 hash of the
    DER-encoded X.509 certificate"."""
    return _b64(hashlib.sha256(leaf_der).digest())


def load_chain(pem: bytes) -> list[x509.Certificate]:
    chain = x509.load_pem_x509_certificates(pem)
    if not chain:
        raise ValueError("the certificate chain file holds no certificate")
    return chain


def generate_dev_chain(
    signer: Signer, dns_name: str, *, now: dt.datetime | None = None
) -> list[x509.Certificate]:
    """A throw-away CA and a leaf for ``signer``'s public key with ``dns_name`` as SAN.

    Development only: the CA key is discarded, so only this chain is ever signed by it.
    The chain is ``[leaf, ca]``; ``x5c`` carries the leaf alone (HAIP: no trust anchor).
    """
    now = now or dt.datetime.now(dt.UTC)
    public = public_key_from_jwk(signer.public_jwk())
    if not isinstance(public, ec.EllipticCurvePublicKey):
        raise ValueError("the verifier key must be an EC key for X.509 client identifiers")
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Attestia dev verifier CA")])
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=825))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), False)
        .sign(ca_key, hashes.SHA256())
    )
    leaf = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, dns_name)]))
        .issuer_name(ca_name)
        .public_key(public)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=365))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(True, False, False, False, False, False, False, False, False),
            critical=True,
        )
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(dns_name)]), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), False
        )
        .sign(ca_key, hashes.SHA256())
    )
    return [leaf, ca]


def chain_to_pem(chain: Sequence[x509.Certificate]) -> bytes:
    return b"".join(cert.public_bytes(serialization.Encoding.PEM) for cert in chain)


def dev_chain_file(path: Path, signer: Signer, dns_name: str) -> list[x509.Certificate]:
    """Load the dev chain at ``path``, (re)creating it when absent or for another key."""
    if path.exists():
        chain = load_chain(path.read_bytes())
        leaf_key = chain[0].public_key()
        if leaf_key == public_key_from_jwk(signer.public_jwk()) and _has_san(chain[0], dns_name):
            return chain
    chain = generate_dev_chain(signer, dns_name)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    temporary.write_bytes(chain_to_pem(chain))
    temporary.replace(path)
    return chain


def _has_san(cert: x509.Certificate, dns_name: str) -> bool:
    try:
        san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        return False
    return dns_name in san.get_values_for_type(x509.DNSName)


def _x5c(chain: Sequence[x509.Certificate]) -> list[str]:
    """RFC 7515 §4.1.6: standard base64 DER; leaf first, the self-signed root left out."""
    certs = [c for c in chain if c.subject != c.issuer or c is chain[0]]
    return [
        base64.b64encode(c.public_bytes(serialization.Encoding.DER)).decode("ascii") for c in certs
    ]


def redirect_uri_identity(response_uri: str) -> ClientIdentity:
    return ClientIdentity("redirect_uri", f"redirect_uri:{response_uri}", None, {})


def x509_san_dns_identity(
    signer: Signer, chain: Sequence[x509.Certificate], dns_name: str
) -> ClientIdentity:
    if not _has_san(chain[0], dns_name):
        raise ValueError(f"the leaf certificate has no dNSName SAN {dns_name!r}")
    return ClientIdentity("x509_san_dns", f"x509_san_dns:{dns_name}", signer, {"x5c": _x5c(chain)})


def x509_hash_identity(signer: Signer, chain: Sequence[x509.Certificate]) -> ClientIdentity:
    leaf = chain[0].public_bytes(serialization.Encoding.DER)
    return ClientIdentity("x509_hash", f"x509_hash:{x509_hash(leaf)}", signer, {"x5c": _x5c(chain)})


def did_identity(signer: Signer, did: str, verification_method: str) -> ClientIdentity:
    """``kid`` names the verification method (§5.9.3: "MUST be identified by the ``kid``")."""
    return ClientIdentity(
        "decentralized_identifier",
        f"decentralized_identifier:{did}",
        signer,
        {"kid": verification_method},
    )
