"""Access tokens: opaque random values, stored as digests, short-lived, bound to their
grant (the offer's configurations and claims) and, with DPoP, to the client's key.

At the resource (Credential, Deferred and Notification Endpoints): RFC 6750 §2.1 bearer
tokens in the ``Authorization`` header only (never the query), and RFC 9449 §7 DPoP-bound
tokens with ``Authorization: DPoP`` plus a proof whose ``ath`` is the token's hash and whose
key's thumbprint is the token's ``cnf.jkt``. Failures are 401 ``invalid_token`` with a
``WWW-Authenticate`` challenge (RFC 6750 §3, RFC 9449 §7.1).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, insert, select
from sqlalchemy.orm import Session

from issuer.db import table_of
from issuer.oid4vci.context import Oid4vciContext, digest
from issuer.oid4vci.dpop import verify_dpop_proof
from issuer.oid4vci.errors import InvalidDpopProof, InvalidDpopProofAtResource, InvalidToken
from issuer.oid4vci.models import AccessTokenRow


@dataclass(frozen=True, slots=True)
class AccessGrant:
    """What a valid access token lets its holder obtain."""

    token_hash: str
    offer_id: str
    client_id: str | None
    configuration_ids: tuple[str, ...]
    credential_identifiers: Mapping[str, str] | None
    jkt: str | None


_TOKENS = table_of(AccessTokenRow)
_INSERT_TOKEN = insert(_TOKENS)
_TOKEN_BY_HASH = select(
    _TOKENS.c.token_hash,
    _TOKENS.c.offer_id,
    _TOKENS.c.client_id,
    _TOKENS.c.configuration_ids,
    _TOKENS.c.credential_identifiers,
    _TOKENS.c.jkt,
    _TOKENS.c.expires_at,
).where(_TOKENS.c.token_hash == bindparam("token_hash"))


def new_access_token(
    ctx: Oid4vciContext,
    *,
    offer_id: str,
    client_id: str | None,
    configuration_ids: list[str],
    credential_identifiers: dict[str, str] | None,
    jkt: str | None,
) -> tuple[str, dict[str, Any]]:
    """A fresh token and the row that stores it (its digest, grant and lifetime)."""
    token = ctx.new_secret()
    now = ctx.now()
    return token, {
        "token_hash": digest(token),
        "offer_id": offer_id,
        "client_id": client_id,
        "configuration_ids": configuration_ids,
        "credential_identifiers": credential_identifiers,
        "jkt": jkt,
        "issued_at": now,
        "expires_at": now + ctx.config.access_token_ttl,
    }


def store_access_token(session: Session, row: Mapping[str, Any]) -> None:
    """Insert a row made by :func:`new_access_token` in ``session``'s transaction."""
    session.execute(_INSERT_TOKEN, dict(row))


def _challenge(ctx: Oid4vciContext, scheme: str, error: str | None, description: str) -> str:
    parts = []
    if scheme == "DPoP":
        parts.append(f'algs="{" ".join(ctx.config.dpop_algorithms)}"')
    if error is not None:
        parts.append(f'error="{error}"')
        parts.append(f'error_description="{description}"')
    return f"{scheme} " + ", ".join(parts) if parts else scheme


def _invalid(
    ctx: Oid4vciContext, scheme: str, description: str, *, error: bool = True
) -> InvalidToken:
    challenge = _challenge(ctx, scheme, "invalid_token" if error else None, description)
    return InvalidToken(description, headers={"WWW-Authenticate": challenge})


def authenticate(
    ctx: Oid4vciContext,
    *,
    authorization: str | None,
    dpop: list[str],
    method: str,
    url: str,
) -> AccessGrant:
    """The grant behind the request's access token, or a 401 error."""
    preferred = "DPoP" if ctx.config.dpop_required else "Bearer"
    if not authorization:
        raise _invalid(ctx, preferred, "an access token is required", error=False)
    scheme, _, token = authorization.strip().partition(" ")
    scheme = scheme.lower()
    token = token.strip()
    if scheme not in ("bearer", "dpop") or not token or " " in token:
        raise _invalid(ctx, preferred, "the Authorization header is not Bearer or DPoP")
    challenge_scheme = "DPoP" if scheme == "dpop" else "Bearer"
    with ctx.statement() as session:
        row = session.execute(_TOKEN_BY_HASH, {"token_hash": digest(token)}).one_or_none()
    if row is None or row.expires_at <= ctx.now():
        raise _invalid(ctx, challenge_scheme, "the access token is unknown or has expired")
    if row.jkt is not None:
        if scheme != "dpop":
            raise _invalid(ctx, "DPoP", "this access token is DPoP-bound: use the DPoP scheme")
        try:
            proof = verify_dpop_proof(ctx, dpop, method=method, url=url, access_token=token)
        except InvalidDpopProof as exc:
            raise InvalidDpopProofAtResource(
                exc.description,
                headers={
                    "WWW-Authenticate": _challenge(
                        ctx, "DPoP", "invalid_dpop_proof", exc.description
                    )
                },
            ) from None
        if proof.jkt != row.jkt:
            raise _invalid(ctx, "DPoP", "the DPoP key is not the one the token is bound to")
    elif scheme == "dpop":
        raise _invalid(ctx, "Bearer", "this access token is not DPoP-bound")
    elif ctx.config.dpop_required:
        raise _invalid(ctx, "DPoP", "this issuer requires DPoP-bound access tokens")
    return AccessGrant(
        token_hash=row.token_hash,
        offer_id=row.offer_id,
        client_id=row.client_id,
        configuration_ids=tuple(row.configuration_ids),
        credential_identifiers=row.credential_identifiers,
        jkt=row.jkt,
    )
