"""The Deferred Credential Endpoint (§9).

§9.1: "The Credential Issuer MUST invalidate the ``transaction_id`` after the Credential for
which it was meant has been obtained by the Wallet." §9.2: while more time is needed the
answer is HTTP 202 with the same ``transaction_id`` and an ``interval``. §9.3:
``invalid_transaction_id`` when it "was not issued by the respective Credential Issuer or it
was already used". The access token must belong to the same grant.
"""

from __future__ import annotations

from sqlalchemy import update

from issuer.oid4vci.access_token import AccessGrant
from issuer.oid4vci.context import HolderKey, Oid4vciContext, digest
from issuer.oid4vci.credential import CredentialResponse, mint_all
from issuer.oid4vci.errors import (
    CredentialRequestDenied,
    InvalidCredentialRequest,
    InvalidEncryptionParameters,
    InvalidTransactionId,
)
from issuer.oid4vci.json_body import parse_object
from issuer.oid4vci.models import DeferredTransactionRow, OfferRow


def request_deferred(
    ctx: Oid4vciContext, grant: AccessGrant, raw_body: bytes
) -> CredentialResponse:
    request = parse_object(raw_body, InvalidCredentialRequest)
    if "credential_response_encryption" in request:
        raise InvalidEncryptionParameters("this issuer does not encrypt credential responses")
    transaction_id = request.get("transaction_id")
    if not isinstance(transaction_id, str) or not transaction_id:
        raise InvalidCredentialRequest("transaction_id is required")
    key = digest(transaction_id)
    now = ctx.now()
    with ctx.transaction() as session:
        row = session.get(DeferredTransactionRow, key)
        if (
            row is None
            or row.completed_at is not None
            or row.expires_at <= now
            or row.offer_id != grant.offer_id
        ):
            raise InvalidTransactionId("transaction_id is unknown, expired or already used")
        offer = session.get(OfferRow, row.offer_id)
        if offer is None:
            raise CredentialRequestDenied("the grant behind this transaction no longer exists")
        claims = offer.claims.get(row.configuration_id)
        if claims is None:
            return CredentialResponse(
                202, {"transaction_id": transaction_id, "interval": ctx.config.deferred_interval}
            )
        completed = session.execute(
            update(DeferredTransactionRow)
            .where(
                DeferredTransactionRow.transaction_id_hash == key,
                DeferredTransactionRow.completed_at.is_(None),
            )
            .values(completed_at=now)
        )
        if getattr(completed, "rowcount", 0) != 1:
            raise InvalidTransactionId("transaction_id is unknown, expired or already used")
        holders = [HolderKey.from_json(h) for h in row.holders]
        body = mint_all(
            ctx, session, offer.id, offer.subject, row.configuration_id, claims, holders
        )
    ctx.issued(row.configuration_id, len(holders))
    return CredentialResponse(200, body)
