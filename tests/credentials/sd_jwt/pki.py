"""A tiny test PKI: root → intermediate → issuer leaf, P-256."""

from __future__ import annotations

import base64
import datetime as dt
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from credentials.keys import SoftwareSigner

START = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
END = dt.datetime(2030, 1, 1, tzinfo=dt.UTC)


def _name(cn: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])


def _cert(
    subject: str,
    key: ec.EllipticCurvePrivateKey,
    issuer: tuple[x509.Certificate, ec.EllipticCurvePrivateKey] | None,
    *,
    ca: bool,
    san: list[x509.GeneralName] | None = None,
) -> x509.Certificate:
    issuer_name = issuer[0].subject if issuer else _name(subject)
    signing_key = issuer[1] if issuer else key
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(subject))
        .issuer_name(issuer_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(START)
        .not_valid_after(END)
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=not ca,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=ca,
                crl_sign=ca,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(signing_key.public_key()),
            critical=False,
        )
    )
    if san:
        builder = builder.add_extension(x509.SubjectAlternativeName(san), critical=False)
    return builder.sign(signing_key, hashes.SHA256())


@dataclass
class Pki:
    root: x509.Certificate
    intermediate: x509.Certificate
    leaf: x509.Certificate
    signer: SoftwareSigner

    def x5c(self, *, with_root: bool = False) -> list[str]:
        chain = [self.leaf, self.intermediate] + ([self.root] if with_root else [])
        return [
            base64.b64encode(c.public_bytes(serialization.Encoding.DER)).decode() for c in chain
        ]


def make_pki(host: str = "issuer.example.org") -> Pki:
    root_key = ec.generate_private_key(ec.SECP256R1())
    root = _cert("Test Root", root_key, None, ca=True)
    mid_key = ec.generate_private_key(ec.SECP256R1())
    mid = _cert("Test Intermediate", mid_key, (root, root_key), ca=True)
    leaf_key = ec.generate_private_key(ec.SECP256R1())
    leaf = _cert("Issuer", leaf_key, (mid, mid_key), ca=False, san=[x509.DNSName(host)])
    return Pki(root, mid, leaf, SoftwareSigner(leaf_key, ""))
