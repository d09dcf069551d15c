"""Composition of the Gaia-X participant credentials (issue #8): chain, DID, portal, verifier.

- The x5u chain (:class:`GaiaXChains`): the operator's EV/eIDAS chain
  (``ATTESTIA_GAIA_X_CHAIN_FILE``; required in production, whose start is refused when the
  leaf is not the active issuer RSA key) or, in dev, a self-signed chain marked
  non-production kept at ``{data_dir}/gaia-x-chain.pem``, regenerated for a new key after
  ``attestia keys rotate --purpose issuer --type RSA`` (reference gaia-x.md §2.2).
- The DID document (:func:`x5u_extra`): the *active* issuer RSA key's JWK gets ``x5u`` →
  ``{base_url}/.well-known/x509-chain.pem``; retired RSA keys keep their plain JWK.
- Bundles for the logged-in company (:func:`participant_bundle`), recorded in the register
  (:func:`record_bundle`): the portal's Loire VP-JWT and Tagus presentation downloads, and
  submission to the configured compliance service (:mod:`attestia.gaia_x_web`).
- The verifier (:func:`gaia_x_verification`): shapes, ISO 3166-2 list, trust anchors and
  the hosts whose x5u may be plain http (the dev allow-list, dev mode only) from
  settings. Without shapes, the ``shacl`` check *fails* ("no SHACL shapes are configured")
  in production and is *skipped* (reported as passed with that reason) in dev, so that the
  sandbox verifies what it issues without the Gaia-X files; production must configure them.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from cryptography import x509
from sqlalchemy.orm import Session

from attestia.keystore import KeyStore
from attestia.settings import Settings
from credentials.did.document import PublishedKey
from credentials.jsonld import ContextRegistry
from credentials.keys import PublicKey, Signer, public_key_from_jwk
from credentials.net import Fetcher
from issuer.eligibility import Decision
from issuer.gaia_x import (
    CertificateChain,
    CertificateChainError,
    GaiaXIssuerConfig,
    LoireBundle,
    TagusBundle,
    build_loire_bundle,
    build_tagus_bundle,
    chain_url,
    gaia_x_published_key_extra,
    gaia_x_registry,
    load_operator_chain,
    load_or_create_dev_chain,
)
from issuer.minting.minter import credential_digest
from issuer.status.allocation import StatusAllocator
from issuer.status.models import IssuedCredential
from verifier.gaia_x import (
    ChainPolicy,
    GaiaXShapes,
    GaiaXVerifyOptions,
    load_shapes,
    load_subdivision_codes,
)
from verifier.gaia_x.rules import DidDocumentResolver
from verifier.pipeline.gaia_x_step import GaiaXVerification
from verifier.services import VerifierServices

logger = logging.getLogger("attestia.gaia_x")

Flavour = Literal["loire", "tagus"]
#: The catalogue configuration each flavour's credentials are recorded under.
CONFIGURATION_FOR: dict[Flavour, str] = {
    "loire": "gaia_x_participant_jwt_vc",
    "tagus": "gaia_x_participant_ldp_vc",
}
#: Register ``holder_thumbprint`` of credentials bound to no holder key (portal bundles).
NO_HOLDER = "-"


def _utcnow() -> datetime:
    return datetime.now(UTC)


def active_rsa_signer(keys: KeyStore) -> Signer:
    return keys.signer("issuer", "RSA")


@dataclass(slots=True)
class GaiaXChains:
    """The x5u chain of the *active* issuer RSA key, re-read when that key changes."""

    settings: Settings
    keys: KeyStore
    _cache: dict[str, CertificateChain] = field(default_factory=dict)

    def current(self) -> CertificateChain:
        """The chain for the active key; :class:`CertificateChainError` when there is none
        (production without a matching operator chain)."""
        signer = active_rsa_signer(self.keys)
        cached = self._cache.get(signer.kid)
        if cached is not None:
            return cached
        public: PublicKey = public_key_from_jwk(signer.public_jwk())
        settings = self.settings
        if settings.gaia_x_chain_file is not None:
            chain = load_operator_chain(settings.gaia_x_chain_file, public)
            if chain.development and settings.is_production:
                raise CertificateChainError(
                    f"{settings.gaia_x_chain_file} is a development chain: production needs "
                    "an EV SSL or eIDAS chain"
                )
        elif settings.is_production:
            raise CertificateChainError("ATTESTIA_GAIA_X_CHAIN_FILE is not configured")
        else:
            host = urlsplit(settings.base_url).hostname or "localhost"
            chain = load_or_create_dev_chain(
                settings.resolved_gaia_x_chain_file, public, host=host, now=_utcnow()
            )
            logger.info("gaia-x: development x5u chain for %s", signer.kid)
        self._cache = {signer.kid: chain}
        return chain

    def pem(self) -> str:
        return self.current().pem


def x5u_extra(published: list[PublishedKey], keys: KeyStore, base_url: str) -> list[PublishedKey]:
    """``published`` with ``x5u`` (and ``alg: PS256``) on the active issuer RSA key only."""
    active = {
        info.kid
        for info in keys.list_keys()
        if info.purpose == "issuer" and info.key_type == "RSA" and info.state == "active"
    }
    extra = gaia_x_published_key_extra(chain_url(base_url))
    return [
        replace(key, jwk_extra={**key.jwk_extra, **extra}) if key.fragment in active else key
        for key in published
    ]


def issuer_config(settings: Settings, did: str) -> GaiaXIssuerConfig:
    return GaiaXIssuerConfig(base_url=settings.base_url, issuer_did=did)


def participant_bundle(
    decision: Decision,
    flavour: Flavour,
    *,
    signer: Signer,
    config: GaiaXIssuerConfig,
    registry: ContextRegistry,
    now: datetime,
) -> LoireBundle | TagusBundle:
    """The company's bundle in ``flavour``; raises :class:`~issuer.gaia_x.GaiaXError`."""
    moment = now.replace(microsecond=0)
    if flavour == "loire":
        return build_loire_bundle(decision, signer=signer, config=config, now=moment)
    return build_tagus_bundle(
        decision, signer=signer, config=config, registry=gaia_x_registry(registry), now=moment
    )


def record_bundle(
    session: Session,
    bundle: LoireBundle | TagusBundle,
    *,
    allocator: StatusAllocator,
    siren: str,
    siret: str | None,
    person_sub: str | None,
    signing_kid: str,
    now: datetime,
    valid_until: datetime,
) -> list[str]:
    """Record each credential of ``bundle`` in the register (the caller commits).

    Gaia-X credentials carry no status entry; the allocated index only keys the register
    row (see :mod:`issuer.minting.minter`). Returns the register ids.
    """
    items: list[str | dict[str, Any]]
    if isinstance(bundle, LoireBundle):
        flavour: Flavour = "loire"
        items = list(bundle.vc_jwts)
    else:
        flavour = "tagus"
        items = [dict(c) for c in bundle.credentials.all()]
    ids: list[str] = []
    moment = now.replace(microsecond=0)
    for item in items:
        allocation = allocator.allocate(session, "bitstring", now=moment)
        row_id = str(uuid.uuid4())
        session.add(
            IssuedCredential(
                id=row_id,
                configuration_id=CONFIGURATION_FOR[flavour],
                kind="gaia_x_participant",
                format="jwt_vc_json" if flavour == "loire" else "ldp_vc",
                subject_siren=siren,
                subject_siret=siret,
                person_sub=person_sub,
                person_digest=None,
                holder_thumbprint=NO_HOLDER,
                status_list_id=allocation.list_id,
                status_index=allocation.index,
                signing_kid=signing_kid,
                issued_at=moment,
                valid_from=moment,
                valid_until=valid_until,
                digest_sha256=credential_digest(item),
                state="valid",
                state_changed_at=None,
            )
        )
        ids.append(row_id)
    session.flush()
    return ids


def _read_anchors(path: Path) -> tuple[x509.Certificate, ...]:
    try:
        return tuple(x509.load_pem_x509_certificates(path.read_bytes()))
    except (OSError, ValueError) as exc:
        raise CertificateChainError(f"cannot read Gaia-X trust anchors {path}: {exc}") from None


def dev_http_hosts(settings: Settings) -> frozenset[str]:
    """Hosts whose x5u chain may be fetched over plain http: the dev allow-list, in dev only."""
    return frozenset() if settings.is_production else frozenset(settings.dev_allowed_hosts)


def gaia_x_verification(
    settings: Settings,
    *,
    resolver: DidDocumentResolver,
    registry: ContextRegistry,
    fetcher: Fetcher,
) -> GaiaXVerification:
    """The verifier's Gaia-X configuration, loaded once (shapes parsed at start)."""
    loire = (
        load_shapes(settings.gaia_x_shapes, ontology=settings.gaia_x_ontology, fetcher=fetcher)
        if settings.gaia_x_shapes
        else None
    )
    tagus = (
        load_shapes(settings.gaia_x_tagus_shapes, fetcher=fetcher)
        if settings.gaia_x_tagus_shapes
        else None
    )
    codes = (
        load_subdivision_codes(settings.gaia_x_subdivision_codes_file)
        if settings.gaia_x_subdivision_codes_file
        else frozenset()
    )
    anchors = (
        _read_anchors(settings.gaia_x_trust_anchors_file)
        if settings.gaia_x_trust_anchors_file
        else ()
    )
    options = GaiaXVerifyOptions(
        subdivision_codes=codes,
        fetcher=fetcher,
        chain_policy=ChainPolicy(
            anchors=anchors,
            accept_dev_chains=settings.accepts_dev_gaia_x_chains,
            http_hosts=dev_http_hosts(settings),
        ),
        require_shacl=True,
    )
    return GaiaXVerification(
        resolver=resolver,
        registry=gaia_x_registry(registry),
        shapes=GaiaXShapes(loire=loire, tagus=tagus),
        options=options,
        skip_unconfigured=not settings.is_production,
    )


def install_gaia_x_verifier(
    services: VerifierServices, settings: Settings, fetcher: Fetcher
) -> None:
    """Route Gaia-X presentations of ``services.pipeline`` to the Gaia-X verifier."""
    pipeline = services.pipeline
    pipeline.gaia_x = gaia_x_verification(
        settings, resolver=pipeline.dids, registry=pipeline.contexts, fetcher=fetcher
    )
