"""The Authorization Code flow (§5): Pushed Authorization Requests (RFC 9126), the
Authorization Endpoint, and the code it returns.

The request (pushed or plain) is validated first; then, because the End-User must log in
through ProConnect and that takes longer than a ``request_uri`` lives (60 s), it is kept as
a *pending authorization* whose id the login round trip carries. Completing it checks the
``issuer_state`` (§5.1.3: "the Credential Issuer MUST take into account that the
``issuer_state`` is not guaranteed to originate from this Credential Issuer […] It could have
been injected by an attacker": the offer must be live and made for the logged-in End-User),
then issues a single-use, 60-second code bound to ``client_id``, ``redirect_uri`` and the
PKCE challenge (RFC 7636 §4.4).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final
from urllib.parse import urlencode, urlsplit

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from credentials.oauth_errors import ProtocolError
from issuer.oid4vci import pkce
from issuer.oid4vci.authorization_details import (
    configuration_ids_for_scope,
    parse_authorization_details,
)
from issuer.oid4vci.context import Oid4vciContext, digest
from issuer.oid4vci.credential_offer import is_live
from issuer.oid4vci.errors import (
    AccessDenied,
    InvalidRequest,
    InvalidRequestUri,
    InvalidScope,
    UnsupportedResponseType,
)
from issuer.oid4vci.models import (
    AuthorizationCodeRow,
    OfferRow,
    ParRequestRow,
    PendingAuthorizationRow,
)

REQUEST_URI_PREFIX: Final = "urn:ietf:params:oauth:request_uri:"
_SINGLE_VALUED: Final = (
    "response_type",
    "client_id",
    "redirect_uri",
    "code_challenge",
    "code_challenge_method",
    "state",
    "scope",
    "authorization_details",
    "issuer_state",
    "dpop_jkt",
)


class AuthorizationRedirect(Exception):
    """An error to report to the client at its (validated) ``redirect_uri`` (RFC 6749
    §4.1.2.1), once the client and redirect URI are known to be sound."""

    def __init__(self, error: ProtocolError, redirect_uri: str, state: str | None, iss: str):
        super().__init__(error.description)
        self.error = error
        self.location = redirect_location(
            redirect_uri,
            {
                "error": error.error,
                "error_description": error.description,
                "state": state,
                "iss": iss,
            },
        )


@dataclass(frozen=True, slots=True)
class AuthorizationRequest:
    """A validated authorization request."""

    client_id: str
    redirect_uri: str
    code_challenge: str
    state: str | None
    configuration_ids: tuple[str, ...]
    authorization_details: tuple[dict[str, Any], ...] | None
    scope: str | None
    issuer_state: str | None
    dpop_jkt: str | None

    def to_json(self) -> dict[str, Any]:
        return {
            "client_id": self.client_id,
            "redirect_uri": self.redirect_uri,
            "code_challenge": self.code_challenge,
            "state": self.state,
            "configuration_ids": list(self.configuration_ids),
            "authorization_details": None
            if self.authorization_details is None
            else list(self.authorization_details),
            "scope": self.scope,
            "issuer_state": self.issuer_state,
            "dpop_jkt": self.dpop_jkt,
        }

    @classmethod
    def from_json(cls, value: Mapping[str, Any]) -> AuthorizationRequest:
        details = value.get("authorization_details")
        return cls(
            client_id=value["client_id"],
            redirect_uri=value["redirect_uri"],
            code_challenge=value["code_challenge"],
            state=value.get("state"),
            configuration_ids=tuple(value["configuration_ids"]),
            authorization_details=None if details is None else tuple(details),
            scope=value.get("scope"),
            issuer_state=value.get("issuer_state"),
            dpop_jkt=value.get("dpop_jkt"),
        )


def redirect_location(redirect_uri: str, params: Mapping[str, str | None]) -> str:
    query = urlencode({k: v for k, v in params.items() if v is not None})
    separator = "&" if urlsplit(redirect_uri).query else "?"
    return f"{redirect_uri}{separator}{query}"


def _single(params: Mapping[str, list[str]], name: str) -> str | None:
    values = params.get(name)
    if not values:
        return None
    if len(values) > 1:
        raise InvalidRequest(f"parameter {name} is repeated")
    return values[0]


def _check_redirect_uri(value: str | None) -> str:
    """No client registration: the URI must be absolute, without a fragment (RFC 6749
    §3.1.2), and the token request must repeat it exactly."""
    if not value or len(value) > 2048:
        raise InvalidRequest("redirect_uri is required")
    parts = urlsplit(value)
    if (
        not parts.scheme
        or parts.fragment
        or (parts.scheme in ("http", "https") and not parts.netloc)
    ):
        raise InvalidRequest("redirect_uri must be an absolute URI without a fragment")
    if parts.scheme.lower() in ("javascript", "data", "vbscript", "file"):
        raise InvalidRequest("redirect_uri scheme is not allowed")
    return value


def validate_authorization_request(
    ctx: Oid4vciContext, params: Mapping[str, list[str]]
) -> AuthorizationRequest:
    """Check the parameters of §5.1 / RFC 6749 §4.1.1 / RFC 7636 §4.3.

    Errors found before the client and redirect URI are sound are raised as they are; the
    others as :class:`AuthorizationRedirect`.
    """
    values = {name: _single(params, name) for name in _SINGLE_VALUED}
    client_id = values["client_id"]
    if not client_id or len(client_id) > 255:
        raise InvalidRequest("client_id is required")
    redirect_uri = _check_redirect_uri(values["redirect_uri"])
    state = values["state"]
    try:
        return _validate_rest(ctx, values, client_id, redirect_uri, state)
    except ProtocolError as exc:
        raise AuthorizationRedirect(
            exc, redirect_uri, state, ctx.config.credential_issuer
        ) from None


def _validate_rest(
    ctx: Oid4vciContext,
    values: Mapping[str, str | None],
    client_id: str,
    redirect_uri: str,
    state: str | None,
) -> AuthorizationRequest:
    if values["response_type"] != "code":
        raise UnsupportedResponseType("response_type must be code")
    challenge = values["code_challenge"]
    if not challenge or values["code_challenge_method"] != "S256":
        raise InvalidRequest("PKCE with code_challenge_method S256 is required")
    if not pkce.valid_challenge(challenge):
        raise InvalidRequest("code_challenge is not a base64url SHA-256 value")
    details: list[dict[str, Any]] | None = None
    ids: list[str] = []
    if values["authorization_details"] is not None:
        details = parse_authorization_details(ctx, values["authorization_details"])
        ids.extend(d["credential_configuration_id"] for d in details)
    scope = values["scope"]
    if scope:
        ids.extend(cid for cid in configuration_ids_for_scope(ctx, scope) if cid not in ids)
    if not ids and values["issuer_state"] is None:
        if scope:
            raise InvalidScope("no credential configuration matches the requested scope")
        raise InvalidRequest("authorization_details or scope (or issuer_state) is required")
    return AuthorizationRequest(
        client_id=client_id,
        redirect_uri=redirect_uri,
        code_challenge=challenge,
        state=state,
        configuration_ids=tuple(ids),
        authorization_details=None if details is None else tuple(details),
        scope=scope,
        issuer_state=values["issuer_state"],
        dpop_jkt=values["dpop_jkt"],
    )


def push_authorization_request(
    ctx: Oid4vciContext, params: Mapping[str, list[str]]
) -> tuple[str, int]:
    """RFC 9126 §2: validate and store; returns ``(request_uri, expires_in)``.

    At the PAR endpoint every error is a JSON error response (§2.3), redirects included.
    """
    if "request_uri" in params:
        raise InvalidRequest("request_uri must not be pushed (RFC 9126 §2.1)")
    try:
        request = validate_authorization_request(ctx, params)
    except AuthorizationRedirect as exc:
        raise exc.error from None
    reference = REQUEST_URI_PREFIX + ctx.new_secret()
    with ctx.transaction() as session:
        session.add(
            ParRequestRow(
                request_uri_hash=digest(reference),
                client_id=request.client_id,
                parameters=request.to_json(),
                expires_at=ctx.now() + ctx.config.par_ttl,
            )
        )
    return reference, ctx.config.par_ttl


def start_authorization(ctx: Oid4vciContext, params: Mapping[str, list[str]]) -> str:
    """Validate a request at the Authorization Endpoint and keep it pending the login.

    With ``request_uri`` the pushed request is consumed (single use, RFC 9126 §4) and its
    ``client_id`` must be the one given here; returns the pending authorization's id.
    """
    request_uri = _single(params, "request_uri")
    if request_uri is not None:
        client_id = _single(params, "client_id")
        now = ctx.now()
        key = digest(request_uri)
        with ctx.transaction() as session:
            row = session.get(ParRequestRow, key)
            if row is None or row.expires_at <= now or row.used_at is not None:
                raise InvalidRequestUri("request_uri is unknown, expired or already used")
            if client_id != row.client_id:
                raise InvalidRequest("client_id does not match the pushed request")
            consumed = session.execute(
                update(ParRequestRow)
                .where(ParRequestRow.request_uri_hash == key, ParRequestRow.used_at.is_(None))
                .values(used_at=now)
            )
            if getattr(consumed, "rowcount", 0) != 1:
                raise InvalidRequestUri("request_uri is unknown, expired or already used")
            request = AuthorizationRequest.from_json(row.parameters)
    else:
        request = validate_authorization_request(ctx, params)
    pending_id = ctx.new_secret()
    with ctx.transaction() as session:
        session.add(
            PendingAuthorizationRow(
                id_hash=digest(pending_id),
                request=request.to_json(),
                expires_at=ctx.now() + ctx.config.pending_authorization_ttl,
            )
        )
    return pending_id


def complete_authorization(ctx: Oid4vciContext, pending_id: str, user: Mapping[str, Any]) -> str:
    """Issue the code for the logged-in ``user`` (``sub`` and ProConnect claims).

    Returns the redirect URL (``code``, ``state``, ``iss`` per RFC 9207). Errors after the
    client is known are :class:`AuthorizationRedirect`.
    """
    now = ctx.now()
    key = digest(pending_id)
    with ctx.transaction() as session:
        consumed = session.execute(
            update(PendingAuthorizationRow)
            .where(
                PendingAuthorizationRow.id_hash == key,
                PendingAuthorizationRow.used_at.is_(None),
                PendingAuthorizationRow.expires_at > now,
            )
            .values(used_at=now)
        )
        if getattr(consumed, "rowcount", 0) != 1:
            raise InvalidRequest("this authorization request is unknown, expired or finished")
        pending = session.get(PendingAuthorizationRow, key)
        assert pending is not None
        request = AuthorizationRequest.from_json(pending.request)
    iss = ctx.config.credential_issuer
    try:
        with ctx.transaction() as session:
            offer_id, ids = _grant_for(ctx, session, request, user, now)
            code = ctx.new_secret()
            session.add(
                AuthorizationCodeRow(
                    code_hash=digest(code),
                    offer_id=offer_id,
                    client_id=request.client_id,
                    redirect_uri=request.redirect_uri,
                    code_challenge=request.code_challenge,
                    authorization_details=None
                    if request.authorization_details is None
                    else list(request.authorization_details),
                    configuration_ids=ids,
                    dpop_jkt=request.dpop_jkt,
                    expires_at=now + ctx.config.authorization_code_ttl,
                )
            )
    except ProtocolError as exc:
        raise AuthorizationRedirect(exc, request.redirect_uri, request.state, iss) from None
    return redirect_location(
        request.redirect_uri, {"code": code, "state": request.state, "iss": iss}
    )


def _grant_for(
    ctx: Oid4vciContext,
    session: Session,
    request: AuthorizationRequest,
    user: Mapping[str, Any],
    now: float,
) -> tuple[str, list[str]]:
    """The offer (grant) the code will point at, and the configurations it covers."""
    sub = user.get("sub")
    if not isinstance(sub, str) or not sub:
        raise AccessDenied("the End-User is not authenticated")
    if request.issuer_state is not None:
        row = session.scalars(
            select(OfferRow).where(OfferRow.issuer_state_hash == digest(request.issuer_state))
        ).one_or_none()
        if row is None or row.grant_type != "authorization_code" or not is_live(ctx, row, now):
            raise AccessDenied("issuer_state does not name a live credential offer")
        if row.subject.get("sub") != sub:
            raise AccessDenied("this credential offer was made for another person")
        ids = list(request.configuration_ids) or list(row.configuration_ids)
        outside = [cid for cid in ids if cid not in row.configuration_ids]
        if outside:
            raise AccessDenied(f"the credential offer does not cover {outside}")
        redeemed = session.execute(
            update(OfferRow)
            .where(OfferRow.id == row.id, OfferRow.redeemed_at.is_(None))
            .values(redeemed_at=now, document=None)
        )
        if getattr(redeemed, "rowcount", 0) != 1:
            raise AccessDenied("this credential offer has already been used")
        return row.id, ids
    if ctx.wallet_initiated is None:
        raise AccessDenied("start from a credential offer of the Attestia portal (issuer_state)")
    ids = list(request.configuration_ids)
    claims = ctx.wallet_initiated.claims_for(session, user=user, configuration_ids=ids)
    refused = [cid for cid in ids if cid not in claims]
    if refused:
        raise AccessDenied(f"you are not eligible for {refused}")
    offer_id = ctx.token(24)
    session.add(
        OfferRow(
            id=offer_id,
            created_at=now,
            expires_at=now,
            grant_type="authorization_code",
            failed_attempts=0,
            redeemed_at=now,
            configuration_ids=ids,
            claims=claims,
            subject=dict(user),
            document=None,
        )
    )
    return offer_id, ids
