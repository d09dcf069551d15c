"""What a wallet disclosed is kept only for the relying party's retention period
(:meth:`verifier.oid4vp.transactions.TransactionStore.erase_stale`)."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select

from tests.verifier.oid4vp.conftest import Deployment, Party
from tests.verifier.oid4vp.test_e2e import sd_answer, start, status
from verifier.oid4vp.models import Oid4vpTransaction

RETENTION = 3600.0


def _erase(deployment: Deployment) -> int:
    return deployment.service.store.erase_stale(now=deployment.clock(), retention=RETENTION)


def _row(deployment: Deployment, transaction_id: str) -> Oid4vpTransaction:
    sessions = deployment.service.store._sessions  # the test reads the row itself
    with sessions() as session:
        row = session.scalars(
            select(Oid4vpTransaction).where(Oid4vpTransaction.id == transaction_id)
        ).one()
        session.expunge(row)
        return row


def test_result_is_erased_after_the_retention_period(
    deploy: Callable[..., Deployment], issuer: Party, holder: Party
) -> None:
    deployment = deploy()
    transaction_id, created = start(deployment)
    request = deployment.wallet.fetch_request(created["authorization_request_uri"])
    deployment.wallet.respond(request, {"identity": [sd_answer(request, issuer, holder)]})
    assert status(deployment, transaction_id)["claims"]["identity"][0]["given_name"]

    deployment.clock.offset = RETENTION - 60
    assert _erase(deployment) == 0
    assert status(deployment, transaction_id)["verified"] is True

    deployment.clock.offset = RETENTION + 1
    assert _erase(deployment) == 1
    late = status(deployment, transaction_id)
    assert late["status"] == "completed"
    assert late["result_erased_at"]
    assert "claims" not in late
    assert "verified" not in late
    assert "Marianne" not in str(late)
    row = _row(deployment, transaction_id)
    assert row.result is None
    assert row.response_key is None
    assert _erase(deployment) == 0  # idempotent


def test_unanswered_transaction_loses_its_response_key(deploy: Callable[..., Deployment]) -> None:
    deployment = deploy(response_mode="direct_post.jwt")
    transaction_id, created = start(deployment)
    deployment.wallet.fetch_request(created["authorization_request_uri"])
    assert _row(deployment, transaction_id).response_key is not None  # ECDH-ES private key
    deployment.clock.offset = 600 + RETENTION + 1  # lifetime, then the retention
    assert _erase(deployment) == 1
    row = _row(deployment, transaction_id)
    assert row.response_key is None
    assert row.result_erased_at is not None


def test_pending_transaction_is_untouched(deploy: Callable[..., Deployment]) -> None:
    deployment = deploy()
    transaction_id, _ = start(deployment)
    assert _erase(deployment) == 0
    assert status(deployment, transaction_id)["status"] == "pending"
