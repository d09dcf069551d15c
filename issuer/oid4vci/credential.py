"""The Credential Endpoint (§8): request checks, key proofs, minting, deferral.

Order of checks: the access token (done by the caller, :mod:`.access_token`); the request
shape (§8.2: exactly one of ``credential_identifier`` / ``credential_configuration_id``,
``proofs`` with exactly one proof type whose value is a non-empty array, at most
``batch_size`` entries); every key proof (Appendix F.4); then, in one transaction, the
``c_nonce`` values are consumed and one credential per proof is minted and recorded — or,
when the register lookup behind the claims is still pending, a deferred ``transaction_id``
is returned with HTTP 202 (§8.3). Any error leaves the stored data as it was.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, insert, select
from sqlalchemy.orm import Session

from credentials.did.resolver import DidResolver
from issuer.db import table_of
from issuer.oid4vci.access_token import AccessGrant
from issuer.oid4vci.context import HolderKey, Oid4vciContext, digest
from issuer.oid4vci.errors import (
    CredentialRequestDenied,
    InsufficientScope,
    InvalidCredentialRequest,
    InvalidEncryptionParameters,
    InvalidProof,
    UnknownCredentialConfiguration,
    UnknownCredentialIdentifier,
)
from issuer.oid4vci.json_body import parse_object
from issuer.oid4vci.models import DeferredTransactionRow, NotificationRow, OfferRow
from issuer.oid4vci.nonce import consume_nonces
from issuer.oid4vci.proof import holder_did_resolver, verify_key_proof

#: What minting needs of the grant: the claims per configuration and the subject.
_OFFERS = table_of(OfferRow)
_INSERT_NOTIFICATION = insert(table_of(NotificationRow))
_GRANT = select(_OFFERS.c.claims, _OFFERS.c.subject).where(_OFFERS.c.id == bindparam("offer_id"))


@dataclass(frozen=True, slots=True)
class CredentialResponse:
    """The HTTP status (200 or 202) and the JSON body of §8.3."""

    status: int
    body: dict[str, Any]


def _configuration_for(ctx: Oid4vciContext, grant: AccessGrant, request: dict[str, Any]) -> str:
    identifier = request.get("credential_identifier")
    configuration_id = request.get("credential_configuration_id")
    if (identifier is None) == (configuration_id is None):
        raise InvalidCredentialRequest(
            "exactly one of credential_identifier and credential_configuration_id is required"
        )
    if identifier is not None:
        if not isinstance(identifier, str):
            raise InvalidCredentialRequest("credential_identifier must be a string")
        if not grant.credential_identifiers or identifier not in grant.credential_identifiers:
            raise UnknownCredentialIdentifier("credential_identifier is unknown")
        return grant.credential_identifiers[identifier]
    if not isinstance(configuration_id, str):
        raise InvalidCredentialRequest("credential_configuration_id must be a string")
    if grant.credential_identifiers:
        raise InvalidCredentialRequest(
            "the token response carried credential_identifiers: use credential_identifier"
        )
    if ctx.configuration(configuration_id) is None:
        raise UnknownCredentialConfiguration("credential_configuration_id is unknown")
    if configuration_id not in grant.configuration_ids:
        raise InsufficientScope("the access token does not cover this credential configuration")
    return configuration_id


def _proofs(ctx: Oid4vciContext, request: dict[str, Any]) -> list[object]:
    if "proof" in request:
        raise InvalidCredentialRequest("proof (singular) is not part of OpenID4VCI 1.0: use proofs")
    proofs = request.get("proofs")
    if proofs is None:
        raise InvalidProof("proofs is required for this credential configuration")
    if not isinstance(proofs, dict) or len(proofs) != 1:
        raise InvalidProof("proofs must be an object with exactly one proof type")
    ((proof_type, values),) = proofs.items()
    if proof_type != "jwt":
        raise InvalidProof(f"proof type {str(proof_type)[:40]!r} is not supported")
    if not isinstance(values, list) or not values:
        raise InvalidProof("proofs.jwt must be a non-empty array")
    if len(values) > ctx.config.batch_size:
        raise InvalidCredentialRequest(
            f"at most {ctx.config.batch_size} proofs (batch_size) per request"
        )
    return list(values)


def request_credentials(
    ctx: Oid4vciContext,
    grant: AccessGrant,
    raw_body: bytes,
    *,
    resolver: DidResolver | None = None,
) -> CredentialResponse:
    """Answer one Credential Request made with a valid access token."""
    request = parse_object(raw_body, InvalidCredentialRequest)
    if "credential_response_encryption" in request:
        raise InvalidEncryptionParameters("this issuer does not encrypt credential responses")
    configuration_id = _configuration_for(ctx, grant, request)
    proofs = _proofs(ctx, request)
    resolver = resolver or holder_did_resolver()
    now = ctx.now()
    verified = [
        verify_key_proof(
            proof,
            credential_issuer=ctx.config.credential_issuer,
            client_id=grant.client_id,
            algorithms=ctx.config.proof_algorithms,
            now=now,
            max_age=ctx.config.proof_max_age,
            leeway=ctx.config.leeway,
            resolver=resolver,
        )
        for proof in proofs
    ]
    thumbprints = [v.holder.thumbprint for v in verified]
    if len(set(thumbprints)) != len(thumbprints):
        raise InvalidProof("each key proof must be for a different key")
    with ctx.transaction() as session:
        consume_nonces(ctx, session, [v.nonce for v in verified])
        offer = session.execute(_GRANT, {"offer_id": grant.offer_id}).one_or_none()
        if offer is None:
            raise CredentialRequestDenied("the grant behind this access token no longer exists")
        claims = offer.claims.get(configuration_id)
        holders = [v.holder for v in verified]
        if claims is None:
            return _defer(ctx, session, grant.offer_id, configuration_id, holders)
        body = mint_all(
            ctx, session, grant.offer_id, offer.subject, configuration_id, claims, holders
        )
    ctx.issued(configuration_id, len(holders))
    return CredentialResponse(200, body)


def mint_all(
    ctx: Oid4vciContext,
    session: Session,
    offer_id: str,
    subject: Any,
    configuration_id: str,
    claims: dict[str, Any],
    holders: list[HolderKey],
) -> dict[str, Any]:
    """Mint one credential per holder key and open a ``notification_id`` for them."""
    issued = [
        ctx.minter.mint(
            session,
            configuration_id=configuration_id,
            claims=claims,
            subject=subject,
            holder=holder,
        )
        for holder in holders
    ]
    notification_id = ctx.token(24)
    now = ctx.now()
    session.execute(
        _INSERT_NOTIFICATION,
        {
            "notification_id": notification_id,
            "offer_id": offer_id,
            "configuration_id": configuration_id,
            "credential_ids": [item.credential_id for item in issued],
            "created_at": now,
            "expires_at": now + ctx.config.notification_ttl,
        },
    )
    return {
        "credentials": [{"credential": item.credential} for item in issued],
        "notification_id": notification_id,
    }


def _defer(
    ctx: Oid4vciContext,
    session: Session,
    offer_id: str,
    configuration_id: str,
    holders: list[HolderKey],
) -> CredentialResponse:
    transaction_id = ctx.new_secret()
    now = ctx.now()
    session.add(
        DeferredTransactionRow(
            transaction_id_hash=digest(transaction_id),
            offer_id=offer_id,
            configuration_id=configuration_id,
            holders=[h.to_json() for h in holders],
            created_at=now,
            expires_at=now + ctx.config.deferred_ttl,
        )
    )
    return CredentialResponse(
        202, {"transaction_id": transaction_id, "interval": ctx.config.deferred_interval}
    )
