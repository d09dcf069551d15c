"""Finding the issuer's key for an SD-JWT VC (draft-ietf-oauth-sd-jwt-vc §3.5, §5).

Three paths, each an injected-dependency resolver with the
:data:`credentials.sd_jwt.verifier.IssuerKeyResolver` signature ``(header, payload)``:

- ``x5c`` (§3.5, mandatory in HAIP): the chain must validate to one of the configured
  anchors, and the leaf's key signs. When ``iss`` is an ``https`` URL it must match a
  ``dNSName`` (its host) or a ``uniformResourceIdentifier`` (the whole URL) of the leaf.
- DID (§3.5): ``kid`` is a DID URL of the ``iss`` DID, resolved by the caller's resolver.
- JWT VC Issuer Metadata (§5): fetched from ``/.well-known/jwt-vc-issuer`` inserted
  between the host and the path of ``iss``; its ``issuer`` "MUST be identical to the
  iss value"; the key is picked from ``jwks`` or ``jwks_uri`` by ``kid``.

Keys are never taken from ``jwk``, ``jku`` or ``x5u`` headers (refused by the JOSE
policy before any resolver runs).
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, Final
from urllib.parse import urlsplit

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from cryptography.x509.verification import (
    Criticality,
    ExtensionPolicy,
    PolicyBuilder,
    Store,
    VerificationError,
)

from credentials.errors import KeyResolutionError
from credentials.keys import PublicKey, key_type_of, public_key_from_jwk
from credentials.sd_jwt.verifier import IssuerKeyResolver

WELL_KNOWN: Final = "/.well-known/jwt-vc-issuer"
MAX_X5C_CERTS: Final = 5

#: Fetches a JSON document over HTTPS (timeouts, SSRF guard and size cap are the
#: fetcher's job); raises a CredentialError on failure.
JsonFetcher = Callable[[str], Mapping[str, Any]]
#: Resolves an absolute DID URL to a public key authorised for assertions.
DidUrlResolver = Callable[[str], PublicKey]


def jwt_vc_issuer_metadata_url(iss: str) -> str:
    """``https://host/.well-known/jwt-vc-issuer/<path>`` for an ``iss`` URL (§5.1)."""
    parts = urlsplit(iss)
    if parts.scheme != "https" or not parts.netloc or parts.query or parts.fragment:
        raise KeyResolutionError("iss must be an https URL without query or fragment")
    path = parts.path.rstrip("/")
    return f"https://{parts.netloc}{WELL_KNOWN}{path}"


def _iss(payload: Mapping[str, Any]) -> str | None:
    iss = payload.get("iss")
    if iss is not None and not isinstance(iss, str):
        raise KeyResolutionError("iss must be a string")
    return iss


class DidKeyResolver:
    """``kid`` as a DID URL of the issuer's DID, resolved by the caller."""

    def __init__(self, resolve: DidUrlResolver) -> None:
        self._resolve = resolve

    def __call__(self, header: Mapping[str, Any], payload: Mapping[str, Any]) -> PublicKey:
        kid, iss = header.get("kid"), _iss(payload)
        if not isinstance(kid, str) or not kid:
            raise KeyResolutionError("a DID-signed SD-JWT VC needs a kid")
        if kid.startswith("#") and iss is not None and iss.startswith("did:"):
            kid = iss + kid
        if not kid.startswith("did:") or "#" not in kid:
            raise KeyResolutionError("kid must be a DID URL with a fragment")
        if iss is not None and kid.split("#", 1)[0] != iss:
            raise KeyResolutionError("kid does not belong to the iss DID")
        return self._resolve(kid)


def _ee_policy() -> ExtensionPolicy:
    """Web PKI end-entity rules, but any (or no) extended key usage and SAN.

    Issuer certificates are not TLS client certificates; HAIP and ISO profiles give them
    their own EKUs.
    """
    return (
        ExtensionPolicy.webpki_defaults_ee()
        .may_be_present(x509.ExtendedKeyUsage, Criticality.AGNOSTIC, None)
        .may_be_present(x509.SubjectAlternativeName, Criticality.AGNOSTIC, None)
    )


class X5cKeyResolver:
    """An ``x5c`` chain validated to configured anchors; the leaf key signs."""

    def __init__(
        self,
        anchors: Sequence[x509.Certificate],
        *,
        clock: Callable[[], float],
        max_chain_depth: int = 4,
    ) -> None:
        if not anchors:
            raise ValueError("x5c resolution needs at least one trust anchor")
        self._anchors = list(anchors)
        self._anchor_fingerprints = {a.fingerprint(hashes.SHA256()) for a in anchors}
        self._store = Store(self._anchors)
        self._clock = clock
        self._depth = max_chain_depth

    def __call__(self, header: Mapping[str, Any], payload: Mapping[str, Any]) -> PublicKey:
        chain = _load_x5c(header.get("x5c"))
        if any(c.fingerprint(hashes.SHA256()) in self._anchor_fingerprints for c in chain):
            raise KeyResolutionError("x5c must not include the trust anchor (HAIP)")
        leaf, intermediates = chain[0], chain[1:]
        when = datetime.fromtimestamp(self._clock(), UTC)
        verifier = (
            PolicyBuilder()
            .store(self._store)
            .time(when)
            .max_chain_depth(self._depth)
            .extension_policies(
                ca_policy=ExtensionPolicy.webpki_defaults_ca(), ee_policy=_ee_policy()
            )
            .build_client_verifier()
        )
        try:
            verifier.verify(leaf, intermediates)
        except VerificationError as exc:
            raise KeyResolutionError(f"x5c does not chain to a trust anchor: {exc}") from None
        iss = _iss(payload)
        if iss is not None and iss.startswith("https://"):
            _match_iss(leaf, iss)
        key = leaf.public_key()
        if not isinstance(
            key, ed25519.Ed25519PublicKey | ec.EllipticCurvePublicKey | rsa.RSAPublicKey
        ):
            raise KeyResolutionError("the x5c leaf key type is not supported")
        key_type_of(key)
        return key


def _load_x5c(value: object) -> list[x509.Certificate]:
    if not isinstance(value, list) or not value or len(value) > MAX_X5C_CERTS:
        raise KeyResolutionError(f"x5c must be an array of 1 to {MAX_X5C_CERTS} certificates")
    chain = []
    for item in value:
        if not isinstance(item, str):
            raise KeyResolutionError("x5c entries are base64 DER strings")
        try:
            chain.append(x509.load_der_x509_certificate(base64.b64decode(item, validate=True)))
        except (binascii.Error, ValueError):
            raise KeyResolutionError("x5c entry is not a base64 DER certificate") from None
    return chain


def _match_iss(leaf: x509.Certificate, iss: str) -> None:
    """§3.5: with ``x5c``, an https ``iss`` must match a SAN of the leaf."""
    try:
        san = leaf.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        raise KeyResolutionError("the x5c leaf has no subjectAltName to match iss") from None
    host = urlsplit(iss).hostname or ""
    if iss in san.get_values_for_type(x509.UniformResourceIdentifier):
        return
    if host.lower() in (name.lower() for name in san.get_values_for_type(x509.DNSName)):
        return
    raise KeyResolutionError("iss matches no dNSName or URI of the x5c leaf")


class IssuerMetadataKeyResolver:
    """JWT VC Issuer Metadata (§5) fetched with the caller's fetcher."""

    def __init__(self, fetch: JsonFetcher) -> None:
        self._fetch = fetch

    def __call__(self, header: Mapping[str, Any], payload: Mapping[str, Any]) -> PublicKey:
        iss = _iss(payload)
        if iss is None:
            raise KeyResolutionError("issuer metadata resolution needs iss")
        metadata = self._fetch(jwt_vc_issuer_metadata_url(iss))
        if not isinstance(metadata, Mapping) or metadata.get("issuer") != iss:
            raise KeyResolutionError("issuer metadata 'issuer' is not identical to iss")
        jwks, jwks_uri = metadata.get("jwks"), metadata.get("jwks_uri")
        if (jwks is None) == (jwks_uri is None):
            raise KeyResolutionError("issuer metadata needs exactly one of jwks and jwks_uri")
        if jwks_uri is not None:
            if not isinstance(jwks_uri, str) or not jwks_uri.startswith("https://"):
                raise KeyResolutionError("jwks_uri must be an https URL")
            jwks = self._fetch(jwks_uri)
        return _select_jwk(jwks, header.get("kid"))


def _select_jwk(jwks: object, kid: object) -> PublicKey:
    keys = jwks.get("keys") if isinstance(jwks, Mapping) else None
    if not isinstance(keys, list):
        raise KeyResolutionError("JWK Set has no keys array")
    candidates = [k for k in keys if isinstance(k, Mapping) and k.get("use", "sig") == "sig"]
    if kid is not None:
        candidates = [k for k in candidates if k.get("kid") == kid]
    if len(candidates) != 1:
        raise KeyResolutionError(f"no unique signing key for kid {kid!r} in the JWK Set")
    return public_key_from_jwk(candidates[0])


def issuer_key_resolver(
    *,
    x5c: X5cKeyResolver | None = None,
    did: DidKeyResolver | None = None,
    metadata: IssuerMetadataKeyResolver | None = None,
) -> IssuerKeyResolver:
    """Dispatch on the token: ``x5c`` header → x5c; DID ``kid``/``iss`` → DID; https ``iss``
    → issuer metadata. A path that is not configured is refused, never bypassed."""

    def resolve(header: Mapping[str, Any], payload: Mapping[str, Any]) -> PublicKey:
        kid, iss = header.get("kid"), _iss(payload)
        if "x5c" in header:
            if x5c is None:
                raise KeyResolutionError("x5c issuer keys are not accepted here")
            return x5c(header, payload)
        is_did = (isinstance(kid, str) and kid.startswith("did:")) or (
            iss is not None and iss.startswith("did:")
        )
        if is_did:
            if did is None:
                raise KeyResolutionError("DID issuer keys are not accepted here")
            return did(header, payload)
        if iss is not None and iss.startswith("https://") and metadata is not None:
            return metadata(header, payload)
        raise KeyResolutionError("no configured way to find the issuer key")

    return resolve
