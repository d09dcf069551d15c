"""HTTP routes of the OpenID4VCI 1.0 issuer: thin wrappers over :mod:`issuer.oid4vci`.

Each route parses the request, calls the protocol function in a worker thread (they do
database I/O), and serialises the answer; errors are :class:`~issuer.oid4vci.errors.
Oid4vciError` subclasses rendered by the application's single handler.

The protocol context is built on first use from ``app.state.issuer`` (the
:class:`~issuer.minting.services.IssuerServices`, built here from ``app.state.services``
when the composition layer has not done so) and kept on ``app.state.oid4vci``.
The Authorization Endpoint needs a logged-in End-User: it reads the identity the web
session layer keeps in ``request.state.web_session`` and otherwise sends the browser to
``/auth/login?next=…``.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, Final, TypeVar
from urllib.parse import parse_qs, quote

import anyio
import anyio.to_thread
from anyio.lowlevel import RunVar
from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse, RedirectResponse
from starlette.concurrency import run_in_threadpool

from credentials.jsonld import ContextRegistry
from credentials.oauth_errors import error_responses
from issuer.minting.services import IssuerServices, build_issuer_services
from issuer.observability import SILENT
from issuer.oid4vci import authorization, token
from issuer.oid4vci.access_token import AccessGrant, authenticate
from issuer.oid4vci.adapters import build_context
from issuer.oid4vci.config import (
    AUTHORIZATION_SERVER_WELL_KNOWN,
    CREDENTIAL_ISSUER_WELL_KNOWN,
    Oid4vciConfig,
    well_known_path,
)
from issuer.oid4vci.context import Oid4vciContext
from issuer.oid4vci.credential import CredentialResponse, request_credentials
from issuer.oid4vci.credential_offer import offer_document
from issuer.oid4vci.deferred import request_deferred
from issuer.oid4vci.errors import InvalidRequest
from issuer.oid4vci.metadata import (
    authorization_server_metadata,
    credential_issuer_metadata,
    prefers_signed,
    signed_credential_issuer_metadata,
)
from issuer.oid4vci.nonce import issue_nonce
from issuer.oid4vci.notification import notify
from issuer.proconnect.identity import IdentityError, ProConnectIdentity

T = TypeVar("T")
router = APIRouter(tags=["OpenID4VCI"])

NO_STORE: Final = {"Cache-Control": "no-store"}
FORM: Final = "application/x-www-form-urlencoded"
LOGIN_PATH: Final = "/auth/login"
RESUME_PATH: Final = "/issuer/authorize/resume"
_lock = threading.Lock()

_FORM_FIELDS = (
    "grant_type",
    "pre-authorized_code",
    "tx_code",
    "code",
    "code_verifier",
    "redirect_uri",
    "client_id",
    "response_type",
    "scope",
    "state",
    "code_challenge",
    "code_challenge_method",
    "authorization_details",
    "issuer_state",
)


def _form_schema(*required: str) -> dict[str, Any]:
    properties = {name: {"type": "string"} for name in _FORM_FIELDS}
    return {"type": "object", "properties": properties, "required": list(required)}


def _body(media_type: str, schema: dict[str, Any]) -> dict[str, Any]:
    """``openapi_extra`` for routes that parse their own body (forms, JSON with DPoP)."""
    headers = [
        {"name": name, "in": "header", "required": False, "schema": {"type": "string"}}
        for name in ("Authorization", "DPoP")
    ]
    return {
        "parameters": headers,
        "requestBody": {"required": True, "content": {media_type: {"schema": schema}}},
    }


_TOKEN_BODY: Final = _body(FORM, _form_schema("grant_type"))
_PAR_BODY: Final = _body(FORM, _form_schema("response_type", "client_id"))
_JSON_BODY: Final = _body("application/json", {"type": "object"})
_PROTECTED: Final = error_responses(
    {
        400: "malformed request, or a spec error code of the endpoint",
        401: "missing, invalid or expired access token (invalid_token, invalid_dpop_proof)",
        403: "the access token does not cover this request",
    }
)
_ISSUED: Final[dict[int | str, dict[str, Any]]] = {
    202: {"description": "deferred: a transaction_id to poll the Deferred Credential Endpoint"}
}


def _issuer_services(app: Any) -> IssuerServices:
    existing: IssuerServices | None = getattr(app.state, "issuer", None)
    if existing is not None:
        return existing
    services = app.state.services
    built = build_issuer_services(
        sessions=services.sessions,
        signers=lambda key_type: services.keys.signer("issuer", key_type),
        base_url=services.settings.base_url,
        did=services.did,
        clock=lambda: datetime.now(UTC),
        context_registry=ContextRegistry.standard(),
    )
    app.state.issuer = built
    return built


def context_for(app: Any) -> Oid4vciContext:
    """The protocol context of ``app`` (built once, thread-safe); the portal and tests use
    it to create offers with :func:`issuer.oid4vci.credential_offer.create_offer`."""
    existing: Oid4vciContext | None = getattr(app.state, "oid4vci", None)
    if existing is not None:
        return existing
    with _lock:
        again: Oid4vciContext | None = getattr(app.state, "oid4vci", None)
        if again is not None:
            return again
        config = Oid4vciConfig.from_settings(app.state.settings)
        observer = getattr(app.state, "issuance_observer", None) or SILENT
        keys = getattr(getattr(app.state, "services", None), "keys", None)
        nonce_key = keys.derive_secret("oid4vci/c_nonce") if keys is not None else None
        context = build_context(
            config, _issuer_services(app), observer=observer, nonce_key=nonce_key
        )
        app.state.oid4vci = context
        return context


def oid4vci_context(request: Request) -> Oid4vciContext:
    return context_for(request.app)


#: Threads doing the issuance endpoints' database work at once, per process. Starlette's
#: default pool (40 threads) lets every request in flight take a thread; they then queue
#: for the GIL with the event loop, and each hand-off costs CPU. Measured with two
#: processes on two shared cores (PostgreSQL): 119 issuances/s at 9.8 ms of server CPU
#: each with the default pool; 150-178/s at 7.2-8.5 ms with 4 threads; 152-200/s at
#: 6.4-8.1 ms with 2; 142/s with 1 (a thread waiting on PostgreSQL then idles the
#: process). Outbound HTTP never runs on these threads.
DATABASE_THREADS = 2


#: One limiter per event loop (tests run an application on several loops in turn).
_database_threads: RunVar[anyio.CapacityLimiter] = RunVar("attestia_oid4vci_database_threads")


def _database_limiter() -> anyio.CapacityLimiter:
    try:
        return _database_threads.get()
    except LookupError:
        limiter = anyio.CapacityLimiter(DATABASE_THREADS)
        _database_threads.set(limiter)
        return limiter


async def on_database(request: Request, work: Callable[[Oid4vciContext], T]) -> T:
    """Run ``work`` (synchronous code whose only blocking is the database) on one of the
    :data:`DATABASE_THREADS` threads."""
    ctx = oid4vci_context(request)
    return await anyio.to_thread.run_sync(work, ctx, limiter=_database_limiter())


def _json(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(body, status_code=status, headers={**NO_STORE, **(headers or {})})


async def _form(request: Request) -> dict[str, list[str]]:
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media != FORM:
        raise InvalidRequest(f"the request body must be {FORM}")
    body = await request.body()
    try:
        return parse_qs(body.decode("utf-8"), keep_blank_values=True, strict_parsing=False)
    except UnicodeDecodeError:
        raise InvalidRequest("the form is not UTF-8") from None


def _require_json(content_type: str) -> None:
    if content_type.split(";")[0].strip().lower() != "application/json":
        raise InvalidRequest("the request body must be application/json")


# Metadata ---------------------------------------------------------------------------


def _issuer_metadata(request: Request) -> Response:
    ctx = oid4vci_context(request)
    metadata = credential_issuer_metadata(ctx.config, ctx.catalogue)
    if prefers_signed(request.headers.get("accept")):
        keys = request.app.state.services.keys
        signer = keys.signer("issuer", "P-256")
        jwt = signed_credential_issuer_metadata(metadata, signer, kid=signer.kid, now=ctx.now())
        return Response(jwt, media_type="application/jwt")
    return JSONResponse(metadata)


@router.get(CREDENTIAL_ISSUER_WELL_KNOWN, summary="Credential Issuer metadata (§12.2)")
def credential_issuer_well_known(request: Request) -> Response:
    return _issuer_metadata(request)


@router.get(CREDENTIAL_ISSUER_WELL_KNOWN + "/{tail:path}", include_in_schema=False)
def credential_issuer_well_known_with_path(request: Request, tail: str) -> Response:
    ctx = oid4vci_context(request)
    expected = well_known_path(ctx.config.credential_issuer, CREDENTIAL_ISSUER_WELL_KNOWN)
    if request.url.path.rstrip("/") != expected:
        return JSONResponse({"error": "not_found", "error_description": "no such issuer"}, 404)
    return _issuer_metadata(request)


@router.get(AUTHORIZATION_SERVER_WELL_KNOWN, summary="OAuth 2.0 AS metadata (RFC 8414)")
def authorization_server_well_known(request: Request) -> JSONResponse:
    ctx = oid4vci_context(request)
    return JSONResponse(authorization_server_metadata(ctx.config, ctx.catalogue))


# Offers, PAR, authorization ---------------------------------------------------------


@router.get(
    "/issuer/offers/{offer_id}",
    summary="A Credential Offer by reference (§4.1.3)",
    responses=error_responses({404: "unknown, expired or already used offer"}),
)
def credential_offer(request: Request, offer_id: str) -> JSONResponse:
    return _json(offer_document(oid4vci_context(request), offer_id))


@router.post(
    "/issuer/par",
    summary="Pushed Authorization Request (RFC 9126)",
    status_code=201,
    openapi_extra=_PAR_BODY,
    responses=error_responses({400: "invalid pushed authorization request"}),
)
async def pushed_authorization_request(request: Request) -> JSONResponse:
    ctx = oid4vci_context(request)
    params = await _form(request)
    request_uri, expires_in = await run_in_threadpool(
        authorization.push_authorization_request, ctx, params
    )
    return _json({"request_uri": request_uri, "expires_in": expires_in}, status=201)


def _logged_in_user(request: Request) -> dict[str, Any] | None:
    session = getattr(request.state, "web_session", None)
    stored = getattr(session, "identity", None)
    if not isinstance(stored, dict):
        return None
    try:
        return ProConnectIdentity.from_json(stored).to_json()
    except IdentityError:
        return None


async def _finish(request: Request, ctx: Oid4vciContext, pending_id: str) -> Response:
    user = _logged_in_user(request)
    if user is None:
        resume = f"{RESUME_PATH}?pending={quote(pending_id, safe='')}"
        return RedirectResponse(f"{LOGIN_PATH}?next={quote(resume, safe='')}", status_code=303)
    try:
        location = await run_in_threadpool(
            authorization.complete_authorization, ctx, pending_id, user
        )
    except authorization.AuthorizationRedirect as redirect:
        location = redirect.location
    return RedirectResponse(location, status_code=303, headers=NO_STORE)


@router.get(
    "/issuer/authorize",
    summary="Authorization Endpoint (§5)",
    response_model=None,
    response_class=RedirectResponse,
    status_code=303,
    responses=error_responses(
        {400: "invalid authorization request (no redirect possible)", 403: "access_denied"}
    ),
)
async def authorize(request: Request) -> Response:
    ctx = oid4vci_context(request)
    params = parse_qs(request.url.query, keep_blank_values=True)
    try:
        pending_id = await run_in_threadpool(authorization.start_authorization, ctx, params)
    except authorization.AuthorizationRedirect as redirect:
        return RedirectResponse(redirect.location, status_code=303, headers=NO_STORE)
    return await _finish(request, ctx, pending_id)


@router.get(
    RESUME_PATH,
    summary="Back from the ProConnect login",
    response_model=None,
    response_class=RedirectResponse,
    status_code=303,
    responses=error_responses(
        {400: "unknown or expired pending authorization", 403: "access_denied"}
    ),
)
async def authorize_resume(request: Request, pending: str) -> Response:
    return await _finish(request, oid4vci_context(request), pending)


# Token and nonce --------------------------------------------------------------------


@router.post(
    "/issuer/token",
    summary="Token Endpoint (§6)",
    openapi_extra=_TOKEN_BODY,
    responses=error_responses(
        {
            400: "RFC 6749 §5.2 error (invalid_grant, invalid_request, …)",
            401: "invalid_client",
            429: "too many token requests or tx_code attempts from this client",
        }
    ),
)
async def token_endpoint(request: Request) -> JSONResponse:
    ctx = oid4vci_context(request)
    params = await _form(request)
    exchange = token.TokenRequest(
        params=params, dpop=request.headers.getlist("dpop"), url=ctx.config.endpoint("token")
    )
    body = await on_database(request, lambda c: token.exchange(c, exchange))
    return _json(body)


@router.post("/issuer/nonce", summary="Nonce Endpoint (§7)")
async def nonce_endpoint(request: Request) -> JSONResponse:
    # No database work (the value carries its own expiry and tag): answered on the loop.
    return _json({"c_nonce": issue_nonce(oid4vci_context(request))})


# Protected resources ----------------------------------------------------------------


def _authenticated(
    request: Request, endpoint: str, handle: Callable[[Oid4vciContext, AccessGrant], T]
) -> Callable[[Oid4vciContext], T]:
    """The access token check, then the JSON body's media type, then ``handle``: one
    call (the body is read before, unchecked)."""
    authorization = request.headers.get("authorization")
    dpop = request.headers.getlist("dpop")
    method = request.method
    media = request.headers.get("content-type", "")

    def call(ctx: Oid4vciContext) -> T:
        url = ctx.config.endpoint(endpoint)
        grant = authenticate(ctx, authorization=authorization, dpop=dpop, method=method, url=url)
        _require_json(media)
        return handle(ctx, grant)

    return call


def _credential_response(result: CredentialResponse) -> JSONResponse:
    return _json(result.body, status=result.status)


@router.post(
    "/issuer/credential",
    summary="Credential Endpoint (§8)",
    openapi_extra=_JSON_BODY,
    responses={**_ISSUED, **_PROTECTED},
)
async def credential_endpoint(request: Request) -> JSONResponse:
    body = await request.body()
    call = _authenticated(
        request, "credential", lambda ctx, grant: request_credentials(ctx, grant, body)
    )
    return _credential_response(await on_database(request, call))


@router.post(
    "/issuer/deferred_credential",
    summary="Deferred Credential Endpoint (§9)",
    openapi_extra=_JSON_BODY,
    responses={**_ISSUED, **_PROTECTED},
)
async def deferred_credential_endpoint(request: Request) -> JSONResponse:
    body = await request.body()
    call = _authenticated(
        request, "deferred_credential", lambda ctx, grant: request_deferred(ctx, grant, body)
    )
    return _credential_response(await on_database(request, call))


@router.post(
    "/issuer/notification",
    summary="Notification Endpoint (§11)",
    status_code=204,
    openapi_extra=_JSON_BODY,
    responses=_PROTECTED,
)
async def notification_endpoint(request: Request) -> Response:
    body = await request.body()
    await on_database(
        request, _authenticated(request, "notification", lambda ctx, g: notify(ctx, g, body))
    )
    return Response(status_code=204, headers=NO_STORE)


# Routes are matched in the order of this list: the three a wallet calls for every
# credential go first (the metadata and authorization routes are called once per session).
_EVERY_ISSUANCE = ("/issuer/token", "/issuer/nonce", "/issuer/credential")
router.routes.sort(key=lambda route: getattr(route, "path", "") not in _EVERY_ISSUANCE)
