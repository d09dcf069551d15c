"""The Nonce Endpoint (§7) and the single-use consumption of ``c_nonce`` values.

§7.2: "New challenge values MUST be unpredictable" and the response MUST carry
``Cache-Control: no-store``; how the issuer recognises its values is left to it.

A value is self-contained, so issuing one touches no database: the base64url encoding of
its expiry (8 bytes, big-endian milliseconds since the epoch), 16 random bytes, and the
first 16 bytes of HMAC-SHA-256 over those 24 under :attr:`Oid4vciContext.nonce_key` (every
process of a deployment derives the same key from the key store's master secret, so a
value from one process is accepted by the others).

Single use is kept in the database where it matters, at consumption:
:func:`consume_nonces` checks the tag and the expiry, then records the value's digest in
the used-nonce table with ``INSERT … ON CONFLICT DO NOTHING`` inside the Credential
Request's transaction. Of two requests racing with one value only one inserts the row;
a request that fails later gives its value back (the transaction rolls back, row and
all). Rows are kept until some minutes after the value has expired
(:func:`purge_expired_nonces`), after which its expiry alone refuses it.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterable
from typing import Final

from sqlalchemy import delete
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from credentials.errors import MalformedError
from credentials.multiformats import b64url_decode, b64url_encode
from issuer.db import table_of
from issuer.oid4vci.context import Oid4vciContext, digest
from issuer.oid4vci.errors import InvalidNonce
from issuer.oid4vci.models import CNonceRow

_EXPIRY_BYTES: Final = 8
_RANDOM_BYTES: Final = 16
_TAG_BYTES: Final = 16
_SIZE: Final = _EXPIRY_BYTES + _RANDOM_BYTES + _TAG_BYTES
#: Longest accepted text (base64url of :data:`_SIZE` bytes, no padding); longer input is
#: refused before decoding.
_MAX_TEXT: Final = (_SIZE * 4 + 2) // 3

_NONCES = table_of(CNonceRow)
# Built once per dialect: both know ON CONFLICT DO NOTHING, and its row count (0 or 1) is
# the answer to "was this value still unused" (``preserve_rowcount``: SQLAlchemy keeps an
# INSERT's count only when asked; psycopg's would otherwise read -1).
_RECORD_USE: Final = {
    name: dialect.insert(_NONCES)
    .on_conflict_do_nothing(index_elements=[_NONCES.c.nonce_hash])
    .execution_options(preserve_rowcount=True)
    for name, dialect in (("postgresql", postgresql), ("sqlite", sqlite))
}


def _tag(key: bytes, payload: bytes) -> bytes:
    return hmac.new(key, payload, hashlib.sha256).digest()[:_TAG_BYTES]


def issue_nonce(ctx: Oid4vciContext) -> str:
    """A fresh ``c_nonce`` good for ``c_nonce_ttl`` seconds (no database work)."""
    expires_ms = int((ctx.now() + ctx.config.c_nonce_ttl) * 1000)
    payload = expires_ms.to_bytes(_EXPIRY_BYTES, "big") + secrets.token_bytes(_RANDOM_BYTES)
    return b64url_encode(payload + _tag(ctx.nonce_key, payload))


def nonce_expiry(ctx: Oid4vciContext, value: str) -> float | None:
    """When ``value`` expires (seconds since the epoch) if this deployment issued it and it
    has not expired yet, else ``None``."""
    if not isinstance(value, str) or len(value) != _MAX_TEXT:
        return None
    try:
        raw = b64url_decode(value)
    except MalformedError:
        return None
    if len(raw) != _SIZE:
        return None
    payload, tag = raw[:-_TAG_BYTES], raw[-_TAG_BYTES:]
    if not hmac.compare_digest(tag, _tag(ctx.nonce_key, payload)):
        return None
    expires_at = int.from_bytes(payload[:_EXPIRY_BYTES], "big") / 1000
    return expires_at if expires_at > ctx.now() else None


def consume_nonces(ctx: Oid4vciContext, session: Session, values: Iterable[str]) -> None:
    """Record each distinct value as used in ``session``'s transaction; :class:`InvalidNonce`
    if one was not issued here, has expired or was already used."""
    now = ctx.now()
    record = _RECORD_USE[session.get_bind().dialect.name]
    for value in dict.fromkeys(values):
        expires_at = nonce_expiry(ctx, value)
        if expires_at is None:
            raise InvalidNonce("c_nonce is unknown or expired; get a new one")
        result = session.execute(
            record, {"nonce_hash": digest(value), "expires_at": expires_at, "used_at": now}
        )
        if getattr(result, "rowcount", 0) != 1:
            raise InvalidNonce("c_nonce was already used; get a new one")


#: A used value is forgotten this long after its expiry: a process whose clock runs behind
#: the purging one's still accepts the value's tag and expiry meanwhile, and only the row
#: stops it from being used again.
PURGE_GRACE: Final = 300.0


def purge_expired_nonces(ctx: Oid4vciContext) -> int:
    """Forget the used values expired for :data:`PURGE_GRACE` seconds (their own expiry
    refuses them by then, on every process whose clock is within that of this one)."""
    cutoff = ctx.now() - PURGE_GRACE
    with ctx.transaction() as session:
        result = session.execute(delete(CNonceRow).where(CNonceRow.expires_at < cutoff))
        return int(getattr(result, "rowcount", 0) or 0)
