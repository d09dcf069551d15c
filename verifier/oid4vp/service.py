"""The verifier's side of OpenID4VP 1.0: transactions from creation to verdict.

https://openid.net/specs/openid-4-verifiable-presentations-1_0.html

Framework-free: the router parses HTTP, calls these methods and renders their results or
their :class:`~verifier.oid4vp.errors.Oid4vpError`. What a response means (decryption,
verification, DCQL matching, the policy) is :mod:`verifier.oid4vp.response`; this module
keeps the transaction's life: creation, the single-use request object, the single
accepted response, polling. Storage (:class:`TransactionStore`),
the presentation verifier, the client identity and the clock are injected.
"""

from __future__ import annotations

import hmac
import json
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final, cast
from urllib.parse import urlsplit

from verifier.observability import SILENT, VerificationObserver
from verifier.oid4vp.client_id import ClientIdentity
from verifier.oid4vp.dcql import DcqlQuery, parse_dcql_query
from verifier.oid4vp.encryption import generate_response_key, public_response_jwk
from verifier.oid4vp.errors import (
    InvalidRequest,
    InvalidRequestObject,
    InvalidTransaction,
    ResponseCodeRequired,
    TransactionNotFound,
    VpFormatsNotSupported,
)
from verifier.oid4vp.models import Oid4vpTransaction
from verifier.oid4vp.presentation import PresentationVerifier
from verifier.oid4vp.request_object import (
    DEFAULT_SCHEME,
    VP_FORMATS_SUPPORTED,
    RequestUriMethod,
    ResponseMode,
    authorization_request_uri,
    encode_request_object,
    request_claims,
)
from verifier.oid4vp.response import check, evaluate, response_parameters
from verifier.oid4vp.transactions import TransactionStore, TransactionView

RESPONSE_MODES: Final = ("direct_post", "direct_post.jwt")
REQUEST_URI_METHODS: Final = ("get", "post")


def _token() -> str:
    """128+ bits of randomness, URL-safe (§5.2 ``nonce``/``state`` character rules)."""
    return secrets.token_urlsafe(32)


@dataclass(frozen=True, slots=True)
class Oid4vpConfig:
    """Where the verifier lives and how long things last."""

    base_url: str
    transaction_lifetime: int = 600
    scheme: str = DEFAULT_SCHEME
    default_response_mode: ResponseMode = "direct_post.jwt"
    default_request_uri_method: RequestUriMethod = "post"
    allow_http_redirects: bool = True

    def request_uri(self, request_id: str) -> str:
        return f"{self.base_url}/verifier/request/{request_id}"

    def response_uri(self, request_id: str) -> str:
        return f"{self.base_url}/verifier/response/{request_id}"


@dataclass(frozen=True, slots=True)
class CreatedTransaction:
    transaction_id: str
    authorization_request_uri: str
    request_uri: str
    expires_at: float


@dataclass(slots=True)
class WalletAnswer:
    """What the Response URI returns to the wallet (§8.2): ``redirect_uri`` or nothing."""

    body: dict[str, Any] = field(default_factory=dict)


#: Builds the client identity for a transaction, given its response URI (which the
#: ``redirect_uri:`` prefix embeds in the client_id).
IdentityFactory = Callable[[str], ClientIdentity]


class Oid4vpService:
    """Create transactions, serve request objects, accept responses, report results."""

    def __init__(
        self,
        *,
        config: Oid4vpConfig,
        store: TransactionStore,
        identity: IdentityFactory,
        verifier: PresentationVerifier,
        policy_query: Callable[[str], Mapping[str, Any]],
        clock: Callable[[], float],
        observer: VerificationObserver = SILENT,
    ) -> None:
        self._config = config
        self._store = store
        self._identity = identity
        self._verifier = verifier
        self._policy_query = policy_query
        self._clock = clock
        self._observer = observer

    @property
    def store(self) -> TransactionStore:
        return self._store

    # Creation ---------------------------------------------------------------------

    def _check_redirect(self, value: str) -> str:
        parts = urlsplit(value)
        allowed = ("https", "http") if self._config.allow_http_redirects else ("https",)
        if parts.scheme not in allowed or not parts.hostname or parts.fragment:
            raise InvalidRequest(
                "same_device_redirect must be an absolute http(s) URL without fragment"
            )
        return value

    def create_transaction(
        self,
        *,
        dcql_query: Mapping[str, Any] | None = None,
        policy: str | None = None,
        response_mode: str | None = None,
        request_uri_method: str | None = None,
        same_device_redirect: str | None = None,
    ) -> CreatedTransaction:
        """Start a transaction from a DCQL query or a named policy (exactly one)."""
        if (dcql_query is None) == (policy is None):
            raise InvalidRequest("give exactly one of dcql_query and policy")
        raw = self._policy_query(policy) if policy is not None else dcql_query
        query = parse_dcql_query(raw, strict=True)
        unsupported = sorted(query.formats - VP_FORMATS_SUPPORTED.keys())
        if unsupported:
            raise InvalidRequest(f"formats not supported by this verifier: {unsupported}")
        mode = response_mode or self._config.default_response_mode
        if mode not in RESPONSE_MODES:
            raise InvalidRequest(f"response_mode must be one of {list(RESPONSE_MODES)}")
        method = request_uri_method or self._config.default_request_uri_method
        if method not in REQUEST_URI_METHODS:
            raise InvalidRequest("request_uri_method must be 'get' or 'post'")
        redirect = self._check_redirect(same_device_redirect) if same_device_redirect else None
        now = self._clock()
        request_id = _token()
        identity = self._identity(self._config.response_uri(request_id))
        row = Oid4vpTransaction(
            id=_token(),
            request_id=request_id,
            status="pending",
            created_at=now,
            expires_at=now + self._config.transaction_lifetime,
            state=_token(),
            nonce=_token(),
            client_id=identity.client_id,
            response_mode=mode,
            request_uri_method=method,
            dcql_query=dict(query.raw),
            policy=policy,
            response_key=generate_response_key() if mode == "direct_post.jwt" else None,
            same_device_redirect=redirect,
        )
        self._store.create(row)
        self._observer.oid4vp_transaction("created")
        request_uri = self._config.request_uri(request_id)
        link = authorization_request_uri(
            identity.client_id,
            request_uri,
            cast(RequestUriMethod, method),
            scheme=self._config.scheme,
        )
        return CreatedTransaction(row.id, link, request_uri, row.expires_at)

    def authorization_link(self, transaction_id: str) -> str:
        """The ``openid4vp://`` link of a transaction (for its QR code)."""
        view = self._store.get(transaction_id, now=self._clock())
        if view is None:
            raise TransactionNotFound("unknown transaction")
        return authorization_request_uri(
            view.client_id,
            self._config.request_uri(view.request_id),
            view.request_uri_method,  # type: ignore[arg-type]
            scheme=self._config.scheme,
        )

    # Request object ---------------------------------------------------------------

    def _by_request_id(self, request_id: str) -> TransactionView:
        view = self._store.by_request_id(request_id, now=self._clock())
        if view is None:
            raise TransactionNotFound("unknown request")
        return view

    def request_object(
        self,
        request_id: str,
        *,
        wallet_nonce: str | None = None,
        wallet_metadata: str | None = None,
    ) -> str:
        """Serve the signed request object once (§5.10; RFC 9101 §5.2).

        A second fetch, or a fetch after expiry, is refused: the ``request_uri`` is
        single-use, so a leaked QR code cannot be replayed by another wallet.
        """
        view = self._by_request_id(request_id)
        query = parse_dcql_query(view.dcql_query, strict=False)
        if wallet_metadata is not None:
            _check_wallet_metadata(wallet_metadata, query)
        if wallet_nonce is not None and (not wallet_nonce or len(wallet_nonce) > 256):
            raise InvalidRequest(
                "wallet_nonce must be a non-empty string of at most 256 characters"
            )
        now = self._clock()
        if view.status == "expired":
            raise InvalidTransaction("the transaction has expired")
        if not self._store.advance(
            view.id, from_status=("pending",), to_status="fetched", now=now, fetched_at=now
        ):
            raise InvalidRequestObject("the request object was already retrieved or has expired")
        identity = self._identity(self._config.response_uri(request_id))
        key = view.response_key
        claims = request_claims(
            identity=identity,
            response_uri=self._config.response_uri(request_id),
            response_mode=view.response_mode,  # type: ignore[arg-type]
            nonce=view.nonce,
            state=view.state,
            dcql_query=view.dcql_query,
            response_jwk=public_response_jwk(key) if key else None,
            now=int(now),
            lifetime=max(1, int(view.expires_at - now)),
            wallet_nonce=wallet_nonce,
        )
        return encode_request_object(identity, claims)

    # Response ---------------------------------------------------------------------

    def handle_response(self, request_id: str, form: Mapping[str, str]) -> WalletAnswer:
        """Process the wallet's Authorization Response at the Response URI (§8.2, §8.6)."""
        view = self._by_request_id(request_id)
        _refuse_unanswerable(view)
        params = response_parameters(view, form)
        state = params.get("state")
        if not isinstance(state, str) or not state:
            raise InvalidRequest("state is missing")
        if not hmac.compare_digest(state.encode(), view.state.encode()):
            raise InvalidRequest("state does not match the request")
        now = self._clock()
        if not self._store.advance(
            view.id, from_status=("fetched",), to_status="responding", now=now
        ):
            current = self._store.get(view.id, now=now)
            status = current.status if current else "unknown"
            if status == "expired":
                raise InvalidTransaction("the transaction has expired")
            if status == "pending":
                raise InvalidTransaction("the request object was never retrieved")
            raise InvalidTransaction("the transaction was already answered")
        try:
            result = evaluate(view, params, self._verifier, now=self._clock())
        except InvalidRequest as exc:
            self._finish(
                view, {"verified": False, "checks": [check("vp_token", False, exc.description)]}
            )
            raise
        response_code = self._finish(view, result)
        if view.same_device_redirect and response_code:
            return WalletAnswer(
                {"redirect_uri": f"{view.same_device_redirect}#response_code={response_code}"}
            )
        return WalletAnswer({})

    def _finish(self, view: TransactionView, result: dict[str, Any]) -> str | None:
        now = self._clock()
        code = _token() if view.same_device_redirect else None
        verified = bool(result.get("verified"))
        self._observer.oid4vp_transaction("verified" if verified else "rejected")
        self._store.advance(
            view.id,
            from_status=("responding",),
            to_status="completed" if verified else "failed",
            now=now,
            check_expiry=False,
            completed_at=now,
            result=result,
            response_code=code,
            response_key=None,
        )
        return code

    # Polling ----------------------------------------------------------------------

    def status(self, transaction_id: str, *, response_code: str | None = None) -> dict[str, Any]:
        """What the relying party may know (§8.2 and Implementation Considerations)."""
        view = self._store.get(transaction_id, now=self._clock())
        if view is None:
            raise TransactionNotFound("unknown transaction")
        body: dict[str, Any] = {
            "transaction_id": view.id,
            "status": "pending" if view.status == "responding" else view.status,
            "expires_at": view.expires_at,
            "policy": view.policy,
        }
        if view.status in ("completed", "failed") and view.result_erased_at is not None:
            # past the retention period: the outcome stays, what was disclosed is gone
            body["result_erased_at"] = int(view.result_erased_at)
            return body
        if view.status not in ("completed", "failed") or view.result is None:
            return body
        if view.same_device_redirect:
            expected = view.response_code or ""
            if not response_code or not hmac.compare_digest(
                response_code.encode(), expected.encode()
            ):
                raise ResponseCodeRequired("this transaction's result needs its response_code")
        body.update(view.result)
        return body


def _refuse_unanswerable(view: TransactionView) -> None:
    """Only a transaction whose request object was fetched, and not yet answered, may be."""
    if view.status == "expired":
        raise InvalidTransaction("the transaction has expired")
    if view.status == "pending":
        raise InvalidTransaction("the request object was never retrieved")
    if view.status != "fetched":
        raise InvalidTransaction("the transaction was already answered")


def _check_wallet_metadata(text: str, query: DcqlQuery) -> None:
    """§5.10: ``wallet_metadata`` is a JSON object; if it lists ``vp_formats_supported``
    and none of the requested formats is among them, the wallet cannot answer."""
    try:
        metadata = json.loads(text)
    except (ValueError, RecursionError):
        raise InvalidRequest("wallet_metadata is not JSON") from None
    if not isinstance(metadata, dict):
        raise InvalidRequest("wallet_metadata must be a JSON object")
    formats = metadata.get("vp_formats_supported")
    if isinstance(formats, dict) and not (query.formats & formats.keys()):
        raise VpFormatsNotSupported("the wallet supports none of the requested formats")


__all__ = [
    "CreatedTransaction",
    "IdentityFactory",
    "Oid4vpConfig",
    "Oid4vpService",
    "WalletAnswer",
]
