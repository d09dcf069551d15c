"""Credential Offers (§4.1) with the Pre-Authorized Code and Authorization Code grants.

§4.1: the offer is passed "by value" in ``credential_offer`` or "by reference" in
``credential_offer_uri``, exactly one of them. The pre-authorized code is "short lived and
single use" (§4.1.1); the Transaction Code is a numeric value shown to the End-User and sent
by the Wallet at the Token Endpoint. Offers here expire after ``offer_ttl`` (10 min) and are
redeemed once; the offer document is erased when redeemed, and the claims once nothing can
mint from the offer any more (:func:`erase_spent_offers`).

``claims_by_configuration`` maps each offered configuration to the claims the minter will
sign, or to ``None`` while a register lookup is still pending: the Credential Endpoint then
answers with a deferred ``transaction_id`` (§8.3) until :func:`complete_pending_claims`.
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final, Literal
from urllib.parse import quote

from sqlalchemy import and_, exists, select, update
from sqlalchemy.orm import Session

from credentials.oauth_errors import NotFound
from issuer.oid4vci.context import Oid4vciContext, digest
from issuer.oid4vci.metadata import PRE_AUTHORIZED_GRANT
from issuer.oid4vci.models import AccessTokenRow, DeferredTransactionRow, OfferRow

OFFER_SCHEME: Final = "openid-credential-offer://"
GrantKind = Literal["pre-authorized_code", "authorization_code"]
TX_CODE_DESCRIPTION: Final = (
    "Saisissez le code affiché sur la page Attestia / Enter the code shown on the Attestia page"
)


@dataclass(frozen=True, slots=True)
class Offer:
    """A created offer: the JSON object, both URI forms, and what the End-User is shown."""

    id: str
    document: dict[str, Any]
    uri_by_reference: str
    uri_by_value: str
    offer_url: str
    tx_code: str | None
    expires_at: float

    @property
    def pre_authorized_code(self) -> str | None:
        grant = self.document.get("grants", {}).get(PRE_AUTHORIZED_GRANT)
        return None if grant is None else str(grant["pre-authorized_code"])

    @property
    def issuer_state(self) -> str | None:
        grant = self.document.get("grants", {}).get("authorization_code")
        return None if grant is None else str(grant["issuer_state"])


def tx_code_digest(salt: str, tx_code: str) -> str:
    return digest(f"{salt}:{tx_code}")


def tx_code_hash_matches(salt: str | None, stored: str | None, candidate: str) -> bool:
    """Whether ``candidate`` is the Transaction Code stored as ``stored`` (salted digest)."""
    if salt is None or stored is None:
        return False
    return hmac.compare_digest(tx_code_digest(salt, candidate), stored)


def offer_uris(offer_url: str, document: Mapping[str, Any]) -> tuple[str, str]:
    """(by reference, by value) ``openid-credential-offer://`` URIs (§4.1.2, §4.1.3)."""
    by_reference = f"{OFFER_SCHEME}?credential_offer_uri={quote(offer_url, safe='')}"
    compact = json.dumps(document, separators=(",", ":"), ensure_ascii=False)
    by_value = f"{OFFER_SCHEME}?credential_offer={quote(compact, safe='')}"
    return by_reference, by_value


def create_offer(
    ctx: Oid4vciContext,
    session: Session,
    *,
    configuration_ids: Sequence[str],
    claims_by_configuration: Mapping[str, Mapping[str, Any] | None],
    subject: Mapping[str, Any],
    grant: GrantKind = "pre-authorized_code",
    tx_code: bool = True,
    ttl: int | None = None,
) -> Offer:
    """Create and store an offer in ``session`` (the caller commits).

    ``subject`` identifies the End-User the offer is for (at least ``sub``, the ProConnect
    subject; plus identifiers such as ``siret``); the Authorization Endpoint refuses an
    ``issuer_state`` presented by anyone else.
    """
    ids = list(dict.fromkeys(configuration_ids))
    if not ids:
        raise ValueError("an offer names at least one credential configuration (§4.1.1)")
    unknown = [cid for cid in ids if ctx.configuration(cid) is None]
    if unknown:
        raise ValueError(f"unknown credential configurations: {unknown}")
    missing = [cid for cid in ids if cid not in claims_by_configuration]
    if missing:
        raise ValueError(f"no claims (nor None for pending) for {missing}")
    if not isinstance(subject.get("sub"), str) or not subject["sub"]:
        raise ValueError("subject needs the ProConnect 'sub'")
    if grant not in ("pre-authorized_code", "authorization_code"):
        raise ValueError(f"unknown grant {grant!r}")
    if tx_code and grant != "pre-authorized_code":
        raise ValueError("a Transaction Code only goes with the pre-authorized code grant")

    now = ctx.now()
    lifetime = ctx.config.offer_ttl if ttl is None else ttl
    offer_id = ctx.token(24)
    row = OfferRow(
        id=offer_id,
        created_at=now,
        expires_at=now + lifetime,
        grant_type=grant,
        failed_attempts=0,
        configuration_ids=ids,
        claims={
            cid: (None if c is None else dict(c))
            for cid, c in claims_by_configuration.items()
            if cid in ids
        },
        subject=dict(subject),
    )
    grants: dict[str, Any] = {}
    code_value: str | None = None
    if grant == "pre-authorized_code":
        pre_authorized_code = ctx.new_secret()
        row.pre_authorized_code_hash = digest(pre_authorized_code)
        grant_object: dict[str, Any] = {"pre-authorized_code": pre_authorized_code}
        if tx_code:
            code_value = ctx.digits(ctx.config.tx_code_length)
            row.tx_code_salt = ctx.token(12)
            row.tx_code_hash = tx_code_digest(row.tx_code_salt, code_value)
            grant_object["tx_code"] = {
                "input_mode": "numeric",
                "length": ctx.config.tx_code_length,
                "description": TX_CODE_DESCRIPTION,
            }
        grants[PRE_AUTHORIZED_GRANT] = grant_object
    else:
        issuer_state = ctx.new_secret()
        row.issuer_state_hash = digest(issuer_state)
        grants["authorization_code"] = {"issuer_state": issuer_state}
    document = {
        "credential_issuer": ctx.config.credential_issuer,
        "credential_configuration_ids": ids,
        "grants": grants,
    }
    row.document = document
    session.add(row)
    session.flush()
    offer_url = f"{ctx.config.endpoint('offers')}/{offer_id}"
    by_reference, by_value = offer_uris(offer_url, document)
    return Offer(
        id=offer_id,
        document=document,
        uri_by_reference=by_reference,
        uri_by_value=by_value,
        offer_url=offer_url,
        tx_code=code_value,
        expires_at=row.expires_at,
    )


def is_live(ctx: Oid4vciContext, row: OfferRow, now: float) -> bool:
    """Not expired, not redeemed, not killed by too many wrong Transaction Codes."""
    return row.document is not None and offer_is_live(
        ctx,
        redeemed_at=row.redeemed_at,
        expires_at=row.expires_at,
        failed_attempts=row.failed_attempts,
        now=now,
    )


def offer_is_live(
    ctx: Oid4vciContext,
    *,
    redeemed_at: float | None,
    expires_at: float,
    failed_attempts: int,
    now: float,
) -> bool:
    """:func:`is_live` on the columns alone (the document is erased when redeemed)."""
    return (
        redeemed_at is None
        and expires_at > now
        and failed_attempts < ctx.config.tx_code_max_attempts
    )


def offer_document(ctx: Oid4vciContext, offer_id: str) -> dict[str, Any]:
    """The offer JSON served at ``credential_offer_uri`` (§4.1.3), while the offer lives."""
    with ctx.sessions() as session:
        row = session.get(OfferRow, offer_id)
        if row is None or not is_live(ctx, row, ctx.now()) or row.document is None:
            raise NotFound("no such credential offer, or it has expired or been used")
        return dict(row.document)


def complete_pending_claims(
    ctx: Oid4vciContext,
    session: Session,
    *,
    offer_id: str,
    configuration_id: str,
    claims: Mapping[str, Any],
) -> None:
    """Supply the claims a pending register lookup produced; deferred requests then mint."""
    row = session.scalars(select(OfferRow).where(OfferRow.id == offer_id).with_for_update()).one()
    if row.claims_erased_at is not None:
        raise ValueError(f"offer {offer_id} is spent: its claims were erased")
    if configuration_id not in row.configuration_ids:
        raise ValueError(f"{configuration_id} is not part of offer {offer_id}")
    updated = dict(row.claims)
    updated[configuration_id] = dict(claims)
    row.claims = updated
    session.flush()


#: Seconds past the last use an offer's claims are kept: a process whose clock runs behind
#: the erasing one may still be serving a token it believes live for that long.
ERASURE_GRACE: Final = 300.0


def erase_spent_offers(ctx: Oid4vciContext) -> int:
    """Erase the claims and the document of every offer nothing can mint from any more; how
    many offers were erased.

    An offer is spent once it has expired (no new access token), each of its access tokens
    has expired (no Credential Request) and none of its deferred issuances (§9) is still
    open, each for :data:`ERASURE_GRACE` seconds. Its claims (names, birth dates, the
    company data the credentials carried) then have no use left, and keeping them would make
    the offer table a copy of every credential ever issued, which the credential register
    deliberately is not. One conditional ``UPDATE``: idempotent, so several processes may
    run it at once.
    """
    now = ctx.now()
    cutoff = now - ERASURE_GRACE
    live_token = exists().where(
        AccessTokenRow.offer_id == OfferRow.id, AccessTokenRow.expires_at > cutoff
    )
    open_deferred = exists().where(
        and_(
            DeferredTransactionRow.offer_id == OfferRow.id,
            DeferredTransactionRow.completed_at.is_(None),
            DeferredTransactionRow.expires_at > cutoff,
        )
    )
    statement = (
        update(OfferRow)
        .where(
            OfferRow.claims_erased_at.is_(None),
            OfferRow.expires_at < cutoff,
            ~live_token,
            ~open_deferred,
        )
        .values(claims={}, document=None, claims_erased_at=now)
        .execution_options(synchronize_session=False)
    )
    with ctx.transaction() as session:
        result = session.execute(statement)
        return int(getattr(result, "rowcount", 0) or 0)
