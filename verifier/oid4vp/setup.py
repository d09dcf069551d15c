"""Building the OpenID4VP service of a deployment from its settings and key store.

Kept apart from the protocol modules: it is the only place that knows the deployment's
settings, key store and data directory. Nothing happens at import time.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.orm import Session, sessionmaker

from credentials.did.jwk import JwkMethod
from credentials.did.key import KeyMethod
from credentials.did.resolver import DidMethod, DidResolver
from credentials.keys import Signer
from verifier.observability import SILENT, VerificationObserver
from verifier.oid4vp.client_id import (
    ClientIdentity,
    Prefix,
    dev_chain_file,
    did_identity,
    load_chain,
    redirect_uri_identity,
    x509_hash_identity,
    x509_san_dns_identity,
)
from verifier.oid4vp.errors import InvalidRequest
from verifier.oid4vp.presentation import CredentialsPresentationVerifier, PresentationVerifier
from verifier.oid4vp.service import IdentityFactory, Oid4vpConfig, Oid4vpService
from verifier.oid4vp.transactions import TransactionStore


class Oid4vpSettings(BaseSettings):
    """``ATTESTIA_VERIFIER_*``: which client identifier the verifier uses, and its chain."""

    model_config = SettingsConfigDict(env_prefix="ATTESTIA_VERIFIER_", extra="ignore", frozen=True)

    client_id_prefix: Prefix = "x509_hash"
    x509_chain_file: Path | None = None
    x509_dns_name: str | None = None
    transaction_lifetime_seconds: int = 600
    #: How long the relying party may read a transaction's result (what the wallet
    #: disclosed) after the answer; then housekeeping erases it.
    result_retention_seconds: int = Field(default=3600, ge=60)
    response_mode: Literal["direct_post", "direct_post.jwt"] = "direct_post.jwt"
    request_uri_method: Literal["get", "post"] = "post"


def identity_factory(
    prefix: Prefix,
    *,
    signer: Signer,
    did: str,
    verification_method: str,
    base_url: str,
    chain_file: Path | None,
    dns_name: str | None,
    dev_chain_path: Path,
    production: bool,
) -> IdentityFactory:
    """The client identity per transaction; x509 chains are loaded once, here."""
    host = dns_name or urlsplit(base_url).hostname or "localhost"
    if prefix == "redirect_uri":
        if production:
            raise ValueError("the redirect_uri: client identifier prefix is for development only")
        return redirect_uri_identity
    if prefix == "decentralized_identifier":
        identity = did_identity(signer, did, verification_method)
        return lambda _response_uri: identity
    if chain_file is not None:
        chain = load_chain(chain_file.read_bytes())
    elif production:
        raise ValueError(
            "ATTESTIA_VERIFIER_X509_CHAIN_FILE is required for x509 client identifiers"
        )
    else:
        chain = dev_chain_file(dev_chain_path, signer, host)
    fixed: ClientIdentity = (
        x509_hash_identity(signer, chain)
        if prefix == "x509_hash"
        else x509_san_dns_identity(signer, chain, host)
    )
    return lambda _response_uri: fixed


def default_presentation_verifier() -> PresentationVerifier:
    """Signature, validity and holder binding only (did:key, did:jwk issuers)."""
    methods: Mapping[str, DidMethod] = {"key": KeyMethod(), "jwk": JwkMethod()}
    return CredentialsPresentationVerifier(DidResolver(methods, clock=time.time))


def build_oid4vp_service(
    *,
    base_url: str,
    sessions: sessionmaker[Session],
    identity: IdentityFactory,
    verifier: PresentationVerifier,
    policy_query: Callable[[str], Mapping[str, Any]],
    settings: Oid4vpSettings | None = None,
    clock: Callable[[], float] = time.time,
    observer: VerificationObserver = SILENT,
) -> Oid4vpService:
    settings = settings or Oid4vpSettings()
    config = Oid4vpConfig(
        base_url=base_url.rstrip("/"),
        transaction_lifetime=settings.transaction_lifetime_seconds,
        default_response_mode=settings.response_mode,
        default_request_uri_method=settings.request_uri_method,
    )
    return Oid4vpService(
        config=config,
        store=TransactionStore(sessions),
        identity=identity,
        verifier=verifier,
        policy_query=policy_query,
        clock=clock,
        observer=observer,
    )


def policy_lookup(base_url: str) -> Callable[[str], Mapping[str, Any]]:
    """Named policy → DCQL, from the policy data files (``verifier/policies``)."""
    from verifier.policies import load_policies
    from verifier.policies_dcql import policy_to_dcql

    registry = load_policies(base_url=base_url)

    def lookup(policy_id: str) -> Mapping[str, Any]:
        try:
            policy = registry[policy_id]
        except KeyError:
            raise InvalidRequest(f"unknown policy {policy_id!r}") from None
        return policy_to_dcql(policy)

    return lookup
