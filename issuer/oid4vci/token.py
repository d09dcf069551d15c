"""The Token Endpoint (§6): the Pre-Authorized Code and Authorization Code grants.

A code is redeemed exactly once: the redeeming transaction runs ``UPDATE … SET redeemed_at
WHERE redeemed_at IS NULL AND …`` and only the caller whose update touched the row gets a
token — on SQLite (one writer at a time) as on PostgreSQL (row lock, then re-evaluation of
the condition), also across processes. A wrong Transaction Code is ``invalid_grant``
(§6.3) and counts one failed attempt, committed although the request fails; after
``tx_code_max_attempts`` the offer is dead ("The AS SHOULD cap failed tx_code attempts per
pre-authorized code, then invalidate the code").
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from sqlalchemy import JSON, Float, String, bindparam, insert, select, update

from issuer.db import table_of
from issuer.oid4vci import pkce
from issuer.oid4vci.access_token import new_access_token, store_access_token
from issuer.oid4vci.authorization_details import parse_authorization_details
from issuer.oid4vci.context import Oid4vciContext, digest
from issuer.oid4vci.credential_offer import offer_is_live, tx_code_hash_matches
from issuer.oid4vci.dpop import verify_dpop_proof
from issuer.oid4vci.errors import (
    InvalidAuthorizationDetails,
    InvalidClient,
    InvalidDpopProof,
    InvalidGrant,
    InvalidRequest,
    UnsupportedGrantType,
)
from issuer.oid4vci.metadata import AUTHORIZATION_DETAILS_TYPE, PRE_AUTHORIZED_GRANT
from issuer.oid4vci.models import AccessTokenRow, AuthorizationCodeRow, OfferRow

AUTHORIZATION_CODE_GRANT: Final = "authorization_code"


@dataclass(frozen=True, slots=True)
class TokenRequest:
    """The form parameters (RFC 6749 §4.1.3, OpenID4VCI §6.1) and the request's DPoP headers."""

    params: Mapping[str, list[str]]
    dpop: list[str]
    url: str


def _param(request: TokenRequest, name: str, *, required: bool = False) -> str | None:
    values = request.params.get(name)
    if not values:
        if required:
            raise InvalidRequest(f"parameter {name} is required")
        return None
    if len(values) > 1:
        raise InvalidRequest(f"parameter {name} is repeated")
    return values[0]


def exchange(ctx: Oid4vciContext, request: TokenRequest) -> dict[str, Any]:
    """Answer one token request; returns the JSON token response (RFC 6749 §5.1)."""
    grant_type = _param(request, "grant_type", required=True)
    if grant_type not in (PRE_AUTHORIZED_GRANT, AUTHORIZATION_CODE_GRANT):
        raise UnsupportedGrantType(f"grant_type {str(grant_type)[:80]!r} is not supported")
    jkt = _dpop_key(ctx, request)
    if grant_type == PRE_AUTHORIZED_GRANT:
        return _pre_authorized(ctx, request, jkt)
    return _authorization_code(ctx, request, jkt)


def _dpop_key(ctx: Oid4vciContext, request: TokenRequest) -> str | None:
    if not request.dpop:
        if ctx.config.dpop_required:
            raise InvalidDpopProof("this Authorization Server requires a DPoP proof")
        return None
    return verify_dpop_proof(ctx, request.dpop, method="POST", url=request.url).jkt


def _requested_details(
    ctx: Oid4vciContext, request: TokenRequest, allowed: list[str]
) -> list[dict[str, Any]] | None:
    raw = _param(request, "authorization_details")
    if raw is None:
        return None
    details = parse_authorization_details(ctx, raw)
    outside = [d["credential_configuration_id"] for d in details]
    outside = [cid for cid in outside if cid not in allowed]
    if outside:
        raise InvalidAuthorizationDetails(f"the grant does not cover {outside}")
    return details


def _grant(
    ctx: Oid4vciContext,
    *,
    offer_id: str,
    client_id: str | None,
    configuration_ids: list[str],
    details: list[dict[str, Any]] | None,
    scope: str | None,
    jkt: str | None,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The token response (RFC 6749 §5.1) and the access-token row to store with it."""
    identifiers: dict[str, str] | None = None
    echoed: list[dict[str, Any]] | None = None
    if details is not None:
        identifiers = {}
        echoed = []
        for entry in details:
            identifier = ctx.token(16)
            identifiers[identifier] = entry["credential_configuration_id"]
            echoed.append({**entry, "credential_identifiers": [identifier]})
        configuration_ids = [d["credential_configuration_id"] for d in details]
    token, row = new_access_token(
        ctx,
        offer_id=offer_id,
        client_id=client_id,
        configuration_ids=configuration_ids,
        credential_identifiers=identifiers,
        jkt=jkt,
    )
    body: dict[str, Any] = {
        "access_token": token,
        "token_type": "DPoP" if jkt else "Bearer",
        "expires_in": ctx.config.access_token_ttl,
    }
    if echoed is not None:
        body["authorization_details"] = echoed
    elif scope:
        body["scope"] = scope
    return body, row


#: The columns the Token Endpoint needs to judge a pre-authorized code (not the claims).
_OFFERS = table_of(OfferRow)
_OFFER_BY_CODE = select(
    _OFFERS.c.id,
    _OFFERS.c.expires_at,
    _OFFERS.c.redeemed_at,
    _OFFERS.c.failed_attempts,
    _OFFERS.c.tx_code_salt,
    _OFFERS.c.tx_code_hash,
    _OFFERS.c.configuration_ids,
).where(_OFFERS.c.pre_authorized_code_hash == bindparam("code_hash"))
_COUNT_FAILURE = (
    update(_OFFERS)
    .where(_OFFERS.c.id == bindparam("offer_id"))
    .values(failed_attempts=_OFFERS.c.failed_attempts + 1)
)
#: The redemption: only the caller whose update touches the row gets a token.
_REDEEM = (
    update(_OFFERS)
    .where(
        _OFFERS.c.id == bindparam("offer_id"),
        _OFFERS.c.redeemed_at.is_(None),
        _OFFERS.c.expires_at > bindparam("now"),
        _OFFERS.c.failed_attempts < bindparam("max_attempts"),
    )
    .values(redeemed_at=bindparam("now"), document=None)
)
_TOKENS = table_of(AccessTokenRow)
#: The redemption and the token's row in one statement (PostgreSQL: a data-modifying
#: ``WITH``), run in autocommit: the token row exists exactly when the update touched the
#: offer, and the whole exchange costs two round trips (read, then this) instead of five
#: (BEGIN, read, update, insert, COMMIT). The token's values are bound as ``t_<column>``:
#: a parameter named after a column of the offer table would be taken as one more column
#: for the ``UPDATE`` to set.
_REDEEMED = _REDEEM.returning(_OFFERS.c.id).cte("redeemed")
_REDEEM_WITH_TOKEN = (
    insert(_TOKENS)
    .from_select(
        [
            "token_hash",
            "offer_id",
            "client_id",
            "configuration_ids",
            "credential_identifiers",
            "jkt",
            "issued_at",
            "expires_at",
        ],
        select(
            bindparam("t_token_hash", type_=String),
            _REDEEMED.c.id,
            bindparam("t_client_id", type_=String),
            bindparam("t_configuration_ids", type_=JSON),
            bindparam("t_credential_identifiers", type_=JSON),
            bindparam("t_jkt", type_=String),
            bindparam("t_issued_at", type_=Float),
            bindparam("t_expires_at", type_=Float),
        ),
    )
    .execution_options(preserve_rowcount=True)
)


def _judge_offer(ctx: Oid4vciContext, row: Any, tx_code: str | None, now: float) -> bool:
    """Refuse a dead code or a request of the wrong shape; ``False``: the ``tx_code`` is
    wrong (the caller counts the failed attempt)."""
    if not offer_is_live(
        ctx,
        redeemed_at=row.redeemed_at,
        expires_at=row.expires_at,
        failed_attempts=row.failed_attempts,
        now=now,
    ):
        raise InvalidGrant("the pre-authorized code is invalid, expired or already used")
    expects_tx_code = row.tx_code_hash is not None
    if expects_tx_code and tx_code is None:
        raise InvalidRequest("tx_code is required for this pre-authorized code")
    if not expects_tx_code and tx_code is not None:
        raise InvalidRequest("this pre-authorized code takes no tx_code")
    return not expects_tx_code or (
        tx_code is not None and tx_code_hash_matches(row.tx_code_salt, row.tx_code_hash, tx_code)
    )


def _pre_authorized(ctx: Oid4vciContext, request: TokenRequest, jkt: str | None) -> dict[str, Any]:
    """Read the grant, then redeem it with a conditional ``UPDATE``: only the caller whose
    update touches the offer gets a token.

    On SQLite, one transaction holds the read, the redemption and the token's row. On
    PostgreSQL (autocommit sessions available), the read is one statement and the
    redemption with the token's row another (:data:`_REDEEM_WITH_TOKEN`).

    A request refused for its shape (missing or unexpected ``tx_code``, bad
    ``authorization_details``) changes nothing; a wrong ``tx_code`` commits its failed
    attempt (and only that) before the ``invalid_grant`` answer.
    """
    code = _param(request, "pre-authorized_code", required=True)
    assert code is not None
    tx_code = _param(request, "tx_code")
    client_id = _param(request, "client_id")
    if client_id is None and not ctx.config.pre_authorized_anonymous_access:
        raise InvalidClient("this Authorization Server does not support anonymous access")
    now = ctx.now()
    limits = {"now": now, "max_attempts": ctx.config.tx_code_max_attempts}
    single = ctx.single_statements is not None
    with ctx.statement() if single else ctx.transaction() as session:
        row = session.execute(_OFFER_BY_CODE, {"code_hash": digest(code)}).one_or_none()
        if row is None:
            raise InvalidGrant("the pre-authorized code is invalid, expired or already used")
        if not _judge_offer(ctx, row, tx_code, now):
            session.execute(_COUNT_FAILURE, {"offer_id": row.id})
            if single:
                session.commit()
        else:
            ids = list(row.configuration_ids)
            details = _requested_details(ctx, request, ids)
            body, token_row = _grant(
                ctx,
                offer_id=row.id,
                client_id=client_id,
                configuration_ids=ids,
                details=details,
                scope=None,
                jkt=jkt,
            )
            if single:
                values = {f"t_{name}": value for name, value in token_row.items()}
                redeemed = session.execute(
                    _REDEEM_WITH_TOKEN, {**values, **limits, "offer_id": row.id}
                )
            else:
                redeemed = session.execute(_REDEEM, {**limits, "offer_id": row.id})
            if getattr(redeemed, "rowcount", 0) != 1:
                raise InvalidGrant("the pre-authorized code is invalid, expired or already used")
            if single:
                session.commit()
            else:
                store_access_token(session, token_row)
            return body
    # Only a wrong tx_code gets here, its failed attempt committed (with the block on
    # SQLite).
    raise InvalidGrant("the transaction code is wrong")


def _authorization_code(
    ctx: Oid4vciContext, request: TokenRequest, jkt: str | None
) -> dict[str, Any]:
    code = _param(request, "code", required=True)
    assert code is not None
    verifier = _param(request, "code_verifier")
    redirect_uri = _param(request, "redirect_uri")
    client_id = _param(request, "client_id", required=True)
    now = ctx.now()
    key = digest(code)
    with ctx.transaction() as session:
        row = session.get(AuthorizationCodeRow, key)
        if row is None or row.redeemed_at is not None or row.expires_at <= now:
            raise InvalidGrant("the authorization code is invalid, expired or already used")
        if row.client_id != client_id:
            raise InvalidGrant("the authorization code was issued to another client")
        if row.redirect_uri != redirect_uri:
            raise InvalidGrant("redirect_uri does not match the authorization request")
        if verifier is None:
            raise InvalidRequest("code_verifier is required (PKCE)")
        if not pkce.verify(verifier, row.code_challenge):
            raise InvalidGrant("code_verifier does not match the code_challenge")
        if row.dpop_jkt is not None and row.dpop_jkt != jkt:
            raise InvalidGrant("the DPoP key differs from the dpop_jkt of the request")
        details = _requested_details(ctx, request, list(row.configuration_ids))
        if details is None and row.authorization_details is not None:
            details = [
                {k: v for k, v in d.items() if k != "credential_identifiers"}
                for d in row.authorization_details
                if d.get("type") == AUTHORIZATION_DETAILS_TYPE
            ]
        redeemed = session.execute(
            update(AuthorizationCodeRow)
            .where(
                AuthorizationCodeRow.code_hash == key, AuthorizationCodeRow.redeemed_at.is_(None)
            )
            .values(redeemed_at=now)
        )
        if getattr(redeemed, "rowcount", 0) != 1:
            raise InvalidGrant("the authorization code is invalid, expired or already used")
        body, token_row = _grant(
            ctx,
            offer_id=row.offer_id,
            client_id=client_id,
            configuration_ids=list(row.configuration_ids),
            details=details,
            scope=" ".join(
                sorted(
                    {
                        s
                        for cid in row.configuration_ids
                        if (c := ctx.configuration(cid)) and (s := c.scope)
                    }
                )
            ),
            jkt=jkt,
        )
        store_access_token(session, token_row)
        return body
