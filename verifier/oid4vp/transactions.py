"""Storage of OpenID4VP transactions with atomic, single-use state transitions.

"Single-use values (…OpenID4VP transactions) are consumed atomically, also across several
server processes" (design): every transition is ``UPDATE … WHERE id = ? AND status IN (…)
AND expires_at > now`` and succeeds only if it changed exactly one row.

Statements go through the Core table, not the ORM: an ORM-enabled ``UPDATE`` (bulk
persistence, session synchronisation) cost about a fifth of the server CPU of an OpenID4VP
round trip, and nothing here needs mapped objects.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal, cast

from sqlalchemy import Table, bindparam, func, insert, select, update
from sqlalchemy.orm import Session, sessionmaker

from verifier.oid4vp.models import Oid4vpTransaction

_TABLE = cast(Table, Oid4vpTransaction.__table__)
_BY_ID = select(_TABLE).where(_TABLE.c.id == bindparam("key"))
_BY_REQUEST_ID = select(_TABLE).where(_TABLE.c.request_id == bindparam("key"))
_INSERT = insert(_TABLE)

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


def _view(row: Any, now: float) -> TransactionView:
    """The view of a Core row of the table."""
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
        values = {column.key: getattr(row, column.key) for column in _TABLE.columns}
        with self._sessions() as session, session.begin():
            session.execute(_INSERT, values)

    def _one(self, statement: Any, key: str, now: float) -> TransactionView | None:
        with self._sessions() as session:
            row = session.execute(statement, {"key": key}).first()
            return _view(row, now) if row is not None else None

    def get(self, transaction_id: str, *, now: float) -> TransactionView | None:
        return self._one(_BY_ID, transaction_id, now)

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
            update(_TABLE)
            .where(_TABLE.c.id == transaction_id)
            .where(_TABLE.c.status.in_(list(from_status)))
            .values(status=to_status, **values)
        )
        if check_expiry:
            statement = statement.where(_TABLE.c.expires_at > now)
        with self._sessions() as session, session.begin():
            changed = session.execute(statement).rowcount  # type: ignore[attr-defined]
        return bool(changed == 1)

    def by_request_id(self, request_id: str, *, now: float) -> TransactionView | None:
        return self._one(_BY_REQUEST_ID, request_id, now)

    def erase_stale(self, *, now: float, retention: float) -> int:
        """Erase the result (what the wallet disclosed) and any unused response decryption
        key of every transaction answered, or expired unanswered, more than ``retention``
        seconds ago; how many were erased. The row keeps its status and times, so a late
        poll learns the outcome was erased rather than that the transaction never existed.
        One conditional ``UPDATE``: idempotent, safe to run from several processes."""
        cutoff = now - retention
        statement = (
            update(_TABLE)
            .where(
                _TABLE.c.result_erased_at.is_(None),
                func.coalesce(_TABLE.c.completed_at, _TABLE.c.expires_at) < cutoff,
            )
            .values(result=None, response_key=None, result_erased_at=now)
        )
        with self._sessions() as session, session.begin():
            changed = session.execute(statement).rowcount  # type: ignore[attr-defined]
        return int(changed or 0)
