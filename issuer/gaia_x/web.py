"""HTTP glue: the x5u certificate chain and the portal's participant VP download.

Protocol code stays in this package's other modules; this router only parses, calls and
serialises. What it needs from the deployment (the chain, who is logged in and their
eligibility decision, the signer) comes through a :class:`GaiaXPortal` the composition
layer builds, so this package imports nothing of ``attestia``.

- ``GET /.well-known/x509-chain.pem`` — the PEM chain the did:web RSA key's ``x5u`` names
  (reference gaia-x.md §2.2), ``application/x-pem-file``.
- ``GET /issuer/gaia-x/participant.vp.jwt`` — for the logged-in company: the Loire VP-JWT
  to hand to a GXDCH compliance service, ``application/vp+jwt``, as an attachment.
  401 ``login_required`` without a session, 403 ``not_eligible`` with the reason.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from credentials.oauth_errors import error_responses
from issuer.gaia_x.compliance import MEDIA_TYPE_VP_JWT
from issuer.gaia_x.errors import GaiaXError
from issuer.gaia_x.x509_chain import CHAIN_PATH


@dataclass(frozen=True, slots=True)
class GaiaXPortal:
    """Callbacks the composition layer provides.

    ``participant_vp_jwt(request)`` returns the VP-JWT for the session's company, None when
    nobody is logged in, and raises :class:`GaiaXError` (e.g. ``not_eligible``) otherwise.
    """

    chain_pem: Callable[[], str]
    participant_vp_jwt: Callable[[Request], str | None]


def _error(status: int, code: str, description: str) -> JSONResponse:
    return JSONResponse(
        {"error": code, "error_description": description},
        status_code=status,
        headers={"Cache-Control": "no-store"},
    )


def build_router(portal: GaiaXPortal) -> APIRouter:
    """The Gaia-X routes over ``portal``."""
    router = APIRouter(tags=["gaia-x"])

    @router.get(
        CHAIN_PATH,
        summary="X.509 chain of the Gaia-X signing key (x5u)",
        response_class=Response,
        responses={200: {"content": {"application/x-pem-file": {"schema": {"type": "string"}}}}},
    )
    def certificate_chain() -> Response:
        return Response(
            portal.chain_pem(),
            media_type="application/x-pem-file",
            headers={"Cache-Control": "public, max-age=300"},
        )

    @router.get(
        "/issuer/gaia-x/participant.vp.jwt",
        summary="Gaia-X participant presentation (Loire VP-JWT) of the logged-in company",
        response_class=Response,
        responses={
            200: {"content": {MEDIA_TYPE_VP_JWT: {"schema": {"type": "string"}}}},
            **error_responses(
                {
                    401: "login_required: nobody is logged in",
                    403: "not_eligible: the company may not have a participant credential",
                    422: "the participant credential could not be built",
                }
            ),
        },
    )
    async def participant_presentation(request: Request) -> Response:
        try:
            token = await run_in_threadpool(portal.participant_vp_jwt, request)
        except GaiaXError as exc:
            return _error(403 if exc.code == "not_eligible" else 422, exc.code, exc.detail)
        if token is None:
            return _error(401, "login_required", "log in with ProConnect first")
        return Response(
            token,
            media_type=MEDIA_TYPE_VP_JWT,
            headers={
                "Content-Disposition": 'attachment; filename="gaia-x-participant.vp.jwt"',
                "Cache-Control": "no-store",
            },
        )

    return router
