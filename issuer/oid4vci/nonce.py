"""The Nonce Endpoint (§7) and the single-use consumption of ``c_nonce`` values.

§7.2: "New challenge values MUST be unpredictable" and the response MUST carry
``Cache-Control: no-store``. A value is good for ``c_nonce_ttl`` seconds and one Credential
Request: :func:`consume_nonces` marks it used with a conditional update inside the
request's transaction, so of two requests racing with one value only one proceeds, and a
request that fails later gives its value back (the transaction rolls back).
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import bindparam, delete, insert, update
from sqlalchemy.orm import Session

from issuer.db import table_of
from issuer.oid4vci.context import Oid4vciContext, digest
from issuer.oid4vci.errors import InvalidNonce
from issuer.oid4vci.models import CNonceRow

_NONCES = table_of(CNonceRow)
# Built once: statements built per call cost more CPU than their execution on the database.
_INSERT_NONCE = insert(_NONCES)
_CONSUME_NONCE = (
    update(_NONCES)
    .where(
        _NONCES.c.nonce_hash == bindparam("digest"),
        _NONCES.c.used_at.is_(None),
        _NONCES.c.expires_at > bindparam("now"),
    )
    .values(used_at=bindparam("now"))
)


def issue_nonce(ctx: Oid4vciContext) -> str:
    """A fresh ``c_nonce``, stored as its digest."""
    value = ctx.new_secret()
    with ctx.statement() as session:
        session.execute(
            _INSERT_NONCE,
            {"nonce_hash": digest(value), "expires_at": ctx.now() + ctx.config.c_nonce_ttl},
        )
        session.commit()
    return value


def consume_nonces(ctx: Oid4vciContext, session: Session, values: Iterable[str]) -> None:
    """Mark each distinct value used; :class:`InvalidNonce` if one is unknown, expired or
    already used."""
    now = ctx.now()
    for value in dict.fromkeys(values):
        result = session.execute(_CONSUME_NONCE, {"digest": digest(value), "now": now})
        if getattr(result, "rowcount", 0) != 1:
            raise InvalidNonce("c_nonce is unknown, expired or already used; get a new one")


def purge_expired_nonces(ctx: Oid4vciContext) -> int:
    with ctx.transaction() as session:
        result = session.execute(delete(CNonceRow).where(CNonceRow.expires_at < ctx.now()))
        return int(getattr(result, "rowcount", 0) or 0)
