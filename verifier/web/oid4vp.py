"""HTTP endpoints of OpenID4VP 1.0 (FastAPI glue over :mod:`verifier.oid4vp.service`).

- ``POST /verifier/transactions``: a relying party starts a transaction.
- ``GET /verifier/transactions/{id}`` (+ ``qr.png``, ``qr.svg``): it polls and shows the QR.
- ``GET|POST /verifier/request/{request_id}``: the wallet fetches the request object (§5.10).
- ``POST /verifier/response/{request_id}``: the wallet's Response URI (§8.2).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from functools import partial
from typing import Annotated, Any, TypeVar

import anyio
import anyio.to_thread
from anyio.lowlevel import RunVar
from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict
from starlette.concurrency import run_in_threadpool

from credentials.oauth_errors import error_responses
from verifier.observability import SILENT
from verifier.oid4vp.errors import InvalidRequest
from verifier.oid4vp.pipeline_verifier import PipelinePresentationVerifier
from verifier.oid4vp.presentation import PresentationVerifier
from verifier.oid4vp.qr import qr_png, qr_svg
from verifier.oid4vp.request_object import REQUEST_OBJECT_MEDIA_TYPE
from verifier.oid4vp.service import Oid4vpService
from verifier.oid4vp.setup import (
    Oid4vpSettings,
    build_oid4vp_service,
    default_presentation_verifier,
    identity_factory,
    policy_lookup,
)
from verifier.services import VerifierServices

router = APIRouter(prefix="/verifier", tags=["verifier: OpenID4VP"])
_LOCK = threading.Lock()
T = TypeVar("T")
NO_STORE = {"Cache-Control": "no-store"}
_UNKNOWN = error_responses({404: "unknown or expired transaction"})
_STATUS = error_responses(
    {
        400: "malformed request",
        403: "same-device flow: the response_code is missing or wrong",
        404: "unknown or expired transaction",
    }
)
_REQUEST_OBJECT = {
    200: {"content": {REQUEST_OBJECT_MEDIA_TYPE: {"schema": {"type": "string"}}}},
    **error_responses({400: "invalid wallet_metadata or wallet_nonce", 404: "unknown request"}),
}
_RESPONSE_FORM = {
    "requestBody": {
        "required": True,
        "content": {
            "application/x-www-form-urlencoded": {
                "schema": {
                    "type": "object",
                    "minProperties": 1,
                    "properties": {
                        "vp_token": {"type": "string"},
                        "state": {"type": "string"},
                        "response": {"type": "string"},
                    },
                }
            }
        },
    }
}


def _build(request: Request) -> Oid4vpService:
    services = request.app.state.services
    settings = services.settings
    oid4vp_settings = Oid4vpSettings()
    signer = services.keys.signer("verifier", "P-256")
    kid = (
        signer.kid
        if signer.kid.startswith("did:")
        else services.keys.verification_method_id(signer.kid)
    )
    identity = identity_factory(
        oid4vp_settings.client_id_prefix,
        signer=signer,
        did=services.did,
        verification_method=kid,
        base_url=settings.base_url,
        chain_file=oid4vp_settings.x509_chain_file,
        dns_name=oid4vp_settings.x509_dns_name,
        dev_chain_path=settings.data_dir / "verifier" / "x509-dev-chain.pem",
        production=settings.is_production,
    )
    return build_oid4vp_service(
        base_url=settings.base_url,
        sessions=services.sessions,
        identity=identity,
        verifier=_presentation_verifier(request),
        policy_query=policy_lookup(settings.base_url),
        settings=oid4vp_settings,
        observer=getattr(request.app.state, "verification_observer", None) or SILENT,
    )


def _presentation_verifier(request: Request) -> PresentationVerifier:
    """The verifier pipeline when the app has one (``app.state.verifier.pipeline``),
    else signature/validity/holder-binding checks with :mod:`credentials` alone."""
    services = getattr(request.app.state, "verifier", None)
    if isinstance(services, VerifierServices):
        return PipelinePresentationVerifier(services.pipeline)
    return default_presentation_verifier()


def _built(request: Request) -> Oid4vpService:
    with _LOCK:
        service: Oid4vpService | None = getattr(request.app.state, "oid4vp", None)
        if service is None:
            service = _build(request)
            request.app.state.oid4vp = service
        return service


async def get_oid4vp(request: Request) -> Oid4vpService:
    """The app's service (``app.state.oid4vp``), built on first use from its services (in
    a thread: it reads keys from the database); afterwards, no thread hop."""
    service: Oid4vpService | None = getattr(request.app.state, "oid4vp", None)
    if service is not None:
        return service
    return await run_in_threadpool(_built, request)


#: Threads running the transaction routes' work at once, per process (creation, request
#: object, result polling: database and one signature, never outbound HTTP). As for the
#: issuance endpoints (``issuer.web.oid4vci.DATABASE_THREADS``), Starlette's 40-thread pool
#: let every request in flight take a thread and queue for the GIL. The Response Endpoint
#: stays on the default pool: verifying a presentation may fetch DID documents, status
#: lists or a trusted list, and a slow server must not stall the other routes.
TRANSACTION_THREADS = 2
_transaction_threads: RunVar[anyio.CapacityLimiter] = RunVar("attestia_oid4vp_threads")


async def _on_thread(work: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    try:
        limiter = _transaction_threads.get()
    except LookupError:
        limiter = anyio.CapacityLimiter(TRANSACTION_THREADS)
        _transaction_threads.set(limiter)
    return await anyio.to_thread.run_sync(partial(work, *args, **kwargs), limiter=limiter)


Oid4vpDep = Annotated[Oid4vpService, Depends(get_oid4vp)]


class TransactionRequest(BaseModel):
    """Body of ``POST /verifier/transactions``."""

    model_config = ConfigDict(extra="forbid")

    dcql_query: dict[str, Any] | None = None
    policy: str | None = None
    response_mode: str | None = None
    request_uri_method: str | None = None
    same_device_redirect: str | None = None


@router.post(
    "/transactions",
    status_code=201,
    responses=error_responses({400: "invalid DCQL query, unknown policy or bad option"}),
)
async def create_transaction(
    body: TransactionRequest, service: Oid4vpDep, request: Request
) -> JSONResponse:
    created = await _on_thread(
        service.create_transaction,
        dcql_query=body.dcql_query,
        policy=body.policy,
        response_mode=body.response_mode,
        request_uri_method=body.request_uri_method,
        same_device_redirect=body.same_device_redirect,
    )
    base = str(request.url_for("transaction_status", transaction_id=created.transaction_id))
    return JSONResponse(
        {
            "transaction_id": created.transaction_id,
            "authorization_request_uri": created.authorization_request_uri,
            "request_uri": created.request_uri,
            "qr_png_url": f"{base}/qr.png",
            "qr_svg_url": f"{base}/qr.svg",
            "expires_at": int(created.expires_at),
        },
        status_code=201,
        headers=NO_STORE,
    )


@router.get("/transactions/{transaction_id}", name="transaction_status", responses=_STATUS)
async def transaction_status(
    transaction_id: str, service: Oid4vpDep, response_code: str | None = None
) -> JSONResponse:
    body = await _on_thread(service.status, transaction_id, response_code=response_code)
    return JSONResponse(body, headers=NO_STORE)


@router.get(
    "/transactions/{transaction_id}/qr.png",
    response_class=Response,
    responses={200: {"content": {"image/png": {}}}, **_UNKNOWN},
)
def transaction_qr_png(transaction_id: str, service: Oid4vpDep) -> Response:
    return Response(
        qr_png(service.authorization_link(transaction_id)), media_type="image/png", headers=NO_STORE
    )


@router.get(
    "/transactions/{transaction_id}/qr.svg",
    response_class=Response,
    responses={200: {"content": {"image/svg+xml": {}}}, **_UNKNOWN},
)
def transaction_qr_svg(transaction_id: str, service: Oid4vpDep) -> Response:
    return Response(
        qr_svg(service.authorization_link(transaction_id)),
        media_type="image/svg+xml",
        headers=NO_STORE,
    )


def _request_object(jwt: str) -> Response:
    return Response(jwt, media_type=REQUEST_OBJECT_MEDIA_TYPE, headers=NO_STORE)


@router.get("/request/{request_id}", response_class=Response, responses=_REQUEST_OBJECT)
async def request_object_get(request_id: str, service: Oid4vpDep) -> Response:
    """RFC 9101 §5.2: the wallet dereferences ``request_uri`` with GET."""
    return _request_object(await _on_thread(service.request_object, request_id))


@router.post("/request/{request_id}", response_class=Response, responses=_REQUEST_OBJECT)
async def request_object_post(
    request_id: str,
    service: Oid4vpDep,
    wallet_metadata: Annotated[str | None, Form()] = None,
    wallet_nonce: Annotated[str | None, Form()] = None,
) -> Response:
    """§5.10 ``request_uri_method=post``: form-encoded ``wallet_metadata``, ``wallet_nonce``."""
    jwt = await _on_thread(
        service.request_object,
        request_id,
        wallet_nonce=wallet_nonce,
        wallet_metadata=wallet_metadata,
    )
    return _request_object(jwt)


@router.post(
    "/response/{request_id}",
    openapi_extra=_RESPONSE_FORM,
    responses=error_responses(
        {400: "invalid response (OpenID4VP §8.5 error code)", 404: "unknown request"}
    ),
)
async def response_endpoint(request_id: str, request: Request, service: Oid4vpDep) -> JSONResponse:
    """§8.2 Response URI: ``vp_token`` + ``state``, or a ``response`` JWE (``direct_post.jwt``)."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type != "application/x-www-form-urlencoded":
        raise InvalidRequest("the response must be application/x-www-form-urlencoded")
    form = await request.form()
    values: dict[str, str] = {}
    for name, value in form.multi_items():
        if not isinstance(value, str):
            raise InvalidRequest(f"{name} must be a form field")
        if name in values:
            raise InvalidRequest(f"{name} appears more than once")
        values[name] = value
    answer = await run_in_threadpool(service.handle_response, request_id, values)
    return JSONResponse(answer.body, headers=NO_STORE)
