"""Storage of OpenID4VP transactions with atomic, single-use state transitions.

"Single-use values (…OpenID4VP transactions) are consumed atomically, also across several
server processes" (design): every transition is ``UPDATE … WHERE id = ? AND status IN (…)
AND expires_at > now`` and succeeds only if it changed exactly one row.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, sessionmaker

from verifier.oid4vp.models import Oid4vpTransaction

Status = Literal["pending", "fetched", "responding", "completed", "failed", "expired"]


@dataclass(frozen=True, slots=True)
class TransactionView:
    """A read-only copy of a row; ``status`` says ``expired`` once past ``expires_at``."""

    id: str
    request_id: str
    status: Status
    created_at: float
    expires_at: float
    state: str
    nonce: str
    client_id: str
    response_mode: str
    request_uri_method: str
    dcql_query: dict[str, Any]
    policy: str | None
    response_key: dict[str, Any] | None
    same_device_redirect: str | None
    response_code: str | None
    result: dict[str, Any] | None
    error: str | None
    result_erased_at: float | None = None


def _view(row: Oid4vpTransaction, now: float) -> TransactionView:
    status: Any = row.status
    if status in ("pending", "fetched", "responding") and now >= row.expires_at:
        status = "expired"
    return TransactionView(
        id=row.id,
        request_id=row.request_id,
        status=status,
        created_at=row.created_at,
        expires_at=row.expires_at,
        state=row.state,
        nonce=row.nonce,
        client_id=row.client_id,
        response_mode=row.response_mode,
        request_uri_method=row.request_uri_method,
        dcql_query=dict(row.dcql_query),
        policy=row.policy,
        response_key=dict(row.response_key) if row.response_key else None,
        same_device_redirect=row.same_device_redirect,
        response_code=row.response_code,
        result=dict(row.result) if row.result else None,
        error=row.error,
        result_erased_at=row.result_erased_at,
    )


class TransactionStore:
    """Create, read and advance transactions; ``now`` is always passed in."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def create(self, row: Oid4vpTransaction) -> None:
        with self._sessions() as session, session.begin():
            session.add(row)

    def get(self, transaction_id: str, *, now: float) -> TransactionView | None:
        with self._sessions() as session:
            row = session.get(Oid4vpTransaction, transaction_id)
            return _view(row, now) if row is not None else None

    def advance(
        self,
        transaction_id: str,
        *,
        from_status: Iterable[str],
        to_status: str,
        now: float,
        check_expiry: bool = True,
        **values: Any,
    ) -> bool:
        """Move ``transaction_id`` from one of ``from_status`` to ``to_status``, atomically."""
        statement = (
            update(Oid4vpTransaction)
            .where(Oid4vpTransaction.id == transaction_id)
            .where(Oid4vpTransaction.status.in_(list(from_status)))
            .values(status=to_status, **values)
        )
        if check_expiry:
            statement = statement.where(Oid4vpTransaction.expires_at > now)
        with self._sessions() as session, session.begin():
            changed = session.execute(statement).rowcount  # type: ignore[attr-defined]
        return bool(changed == 1)

    def by_request_id(self, request_id: str, *, now: float) -> TransactionView | None:
        with self._sessions() as session:
            row = session.scalars(
                select(Oid4vpTransaction).where(Oid4vpTransaction.request_id == request_id)
            ).first()
            return _view(row, now) if row is not None else None

    def erase_stale(self, *, now: float, retention: float) -> int:
        """Erase the result (what the wallet disclosed) and any unused response decryption
        key of every transaction answered, or expired unanswered, more than ``retention``
        seconds ago; how many were erased. The row keeps its status and times, so a late
        poll learns the outcome was erased rather than that the transaction never existed.
        One conditional ``UPDATE``: idempotent, safe to run from several processes."""
        cutoff = now - retention
        statement = (
            update(Oid4vpTransaction)
            .where(
                Oid4vpTransaction.result_erased_at.is_(None),
                func.coalesce(Oid4vpTransaction.completed_at, Oid4vpTransaction.expires_at)
                < cutoff,
            )
            .values(result=None, response_key=None, result_erased_at=now)
        )
        with self._sessions() as session, session.begin():
            changed = session.execute(statement).rowcount  # type: ignore[attr-defined]
        return int(changed or 0)
