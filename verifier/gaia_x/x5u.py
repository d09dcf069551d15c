"""The Gaia-X x5u rule: a signing JWK must be certified by the chain its ``x5u`` names.

Reference gaia-x.md §2.2 (what compliance v1 checks, ``proof.service.ts``): the verification
method must have ``publicKeyJwk`` with ``x5u`` ("The x5u parameter is expected to be set in
the JWK"); the PEM at ``x5u`` is the leaf then its intermediates; the chain must resolve to
a registry trust anchor (EV SSL or eIDAS in production); and "the SPKI of publicKeyJwk must
equal the SPKI of the first certificate" ("Public Key does not match certificate chain").

Here: the leaf's key equals the JWK; every certificate is within its validity period at
``now`` and signed by the next one, whose basic constraints allow it to be a CA; the last
certificate is one of the configured anchors or is issued by one. A self-signed root that is
no anchor is accepted only with ``accept_dev_chains`` (development chains such as the one
this project's issuer generates), and the check says so.

The chain is fetched over https. Plain http is allowed only for the hosts of
``ChainPolicy.http_hosts`` (``host`` or ``host:port``, exactly): the deployment's dev
allow-list, empty in production, so that a development deployment on
``http://127.0.0.1:8000`` verifies its own presentations. The fetcher still applies its own
SSRF policy to every URL (:class:`credentials.net.SafeFetcher` refuses http and private
addresses outside its own dev allow-list).
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final
from urllib.parse import urlsplit

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization

from credentials.errors import CredentialError
from credentials.keys import public_key_from_jwk
from credentials.net import Fetcher

MAX_CHAIN_BYTES: Final = 64 * 1024
MAX_CHAIN_LENGTH: Final = 8


class X5uChainError(CredentialError):
    """The ``x5u`` chain is missing, unreachable, invalid, unanchored or not the JWK's."""

    code = "x5u_chain"


@dataclass(frozen=True, slots=True)
class ChainPolicy:
    """Trust anchors, whether unanchored self-signed (development) chains pass, and the
    hosts whose ``x5u`` may be plain http (development only)."""

    anchors: tuple[x509.Certificate, ...] = ()
    accept_dev_chains: bool = False
    http_hosts: frozenset[str] = frozenset()


def _spki(key: Any) -> bytes:
    der: bytes = key.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return der


def _issued_by(child: x509.Certificate, parent: x509.Certificate) -> bool:
    try:
        child.verify_directly_issued_by(parent)
    except (ValueError, TypeError, InvalidSignature):
        return False
    return True


def _is_ca(certificate: x509.Certificate) -> bool:
    try:
        constraints = certificate.extensions.get_extension_for_class(x509.BasicConstraints)
    except x509.ExtensionNotFound:
        return False
    return constraints.value.ca


def _allowed_url(url: str, http_hosts: frozenset[str]) -> bool:
    """https, or http to a host (or ``host:port``) of ``http_hosts``."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return False
    scheme, host = parts.scheme.lower(), parts.hostname
    if not host:
        return False
    if scheme == "https":
        return True
    if scheme != "http":
        return False
    return host in http_hosts or f"{host}:{port if port is not None else 80}" in http_hosts


def fetch_chain(
    url: str, fetcher: Fetcher, *, http_hosts: frozenset[str] = frozenset()
) -> list[x509.Certificate]:
    """GET the PEM chain at ``url`` through the SSRF-guarded fetcher.

    ``url`` must be https, or http to one of ``http_hosts`` (the dev allow-list).
    """
    if not _allowed_url(url, http_hosts):
        raise X5uChainError("x5u must be an https URL")
    try:
        document = fetcher.fetch(
            url, accept="application/x-pem-file, text/plain", max_bytes=MAX_CHAIN_BYTES
        )
    except CredentialError as exc:
        raise X5uChainError(f"x5u chain unreachable: {exc.detail}") from None
    if document.status != 200:
        raise X5uChainError(f"x5u chain answered HTTP {document.status}")
    try:
        certificates = x509.load_pem_x509_certificates(document.body)
    except ValueError:
        raise X5uChainError("x5u does not hold a PEM certificate chain") from None
    if not certificates or len(certificates) > MAX_CHAIN_LENGTH:
        raise X5uChainError(f"x5u chain must hold 1 to {MAX_CHAIN_LENGTH} certificates")
    return certificates


def check_chain(
    jwk: Mapping[str, Any],
    certificates: Sequence[x509.Certificate],
    *,
    policy: ChainPolicy,
    now: datetime,
) -> str:
    """Apply the rule to an already fetched chain; return a detail for the passed check."""
    try:
        jwk_key = public_key_from_jwk(jwk)
    except CredentialError as exc:
        raise X5uChainError(f"unusable JWK: {exc.detail}") from None
    if _spki(certificates[0].public_key()) != _spki(jwk_key):
        raise X5uChainError("Public Key does not match certificate chain (leaf ≠ JWK)")
    for certificate in certificates:
        if not certificate.not_valid_before_utc <= now <= certificate.not_valid_after_utc:
            raise X5uChainError(
                f"certificate {certificate.subject.rfc4514_string()} is not valid now"
            )
    for child, parent in itertools.pairwise(certificates):
        if not _is_ca(parent) or not _issued_by(child, parent):
            raise X5uChainError(
                f"{child.subject.rfc4514_string()} is not issued by the next certificate"
            )
    last = certificates[-1]
    anchor_keys = {_spki(anchor.public_key()) for anchor in policy.anchors}
    if _spki(last.public_key()) in anchor_keys:
        return "chain ends at a trust anchor"
    for anchor in policy.anchors:
        if anchor.subject == last.issuer and _issued_by(last, anchor):
            if not anchor.not_valid_before_utc <= now <= anchor.not_valid_after_utc:
                raise X5uChainError("the trust anchor is not valid now")
            return f"chain anchored in {anchor.subject.rfc4514_string()}"
    if last.issuer == last.subject and _issued_by(last, last) and policy.accept_dev_chains:
        return "self-signed chain, not anchored: accepted as a development chain by configuration"
    raise X5uChainError("X509 certificate chain could not be resolved against the trust anchors")


def check_x5u(
    jwk: Mapping[str, Any], *, fetcher: Fetcher | None, policy: ChainPolicy, now: datetime
) -> str:
    """The whole rule for one verification method's ``publicKeyJwk``."""
    url = jwk.get("x5u")
    if not isinstance(url, str) or not url:
        raise X5uChainError("The x5u parameter is expected to be set in the JWK")
    if fetcher is None:
        raise X5uChainError("no fetcher is configured to retrieve x5u chains")
    certificates = fetch_chain(url, fetcher, http_hosts=policy.http_hosts)
    return check_chain(jwk, certificates, policy=policy, now=now)
