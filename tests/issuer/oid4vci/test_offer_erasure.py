"""Spent offers lose their claims (:func:`issuer.oid4vci.credential_offer.erase_spent_offers`).

An offer's claims are what its credentials carry (names, birth date, company data). They
are kept while a credential can still be minted from the offer, and erased after: the row
itself stays as history.
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import select

from issuer.oid4vci.context import Oid4vciContext
from issuer.oid4vci.credential_offer import (
    ERASURE_GRACE,
    complete_pending_claims,
    erase_spent_offers,
)
from issuer.oid4vci.models import OfferRow
from tests.issuer.oid4vci.conftest import Issuer
from tests.wallet import WalletKey


@pytest.fixture
def issuer(issuer_each_database: Issuer) -> Issuer:
    return issuer_each_database


def _at(ctx: Oid4vciContext, seconds_later: float) -> Oid4vciContext:
    start = ctx.now()
    return replace(ctx, clock=lambda: start + seconds_later)


def _row(issuer: Issuer, offer_id: str) -> OfferRow:
    with issuer.ctx.sessions() as session:
        row = session.scalars(select(OfferRow).where(OfferRow.id == offer_id)).one()
        session.expunge(row)
        return row


def _past_token_expiry(ctx: Oid4vciContext) -> float:
    return max(ctx.config.offer_ttl, ctx.config.access_token_ttl) + ERASURE_GRACE + 1


def test_redeemed_offer_is_erased_once_its_tokens_expired(issuer: Issuer) -> None:
    ctx = issuer.ctx
    configuration_id = issuer.configuration_ids()[0]
    offer = issuer.offer([configuration_id])
    wallet = issuer.wallet()
    token = wallet.pre_authorized_token(offer.document, offer.tx_code)
    assert wallet.credentials(token, [WalletKey()], configuration_id=configuration_id)

    # offer expired, token still live (within the grace): nothing erased
    assert erase_spent_offers(_at(ctx, ctx.config.access_token_ttl)) == 0
    assert _row(issuer, offer.id).claims[configuration_id]

    assert erase_spent_offers(_at(ctx, _past_token_expiry(ctx))) == 1
    row = _row(issuer, offer.id)
    assert row.claims == {}
    assert row.document is None
    assert row.claims_erased_at is not None
    # history kept: the row, its configurations, its redemption, the subject's identifiers
    assert row.configuration_ids == [configuration_id]
    assert row.redeemed_at is not None
    assert row.subject["sub"]
    # idempotent
    assert erase_spent_offers(_at(ctx, _past_token_expiry(ctx) + 60)) == 0


def test_unredeemed_offer_loses_its_code_and_claims_after_expiry(issuer: Issuer) -> None:
    ctx = issuer.ctx
    offer = issuer.offer([issuer.configuration_ids()[0]])
    assert erase_spent_offers(_at(ctx, ctx.config.offer_ttl - 1)) == 0
    assert _row(issuer, offer.id).document is not None
    assert erase_spent_offers(_at(ctx, ctx.config.offer_ttl + ERASURE_GRACE + 1)) == 1
    row = _row(issuer, offer.id)
    assert row.document is None  # it carried the pre-authorized code
    assert row.claims == {}


def test_live_offer_and_live_token_are_kept(issuer: Issuer) -> None:
    ctx = issuer.ctx
    configuration_id = issuer.configuration_ids()[0]
    redeemed = issuer.offer([configuration_id])
    wallet = issuer.wallet()
    token = wallet.pre_authorized_token(redeemed.document, redeemed.tx_code)
    waiting = issuer.offer([configuration_id])
    assert erase_spent_offers(ctx) == 0
    assert _row(issuer, waiting.id).claims[configuration_id]
    # the token still mints after a purge ran
    assert wallet.credentials(token, [WalletKey()], configuration_id=configuration_id)


def test_open_deferred_issuance_keeps_its_offer(issuer: Issuer) -> None:
    ctx = issuer.ctx
    configuration_id = issuer.configuration_ids()[0]
    offer = issuer.offer([configuration_id], pending=True)
    wallet = issuer.wallet()
    token = wallet.pre_authorized_token(offer.document, offer.tx_code)
    response = wallet.credential_response(token, [WalletKey()], configuration_id=configuration_id)
    assert response.status_code == 202
    # token and offer long expired, the deferred transaction (24 h) still open
    assert erase_spent_offers(_at(ctx, _past_token_expiry(ctx))) == 0
    # once the transaction expired too, the offer is spent
    assert erase_spent_offers(_at(ctx, ctx.config.deferred_ttl + ERASURE_GRACE + 1)) == 1
    with ctx.sessions.begin() as session, pytest.raises(ValueError, match="spent"):
        complete_pending_claims(
            ctx, session, offer_id=offer.id, configuration_id=configuration_id, claims={"x": 1}
        )
    assert _row(issuer, offer.id).claims == {}
