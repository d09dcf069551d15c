"""The X.509 chain the did:web RSA key points to with ``x5u`` (reference gaia-x.md §2.2).

Gaia-X compliance resolves ``proof.verificationMethod``, requires ``publicKeyJwk.x5u``,
fetches that PEM chain (leaf first, then intermediates), checks it against the registry's
trust anchors (EV SSL or eIDAS in production) and requires "the SPKI of publicKeyJwk" to
equal "the SPKI of the first certificate in the PEM".

Two sources:

- an operator's chain (:func:`load_operator_chain`): an EV or eIDAS certificate issued for
  the issuer's RSA key; the deployment refuses to start when the leaf key is not that key;
- a development chain (:func:`generate_dev_chain`): a throw-away root, self-signed, and a
  leaf certifying the issuer's public key, both with the organisational unit
  :data:`DEV_MARKER` so that nobody mistakes it for a production chain. No private key of
  the issuer is needed: the root signs the leaf.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Final

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from credentials.keys import PublicKey
from issuer.gaia_x.errors import CertificateChainError

DEV_MARKER: Final = "Attestia dev — not for production"
#: Served at ``{base_url}`` + this path (see :mod:`issuer.gaia_x.web`).
CHAIN_PATH: Final = "/.well-known/x509-chain.pem"
MAX_CHAIN_BYTES: Final = 64 * 1024


def chain_url(base_url: str) -> str:
    """The ``x5u`` URL of the deployment's chain."""
    return base_url.rstrip("/") + CHAIN_PATH


def gaia_x_published_key_extra(x5u_url: str) -> dict[str, Any]:
    """``PublishedKey.jwk_extra`` for the issuer's RSA key: ``x5u`` and ``alg: PS256``.

    The composition layer passes it for the ``issuer``/``RSA`` key when building the DID
    document, so the verification method reads as compliance expects (§2.2 did.json).
    """
    return {"alg": "PS256", "x5u": x5u_url}


def _spki(key: Any) -> bytes:
    der: bytes = key.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return der


def parse_chain(pem: bytes) -> list[x509.Certificate]:
    """The certificates of a PEM chain, leaf first; refuses an empty or oversized one."""
    if len(pem) > MAX_CHAIN_BYTES:
        raise CertificateChainError(f"certificate chain larger than {MAX_CHAIN_BYTES} bytes")
    try:
        certificates = x509.load_pem_x509_certificates(pem)
    except ValueError as exc:
        raise CertificateChainError(f"unreadable PEM certificate chain: {exc}") from None
    if not certificates:
        raise CertificateChainError("the PEM chain holds no certificate")
    return certificates


@dataclass(frozen=True, slots=True)
class CertificateChain:
    """A PEM chain whose leaf certifies the issuer's key."""

    pem: str
    development: bool

    @property
    def certificates(self) -> list[x509.Certificate]:
        return parse_chain(self.pem.encode("ascii"))


def check_leaf_matches(pem: bytes, public_key: PublicKey) -> list[x509.Certificate]:
    """Parse ``pem`` and require its first certificate to certify ``public_key``."""
    certificates = parse_chain(pem)
    if _spki(certificates[0].public_key()) != _spki(public_key):
        raise CertificateChainError(
            "the leaf certificate's public key is not the issuer's RSA key "
            "(compliance: 'Public Key does not match certificate chain')"
        )
    return certificates


def is_dev_chain(certificates: list[x509.Certificate]) -> bool:
    units = certificates[0].subject.get_attributes_for_oid(NameOID.ORGANIZATIONAL_UNIT_NAME)
    return any(unit.value == DEV_MARKER for unit in units)


def load_operator_chain(path: Path, public_key: PublicKey) -> CertificateChain:
    """The operator's EV/eIDAS chain at ``path``; raises unless its leaf is ``public_key``."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise CertificateChainError(f"cannot read the certificate chain {path}: {exc}") from None
    certificates = check_leaf_matches(raw, public_key)
    return CertificateChain(raw.decode("ascii"), development=is_dev_chain(certificates))


def _name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Attestia"),
            x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, DEV_MARKER),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def generate_dev_chain(
    public_key: PublicKey, *, host: str, now: datetime, days: int = 365
) -> CertificateChain:
    """A non-production chain: a leaf for ``public_key`` (SAN ``host``) under a fresh root."""
    if not isinstance(public_key, rsa.RSAPublicKey):
        raise CertificateChainError("the Gaia-X issuer key must be an RSA key")
    root_key = rsa.generate_private_key(public_exponent=65537, key_size=3072)
    start, end = now - timedelta(minutes=5), now + timedelta(days=days)
    root_name = _name("Attestia dev root")
    root = (
        x509.CertificateBuilder()
        .subject_name(root_name)
        .issuer_name(root_name)
        .public_key(root_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(end)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False),
            critical=True,
        )
        .sign(root_key, hashes.SHA256())
    )
    leaf = (
        x509.CertificateBuilder()
        .subject_name(_name(host))
        .issuer_name(root_name)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(end)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(host)]), critical=False)
        .sign(root_key, hashes.SHA256())
    )
    pem = b"".join(c.public_bytes(serialization.Encoding.PEM) for c in (leaf, root))
    return CertificateChain(pem.decode("ascii"), development=True)


def load_or_create_dev_chain(
    path: Path, public_key: PublicKey, *, host: str, now: datetime
) -> CertificateChain:
    """The dev chain kept at ``path``; a new one when absent, expired or for another key."""
    if path.exists():
        try:
            certificates = check_leaf_matches(path.read_bytes(), public_key)
        except CertificateChainError:
            certificates = []
        fresh = all(c.not_valid_after_utc > now for c in certificates)
        if certificates and is_dev_chain(certificates) and fresh:
            return CertificateChain(path.read_text("ascii"), development=True)
    chain = generate_dev_chain(public_key, host=host, now=now)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(chain.pem, "ascii")
    return chain
