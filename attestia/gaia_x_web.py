"""The Gaia-X routes of the deployment: the x5u chain, the company's presentations, compliance.

Mounted by :func:`install_gaia_x`:

- from :func:`issuer.gaia_x.web.build_router`: ``GET /.well-known/x509-chain.pem`` (the
  chain of the active issuer RSA key) and ``GET /issuer/gaia-x/participant.vp.jwt`` (the
  Loire VP-JWT of the logged-in company, ready for a GXDCH compliance service);
- ``GET /issuer/gaia-x/participant.tagus.json``: the Tagus 22.10 presentation
  (JsonWebSignature2020 credentials in an unsigned VP), for Tagus-era services;
- ``POST /issuer/gaia-x/compliance`` (CSRF, form field ``csrf_token``; only when
  ``ATTESTIA_GAIA_X_COMPLIANCE_URL`` is set): builds the bundle in
  ``ATTESTIA_GAIA_X_COMPLIANCE_FLAVOUR``, submits it, stores the returned compliance
  credential and redirects (303) to
- ``GET /issuer/gaia-x/compliance``: the latest compliance credential stored for the
  company (JSON), 404 when there is none.

Every bundle handed out is recorded in the issued-credential register (one row per
credential, configuration ``gaia_x_participant_*``, the company's SIREN, the person's
ProConnect ``sub``). Errors are ``{"error", "error_description"}``: 401
``login_required``, 403 ``not_eligible`` / ``invalid_csrf``, 422 ``compliance_rejected``
(with the service's reasons), 502 ``compliance_unavailable``.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

import anyio.from_thread
import httpx
from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from attestia import sessions
from attestia.gaia_x_wiring import (
    Flavour,
    GaiaXChains,
    active_rsa_signer,
    issuer_config,
    participant_bundle,
    record_bundle,
)
from attestia.issuer_wiring import company_registry
from credentials.oauth_errors import error_responses
from issuer.eligibility import AuthenticatedIdentity, Decision, evaluate
from issuer.gaia_x import (
    ComplianceClient,
    ComplianceRejected,
    GaiaXError,
    LoireBundle,
    TagusBundle,
    submit_participant,
)
from issuer.gaia_x.models import latest_compliance
from issuer.gaia_x.web import GaiaXPortal, build_router
from issuer.minting.services import IssuerServices
from issuer.web import oid4vci as oid4vci_routes

logger = logging.getLogger("attestia.gaia_x")

TAGUS_PATH = "/issuer/gaia-x/participant.tagus.json"
COMPLIANCE_PATH = "/issuer/gaia-x/compliance"
NO_STORE = {"Cache-Control": "no-store"}


def _now() -> datetime:
    return datetime.now(UTC)


def _error(status: int, code: str, description: str) -> JSONResponse:
    return JSONResponse(
        {"error": code, "error_description": description}, status_code=status, headers=NO_STORE
    )


def _issuer(app: Any) -> IssuerServices:
    oid4vci_routes.context_for(app)  # builds app.state.issuer when missing
    built: IssuerServices = app.state.issuer
    return built


def _decision(request: Request, claims: dict[str, Any]) -> tuple[AuthenticatedIdentity, Decision]:
    """The ``gaia_x_participant`` decision for the session (run from a worker thread)."""
    acr = claims.get("acr")
    identity = AuthenticatedIdentity.from_claims(claims, acr=acr if isinstance(acr, str) else None)
    registry = company_registry(request.app)

    async def run() -> Decision:
        report = await evaluate(identity, registry, now=_now())
        return report["gaia_x_participant"]

    return identity, anyio.from_thread.run(run)


def issue_bundle(request: Request, flavour: Flavour) -> LoireBundle | TagusBundle | None:
    """Build and record the session company's bundle; None when nobody is logged in."""
    claims = sessions.current_identity(request)
    if claims is None:
        return None
    identity, decision = _decision(request, claims)
    services = request.app.state.services
    issuer = _issuer(request.app)
    signer = active_rsa_signer(services.keys)
    config = issuer_config(services.settings, services.did)
    now = _now()
    bundle = participant_bundle(
        decision,
        flavour,
        signer=signer,
        config=config,
        registry=issuer.context_registry,
        now=now,
    )
    assert decision.legal_unit is not None  # the builders refuse a decision without one
    with issuer.sessions.begin() as session:
        record_bundle(
            session,
            bundle,
            allocator=issuer.allocator,
            siren=decision.legal_unit.siren,
            siret=identity.siret,
            person_sub=identity.sub,
            signing_kid=signer.kid,
            now=now,
            valid_until=now.replace(microsecond=0) + config.validity,
        )
    logger.info("gaia-x: %s bundle for SIREN %s", flavour, decision.legal_unit.siren)
    return bundle


def _loire_vp(request: Request) -> str | None:
    bundle = issue_bundle(request, "loire")
    return bundle.vp_jwt if isinstance(bundle, LoireBundle) else None


def build_extra_router() -> APIRouter:
    """The Tagus download and the compliance submission."""
    router = APIRouter(tags=["gaia-x"])

    @router.get(
        TAGUS_PATH,
        summary="Gaia-X Tagus presentation of the logged-in company",
        responses=error_responses(
            {
                401: "login_required",
                403: "not_eligible",
                422: "the participant credential could not be built",
            }
        ),
    )
    async def tagus_presentation(request: Request) -> Response:
        try:
            bundle = await run_in_threadpool(issue_bundle, request, "tagus")
        except GaiaXError as exc:
            return _error(403 if exc.code == "not_eligible" else 422, exc.code, exc.detail)
        if not isinstance(bundle, TagusBundle):
            return _error(401, "login_required", "log in with ProConnect first")
        return JSONResponse(
            bundle.presentation,
            headers={
                **NO_STORE,
                "Content-Disposition": 'attachment; filename="gaia-x-participant.tagus.json"',
            },
        )

    @router.post(
        COMPLIANCE_PATH,
        summary="Submit the company to the Gaia-X compliance service",
        response_class=RedirectResponse,
        status_code=303,
        responses=error_responses(
            {
                401: "login_required",
                403: "invalid_csrf or not_eligible",
                404: "not_configured: no compliance service is configured",
                422: "the compliance service rejected the participant",
                502: "compliance_unavailable: the compliance service could not be reached",
            }
        ),
    )
    async def submit(request: Request) -> Response:
        settings = request.app.state.settings
        if not settings.gaia_x_compliance_url:
            return _error(404, "not_configured", "no Gaia-X compliance service is configured")
        form = await request.form()
        token = form.get("csrf_token")
        if not sessions.check_csrf(request, token if isinstance(token, str) else None):
            return _error(403, "invalid_csrf", "the form has expired; reload the portal")
        try:
            stored = await run_in_threadpool(_submit, request)
        except ComplianceRejected as exc:
            return JSONResponse(
                {
                    "error": exc.code,
                    "error_description": exc.detail,
                    "service_status": exc.status_code,
                },
                status_code=422,
                headers=NO_STORE,
            )
        except GaiaXError as exc:
            status = {"not_eligible": 403, "compliance_unavailable": 502}.get(exc.code, 422)
            return _error(status, exc.code, exc.detail)
        if stored is None:
            return _error(401, "login_required", "log in with ProConnect first")
        return RedirectResponse(COMPLIANCE_PATH, status_code=303, headers=NO_STORE)

    @router.get(
        COMPLIANCE_PATH,
        summary="The company's latest Gaia-X compliance credential",
        responses=error_responses(
            {401: "login_required", 404: "no compliance credential was obtained yet"}
        ),
    )
    async def show(request: Request) -> Response:
        claims = sessions.current_identity(request)
        siren = claims.get("siren") if claims else None
        if not isinstance(siren, str):
            return _error(401, "login_required", "log in with ProConnect first")
        issuer = _issuer(request.app)
        with issuer.sessions() as session:
            stored = latest_compliance(session, siren)
        if stored is None:
            return _error(404, "not_found", "no compliance credential was obtained yet")
        return JSONResponse(
            {
                "siren": stored.siren,
                "flavour": stored.flavour,
                "service": stored.service,
                "submitted_at": stored.submitted_at.isoformat(),
                "credential_sha256": stored.credential_sha256,
                "credential": stored.credential,
            },
            headers=NO_STORE,
        )

    return router


def _http(app: Any) -> httpx.Client:
    """``app.state.gaia_x_http`` when set (tests, proxies), else a new client."""
    client: httpx.Client | None = getattr(app.state, "gaia_x_http", None)
    return client or httpx.Client(follow_redirects=False)


def _submit(request: Request) -> Any:
    settings = request.app.state.settings
    flavour: Flavour = settings.gaia_x_compliance_flavour
    bundle = issue_bundle(request, flavour)
    if bundle is None:
        return None
    claims = sessions.current_identity(request) or {}
    siren = str(claims.get("siren") or "")
    client = ComplianceClient(settings.gaia_x_compliance_url, _http(request.app))
    issuer = _issuer(request.app)
    with issuer.sessions.begin() as session:
        stored = submit_participant(bundle, client=client, session=session, siren=siren, now=_now())
    logger.info("gaia-x: compliance credential stored for SIREN %s", siren)
    return stored


def start_gaia_x(app: FastAPI) -> None:
    """At start: the x5u chain of the active RSA key (production refuses to start without a
    matching operator chain: :class:`~issuer.gaia_x.CertificateChainError`)."""
    chains = GaiaXChains(app.state.services.settings, app.state.services.keys)
    chains.current()
    app.state.gaia_x_chains = chains


def install_gaia_x(app: FastAPI) -> None:
    """Mount the Gaia-X routes (the chain provider is set by :func:`start_gaia_x`)."""

    def chain_pem() -> str:
        chains: GaiaXChains | None = getattr(app.state, "gaia_x_chains", None)
        if chains is None:
            chains = GaiaXChains(app.state.services.settings, app.state.services.keys)
            app.state.gaia_x_chains = chains
        return chains.pem()

    app.include_router(build_router(GaiaXPortal(chain_pem=chain_pem, participant_vp_jwt=_loire_vp)))
    app.include_router(build_extra_router())
