"""API tokens for machine access to the registry (RFC 6750 bearer tokens).

The secret is 256 random bits, shown once by :func:`create_token` and stored only as its
SHA-256. :func:`authenticate_token` hashes the presented secret and looks the digest up
through a unique index, so no secret is ever compared byte by byte (the database compares
digests that an attacker cannot steer); the final equality uses ``hmac.compare_digest``.
Tokens carry scopes and an expiry, and can be revoked; every change is audited.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from credentials import multiformats as mf
from trust_registry.audit import append_audit
from trust_registry.errors import (
    InsufficientScopeError,
    InvalidEntryError,
    InvalidTokenError,
    NotFoundError,
)
from trust_registry.models import ApiToken
from trust_registry.timestamps import format_time, utc
from trust_registry.validation import check_text

SCOPES: Final = frozenset({"registry:read", "registry:write", "registry:audit"})
TOKEN_PREFIX: Final = "atr_"  # noqa: S105 (a marker, not a secret)
SECRET_BYTES: Final = 32
MAX_LIFETIME: Final = timedelta(days=366)


@dataclass(frozen=True, slots=True)
class TokenPrincipal:
    """Who a valid token speaks for, and what it may do."""

    token_id: int
    owner: str
    scopes: frozenset[str]

    def require(self, scope: str) -> None:
        if scope not in self.scopes:
            raise InsufficientScopeError(f"this token lacks the {scope!r} scope")


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def token_json(row: ApiToken) -> dict[str, Any]:
    return {
        "id": row.id,
        "owner": row.owner,
        "label": row.label,
        "scopes": sorted(row.scopes),
        "created_by": row.created_by,
        "created_at": format_time(row.created_at),
        "expires_at": format_time(row.expires_at),
        "revoked_at": format_time(row.revoked_at) if row.revoked_at else None,
        "revoked_by": row.revoked_by,
    }


def create_token(
    session: Session,
    *,
    owner: str,
    label: str,
    scopes: Iterable[str],
    lifetime: timedelta,
    actor: str,
    now: datetime,
    random_bytes: Callable[[int], bytes] = secrets.token_bytes,
) -> tuple[dict[str, Any], str]:
    """Create a token; returns its description and the secret (never stored, shown once)."""
    wanted = frozenset(scopes)
    if not wanted or not wanted <= SCOPES:
        raise InvalidEntryError(f"scopes must be a non-empty subset of {sorted(SCOPES)}")
    if not timedelta(0) < lifetime <= MAX_LIFETIME:
        raise InvalidEntryError(f"lifetime must be positive and at most {MAX_LIFETIME.days} days")
    secret = TOKEN_PREFIX + mf.b64url_encode(random_bytes(SECRET_BYTES))
    row = ApiToken(
        token_hash=_digest(secret),
        owner=check_text(owner, "owner"),
        label=check_text(label, "label"),
        scopes=sorted(wanted),
        created_by=check_text(actor, "actor"),
        created_at=utc(now),
        expires_at=utc(now) + lifetime,
    )
    session.add(row)
    session.flush()
    info = token_json(row)
    append_audit(
        session,
        actor=actor,
        action="api_token.created",
        target=f"api_token:{row.id}",
        before=None,
        after=info,
        reason=None,
        now=now,
    )
    return info, secret


def revoke_token(
    session: Session, *, token_id: int, actor: str, reason: str | None = None, now: datetime
) -> dict[str, Any]:
    """Revoke a token for good (revoking twice keeps the first revocation)."""
    row = session.get(ApiToken, token_id)
    if row is None:
        raise NotFoundError(f"no API token {token_id}")
    before = token_json(row)
    if row.revoked_at is None:
        row.revoked_at = utc(now)
        row.revoked_by = actor
        session.flush()
    after = token_json(row)
    append_audit(
        session,
        actor=actor,
        action="api_token.revoked",
        target=f"api_token:{row.id}",
        before=before,
        after=after,
        reason=reason,
        now=now,
    )
    return after


def authenticate_token(session: Session, secret: str, now: datetime) -> TokenPrincipal:
    """The owner and scopes of a valid token; unknown, expired or revoked are refused."""
    if not isinstance(secret, str) or not secret.startswith(TOKEN_PREFIX) or len(secret) > 128:
        raise InvalidTokenError("unknown API token")
    digest = _digest(secret)
    row = session.execute(
        select(ApiToken).where(ApiToken.token_hash == digest)
    ).scalar_one_or_none()
    if row is None or not hmac.compare_digest(row.token_hash, digest):
        raise InvalidTokenError("unknown API token")
    if row.revoked_at is not None:
        raise InvalidTokenError("this API token is revoked")
    if utc(now) >= row.expires_at:
        raise InvalidTokenError("this API token has expired")
    return TokenPrincipal(row.id, row.owner, frozenset(row.scopes))


def list_tokens(session: Session) -> list[dict[str, Any]]:
    return [
        token_json(row) for row in session.execute(select(ApiToken).order_by(ApiToken.id)).scalars()
    ]
